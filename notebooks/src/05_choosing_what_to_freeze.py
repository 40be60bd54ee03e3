# %% [markdown] slideshow={"slide_type": "slide"}
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tlcourse/tlcourse/blob/main/notebooks/05_choosing_what_to_freeze.ipynb)
#
# # 05 · Choosing what to freeze
#
# **What you will learn**
# - the lecture's 2 × 2 table: how the **size** of your data set and its **similarity** to the
#   source data decide how much of a pretrained network to keep frozen and how much to re-train;
# - what *frozen* and *unfrozen* mean in Keras (`trainable = False` / `trainable = True`) — one
#   of the lecture texts swaps the two;
# - the table **measured**: a 2 × 2 grid of real runs (feature extraction, fine-tuning the top,
#   fine-tuning everything, training from scratch) over several seeds, with the lecture's advice
#   checked against the numbers;
# - the **freeze-depth slider**: move the cut through an ImageNet network and see what is
#   frozen, how many parameters train and the re-trained accuracy;
# - why fine-tuning needs a **low learning rate**: a high one destroys the pretrained features,
#   measured.
#
# Lecture: [6-4 Choosing what to freeze](../README.md#lecture-6-4-choosing-what-to-freeze)
# (chapter 6, section 4; the 2 × 2 table of the blog "Transfer Learning"; the cases of the notes
# "Transfer Learning & Fine-Tuning").

# %% slideshow={"slide_type": "skip"}
# Colab only: install the course from its repository (does nothing elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "tlcourse @ git+https://github.com/tlcourse/tlcourse"], check=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The lecture's 2 × 2 table
#
# How much of a pretrained network to re-train depends on two questions:
#
# 1. **How much labelled target data do you have?** Re-training many weights on few images
#    overfits; with many images it is safe.
# 2. **How similar is the target data to the source data?** Early layers learn generic
#    features (edges, strokes), late layers features specific to the source task (6-2). For a
#    similar target the late features already fit; for a different one they must be re-learned.
#
# | | target **similar** to the source | target **different** from the source |
# |---|---|---|
# | **small** data | add a new output layer, train only it (**feature extraction**) | blog: *"you're in trouble"*; notes: re-train the layers from somewhere **early** in the network on |
# | **large** data | blog: **partial fine-tuning** (re-train the top layers); notes: fine-tune the whole network | **fine-tune the whole model** (or many layers) |
#
# The blog (seed 001) defines *full fine-tuning* as re-training every layer on the new data and
# *partial fine-tuning* as training only the upper layers. The notes (seed 004) add the reason
# for the small-data cells: back-propagating through the whole model on few images risks
# overfitting, so train only the last linear classifier when the data is similar.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Frozen and unfrozen, the right way round
#
# - A **frozen** layer is kept as it is: `layer.trainable = False`, `fit` never changes its weights.
# - An **unfrozen** layer is re-trained: `layer.trainable = True`.
#
# The companion text on CNN transfer (seed 002) writes *"Frozen (trainable = True) … Unfrozen
# (trainable = False)"*: there the flags are **swapped**. Section 1 prints the flags of a real
# model, so you can see which is which.
#
# One number describes every strategy in the table: the **freeze depth** *k*, the number of
# layers (from the input up) that stay frozen. *k* = all layers → feature extraction; a smaller
# *k* → more layers fine-tuned; *k* = 0 → fine-tune everything. Training from scratch is the
# baseline: the same architecture with random weights, nothing transferred.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Set-up
#
# Fast mode (`TLCOURSE_FAST=1`, used by the tests) runs the same cells with fewer seeds, images
# and passes over the data; the stored outputs come from a full run. Every run is seeded, so it gives the same
# numbers twice.

# %% slideshow={"slide_type": "-"}
import time

import tlcourse                      # first: it silences TensorFlow's start-up messages
import keras
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, display
from sklearn.model_selection import train_test_split
from tlcourse import data
from tlcourse.config import FAST, SEED, fast_or_full, seed_everything
from tlcourse.exercises import check
from tlcourse.models import backbone_preprocess, imagenet_backbone, load_pretrained
from tlcourse.surgery import clone_with_weights, reuse_layers, set_freeze_depth, trainable_report

GRID_SEEDS = list(range(fast_or_full(2, 3)))             # seeds per cell of the 2x2 grid
SIZES = {"small": 100, "large": fast_or_full(200, 1000)}  # training images per cell
PASSES = {"small": fast_or_full((10, 5), (40, 20)),        # passes over the training images:
          "large": fast_or_full((5, 3), (10, 5))}         # (head, fine-tuning)
