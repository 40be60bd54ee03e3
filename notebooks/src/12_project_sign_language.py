# %% [markdown] slideshow={"slide_type": "slide"}
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tlcourse/tlcourse/blob/main/notebooks/12_project_sign_language.ipynb)
#
# # 12 · Project: sign-language digits, end to end
#
# **What you will learn**
# - the whole transfer-learning pipeline of Elgendy's chapter 6 project, on real photos:
#   stratified split, augmentation, ImageNet backbone, **feature extraction first**, then
#   **fine-tuning** the top of the backbone with a low learning rate;
# - why a test set of 50 photos cannot support "98 % accuracy", and how many photos can;
# - how to fine-tune on a CPU in minutes: what is frozen never changes, so compute it once —
#   augmented photos included;
# - how to read what the model gets wrong: learning curves, confusion matrix, the
#   misclassified photos;
# - how to save and reload the model and **check** that the reloaded model predicts the same,
#   with the same layers frozen.
#
# Lecture: [6-3 Three ways to transfer](../README.md#lecture-6-3-three-ways-to-transfer) —
# the project at the end of Elgendy, *Deep Learning for Vision Systems*, chapter 6, which
# the lecture follows.

# %% slideshow={"slide_type": "skip"}
# Colab only: install the course from its repository (does nothing elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "tlcourse @ git+https://github.com/tlcourse/tlcourse"], check=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The project: the book's recipe, on a CPU
#
# Elgendy's project classifies photos of hands showing the digits 0–9 in sign language. His
# recipe, and what this notebook changes:
#
# | step | the book | here |
# |---|---|---|
# | data | Sign Language Digits, 2,062 photos | the same photos |
# | split | train / validation / **50 test photos** | stratified, **≥ 300 test photos** (15 %) |
# | backbone | VGG16, ImageNet weights, 224 × 224 | MobileNetV2, ImageNet weights, 128 × 128 |
# | phase 1 | feature extraction: frozen base + new classifier | the same |
# | phase 2 | fine-tune the top block, low learning rate | fine-tune the top blocks, Adam 1e-4, BatchNorm frozen |
# | hardware | GPU | 2 CPU cores, a few minutes (timed below) |
# | reported | 98 % test accuracy | measured below, over several seeds |
#
# Why MobileNetV2? VGG16 needs about 15 billion multiply-adds per 224-pixel photo,
# MobileNetV2 about 0.3 billion: on a CPU that is the difference between hours and minutes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Set-up
#
# Fast mode (`TLCOURSE_FAST=1`, used by the tests) runs the same cells on fewer photos, with
# fewer augmented copies, epochs and seeds; the stored outputs come from a full run. The image
# size is the same in both modes, so the model is the same.

# %% slideshow={"slide_type": "-"}
import os
import time

import tlcourse                      # first: it silences TensorFlow's start-up messages
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from tlcourse import data
from tlcourse.config import FAST, SEED, fast_or_full, seed_everything
from tlcourse.exercises import check

