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
import tempfile
import time
from pathlib import Path

import tlcourse                      # first: it silences TensorFlow's start-up messages
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from tlcourse import data
from tlcourse.config import FAST, SEED, fast_or_full, seed_everything
from tlcourse.exercises import check
from tlcourse.models import backbone_preprocess, imagenet_backbone
from tlcourse.surgery import trainable_report

SIGN_PER_CLASS = fast_or_full(30, None)    # sign-language photos per digit (None = all ~206)
HEAD_EPOCHS = fast_or_full(8, 30)          # epochs of ②'s head on frozen features
FT_EPOCHS = fast_or_full(1, 4)             # fine-tuning epochs of ③
PETS_PER_CLASS = fast_or_full(30, 200)     # dogs-vs-cats photos per class in the project folder (train + val)
PETS_TEST_PER_CLASS = fast_or_full(20, 100)   # and in the test folder
PETS_EPOCHS = fast_or_full(2, 8)           # at most: the head on the frozen base, with early stopping
PETS_FT_EPOCHS = fast_or_full(1, 3)        # each fine-tuning variant of the last section
print(f"fast mode: {FAST} | signs: head {HEAD_EPOCHS} epochs, fine-tuning {FT_EPOCHS} | dogs vs cats: "
      f"{PETS_PER_CLASS} + {PETS_TEST_PER_CLASS} photos per class, head <= {PETS_EPOCHS} epochs, "
      f"fine-tuning {PETS_FT_EPOCHS}")


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where ③ starts: ②'s model
#
# Fine-tuning does not start from scratch: it starts from **②'s trained model**, the frozen
# MobileNetV2 base with a new head already trained on its features (below: why a random head
# would do harm). Notebook 03 built that model step by step in raw Keras; the next cell rebuilds
# it in one go with the helpers that wrap those calls (`data.load`, `imagenet_backbone`,
# `backbone_preprocess`, `with_new_head`), computes the frozen features once and trains the head
# on them, as 03 did. It defines `signs` (the photos), `base`, `signs_model`, `extractor` and
# `sign_acc_2` (②'s test accuracy).

# %% slideshow={"slide_type": "subslide"}
from tlcourse.surgery import with_new_head

seed_everything(SEED)                                    # the new head's random initial weights
signs = data.load("sign_language_digits", image_size=(96, 96), limit_per_class=SIGN_PER_CLASS)
base = imagenet_backbone("mobilenet_v2", input_shape=(96, 96, 3))   # ImageNet weights, no top
base.trainable = False                                   # ② frozen
photo = keras.Input(shape=(96, 96, 3), name="photo")     # 0..255 photos -> -1..1 -> the base's feature maps
front = keras.Model(photo, base(backbone_preprocess("mobilenet_v2")(photo), training=False), name="imagenet_front")
signs_model = with_new_head(front, num_classes=10, name="new_head")  # pooling "new_head_pool" + Dense(10, softmax)

extractor = keras.Model(signs_model.inputs, signs_model.get_layer("new_head_pool").output)
train_features = extractor.predict(signs.x_train, verbose=0)      # the frozen features, once
head = keras.Sequential([keras.Input(shape=(1280,)), signs_model.get_layer("new_head")])  # same layer object
head.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
             loss="sparse_categorical_crossentropy", metrics=["accuracy"])
head.fit(train_features, signs.y_train, epochs=HEAD_EPOCHS, batch_size=32, verbose=0)

signs_model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                    loss="sparse_categorical_crossentropy", metrics=["accuracy"])
sign_acc_2 = signs_model.evaluate(signs.x_test, signs.y_test, verbose=0)[1]   # whole model, raw photos
print(f"② frozen MobileNetV2 + new head: {sign_acc_2:.2%} on {len(signs.y_test)} unseen photos (chance: 10%)")


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
# The `imagenet_front` row (the preprocessing and the base) now shows part of its parameters as
# trainable: the convolutions of the base's top.
# BN's moving mean and variance never count as trainable, and its scale and offset stay frozen.
# `needs_recompile` reminds us: a change of `trainable` reaches `fit` only through a new
# `compile()` (notebook 06 shows what happens otherwise).
#
# ### Is `training=False` enough for BN?
#
# The model calls the base with `base(x, training=False)` (inside `imagenet_front`), the Keras guide's recipe for keeping
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
start = time.perf_counter()
history_ft = signs_model.fit(signs.x_train, signs.y_train, epochs=FT_EPOCHS, batch_size=32,
                             validation_data=(signs.x_val, signs.y_val), verbose=0)
