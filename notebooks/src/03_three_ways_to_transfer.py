# %% [markdown] slideshow={"slide_type": "slide"}
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tlcourse/tlcourse/blob/main/notebooks/03_three_ways_to_transfer.ipynb)
#
# # 03 · Three ways to transfer
#
# **What you will learn**
# - the lecture's three ways to reuse a pretrained network, and when each fits:
#   ① the pretrained network **as a classifier, as is**; ② a **frozen feature extractor** with
#   a new classifier; ③ **fine-tuning** the top layers with a low learning rate;
# - ① in practice: a pretrained classifier used unchanged on new data of the same kind, and why
#   the new inputs must first be made to look like the source's;
# - ② in practice: `include_top=False`, `trainable = False`, a new head for your classes and
#   input size, in raw Keras calls first and then with the `tlcourse` helpers;
# - why a frozen base lets you compute the features once and train the head in seconds.
#
# ③ fine-tuning is notebook 04; notebook 05 compares the three ways over several seeds.
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

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The three ways, side by side
#
# | | what is reused | what trains | when (lecture 6-3) |
# |---|---|---|---|
# | ① classifier as is | the whole network, its classifier too | nothing | source and target task are (almost) the same: the target's classes are among the source's |
# | ② feature extractor | the convolutional base, **frozen** | only a new classifier (head) | the source's features suit the target; the old classifier does not (other classes) |
# | ③ fine-tuning | the base: lower layers frozen, top layers **unfrozen** | the top of the base + the new head, at a **low** learning rate | the target is further from the source, so the high-level features must adapt |
#
# The companion text sorts them the same way: use the model **as it is** (only if the task
# is the same as the source's), or reuse **part** of it, by *feature extraction* or by
# *fine-tuning*. Either way you usually change two things: the **input shape** (your image
# size, not 224 × 224) and the **dense head** (your classes, not ImageNet's 1,000).
#
# This notebook runs ① and ② on real data, each where it belongs:
# - ① on a target of the *same kind* as the source (digits → digits; online, also the lecture's own
#   example, dogs vs cats, with ImageNet's classifier);
# - ② on a *far* target, photos of hands showing digits in sign language, with an ImageNet network.
#
# Notebook 04 fine-tunes (③) from where ② ends; notebook 05 runs all three over several seeds,
# dogs vs cats included, and compares them in one table.

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
# ## ① The pretrained network as a classifier, as is
#
# The lecture's example: to tell dog breeds apart, take VGG16 trained on ImageNet and use it
# **unchanged** — ImageNet's 1,000 classes already include over a hundred dog breeds. No
# training at all: preprocess the photo the way the network expects, predict, read the label.
#
# That needs the ImageNet network **with its classifier top** (the 1,000-class `Dense` layer).
# Let us try MobileNetV2's, the course's CPU-sized ImageNet network, on dogs vs cats photos:
# ImageNet's classes 151–268 are dog breeds and 281–285 are cats (tabby, tiger cat, Persian,
# Siamese, Egyptian cat), so add up the probabilities of each group and call the photo a dog or a
# cat — a dogs-vs-cats classifier with **no training at all**. On a machine without internet the
# download fails within a second or two (the cell also caps the wait at 20 s), and the cell says
# so in one line instead of stopping the notebook.

# %% slideshow={"slide_type": "subslide"}
import contextlib
import io
import socket

previous_timeout = socket.getdefaulttimeout()
socket.setdefaulttimeout(20)                             # never hang on a dead network
try:
    with contextlib.redirect_stdout(io.StringIO()):      # hide Keras's "Downloading ..." line
        imagenet_classifier = keras.applications.MobileNetV2(weights="imagenet")  # 224x224, WITH top
except Exception as error:                               # get_file raises a plain Exception offline
    imagenet_classifier = None
    print("NOT RUN HERE: the ImageNet classifier top (mobilenet_v2 ..._224.h5) is not on this machine "
          f"and could not be downloaded ({str(error).split(' -- ')[-1]}); online (e.g. in Colab) this cell "
          "measures approach 1 on dogs vs cats. Offline, approach 1 runs on the MNIST pair below instead.")
