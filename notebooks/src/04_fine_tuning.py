# %% [markdown] slideshow={"slide_type": "slide"}
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tlcourse/tlcourse/blob/main/notebooks/04_fine_tuning.ipynb)
#
# # 04 · Fine-tuning
#
# **What you will learn**
# - lecture 6-3's third way, **fine-tuning**: unfreeze the top layers of a pretrained base and
#   retrain them with the new head at a **low** learning rate, starting from ②'s trained head;
# - what *frozen* and *unfrozen* mean in code (one of the lecture texts swaps them), and why
#   BatchNormalization layers stay frozen when you fine-tune (measured on your Keras);
# - the raw Keras loop first (`layer.trainable`, `compile`, `fit`), then the helpers;
# - fine-tuning as you will write it in a project: an input pipeline with augmentation inside
#   `fit`, checkpoints and early stopping, the whole base at a very low rate, and a lower rate
#   for the base than for the head.
#
# Lecture: [6-3 Three ways to transfer](../README.md#lecture-6-3-three-ways-to-transfer)
# (chapter 6, and the companion text on feature extraction vs fine-tuning in CNNs).


# %% slideshow={"slide_type": "skip"}
# Colab only: install the course from its repository (does nothing elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "tlcourse @ git+https://github.com/tlcourse/tlcourse"], check=True)
# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Set-up
#
# Fast mode (`TLCOURSE_FAST=1`, used by the tests) runs the same cells with fewer photos and
# epochs; the stored outputs come from a full run. Every run is seeded, so it gives the same
# numbers twice.

# %% slideshow={"slide_type": "-"}
import time

import tlcourse                      # first: it silences TensorFlow's start-up messages
import keras
import matplotlib.pyplot as plt
import numpy as np
from tlcourse import data
from tlcourse.config import FAST, SEED, fast_or_full, seed_everything
from tlcourse.exercises import check
from tlcourse.models import backbone_preprocess, imagenet_backbone, load_pretrained, pretrained_info
from tlcourse.surgery import trainable_report

SIGN_PER_CLASS = fast_or_full(30, None)    # sign-language photos per digit (None = all ~206)
PETS_PER_CLASS = fast_or_full(60, 250)     # dogs-vs-cats photos per class, for training and for test
HEAD_EPOCHS = fast_or_full(8, 30)          # epochs of the new head on frozen features
FT_EPOCHS = fast_or_full(1, 4)             # fine-tuning epochs
SCRATCH_EPOCHS = fast_or_full(2, 10)       # epochs of the from-scratch baseline
SEEDS = fast_or_full([SEED, SEED + 1], [SEED, SEED + 1, SEED + 2])
print(f"fast mode: {FAST} | head {HEAD_EPOCHS} epochs, fine-tuning {FT_EPOCHS}, "
      f"scratch {SCRATCH_EPOCHS} | seeds {SEEDS}")


# %% [markdown] slideshow={"slide_type": "slide"}
# ## ③ Fine-tuning
#
# Lecture 6-3: when the target is far from the source, **freeze part** of the feature
# extractor (the lower layers: generic edges and textures) and **retrain the rest** (the top
# layers: ImageNet-specific high-level features) together with the new head. The high-level
# features are *fine-tuned* to the new task.
#
# Two rules from the lecture and the companion text:
# - start from a **trained head**: here the head of ②. A random head makes large errors whose
#   large gradients would wreck the pretrained top layers in the first steps;
# - use a **low learning rate**: the pretrained weights already sit near a minimum of the error;
#   a large step would jump away from it (notebook 07 measures what a high rate does).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Frozen vs unfrozen: which is `trainable = True`?
#
# The companion text writes: "layers used as they are are *Frozen* (`trainable = True`), layers to
# change are *Unfrozen* (`trainable = False`)". The terms are right, the flags are **swapped**:
#
# - **frozen** = kept as it is = not updated by `fit` = **`trainable = False`**;
# - **unfrozen** = retrained = updated by `fit` = **`trainable = True`**.
#
# Its example, in code: layers A > B > C > D > E, reuse A, B, C as they are and retrain D, E.

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
toy = keras.Sequential([keras.Input(shape=(8,))] +
                       [keras.layers.Dense(8, activation="relu", name=n) for n in "ABCD"] +
                       [keras.layers.Dense(2, activation="softmax", name="E")], name="A_to_E")
for layer in toy.layers:
    layer.trainable = layer.name in ("D", "E")           # A, B, C frozen; D, E unfrozen