sign_ft_seconds = time.perf_counter() - start
sign_acc_3 = signs_model.evaluate(signs.x_test, signs.y_test, verbose=0)[1]
print(f"fine-tuned for {FT_EPOCHS} epochs in {sign_ft_seconds:.0f} s; validation accuracy {start_acc:.1%} "
      f"before (where ② ended) -> {history_ft.history['val_accuracy'][-1]:.1%} after")
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
# ## Fine-tuning as you will write it
#
# So far the photos sat in NumPy arrays, and ② trained its head on features computed once. A
# project looks different: a **folder of photos** on disk (one sub-folder per class), random
# **augmentation** to stretch a small data set, and a training run that keeps its **best epoch**
# and saves it. Keras has a tool for each. This section writes the recipe of the Keras guide
# *Transfer learning & fine-tuning* on the lecture's own example, dogs vs cats:
#
# 1. `keras.utils.image_dataset_from_directory`: a `tf.data` input pipeline straight from the folder;
# 2. augmentation layers inside the model, so that they act in every epoch of `fit`;
# 3. `ModelCheckpoint` and `EarlyStopping`, to keep the best epoch;
# 4. fine-tuning the top vs the **whole base** at a very low rate;
# 5. a lower learning rate for the base than for the head (**discriminative learning rates**).
#
# ### A photo folder and a `tf.data` pipeline
#
# The course's copy of dogs vs cats has 1,000 photos per class in `train/` and in `test/`. To keep
# this section to a few minutes, `data.sample_image_folder` makes a project-sized folder: links to
# a seeded subset of each class's photos, in sub-folders named by class, the layout
# `image_dataset_from_directory` reads (your own project's folder goes straight into it). It reads
# the files' names, labels them by sub-folder, and splits them into training and validation with
# `validation_split` and `subset="both"` (one seed for both parts: that is what keeps them apart).
# The test photos come from the data set's separate `test/` folder.

# %% slideshow={"slide_type": "subslide"}
work = Path(tempfile.mkdtemp(prefix="tlcourse_04_"))    # the project folders and the checkpoints
pets_folder = data.sample_image_folder("cats_vs_dogs", "train", per_class=PETS_PER_CLASS,
                                       destination=work / "pets")
pets_test_folder = data.sample_image_folder("cats_vs_dogs", "test", per_class=PETS_TEST_PER_CLASS,
                                            destination=work / "pets_test")
print("sub-folders:", sorted(p.name for p in pets_folder.iterdir()))

IMAGE_SIZE = (96, 96)
train_ds, val_ds = keras.utils.image_dataset_from_directory(
    pets_folder, image_size=IMAGE_SIZE, label_mode="binary", batch_size=None,   # one photo at a time
    validation_split=0.2, subset="both", seed=SEED)
test_ds = keras.utils.image_dataset_from_directory(
    pets_test_folder, image_size=IMAGE_SIZE, label_mode="binary", batch_size=None, shuffle=False)
class_names = train_ds.class_names                       # from the sub-folders, in sorted order
train_ds = train_ds.cache().shuffle(1000, seed=SEED).batch(32).prefetch(tf.data.AUTOTUNE)
val_ds = val_ds.cache().batch(32).prefetch(tf.data.AUTOTUNE)
test_ds = test_ds.cache().batch(32).prefetch(tf.data.AUTOTUNE)

images, labels = next(iter(train_ds))
print("classes:", class_names, "| one batch:", tuple(images.shape), images.dtype.name,
      f"values {float(tf.reduce_min(images)):.0f}..{float(tf.reduce_max(images)):.0f}, labels", tuple(labels.shape))

