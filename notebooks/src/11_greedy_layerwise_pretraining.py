# %% [markdown] slideshow={"slide_type": "slide"}
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tlcourse/tlcourse/blob/main/notebooks/11_greedy_layerwise_pretraining.ipynb)
#
# # 11 · Greedy layer-wise pretraining
#
# **What you will learn**
# - what *greedy supervised pretraining* is: train a shallow network, freeze it, stack one
#   new layer, train only that layer, repeat — and why a final **fine-tuning** of all layers
#   is part of the method;
# - how to do it with raw Keras (`trainable = False`, a new head per stage, `compile`, `fit`),
#   then in one call with `tlcourse.pretrain.greedy_layerwise`;
# - when it was needed (deep sigmoid networks trained with plain SGD, before 2010) and why it
#   is rare today — measured over several seeds, not claimed;
# - what *unsupervised* pretraining with an **autoencoder** is (learn to redraw unlabelled
#   images, keep the encoder), how it differs from greedy supervised pretraining (no labels;
#   the whole encoder at once), and whether it pays with only 100 labels — measured too.
#
# Lecture: [CNN families and greedy pretraining](../README.md#lecture-cnn-families-and-greedy-pretraining)
# (seed 001, "Greedy Supervised Pretraining"; seed 004, "Autoencoder").

# %% slideshow={"slide_type": "skip"}
# Colab only: install the course from its repository (does nothing elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "tlcourse @ git+https://github.com/tlcourse/tlcourse"], check=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · The idea
#
# The lecture (seed 001) describes pretraining that builds the network **one layer at a time**:
#
# 1. train a **shallow** model (one hidden layer + an output layer);
# 2. **freeze** its parameters, put a **new layer** on top (with a new output layer), train
#    only the new parameters;
# 3. repeat until the network is as deep as wanted.
#
# Each stage solves a small, easy problem, so pretraining is fast. But no stage ever
# optimised the layers *together*: the result is not guaranteed to be the best network for
# the task. So the lecture insists: **fine-tuning afterwards is essential** (greedy
# supervised pretraining에서는 fine-tuning 과정이 필수적이다).

# %% [markdown] slideshow={"slide_type": "subslide"}
# Why would anyone do this? Around 2006–2010 deep networks with **sigmoid** units, trained
# end to end with plain **SGD** from small random weights, often did not learn at all: the
# gradients that reach the lower layers shrink layer by layer (each sigmoid multiplies them by
# at most 0.25). Training one layer at a time sidesteps that, because every stage is shallow
# (Hinton et al. 2006 stacked unsupervised layers; Bengio et al. 2007, *Greedy layer-wise
# training of deep networks*, compared the supervised variant taught here).
#
# We will rebuild that situation on MNIST and measure it — and then measure today's default
# (ReLU + Adam) the same way.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · Data: a few thousand MNIST digits
#
# A stratified subset keeps every run short on a CPU; the test set is MNIST's own test set
# (subsampled the same way). `load` prints the sizes.

# %% slideshow={"slide_type": "-"}
import keras
import numpy as np
from tlcourse import data
from tlcourse.config import SEED, fast_or_full, seed_everything
from tlcourse.exercises import check

split = data.load("mnist", limit_per_class=fast_or_full(100, 500))
x_train, y_train = split.x_train, split.y_train
x_val, y_val = split.x_val, split.y_val
x_test, y_test = split.x_test, split.y_test

# %% slideshow={"slide_type": "subslide"}
from tlcourse.plots import show_images

show_images(x_train, y_train, split.class_names, per_class=1,
            title="MNIST training digits, one per class");

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · Two stages by hand (raw Keras)
#
# The network we are building: `Rescaling → Flatten → 5 × Dense(128, sigmoid) → Dense(10, softmax)`.
# The hidden layers are made once and **reused** stage after stage; each stage gets a **new**
# output layer (the old one was trained for a shallower network and is thrown away).
#
# **Stage 1**: one hidden layer and an output layer, all trainable.

# %% slideshow={"slide_type": "-"}
SETTINGS = {"2006 style": dict(activation="sigmoid", optimizer=lambda: keras.optimizers.SGD(learning_rate=0.1)),
            "today": dict(activation="relu", optimizer=lambda: keras.optimizers.Adam(learning_rate=1e-3))}
