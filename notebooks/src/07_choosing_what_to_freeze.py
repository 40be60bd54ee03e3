# %% [markdown] slideshow={"slide_type": "slide"}
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tlcourse/tlcourse/blob/main/notebooks/07_choosing_what_to_freeze.ipynb)
#
# # 07 · Choosing what to freeze
#
# **What you will learn**
# - the lecture's 2 × 2 table: how the **size** of your data set and its **similarity** to the
#   source data decide how much of a pretrained network to keep frozen and how much to re-train;
# - what *frozen* and *unfrozen* mean in Keras (`trainable = False` / `trainable = True`) — one
#   of the lecture texts swaps the two;
# - the table **measured** twice, over several seeds: with a narrow source (a small MNIST CNN)
#   and with the lecture's kind of source (ImageNet's MobileNetV2 on dogs vs cats and hand signs),
#   each strategy — feature extraction, fine-tuning the top, fine-tuning more, training from
#   scratch — run in every cell, and the lecture's four recommendations checked against the
#   numbers;
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
# | **large** data | blog: **partial fine-tuning** (the upper layers); notes: fine-tune the whole network | **fine-tune the whole model** (or many layers) |
#
# The blog (seed 001) defines *full fine-tuning* as re-training every layer on the new data and
# *partial fine-tuning* as training "추가된 layer(보통 상위 layer)만" — only the layers added for the
# new task, "usually upper layers". Read literally, that is a new head; read as the table uses it
# (partial, between one new layer and the whole model), it is re-training the network's upper
# layers. The grids below measure both: *feature extraction* and *fine-tune top*. The notes (seed 004) add the reason
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
# ### Exercise 07.1 — set up "fine-tune top" yourself
#
# The blog recommends *partial fine-tuning* for large, similar data: keep the generic lower
# layers, re-train the top. Load the MNIST CNN (`load_pretrained("mnist_cnn")`), **freeze its
# convolution layers, keep its Dense layers trainable**, and make the change take effect so that
# `fit` would train exactly those layers. `answer` is the model.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: the MNIST CNN, conv layers frozen, Dense layers trainable, compiled
check("07.1", answer)


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
# Each target keeps one fixed test set of 500 images for every run. Why a small CNN first? It is
# a **narrow** source — it knows digits and nothing else — and every strategy, fine-tuning
# everything included, runs in seconds. The same table measured with the lecture's kind of
# source, an ImageNet network, follows right after it: the two together show what the source
# itself changes.

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

def accuracy(model, x, y, batch=250):
    # the model called directly, batch by batch (inference mode): no new predict graph per model
    probabilities = np.concatenate([keras.ops.convert_to_numpy(model(x[i:i + batch], training=False))
                                    for i in range(0, len(x), batch)])
    return float(np.mean(probabilities.argmax(axis=1) == y))


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
# images, so strategies are compared seed by seed (paired), as in notebook 06.

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
#
# (The code that builds the table and the bar charts below it is folded away: click the bar beside each to read it.)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "subslide"} tags=["remove-input"]
RECOMMENDED = {   # per cell: (blog, seed 001), (notes, seed 004); None = "you're in trouble"
    ("small", "similar"): ("feature extraction", "feature extraction"),
    ("small", "different"): (None, "fine-tune all"),
    ("large", "similar"): ("fine-tune top", "fine-tune all"),
    ("large", "different"): ("fine-tune all", "fine-tune all"),
}

def best(results):
    return max(results.metrics, key=results.mean)

def cell_html(results, advice):
    blog, notes = advice
    lines = []
    for name in results.metrics:
        text = f"{name}: {100 * results.mean(name):.1f} ± {100 * results.sd(name):.1f} %"
        text += " ★" * (name == blog) + " ☆" * (name == notes)
        lines.append(f"<b>{text}</b>" if name == best(results) else text)
    if blog is None:
        lines.append("<i>blog: \"you're in trouble\"</i>")
    return "<br>".join(lines)