finally:
    socket.setdefaulttimeout(previous_timeout)

if imagenet_classifier is not None:                      # online: the lecture's approach 1 itself
    DOGS, CATS = np.arange(151, 269), np.arange(281, 286)   # ImageNet class indices
    photos = data.load("cats_vs_dogs", image_size=(224, 224), limit_per_class=fast_or_full(20, 250),
                       verbose=False)
    probabilities = imagenet_classifier.predict(
        backbone_preprocess("mobilenet_v2")(photos.x_test.astype("float32")), verbose=0)
    is_dog = probabilities[:, DOGS].sum(axis=1) > probabilities[:, CATS].sum(axis=1)
    as_is = np.mean(is_dog == (photos.y_test == photos.class_names.index("dog")))
    print(f"approach 1 on {len(photos.y_test)} dogs-vs-cats test photos, no training: {as_is:.1%} accuracy")
    top3 = keras.applications.mobilenet_v2.decode_predictions(probabilities[:3], top=3)
    for label, guesses in zip(photos.y_test[:3], top3):
        print(f"  a {photos.class_names[label]:<3} ->", ", ".join(f"{name} {p:.0%}" for _, name, p in guesses))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The same idea offline: a digit classifier on new digits
#
# The course ships its own pretrained source model, `mnist_cnn`: a small CNN trained on
# MNIST's 60,000 handwritten digits (`python -m tlcourse.pretrain`). The target: the
# **scikit-learn digits**, 1,797 handwritten digits scanned by another lab, at another
# resolution. Same task, same 10 classes — the situation where approach ① fits.
#
# First read what the source model expects, and what the new data looks like:

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
mnist_cnn = load_pretrained("mnist_cnn")
rescale = mnist_cnn.layers[0]
print(f"mnist_cnn expects {mnist_cnn.input_shape} images; its first layer is "
      f"{type(rescale).__name__}(scale=1/{1 / rescale.scale:.0f}): raw 0..255 pixels in")
print("its classes:", pretrained_info("mnist_cnn")["classes"])

digits = data.load("digits", verbose=False)               # a stratified split; nothing trains
x_digits = np.concatenate([digits.x_train, digits.x_val, digits.x_test])  # here, so use them all
y_digits = np.concatenate([digits.y_train, digits.y_val, digits.y_test])
print(f"scikit-learn digits: {x_digits.shape} {x_digits.dtype}, values "
      f"{x_digits.min()}..{x_digits.max()}, classes {digits.class_names}")


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Make the new data look like the source data
#
# A network used as is only knows inputs like its training data. MNIST digits are white
# strokes on black, pixel values 0..255, each digit scaled into a 20 × 20 box and centred in a
# 28 × 28 image. The scikit-learn digits are also bright strokes on dark, but 8 × 8 with values
# 0..16 that fill the whole image. So: stretch the values to 0..255, upsample to 20 × 20, and
# pad 4 black pixels on every side. `keras.ops.image.resize` does the upsampling.

# %% slideshow={"slide_type": "-"}
def digits_as_mnist(x8, box=20):
    # 8x8 digits (0..16) -> MNIST layout: 0..255, digit in a box x box square centred in 28x28
    x = x8.astype("float32")[..., np.newaxis] * (255 / 16)             # 0..16 -> 0..255
    x = keras.ops.convert_to_numpy(keras.ops.image.resize(x, (box, box), interpolation="bilinear"))
    pad = (28 - box) // 2
    x = np.pad(x, ((0, 0), (pad, 28 - box - pad), (pad, 28 - box - pad), (0, 0)))  # black border
    return np.clip(x, 0, 255)