tf.get_logger().setLevel("ERROR")             # no "tf.function retracing" chatter in the outputs
IMAGE_SIZE = 128                              # pixels, both modes
PER_CLASS = fast_or_full(40, None)            # photos per digit (None = all, about 206)
HEAD_EPOCHS = fast_or_full(10, 20)            # phase 1: epochs of the new classifier
COPIES = fast_or_full(2, 6)                   # phase 2: augmented copies of each training photo
FT_EPOCHS = fast_or_full(2, 12)               # phase 2: at most this many epochs (early stopping)
SEEDS = fast_or_full([SEED, SEED + 1], [SEED, SEED + 1, SEED + 2])
print(f"fast mode: {FAST} | {IMAGE_SIZE} px | head {HEAD_EPOCHS} epochs | {COPIES} augmented "
      f"copies, fine-tuning <= {FT_EPOCHS} epochs | seeds {SEEDS}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The book's backbone is VGG16. Are its ImageNet weights on this machine? `locate(...,
# download=False)` only looks, it never downloads 59 MB behind your back.

# %% slideshow={"slide_type": "-"}
try:
    data.locate("vgg16_imagenet", download=False)
    print("VGG16 ImageNet weights found; this notebook still uses MobileNetV2 to stay within a CPU budget.")
except data.DataNotFoundError:
    print("VGG16 ImageNet weights (the book's backbone) are not on this machine (offline): using MobileNetV2.")


# %% [markdown] slideshow={"slide_type": "slide"}
# ## How many test photos does "98 %" need?
#
# The book reports 98 % on 50 test photos: 49 right, 1 wrong. One photo more or less right
# moves the score by 2 points. How sure can we be? The **Wilson interval** gives the range of
# true accuracies that are compatible with what was counted (95 % confidence). Same 98 %,
# different numbers of test photos:

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
def wilson_interval(correct, n, z=1.96):
    # 95 % confidence interval of an accuracy measured as `correct` out of `n`
    p = correct / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half

for correct, n in [(49, 50), (294, 300), (980, 1000)]:
    low, high = wilson_interval(correct, n)
    print(f"{correct:>4} of {n:>4} right ({correct / n:.0%}): the true accuracy is "
          f"between {low:.1%} and {high:.1%}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# On 50 photos, "98 %" cannot be told apart from 90 %. With 300 photos the interval is about
# three times narrower. So this project keeps **15 % of the photos for the test set**, over 300,
# and never looks at them until the end. The validation set (10 %) is what early stopping and
# all our choices may look at.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 12.1 — How many test photos for a given interval?
#
# The book's "98 %" on 50 photos leaves a wide interval. How many test photos does a claim need?
# Write a function `photos_needed(accuracy, width)` that returns the **smallest** number of test
# photos, a multiple of 50, for which a measured `accuracy` (for example 0.98) has a 95 % interval
# **narrower** than `width` (high − low < width), computed with `wilson_interval` from the cell
# above on `round(accuracy * n)` right out of `n`. Print `photos_needed(0.98, 0.02)`: the test set
# the book's claim would have needed for a 2-point interval. `answer` is the function itself
# (`answer = photos_needed`); the check calls it with accuracies and widths of its own.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: the function photos_needed(accuracy, width)
check("12.1", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · The data: a stratified split
#
# `data.load` reads the photos from the offline folder, resizes them to 128 × 128 and splits
# them **stratified**: every digit in the same proportion in train, validation and test.
# No photo may be in two parts (a leak would make the test accuracy a lie): `check_no_leakage`
# compares them byte for byte.
#
# The pipeline's clock starts here: everything up to the test accuracy is timed.

# %% slideshow={"slide_type": "-"}
clock = (time.perf_counter(), os.times().user)      # wall and user-CPU seconds (all threads)
split = data.load("sign_language_digits", image_size=(IMAGE_SIZE, IMAGE_SIZE),
                  limit_per_class=PER_CLASS, val_size=0.10, test_size=0.15)
print(split)
print("photos checked for leakage between splits:", split.check_no_leakage())

# %% slideshow={"slide_type": "subslide"}
from tlcourse.plots import show_images

show_images(split.x_train, split.y_train, split.class_names, per_class=4,
            title="Sign Language Digits: four training photos of each digit");

# %% [markdown] slideshow={"slide_type": "subslide"}
# One caveat the numbers cannot show: the photos come from 218 students, about ten each (one
# per digit), and the data set does not say which photo is whose. So the test set contains
# hands that the network has seen in training, showing other digits. The test accuracy is
# honest for *these students*; new people's hands could score lower. A stricter test would
# split by person.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · Augmentation: more photos for free
#
# 1,500 training photos are few for a network with millions of weights. **Augmentation**
# shows the network slightly different versions of each photo — what a new photo of the same
# sign could look like — so it learns the sign, not the exact pixels. Three Keras layers:
#
# - `RandomRotation(0.05)`: turn by up to ±18° (0.05 of a full turn): hands are never held
#   perfectly upright;
# - `RandomZoom(0.1)`: up to 10 % closer or further: hands at different distances;
# - `RandomTranslation(0.1, 0.1)`: shift by up to 10 % of the width and height.
#
# **Not** used: vertical flips (an upside-down hand is not a sign) and horizontal flips. A
# mirrored photo would be a valid sign — the same digit made with the other hand — but these
# photos all show one hand, and so will the test photos: flips would spend the network's effort
# on a variation it never meets. For an app that people use with either hand, add
# `RandomFlip("horizontal")`.

# %% slideshow={"slide_type": "subslide"}
seed_everything(SEED)                        # the augmentation's and the new layers' randomness
augment = keras.Sequential([
    keras.layers.RandomRotation(0.05, fill_mode="nearest"),
    keras.layers.RandomZoom(0.1, fill_mode="nearest"),
    keras.layers.RandomTranslation(0.1, 0.1, fill_mode="nearest"),
], name="augment")

chosen = [np.flatnonzero(split.y_train == digit)[0] for digit in (0, 3, 7)]
fig, axes = plt.subplots(3, 6, figsize=(11, 6))
for row, i in zip(axes, chosen):
    row[0].imshow(split.x_train[i])
    for ax in row[1:]:
        version = augment(split.x_train[i:i + 1].astype("float32"), training=True)
        ax.imshow(keras.ops.convert_to_numpy(version)[0].astype("uint8"))
    for ax in row:
        ax.set_xticks([]), ax.set_yticks([])
    row[0].set_ylabel(f"digit {split.class_names[split.y_train[i]]}")
axes[0, 0].set_title("original")
for ax in axes[0, 1:]:
    ax.set_title("augmented")
fig.suptitle("Augmentation: each call draws a new rotation, zoom and shift")
fig.supxlabel("the original photo, then five random versions of it")
fig.supylabel("training photo")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Augmentation belongs to **training only**. Keras's random layers are active when called with
# `training=True` (as `fit` does) and pass the photo through unchanged otherwise (`predict`,
# `evaluate`): the test photos are never distorted.

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
batch = split.x_train[:8].astype("float32")
print("training=False returns the photos unchanged:",
      np.array_equal(keras.ops.convert_to_numpy(augment(batch, training=False)), batch))
print("training=True changes them:",
      not np.array_equal(keras.ops.convert_to_numpy(augment(batch, training=True)), batch))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · The model: augmentation → preprocessing → ImageNet backbone → new classifier
#
# - **Backbone**: MobileNetV2 without its ImageNet classifier (`include_top=False`), with its
#   ImageNet weights, at 128 × 128 (`imagenet_backbone` loads them from the offline folder).
# - **Preprocessing**: MobileNetV2 was trained on pixels scaled to −1..1. A `Rescaling` layer
#   does exactly what `keras.applications.mobilenet_v2.preprocess_input` does, but as a
#   *layer*: it is saved with the model, so whoever loads the model feeds it raw photos.
# - **New classifier** (the "head"): average pooling of the last feature map, dropout, and
#   `Dense(10, softmax)` — ten digits instead of ImageNet's 1,000 classes.

# %% slideshow={"slide_type": "-"}
from tlcourse.models import backbone_preprocess, imagenet_backbone

base = imagenet_backbone("mobilenet_v2", input_shape=(IMAGE_SIZE, IMAGE_SIZE, 3))

inputs = keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 3), name="photo")       # raw 0..255 pixels
x = augment(inputs)                                                          # training only
x = keras.layers.Rescaling(1 / 127.5, offset=-1, name="to_minus1_1")(x)     # 0..255 -> -1..1
x = base(x)
x = keras.layers.GlobalAveragePooling2D(name="pool")(x)                     # 1,280 numbers per photo
x = keras.layers.Dropout(0.2, name="dropout")(x)
outputs = keras.layers.Dense(10, activation="softmax", name="digit")(x)
model = keras.Model(inputs, outputs, name="sign_digits")

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
pixels = np.arange(0, 256, 15, dtype="float32")
scaled = keras.ops.convert_to_numpy(model.get_layer("to_minus1_1")(pixels))
print("Rescaling layer == mobilenet_v2.preprocess_input:",
      np.allclose(scaled, backbone_preprocess("mobilenet_v2")(pixels.copy()), atol=1e-6))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Phase 1 set-up: freeze the whole backbone
#
# Feature extraction (lecture 6-3, approach 2): the backbone is **frozen**
# (`trainable = False`), only the new head learns. A new head starts random; training the
# backbone with it from the first step would send large, random gradients into the pretrained
# weights. So the head learns first, on frozen features.

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
from tlcourse.surgery import trainable_report

base.trainable = False
print(trainable_report(model))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · Phase 1: feature extraction
#
# A frozen backbone maps a photo to the **same** 1,280 numbers in every epoch (frozen weights,
# BatchNormalization in inference mode). So compute those features **once** with `predict` and
# train only the head on them: the same training as `model.fit` with a frozen base, in seconds
# instead of minutes. (`predict` runs the augmentation layers in inference mode, so these are
# the features of the original photos: phase 1 trains without augmentation. Phase 2 brings it
# back.)

# %% slideshow={"slide_type": "-"}
extractor = keras.Model(inputs, model.get_layer("pool").output, name="extractor")   # photo -> features
start = time.perf_counter()
features = {part: extractor.predict(getattr(split, f"x_{part}"), verbose=0)
            for part in ("train", "val", "test")}
print(f"features of {sum(len(f) for f in features.values()):,} photos, "
      f"{features['train'].shape[1]:,} numbers each: {time.perf_counter() - start:.0f} s")

# %% slideshow={"slide_type": "-"}
head = keras.Sequential([keras.Input(shape=(1280,)), model.get_layer("dropout"),
                         model.get_layer("digit")], name="head")    # the model's own head layers
head.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
             loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history_fe = head.fit(features["train"], split.y_train, epochs=HEAD_EPOCHS, batch_size=32,
                      validation_data=(features["val"], split.y_val), verbose=0)
fe_accuracy = head.evaluate(features["test"], split.y_test, verbose=0)[1]
print(f"phase 1, frozen backbone + new head: validation {history_fe.history['val_accuracy'][-1]:.1%}, "
      f"test {fe_accuracy:.1%}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# That is the feature-extraction baseline: what ImageNet's features give with no change to the
# backbone. ImageNet has no "hand showing three": its top features describe other things.
# Fine-tuning adapts them — and must beat this number to be worth its cost.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · Phase 2: fine-tune the top of the backbone
#
# Which layers? MobileNetV2 is a stack of 17 "inverted residual" blocks (`block_1` …
# `block_16`, after a first block without a number) and a last 1 × 1 convolution `Conv_1`. We
# unfreeze its last two stages: **blocks 10 to 16 and `Conv_1`**, the layers that work on the
# smallest, most abstract maps (8 × 8 and 4 × 4 at 128 px). Everything up to `block_9_add`
# stays frozen: its edges, textures and shapes are useful as they are. (In trials for this
# notebook, unfreezing only the last stage, blocks 13–16, learned more slowly at this
# learning rate.)
#
# Two rules from the lecture:
# - start from the **trained head** of phase 1 (done: the model's head layers were trained);
# - a **low learning rate**, Adam 1e-4: the pretrained weights are already near a good
#   solution; big steps would throw that away.
#
# And one from `tlcourse.surgery`: **BatchNormalization stays frozen**. Whether `fit` runs
# a *trainable* BN layer in training mode despite `base(x, training=False)` depends on the Keras
# version (notebook 04 measures yours); a frozen one stays in inference mode on every version, so
# a few batches of hand photos cannot overwrite ImageNet's statistics.

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
CUT = "block_9_add"                                        # the last frozen layer
k = [layer.name for layer in base.layers].index(CUT) + 1   # layers base.layers[:k] stay frozen

base.trainable = True                                      # lift the freeze of the whole base ...
for layer in base.layers[:k]:
    layer.trainable = False                                # ... keep the bottom frozen ...
for layer in base.layers[k:]:                              # ... unfreeze the top, except BN
    layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)

print(f"frozen:   {base.layers[1].name} ... {base.layers[k - 1].name} (the first {k} layers, input included)")
print(f"unfrozen: {base.layers[k].name} ... {base.layers[-1].name} ({len(base.layers) - k} layers, "
      "BatchNormalization kept frozen)")
print(trainable_report(model))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same in one line with the helper `set_freeze_depth(base, k)` (BN kept frozen by
# default), checked on the flags of every layer:

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
from tlcourse.surgery import set_freeze_depth

raw_flags = [layer.trainable for layer in base.layers]
set_freeze_depth(base, k)
print("set_freeze_depth(base, k) sets the same flags as the loop:",
      raw_flags == [layer.trainable for layer in base.layers])

# %% [markdown] slideshow={"slide_type": "slide"}
# ### The CPU trick: compute the frozen part once — augmentation included
#
# `model.fit` would run every photo through all the layers in every epoch, the frozen bottom
# too, although the bottom's output for a given photo never changes. So split the backbone at
# the cut into two models that **share** its layers:
#
# - `bottom`: photo → output of `block_9_add` (frozen), run **once**;
# - `top`: that output → last feature map (unfrozen), trained.
#
# Augmentation still works, as long as it happens on the **photos**: make `COPIES` augmented
# copies of every training photo and push each through the bottom once. What would *not* be
# valid is to augment the stored activations themselves: a rotated feature map is not the
# feature map of a rotated photo. The price: a fixed set of augmented versions per photo
# instead of a new one every epoch.

# %% slideshow={"slide_type": "-"}
bottom = keras.Model(base.input, base.get_layer(CUT).output, name="bottom")   # shares base's layers
top = keras.Model(base.get_layer(CUT).output, base.output, name="top")        # shares base's layers
photo = keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 3))
plain_bottom = keras.Model(photo, bottom(model.get_layer("to_minus1_1")(photo)))   # photo -> cut