def show_grid(grid, recommended, sizes, source):
    # the 2 x 2 table as HTML: rows = data size, columns = similarity
    columns = ("similar", "different")
    header = "".join(f"<th>target {s}</th>" for s in columns)
    body = "".join(f"<tr><th>{size} data<br>({n:,} images)</th>"
                   + "".join(f"<td style='text-align:left'>{cell_html(grid[size, s], recommended[size, s])}</td>"
                             for s in columns) + "</tr>" for size, n in sizes.items())
    seeds = len(next(iter(grid.values())).seeds)
    display(HTML(f"<table><caption>{source} as the source: test accuracy over {seeds} seeds (★ blog, "
                 f"☆ notes, bold = best measured)</caption><tr><th></th>{header}</tr>{body}</table>"))

show_grid(grid, RECOMMENDED, SIZES, "The MNIST CNN")

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "subslide"} tags=["remove-input"]
import matplotlib.patches as mpatches

def plot_grid(grid, recommended, sizes, title):
    # one bar chart per cell: every strategy's mean ± sd, the seeds as dots, the advice marked
    fig, axes = plt.subplots(2, 2, figsize=(12, 6.5), sharex=True)
    lowest = min(100 * min(r.values(m).min() for m in r.metrics) for r in grid.values())
    for ((size, similarity), results), ax in zip(grid.items(), axes.flat):
        names, (blog, notes) = list(results.metrics), recommended[size, similarity]
        rows = np.arange(len(names))
        bars = ax.barh(rows, [100 * results.mean(m) for m in names],
                       xerr=[100 * results.sd(m) for m in names],
                       color=["C1" if m == blog else "C0" for m in names], alpha=0.75, capsize=3)
        for bar, name in zip(bars, names):
            bar.set_hatch("//" if name == notes else "")
        for row, name in zip(rows, names):
            ax.plot(100 * results.values(name), [row] * len(results.seeds), "k.", ms=6)
        ax.set_yticks(rows, names)
        ax.invert_yaxis()
        trouble = " (blog: \"you're in trouble\")" if blog is None else ""
        ax.set_title(f"{size} data ({sizes[size]:,} images), {similarity} target{trouble}", fontsize=10)
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
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.05, 1, 1))

plot_grid(grid, RECOMMENDED, SIZES, "The 2 x 2 table measured: MNIST CNN as the source")


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Does the measurement agree? Computed, cell by cell
#
# A recommendation **agrees** when it is the best strategy measured, or when the gap to the best
# is within the noise (the 95 % interval of the paired difference includes 0); it **disagrees**
# when the best is better on average with the whole interval above 0. For the blog's *"you're in
# trouble"* the test is whether that cell is the hardest: its best strategy scores lowest of all
# four cells, counted above chance (`(accuracy − chance) / (1 − chance)`, so that a 2-class and
# a 10-class task compare fairly). The last line per cell asks whether transfer helped at all: the best transfer
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

def hardest_cell(grid, chance):
    # the cell whose best strategy is lowest above chance: (accuracy - chance) / (1 - chance)
    skill = {cell: (r.mean(best(r)) - chance[cell[1]]) / (1 - chance[cell[1]]) for cell, r in grid.items()}
    return min(skill, key=skill.get)

def trouble_verdict(grid, cell, chance):
    hardest = hardest_cell(grid, chance)
    return ("agrees: even its best strategy scores lowest of the four cells (above chance)"
            if hardest == cell else f"disagrees: the hardest cell is {hardest[0]} data, {hardest[1]} target")

def print_verdicts(grid, recommended, chance):
    for (size, similarity), results in grid.items():
        blog, notes = recommended[size, similarity]
        print(f"{size} data, {similarity} target — best measured: {best(results)}")
        if blog is None:
            print(f"  blog  (\"you're in trouble\"): {trouble_verdict(grid, (size, similarity), chance)}")
        else:
            print(f"  blog  ({blog}): {verdict(results, blog)}")
        print(f"  notes ({notes}): {verdict(results, notes)}")
        transfer = max((m for m in results.metrics if m != "from scratch"), key=results.mean)
        print(f"  transfer vs scratch: {results.paired_difference(transfer, 'from scratch').verdict()}")