x_digits_28 = digits_as_mnist(x_digits)
(_, _), (x_mnist, y_mnist) = data.load_arrays("mnist")
print("converted:", x_digits_28.shape, x_digits_28.dtype, f"{x_digits_28.min():.0f}..{x_digits_28.max():.0f}")
# the same conversion as a course helper, in one line (notebook 05 uses it)
print("tlcourse.data.digits_as_mnist gives the same:", np.array_equal(data.digits_as_mnist(x_digits), x_digits_28))

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(3, 10, figsize=(12, 4.2))
rows = [("MNIST\n(source)", x_mnist, y_mnist), ("digits\nas loaded", x_digits, y_digits),
        ("digits as\nMNIST", x_digits_28[..., 0], y_digits)]
for r, (name, images, labels) in enumerate(rows):
    for digit in range(10):
        ax = axes[r, digit]
        ax.imshow(images[np.flatnonzero(labels == digit)[0]], cmap="gray")
        ax.set_xticks([]), ax.set_yticks([])
        if r == 0:
            ax.set_title(str(digit))
    axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center")
fig.suptitle("Source vs target: one example of each digit (white ink on black)")
fig.supxlabel("digit class")
fig.tight_layout()


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Predict, with no training at all
#
# Three ways to feed the 8 × 8 digits to the unchanged MNIST network: as loaded (only
# upsampled), with the values stretched to 0..255 but filling all of 28 × 28, and in MNIST's
# layout. The layout is MNIST's documented convention, not tuned on these images (trying
# variants until one scores best would be tuning on the test set).

# %% slideshow={"slide_type": "-"}
def accuracy_as_is(x):
    # the pretrained classifier, unchanged: predict and compare with the labels
    return float(np.mean(mnist_cnn.predict(x, verbose=0).argmax(axis=1) == y_digits))