seed_everything(SEED)
start = time.perf_counter()
copies = []
for _ in range(COPIES):
    photos = augment(split.x_train.astype("float32"), training=True)   # a new version of every photo
    copies.append(plain_bottom.predict(photos, verbose=0))
a_train = np.concatenate(copies)
y_copies = np.tile(split.y_train, COPIES)
seconds_per_copy = (time.perf_counter() - start) / COPIES
a_val = plain_bottom.predict(split.x_val, verbose=0)                    # no augmentation
a_test = plain_bottom.predict(split.x_test, verbose=0)
print(f"{COPIES} augmented copies of {len(split.y_train):,} photos -> activations {a_train.shape} "
      f"({a_train.nbytes / 2**20:,.0f} MiB), {seconds_per_copy:.0f} s per copy")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Why augment outside the model, in a loop? The tempting shortcut — a model with
# `augment(photo, training=True)` baked in, then `predict` — means different things on different
# Keras versions: `predict` calls the model with `training=False`; up to Keras 3.15 that call wins
# and nothing is augmented (keras-team/keras#20285), the Keras 3.16 development builds let the
# `training=True` written into the model win (keras-team/keras#23364). Code whose meaning changes
# with the library version is no base for a project, so augmentation stays a **preprocessing
# step outside the saved model**, called explicitly with `training=True`, as above. What the
# shortcut does on your Keras:

# %% slideshow={"slide_type": "-"}
baked_in = keras.Model(photo, augment(photo, training=True))
changed = not np.array_equal(baked_in.predict(batch, verbose=0), batch)
print(f"on your Keras {keras.__version__}: predict of a model with augment(..., training=True) inside "
      f"{'changes' if changed else 'does not change'} the photos")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The model that trains: the cached activations → `top` → the model's own pooling, dropout and
# head. Every layer in it is a layer of `model`, so training it **is** fine-tuning `model`:

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
cut_input = keras.Input(shape=a_train.shape[1:], name="cut_activations")
y = top(cut_input)
for name in ("pool", "dropout", "digit"):
    y = model.get_layer(name)(y)
upper = keras.Model(cut_input, y, name="upper")

print("upper trains exactly model's trainable weights:",
      {id(w) for w in upper.trainable_weights} == {id(w) for w in model.trainable_weights})
print(f"trainable parameters: {sum(int(np.prod(w.shape)) for w in upper.trainable_weights):,}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Compile (after changing `trainable`, always) with the low learning rate and fit. One epoch =
# as many batches as there are training photos, drawn from the pool of all augmented copies.
# **Early stopping** watches the validation loss and keeps the best epoch's weights — fair,
# because it never sees the test set.

# %% slideshow={"slide_type": "-"}
seed_everything(SEED)
batches = int(np.ceil(len(split.y_train) / 32))                  # one epoch = one pass's worth
train_ds = (tf.data.Dataset.from_tensor_slices((a_train, y_copies))
            .shuffle(len(y_copies), seed=SEED).repeat().batch(32))

upper.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-4),       # LOW learning rate
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
start = time.perf_counter()
history_ft = upper.fit(train_ds, steps_per_epoch=batches, epochs=FT_EPOCHS,
                       validation_data=(a_val, split.y_val), callbacks=[stop],
                       shuffle=False, verbose=0)                 # train_ds shuffles itself