FINE_TUNE_RATE = 1e-4                                     # Adam's rate for pretrained layers
print(f"fast mode: {FAST} | grid: {len(GRID_SEEDS)} seeds, {SIZES} training images, "
      f"passes (head, fine-tuning) {PASSES}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · Freezing in code: the raw loop, then the helper
#
# The source network of the grid is the course's own **MNIST CNN** (`mnist_cnn`: two
# convolution blocks and a dense layer, trained on 60,000 handwritten digits by
# `python -m tlcourse.pretrain` and committed). To reuse it: a clone with its weights, every
# layer but its old output layer, a new 10-class output layer — then decide what to freeze.
#
# Here: freeze the convolutional part (the first five layers), re-train the dense layer and the
# new head. A loop sets the flags, `compile()` makes them count, `trainable_report` shows them.

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
cnn = load_pretrained("mnist_cnn")
model = keras.Sequential([keras.Input(shape=(28, 28, 1), name="digit"),
                          *clone_with_weights(cnn).layers[:-1],          # all but the old output
                          keras.layers.Dense(10, activation="softmax", name="new_head")],
                         name="cnn_fine_tune_top")
for layer in model.layers[:5]:          # rescale, conv1, pool1, conv2, pool2
    layer.trainable = False             # frozen: kept exactly as it is
model.compile(optimizer=keras.optimizers.Adam(learning_rate=FINE_TUNE_RATE),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
print(trainable_report(model))

# %% [markdown] slideshow={"slide_type": "subslide"}
# `trainable = False` (frozen) on the convolution layers, `trainable = True` (unfrozen) on the
# dense ones — not the other way round. The same in one call: `set_freeze_depth(model, k)`
# freezes the first *k* layers and unfreezes the rest; `param_counts(model, k)` (from
# `tlcourse.widgets`) says what a depth would freeze **without touching** the model. The grid's
# strategies are three depths of the same network, plus the baseline:

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
from tlcourse.widgets import param_counts

flags_from_loop = [layer.trainable for layer in model.layers]
set_freeze_depth(model, 5)                                # the helper: the loop above in one call
print("set_freeze_depth(model, 5) sets the same flags as the loop:",
      [layer.trainable for layer in model.layers] == flags_from_loop)

source = reuse_layers(cnn)               # a clone of the MNIST CNN without its output layer
STRATEGIES = {"feature extraction": 7, "fine-tune top": 5, "fine-tune all": 0}  # freeze depth k
print(f"\nsource: {len(source.layers)} layers {[layer.name for layer in source.layers]}")
for name, k in STRATEGIES.items():
    frozen = ", ".join(layer.name for layer in source.layers[:k]) or "nothing"
    print(f"{name:<19} k={k}: {param_counts(source, k)['trainable']:>7,} trainable parameters "
          f"+ the new head | frozen: {frozen}")
print(f"{'from scratch':<19} k=0 with random weights: everything trains, nothing is transferred")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 05.1 — set up "fine-tune top" yourself
#
# The blog recommends *partial fine-tuning* for large, similar data: keep the generic lower
# layers, re-train the top. Load the MNIST CNN (`load_pretrained("mnist_cnn")`), **freeze its
# convolution layers, keep its Dense layers trainable**, and make the change take effect so that
# `fit` would train exactly those layers. `answer` is the model.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: the MNIST CNN, conv layers frozen, Dense layers trainable, compiled
check("05.1", answer)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · The 2 × 2 table, measured
#
# One source, two targets, two data sizes:
#
# - **source**: the MNIST CNN (digits);
# - **similar target**: the **scikit-learn digits** — handwritten digits from another lab, scanned
#   at 8 × 8, converted to MNIST's layout as in notebook 03 (a new data set of the same kind);
# - **different target**: **Fashion-MNIST** — photos of clothes in the same 28 × 28 grey format,
#   nothing like digits;
# - **small** = 100 training images (10 per class), **large** = 1,000 (fast mode: fewer), drawn
#   per seed from a fixed pool of each target's images.
#
# Each target keeps one fixed test set of 500 images for every run. Why a small CNN and not an
# ImageNet network here? Every strategy — including fine-tuning everything and training from
# scratch — over several seeds must fit in minutes on a CPU. Sections 3 and 4 use ImageNet.

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
def digits_as_mnist(x8, box=20):
    # 8x8 digits (0..16) -> MNIST layout: 0..255, the digit in a box x box square centred in 28x28
    x = x8.astype("float32")[..., np.newaxis] * (255 / 16)
    x = keras.ops.convert_to_numpy(keras.ops.image.resize(x, (box, box), interpolation="bilinear"))
    pad = (28 - box) // 2
    return np.clip(np.pad(x, ((0, 0), (pad, 28 - box - pad), (pad, 28 - box - pad), (0, 0))), 0, 255)

digits = data.load("digits", verbose=False)
x_digits = digits_as_mnist(np.concatenate([digits.x_train, digits.x_val, digits.x_test]))
y_digits = np.concatenate([digits.y_train, digits.y_val, digits.y_test])
(x_fashion, y_fashion), (x_fashion_test, y_fashion_test) = data.load_arrays("fashion_mnist")
x_fashion, x_fashion_test = x_fashion[..., np.newaxis], x_fashion_test[..., np.newaxis]
y_fashion, y_fashion_test = y_fashion.astype("int64"), y_fashion_test.astype("int64")

TARGETS = {}          # similarity -> (images to draw training sets from, labels, test images, labels)
x_pool, x_test, y_pool, y_test = train_test_split(x_digits, y_digits, test_size=500,
                                                  stratify=y_digits, random_state=SEED)
TARGETS["similar"] = (x_pool, y_pool, x_test, y_test)
_, x_pool, _, y_pool = train_test_split(x_fashion, y_fashion, test_size=5_000,
                                        stratify=y_fashion, random_state=SEED)
_, x_test, _, y_test = train_test_split(x_fashion_test, y_fashion_test, test_size=500,
                                        stratify=y_fashion_test, random_state=SEED)
TARGETS["different"] = (x_pool, y_pool, x_test, y_test)
for similarity, (xp, yp, xt, yt) in TARGETS.items():
    print(f"{similarity:<9} target: {len(yp):>6,} images to draw from, {len(yt)} test images "
          f"({np.bincount(yt).min()}-{np.bincount(yt).max()} per class), images {xp.shape[1:]}")

# %% slideshow={"slide_type": "subslide"}
(_, _), (x_mnist, y_mnist) = data.load_arrays("mnist")
rows = [("MNIST\n(source)", x_mnist, y_mnist), ("digits\n(similar)", x_digits, y_digits),
        ("Fashion\n(different)", x_fashion, y_fashion)]
fig, axes = plt.subplots(3, 10, figsize=(12, 4.2))
for r, (name, images, labels) in enumerate(rows):
    for c in range(10):
        ax = axes[r, c]
        ax.imshow(images[np.flatnonzero(labels == c)[0]].squeeze(), cmap="gray")
        ax.set_xticks([]), ax.set_yticks([])
        if r == 0:
            ax.set_title(f"class {c}", fontsize=9)
    axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center")
fig.suptitle("Source and targets: one image per class (same 28 x 28 grey format)")
fig.supxlabel("class index (digits: the digit; Fashion-MNIST: T-shirt ... ankle boot)")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The protocol, per cell and seed
#
# 1. Draw the training images (stratified, with the seed).
# 2. **Feature extraction**: the whole source frozen, a new head (Dense 10) on its 128 features,
#    Adam 1e-3.
# 3. **Fine-tune top / all**: start from that head, trained part of the way — the lecture's
#    order: a random head would send large errors into the pretrained layers — and re-train
#    everything above the cut with Adam 1e-4, a *low* rate (section 4 shows why).
# 4. **From scratch**: the same architecture with random weights, Adam 1e-3.
#
# Every strategy gets the same number of passes over the training images (the feature
# extraction head keeps training on its own while the others fine-tune). Then the accuracy on
# the test set. Nothing is chosen by it (no early stopping, no tuning), so it stays a fair judge.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Two speed tricks that change nothing
#
# - **Cache the frozen part.** A frozen layer gives the same output for an image every time, so
#   `ActivationCache` computes the outputs of the frozen layers **once** per target, for the
#   whole pool and the test set; every run then trains only the layers above its cut on those
#   outputs — the same model, the same result, a fraction of the work. (The slider in section 3
#   is built on the same cache.)
# - **One `fit` call, many passes.** Keras spends about a tenth of a second (on a 2-core CPU)
#   starting every epoch; with 100 images an epoch is only 4 steps, so that start-up would cost
#   more than the training.
#   `train` repeats the images `passes` times and shuffles them together in one epoch: the same
#   number of passes over the data.

# %% slideshow={"slide_type": "subslide"}
from tlcourse.features import ActivationCache

CACHES = {}
for similarity, (x_pool, y_pool, x_test, y_test) in TARGETS.items():
    CACHES[similarity] = ActivationCache(source, (x_pool, y_pool, x_test, y_test), batch_size=500)
    seconds = CACHES[similarity].precompute(list(STRATEGIES.values()))
    print(f"{similarity:<9} target: outputs at depths {CACHES[similarity].depths} cached in {seconds:.1f} s")

def build_top(k, input_shape, learning_rate, *, pretrained=True, head=None):
    # a fresh copy of the source's layers above the cut k + a new 10-class head, compiled
    copy = clone_with_weights(source) if pretrained else keras.models.clone_model(source)  # random
    model = keras.Sequential([keras.Input(shape=input_shape), *copy.layers[k:],
                              keras.layers.Dense(10, activation="softmax", name="new_head")])
    if head is not None:
        model.get_layer("new_head").set_weights(head)     # start from the trained head
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy")
    return model

def train(model, x, y, passes):
    # `passes` passes over (x, y) in one epoch: the images repeated, shuffled together
    model.fit(np.concatenate([x] * passes), np.concatenate([y] * passes), batch_size=32, verbose=0)
    return model

def accuracy(model, x, y):
    return float(np.mean(keras.ops.convert_to_numpy(model(x)).argmax(axis=1) == y))


# %% slideshow={"slide_type": "subslide"}
def run_cell(size, similarity, seed):
    # one cell of the grid, one seed: test accuracy of every strategy
    cache = CACHES[similarity]
    _, chosen = train_test_split(np.arange(len(cache.y_train)), test_size=SIZES[size],
                                 stratify=cache.y_train, random_state=seed)   # this seed's images
    y, y_test = cache.y_train[chosen], cache.y_val
    head_passes, tune_passes = PASSES[size]

    def inputs(k):                                        # cached outputs at depth k
        a_pool, a_test = cache.activations(k)
        return a_pool[chosen], a_test

    seed_everything(seed)
    a, a_test = inputs(STRATEGIES["feature extraction"])
    model = train(build_top(7, a.shape[1:], 1e-3), a, y, head_passes)
    head = model.get_layer("new_head").get_weights()     # where the fine-tuning runs start
    train(model, a, y, tune_passes)                       # the head alone goes on training
    result = {"feature extraction": accuracy(model, a_test, y_test)}
    for name in ("fine-tune top", "fine-tune all"):
        seed_everything(seed)
        a, a_test = inputs(STRATEGIES[name])
        model = build_top(STRATEGIES[name], a.shape[1:], FINE_TUNE_RATE, head=head)
        result[name] = accuracy(train(model, a, y, tune_passes), a_test, y_test)
    seed_everything(seed)
    a, a_test = inputs(0)
    model = build_top(0, a.shape[1:], 1e-3, pretrained=False)
    result["from scratch"] = accuracy(train(model, a, y, head_passes + tune_passes), a_test, y_test)
    return result


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Run the grid
#
# Four cells × four strategies × several seeds. The seed changes the training images, the new
# head's initial weights and the shuffling; within a seed every strategy sees the **same**
# images, so strategies are compared seed by seed (paired), as in notebook 04.

# %% slideshow={"slide_type": "subslide"}
from tlcourse.experiments import run_seeds

start = time.perf_counter()
grid = {}
for size in SIZES:
    for similarity in TARGETS:
        grid[size, similarity] = run_seeds(lambda seed: run_cell(size, similarity, seed), GRID_SEEDS)
        print(f"{size} data, {similarity} target: test accuracy per seed "
              f"({time.perf_counter() - start:.0f} s so far)\n{grid[size, similarity]}\n")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The grid, next to the lecture's advice
#
# Every cell: test accuracy, mean ± sd over the seeds. ★ marks what the blog (seed 001)
# recommends, ☆ what the notes (seed 004) recommend, the best strategy measured is in bold. The
# MNIST CNN has only two convolution blocks, so the notes' *"re-train from an early layer on"*
# is nearly the whole network: it counts as *fine-tune all* here.

# %% slideshow={"slide_type": "subslide"}
RECOMMENDED = {   # per cell: (blog, seed 001), (notes, seed 004); None = "you're in trouble"
    ("small", "similar"): ("feature extraction", "feature extraction"),
    ("small", "different"): (None, "fine-tune all"),
    ("large", "similar"): ("fine-tune top", "fine-tune all"),
    ("large", "different"): ("fine-tune all", "fine-tune all"),
}

def best(results):
    return max(results.metrics, key=results.mean)

def cell_html(size, similarity):
    results, (blog, notes) = grid[size, similarity], RECOMMENDED[size, similarity]
    lines = []
    for name in results.metrics:
        text = f"{name}: {100 * results.mean(name):.1f} ± {100 * results.sd(name):.1f} %"
        text += " ★" * (name == blog) + " ☆" * (name == notes)
        lines.append(f"<b>{text}</b>" if name == best(results) else text)
    if blog is None:
        lines.append("<i>blog: \"you're in trouble\"</i>")
    return "<br>".join(lines)

header = "".join(f"<th>target {s}</th>" for s in TARGETS)
body = "".join(f"<tr><th>{size} data<br>({SIZES[size]:,} images)</th>"
               + "".join(f"<td style='text-align:left'>{cell_html(size, s)}</td>" for s in TARGETS)
               + "</tr>" for size in SIZES)
display(HTML(f"<table><caption>Test accuracy over {len(GRID_SEEDS)} seeds (★ blog, ☆ notes, "
             f"bold = best measured)</caption><tr><th></th>{header}</tr>{body}</table>"))

# %% slideshow={"slide_type": "subslide"}
import matplotlib.patches as mpatches

fig, axes = plt.subplots(2, 2, figsize=(12, 6.5), sharex=True)
lowest = min(100 * min(r.values(m).min() for m in r.metrics) for r in grid.values())
for ((size, similarity), results), ax in zip(grid.items(), axes.flat):
    names, (blog, notes) = list(results.metrics), RECOMMENDED[size, similarity]
    rows = np.arange(len(names))
    bars = ax.barh(rows, [100 * results.mean(m) for m in names],
                   xerr=[100 * results.sd(m) for m in names],
                   color=["C1" if m == blog else "C0" for m in names], alpha=0.75, capsize=3)
    for bar, name in zip(bars, names):
        bar.set_hatch("//" if name == notes else "")
    for row, name in zip(rows, names):
        ax.plot(100 * results.values(name), [row] * len(GRID_SEEDS), "k.", ms=6)
    ax.set_yticks(rows, names)
    ax.invert_yaxis()
    trouble = " (blog: \"you're in trouble\")" if blog is None else ""
    ax.set_title(f"{size} data ({SIZES[size]:,} images), {similarity} target{trouble}", fontsize=10)
    ax.set_xlim(max(0, lowest - 5), 100)
    ax.grid(axis="x", alpha=0.3)
for ax in axes[1]:
    ax.set_xlabel("test accuracy (%)")
for ax in axes[:, 0]:
    ax.set_ylabel("strategy")
fig.legend(handles=[mpatches.Patch(color="C1", alpha=0.75, label="the blog's recommendation"),
                    mpatches.Patch(facecolor="white", edgecolor="k", hatch="//",
                                   label="the notes' recommendation"),
                    mpatches.Patch(color="C0", alpha=0.75, label="mean ± sd over the seeds"),
                    plt.Line2D([], [], color="k", marker=".", ls="", label="one seed")],
           loc="lower center", ncol=4, bbox_to_anchor=(0.5, -0.02))
fig.suptitle("The 2 x 2 table measured: MNIST CNN as the source")
fig.tight_layout(rect=(0, 0.05, 1, 1))


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Does the measurement agree? Computed, cell by cell
#
# A recommendation **agrees** when it is the best strategy measured, or when the gap to the best
# is within the noise (the 95 % interval of the paired difference includes 0); it **disagrees**
# when the best is better on average with the whole interval above 0. For the blog's *"you're in
# trouble"* the test is whether that cell is the hardest: its best strategy scores lowest of all
# four cells. The last line per cell asks whether transfer helped at all: the best transfer
# strategy against training from scratch.

# %% slideshow={"slide_type": "subslide"}
def verdict(results, recommended):
    top = best(results)
    if recommended == top:
        return "agrees: it is the best strategy measured"
    diff = results.paired_difference(top, recommended)
    low, high = diff.ci95
    gap = (f"{top} is {100 * diff.mean:+.1f} points (95% CI {100 * low:+.1f} to {100 * high:+.1f}; "
           f"higher in {diff.wins} of {diff.n} seeds)")
    return f"disagrees: {gap}" if low > 0 else f"agrees within the noise: {gap}"

best_accuracy = {cell: results.mean(best(results)) for cell, results in grid.items()}
hardest = min(best_accuracy, key=best_accuracy.get)
for (size, similarity), results in grid.items():
    blog, notes = RECOMMENDED[size, similarity]
    print(f"{size} data, {similarity} target — best measured: {best(results)}")
    if blog is None:
        trouble = ("agrees: even its best strategy scores lowest of the four cells"
                   if hardest == (size, similarity) else
                   f"disagrees: the hardest cell is {hardest[0]} data, {hardest[1]} target")
        print(f"  blog  (\"you're in trouble\"): {trouble}")
    else:
        print(f"  blog  ({blog}): {verdict(results, blog)}")
    print(f"  notes ({notes}): {verdict(results, notes)}")
    transfer = max(STRATEGIES, key=results.mean)
    print(f"  transfer vs scratch: {results.paired_difference(transfer, 'from scratch').verdict()}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How to read it
#
# - **Similar target**: the digit features fit. With little data, a new head on the frozen
#   network does about as well as fine-tuning and clearly beats training from scratch — the
#   lecture's *small + similar* advice. With ten times the data, re-training more layers adds a
#   little, and the network trained from scratch catches up: transfer matters most when data is
#   scarce.
# - **Different target**: digit features are a poor start for clothes. Feature extraction is the
#   weakest strategy, fine-tuning recovers part of the gap, and training from scratch comes out on
#   top — the transfer-vs-scratch lines give the seed counts. The lecture's advice for this column
#   assumes a source trained on a large, *general* data set such as ImageNet; a small digit network
#   is not one. The blog's *"you're in trouble"* is borne out: little data and a far target make
#   the hardest cell.
# - With three seeds the intervals are wide: "agrees within the noise" means the measurement
#   cannot tell the recommended strategy from the best one — not that they are equal. A gap that
#   shows up in every seed but still leaves 0 inside the interval needs more seeds to settle.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · The freeze-depth slider (ImageNet MobileNetV2)
#
# Now the lecture's setting: an **ImageNet** network, MobileNetV2 (offline weights, 96 × 96
# input), and a far target, the **Sign Language Digits** photos (hands showing 0–9). First one
# depth the raw way: freeze everything up to and including `block_15_add`, unfreeze the layers
# above it — but keep their **BatchNormalization** layers frozen (their statistics came from
# ImageNet; small fine-tuning batches would overwrite them, see notebook 03) — and compile.

# %% slideshow={"slide_type": "-"}
signs = data.load("sign_language_digits", image_size=(96, 96), limit_per_class=fast_or_full(30, None))
preprocess = backbone_preprocess("mobilenet_v2")         # 0..255 -> -1..1, as in ImageNet training
sign_split = (preprocess(signs.x_train.astype("float32")), signs.y_train,
              preprocess(signs.x_val.astype("float32")), signs.y_val)
base = imagenet_backbone("mobilenet_v2", input_shape=(96, 96, 3))   # ImageNet weights, no top

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
cut = "block_15_add"
k = base.layers.index(base.get_layer(cut)) + 1                 # freeze depth: layers 0 .. k-1
for layer in base.layers[:k]:
    layer.trainable = False                                     # frozen
for layer in base.layers[k:]:                                   # unfrozen ...
    layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)  # ... BN stays frozen
inputs = keras.Input(shape=(96, 96, 3), name="photo")
features = keras.layers.GlobalAveragePooling2D(name="pool")(base(inputs))
raw_model = keras.Model(inputs, keras.layers.Dense(10, activation="softmax", name="new_head")(features),
                        name="signs_above_block_15")
raw_model.compile(optimizer=keras.optimizers.Adam(learning_rate=FINE_TUNE_RATE),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
print(f"MobileNetV2: {len(base.layers)} layers; cut after layer {k - 1} ({cut}), so k = {k}")
print(trainable_report(raw_model))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The helpers say the same without touching the model: `param_counts(base, k)` counts what
# depth *k* would train, `frozen_layers_table(base, k)` lists every layer (here the few around
# the cut), `layer_strip_html(base, k)` draws one box per layer.

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
from tlcourse.widgets import frozen_layers_table, layer_strip_html

counts = param_counts(base, k)
in_loop = sum(int(np.prod(w.shape)) for w in base.trainable_weights)
print(f"param_counts(base, {k}): {counts}")
print("the same trainable count as the raw loop:", counts["trainable"] == in_loop)
for row in frozen_layers_table(base, k).rows[k - 3:k + 4]:
    state = "trainable" if row["trainable"] else "frozen"
    print(f"  {row['index']:>3}  {row['name']:<22} {row['type']:<20} {row['trainable_params']:>8,}  {state}")

# %% slideshow={"slide_type": "-"}
display(HTML(f"<b>MobileNetV2 at freeze depth {k}</b> (hover a box for its layer)"
             + layer_strip_html(base, k)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The slider
#
# `freeze_depth_slider` makes a `FreezeDepthExplorer` and pays the fixed costs **once**: the frozen
# part's outputs at every offered depth, one head trained on the fully frozen network (feature
# extraction), and Keras tracing each depth's training step. After that a move to a depth costs
# only its own training: **40 Adam updates of 32 cached activations** (1,280 examples, about 0.8 of
# an epoch of the training photos) for the layers above the cut and that head, at 1e-4 with
# BatchNormalization frozen, then one pass over the validation photos. Every depth starts from
# the same head, seed and number of updates, so the depths differ only in what trains. Measured
# on the course's 2-core CPU with other jobs running (`benchmarks/slider_latency.md`, median of 3
# moves): **0.6 s** per move when only the head trains (`out_relu`), **1.5 s** at `block_15_add`,
# **3.6 s** for the deepest cut offered (`block_11_add`, 47 layers re-trained); no move took
# longer than 4.3 s.
#
# The cell below makes the explorer and trains **one** depth in code, exactly what a slider move
# to it runs; every other depth trains when you move the slider there.

# %% slideshow={"slide_type": "subslide"}
from tlcourse.widgets import freeze_depth_slider

DEPTHS = ["block_11_add", "block_12_add", "block_13_project_BN", "block_14_add",
          "block_15_add", "block_16_project_BN", "out_relu"]
explorer = freeze_depth_slider(base, sign_split, depths=DEPTHS, steps=fast_or_full(10, 40),
                               head_epochs=fast_or_full(5, 10))
once = explorer.timings
print(f"{len(signs.y_train):,} training / {len(signs.y_val)} validation photos; once: activations "
      f"{once['activations']:.0f} s, head {once['head']:.0f} s, {len(DEPTHS)} training steps traced "
      f"{once['graphs']:.0f} s")
result = explorer.train("block_15_add")           # what a slider move to block_15_add runs
print(f"\n{explorer.describe()}\n  -> {result.steps} steps: validation accuracy "
      f"{result.val_accuracy:.1%}, trained in {result.seconds:.1f} s")

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
print(f"what a move to each offered depth re-trains (plus the head's {explorer.head.trainable_params:,} "
      "parameters):")
for depth in explorer.depths:
    layer = base.layers[depth - 1].name
    print(f"  {layer:<20} {len(base.layers) - depth:>3} layers above the cut, "
          f"{param_counts(base, depth)['trainable']:>9,} trainable parameters")

# %% [markdown] slideshow={"slide_type": "subslide"}
# In JupyterLab the next cell shows the **slider**. It offers exactly the seven cuts above,
# labelled by the last frozen layer: drag it, or click it and press ← / → (one cut per key press).
# The strip and the parameter counts follow at once; at a depth not trained yet the training then
# starts: a progress bar counts the steps, the slider and the button stay locked and the kernel
# is busy until the accuracy and its training time appear. A depth trained before answers from
# memory; **Train again** repeats its training (same seed, same accuracy, the time measured anew).
# Saved and reopened later, the notebook shows the slider where you left it: `make lab` has
# JupyterLab save the widget's state with the notebook (run the cells again to move it). A static
# view (GitHub, slides) shows the summary table instead.

# %% slideshow={"slide_type": "-"}
explorer

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · The learning-rate lesson
#
# The companion text (seed 002): the pretrained weights already sit near a minimum of the error;
# re-train them with a **large** learning rate and the error grows instead — so fine-tuning needs
# a **low** rate. Measured: the **same start** (the explorer's trained head on the frozen network),
# the same layers re-trained (everything above `block_15_add`, BatchNormalization frozen), the
# same data — only Adam's learning rate differs: 1e-2, 1e-3, 1e-4. Validation accuracy after
# each of the first epochs, and how far the re-trained weights moved from their pretrained
# values: ‖W<sub>after</sub> − W<sub>before</sub>‖ / ‖W<sub>before</sub>‖ per layer.

# %% slideshow={"slide_type": "subslide"}
LEARNING_RATES = [1e-2, 1e-3, 1e-4]
LR_SEEDS = fast_or_full([SEED], [SEED, SEED + 1])
LR_EPOCHS = fast_or_full(2, 3)
a_train, a_val = explorer.cache.activations(cut)          # block_15_add's outputs, cached above
above = keras.Model(base.get_layer(cut).output, base.output, name="above_cut")  # base's own layers

def relative_change(before, after):
    # how far a layer's kernel moved, relative to its pretrained size
    w0, w1 = before.get_weights()[0], after.get_weights()[0]
    return float(np.linalg.norm(w1 - w0) / np.linalg.norm(w0))

def fine_tune_above_cut(learning_rate, seed):
    seed_everything(seed)
    top = keras.models.clone_model(above)                 # a private copy: base stays as it is
    top.set_weights(above.get_weights())                  # ... with the pretrained weights
    for layer in top.layers:
        layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)
    inputs = keras.Input(shape=a_train.shape[1:], name="block_15_outputs")
    head = keras.layers.Dense(10, activation="softmax", name="head")
    model = keras.Model(inputs, head(keras.layers.GlobalAveragePooling2D()(top(inputs))))
    head.set_weights(explorer.head.head_weights)          # the explorer's trained head: same start
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    start = model.evaluate(a_val, signs.y_val, verbose=0)[1]
    history = model.fit(a_train, signs.y_train, validation_data=(a_val, signs.y_val),
                        epochs=LR_EPOCHS, batch_size=32, verbose=0)
    moved = {new.name: relative_change(old, new) for old, new in zip(above.layers, top.layers)
             if new.trainable and new.weights}
    return [start, *history.history["val_accuracy"]], moved

start = time.perf_counter()
curves, moved = {}, {}
for rate in LEARNING_RATES:
    for seed in LR_SEEDS:
        curves[rate, seed], moved[rate, seed] = fine_tune_above_cut(rate, seed)
print(f"{len(LEARNING_RATES) * len(LR_SEEDS)} fine-tuning runs of {LR_EPOCHS} epochs: "
      f"{time.perf_counter() - start:.0f} s")

# %% slideshow={"slide_type": "subslide"}
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
epochs = np.arange(LR_EPOCHS + 1)
for i, rate in enumerate(LEARNING_RATES):
    acc = 100 * np.array([curves[rate, seed] for seed in LR_SEEDS])          # seeds x epochs
    left.plot(epochs, acc.mean(axis=0), "o-", color=f"C{i}", label=f"Adam {rate:g}")
    for row in acc:
        left.plot(epochs, row, color=f"C{i}", alpha=0.3, lw=1)
    layers = list(moved[rate, LR_SEEDS[0]])
    change = 100 * np.array([[moved[rate, seed][name] for name in layers] for seed in LR_SEEDS])
    right.plot(layers, change.mean(axis=0), "o-", color=f"C{i}", label=f"Adam {rate:g}")
left.axhline(10, ls=":", color="gray", label="chance (10 classes)")
left.set_xticks(epochs)
left.set_xlabel("fine-tuning epoch (0 = the head-trained start)")
left.set_ylabel("validation accuracy (%)")
left.set_title("Same start, three learning rates")
left.legend(fontsize=8)
right.set_yscale("log")
right.set_xlabel("re-trained layer (bottom to top)")
right.set_ylabel("relative change of the kernel (%, log)")
right.set_title(f"How far the pretrained weights moved in {LR_EPOCHS} epochs")
right.tick_params(axis="x", rotation=30)
right.legend(fontsize=8)
fig.suptitle(f"Fine-tuning MobileNetV2 above {cut} ({len(LR_SEEDS)} seed(s); thin lines: one seed)")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the numbers say
#
# The sentences below are computed from the runs. One more number puts the rates in scale: an
# Adam step moves each weight by up to about the learning rate, and an epoch has dozens of steps.
# Compare that with the typical size of a pretrained weight, printed first.

# %% slideshow={"slide_type": "-"}
first = list(moved[LEARNING_RATES[0], LR_SEEDS[0]])[0]                # lowest re-trained layer
kernel = above.get_layer(first).get_weights()[0]
steps = int(np.ceil(len(signs.y_train) / 32))
print(f"{first}: typical pretrained weight (root mean square) {np.sqrt(np.mean(kernel ** 2)):.4f}; "
      f"{steps} Adam steps per epoch")
start = np.mean([curves[LEARNING_RATES[0], seed][0] for seed in LR_SEEDS])
after = {}
for rate in LEARNING_RATES:
    acc = np.array([curves[rate, seed] for seed in LR_SEEDS]).mean(axis=0)
    after[rate] = acc
    change = np.mean([moved[rate, seed][first] for seed in LR_SEEDS])
    median = np.median([list(moved[rate, seed].values()) for seed in LR_SEEDS])
    print(f"Adam {rate:g}: {acc[0]:.1%} at the start -> {acc[1]:.1%} after epoch 1 -> {acc[-1]:.1%} "
          f"after epoch {LR_EPOCHS}; {first} moved {change:.1%} of its size (median layer {median:.1%})")
near_chance = [f"{r:g}" for r in LEARNING_RATES if after[r][1] < 2 * 0.1]
kept = [f"{r:g}" for r in LEARNING_RATES if after[r].min() >= start - 0.02]
print("fell to near chance (below twice the 10 % chance level) after one epoch:",
      ", ".join(near_chance) or "none")
print("never more than 2 points below the start, in any epoch:", ", ".join(kept) or "none")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why a high rate destroys, and what to do
#
# - At a high rate, within these few epochs the steps move the re-trained weights by about
#   **their own size** or more: they overshoot the minimum the pretrained weights sat near (seed
#   002 warns that the error then grows instead of shrinking), and what the source network learned
#   is **overwritten** — the accuracy falls to chance and does not come back.
# - At a low rate the weights move by a few percent: the features are **adjusted**, and the
#   accuracy keeps (or improves on) the head-trained start.
# - The recipe, as in notebook 04: train the new head first on the frozen network, then unfreeze
#   and **compile again with a rate 10–100× lower** than for training from scratch (Adam: 1e-4
#   or 1e-5). Rates in between are a gamble — the middle curve shows what they can do.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 05.2 — compile for fine-tuning
#
# Prepare a model for **fine-tuning all its layers**: every layer trainable except
# BatchNormalization (kept frozen), compiled with a learning rate low enough to **keep** the
# pretrained features (the measurement above tells you which). Use any model with pretrained
# layers, e.g. a copy of `above` with a new head, as `fine_tune_above_cut` builds it. `answer` is
# the compiled model.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: a Keras model, unfrozen (BatchNormalization frozen), compiled
check("05.2", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · Recap
#
# - **Two questions** choose the level of transfer: how much target data, and how similar it is
#   to the source. Small + similar → feature extraction; large → fine-tune more (the top, or
#   everything); small + different → the hard case.
# - **Frozen** = `trainable = False` (kept), **unfrozen** = `trainable = True` (re-trained); one
#   lecture text swaps them. Every change of `trainable` needs a new `compile()`.
# - **Measure, don't assume**: the 2 × 2 grid compares the lecture's recommendation with the
#   alternatives over several seeds, and the verdicts come from paired differences. The advice
#   assumes a large, general source; with a narrow source and a far target, training from scratch
#   is a real competitor.
# - **Freeze depth** is one number, *k*; `set_freeze_depth`, `param_counts`,
#   `frozen_layers_table` and the slider (`freeze_depth_slider`) show what it freezes. Caching the
#   frozen part's outputs (`ActivationCache`) makes trying depths cheap.
# - **Fine-tune with a low learning rate**, after training the head: a high rate moves the
#   pretrained weights by more than their own size and destroys the features.