MNIST_CHANCE = {similarity: 1 / len(np.unique(target[1])) for similarity, target in TARGETS.items()}
print_verdicts(grid, RECOMMENDED, MNIST_CHANCE)

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
#   is not one — the next table measures the same column with ImageNet. The blog's *"you're in trouble"* is borne out: little data and a far target make
#   the hardest cell.
# - With three seeds the intervals are wide: "agrees within the noise" means the measurement
#   cannot tell the recommended strategy from the best one — not that they are equal. A gap that
#   shows up in every seed but still leaves 0 inside the interval needs more seeds to settle.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### The same table with the lecture's kind of source: ImageNet
#
# The lecture's table is about a network trained on a large, **general** data set. So measure it
# again with one: **MobileNetV2 trained on ImageNet** (the network of notebooks 01 and 03, offline
# weights, 96 × 96 input).
#
# - **similar target**: **dogs vs cats** (`data.load("cats_vs_dogs")`): ImageNet itself holds over
#   a hundred dog breeds and several cats;
# - **different target**: the **Sign Language Digits** photos, hands showing 0–9. Why these and not
#   Fashion-MNIST? ImageNet has many classes of clothes and shoes (jersey, cardigan, sandal,
#   running shoe …), so clothes are nearer to it than they look. No ImageNet class is a hand
#   sign: one hand on a plain background, where only the pose of the fingers tells the digit — and
#   in notebook 01 frozen ImageNet features lost to a small CNN trained from scratch on them;
# - **small** = 100 training photos, **large** = 1,000 (fast mode: fewer), drawn per seed from a
#   pool; each target keeps one fixed test set.
#
# Four strategies, the MNIST table's with the lecture's names for MobileNetV2's parts:
#
# 1. **feature extraction**: everything frozen, a new head on the pooled features, Adam 1e-3;
# 2. **fine-tune top**: blocks 13–16 re-trained (above `block_12_add`);
# 3. **fine-tune from block 6**: blocks 6–16 re-trained (above `block_5_add`) — the notes'
#    *"from somewhere early in the network on"*. The stem and blocks 1–5, which see the most
#    pixels, stay frozen: the deepest fine-tuning that fits a CPU budget of minutes, standing in
#    for "the whole network". Both fine-tunings start from the trained head, Adam 1e-4,
#    BatchNormalization frozen;
# 4. **from scratch**: notebook 01's small CNN (`tlcourse.models.scratch_cnn`), Adam 1e-3 decaying
#    to 0, as many passes over the photos as the head and fine-tuning get together.

# %% slideshow={"slide_type": "subslide"}
from tlcourse.models import scratch_cnn

IMAGENET_SIZES = {"small": fast_or_full(40, 100), "large": fast_or_full(120, 1000)}   # training photos
IMAGENET_PASSES = {"small": fast_or_full((4, 2), (30, 10)),          # (head, fine-tuning) passes
                   "large": fast_or_full((2, 1), (8, 3))}
CUTS = {"fine-tune top": "block_12_add",           # blocks 13-16 re-trained
        "fine-tune from block 6": "block_5_add"}   # blocks 6-16 re-trained: "from an early layer on"

pets = data.load("cats_vs_dogs", image_size=(96, 96), limit_per_class=fast_or_full(100, None))
hands = data.load("sign_language_digits", image_size=(96, 96), limit_per_class=fast_or_full(40, None))
_, x_pets_test, _, y_pets_test = train_test_split(pets.x_test, pets.y_test, test_size=fast_or_full(100, 1000),
                                                  stratify=pets.y_test, random_state=SEED)   # 1,000 of 2,000