# %% [markdown] slideshow={"slide_type": "subslide"}
# What each step of the pipeline does:
# - `batch_size=None` gives single photos, so that the next steps can act on photos, not batches;
# - `.cache()` keeps the decoded photos in memory after the first epoch: the JPEGs are read and
#   resized once, not in every epoch;
# - `.shuffle(1000, seed=SEED)` draws a new order of the photos in every epoch (after the cache,
#   or the cache would freeze the first epoch's order);
# - `.batch(32)` groups them, and `.prefetch(tf.data.AUTOTUNE)` prepares the next batch while the
#   model trains on this one.
#
# `model.fit(train_ds, validation_data=val_ds)` takes these datasets as they are. The course's
# other notebooks load arrays with `data.load` instead (a stratified three-way split, leak checks,
# photos you can index and plot) and turn them into such a pipeline with `data.as_dataset`
# (notebook 12); for your own folder, `image_dataset_from_directory` is the call.
#
# ### Augmentation belongs inside the training loop
#
# Random flips, rotations and zooms make each epoch see slightly different photos, so a small data
# set goes further. They must draw **new** random changes in every epoch: so they run inside `fit`,
# here as the model's first layers. These layers only act when the model is called with
# `training=True`, as `fit` does; `evaluate` and `predict` see the photos unchanged. An augmented
# copy made once before training is just a fixed, larger data set, and if it is made before the
# split, copies of one photo land in training and in test: notebook 09 measures how much that
# leak inflates the score. Six calls of the augmentation on one training photo:

# %% slideshow={"slide_type": "subslide"}
augment = keras.Sequential([keras.layers.RandomFlip("horizontal"),
                            keras.layers.RandomRotation(0.1),      # up to +-10 % of a full turn
                            keras.layers.RandomZoom(0.1)], name="augment")

seed_everything(SEED)
fig, axes = plt.subplots(1, 7, figsize=(13, 2.4))
axes[0].imshow(images[0].numpy().astype("uint8"))
axes[0].set_title("as loaded")
for ax in axes[1:]:
    ax.imshow(keras.ops.convert_to_numpy(augment(images[:1], training=True))[0].clip(0, 255).astype("uint8"))
    ax.set_title("augmented")
for ax in axes:
    ax.set_xticks([]), ax.set_yticks([])
fig.suptitle(f"One training photo ({class_names[int(labels[0, 0])]}), and six random augmentations of it")
fig.supxlabel("each call of augment(..., training=True) draws new random changes")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The model: augmentation, preprocessing, frozen base, new head
#
# Section ② in raw Keras, with the augmentation in front. Pooling, dropout and a one-unit sigmoid
# head is what `with_new_head(base, num_classes=2, dropout=0.2)` builds.

# %% slideshow={"slide_type": "-"}
seed_everything(SEED)
pets_base = imagenet_backbone("mobilenet_v2", input_shape=(*IMAGE_SIZE, 3))
pets_base.trainable = False                              # ② first: train the head on the frozen base

inputs = keras.Input(shape=(*IMAGE_SIZE, 3), name="photo")
x = augment(inputs)                                      # random changes, only when training
x = backbone_preprocess("mobilenet_v2")(x)               # 0..255 -> -1..1
x = pets_base(x, training=False)                         # BatchNormalization in inference mode
x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
x = keras.layers.Dropout(0.2, name="dropout")(x)
outputs = keras.layers.Dense(1, activation="sigmoid", name="new_head")(x)   # P(dog)
pets_model = keras.Model(inputs, outputs, name="pets_model")
print(trainable_report(pets_model).totals)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Keep the best epoch: `ModelCheckpoint` and `EarlyStopping`
#
# Validation accuracy does not rise in every epoch: past some point the model fits the training
# photos' details and gets worse on new ones. Two callbacks watch it after every epoch:
# - `ModelCheckpoint(..., monitor="val_accuracy", mode="max", save_best_only=True)` writes the
#   weights to a file whenever the validation accuracy beats its best so far: the file always holds
#   the best epoch, even if the run crashes later;
# - `EarlyStopping(..., patience=2, restore_best_weights=True)` stops the run after 2 epochs without
#   improvement and puts the best epoch's weights back into the model.
#
# Both watch the **validation** accuracy, never the training accuracy (which keeps rising as the
# model overfits) and never the test photos (which must not choose anything). `mode="max"` says
# that higher is better; for `val_loss` it would be `"min"`.