UNITS = [128] * 5
STAGE_EPOCHS = fast_or_full(1, 4)          # epochs per greedy stage
TUNE_EPOCHS = fast_or_full(1, 6)           # epochs of the final fine-tuning

seed_everything(SEED)
old = SETTINGS["2006 style"]
stem = [keras.layers.Rescaling(1 / 255, name="rescale"), keras.layers.Flatten(name="flatten")]
hidden = [keras.layers.Dense(u, activation=old["activation"], name=f"hidden{i + 1}")
          for i, u in enumerate(UNITS)]

stage1 = keras.Sequential([keras.Input((28, 28)), *stem, hidden[0],
                           keras.layers.Dense(10, activation="softmax", name="head1")], name="stage1")
stage1.compile(optimizer=old["optimizer"](), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
stage1.fit(x_train, y_train, epochs=STAGE_EPOCHS, batch_size=32, verbose=0)
print(f"stage 1 (1 hidden layer): validation accuracy {stage1.evaluate(x_val, y_val, verbose=0)[1]:.2%}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Stage 2**: freeze `hidden1` (`trainable = False`), stack `hidden2` and a new head, compile
# (a change of `trainable` takes effect only at `compile`) and train. The table shows that
# only the new layer and the new head will learn:

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
from tlcourse.surgery import trainable_report

hidden[0].trainable = False                                   # freeze what stage 1 learned
stage2 = keras.Sequential([keras.Input((28, 28)), *stem, hidden[0], hidden[1],
                           keras.layers.Dense(10, activation="softmax", name="head2")], name="stage2")
stage2.compile(optimizer=old["optimizer"](), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
print(trainable_report(stage2))

# %% slideshow={"slide_type": "-"}
kernel_before = hidden[0].kernel.numpy().copy()
stage2.fit(x_train, y_train, epochs=STAGE_EPOCHS, batch_size=32, verbose=0)
print(f"stage 2 (2 hidden layers): validation accuracy {stage2.evaluate(x_val, y_val, verbose=0)[1]:.2%}")
print("hidden1 unchanged by stage 2:", np.array_equal(kernel_before, hidden[0].kernel.numpy()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 11.1 — Stage 3 by hand
#
# Take the method one stage further with the objects of this section: freeze what stage 2
# trained, `stage2.get_layer("hidden2")`, then build `stage3` from the **same** layer objects —
# the stem `stage2.layers[:2]`, `stage2.get_layer("hidden1")` and `stage2.get_layer("hidden2")`
# (take them from `stage2`: later sections reuse the names `stem` and `hidden` for other
# networks) — one new hidden layer `Dense(128, activation="sigmoid")` and a **new** output layer
# `Dense(10, activation="softmax")`. Unlike model B in notebook 06, the layers are shared on
# purpose here: they *are* the network being built. Compile and fit it if you like. `answer` is
# the pair `(stage2, stage3)`.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: (stage2, stage3)
check("11.1", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · All stages in one call, then fine-tuning
#
# `greedy_layerwise(stem, hidden, head, x, y, epochs=..., optimizer=...)` repeats exactly those
# steps for every layer in `hidden` and returns the last stage's model and one record per
# stage. `head` and `optimizer` are *functions*, because every stage needs a new one (Keras
# refuses to reuse an optimizer built for other weights).

# %% slideshow={"slide_type": "-"}
from tlcourse.pretrain import greedy_layerwise

def new_network(activation):
    # the stem and 5 new, unbuilt hidden layers
    stem = [keras.layers.Rescaling(1 / 255, name="rescale"), keras.layers.Flatten(name="flatten")]
    hidden = [keras.layers.Dense(u, activation=activation, name=f"hidden{i + 1}")
              for i, u in enumerate(UNITS)]
    return stem, hidden

def new_head():
    return keras.layers.Dense(10, activation="softmax", name="head")

seed_everything(SEED)
stem, hidden = new_network(old["activation"])
greedy, stages = greedy_layerwise(stem, hidden, new_head, x_train, y_train, epochs=STAGE_EPOCHS,
                                  optimizer=old["optimizer"], validation_data=(x_val, y_val),
                                  verbose=True)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The last stage's model has every hidden layer but the top one frozen. **Fine-tuning**:
# unfreeze all, compile again (a new optimizer), train the whole network together.
# `unfreeze` + `compile_again` from `tlcourse.surgery` are the two raw-Keras steps
# (`layer.trainable = True` for each layer, `model.compile(...)`) in one line each.

# %% slideshow={"slide_type": "-"}
from tlcourse.surgery import compile_again, unfreeze

before_tuning = greedy.evaluate(x_val, y_val, verbose=0)[1]
unfreeze(greedy)
compile_again(greedy, optimizer=old["optimizer"]())
tuning = greedy.fit(x_train, y_train, epochs=TUNE_EPOCHS, batch_size=32,
                    validation_data=(x_val, y_val), verbose=0)
print(f"validation accuracy: {before_tuning:.2%} after the greedy stages, "
      f"{tuning.history['val_accuracy'][-1]:.2%} after fine-tuning all layers")

# %% slideshow={"slide_type": "subslide"}
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7, 4))
steps = [f"stage {s.stage}\n({s.depth} hidden)" for s in stages] + ["fine-tuned\n(all layers)"]
values = [100 * s.val_accuracy for s in stages] + [100 * tuning.history["val_accuracy"][-1]]
ax.plot(steps, values, "o-")
ax.set_title("Greedy pretraining, 2006 style (sigmoid + SGD): validation accuracy per step")
ax.set_xlabel("step")
ax.set_ylabel("validation accuracy (%)")
ax.grid(alpha=0.3);

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · Greedy vs end to end, then and now
#
# The fair comparison: the **same architecture**, the same data, the same number of epochs.
#
# - **end to end**: all layers trained together from random weights for
#   5 × `STAGE_EPOCHS` + `TUNE_EPOCHS` epochs;
# - **greedy**: 5 stages of `STAGE_EPOCHS` epochs each, then `TUNE_EPOCHS` epochs of fine-tuning.
#
# in two settings: **2006 style** (sigmoid, SGD with learning rate 0.1) and **today**
# (ReLU, Adam with learning rate 1e-3, Keras's default Glorot initialisation). Each seed changes the
# initial weights and the shuffling; the data stay the same, so the comparison is paired.

# %% slideshow={"slide_type": "subslide"}
import time
from tlcourse.experiments import run_seeds

SEEDS = list(range(fast_or_full(2, 3)))

def end_to_end(setting, seed):
    seed_everything(seed)
    stem, hidden = new_network(setting["activation"])
    model = keras.Sequential([keras.Input((28, 28)), *stem, *hidden, new_head()])
    model.compile(optimizer=setting["optimizer"](), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=len(UNITS) * STAGE_EPOCHS + TUNE_EPOCHS, batch_size=32, verbose=0)
    return model

def greedy_then_tuned(setting, seed):
    seed_everything(seed)
    stem, hidden = new_network(setting["activation"])
    model, _ = greedy_layerwise(stem, hidden, new_head, x_train, y_train, epochs=STAGE_EPOCHS,
                                optimizer=setting["optimizer"])
    greedy_only = model.evaluate(x_test, y_test, verbose=0)[1]
    compile_again(unfreeze(model), optimizer=setting["optimizer"]())
    model.fit(x_train, y_train, epochs=TUNE_EPOCHS, batch_size=32, verbose=0)
    return model, greedy_only

def experiment(setting):
    def one_seed(seed):
        start = time.perf_counter()
        e2e = end_to_end(setting, seed).evaluate(x_test, y_test, verbose=0)[1]
        e2e_seconds = time.perf_counter() - start
        start = time.perf_counter()
        tuned, greedy_only = greedy_then_tuned(setting, seed)
        return {"end to end": e2e, "greedy only": greedy_only,
                "greedy + fine-tuning": tuned.evaluate(x_test, y_test, verbose=0)[1],
                "seconds end to end": e2e_seconds, "seconds greedy": time.perf_counter() - start}
    return one_seed

results = {}
for name, setting in SETTINGS.items():
    results[name] = run_seeds(experiment(setting), SEEDS)
    print(f"== {name}: {setting['activation']}, {type(setting['optimizer']()).__name__}")
    print(results[name], "\n")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The numbers side by side
#
# Test accuracy as mean ± sd over the seeds, wall time per run, and the verdict for
# "greedy + fine-tuning vs end to end", computed from the paired differences (better/worse
# only when the 95 % interval of the difference excludes zero).

# %% slideshow={"slide_type": "-"}
from IPython.display import Markdown

rows = ["| setting | end to end | greedy only | greedy + fine-tuning | seconds (e2e / greedy) | verdict |",
        "|---|---|---|---|---|---|"]
for name, res in results.items():
    cell = {m: f"{100 * res.mean(m):.1f} ± {100 * res.sd(m):.1f} %"
            for m in ("end to end", "greedy only", "greedy + fine-tuning")}
    diff = res.paired_difference("greedy + fine-tuning", "end to end")
    rows.append(f"| {name} | {cell['end to end']} | {cell['greedy only']} | {cell['greedy + fine-tuning']} "
                f"| {res.mean('seconds end to end'):.0f} / {res.mean('seconds greedy'):.0f} | {diff.verdict()} |")
Markdown("\n".join(rows))

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
methods = ["end to end", "greedy only", "greedy + fine-tuning"]
for ax, (name, res) in zip(axes, results.items()):
    for i, seed in enumerate(res.seeds):
        ax.plot(methods, [100 * res.values(m)[i] for m in methods], "o-", alpha=0.7, label=f"seed {seed}")
    ax.set_title(f"{name}: test accuracy per seed")
    ax.set_xlabel("training method")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
axes[0].set_ylabel("test accuracy (%)")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Reading the results
#
# - **2006 style**: with sigmoid units and plain SGD the deep network trained end to end barely
#   moves in this budget of epochs, while the greedy stages each train a *shallow* problem and
#   get somewhere; fine-tuning then improves the stacked network further. This is the situation
#   in which greedy pretraining earned its place.
# - **Today**: ReLU units, sensible initialisation (Glorot 2010, He 2015) and adaptive optimisers
#   such as Adam let gradients reach every layer, so end-to-end training works directly, and
#   greedy stages only spend epochs on heads that are thrown away.
#   Batch normalisation (2015) and residual connections (2015, notebook 10) removed the rest
#   of the need — which is why greedy layer-wise pretraining is rare today, and why "pretraining"
#   now means training a whole network on a large *source* data set (ImageNet) and transferring it.
#
# The seconds column answers the lecture's "pretraining is fast": per epoch, a greedy stage still
# runs every frozen layer forward, so on a CPU it saves only the backward pass through them.
# Computing the frozen layers' outputs once per stage and training the new layer on those
# would be the real saving — the trick notebooks 00 and 03 use for frozen ImageNet features.
#
# If a verdict above reads "no clear difference", the seeds disagree: that, too, is a result.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 11.2 — How much gradient reaches the first layer?
#
# Why does the 2006-style network barely learn end to end? The sigmoid's derivative,
# σ'(z) = σ(z)(1 − σ(z)), is at most 0.25 (at z = 0). On its way back to the weights of
# `hidden1`, the error signal passes through the derivative of each of the five sigmoid layers
# (`hidden5` down to `hidden1`) once, and through the weight matrices between them. Leaving the
# weights aside: **at most what fraction** of the gradient is left after a number of sigmoid
# layers? Write a function `gradient_bound(layers)` that returns it, and print
# `gradient_bound(5)` for this network. `answer` is the function itself
# (`answer = gradient_bound`); the check calls it with layer counts of its own.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: the function gradient_bound(layers)
check("11.2", answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 11.3 — How much gradient reaches `hidden1`? Measure it
#
# 11.2 gave a bound; now measure what section 5's network really passes down at the start of
# training, with sigmoid units and with ReLU.
#
# - **Measure**, for seeds 0, 1, …, n − 1 (n ≥ 3; n = 5 takes seconds) and each activation,
#   `"sigmoid"` and `"relu"`: right after `seed_everything(seed)`,
#   `stem, hidden = new_network(activation)` and
#   `model = keras.Sequential([keras.Input((28, 28)), *stem, *hidden, new_head()])`. On the
#   **probe batch**, the first 256 digits of MNIST's training set as
#   `data.load_arrays("mnist")` returns them (raw pixels: the stem rescales), compute the mean
#   cross-entropy of `model(x_probe, training=True)` under `tf.GradientTape` (first
#   `import tensorflow as tf`), the gradients of
#   `hidden[0].kernel` and `hidden[-1].kernel`, and record
#   **log10(‖gradient of hidden1‖ / ‖gradient of hidden5‖)**: 0 means the first layer gets as
#   much as the last, −1 a tenth of it.
# - **Collect** with `run_seeds`: one dict `{"sigmoid": ..., "relu": ...}` per seed.
# - **Conclude** from the 95 % interval of `results.paired_difference("sigmoid", "relu")`:
#   - **a** — below 0: with sigmoid units `hidden1` gets a clearly smaller share of the gradient
#     than with ReLU, so end-to-end SGD barely moves the first layers — what greedy stages sidestep;
#   - **b** — above 0: with sigmoid units `hidden1` gets a clearly larger share;
#   - **c** — across 0: no clear difference over these seeds.
#
# `answer` is the pair `(results, conclusion)`, the conclusion one letter. The check recomputes
# one of your seeds. Then compare your sigmoid mean with log10(0.25⁴) ≈ −2.4, the four sigmoid
# derivatives between `hidden5` and `hidden1` at their largest (11.2's reasoning).

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: (results of run_seeds, "a", "b" or "c")
check("11.3", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · Unsupervised pretraining: autoencoders
#
# Greedy pretraining needed **labels** at every stage. The lecture's list of terms (seed 004)
# names a kind of pretraining that needs none, the **autoencoder**:
#
# > Autoencoder(오토인코더) : Unsupervised Learning을 위한 Neural Network 구조 중 하나로, Hidden Layer에
# > Input 데이터를 압축적으로 저장함으로써 원본 데이터의 특징(Feature)을 효과적으로 추출할 수 있는 기법
#
# (a network for unsupervised learning that stores its input, compressed, in a hidden layer and so
# extracts the data's features). Two halves:
#
# - an **encoder** squeezes each image into a short vector, the *code* (here 784 pixels → 64 numbers);
# - a **decoder** redraws the image from the code alone.
#
# The training target is the **input itself** (`fit(x, x)`): the loss measures how badly the
# image was redrawn, so any pile of images will do, no labels needed. To redraw well through a
# 64-number bottleneck, the encoder must keep what matters about the image. Afterwards the
# decoder is thrown away and the **encoder is reused**, exactly like a pretrained backbone:
# frozen as a feature extractor, or fine-tuned with the few labels there are.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Two independent choices: labels or not, layer by layer or whole
#
# | | one layer at a time | the whole network at once |
# |---|---|---|
# | **with labels** (supervised) | greedy supervised pretraining, sections 3–5 (seed 001) | ImageNet pretraining, notebooks 01–07 |
# | **without labels** (unsupervised) | stacked autoencoders / RBMs (Hinton et al. 2006, Bengio et al. 2007) | one autoencoder, this section |
#
# - **Signal**: greedy supervised pretraining learns from labels, so its layers learn what
#   *separates the classes*; an autoencoder learns from the images alone, so its encoder learns
#   what is needed to *redraw* them — not necessarily the same thing.
# - **Layer-wise vs whole**: the historical unsupervised pretraining was greedy too (one autoencoder
#   per layer, stacked), for the same vanishing-gradient reason as section 1; with ReLU and Adam we
#   train the encoder and decoder together in one `fit`.
# - **What both share**: the pretrained layers are then fine-tuned *with labels* on the real task.
# - **When it pays**: many unlabelled images, few labelled ones — we measure that case next.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Pretraining on unlabelled digits
#
# The unlabelled pool: MNIST training images with their labels thrown away (`_`). The test
# images are MNIST's own test set, never part of the pool. The model is a small dense
# autoencoder, 784 → 256 → **64** → 256 → 784, with a sigmoid output because the target is the
# image scaled to 0..1 (binary cross-entropy compares the two pixel by pixel).

# %% slideshow={"slide_type": "-"}
from tlcourse.surgery import clone_with_weights, freeze

(x_pool, _), _ = data.load_arrays("mnist")           # MNIST's training images; their labels are not used
x_unlabelled = x_pool[:fast_or_full(2_000, 30_000)]
CODE = 64
AE_EPOCHS = fast_or_full(1, 4)

def new_encoder():
    return keras.Sequential([keras.Input((28, 28)), keras.layers.Rescaling(1 / 255), keras.layers.Flatten(),
                             keras.layers.Dense(256, activation="relu"), keras.layers.Dense(CODE, name="code")],
                            name="encoder")

seed_everything(SEED)
encoder = new_encoder()
decoder = keras.Sequential([keras.Input((CODE,)), keras.layers.Dense(256, activation="relu"),
                            keras.layers.Dense(28 * 28, activation="sigmoid"), keras.layers.Reshape((28, 28))],
                           name="decoder")
autoencoder = keras.Sequential([encoder, decoder], name="autoencoder")
autoencoder.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="binary_crossentropy")
start = time.perf_counter()
ae_history = autoencoder.fit(x_unlabelled, x_unlabelled.astype("float32") / 255, epochs=AE_EPOCHS,
                             batch_size=128, verbose=0)
print(f"autoencoder: {len(x_unlabelled):,} unlabelled images, {AE_EPOCHS} epochs, "
      f"{time.perf_counter() - start:.0f} s; reconstruction loss per epoch: "
      + ", ".join(f"{loss:.4f}" for loss in ae_history.history["loss"]))

# %% slideshow={"slide_type": "subslide"}
shown = x_test[:8]
redrawn = autoencoder.predict(shown, verbose=0)
fig, axes = plt.subplots(2, len(shown), figsize=(10, 3))
for i in range(len(shown)):
    for row, images in enumerate((shown, 255 * redrawn)):
        axes[row, i].imshow(images[i], cmap="gray", vmin=0, vmax=255)
        axes[row, i].set_xticks([])
        axes[row, i].set_yticks([])
axes[0, 0].set_ylabel("input")
axes[1, 0].set_ylabel("redrawn")
fig.supxlabel("test digits (never seen by the autoencoder)")
fig.suptitle(f"Autoencoder: each digit squeezed into {CODE} numbers and redrawn from them");

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Few labels: pretrained encoder vs from scratch
#
# Now the labelled task: only **10 labelled digits per class** (100 images). Three networks with
# the same architecture, encoder + `Dense(10, softmax)`:
#
# - **from scratch**: a new, random encoder, everything trained (Adam 1e-3, section 5's "today");
# - **autoencoder, frozen**: a copy of the pretrained encoder, frozen, and a new head trained on
#   top with a larger step (Adam 1e-2, as for a lone new head in notebook 06);
# - **autoencoder, fine-tuned**: that same model, then unfrozen and trained further at a **low**
#   learning rate (Adam 1e-4): freeze → compile → fit → unfreeze → compile again → fit.
#
# From scratch gets as many epochs as the fine-tuned model had in total. `clone_with_weights`
# (notebook 06) gives every run its own copy, so each starts from the same pretrained weights.
# Each seed draws a different 100 labelled images and new initial weights; the autoencoder is
# pretrained once, as ImageNet weights are downloaded once.

# %% slideshow={"slide_type": "subslide"}
PER_CLASS = 10                                       # labelled images per class
HEAD_EPOCHS, AE_TUNE_EPOCHS = fast_or_full(4, 20), fast_or_full(2, 10)

def few_labels(seed):
    rng = np.random.default_rng(seed)
    picked = np.concatenate([rng.choice(np.flatnonzero(y_train == c), PER_CLASS, replace=False)
                             for c in range(10)])
    return x_train[picked], y_train[picked]

def test_accuracy(model, x, y, learning_rate, epochs):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=epochs, batch_size=10, verbose=0)
    return model.evaluate(x_test, y_test, verbose=0)[1]

def few_label_run(seed):
    seed_everything(seed)
    x, y = few_labels(seed)
    scratch = test_accuracy(keras.Sequential([new_encoder(), new_head()]), x, y, 1e-3,
                            HEAD_EPOCHS + AE_TUNE_EPOCHS)
    model = keras.Sequential([freeze(clone_with_weights(encoder)), new_head()])
    frozen = test_accuracy(model, x, y, 1e-2, HEAD_EPOCHS)
    unfreeze(model)
    tuned = test_accuracy(model, x, y, 1e-4, AE_TUNE_EPOCHS)   # compiles again: a new optimizer
    return {"from scratch": scratch, "autoencoder, frozen": frozen, "autoencoder, fine-tuned": tuned}

ae_results = run_seeds(few_label_run, SEEDS)
print(ae_results, "\n")
for name in ("autoencoder, frozen", "autoencoder, fine-tuned"):
    print(ae_results.paired_difference(name, "from scratch").verdict())

# %% slideshow={"slide_type": "subslide"}
ae_methods = list(ae_results.metrics)
fig, ax = plt.subplots(figsize=(7, 4))
for i, seed in enumerate(ae_results.seeds):
    ax.plot(ae_methods, [100 * ae_results.values(m)[i] for m in ae_methods], "o-", alpha=0.7, label=f"seed {seed}")
ax.set_title(f"{len(few_labels(0)[0])} labelled digits: test accuracy per seed")
ax.set_xlabel("how the encoder started")
ax.set_ylabel("test accuracy (%)")
ax.grid(alpha=0.3)
ax.legend(fontsize=8);

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Reading the results
#
# The verdicts above come from the paired differences; read them before this paragraph.
#
# - If the pretrained encoder **wins**, the unlabelled images taught it something the 100 labels
#   alone could not: that is the promise of unsupervised pretraining when labels are scarce.
# - If it **loses or ties**, that is a known limit of a plain autoencoder: reconstruction rewards
#   keeping whatever redraws the pixels (stroke width, slant, position), not what tells a 4 from
#   a 9, and a small MLP from scratch already does well on centred digits. Compare *frozen* and
#   *fine-tuned*: fine-tuning with labels is what adapts the features to the task, as in greedy
#   pretraining.
# - Set the verdicts beside section 5's *today* row: both kinds of pretraining were invented
#   (2006–2007) for deep networks that could not be trained well from random weights; with ReLU and
#   Adam, the *from scratch* column shows how far a random start already gets with 100 labels.
#
# Historically, unsupervised pretraining faded for images once large labelled data sets such as
# ImageNet gave better features to transfer (notebooks 01–07); it returned in other forms
# (denoising and masked autoencoders, self-supervised learning) that make the reconstruction task
# harder so that the features must capture more.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 · Recap
#
# - Greedy supervised pretraining: shallow model → freeze → add a layer (and a new head) →
#   train only the new layer → repeat; then **fine-tune everything** — the stages never optimise
#   the layers together.
# - Autoencoder (unsupervised) pretraining: train encoder + decoder to redraw **unlabelled**
#   images (`fit(x, x)`), throw the decoder away, reuse the encoder frozen or fine-tuned with the
#   few labels; the whole encoder at once here, where the historical version stacked autoencoders
#   greedily. Whether it beat training from scratch on 100 labels is the verdict printed in section 6.
# - In Keras: reuse the layer objects, set `trainable = False` on the trained ones, build the
#   next stage with a new head, **compile** again, fit. `greedy_layerwise` does the stages;
#   `unfreeze` + `compile_again` the fine-tuning.
# - Measured here: it rescues a deep sigmoid network trained with SGD, and it is unnecessary with
#   ReLU + Adam. Modern deep learning replaced it with better activations, initialisation,
#   optimisers, normalisation and skip connections — and with transfer from networks pretrained
#   on large data sets.
# - Exercises 11.1 (stage 3 by hand), 11.2 (the bound on the gradient through five sigmoids) and
#   11.3 (that gradient measured, sigmoid vs ReLU, over seeds): `check("11.3", answer)` says what
#   is right or wrong; instructors reveal a solution with `solution("11.3")` (from `tlcourse.exercises`).