IMAGENET_TARGETS = {   # similarity -> (pool to draw training photos from, fixed test set, class names)
    "similar": (np.concatenate([pets.x_train, pets.x_val]), np.concatenate([pets.y_train, pets.y_val]),
                x_pets_test, y_pets_test, pets.class_names),
    "different": (np.concatenate([hands.x_train, hands.x_val]), np.concatenate([hands.y_train, hands.y_val]),
                  hands.x_test, hands.y_test, hands.class_names),
}
for similarity, (x_pool, y_pool, x_test, y_test, names) in IMAGENET_TARGETS.items():
    print(f"{similarity:<9} target: {len(names)} classes, {len(y_pool):,} photos to draw from, "
          f"{len(y_test):,} test photos, {x_pool.shape[1:]}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The frozen network runs once per photo
#
# Every strategy except the last needs the frozen network's outputs: at `block_5_add`, at
# `block_12_add`, and its pooled features. Each photo goes through it **once**, in three stages
# (each stage a `keras.Model` between two layers of `base`), and every run trains only what sits
# above its cut on these stored outputs — the same training as on the photos, without re-running
# the frozen layers in every epoch.

# %% slideshow={"slide_type": "subslide"}
base = imagenet_backbone("mobilenet_v2", input_shape=(96, 96, 3))   # ImageNet weights, no top
preprocess = backbone_preprocess("mobilenet_v2")                    # 0..255 -> -1..1
stages = [keras.Model(base.input, base.get_layer("block_5_add").output, name="stem_to_block_5"),
          keras.Model(base.get_layer("block_5_add").output, base.get_layer("block_12_add").output,
                      name="blocks_6_to_12"),
          keras.Sequential([keras.Input(base.get_layer("block_12_add").output.shape[1:]),
                            keras.Model(base.get_layer("block_12_add").output, base.output),
                            keras.layers.GlobalAveragePooling2D()], name="blocks_13_to_pooled")]

def frozen_outputs(photos):
    # photos -> the frozen network's outputs at both cuts and its pooled features, each computed once
    a = preprocess(photos.astype("float32"))
    outputs = {}
    for stage, key in zip(stages, ["block_5_add", "block_12_add", "features"]):
        a = outputs[key] = stage.predict(a, batch_size=128, verbose=0)
    return outputs

start = time.perf_counter()
FROZEN = {similarity: (frozen_outputs(x_pool), frozen_outputs(x_test))
          for similarity, (x_pool, _, x_test, _, _) in IMAGENET_TARGETS.items()}
photos = sum(len(t[1]) + len(t[3]) for t in IMAGENET_TARGETS.values())
print(f"{photos:,} photos through the frozen network once: {time.perf_counter() - start:.0f} s; per photo: "
      + ", ".join(f"{key} {value.shape[1:]}" for key, value in FROZEN["similar"][1].items()))


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Build once, train many times
#
# Keras traces a new training graph for every new model, seconds each for a deep top on a CPU,
# and the grid trains 4 strategies × 4 cells × several seeds. So each model is built and
# compiled **once** (`Rerun`), and before every run it is put back to a start: its weights
# (ImageNet's for the pretrained layers, fresh random ones for a new head or the scratch CNN,
# drawn with the run's seed) and Adam's state (step count and moments) as new. The run is the
# same as with a new model; only the tracing is saved. Fine-tuning starts from the head that
# feature extraction trained first, the lecture's order.

# %% slideshow={"slide_type": "subslide"}
class Rerun:
    # one compiled model trained again and again: traced once, put back to a start before each run
    def __init__(self, model, learning_rate):
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                      loss="sparse_categorical_crossentropy")
        model.optimizer.build(model.trainable_variables)
        self.model, self.initial = model, model.get_weights()
        self.fresh = [keras.ops.convert_to_numpy(v) for v in model.optimizer.variables]

    def start(self, weights=None, head=None):
        self.model.set_weights(self.initial if weights is None else weights)
        if head is not None:
            self.model.get_layer("new_head").set_weights(head)
        for variable, value in zip(self.model.optimizer.variables, self.fresh):
            variable.assign(value)                        # Adam's step count and moments: as new
        return self.model

def new_head(similarity):
    return keras.Sequential([keras.Input(shape=FROZEN[similarity][0]["features"].shape[1:]),
                             keras.layers.Dense(len(IMAGENET_TARGETS[similarity][4]), activation="softmax",
                                                name="new_head")])

def fine_tune_above(cut, similarity):
    # a private copy of the layers above the cut, ImageNet weights, BatchNormalization frozen, + a head
    up = clone_with_weights(keras.Model(base.get_layer(cut).output, base.output))
    for layer in up.layers:
        layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)
    inputs = keras.Input(shape=up.input.shape[1:])
    features = keras.layers.GlobalAveragePooling2D()(up(inputs, training=False))
    return keras.Model(inputs, new_head(similarity).get_layer("new_head")(features))