# %% slideshow={"slide_type": "subslide"}
checkpoint_path = work / "best_head.weights.h5"           # .weights.h5: the weights only
checkpoint = keras.callbacks.ModelCheckpoint(str(checkpoint_path), monitor="val_accuracy", mode="max",
                                             save_best_only=True, save_weights_only=True)
stopper = keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=2,
                                        restore_best_weights=True)
pets_model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                   loss="binary_crossentropy", metrics=["accuracy"])
start = time.perf_counter()
history_pets = pets_model.fit(train_ds, validation_data=val_ds, epochs=PETS_EPOCHS,
                              callbacks=[checkpoint, stopper], shuffle=False, verbose=0)   # train_ds shuffles itself
pets_head_seconds = time.perf_counter() - start

val_acc = history_pets.history["val_accuracy"]
best = int(np.argmax(val_acc))                           # the first epoch with the highest value
print(f"ran {len(val_acc)} of at most {PETS_EPOCHS} epochs in {pets_head_seconds:.0f} s; "
      "validation accuracy per epoch: " + ", ".join(f"{a:.1%}" for a in val_acc))
print(f"best epoch: {best + 1} (EarlyStopping says {stopper.best_epoch + 1}); "
      f"stopped early: {len(val_acc) < PETS_EPOCHS}")
now = pets_model.evaluate(val_ds, verbose=0, return_dict=True)["accuracy"]
print(f"the model after fit: validation accuracy {now:.1%}, epoch {best + 1}'s was {val_acc[best]:.1%}")
restored = pets_model.get_weights()
pets_model.load_weights(checkpoint_path)
print("the checkpoint file holds the same weights as the restored model:",
      all(np.array_equal(a, b) for a, b in zip(restored, pets_model.get_weights())))

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(8, 3.6))
epochs = np.arange(1, len(val_acc) + 1)
ax.plot(epochs, history_pets.history["accuracy"], "o-", label="training (augmented photos)")
ax.plot(epochs, val_acc, "o-", label="validation")
ax.axvline(best + 1, color="0.5", ls="--", label=f"kept: epoch {best + 1}")
ax.set_xlabel("epoch")
ax.set_ylabel("accuracy")
ax.set_title("Dogs vs cats, new head on the frozen base: the epoch the callbacks kept")
ax.set_xticks(epochs)
ax.grid(alpha=0.3)
ax.legend()
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The top only, or the whole base at a very low rate?
#
# ③ above unfroze the top of the base (from `block_13_expand`) at 1e-4. The Keras guide fine-tunes
# the **whole** base instead, every layer but BatchNormalization, at a rate ten times lower, 1e-5:
# every layer may move, none far. Both start from the head just kept (the checkpoint), train on
# the same batches in the same order (same seed), and are measured on the test photos, which
# neither saw. `set_freeze_depth(base, k)` (section ③) sets the flags: `k = 0` unfreezes everything.

# %% slideshow={"slide_type": "-"}
from tlcourse.surgery import set_freeze_depth

head_start = pets_model.get_weights()                    # the kept epoch: every variant starts here
head_only = {"trainable": trainable_report(pets_model).totals["trainable"], "seconds": pets_head_seconds,
             "test accuracy": pets_model.evaluate(test_ds, verbose=0, return_dict=True)["accuracy"]}
first_top = [layer.name for layer in pets_base.layers].index("block_13_expand")

def fine_tune(first_trainable, learning_rate):
    # from head_start, unfreeze pets_base from layer `first_trainable` on (BN frozen), fit, test
    pets_model.set_weights(head_start)
    set_freeze_depth(pets_base, first_trainable)
    pets_model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                       loss="binary_crossentropy", metrics=["accuracy"])   # after changing trainable
    seed_everything(SEED)
    start = time.perf_counter()
    pets_model.fit(train_ds, validation_data=val_ds, epochs=PETS_FT_EPOCHS, shuffle=False, verbose=0)
    seconds = time.perf_counter() - start
    return {"trainable": trainable_report(pets_model).totals["trainable"], "seconds": seconds,
            "test accuracy": pets_model.evaluate(test_ds, verbose=0, return_dict=True)["accuracy"]}

