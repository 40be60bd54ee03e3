# %% [markdown] slideshow={"slide_type": "slide"}
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tlcourse/tlcourse/blob/main/notebooks/06_reusing_layers_in_keras.ipynb)
#
# # 06 · Reusing layers in Keras
#
# **What you will learn**
# - why reusing the *lower* layers of a trained network helps (speed, less data) and when
#   the input size gets in the way;
# - Géron's recipe from the slides, in Keras 3: `clone_model` + `set_weights`,
#   `Sequential(model_A_clone.layers[:-1])` + `Dense(1, "sigmoid")`, freeze → compile → fit →
#   unfreeze → compile again → fit;
# - what goes wrong without the clone (model A changes), and why `trainable` needs a new
#   `compile()` — both measured here, not just claimed;
# - how a `Resizing` layer fixes an input-size mismatch;
# - the same protocol over many seeds: how big the gain from transfer really is.
#
# Lecture: [11.2 Reusing pretrained layers](../README.md#lecture-11-2-reusing-pretrained-layers)
# (seed 003, after Géron, *Hands-On Machine Learning*, ch. 11).

# %% slideshow={"slide_type": "skip"}
# Colab only: install the course from its repository (does nothing elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "tlcourse @ git+https://github.com/tlcourse/tlcourse"], check=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · Why reuse lower layers?
#
# Training a large deep network from scratch is hard: it needs a lot of labelled data and a
# lot of time. If a network already solves a **similar problem**, reuse part of it:
#
# - training is **faster** (most weights start useful instead of random);
# - you need **less training data** (only the new layers start from zero);
# - it works especially well for deep **convolutional** networks.
#
# Which part? The **lower** hidden layers: they learn generic features (strokes, edges,
# textures) that many tasks share; the upper layers are specific to the original task. The
# more similar the tasks, the more layers you reuse; for very similar tasks keep all the
# hidden layers and replace only the output layer — which is what we do here.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Warning: the input size must match
#
# The reused layers expect the inputs they were trained on. The slide's example: model A was
# trained on 64 × 64 images, the new task has 256 × 256 images → add a **preprocessing step**
# that resizes them to 64 × 64 before the reused layers. Section 5 does exactly that with a
# `keras.layers.Resizing` layer.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The two tasks (Géron's set-up)
#
# - **Task A**: Fashion-MNIST's 8 classes other than *sandal* and *shirt*, 40,000+ images.
#   Model A, a small dense network (3 hidden layers of 100 ReLUs), was trained on it once
#   by `python -m tlcourse.pretrain` and committed: we **load** it, we do not retrain it.
# - **Task B**: *sandal vs shirt* (shirt = 1), with only **200** training images.
#
# `task_a_b_split` splits the Fashion-MNIST arrays into the two tasks (training and test sets
# separately, so no test image is ever trained on).

# %% slideshow={"slide_type": "-"}
import keras
import numpy as np
from tlcourse import config, data
from tlcourse.config import SEED, fast_or_full, seed_everything
from tlcourse.exercises import check
from tlcourse.pretrain import task_a_b_split