print(trainable_report(toy))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The "no" rows (grey in the HTML table) are the frozen ones: their parameters do not count as
# trainable, and `fit` leaves them alone.
#
# ### BatchNormalization stays frozen, even in the unfrozen part
#
# MobileNetV2 has a BatchNormalization (BN) layer after every convolution. In training mode a
# BN layer normalises with the statistics of the **current batch** and updates its stored
# mean and variance. Those statistics were learned on ImageNet's millions of images; a few
# batches of 32 hand photos would overwrite them, and the pretrained features would shift
# under the new head. So BN layers stay **frozen** (`trainable = False`), which in Keras 3 makes
# them run in **inference mode**: stored statistics, no updates.
#
# ### Unfreeze the top of the base: the raw Keras loop
#
# Which layers? The top of MobileNetV2: its last stage, blocks 13 to 16 and the final 1 × 1
# convolution, from layer `block_13_expand` to the end (the layers that work on the smallest,
# most abstract 3 × 3 feature maps). Everything below stays frozen, and so does every BN layer:

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
from tlcourse.surgery import needs_recompile

N_TOP = len(base.layers) - [layer.name for layer in base.layers].index("block_13_expand")
print(f"MobileNetV2 has {len(base.layers)} layers; unfreezing the top {N_TOP}")

base.trainable = True                    # lift the freeze of the base as a whole ...
for layer in base.layers:
    layer.trainable = False              # ... keep every layer frozen ...
for layer in base.layers[-N_TOP:]:       # ... then unfreeze the top N_TOP layers, except BN
    layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)

print(trainable_report(signs_model))
print("needs a new compile():", needs_recompile(signs_model))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The base row now shows part of its parameters as trainable: the convolutions of its top.
# BN's moving mean and variance never count as trainable, and its scale and offset stay frozen.
# `needs_recompile` reminds us: a change of `trainable` reaches `fit` only through a new
# `compile()` (notebook 06 shows what happens otherwise).
#
# ### Is `training=False` enough for BN?
#
# The model calls the base with `base(x, training=False)`, the Keras guide's recipe for keeping
# BN in inference mode. But `fit` calls the whole model with `training=True`, and which of the
# two wins for a *trainable* BN layer has changed between Keras versions: up to Keras 3.15 the
# outer `training=True` won (keras-team/keras#20285), the Keras 3.16 development builds let the
# `training=False` written into the model win (keras-team/keras#23364). So do not take a course's
# word for it: measure it on your Keras. On the top BN layer, do on one batch what `fit` does,
# once with the layer trainable and once frozen, and see whether its stored statistics move
# (they are restored right after, so the model keeps ImageNet's):

# %% slideshow={"slide_type": "-"}
bn = base.get_layer("Conv_1_bn")                         # the last BN layer of MobileNetV2
batch = signs.x_train[:32]

def bn_statistics_change(trainable):
    # call the model the way fit does (training=True); do BN's stored statistics move?
    saved = [w.numpy().copy() for w in bn.weights]
    bn.trainable = trainable
    signs_model(batch, training=True)
    changed = not all(np.array_equal(s, w.numpy()) for s, w in zip(saved, bn.weights))
    for w, s in zip(bn.weights, saved):
        w.assign(s)                                      # undo: keep ImageNet's statistics
    bn.trainable = False                                 # and keep the layer frozen
    return changed

moved_trainable, moved_frozen = bn_statistics_change(True), bn_statistics_change(False)
print(f"on your Keras {keras.__version__}:")
print("  base(x, training=False), BN trainable=True  -> statistics change:", moved_trainable)
print("  base(x, training=False), BN trainable=False -> statistics change:", moved_frozen)
print("so here, fit's training=True", "OVERRIDES" if moved_trainable else "does not override",
      "the training=False written into the model, and the frozen flag",
      "does not keep" if moved_frozen else "keeps", "BN in inference mode")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The flag keeps BN in inference mode on every Keras the course is tested on; the `training=False`
# argument does on some versions only. So the recipe that works everywhere is **both**: BN frozen
# with `bn.trainable = False` *and* the base called with `base(x, training=False)`, as this
# notebook does. `tlcourse.surgery.outer_training_wins()` runs the same measurement on a tiny model
# in one line (the course's tests check that `fit` agrees with it):

# %% slideshow={"slide_type": "-"}
from tlcourse.surgery import outer_training_wins

print("outer_training_wins():", outer_training_wins(), "| measured on signs_model above:", moved_trainable)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The unfreeze loop in one line, with the helper `set_freeze_depth(base, k)`: freeze the first
# `k` layers, unfreeze the rest, BN kept frozen by default (`keep_batchnorm_frozen=True`). On a
# fresh model built with `with_new_head`:

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
from tlcourse.surgery import freeze, set_freeze_depth, with_new_head