pets_results = {"head only (the checkpoint)": head_only,
                "top only, 1e-4": fine_tune(first_top, 1e-4),
                "whole base, 1e-5": fine_tune(0, 1e-5)}
n_test = 2 * PETS_TEST_PER_CLASS
for name, r in pets_results.items():
    print(f"{name:<28} {r['trainable']:>9,} trainable parameters | {r['seconds']:4.0f} s | "
          f"test accuracy {r['test accuracy']:.1%} ({round(r['test accuracy'] * n_test)}/{n_test})")
gap = pets_results["whole base, 1e-5"]["test accuracy"] - pets_results["top only, 1e-4"]["test accuracy"]
print(f"whole base - top only: {100 * gap:+.1f} points = {round(gap * n_test):+d} of {n_test} test photos "
      "(one seed, one run)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The whole base trains more parameters than the top only, and its epochs cost more (the seconds
# above, on this machine): the backward pass runs through every layer. On a few hundred photos,
# whether that pays is an empirical question, and one seed does not answer it.
#
# ### A lower rate for the base than for the head
#
# The head is new and far from its best weights; the base's weights are close to theirs.
# **Discriminative learning rates** give each part its own step size in one run, e.g. 1e-5 for
# the base and 1e-3 for the head. A Keras 3 optimizer applies one learning rate to all the
# variables it updates, and `compile` takes one optimizer. What works from Keras 3.3 to today:
# two optimizers, and a `train_step` that hands each its share of the gradients. `fit`, the
# callbacks and the metrics stay as they are; only the step changes (the Keras guide
# *Customizing what happens in `fit()` with TensorFlow*).

# %% slideshow={"slide_type": "subslide"}
class TwoRates(keras.Model):
    """`model` trained by fit() with two optimizers: `base_optimizer` for the weights of `base`,
    the compiled optimizer for every other trainable weight (the head)."""

    def __init__(self, model, base, base_optimizer):
        super().__init__(name=f"{model.name}_two_rates")
        self.net, self.base, self.base_optimizer = model, base, base_optimizer

    def call(self, x, training=False):
        return self.net(x, training=training)

    def train_step(self, data):
        x, y = data
        in_base = {id(v) for v in self.base.trainable_variables}
        base_vars = [v for v in self.trainable_variables if id(v) in in_base]
        head_vars = [v for v in self.trainable_variables if id(v) not in in_base]
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
        gradients = tape.gradient(loss, base_vars + head_vars)
        self.base_optimizer.apply(gradients[:len(base_vars)], base_vars)   # the base's (low) rate
        self.optimizer.apply(gradients[len(base_vars):], head_vars)        # the compiled (head's) rate
        for metric in self.metrics:                      # the loss and the compiled metrics, as fit shows them
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

# %% slideshow={"slide_type": "subslide"}
pets_model.set_weights(head_start)
set_freeze_depth(pets_base, 0)                           # the whole base, BN frozen
two_rates = TwoRates(pets_model, pets_base, base_optimizer=keras.optimizers.Adam(learning_rate=1e-5))
two_rates.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),   # the head's rate
                  loss="binary_crossentropy", metrics=["accuracy"])
watched = {"base (Conv_1)": pets_base.get_layer("Conv_1").kernel, "head": pets_model.get_layer("new_head").kernel}
before = {name: v.numpy().copy() for name, v in watched.items()}
seed_everything(SEED)
start = time.perf_counter()
two_rates.fit(train_ds, validation_data=val_ds, epochs=PETS_FT_EPOCHS, shuffle=False, verbose=0)
pets_results["whole base 1e-5, head 1e-3"] = {
    "trainable": trainable_report(pets_model).totals["trainable"], "seconds": time.perf_counter() - start,
    "test accuracy": two_rates.evaluate(test_ds, verbose=0, return_dict=True)["accuracy"]}
steps = {name: float(np.mean(np.abs(v.numpy() - before[name]))) for name, v in watched.items()}
print("mean |change| of a weight: " + ", ".join(f"{name} {step:.1e}" for name, step in steps.items())
      + f" -> the head moved {steps['head'] / steps['base (Conv_1)']:.0f}x as far")