(x_train, y_train), (x_test, y_test) = data.load_arrays("fashion_mnist")
(X_train_A, y_train_A), (X_B, y_B) = task_a_b_split(x_train, y_train)
(X_test_A, y_test_A), (X_test_B, y_test_B) = task_a_b_split(x_test, y_test)
print(f"task A: {len(X_train_A):,} training, {len(X_test_A):,} test images, 8 classes")
print(f"task B: {len(X_B):,} training images available, {len(X_test_B):,} test images "
      f"({int(y_test_B.sum()):,} shirts)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Task B gets only 200 of those 12,000 images. We draw them **stratified** (100 sandals,
# 100 shirts) with a seed, so another seed gives another 200 — section 7 needs that. A fixed
# validation set of 1,000 images is set aside first; the test set is all 2,000 task-B test
# images.

# %% slideshow={"slide_type": "-"}
from sklearn.model_selection import train_test_split

X_pool_B, X_valid_B, y_pool_B, y_valid_B = train_test_split(
    X_B, y_B, test_size=1_000, stratify=y_B, random_state=SEED)       # fixed validation set

def draw_train_B(seed, n=200):
    # n training images of task B, half sandals and half shirts, drawn with `seed`
    _, X, _, y = train_test_split(X_pool_B, y_pool_B, test_size=n, stratify=y_pool_B,
                                  random_state=seed)
    return X, y

X_train_B, y_train_B = draw_train_B(SEED)
print(f"train {len(X_train_B)} ({int(y_train_B.sum())} shirts), "
      f"validation {len(X_valid_B):,}, test {len(X_test_B):,}")

# %% slideshow={"slide_type": "subslide"}
from tlcourse.plots import show_images

show_images(X_train_B, y_train_B.astype(int), ["sandal", "shirt"], per_class=8,
            title="Task B: 8 of the 200 training images of each class");

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · The slide code, in Keras 3
#
# ### ① Load model A, clone it, copy its weights
#
# `clone_model` copies the **architecture** only (new layers, new random weights);
# `set_weights(get_weights())` copies the **values**. Why bother? So that training model B
# cannot touch model A (section 3 shows what happens otherwise).

# %% slideshow={"slide_type": "-"}
from tlcourse.models import load_pretrained

model_A = load_pretrained("fashion_mnist_model_a")      # the slide's load_model('my_model_A.h5')
model_A_clone = keras.models.clone_model(model_A)       # same architecture, new weights
model_A_clone.set_weights(model_A.get_weights())        # same weight values

acc_A = model_A.evaluate(X_test_A, y_test_A, verbose=0)[1]
print(f"model A on its own task (8 classes): {acc_A:.2%} test accuracy")
print("layers of model A:", [layer.name for layer in model_A.layers])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### ② Reuse every layer but the output layer, add a new output layer
#
# The slide's two lines, unchanged. Measured in Keras 3: the result is **not built**. A
# Keras 3 model keeps its input shape only in `keras.Input`, and a `Sequential` does not list
# its `Input` among its `.layers` (see the list above: it starts at `rescale`). So the slice
# has no input shape: `fit` would still work (Keras builds the model on the first batch), but
# until then you cannot count its parameters or check what will train.

# %% slideshow={"slide_type": "-"}
model_B_on_A = keras.Sequential(model_A_clone.layers[:-1])
model_B_on_A.add(keras.layers.Dense(1, activation="sigmoid"))
print("built:", model_B_on_A.built)
try:
    model_B_on_A.count_params()
except ValueError as error:
    print("ValueError:", str(error).split(".")[0])

# %% [markdown] slideshow={"slide_type": "subslide"}
# The honest fix is one extra element: give the new model the same `keras.Input` model A had,
# 28 × 28 pixels. Now it is built from the start. (The names are only for readable tables.)

# %% slideshow={"slide_type": "-"}
seed_everything(SEED)                                   # the new output layer's random init
model_B_on_A = keras.Sequential([keras.Input(shape=(28, 28))] + model_A_clone.layers[:-1],
                                name="model_B_on_A")
model_B_on_A.add(keras.layers.Dense(1, activation="sigmoid", name="output_B"))
print("built:", model_B_on_A.built, "| parameters:", f"{model_B_on_A.count_params():,}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### ③ Freeze the reused layers, train the new one
#
# The new output layer starts random, so its first errors are large; their gradients would
# wreck the reused weights. So for a few epochs the reused layers are **frozen**
# (`trainable = False`) and only the new layer learns.
#
# The slide compiles with `SGD(lr=1e-2)`. That is the Keras 2 spelling: **Keras 3 has only
# `learning_rate=`** and rejects `lr=` outright:

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
# Keras 2 on purpose: the slide's spelling, to see the error
try:
    keras.optimizers.SGD(lr=1e-2)
except (TypeError, ValueError) as error:
    print(f"{type(error).__name__}: {error}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# So, with `learning_rate=`: freeze, compile, and check which layers will train. Only the
# new output layer's 101 parameters (100 weights + 1 bias) are trainable.

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
from tlcourse.surgery import trainable_report

for layer in model_B_on_A.layers[:-1]:
    layer.trainable = False                             # freeze the reused layers
model_B_on_A.compile(loss="binary_crossentropy", metrics=["accuracy"],
                     optimizer=keras.optimizers.SGD(learning_rate=1e-2))
print(trainable_report(model_B_on_A))

# %% slideshow={"slide_type": "-"}
history_frozen = model_B_on_A.fit(X_train_B, y_train_B, epochs=4, batch_size=32,
                                  validation_data=(X_valid_B, y_valid_B), verbose=0)
print(f"after 4 frozen epochs: validation accuracy {history_frozen.history['val_accuracy'][-1]:.2%}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### ④ Unfreeze, compile again, fine-tune with a low learning rate
#
# Now the new layer is sensible, so all layers may train — slowly: a 100× lower learning rate
# (1e-4) so the reused weights are adjusted, not overwritten. After changing `trainable` the
# model **must be compiled again** (section 4 shows why).

# %% slideshow={"slide_type": "-"}
for layer in model_B_on_A.layers[:-1]:
    layer.trainable = True                              # unfreeze
model_B_on_A.compile(loss="binary_crossentropy", metrics=["accuracy"],
                     optimizer=keras.optimizers.SGD(learning_rate=1e-4))
history_tuned = model_B_on_A.fit(X_train_B, y_train_B, epochs=16, batch_size=32,
                                 validation_data=(X_valid_B, y_valid_B), verbose=0)
acc_B_on_A = model_B_on_A.evaluate(X_test_B, y_test_B, verbose=0)[1]
print(f"model B on A: {acc_B_on_A:.2%} test accuracy on {len(X_test_B):,} images")


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Is that good? Géron's baseline: model B from scratch
#
# The same architecture with random weights, trained on the same 200 images for the same
# 20 epochs, with the recipe of *Hands-On ML*'s 3rd edition (SGD, learning rate 1e-3). Which
# numbers to compare with depends on the edition: the **2nd** edition's task B is ours, sandal vs
# shirt, and reports 97.05 % for model B and 99.40 % for model B on A; the **3rd** edition changed
# task B to T-shirt vs pullover (a harder pair) and reports 91.85 % and 93.85 %. The course keeps
# the 2nd edition's task and the slides' learning rates for model B on A (1e-2, then 1e-4).

# %% slideshow={"slide_type": "-"}
def build_model_B():
    # model B's architecture (= model A's with a 1-unit output), randomly initialised
    hidden = [keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal")
              for _ in range(3)]
    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                             keras.layers.Flatten(), *hidden,
                             keras.layers.Dense(1, activation="sigmoid")], name="model_B")

seed_everything(SEED)
model_B = build_model_B()
model_B.compile(loss="binary_crossentropy", metrics=["accuracy"],
                optimizer=keras.optimizers.SGD(learning_rate=1e-3))
history_B = model_B.fit(X_train_B, y_train_B, epochs=20, batch_size=32,
                        validation_data=(X_valid_B, y_valid_B), verbose=0)
acc_B = model_B.evaluate(X_test_B, y_test_B, verbose=0)[1]
print(f"model B from scratch: {acc_B:.2%} | model B on A: {acc_B_on_A:.2%} "
      f"| difference {100 * (acc_B_on_A - acc_B):+.2f} points (one seed)")

# %% slideshow={"slide_type": "subslide"}
from tlcourse.plots import plot_history

on_A = {k: history_frozen.history[k] + history_tuned.history[k] for k in history_frozen.history}
ax = plot_history({"model B from scratch (SGD 1e-3)": history_B.history,
                   "model B on A (frozen, then fine-tuned)": on_A},
                  title="Task B, 200 training images: accuracy per epoch")
ax.axvline(4.5, color="0.4", lw=1, ls=":")
ax.text(4.6, ax.get_ylim()[0], " unfreeze", color="0.3", va="bottom");

# %% [markdown] slideshow={"slide_type": "subslide"}
# Read the curves: model B on A starts far higher (its features already separate sandals from
# shirts, only the output layer had to learn) — that is the *faster training* of the slide.
# Whether it also ends higher, and by how much, one seed cannot tell: section 7 repeats it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · The clone is not optional
#
# `keras.Sequential(model_A.layers[:-1])` does not copy anything: the new model holds **the
# very same layer objects** as model A. Training model B then trains model A too. Let us do
# the whole protocol again *without* the clone, on a fresh copy of model A, and look at A.

# %% slideshow={"slide_type": "-"}
model_A = load_pretrained("fashion_mnist_model_a")      # a fresh, unchanged model A
seed_everything(SEED)
shared = keras.Sequential([keras.Input(shape=(28, 28))] + model_A.layers[:-1])   # NO clone
shared.add(keras.layers.Dense(1, activation="sigmoid"))
print("same hidden1 object in both models:", shared.get_layer("hidden1") is model_A.get_layer("hidden1"))
for layer in shared.layers[:-1]:
    layer.trainable = False
print("model A's own hidden1 is now trainable:", model_A.get_layer("hidden1").trainable)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Freezing model B froze model A's layers as well. Now train model B as in section 2 (frozen
# epochs at 1e-2, unfreeze, compile again, fine-tuning epochs) and then look at **model A**.
# Every run starts from a fresh model A loaded from disk; two things vary:
#
# - **shared or cloned**: model B built on A's own layers, as above, or on a clone of A with
#   A's weight values (section 2's way);
# - **the fine-tuning learning rate**: the slide's 1e-4, the 1e-2 of the frozen phase (what you
#   get if you forget to lower it) and 1e-1. The rate sets how far each step of B's training
#   moves the reused weights, so it sets how visible the damage to A becomes.
#
# Per run: the largest change |ΔW| of any single weight in each of A's layers; A's accuracy on
# its own 8,000 test images before and after, and on how many of them A's answer changed;
# whether A still has the weights of the file on disk; and model B's test accuracy, to see that
# B itself does fine in every run.

# %% slideshow={"slide_type": "-"}
from tlcourse.models import pretrained_info
from tlcourse.pretrain import weights_sha256

EPOCHS_SHARED = fast_or_full((1, 1), (4, 16))          # (frozen, fine-tuning) epochs
ON_DISK = pretrained_info("fashion_mnist_model_a")["weights_sha256"]


def train_B_then_look_at_A(share, fine_tune_rate):
    # section 2's protocol on a fresh model A, its layers shared or cloned; what became of A
    model_A = load_pretrained("fashion_mnist_model_a")
    before = {layer.name: [w.copy() for w in layer.get_weights()] for layer in model_A.layers}
    answers_before = model_A.predict(X_test_A, verbose=0).argmax(axis=1)
    reused = model_A
    if not share:
        reused = keras.models.clone_model(model_A)
        reused.set_weights(model_A.get_weights())
    seed_everything(SEED)
    model_B = keras.Sequential([keras.Input(shape=(28, 28))] + reused.layers[:-1])
    model_B.add(keras.layers.Dense(1, activation="sigmoid"))
    phases = [(False, EPOCHS_SHARED[0], 1e-2), (True, EPOCHS_SHARED[1], fine_tune_rate)]
    for trainable, epochs, rate in phases:
        for layer in model_B.layers[:-1]:
            layer.trainable = trainable
        model_B.compile(loss="binary_crossentropy", metrics=["accuracy"],
                        optimizer=keras.optimizers.SGD(learning_rate=rate))
        model_B.fit(X_train_B, y_train_B, epochs=epochs, batch_size=32, verbose=0)
    answers_after = model_A.predict(X_test_A, verbose=0).argmax(axis=1)
    after = {layer.name: layer.get_weights() for layer in model_A.layers}
    return {"max |ΔW|": {name: max(np.abs(new - old).max() for old, new in zip(before[name], after[name]))
                         for name in before if before[name]},             # layers with weights
            "A right before": int(np.sum(answers_before == y_test_A)),
            "A right after": int(np.sum(answers_after == y_test_A)),
            "answers changed": int(np.sum(answers_before != answers_after)),
            "A = disk": weights_sha256(model_A) == ON_DISK,
            "B": model_B.evaluate(X_test_B, y_test_B, verbose=0)[1]}


def rate_text(rate):
    return f"{rate:.0e}".replace("e-0", "e-")                  # 0.0001 -> '1e-4'


# %% slideshow={"slide_type": "subslide"}
RUNS = [("shared", 1e-4), ("shared", 1e-2), ("shared", 1e-1), ("clone", 1e-1)]
after_B = {run: train_B_then_look_at_A(run[0] == "shared", run[1]) for run in RUNS}
layers = list(after_B[RUNS[0]]["max |ΔW|"])
print(f"model B trained {EPOCHS_SHARED[0]} frozen + {EPOCHS_SHARED[1]} fine-tuning epochs; then model A:\n")
print(f"{'':<14}{'largest |ΔW| in layer of A':^{8 * len(layers)}}  {'A on task A':^15}")
print(f"{'B on':<8}{'rate':>6}" + "".join(f"{name:>8}" for name in layers)
      + f"  {'before → after':^15}{'answers changed':>17}{'A = disk':>9}{'B test':>8}")
for (kind, rate), r in after_B.items():
    before, after = (r[key] / len(y_test_A) for key in ("A right before", "A right after"))
    print(f"{kind:<8}{rate_text(rate):>6}" + "".join(f"{r['max |ΔW|'][name]:>8.1e}" for name in layers)
          + f"  {before:.2%} → {after:.2%}{r['answers changed']:>8,} of {len(y_test_A):,}"
          + f"{str(r['A = disk']):>9}{r['B']:>8.2%}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The verdict, computed from the table: which of A's layers changed, how A's accuracy moved
# with the fine-tuning rate, and whether the clone kept every weight of A.

# %% slideshow={"slide_type": "-"}
by_rate = {rate: r for (kind, rate), r in after_B.items() if kind == "shared"}
rates = sorted(by_rate)
print("shared: every hidden layer of A changed, at every rate:",
      all(r["max |ΔW|"][name] != 0 for r in by_rate.values() for name in layers if name.startswith("hidden")))
print("shared: A's output layer unchanged (it is not part of B):",
      all(r["max |ΔW|"]["output"] == 0 for r in by_rate.values()))
print(f"shared: A's right answers on its {len(y_test_A):,} test images changed by",
      ", ".join(f"{by_rate[rate]['A right after'] - by_rate[rate]['A right before']:+,} at {rate_text(rate)}"
                for rate in rates))
print("shared: A differs from the file on disk at every rate:", not any(r["A = disk"] for r in by_rate.values()))
print("shared: the higher the rate, the more of A's answers changed:",
      all(by_rate[a]["answers changed"] < by_rate[b]["answers changed"] for a, b in zip(rates, rates[1:])))
print("shared: the higher the rate, the lower A's accuracy afterwards:",
      all(by_rate[a]["A right after"] > by_rate[b]["A right after"] for a, b in zip(rates, rates[1:])))
print(f"clone: every weight of A exactly as loaded, at rate {rate_text(RUNS[-1][1])}:",
      all(change == 0 for change in after_B[RUNS[-1]]["max |ΔW|"].values()))
print(f"model B's test accuracy, lowest of the {len(RUNS)} runs: {min(r['B'] for r in after_B.values()):.2%}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Read the lines above with the table. With shared layers, training model B **is** training
# model A's hidden layers (A's output layer is not part of B, so only it stays as it was): A is no
# longer the model on disk — the "A = disk" column — whatever the rate. The rate decides how
# *visible* that is: compare A's accuracy and the number of its changed answers from 1e-4 to 1e-1
# (the two "the higher the rate" lines say whether both grew with the rate in this run; at a
# gentle rate, A's accuracy can even tick up while its weights are no longer its own), and B's
# lowest test accuracy (whether B itself did fine). The clone is the cure at any rate: its
# variables hold A's *values*, they are not A's variables, so every |ΔW| of A is exactly 0.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 06.1 — Model B on A, the safe way
#
# You have seen what sharing layers does to model A. Now build model B on A yourself, the
# slides' way, from a freshly loaded model A (`model_A = load_pretrained("fashion_mnist_model_a")`):
# a **clone** of model A that has **A's weight values**, all its layers but the output layer, a
# new `Dense(1, activation="sigmoid")` output layer, and every reused layer **frozen**. Do not
# train it. `answer` is the pair `(model_A, model_B_on_A)`: the check makes sure that B starts
# from A's weight values without sharing a single weight variable with A.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: (model_A, model_B_on_A)
check("06.1", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · `trainable` takes effect at `compile()`, not before
#
# Why compile again after (un)freezing? `fit` builds its training step once, with the list of
# trainable weights it saw, and keeps it until the next `compile()`. Measured on a fresh model
# B: compile, fit one epoch, then freeze the reused layers **without** compiling, and fit again.
# `needs_recompile` (from `tlcourse.surgery`) compares the flags with those at the last compile.

# %% slideshow={"slide_type": "-"}
from tlcourse.surgery import needs_recompile

seed_everything(SEED)
demo = build_model_B()
demo.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=1e-2))
demo.fit(X_train_B, y_train_B, epochs=1, batch_size=32, verbose=0)   # builds the training step
for layer in demo.layers[:-1]:
    layer.trainable = False                                          # freeze, no compile
print("needs_recompile:", needs_recompile(demo))
kernel = demo.layers[2].kernel.numpy().copy()                        # first hidden layer
demo.fit(X_train_B, y_train_B, epochs=1, batch_size=32, verbose=0)
print("'frozen' first hidden layer changed during fit:",
      not np.array_equal(kernel, demo.layers[2].kernel.numpy()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The "frozen" layer still trained, and Keras 3 gave no warning. Now compile again (with a new
# optimizer: Keras refuses to reuse one built for another set of trainable weights) and repeat:

# %% slideshow={"slide_type": "-"}
demo.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=1e-2))
print("needs_recompile:", needs_recompile(demo))
kernel = demo.layers[2].kernel.numpy().copy()
demo.fit(X_train_B, y_train_B, epochs=1, batch_size=32, verbose=0)
print("frozen first hidden layer changed during fit:",
      not np.array_equal(kernel, demo.layers[2].kernel.numpy()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# Rule: **every change of `trainable` → `compile()` again**, as the slide does in step ④.
# (Unfreezing without compiling fails the same way, silently: the unfrozen layers stay
# frozen.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · Different input size → a `Resizing` step
#
# Suppose task B's images came from a camera that gives 56 × 56 pixels (here: the test images
# upscaled 2×). Model B on A was built for 28 × 28. `check_input_size` says so before any
# training, and what to do:

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
from tlcourse.surgery import check_input_size

X_test_B_56 = X_test_B.repeat(2, axis=1).repeat(2, axis=2)          # 56x56 images
print("images:", X_test_B_56.shape[1:], "| model B on A expects:", model_B_on_A.input_shape[1:])
try:
    check_input_size(model_B_on_A, X_test_B_56.shape)
except ValueError as error:
    print(error)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The preprocessing step goes **into the model**, so every caller gets it: `Resizing(28, 28)`
# in front of the reused layers. `Resizing` works on images with a channel axis (H, W, C), so
# the input is 56 × 56 × 1 and a `Reshape` drops the axis again. The trained layers are reused
# as they are (shared on purpose: no training here):

# %% slideshow={"slide_type": "-"}
model_B_56 = keras.Sequential([keras.Input(shape=(56, 56, 1)),
                               keras.layers.Resizing(28, 28, name="resize_to_28"),
                               keras.layers.Reshape((28, 28), name="drop_channel_axis"),
                               *model_B_on_A.layers], name="model_B_56")
model_B_56.compile(loss="binary_crossentropy", metrics=["accuracy"])
acc_56 = model_B_56.evaluate(X_test_B_56[..., np.newaxis], y_test_B, verbose=0)[1]
gap = np.abs(model_B_56.predict(X_test_B_56[..., np.newaxis], verbose=0)
             - model_B_on_A.predict(X_test_B, verbose=0)).max()
print(f"56x56 through Resizing: {acc_56:.2%} | 28x28 directly: {acc_B_on_A:.2%}")
print(f"largest difference between their predicted probabilities: {gap:.1e}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Same accuracy, because resizing a 2×-upscaled image back to 28 × 28 restores it. With real
# photos of another size, resizing loses or invents detail, so expect some loss — that is the
# price of reusing a model trained at another resolution.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 06.2 — A Resizing step for any model
#
# Section 5 put a `Resizing` step in front of one model by hand. Make it reusable: write a
# function that takes a model for 28 × 28 images (like `model_B_on_A`) and returns a new model
# that takes **56 × 56 × 1** images, resizes them to 28 × 28 and passes them through the same
# trained layers. `answer` is the function itself, not a model: the check calls it on a small
# model of its own and compares the predictions on 2× upscaled images with the small model's on
# the originals.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: a function: model for 28 x 28 images -> new model for 56 x 56 x 1 images
check("06.2", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · The same steps with the `tlcourse` helpers
#
# Each raw-Keras step above is one call in `tlcourse.surgery`, used by the later notebooks:
#
# | raw Keras (sections 2–4) | helper |
# |---|---|
# | `clone_model` + `set_weights` | `clone_with_weights(model_A)` |
# | `Sequential([Input] + clone.layers[:-1])` | `reuse_layers(model_A)` (clones first, keeps the input) |
# | `for layer in ...: layer.trainable = False` | `freeze(model_B, upto=-1)` |
# | set `trainable = True`, compile with a new optimizer | `unfreeze(model_B)`; `compile_again(model_B, learning_rate=1e-4)` |
# | "did I compile after changing `trainable`?" | `needs_recompile(model_B)` |
# | which layers train, how many parameters | `trainable_report(model_B)` |
#
# `reuse_layers(model_A)` is the lower half of the one cutting function, `cut_model(model_A, -1)`:
# `below, above = cut_model(model, k)` gives the first *k* layers and the rest as two models, with
# `above(below(x)) == model(x)`. Every cut in the course follows its rule: a model can be cut
# where exactly **one** tensor crosses from the layers below to the layers above. A chain like
# model A can be cut anywhere; inside a residual block (MobileNetV2, ResNet: notebooks 07 and 10)
# the skip and the main path both cross, and the cut is refused with the nearest valid depths.

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
from tlcourse.surgery import clone_with_weights, compile_again, freeze, reuse_layers, unfreeze

model_A = load_pretrained("fashion_mnist_model_a")          # unchanged again, from disk
print("model A has its committed weights:",
      weights_sha256(model_A) == pretrained_info("fashion_mnist_model_a")["weights_sha256"])
clone = clone_with_weights(model_A)                         # clone_model + set_weights
print("the clone shares a weight variable with A:",
      any(w is v for w in clone.weights for v in model_A.weights))
model_B = reuse_layers(model_A)                             # a clone, minus the output layer
model_B.add(keras.layers.Dense(1, activation="sigmoid", name="output_B"))
freeze(model_B, upto=-1)                                    # all but the new output layer
print(trainable_report(model_B))


# %% [markdown] slideshow={"slide_type": "subslide"}
# Section 2's protocol with the helpers, as a function of the seed: a new draw of the 200
# training images, a new random output layer, then freeze → compile → fit → unfreeze →
# compile again → fit. The epochs are parameters so that fast mode can shorten them.

# %% slideshow={"slide_type": "-"}
def train_B_on_A(X, y, seed, epochs=(4, 16)):
    # Géron's protocol with the helpers; returns the trained model B on A
    seed_everything(seed)
    model = reuse_layers(model_A)                           # a clone: model A stays as it is
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    freeze(model, upto=-1)
    model.compile(loss="binary_crossentropy", metrics=["accuracy"],
                  optimizer=keras.optimizers.SGD(learning_rate=1e-2))
    model.fit(X, y, epochs=epochs[0], batch_size=32, verbose=0)
    unfreeze(model)
    compile_again(model, learning_rate=1e-4)                # the compile after (un)freezing
    model.fit(X, y, epochs=epochs[1], batch_size=32, verbose=0)
    return model


# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 · One seed is an anecdote: ten seeds
#
# Géron's book reports one run per edition — on our task, sandal vs shirt (2nd edition),
# 97.05 % → 99.40 %, the error rate cut from 2.95 % to 0.60 %; on T-shirt vs pullover (3rd
# edition), 91.85 % → 93.85 %, "an error rate down by almost 25 %" — and then admits the result
# was cherry-picked: he tried many configurations until one showed a strong improvement, and
# other classes or seeds give a smaller gain, none, or a loss.
# So we run the protocol for several seeds and report the **distribution**.
#
# Per seed: a new stratified draw of 200 training images (the same images for every model of
# that seed, so the comparison is **paired**), new random initial weights, new shuffling.
# Three models, all trained for the same 20 epochs, evaluated on the same 2,000 test images:
#
# - **scratch 1e-3** — model B from scratch, the book's recipe (SGD, learning rate 1e-3);
# - **scratch 1e-2** — the same, with the learning rate the new output layer gets in step ③;
# - **transfer** — model B on A, the slides' protocol (4 frozen epochs at 1e-2, 16 at 1e-4).
#
# No validation data during training here: nothing is chosen from it, so it would only cost time.

# %% slideshow={"slide_type": "-"}
SEEDS = list(range(fast_or_full(3, 10)))
EPOCHS = fast_or_full((1, 3), (4, 16))                  # (frozen, fine-tuning); scratch: the sum
print(f"{len(SEEDS)} seeds, {sum(EPOCHS)} epochs per model")

def scratch_accuracy(X, y, seed, learning_rate):
    seed_everything(seed)
    model = build_model_B()
    model.compile(loss="binary_crossentropy", metrics=["accuracy"],
                  optimizer=keras.optimizers.SGD(learning_rate=learning_rate))
    model.fit(X, y, epochs=sum(EPOCHS), batch_size=32, verbose=0)
    return model.evaluate(X_test_B, y_test_B, verbose=0)[1]


# %% slideshow={"slide_type": "subslide"}
import time
from tlcourse.experiments import run_seeds

def experiment(seed):
    X, y = draw_train_B(seed)                           # this seed's 200 images, for all models
    transfer = train_B_on_A(X, y, seed, epochs=EPOCHS)
    return {"scratch 1e-3": scratch_accuracy(X, y, seed, 1e-3),
            "scratch 1e-2": scratch_accuracy(X, y, seed, 1e-2),
            "transfer": transfer.evaluate(X_test_B, y_test_B, verbose=0)[1]}

start = time.perf_counter()
results = run_seeds(experiment, SEEDS)
print(results)
print(f"{3 * len(SEEDS)} models trained in {time.perf_counter() - start:.0f} s")

# %% [markdown] slideshow={"slide_type": "subslide"}
# One point per seed: the baseline's test accuracy on x, transfer's on y. Points **above the
# diagonal** are seeds where transfer won; the cross is the mean.

# %% slideshow={"slide_type": "-"}
import matplotlib.pyplot as plt
from tlcourse.experiments import plot_seed_pairs

fig, axes = plt.subplots(1, 2, figsize=(11, 5.2))
for ax, baseline in zip(axes, ["scratch 1e-3", "scratch 1e-2"]):
    plot_seed_pairs(results, "transfer", baseline, ax=ax,
                    title=f"transfer vs {baseline} (test accuracy)")
fig.suptitle(f"Task B, 200 training images: {len(SEEDS)} seeds, one point each")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The verdict, computed from the numbers
#
# For each baseline: mean ± sd of both models, the mean of the per-seed differences with its
# 95 % confidence interval, and how many seeds transfer won. The sentence is chosen by the
# numbers: "better" only if the whole interval is above zero.

# %% slideshow={"slide_type": "-"}
for baseline in ["scratch 1e-3", "scratch 1e-2"]:
    diff = results.paired_difference("transfer", baseline)
    print(f"{baseline:>13}: {100 * results.mean(baseline):.2f} ± {100 * results.sd(baseline):.2f} %"
          f"   transfer: {100 * results.mean('transfer'):.2f} ± {100 * results.sd('transfer'):.2f} %")
    print(f"{'':>13}  {diff.verdict()}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How to read it
#
# - The **sd across seeds** is the size of the luck in a single run: a one-seed difference
#   smaller than that says nothing.
# - The two verdicts use the *same* transfer runs; only the baseline's learning rate differs.
#   A gain measured against one untuned baseline is a statement about that baseline as much
#   as about transfer — the same trap as picking the best seed.
# - Géron's own conclusion: transfer learning does not work very well with small dense
#   networks (they learn few, very task-specific patterns); it shines with deep CNNs, whose
#   lower layers detect generic features. Notebooks 01–05 measure that on ImageNet networks.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 06.3 — Does reusing A help B with 50 images?
#
# The slide promises that reused layers need **less training data**. Test it where data is
# scarcer than above: **50** task-B training images (`draw_train_B(seed, n=50)`), against the
# baseline that got the learning rate of the new output layer, `scratch_accuracy(X, y, seed, 1e-2)`,
# and model B on A, `train_B_on_A(X, y, seed, epochs=EPOCHS)` (evaluated on `X_test_B`), for the
# seeds `range(fast_or_full(3, 6))` — the same images for both models of a seed, so the results
# pair up. Then read the 95 % interval of the paired differences *transfer − scratch*
# (`run_seeds(...).paired_difference(...)`, as above) and conclude `"transfer better"`,
# `"no clear difference"` or `"transfer worse"`: a side only if the whole interval is on it.
# Before you run it, write down what you expect, and afterwards think about why it came out so
# (how many SGD steps does the protocol take with 50 images?).
#
# `answer = {"transfer": [...], "scratch": [...], "conclusion": ...}` (test accuracies as
# fractions, one per seed, in seed order). Each seed trains two small models (seconds); the check re-runs one
# seed of its own choice.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: {"transfer": [...], "scratch": [...], "conclusion": ...}
check("06.3", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8 · Recap
#
# - Reuse the **lower layers** of a network trained on a similar task: faster training, less
#   data. The inputs must have the size the reused layers expect: resize them in the model
#   (`keras.layers.Resizing`).
# - Géron's recipe in Keras 3: `clone_model` + `set_weights` → `Sequential([keras.Input(...)] +
#   clone.layers[:-1])` + `Dense(1, "sigmoid")` → freeze → compile → fit → unfreeze →
#   **compile again** → fit with a low learning rate. `SGD(learning_rate=...)`, never `lr=`.
# - Without the clone, training model B changes model A. Without a new `compile()`, a change of
#   `trainable` silently does nothing.
# - One run proves little: repeat over seeds, compare **paired** results, report mean ± sd and a
#   verdict the numbers support — and give the baseline a fair chance.
# - Helpers: `clone_with_weights`, `reuse_layers`, `freeze`, `unfreeze`, `compile_again`,
#   `needs_recompile`, `trainable_report` (`tlcourse.surgery`); `run_seeds`,
#   `plot_seed_pairs` (`tlcourse.experiments`).
# - Exercises 06.1 (model B on A, the safe way), 06.2 (a `Resizing` step for any model) and 06.3
#   (does reusing A help B with 50 images? seeds and an interval decide): `check("06.1", answer)`
#   says what is right or wrong; instructors reveal a solution with `solution("06.1")` (from
#   `tlcourse.exercises`).