variants = {
    "as loaded: 8x8 upsampled to 28x28, values 0..16": keras.ops.convert_to_numpy(
        keras.ops.image.resize(x_digits.astype("float32")[..., np.newaxis], (28, 28))),
    "values 0..255, digit fills all of 28x28": digits_as_mnist(x_digits, box=28),
    "MNIST layout: 0..255, 20x20 box centred in 28x28": x_digits_28,
}
approach_1 = {name: accuracy_as_is(x) for name, x in variants.items()}
print(f"mnist_cnn on its own MNIST test set: {pretrained_info('mnist_cnn')['test_accuracy']:.2%}")
for name, acc in approach_1.items():
    print(f"on the {len(y_digits):,} scikit-learn digits, {name:<50} {acc:.2%}  (chance: 10%)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# What this shows about approach ①:
# - it **works without a single training step** when the target task is the source task: the
#   table above puts the MNIST-layout digits far above chance;
# - it only works on inputs that **look like the source data**: the raw 8 × 8 values (0..16 out
#   of the 255 the network expects) are nearly black to it;
# - it can only answer with the **source's classes**. Sign-language photos or "cat vs dog"
#   with a digit network are out of reach: that is where ② and ③ come in.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 03.1 — Paper scans for the MNIST network
#
# Another lab scanned the same digits **on paper**: black ink on white, values as fractions,
# 0 = black ink, 1 = white paper, at whatever square size its scanner gives (8 × 8 here:
# `x_paper = 1 - x_digits / 16`). Approach ① still fits (same task, same classes) if the scans
# are made to look like MNIST first.
#
# Write `paper_as_mnist(x)`: scans `(n, s, s)` of any size `s` → MNIST's layout `(n, 28, 28, 1)`,
# for the **unchanged** `mnist_cnn`. List first what differs from the source data: which
# colour is the ink, what range do the values have (and what does `mnist_cnn`'s first layer do
# with them), how big is the digit and where does it sit. Then try
# `accuracy_as_is(paper_as_mnist(x_paper))`.
#
# `answer` is the function. The check feeds it blank paper, a page of ink, ink at one edge and
# 12 × 12 scans, and measures `mnist_cnn` on all 1,797 paper digits in your layout.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: a function paper_as_mnist(x) -> images (n, 28, 28, 1)
check("03.1", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## ② A frozen feature extractor with a new classifier
#
# The far target: the **Sign Language Digits** photos, hands showing 0–9. ImageNet has no class
# "hand showing three", so its classifier is useless here, but its convolutional **features**
# (edges, skin texture, finger shapes) are not. The recipe:
#
# 1. take the ImageNet network **without its top** (`include_top=False`);
# 2. **freeze** it: `trainable = False`, its weights are kept exactly as they are;
# 3. put a **new head** on it: pooling + `Dense(10, softmax)` — the "DNN layer" the companion
#    text says to change; the **input shape** changes too: 96 × 96 photos, not 224 × 224.

# %% slideshow={"slide_type": "-"}
signs = data.load("sign_language_digits", image_size=(96, 96), limit_per_class=SIGN_PER_CLASS)
print("photos checked for leakage between splits:", signs.check_no_leakage())

# %% slideshow={"slide_type": "subslide"}
from tlcourse.plots import show_images

show_images(signs.x_train, signs.y_train, signs.class_names, per_class=3,
            title="Sign Language Digits: three training photos of each digit");

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The model, in raw Keras
#
# `imagenet_backbone` builds `keras.applications.MobileNetV2(include_top=False)` at 96 × 96 and
# loads the ImageNet weights from the offline folder. Then the three steps above. Every layer
# gets a name, so the tables below read well.

# %% slideshow={"slide_type": "-"}
seed_everything(SEED)                                    # the new head's random initial weights
start = time.perf_counter()                              # loading the weights is part of transfer's cost
base = imagenet_backbone("mobilenet_v2", input_shape=(96, 96, 3))   # ImageNet weights, no top
sign_load_seconds = time.perf_counter() - start
base.trainable = False                                   # ② frozen: kept exactly as it is

inputs = keras.Input(shape=(96, 96, 3), name="photo")
x = backbone_preprocess("mobilenet_v2")(inputs)          # 0..255 -> -1..1, as in ImageNet training
x = base(x, training=False)
features = keras.layers.GlobalAveragePooling2D(name="pool")(x)      # one 1280-vector per photo
outputs = keras.layers.Dense(10, activation="softmax", name="new_head")(features)
signs_model = keras.Model(inputs, outputs, name="signs_model")

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
print(trainable_report(signs_model))

# %% [markdown] slideshow={"slide_type": "subslide"}
# Only the new head trains: 1280 × 10 weights + 10 biases. The 2.26 million weights of the
# base are frozen.
#
# ### Compute the frozen features once
#
# A frozen base maps a photo to the **same** 1280 numbers in every epoch (its weights do not
# change, its BatchNormalization layers use their stored ImageNet statistics, and we use no
# random augmentation). So running the base in every epoch would compute the same thing
# again and again: compute the features **once** with `predict`, then train only the head on them.
# Exactly the same model, trained in seconds instead of minutes.

# %% slideshow={"slide_type": "-"}
extractor = keras.Model(inputs, features, name="extractor")       # photo -> frozen features
sign_features, feature_seconds = {}, {}
for part in ("train", "val", "test"):                   # timed per split: the test photos' features
    start = time.perf_counter()                          # are not training (used further below)
    sign_features[part] = extractor.predict(getattr(signs, f"x_{part}"), verbose=0)
    feature_seconds[part] = time.perf_counter() - start
sign_feature_seconds = sum(feature_seconds.values())
print(f"features of {sum(len(f) for f in sign_features.values()):,} photos, shape "
      f"{sign_features['train'].shape[1:]}: {sign_feature_seconds:.0f} s")

# %% slideshow={"slide_type": "subslide"}
head = keras.Sequential([keras.Input(shape=(1280,)), signs_model.get_layer("new_head")])  # same layer object
head.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
             loss="sparse_categorical_crossentropy", metrics=["accuracy"])
start = time.perf_counter()
history_head = head.fit(sign_features["train"], signs.y_train, epochs=HEAD_EPOCHS, batch_size=32,
                        validation_data=(sign_features["val"], signs.y_val), verbose=0)
sign_head_seconds = time.perf_counter() - start

signs_model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                    loss="sparse_categorical_crossentropy", metrics=["accuracy"])
sign_acc_2 = signs_model.evaluate(signs.x_test, signs.y_test, verbose=0)[1]   # whole model, raw photos
print(f"head trained in {sign_head_seconds:.0f} s (+ {sign_feature_seconds:.0f} s of features)")
print(f"② frozen MobileNetV2 + new head: {sign_acc_2:.2%} on {len(signs.y_test)} unseen photos (chance: 10%)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 03.2 — Approach ② for any photos
#
# The raw cell above builds ② for 96 × 96 colour photos and 10 classes. Write it once for all:
# `frozen_classifier(input_shape, num_classes)` returns one Keras model that takes **raw
# 0..255 photos** of `input_shape`, `(height, width, 3)` or grayscale `(height, width, 1)`, and
# outputs `num_classes` probabilities; only the new head may train.
#
# Think about what each step is for: which weights the base must hold and keep, what the
# ImageNet weights expect the pixels to look like, how a 1-channel photo can meet a base that
# was trained on 3 channels, and what turns the last feature maps into one vector per photo.
#
# `answer` is the function. The check builds `frozen_classifier((96, 96, 3), 10)` and
# `frozen_classifier((64, 64, 1), 3)`, looks at what trains and which weights the base holds, and
# compares their outputs on probe photos with a reference that uses your head's weights.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: a function frozen_classifier(input_shape, num_classes) -> keras.Model
check("03.2", answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 03.3 — How much of ② do the ImageNet weights bring?
#
# ② reached the accuracy above with a frozen base. Is that the merit of the **pretrained
# weights**, or would the same architecture with **random** weights serve nearly as well?
#
# - **Measure**, for seeds 0, 1, …, n − 1 (n ≥ 3; n = 3 takes about a minute): right after
#   `seed_everything(seed)`, a random base `imagenet_backbone("mobilenet_v2", (96, 96, 3),
#   weights=None)`, and this section's extractor on it (`backbone_preprocess`, `base(x,
#   training=False)`, `GlobalAveragePooling2D`) for `signs.x_train` and `signs.x_test`; the
#   ImageNet features are `sign_features`. Train **the same head** on each feature set: first
#   **standardise** each feature with the training photos' mean and sd (`(f - mean) / sd`, with
#   `sd` replaced by 1 where it is 0: a random base's features are tiny, around 1e-12), then
#   `seed_everything(seed)`, a new `Dense(10, softmax)`, Adam 1e-3, `HEAD_EPOCHS` epochs,
#   batch 32; record its accuracy on the **test** photos.
# - **Collect** with `run_seeds` (`from tlcourse.experiments import run_seeds`): one dict
#   `{"imagenet": ..., "random": ...}` per seed.
# - **Conclude** from the 95 % interval of `results.paired_difference("imagenet", "random")`:
#   **a** — above 0: the ImageNet weights add accuracy beyond the same architecture with random
#   weights; **b** — below 0: random weights serve better; **c** — across 0: no difference shown.
#
# `answer` is the pair `(results, conclusion)`; the check recomputes one of your seeds. Then
# compare both with chance (10 %): how much does the architecture alone already give?

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: (results of run_seeds, "a", "b" or "c")
check("03.3", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
#
# - **① classifier as is**: no training; only when the target task is the source task (dog
#   breeds on ImageNet; new digits on an MNIST network), with inputs made to look like the
#   source data (size, value range, layout).
# - **② feature extractor**: take the base without its top (`include_top=False`), freeze it
#   (`trainable = False`), add a new head for your classes and input size; a frozen base gives the
#   same features every epoch, so compute them once and train the head in seconds.
# - Helpers: `imagenet_backbone`, `backbone_preprocess`, `load_pretrained` (`tlcourse.models`);
#   `trainable_report` (`tlcourse.surgery`).
# - Exercises: 03.1 makes paper scans look like MNIST for ①; 03.2 builds ② for any photo shape
#   and number of classes; 03.3 measures how much of ②'s accuracy the ImageNet weights bring.
#   `check("03.1", answer)` says what is right or wrong; instructors reveal a solution with
#   `solution("03.1")` (from `tlcourse.exercises`).
#
# Next: notebook 04 fine-tunes the top of the base (③).