for name, r in pets_results.items():
    print(f"{name:<28} test accuracy {r['test accuracy']:.1%} | {r['seconds']:4.0f} s")

# %% [markdown] slideshow={"slide_type": "subslide"}
# An Adam step is at most about as large as its learning rate, so the ratio of the two mean
# changes shows the two rates at work (it need not be 100: how far Adam's steps go also depends
# on how steady each weight's gradients are). The same `TwoRates` takes any split: three optimizers for bottom, top and head,
# or the top-only flags of ③ with a low rate for the top. `model.fit`'s other features come
# along unchanged, so `ModelCheckpoint` and `EarlyStopping` work with it as above (save weights
# only, `.weights.h5`: a subclassed model has no config to save with `.keras`).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 04.2 — Callbacks that keep the best epoch
#
# A classmate's run kept the wrong model: their callbacks watched the training accuracy, and the
# checkpoint was overwritten after every epoch. Write a function `keep_best(path)` that returns the
# list of callbacks for `fit` such that, after training:
# - the file `path` (it ends in `.weights.h5`) holds the weights of the epoch with the **highest
#   validation accuracy**;
# - the model in memory has those weights too;
# - training stops once the validation accuracy has not improved for **2** epochs.
#
# The check runs your callbacks on a scripted training run whose validation accuracy, validation
# loss and training accuracy peak at different epochs.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: def keep_best(path): return [...]; answer = keep_best
check("04.2", answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 04.3 — Does keeping the best validation epoch pay on the test photos? (experiment)
#
# `ModelCheckpoint` keeps the epoch with the highest **validation** accuracy. With a few dozen
# validation photos that choice is itself noisy: does the kept epoch really do better on new photos
# than simply the last one? Measure it over the seeds `range(n)`, n = `fast_or_full(3, 5)`, on the
# sign photos of section ②. Compute the frozen features of `signs.x_train`, `x_val` and `x_test`
# once with `extractor` (section "Where ③ starts" defines it). For each seed:
# 1. `seed_everything(seed)`, then a new head `keras.Sequential([keras.Input(shape=(1280,)),
#    keras.layers.Dense(10, activation="softmax")])`, Adam at 1e-3, sparse categorical cross-entropy;
# 2. fit it `fast_or_full(10, 40)` epochs, batch 32, on the training features, with the validation
#    features as `validation_data` and a `ModelCheckpoint` (a new `.weights.h5` file per seed) on
#    `val_accuracy`, `mode="max"`, `save_best_only=True`, `save_weights_only=True`;
# 3. the test accuracy of the head as it is after the last epoch: **"last epoch"**; then
#    `load_weights` of the checkpoint and the test accuracy again: **"best epoch"**.
#
# `results = run_seeds(experiment, range(n))` (from `tlcourse.experiments`), `experiment(seed)`
# returning `{"best epoch": ..., "last epoch": ...}`. Conclude from
# `results.paired_difference("best epoch", "last epoch").ci95`: (a) the kept epoch does better on
# the test photos, (b) the last epoch does better, (c) no clear difference. `answer = (results, "a")`,
# or "b" or "c".

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: (results of run_seeds, "a", "b" or "c")
check("04.3", answer)

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
# - **As you will write it**: `keras.utils.image_dataset_from_directory` on a folder of class
#   sub-folders, `.cache()`, `.shuffle()`, `.batch()`, `.prefetch()`; augmentation layers inside the
#   model (new random changes in every epoch of `fit`, none in `evaluate`); `ModelCheckpoint` and
#   `EarlyStopping(restore_best_weights=True)` on the **validation** accuracy; the whole base at a very
#   low rate (1e-5) vs the top only; discriminative rates with two optimizers in a `train_step`.
#   `data.sample_image_folder` makes a project-sized folder of a course data set.
# - Exercises 04.1 (fine-tune block 16 only), 04.2 (callbacks that keep the best epoch) and 04.3
#   (does the kept epoch pay on the test photos? over seeds): `check("04.1", answer)` says what is right or wrong;
#   instructors reveal a solution with `solution("04.1")` (from `tlcourse.exercises`).
#
# Next: notebook 05 puts ①, ② and ③ side by side, over several seeds.