def new_scratch_cnn(similarity):
    # notebook 01's small CNN: it flips pets left-right, keeps the layout of hands
    return scratch_cnn(len(IMAGENET_TARGETS[similarity][4]), flip=similarity == "similar",
                       keep_layout=similarity == "different")

RERUNS = {}
def rerun(key, build, learning_rate):
    if key not in RERUNS:
        RERUNS[key] = Rerun(build(), learning_rate)
    return RERUNS[key]

def run_imagenet_cell(size, similarity, seed):
    # one cell of the ImageNet grid, one seed: test accuracy of every strategy
    x_pool, y_pool, x_test, y_test, names = IMAGENET_TARGETS[similarity]
    pool, test = FROZEN[similarity]
    _, chosen = train_test_split(np.arange(len(y_pool)), test_size=IMAGENET_SIZES[size],
                                 stratify=y_pool, random_state=seed)         # this seed's photos
    y = y_pool[chosen]
    head_passes, tune_passes = IMAGENET_PASSES[size]
    seed_everything(seed)
    head = rerun(("head", similarity), lambda: new_head(similarity), 1e-3).start(new_head(similarity).get_weights())
    train(head, pool["features"][chosen], y, head_passes)
    trained_head = head.get_layer("new_head").get_weights()  # where both fine-tuning runs start
    train(head, pool["features"][chosen], y, tune_passes)    # the head alone goes on training
    result = {"feature extraction": accuracy(head, test["features"], y_test)}
    for name, cut in CUTS.items():
        seed_everything(seed)
        model = rerun((cut, similarity), lambda: fine_tune_above(cut, similarity), FINE_TUNE_RATE)
        train(model.start(head=trained_head), pool[cut][chosen], y, tune_passes)
        result[name] = accuracy(model.model, test[cut], y_test)
    seed_everything(seed)
    passes = head_passes + tune_passes
    decay = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=-(-passes * len(y) // 32))  # 1e-3 -> 0
    model = rerun(("scratch", similarity, size), lambda: new_scratch_cnn(similarity), decay)
    train(model.start(new_scratch_cnn(similarity).get_weights()), x_pool[chosen], y, passes)
    result["from scratch"] = accuracy(model.model, x_test, y_test)
    return result


# %% slideshow={"slide_type": "subslide"}
start = time.perf_counter()
imagenet_grid = {}
for size in IMAGENET_SIZES:
    for similarity in IMAGENET_TARGETS:
        imagenet_grid[size, similarity] = run_seeds(lambda seed: run_imagenet_cell(size, similarity, seed),
                                                    GRID_SEEDS)
        print(f"{size} data, {similarity} target: test accuracy per seed "
              f"({time.perf_counter() - start:.0f} s so far)\n{imagenet_grid[size, similarity]}\n")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The ImageNet table, next to the lecture's advice
#
# Read with the same marks as the MNIST table (★ blog, ☆ notes, bold = best measured). The
# blog's *full fine-tuning* and the notes' *whole network* point to the deepest fine-tuning run
# here, from block 6 on.

# %% slideshow={"slide_type": "subslide"}
RECOMMENDED_IMAGENET = {   # the same advice, with this source's strategy names
    ("small", "similar"): ("feature extraction", "feature extraction"),
    ("small", "different"): (None, "fine-tune from block 6"),
    ("large", "similar"): ("fine-tune top", "fine-tune from block 6"),
    ("large", "different"): ("fine-tune from block 6", "fine-tune from block 6"),
}
show_grid(imagenet_grid, RECOMMENDED_IMAGENET, IMAGENET_SIZES, "ImageNet's MobileNetV2")

# %% slideshow={"slide_type": "subslide"}
plot_grid(imagenet_grid, RECOMMENDED_IMAGENET, IMAGENET_SIZES,
          "The 2 x 2 table measured: ImageNet MobileNetV2 as the source (dogs vs cats | hand signs)")

# %% slideshow={"slide_type": "subslide"}
IMAGENET_CHANCE = {similarity: 1 / len(target[4]) for similarity, target in IMAGENET_TARGETS.items()}
print_verdicts(imagenet_grid, RECOMMENDED_IMAGENET, IMAGENET_CHANCE)


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Which of the lecture's four recommendations held?
#
# One line per recommendation, for both sources: *held* (the recommended strategy is the best
# measured), *held within the noise* (another is better on average, but the 95 % interval of
# the paired difference includes 0), *did not hold* (another is better with the whole interval
# above 0). And per cell, whether the best transfer strategy beat training from scratch.

# %% slideshow={"slide_type": "subslide"}
def held(grid, recommended, cell, chance, which):
    advice = recommended[cell][which]
    text = trouble_verdict(grid, cell, chance) if advice is None else verdict(grid[cell], advice)
    word = ("did not hold" if text.startswith("disagrees") else
            "held within the noise" if "within the noise" in text else "held")
    return f"{word} ({'you are in trouble' if advice is None else advice})"

LECTURE = [(("small", "similar"), 0, "small + similar: train only a new output layer"),
           (("small", "different"), 0, "small + different (blog): \"you're in trouble\""),
           (("small", "different"), 1, "small + different (notes): re-train from an early layer on"),
           (("large", "similar"), 0, "large + similar (blog): partial fine-tuning, the top"),
           (("large", "similar"), 1, "large + similar (notes): fine-tune the whole network"),
           (("large", "different"), 0, "large + different: fine-tune the whole model")]
SOURCES = {"MNIST CNN": (grid, RECOMMENDED, MNIST_CHANCE),
           "ImageNet MobileNetV2": (imagenet_grid, RECOMMENDED_IMAGENET, IMAGENET_CHANCE)}
for cell, which, advice in LECTURE:
    print(advice)
    for source_name, (g, recommended, chance) in SOURCES.items():   # `source` stays the MNIST CNN
        print(f"  {source_name:<21} {held(g, recommended, cell, chance, which)}")
print("\ntransfer (its best strategy) vs from scratch, per cell:")
for cell in grid:
    line = []
    for source_name, (g, _, _) in SOURCES.items():
        results = g[cell]
        transfer = max((m for m in results.metrics if m != "from scratch"), key=results.mean)
        diff = results.paired_difference(transfer, "from scratch")
        word = "better" if diff.ci95[0] > 0 else "worse" if diff.ci95[1] < 0 else "no clear difference"
        line.append(f"{source_name}: {word} ({100 * diff.mean:+.1f} points)")
    print(f"  {cell[0]} data, {cell[1]:<9} target — " + "; ".join(line))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How to read it
#
# - **With ImageNet as the source, transfer decided three of the four cells.** There the best
#   transfer strategy beat training from scratch in every seed with the whole 95 % interval above
#   zero, by about 15 to 23 points — hand signs from 100 photos included. With the MNIST CNN as the
#   source, only the small + similar cell gained.
# - **The lecture's recommendations held in every cell, for both sources** — but many only
#   *within the noise*: with three seeds the recommended strategy cannot be told apart from the
#   best one measured, which is not the same as being as good.
# - **Small + different is the hardest cell** (the lowest above chance) for both sources, the blog's
#   *"you're in trouble"*. With ImageNet it is hard, not hopeless: re-training from block 6 on, the
#   notes' advice, came out best there, well above training from scratch.
# - **Large + different is where training from scratch catches up.** With 1,000 hand-sign photos
#   the small CNN from scratch is level with the best fine-tuning (and less variable across
#   seeds): once a far target has enough data, the pretrained start stops deciding the result.
# - **What the source changes**: a narrow source (a digit network) carries little to a far target
#   and even its similar target gains only when data are few; a large, general source (ImageNet)
#   carries edges, textures and shapes that help a far target too. The lecture's table quietly
#   assumes the second kind.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · The freeze-depth slider (ImageNet MobileNetV2)
#
# Now the lecture's setting: an **ImageNet** network, MobileNetV2 (offline weights, 96 × 96
# input), and a far target, the **Sign Language Digits** photos (hands showing 0–9). First one
# depth the raw way: freeze everything up to and including `block_15_add`, unfreeze the layers
# above it — but keep their **BatchNormalization** layers frozen (their statistics came from
# ImageNet; small fine-tuning batches would overwrite them, see notebook 04) — and compile.

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
# - The recipe, as in notebook 06: train the new head first on the frozen network, then unfreeze
#   and **compile again with a rate 10–100× lower** than for training from scratch (Adam: 1e-4
#   or 1e-5). Rates in between are a gamble — the middle curve shows what they can do.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 07.2 — compile for fine-tuning
#
# Prepare a model for **fine-tuning all its layers**: every layer trainable except
# BatchNormalization (kept frozen), compiled with a learning rate low enough to **keep** the
# pretrained features (the measurement above tells you which). Use any model with pretrained
# layers, e.g. a copy of `above` with a new head, as `fine_tune_above_cut` builds it. `answer` is
# the compiled model.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: a Keras model, unfrozen (BatchNormalization frozen), compiled
check("07.2", answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 07.3 — Choose a freeze depth on validation data, report its test accuracy
#
# Back to section 2's MNIST CNN. The grids compared strategies on the test set, and chose nothing
# by it. In a real project you **choose** the depth — so you need data to choose on that is not
# the test set. Take the different target, Fashion-MNIST (`x_pool, y_pool, x_test, y_test = TARGETS["different"]`), and
# draw **100 training and 500 validation images** from the pool:
# `train_test_split(np.arange(len(y_pool)), train_size=100, test_size=500, stratify=y_pool, random_state=SEED)`.
#
# For each freeze depth *k* in 7, 5, 3, 0 (feature extraction, fine-tune top, from `conv2` on,
# fine-tune all): a new model of the whole network, `keras.Input(shape=(28, 28, 1))`, the layers
# of `clone_with_weights(source)` (section 1's MNIST CNN without its output layer) and a new `Dense(10, "softmax", name="new_head")`;
# `set_freeze_depth(model, k)`, compile, train on the 100 images (e.g. `train(model, x, y, 40)`
# with Adam 1e-3), then measure its accuracy on the validation **and** on the test images
# (`accuracy(model, ...)`). Choose the depth, report its test accuracy, and say whether the
# chosen depth is also the best one on the test set: `"same depth"` or `"another depth"`.
#
# `answer = {"models": {k: model}, "val": {k: accuracy}, "test": {k: accuracy}, "depth": k,
# "test_accuracy": ..., "conclusion": ...}` (accuracies as fractions). The check measures your
# models itself, on the same images; it trains nothing.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: a dict of models, val, test, depth, test_accuracy and conclusion
check("07.3", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · Recap
#
# - **Two questions** choose the level of transfer: how much target data, and how similar it is
#   to the source. Small + similar → feature extraction; large → fine-tune more (the top, or
#   everything); small + different → the hard case.
# - **Frozen** = `trainable = False` (kept), **unfrozen** = `trainable = True` (re-trained); one
#   lecture text swaps them. Every change of `trainable` needs a new `compile()`.
# - **Measure, don't assume**: the 2 × 2 grid compares the lecture's recommendation with the
#   alternatives over several seeds, and the verdicts come from paired differences. With ImageNet
#   as the source (dogs vs cats, hand signs) the recommendations held and transfer decided most
#   cells; with a narrow source (the MNIST CNN) and a far target, training from scratch is a real
#   competitor — and with enough data it catches up even against ImageNet.
# - **Build once, train many times**: cache the frozen part's outputs, and re-use a compiled model
#   (weights and optimizer state put back to a start) instead of tracing a new one per run.
# - **Freeze depth** is one number, *k*; `set_freeze_depth`, `param_counts`,
#   `frozen_layers_table` and the slider (`freeze_depth_slider`) show what it freezes. Caching the
#   frozen part's outputs (`ActivationCache`) makes trying depths cheap.
# - **Fine-tune with a low learning rate**, after training the head: a high rate moves the
#   pretrained weights by more than their own size and destroys the features.
# - **Choose on validation, report on test**: a freeze depth (or any setting) picked by its test
#   score makes that score optimistic; the chosen depth's test accuracy is the number to report.
# - Exercises 07.1 (set up "fine-tune top"), 07.2 (compile for fine-tuning all layers) and 07.3
#   (choose a freeze depth on validation data, report its test accuracy): `check("07.1", answer)`
#   says what is right or wrong; instructors reveal a solution with `solution("07.1")` (from
#   `tlcourse.exercises`).