helper_base = imagenet_backbone("mobilenet_v2", input_shape=(96, 96, 3))
helper_model = with_new_head(freeze(helper_base), num_classes=10, name="new_head")  # ② in one line
set_freeze_depth(helper_base, len(helper_base.layers) - N_TOP)                      # ③ in one line
print("helper:", trainable_report(helper_model).totals)
print("raw:   ", trainable_report(signs_model).totals)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Compile with a low learning rate, fine-tune
#
# Adam at 1e-4, ten times lower than the head's 1e-3. Before training, evaluate on the
# validation photos: that is where fine-tuning **starts**, the end point of ②.

# %% slideshow={"slide_type": "-"}
signs_model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-4),   # LOW learning rate
                    loss="sparse_categorical_crossentropy", metrics=["accuracy"])
from tlcourse.surgery import current_learning_rate   # reads the rate the same way on every Keras

print("needs a new compile():", needs_recompile(signs_model), "| learning rate:", current_learning_rate(signs_model))
start_loss, start_acc = signs_model.evaluate(signs.x_val, signs.y_val, verbose=0)

kernel_before = base.get_layer("Conv_1").kernel.numpy().copy()
ft_clock = []                                            # the time at the end of every epoch (for a plot below)
start = time.perf_counter()
history_ft = signs_model.fit(signs.x_train, signs.y_train, epochs=FT_EPOCHS, batch_size=32,
                             validation_data=(signs.x_val, signs.y_val), verbose=0,
                             callbacks=[keras.callbacks.LambdaCallback(
                                 on_epoch_end=lambda epoch, logs: ft_clock.append(time.perf_counter()))])
sign_ft_seconds = time.perf_counter() - start
ft_epoch_seconds = [t - start for t in ft_clock]        # seconds since fine-tuning began, per epoch
sign_acc_3 = signs_model.evaluate(signs.x_test, signs.y_test, verbose=0)[1]
print(f"fine-tuned for {FT_EPOCHS} epochs in {sign_ft_seconds:.0f} s")
print(f"② frozen features + head: {sign_acc_2:.2%} -> ③ fine-tuned: {sign_acc_3:.2%} test accuracy")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Did the fine-tuning do what we asked? The unfrozen convolution changed, and the BN layer's
# ImageNet statistics are still exactly those of the weight file:

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
fresh = imagenet_backbone("mobilenet_v2", input_shape=(96, 96, 3))     # the weight file, untouched
print("unfrozen Conv_1 kernel changed:      ",
      not np.array_equal(kernel_before, base.get_layer("Conv_1").kernel.numpy()))
print("frozen block_1 conv kernel unchanged:",
      np.array_equal(fresh.get_layer("block_1_expand").kernel.numpy(),
                     base.get_layer("block_1_expand").kernel.numpy()))
print("BN Conv_1_bn statistics unchanged:   ",
      all(np.array_equal(a.numpy(), b.numpy())
          for a, b in zip(fresh.get_layer("Conv_1_bn").weights, bn.weights)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 04.1 — Fine-tune less: only the last block
#
# The fewer layers you unfreeze, the fewer parameters a few hundred photos have to move. Take a
# fresh base, `base = imagenet_backbone("mobilenet_v2", input_shape=(96, 96, 3))`, and set its
# `trainable` flags so that **only block 16 and the final `Conv_1`** would be fine-tuned — every
# layer from `block_16_expand` to the end — with every BatchNormalization layer kept frozen and
# everything below `block_16_expand` frozen. Write the raw loop first, then compare with
# `set_freeze_depth`; `trainable_report(base)` shows the result. `answer` is the base (or a model
# built on it, such as `with_new_head(base, num_classes=10)`).

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: the MobileNetV2 base with its trainable flags set
check("04.1", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
#
# - **③ fine-tuning**: start from ②'s trained head, unfreeze the top layers
#   (`trainable = True`), keep BatchNormalization frozen (`training=False` alone protects it during
#   `fit` on some Keras versions only: measured above on yours), compile again with a **low**
#   learning rate, fit.
# - **Frozen** = kept as is = `trainable = False`; **unfrozen** = retrained = `trainable = True`
#   (one lecture text swaps the flags).
# - Helpers: `with_new_head`, `freeze`, `set_freeze_depth` / `unfreeze`, `compile_again`,
#   `needs_recompile`, `trainable_report`, `outer_training_wins`, `current_learning_rate`
#   (`tlcourse.surgery`).
# - Exercises 04.1, 04.2 and 04.3: `check("04.1", answer)` says what is right or wrong; instructors
#   reveal a solution with `solution("04.1")` (from `tlcourse.exercises`).
#
# Next: notebook 05 puts ①, ② and ③ side by side, over several seeds.