ft_seconds = time.perf_counter() - start
ran = len(history_ft.history["loss"])
print(f"fine-tuned {ran} epochs in {ft_seconds:.0f} s ({ft_seconds / ran:.0f} s per epoch), "
      f"kept epoch {stop.best_epoch + 1}: validation accuracy "
      f"{history_ft.history['val_accuracy'][stop.best_epoch]:.1%}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Did the trick pay? Plain `model.fit` would augment the photos and run the frozen bottom in
# every epoch: one copy's worth of work per epoch. The cache paid for all its copies up front.
# So it pays when training runs more epochs than there are copies — and every time we train
# again on the same copies, as the extra seeds of section 8 do. From the timings above
# (the plain cost is an estimate):

# %% slideshow={"slide_type": "-"}
cached = COPIES * seconds_per_copy + ft_seconds
plain = ran * seconds_per_copy + ft_seconds       # bottom + augmentation again in every epoch
print(f"cached: {cached:.0f} s ({COPIES} copies + training) | plain fit, estimated: {plain:.0f} s "
      f"({ran} epochs x (bottom + augmentation) + training)")
print(f"each further training run on the same copies: {ft_seconds:.0f} s cached vs "
      f"{plain:.0f} s plain (estimated)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Teach, then wrap: the plain `model.fit` you will write
#
# The cached features of phase 1 and the cached activations of phase 2 are a CPU optimisation,
# not the usual way to train. On a GPU, or with time to spare, you train `model` itself on a
# dataset of **photos**: its `augment` layers draw new versions in every epoch, and the frozen
# layers simply run again. Phase 1 in raw Keras:
#
# ```python
# train_ds = (tf.data.Dataset.from_tensor_slices((split.x_train, split.y_train))
#             .shuffle(len(split.y_train), seed=SEED).batch(32).prefetch(tf.data.AUTOTUNE))
#
# base.trainable = False                                           # phase 1: the head only
# model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
#               loss="sparse_categorical_crossentropy", metrics=["accuracy"])
# model.fit(train_ds, epochs=HEAD_EPOCHS, validation_data=(split.x_val, split.y_val))
# ```

# %% [markdown] slideshow={"slide_type": "subslide"}
# Phase 2, the same `model` and `train_ds`, with the backbone unfrozen above the cut:
#
# ```python
# set_freeze_depth(base, k)                                        # phase 2: unfreeze above the cut
# model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-4),      # LOW learning rate
#               loss="sparse_categorical_crossentropy", metrics=["accuracy"])
# model.fit(train_ds, epochs=FT_EPOCHS, validation_data=(split.x_val, split.y_val), callbacks=[stop])
# ```
#
# (`data.as_dataset(split.x_train, split.y_train, shuffle=True)` builds the same `train_ds` in one
# line.) It trains the same layers as the cached version. The cache changes where the time goes,
# and the augmentation: none in phase 1, a fixed set of `COPIES` versions per photo in phase 2,
# where plain `fit` draws new versions in every epoch.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 12.2 — Where to cut for another fine-tuning depth
#
# This notebook fine-tunes the last two stages, from block 10 on, and computes everything up
# to the cut `CUT = "block_9_add"` once. Another project may fine-tune from another block:
# notebook 04 fine-tuned only the last stage, from block 13 on. Write a function
# `cut_before(base, block)` that returns the name of the cut for fine-tuning MobileNetV2 `base`
# from block `block` on (2 to 16): the last frozen layer, whose output `bottom` computes once.
# Look at a few blocks' names in `base.layers` first: do all blocks end the same way? Print
# `cut_before(base, 13)`. `answer` is the function itself (`answer = cut_before`); the check calls
# it on a MobileNetV2 of its own, for blocks of its choosing.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: the function cut_before(base, block)
check("12.2", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · The test set, at last
#
# Now, and only now, the whole `model` — raw photos in, digits out, the way it will be used —
# predicts the test photos. It must agree with the split pipeline we trained (`plain_bottom`
# then `upper`): same layers, same weights.

# %% slideshow={"slide_type": "-"}
probabilities = model.predict(split.x_test, verbose=0)
predicted = probabilities.argmax(axis=1)
test_accuracy = float(np.mean(predicted == split.y_test))
pipeline_seconds = time.perf_counter() - clock[0]
pipeline_cpu = os.times().user - clock[1]

gap = np.abs(probabilities - upper.predict(a_test, verbose=0)).max()
print(f"whole model vs bottom + upper: largest difference in probabilities {gap:.1e}")
print(f"pipeline, from loading the photos to here: {pipeline_seconds:.0f} s wall, "
      f"{pipeline_cpu:.0f} s user CPU")

# %% slideshow={"slide_type": "-"}
errors = int(np.sum(predicted != split.y_test))
low, high = wilson_interval(len(split.y_test) - errors, len(split.y_test))
print(f"test accuracy: {test_accuracy:.2%} ({errors} of {len(split.y_test)} photos wrong), "
      f"95 % interval {low:.1%} .. {high:.1%}")
print(f"feature extraction alone (phase 1): {fe_accuracy:.2%} -> fine-tuning: "
      f"{100 * (test_accuracy - fe_accuracy):+.1f} points")
if test_accuracy >= 0.98:
    print("target of 98 % on the test set: reached"
          + ("" if low >= 0.98 else " (but the interval reaches below 98 %)"))
else:
    print(f"target of 98 % on the test set: NOT reached ({100 * (0.98 - test_accuracy):.1f} points short)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Learning curves of both phases
#
# Phase 1 (frozen backbone, head only) then phase 2 (top blocks fine-tuned), validation and
# training accuracy per epoch. Training accuracy in phase 2 is measured on augmented copies
# and with dropout on, so it can sit below the validation accuracy. Expect a short dip right
# after unfreezing: the head learned on features of the original photos, and now meets
# augmented ones while the top blocks start to move; the low learning rate keeps it short.

# %% slideshow={"slide_type": "subslide"}
fig, (ax_acc, ax_loss) = plt.subplots(1, 2, figsize=(12, 4.2))
n_fe = len(history_fe.history["loss"])
for ax, metric, label in ((ax_acc, "accuracy", "accuracy"), (ax_loss, "loss", "loss (cross-entropy)")):
    for part, style in (("", "--"), ("val_", "-")):
        values = history_fe.history[part + metric] + history_ft.history[part + metric]
        ax.plot(np.arange(1, len(values) + 1), values, style, marker="o", ms=3,
                label="validation" if part else "training")
    ax.axvline(n_fe + 0.5, color="0.4", ls=":")
    ax.axvline(n_fe + 1 + stop.best_epoch, color="C2", lw=1, label="kept (early stopping)")
    ax.set_xlabel(f"epoch (1-{n_fe}: phase 1, head only; then phase 2, fine-tuning)")
    ax.set_ylabel(label)
    ax.grid(alpha=0.3)
    ax.legend()
ax_acc.set_title("Accuracy per epoch, both phases")
ax_loss.set_title("Loss per epoch, both phases")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "slide"}
# ### The confusion matrix: which digits get confused?
#
# Row = the true digit, column = the predicted one. The diagonal holds the correct answers;
# every off-diagonal number is a kind of mistake.

# %% slideshow={"slide_type": "subslide"}
from sklearn.metrics import confusion_matrix

matrix = confusion_matrix(split.y_test, predicted, labels=range(10))
fig, ax = plt.subplots(figsize=(6.2, 5.4))
image = ax.imshow(matrix, cmap="Blues")
for (true, guess), count in np.ndenumerate(matrix):
    if count:
        ax.text(guess, true, count, ha="center", va="center",
                color="white" if count > matrix.max() / 2 else "black")
ax.set_xticks(range(10), split.class_names)
ax.set_yticks(range(10), split.class_names)
ax.set_xlabel("predicted digit")
ax.set_ylabel("true digit")
ax.set_title(f"Confusion matrix, {len(split.y_test)} test photos")
fig.colorbar(image, ax=ax, label="photos")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The misclassified photos
#
# Numbers say *how often*; the photos say *why*. Each title: the true digit → what the model
# said, with its confidence.

# %% slideshow={"slide_type": "-"}
wrong = np.flatnonzero(predicted != split.y_test)
if len(wrong) == 0:
    print("no test photo is misclassified")
else:
    shown = wrong[:12]
    cols = min(6, len(shown))
    rows = int(np.ceil(len(shown) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(2.1 * cols, 2.4 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, i in zip(axes.ravel(), shown):
        ax.imshow(split.x_test[i])
        ax.set_title(f"{split.class_names[split.y_test[i]]} → {split.class_names[predicted[i]]} "
                     f"({probabilities[i, predicted[i]]:.0%})", fontsize=10)
    fig.suptitle(f"Misclassified test photos ({len(shown)} of {len(wrong)}): true → predicted")
    fig.supxlabel("photo (title: true digit → predicted digit, confidence)")
    fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 12.3 — Choose on validation, test once
#
# Phase 1 trained the head with Adam at 1e-3, a rate nobody chose. Choose it the honest way, on
# the cached features of section 4 (each run takes seconds):
#
# - **Train** one new head per learning rate, 1e-4, 1e-3 and 1e-2: `seed_everything(SEED)`, then
#   `keras.Sequential([keras.Input(shape=(1280,)), keras.layers.Dropout(0.2),
#   keras.layers.Dense(10, activation="softmax")])`, Adam with that rate, 10 epochs, batch size 32,
#   on `features["train"]` and `split.y_train`.
# - **Choose** the rate with the best accuracy on `features["val"]` (on a tie, either) — the
#   validation photos only.
# - **Test once**: the chosen head's accuracy on `features["test"]`, and no other head's.
# - **Conclude** with `wilson_interval` from the top of the notebook: is the runner-up's
#   validation accuracy below the chosen rate's 95 % interval (from its number of right
#   validation photos out of `len(split.y_val)`)?
#   - **a** — yes: the validation set separates the chosen rate from the runner-up;
#   - **b** — no: the validation set cannot tell them apart, so that part of the choice is luck.
#
# `answer` is a dict: `{"features": features, "split": split, "val": {rate: validation accuracy},
# "chosen": rate, "test_accuracy": ..., "conclusion": "a" or "b"}`. The check retrains the heads,
# so it knows what each rate scores on the validation **and** the test photos.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: a dict with features, split, val, chosen, test_accuracy, conclusion
check("12.3", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 · Save, reload, and check
#
# A model that cannot be reloaded is lost work. `model.save` writes one `.keras` file:
# architecture, weights, and the `trainable` flags. Check three things after reloading: the
# same predictions, the same trainable weights, BatchNormalization still frozen.

# %% slideshow={"slide_type": "-"}
import tempfile

folder = tempfile.mkdtemp()
path = os.path.join(folder, "sign_digits.keras")
model.save(path)
reloaded = keras.models.load_model(path)
reloaded_probabilities = reloaded.predict(split.x_test, verbose=0)
print(f"{os.path.basename(path)}: {os.path.getsize(path) / 2**20:.1f} MiB; largest difference "
      f"in probabilities after reloading: {np.abs(reloaded_probabilities - probabilities).max():.1e}")


# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
def trainable_names(m):
    return [w.path for w in m.trainable_weights]

reloaded_base = reloaded.get_layer(base.name)
print("reloaded model gives the same predictions:",
      np.array_equal(reloaded_probabilities.argmax(axis=1), predicted)
      and np.allclose(reloaded_probabilities, probabilities, atol=1e-6))
print("same trainable weights after reloading:", trainable_names(reloaded) == trainable_names(model))
print("BatchNormalization layers still frozen:",
      not any(layer.trainable for layer in reloaded_base.layers
              if isinstance(layer, keras.layers.BatchNormalization)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The failure other courses hit: weights that will not reload after changing `trainable`
#
# In Keras 2 (`tf.keras`) a model listed its **trainable weights first**, then the frozen ones.
# Freezing or unfreezing layers therefore changed the order of `model.get_weights()` — and of a
# nested base's weights in an `.h5` file. Weights saved under one set of `trainable` flags then
# failed to load into a model with other flags (shape mismatch), or worse, loaded into the wrong
# variables where shapes happened to match.
#
# Keras 3 lists weights in the order the layers create them and saves them under the layers'
# names. Checked: save the fine-tuned weights (top unfrozen), load them into a copy of the
# model with **everything frozen**.

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
weights_path = os.path.join(folder, "sign_digits.weights.h5")
model.save_weights(weights_path)

frozen_copy = keras.models.clone_model(model)        # same architecture, new random weights
frozen_copy.trainable = False                        # other flags than the saved model's
print("weights listed in the same order whatever is frozen:",
      [w.path for w in frozen_copy.weights] == [w.path for w in model.weights])
frozen_copy.load_weights(weights_path)
print("weights saved with the top unfrozen, loaded into a fully frozen copy -> same predictions:",
      np.allclose(frozen_copy.predict(split.x_test, verbose=0), probabilities, atol=1e-6))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8 · One run is one draw of luck: more seeds
#
# The head's random start, dropout and the order of the batches all depend on the seed. So run
# phases 1 and 2 again for other seeds: the same photos, split, cached features and augmented
# copies, a **fresh** ImageNet backbone each time (the one above is fine-tuned already). The
# function repeats the step-by-step cells above; each seed's test accuracy is measured with
# the cut pipeline, which the whole model matches (section 6).

# %% slideshow={"slide_type": "subslide"}
from tlcourse.experiments import SeedResults, run_seeds

def run_project(seed):
    # phases 1 and 2 for one seed, on the cached features and activations; test accuracies
    seed_everything(seed)
    fresh = imagenet_backbone("mobilenet_v2", input_shape=(IMAGE_SIZE, IMAGE_SIZE, 3))
    dropout, digit = keras.layers.Dropout(0.2), keras.layers.Dense(10, activation="softmax")
    head = keras.Sequential([keras.Input(shape=(1280,)), dropout, digit])
    head.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                 loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    head.fit(features["train"], split.y_train, epochs=HEAD_EPOCHS, batch_size=32, verbose=0)
    feature_extraction = head.evaluate(features["test"], split.y_test, verbose=0)[1]

    set_freeze_depth(fresh, k)                                    # the same layers unfrozen
    cut_in = keras.Input(shape=a_train.shape[1:])
    fresh_top = keras.Model(fresh.get_layer(CUT).output, fresh.output)
    net = keras.Model(cut_in, digit(dropout(keras.layers.GlobalAveragePooling2D()(fresh_top(cut_in)))))
    net.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-4),
                loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    data_seed = (tf.data.Dataset.from_tensor_slices((a_train, y_copies))
                 .shuffle(len(y_copies), seed=seed).repeat().batch(32))
    net.fit(data_seed, steps_per_epoch=batches, epochs=FT_EPOCHS, validation_data=(a_val, split.y_val),
            callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=3,
                                                     restore_best_weights=True)],
            shuffle=False, verbose=0)
    return {"feature extraction": feature_extraction,
            "fine-tuning": net.evaluate(a_test, split.y_test, verbose=0)[1]}

more = run_seeds(run_project, SEEDS[1:], verbose=True)
step_by_step = {"feature extraction": fe_accuracy, "fine-tuning": test_accuracy}
results = SeedResults((SEEDS[0], *more.seeds), [step_by_step, *more.rows])
print(results)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The verdicts, computed from the numbers: the mean ± sd over seeds against the 98 % target,
# and fine-tuning against feature extraction seed by seed (a paired comparison: "better" only
# if the whole 95 % interval of the difference is above zero).

# %% slideshow={"slide_type": "-"}
fine = results.values("fine-tuning")
print(f"fine-tuning over {len(fine)} seeds: {100 * fine.mean():.2f} ± {100 * results.sd('fine-tuning'):.2f} % "
      f"(lowest {100 * fine.min():.2f} %, highest {100 * fine.max():.2f} %)")
print(f"98 % target reached by {int(np.sum(fine >= 0.98))} of {len(fine)} seeds")
print(results.paired_difference("fine-tuning", "feature extraction").verdict())

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 9 · The result
#
# One dictionary sums the project up; `python -m tlcourse.bench` runs this notebook in full
# mode and writes it, with the machine it ran on, to `benchmarks/RESULTS.md`.

# %% slideshow={"slide_type": "-"}
project_result = {
    "backbone": "MobileNetV2, ImageNet weights",
    "image_size": IMAGE_SIZE,
    "fine_tuned": f"{base.layers[k].name} ... {base.layers[-1].name} (BatchNormalization frozen)",
    "train_images": int(len(split.y_train)),
    "test_images": int(len(split.y_test)),
    "test_accuracy": round(test_accuracy, 4),
    "test_accuracy_seeds": [round(float(v), 4) for v in results.values("fine-tuning")],
    "feature_extraction_accuracy": round(float(fe_accuracy), 4),
    "pipeline_seconds": round(pipeline_seconds, 1),
    "pipeline_cpu_seconds": round(pipeline_cpu, 1),
}
for key, value in project_result.items():
    print(f"{key:<28} {value}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
#
# - **Split first, stratified, with a test set large enough** to mean something: 98 % on 50
#   photos is compatible with 90 %; with 300+ photos the interval is about three times narrower.
#   Look at the test set once, at the end.
# - **Augment the photos, in training only**: Keras's random layers are off in
#   `predict`/`evaluate`. Choose transformations that keep the label (no upside-down hands).
# - **Phase 1, feature extraction**: freeze the backbone, train a new head; a frozen part gives
#   the same output every epoch, so compute it once.
# - **Phase 2, fine-tuning**: unfreeze the top blocks (`trainable = True`), keep BatchNorm
#   frozen, compile again, Adam at 1e-4, early stopping on validation. The frozen bottom still
#   runs once — per augmented copy of the photos, never on augmented activations.
# - **Evaluate** the whole model on raw photos; read the confusion matrix and look at the errors.
# - **Save and reload** (`model.save`, `keras.models.load_model`) and check: same predictions,
#   same trainable weights. Keras 3 stores weights by layer, so different `trainable` flags no
#   longer break reloading.
# - Helpers used: `data.load`, `imagenet_backbone`, `set_freeze_depth`, `trainable_report`,
#   `run_seeds`; the benchmark: `python -m tlcourse.bench`.
# - Exercises 12.1 (test photos a claim needs), 12.2 (the cut for any fine-tuning depth) and
#   12.3 (choose on validation, test once): `check("12.3", answer)` says what is right or wrong;
#   instructors reveal a solution with `solution("12.3")` (from `tlcourse.exercises`).
