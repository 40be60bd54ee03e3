# %% [markdown] slideshow={"slide_type": "slide"}
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tlcourse/tlcourse/blob/main/notebooks/01_what_is_transfer_learning.ipynb)
#
# # 01 · What transfer learning is
#
# **What you will learn**
# - what transfer learning (전이 학습) is: knowledge a network learned on a task with a lot of
#   data, moved to a task with little data;
# - the words: **source / upstream** task vs **target / downstream** task, **pretraining** vs
#   **fine-tuning**, and which Keras object each one is;
# - the lecture's own example, measured: **dogs vs cats** from 20 to 1,000 photos, learned
#   **from scratch**, with **frozen ImageNet features**, and by **fine-tuning** — the
#   data-efficiency curve over three seeds, and "converges faster" timed in seconds;
# - a second case where transfer helps less: hand signs, a target far from ImageNet, with the
#   same models at the same input size.
#
# Lecture: [6-1 What transfer learning is](../README.md#lecture-6-1-what-transfer-learning-is)
# (seed 000) and the terms of seed 001 (upstream / downstream, pretraining, fine-tuning).

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
# > Transfer learning moves the **knowledge** a network learned for one task from a large
# > amount of data — its learned **feature maps** (특징 맵) — to another task that has
# > relatively **little training data**. (Lecture 6-1)
#
# The lecture's example: to tell **dogs from cats**, do not start from random weights; start
# from **VGG16 trained on ImageNet**. You usually download the network together with its
# weights; Keras lets you download it **without its classifier part** (`include_top=False`)
# and **freeze** (가중치 고정) the feature-extraction layers, so only a new classifier learns.
#
# Why should that help? A network trained on 1.2 million photos has already learned to see
# edges, corners, textures and shapes. A new task with a few hundred photos has little to learn
# all that from — but it can reuse it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## The words (seed 001)
#
# - **Upstream task** / **source task**: the problem the existing model was trained for.
#   Here: ImageNet classification — about 1.2 million photos, 1,000 classes.
# - **Downstream task** / **target task**: the new problem we want to solve. Here: dogs vs
#   cats from a few dozen to 1,000 photos, then which digit 0–9 a hand shows.
# - **Pretraining** (사전 학습): training a model on a large data set first, so that it learns
#   general patterns of the input. Done once, by someone with a lot of compute; we download
#   the result.
# - **Fine-tuning** (미세 조정): adapting the pretrained model to the downstream task.
#
# Transfer learning = pretraining, then fine-tuning. Careful, "fine-tuning" has two sizes:
# seed 001 uses it broadly — any adaptation. Its *partial fine-tuning* trains "추가된 layer(보통
# 상위 layer)만": only the layers added for the new task, "usually upper layers". The words
# allow two readings — only the new head, or the network's upper layers re-trained with it —
# and notebook 07 measures both. Lecture 6-3 uses "fine-tuning" narrowly — *also* re-training
# some of the pretrained layers. This notebook runs one of each: a new layer on a frozen network
# (lecture 6-3's "feature extractor") and fine-tuning the network's top; notebook 05 compares all
# three ways of lecture 6-3.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## From the lecture's words to Keras objects
#
# | lecture term | in this notebook | Keras |
# |---|---|---|
# | source / upstream task (원 도메인) | ImageNet, 1,000 classes | — (done already; we download the weights) |
# | pretrained network (사전 학습된 신경망) | MobileNetV2 trained on ImageNet | `keras.applications.MobileNetV2(include_top=False)` + its weights, via `imagenet_backbone` |
# | knowledge = learned feature maps | its convolution weights | `base.weights` |
# | remove the classifier (분류기 제거) | no 1,000-class top | `include_top=False` |
# | freeze the feature extractor (가중치 고정) | the weights stay as pretrained | `base.trainable = False` |
# | target / downstream task (목표 도메인) | dogs vs cats; hand signs 0–9 | `tlcourse.data.load("cats_vs_dogs")`, `load("sign_language_digits")` |
# | new classifier (새로운 분류기) | 2 classes; 10 digits | `keras.layers.Dense(2, activation="softmax")` |
# | fine-tuning | training on the target photos: the new layer, or also the top of the network | `model.compile(...)`, `model.fit(...)` |

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · Which pretrained network?
#
# The lecture uses VGG16. This course runs on a laptop CPU, so it uses **MobileNetV2**: the
# same recipe, a network made for small devices. The next cell builds both architectures
# **without weights** (`weights=None`, nothing is downloaded and nothing here is pretrained)
# only to compare their size on our photos, 96 × 96 pixels.

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
import keras
from tlcourse.exercises import check
from tlcourse.models import imagenet_backbone

IMAGE_SIZE = (96, 96)                       # the photos' size in this notebook, for every model
for name in ("vgg16", "mobilenet_v2"):      # architecture only: random weights, not pretrained
    net = imagenet_backbone(name, (*IMAGE_SIZE, 3), weights=None)
    print(f"{name:<13} {net.count_params():>12,} parameters, "
          f"{len(net.layers):>3} layers, output feature maps {net.output_shape[1:]}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Are VGG16's ImageNet weights on this machine? The course never downloads them behind your
# back (`download=False`), and it never passes random weights off as pretrained:

# %% slideshow={"slide_type": "-"}
from tlcourse import data

try:
    data.locate("vgg16_imagenet", download=False)
    print("VGG16 ImageNet weights found; this notebook still uses MobileNetV2 to stay fast on a CPU.")
except data.DataNotFoundError:
    print("VGG16 ImageNet weights are not on this machine (offline): this notebook uses MobileNetV2.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 01.1 — Name the parts of a transfer
#
# The four words of seed 001, in a story that is not about hands. A start-up wants to spot
# **6 kinds of soldering defects** in photos of its circuit boards, and has **400** labelled
# photos. It downloads **EfficientNetB0**, which Google trained on ImageNet's 1.2 million photos
# of 1,000 everyday classes, puts a new classifier on it and trains on its 400 photos.
#
# - **A** — the start-up training the new classifier on its 400 photos
# - **B** — telling the 6 kinds of soldering defects apart
# - **C** — Google training EfficientNetB0 on ImageNet's 1.2 million photos
# - **D** — telling ImageNet's 1,000 classes apart
#
# Which letter is the **source task**, the **target task**, **pretraining**, **fine-tuning**?
# `answer` is a dict from each term to its letter, such as
# `{"source task": "A", "target task": "B", "pretraining": "C", "fine-tuning": "D"}` (the
# letters there are only an example).

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: {"source task": "?", "target task": "?", "pretraining": "?", "fine-tuning": "?"}
check("01.1", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · The lecture's example: dogs vs cats
#
# Lecture 6-1 reuses an ImageNet network to tell **dogs from cats**. That is the case transfer
# learning is made for: real photos of the very kinds of things ImageNet holds (over a hundred
# dog breeds and several cats), and a target task with little data. The photos: Kaggle's
# *Dogs vs. Cats* (`data.load("cats_vs_dogs")`), every photo of its own size, so `data.load`
# resizes them to one size. We use **96 × 96 pixels for every model in this notebook**: a CNN
# trained from scratch and the pretrained network see exactly the same pixels.
#
# The training photos of each run are drawn from a **pool** of 2,000 (the data set's training
# photos, its validation part included); the **test** photos are the data set's own test
# folder, never drawn from, the same for every model and every run.

# %% slideshow={"slide_type": "-"}
import time
import numpy as np
from tlcourse.config import SEED, fast_or_full, seed_everything

pets = data.load("cats_vs_dogs", image_size=IMAGE_SIZE, limit_per_class=fast_or_full(150, None))
x_pool = np.concatenate([pets.x_train, pets.x_val])      # every training photo: the pool runs draw from
y_pool = np.concatenate([pets.y_train, pets.y_val])
x_test, y_test = pets.x_test, pets.y_test
print(f"pool: {len(y_pool):,} photos {np.bincount(y_pool).tolist()} (cat, dog); "
      f"test: {len(y_test):,} photos {np.bincount(y_test).tolist()}")

# %% slideshow={"slide_type": "subslide"}
from tlcourse.plots import show_images

show_images(x_pool, y_pool, pets.class_names, per_class=6,
            title="Dogs vs cats: 6 photos of each class, resized to 96 x 96 for every model");

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · Three ways to learn it
#
# 1. **From scratch**: a small CNN, every weight random at the start. What a student writes
#    without transfer learning.
# 2. **Frozen ImageNet features + a new head**: MobileNetV2 trained on ImageNet, frozen; only a
#    new classifier learns (lecture 6-3's "feature extractor").
# 3. **Fine-tuning the top**: start from 2's trained head, then also re-train MobileNetV2's last
#    blocks at a **low** learning rate, BatchNormalization kept frozen (lecture 6-3's fine-tuning).
#
# First the scratch CNN: four convolution blocks (the first with stride 2 and every one pooled,
# to stay cheap on a CPU), BatchNormalization, global average pooling (a cat is a cat wherever it
# sits), dropout, a softmax. It flips the photos left-right at random while training
# (`RandomFlip`: a mirrored cat is still a cat). A baseline should get its best shot, so two
# details matter:
#
# - **BatchNormalization's memory.** At test time a BatchNormalization layer uses running
#   averages of the training batches' statistics. Keras updates them with `momentum=0.99`: they
#   need several hundred steps to forget their starting values. A run on 20 photos has only a
#   few hundred steps in all, so with the default the network would be *tested* with statistics
#   that do not describe the data, and could answer one class for every photo whatever it learned. With
#   `momentum=0.9` (PyTorch's default) they follow the data within tens of steps.
# - **A learning rate that settles.** At a constant rate the last epoch's test accuracy can
#   jump by many points from one epoch to the next, and a run's result would be the luck of
#   where it stopped. The scratch CNN's rate decays to zero over the run
#   (`keras.optimizers.schedules.CosineDecay`), so it ends settled.

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
from tlcourse.surgery import trainable_report

L = keras.layers

def build_scratch_cnn(num_classes, flip=True, keep_layout=False):
    # a small CNN, randomly initialised: nothing learned before; 96 x 96 RGB photos, 0..255
    def block(filters, n):
        return [L.Conv2D(filters, 3, strides=2 if n == 1 else 1, padding="same", use_bias=False,
                         name=f"conv{n}"),
                L.BatchNormalization(momentum=0.9, name=f"bn{n}"),   # statistics that catch up fast
                L.ReLU(name=f"relu{n}"), L.MaxPooling2D(name=f"pool{n}")]
    return keras.Sequential([
        keras.Input(shape=(*IMAGE_SIZE, 3), name="photo"),
        *([L.RandomFlip("horizontal", name="flip")] if flip else []),   # active in fit only
        L.Rescaling(1 / 255, name="scale_0_1"),
        *block(16, 1), *block(32, 2), *block(64, 3), *block(128, 4),
        L.Flatten(name="flatten") if keep_layout else L.GlobalAveragePooling2D(name="pool"),
        L.Dropout(0.3, name="dropout"),
        L.Dense(num_classes, activation="softmax", name="classifier"),
    ], name="scratch_cnn")

print(trainable_report(build_scratch_cnn(2)))

from tlcourse.models import scratch_cnn                   # the same CNN, in one line (notebook 07 uses it)
helper_cnn, raw_cnn = scratch_cnn(2, (*IMAGE_SIZE, 3)), build_scratch_cnn(2)
print("tlcourse.models.scratch_cnn(2) has the same layers and parameters:",
      [layer.name for layer in helper_cnn.layers] == [layer.name for layer in raw_cnn.layers]
      and helper_cnn.count_params() == raw_cnn.count_params())

# %% [markdown] slideshow={"slide_type": "subslide"}
# Then the transfer model, the lecture's recipe step by step in raw Keras:
#
# 1. the pretrained network **without its classifier**: `keras.applications.MobileNetV2(include_top=False)`
#    builds it, `load_weights` fills in ImageNet's weights from the file on this machine;
# 2. **freeze** it: `base.trainable = False`;
# 3. scale the photos the way the network saw ImageNet (`preprocess_input`: 0..255 → −1..1);
# 4. call the base with `training=False`, so its BatchNormalization layers keep their ImageNet
#    statistics;
# 5. pool each photo's feature maps into one vector and add a **new classifier**.
#
# Why not `weights="imagenet"` in the call? Keras would then download a weight file chosen by
# the input size (for MobileNetV2 at 96 × 96, the checkpoint trained at 96 px, not the 224-px
# one) — a download this offline course avoids, and a different network from the one used at
# other sizes. Convolution weights do not depend on the image size, so the 224-px file loads
# into a 96-px network: that is what the course's `imagenet_backbone` does, in one line.

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
from tlcourse.models import backbone_preprocess

base = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(*IMAGE_SIZE, 3))
base.load_weights(data.locate("mobilenet_v2_imagenet"))                 # ImageNet's weights, no top
base.trainable = False                                                  # freeze the feature extractor

inputs = keras.Input(shape=(*IMAGE_SIZE, 3), name="photo")
x = backbone_preprocess("mobilenet_v2")(inputs)                         # 0..255 -> -1..1
x = base(x, training=False)                                             # BatchNorm in inference mode
features = L.GlobalAveragePooling2D(name="pool")(x)                     # one vector per photo
outputs = L.Dense(2, activation="softmax", name="new_head")(features)    # the new classifier
transfer = keras.Model(inputs, outputs, name="transfer_mobilenet_v2")
print(trainable_report(transfer))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The scratch CNN trains all its weights; the transfer model brings millions of pretrained
# weights but **only the new head trains**. The same model with the `tlcourse` helpers, in one
# line: `freeze` sets `trainable = False` on every layer, `with_new_head` adds the pooling and the
# classifier and calls the base with `training=False` (for two classes it would choose one sigmoid
# unit; `units=2, activation="softmax"` asks for the same head as above; it does not add
# `preprocess_input`: put that step in front, as above, or feed preprocessed photos).

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
from tlcourse.surgery import freeze, with_new_head

helper = with_new_head(freeze(imagenet_backbone("mobilenet_v2", (*IMAGE_SIZE, 3))), units=2, activation="softmax")
print("same parameter counts as the hand-built model:",
      trainable_report(helper).totals == trainable_report(transfer).totals, trainable_report(helper).totals)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### A frozen network needs to run only once
#
# A frozen layer turns a photo into the **same** output in every epoch. So run the frozen part
# **once** per photo with `predict`, keep its outputs, and train only what comes after. For way
# 3 the network is cut in two after `block_12_add`: the **bottom** (frozen in every way) runs
# once; the **top** (blocks 13–16 and `Conv_1`, the layers that work on the smallest, most
# abstract maps) is what fine-tuning re-trains. Way 2 needs the top's pooled output, computed
# once too with the top still frozen. Both are the same training as `fit` on the whole model —
# the frozen layers would compute these very numbers — in a fraction of the time on a CPU.

# %% slideshow={"slide_type": "-"}
CUT = "block_12_add"                                      # the last layer of the bottom
up_to_cut = keras.Model(base.input, base.get_layer(CUT).output)   # base's layers up to the cut
bottom = keras.Model(inputs, up_to_cut(backbone_preprocess("mobilenet_v2")(inputs)), name="bottom")
top = keras.Model(base.get_layer(CUT).output, base.output, name="top")   # shares base's layers
pooled_top = keras.Sequential([keras.Input(top.input.shape[1:]), top, L.GlobalAveragePooling2D()])

start = time.perf_counter()
a_pool = bottom.predict(x_pool, verbose=0)                # photo -> activations at the cut, once
a_test = bottom.predict(x_test, verbose=0)
seconds_per_photo = (time.perf_counter() - start) / (len(x_pool) + len(x_test))
f_pool = pooled_top.predict(a_pool, verbose=0)            # -> the frozen network's features
f_test = pooled_top.predict(a_test, verbose=0)
print(f"bottom: {len(bottom.layers)} layers -> {a_pool.shape[1:]} per photo; top: {len(top.layers)} layers "
      f"-> {f_pool.shape[1]} features per photo; {1000 * seconds_per_photo:.1f} ms per photo, once")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Is a head trained on cached features really the classifier of the photo model? Train one for
# a moment, copy its weights into `transfer` with `set_weights`, and let the whole model classify
# raw test photos:

# %% slideshow={"slide_type": "-"}
head = keras.Sequential([keras.Input(shape=f_pool.shape[1:]), L.Dense(2, activation="softmax", name="new_head")])
head.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy")
head.fit(f_pool, y_pool, epochs=1, verbose=0)
transfer.get_layer("new_head").set_weights(head.get_layer("new_head").get_weights())
gap = np.abs(transfer.predict(x_test[:32], verbose=0) - head.predict(f_test[:32], verbose=0)).max()
print(f"largest difference, whole model on photos vs head on cached features: {gap:.1e}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ### One training recipe per way, the same for every size
#
# Each run gets `n` photos (half cats, half dogs, drawn with the run's seed), the same for all
# three ways. No early stopping and no tuning on the test photos: fixed recipes, written down
# here. An "epoch" shows the model at least 256 photos (a 20-photo set is repeated 13 times), so
# every way gets enough steps however small `n` is.
#
# - scratch: Adam from 1e-3 decaying to 0 (cosine), 15 epochs, batch 32;
# - frozen features + head: Adam 1e-3, 15 epochs, on the cached features;
# - fine-tuning: start from that trained head, Adam **1e-4**, 5 epochs, on the cached
#   activations at the cut; every run starts again from ImageNet's weights.

# %% slideshow={"slide_type": "-"}
EPOCHS_NEW, EPOCHS_FT = fast_or_full(5, 15), fast_or_full(2, 5)

def draw(n, seed):
    # n photos of the pool, half of each class, chosen with seed
    rng = np.random.default_rng(seed)
    return rng.permutation(np.concatenate([rng.choice(np.flatnonzero(y_pool == c), n // 2, replace=False)
                                           for c in (0, 1)]))

def repeated(x, y, minimum=256):
    # repeat a small training set so that one epoch shows at least `minimum` photos
    times = -(-minimum // len(y))
    return np.concatenate([x] * times), np.concatenate([y] * times)

def fit(model, x, y, epochs, learning_rate, callbacks=(), decay=False):
    x, y = repeated(x, y)
    if decay:                                             # from learning_rate down to 0 over the run
        learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, epochs * -(-len(y) // 32))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, callbacks=list(callbacks))
    return time.perf_counter() - start

top_weights = top.get_weights()                           # ImageNet's, to start every fine-tuning from

def fine_tune_model(head):
    # the top (BN frozen) + pooling + a copy of the trained head, on activations at the cut
    top.set_weights(top_weights)
    for layer in top.layers:
        layer.trainable = not isinstance(layer, L.BatchNormalization)
    a = keras.Input(shape=a_pool.shape[1:])
    new_head = L.Dense(2, activation="softmax", name="new_head")
    model = keras.Model(a, new_head(L.GlobalAveragePooling2D()(top(a, training=False))))
    new_head.set_weights(head.get_layer("new_head").get_weights())
    return model

def accuracy(model, x, y, batch=500):
    # calling the model directly (inference mode): no new predict function per model and run
    probabilities = np.concatenate([keras.ops.convert_to_numpy(model(x[i:i + batch], training=False))
                                    for i in range(0, len(x), batch)])
    return float(np.mean(np.argmax(probabilities, axis=1) == y))


# %% slideshow={"slide_type": "subslide"}
def three_ways(n, seed, clocks=None):
    # one run: the same n photos for all three ways; test accuracy and training seconds of each
    idx = draw(n, seed)
    y = y_pool[idx]
    clocks = clocks or {}
    seed_everything(seed)
    scratch = build_scratch_cnn(2)
    s_scratch = fit(scratch, x_pool[idx], y, EPOCHS_NEW, 1e-3, clocks.get("scratch", ()), decay=True)
    seed_everything(seed)
    head = keras.Sequential([keras.Input(shape=f_pool.shape[1:]), L.Dense(2, activation="softmax", name="new_head")])
    s_head = fit(head, f_pool[idx], y, EPOCHS_NEW, 1e-3, clocks.get("features", ()))
    seed_everything(seed)
    tuned = fine_tune_model(head)
    s_tune = fit(tuned, a_pool[idx], y, EPOCHS_FT, 1e-4, clocks.get("fine-tuning", ()))
    result = {"scratch": accuracy(scratch, x_test, y_test), "features": accuracy(head, f_test, y_test),
              "fine-tuning": accuracy(tuned, a_test, y_test), "scratch s": s_scratch,
              "features s": n * seconds_per_photo + s_head,                 # its share of the one pass
              "fine-tuning s": n * seconds_per_photo + s_head + s_tune}     # ... and the head first
    for layer in top.layers:
        layer.trainable = False                           # leave the shared layers frozen ...
    top.set_weights(top_weights)                          # ... and as ImageNet made them
    return result

seed_everything(SEED)
print({k: round(v, 3) for k, v in three_ways(20, SEED).items()})

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · The data-efficiency curve
#
# The whole comparison at four training-set sizes, from 20 photos to 1,000, three seeds each (a
# new draw of photos and new initial weights per seed, the same for all three ways). The largest
# size is half the pool of 2,000, so that each seed still draws its own photos (with the whole
# pool every seed would train on the same ones), and so that 36 training runs fit in minutes on a
# 2-core CPU.
# Each point is the mean test accuracy on the same test photos; the band is ± one standard
# deviation over the seeds. The x axis is logarithmic: each step multiplies the data.

# %% slideshow={"slide_type": "-"}
from tlcourse.experiments import run_seeds

SIZES = fast_or_full([20, 100], [20, 50, 200, 1000])
SEEDS = [SEED + i for i in range(fast_or_full(2, 3))]
WAYS = ("scratch", "features", "fine-tuning")
LARGEST = SIZES[-1]

class TestAccuracyClock(keras.callbacks.Callback):
    # after every epoch: training seconds so far (the test pass is not on the clock) and test accuracy
    def __init__(self, x, y, start=0.0):
        super().__init__()
        self.x, self.y, self.seconds, self.points = x, y, start, []
    def on_epoch_begin(self, epoch, logs=None):
        self.began = time.perf_counter()
    def on_epoch_end(self, epoch, logs=None):
        self.seconds += time.perf_counter() - self.began
        self.points.append((self.seconds, accuracy(self.model, self.x, self.y)))

clocks = {"scratch": [TestAccuracyClock(x_test, y_test)],
          "features": [TestAccuracyClock(f_test, y_test, LARGEST * seconds_per_photo)],
          "fine-tuning": [TestAccuracyClock(a_test, y_test)]}
curve = {}
start = time.perf_counter()
for n in SIZES:
    timed = clocks if n == LARGEST else None           # the clocks ride along on the largest size's first seed
    curve[n] = run_seeds(lambda seed: three_ways(n, seed, timed if seed == SEEDS[0] else None), SEEDS)
    print(f"n = {n:>5}: " + ", ".join(f"{w} {100 * curve[n].mean(w):.1f} %" for w in WAYS)
          + f"  ({time.perf_counter() - start:.0f} s so far)")

# %% slideshow={"slide_type": "subslide"}
import matplotlib.pyplot as plt

LABELS = {"scratch": "from scratch: small CNN", "features": "frozen ImageNet features + new head",
          "fine-tuning": "fine-tuning the top (Adam 1e-4)"}
fig, ax = plt.subplots(figsize=(7.5, 4.2))
for way, color in zip(WAYS, ("C0", "C1", "C2")):
    mean = np.array([100 * curve[n].mean(way) for n in SIZES])
    sd = np.array([100 * curve[n].sd(way) for n in SIZES])
    ax.plot(SIZES, mean, "o-", color=color, label=LABELS[way])
    ax.fill_between(SIZES, mean - sd, mean + sd, color=color, alpha=0.2)
ax.axhline(50, color="0.5", ls=":", lw=1, label="chance (50 %)")
ax.set_xscale("log")
ax.set_xticks(SIZES, [str(n) for n in SIZES])
ax.set_xlabel("training photos (log scale)")
ax.set_ylabel(f"test accuracy, % ({len(y_test):,} photos)")
ax.set_title(f"Dogs vs cats at 96 px: accuracy vs training photos, mean ± sd of {len(SEEDS)} seeds")
ax.grid(alpha=0.3)
ax.legend(loc="center right", fontsize=8);

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The numbers behind the curve

# %% slideshow={"slide_type": "-"}
print(f"{'photos':>7}  " + "  ".join(f"{w + ' %':>16}" for w in WAYS) + "   seconds (scratch / features / fine-tuning)")
for n in SIZES:
    cells = [f"{100 * curve[n].mean(w):6.1f} ± {100 * curve[n].sd(w):4.1f}".rjust(16) for w in WAYS]
    secs = " / ".join(f"{curve[n].mean(w + ' s'):.0f}" for w in WAYS)
    print(f"{n:>7}  " + "  ".join(cells) + f"   {secs}")
print(f"{len(SEEDS)} seeds per size, {len(y_test):,} test photos")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the curve says, computed
#
# The verdicts compare the ways seed by seed (the same photos within a seed): "better" only if the
# 95 % interval of the differences is above zero. And how much data would scratch need to catch
# up? Fit a straight line to scratch's accuracy against log(photos) over the sizes where it has
# left chance (above 55 %) and follow it until it reaches what the frozen features reach: an
# extrapolation, so read it as an order of magnitude, not a promise.

# %% slideshow={"slide_type": "-"}
smallest = SIZES[0]
print(f"with {smallest} photos:", curve[smallest].paired_difference("features", "scratch").verdict())
print(f"with {LARGEST:,} photos:", curve[LARGEST].paired_difference("features", "scratch").verdict())
print(f"fine-tuning vs frozen features, {LARGEST:,} photos:",
      curve[LARGEST].paired_difference("fine-tuning", "features").verdict())
beaten = [n for n in SIZES if curve[smallest].mean("features") > curve[n].mean("scratch")]
print(f"frozen features from {smallest} photos ({100 * curve[smallest].mean('features'):.1f} %) beat scratch "
      f"at {len(beaten)} of {len(SIZES)} sizes, up to {max(beaten, default=0):,} photos")

learned = [n for n in SIZES if curve[n].mean("scratch") > 0.55]
if len(learned) >= 2:
    slope, intercept = np.polyfit(np.log10(learned), [curve[n].mean("scratch") for n in learned], 1)
    for target_n in (smallest, LARGEST):
        goal = curve[target_n].mean("features")
        needed = 10 ** ((goal - intercept) / slope) if slope > 0 else float("inf")
        print(f"scratch gains {100 * slope:.1f} points per 10x photos; to reach the frozen features' "
              f"{100 * goal:.1f} % (from {target_n:,} photos) it would need about {needed:,.0f} photos")
else:
    print("scratch did not leave chance at enough sizes to extrapolate")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · "Converges faster", measured fairly
#
# Lecture 6-3 says fine-tuning starts near the optimum and converges faster than training from
# scratch. Counting **epochs** flatters transfer: its epochs start only after the pretrained
# network has run over the photos, and fine-tuning starts only after the head was trained. So
# count **seconds** instead, for the first seed at the largest size: the clock of frozen features
# starts with its share of the one pass through the network, and fine-tuning's clock starts where
# the head's stopped. Test accuracy after every epoch (the test pass itself is not on the clock).

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(7.5, 4.2))
starts = {"scratch": 0.0, "features": LARGEST * seconds_per_photo,
          "fine-tuning": clocks["features"][0].points[-1][0]}    # fine-tuning starts after the head
for way, color in zip(WAYS, ("C0", "C1", "C2")):
    points = clocks[way][0].points
    offset = starts[way] if way == "fine-tuning" else 0.0       # the other two clocks hold their start
    ax.plot([offset + s for s, _ in points], [100 * a for _, a in points], "o-", ms=3,
            color=color, label=LABELS[way])
    if starts[way]:
        ax.axvline(starts[way], color=color, lw=0.8, ls=":")    # where this way's first epoch begins
ax.axhline(50, color="0.5", ls=":", lw=1)
ax.set_xscale("symlog", linthresh=1)
ax.set_xlabel("training seconds on this CPU, frozen passes included (symlog scale)")
ax.set_ylabel("test accuracy, %")
ax.set_title(f"Dogs vs cats, {LARGEST:,} photos, seed {SEEDS[0]}: test accuracy against wall-clock time")
ax.grid(alpha=0.3)
ax.legend(loc="lower right", fontsize=8);


# %% slideshow={"slide_type": "subslide"}
def seconds_to(way, level):
    points = clocks[way][0].points
    offset = starts[way] if way == "fine-tuning" else 0.0
    return next((offset + s for s, a in points if a >= level), float("nan"))

best_scratch = max(a for _, a in clocks["scratch"][0].points)
for way in WAYS:
    first_s, first_a = clocks[way][0].points[0]
    first_s += starts[way] if way == "fine-tuning" else 0.0
    print(f"{way:<12} first epoch done at {first_s:6.1f} s with {100 * first_a:5.1f} %; "
          f"reaches scratch's best ({100 * best_scratch:.1f} %) at {seconds_to(way, best_scratch):6.1f} s; "
          f"last: {100 * clocks[way][0].points[-1][1]:.1f} % at "
          f"{(starts[way] if way == 'fine-tuning' else 0.0) + clocks[way][0].points[-1][0]:.0f} s")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How to read it
#
# - **Data**: on the lecture's own example, the pretrained network is decisive when photos are
#   few. Frozen ImageNet features from 20 photos beat a CNN trained from scratch on many times
#   more (the line above says up to how many), and the extrapolation says scratch would need far
#   more photos than the whole pool holds to match what the features reach from the largest size.
# - **A fair baseline**: the scratch CNN learns at every size here, above chance from 20 photos on,
#   because its BatchNormalization statistics keep up with the data and its learning rate settles
#   (section 4 says why both matter most for small sets).
# - **Time**: even with the frozen pass on the clock, transfer reaches in seconds what scratch
#   does not reach in its whole run.
# - **Fine-tuning** the top adds little over frozen features here, and not reliably: the verdict
#   line at the largest size says whether it is more than noise, and with very few photos it
#   varies most from seed to seed.
# - Why so decisive here? ImageNet *is* full of cats and dogs: the source and target are
#   similar. The next case is not.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 · A second case: hand signs, far from ImageNet
#
# Dogs and cats are ImageNet's own kind of photo. The Sign Language Digits are not: 2,062 RGB
# photos of one hand on a plain background showing 0–9, a task ImageNet never had. The same
# two kinds of model (a CNN from scratch, frozen features + a new head), the same input size
# (96 × 96, close to the photos' own 100 × 100). `data.load` splits them **stratified** (each digit in the same proportion in
# every part). We keep large validation and test sets (15 % and 25 %), so the accuracies we
# compare are measured on hundreds of photos, not a lucky few.

# %% slideshow={"slide_type": "-"}
PER_CLASS = 30                                  # the small target training set: 30 photos per digit
EPOCHS = fast_or_full(6, 20)                    # the same number of epochs for both models
SEEDS = [SEED + i for i in range(fast_or_full(2, 3))]
THRESHOLD = 0.75                                # "learned the task": validation accuracy to reach

split = data.load("sign_language_digits", image_size=IMAGE_SIZE, val_size=0.15, test_size=0.25,
                  limit_per_class=fast_or_full(60, None))
print(f"epochs: {EPOCHS}, seeds: {SEEDS}")


# %% [markdown] slideshow={"slide_type": "subslide"}
# The training part is still far more than "little data". The lecture's point is a target
# task with **few** photos, so each run draws only 30 photos per digit from it — 300 in all.
# A seed decides which 300, so a different seed gives a different small training set, while
# validation and test photos stay the same.

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
def draw_small_train(seed, per_class=PER_CLASS):
    # per_class training photos of every digit, drawn with `seed`
    rng = np.random.default_rng(seed)
    index = np.concatenate([rng.choice(np.flatnonzero(split.y_train == c), per_class, replace=False)
                            for c in range(len(split.class_names))])
    return split.x_train[index], split.y_train[index]

x_small, y_small = draw_small_train(SEED)
print("classes:", split.class_names)
print(f"small training set: {len(y_small)} photos of shape {x_small.shape[1:]}, "
      f"per class {np.bincount(y_small).tolist()}")

# %% slideshow={"slide_type": "subslide"}
from tlcourse.plots import show_images

show_images(x_small, y_small, split.class_names, per_class=3,
            title="The target task: 3 of the 30 training photos of each digit");

# %% [markdown] slideshow={"slide_type": "slide"}
# ### From scratch and with frozen features, as for the pets
#
# The same scratch CNN with two changes a hand sign asks for: it keeps the layout of its last
# feature maps (`Flatten` instead of global pooling: *where* the fingers are is the digit) and
# it does not mirror the photos (a mirrored hand can show another sign). And the same frozen MobileNetV2 features (the `bottom` and pooled `top` of section 4, computed once
# per photo) with a new `Dense(10)` head. Both train on the same 300 photos with Adam (`learning_rate=1e-3`, the Keras 3 name;
# `lr=` no longer exists; for the scratch CNN decaying to 0 as for the pets), watching the validation accuracy after every epoch.

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
print(trainable_report(build_scratch_cnn(10, flip=False, keep_layout=True)))


# %% slideshow={"slide_type": "subslide"}
def train_scratch(x, y, seed):
    # from scratch: random weights, all of them trained; returns model, history, seconds
    seed_everything(seed)
    model = build_scratch_cnn(10, flip=False, keep_layout=True)
    rate = keras.optimizers.schedules.CosineDecay(1e-3, EPOCHS * -(-len(y) // 16))   # settles, as for the pets
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    history = model.fit(x, y, validation_data=(split.x_val, split.y_val),
                        epochs=EPOCHS, batch_size=16, verbose=0)
    return model, history.history, time.perf_counter() - start

def frozen_features(x):
    return pooled_top.predict(bottom.predict(x, verbose=0), verbose=0)

f_val, f_test_signs = frozen_features(split.x_val), frozen_features(split.x_test)

def train_transfer(x, y, seed):
    # transfer: frozen ImageNet features (computed once) + a new head; returns head, history, seconds
    start = time.perf_counter()
    f_train = frozen_features(x)
    seed_everything(seed)
    head = keras.Sequential([keras.Input(shape=f_train.shape[1:]),
                             L.Dense(10, activation="softmax", name="new_head")], name="head")
    head.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                 loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = head.fit(f_train, y, validation_data=(f_val, split.y_val),
                       epochs=EPOCHS, batch_size=16, verbose=0)
    return head, history.history, time.perf_counter() - start

scratch, h_scratch, s_scratch = train_scratch(x_small, y_small, SEED)
acc_scratch = scratch.evaluate(split.x_test, split.y_test, verbose=0)[1]
head, h_transfer, s_transfer = train_transfer(x_small, y_small, SEED)
acc_transfer = head.evaluate(f_test_signs, split.y_test, verbose=0)[1]
print(f"from scratch: {s_scratch:.0f} s, test accuracy {acc_scratch:.1%}; transfer: {s_transfer:.0f} s "
      f"(features included), test accuracy {acc_transfer:.1%} on {len(split.y_test)} photos (chance: 10%)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Learning curves on one plot
#
# Same 300 photos, same epochs. Solid lines: accuracy on the training photos; dashed: on the
# validation photos (never trained on). The dotted line marks the threshold the table below
# counts epochs to.

# %% slideshow={"slide_type": "-"}
from tlcourse.plots import plot_history

ax = plot_history({"from scratch: small CNN": h_scratch,
                   "transfer: frozen ImageNet MobileNetV2 + new head": h_transfer},
                  title=f"Sign digits, {len(y_small)} training photos (seed {SEED}): accuracy per epoch")
ax.axhline(THRESHOLD, color="0.4", lw=1, ls=":")
ax.set_ylim(0, 1.02)
ax.set_ylabel("accuracy (solid: training, dashed: validation)")
ax.legend(loc="lower right", fontsize=8);


# %% [markdown] slideshow={"slide_type": "subslide"}
# What the curves say, read off the histories rather than by eye:

# %% slideshow={"slide_type": "-"}
def epochs_to(history, threshold=THRESHOLD):
    # first epoch (1-based) whose validation accuracy reaches threshold; NaN if none does
    reached = np.flatnonzero(np.asarray(history["val_accuracy"]) >= threshold)
    return float(reached[0] + 1) if len(reached) else float("nan")

def when(epochs):
    return f"epoch {epochs:.0f}" if epochs == epochs else f"not within {EPOCHS} epochs"

for name, h in (("scratch", h_scratch), ("transfer", h_transfer)):
    val = h["val_accuracy"]
    print(f"{name:<9} validation accuracy after epoch 1: {val[0]:6.1%}, best: {max(val):6.1%}, "
          f"last: {val[-1]:6.1%}; reaches {THRESHOLD:.0%}: {when(epochs_to(h))}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Compare the first epoch: the new head starts on features that already describe shapes and
# textures, far above chance, while the scratch CNN first has to learn what an edge is from 300
# photos. That is the lecture's "start near the optimum" (6-3, advantages of fine-tuning).
# Whether it also reaches the threshold in fewer epochs, and how each model **ends**, one seed
# cannot say: the next section repeats the whole comparison.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### One seed is an anecdote: several seeds
#
# Per seed: a new draw of the 300 training photos (the **same** photos for both models, so
# the comparison is **paired**), new random initial weights, new shuffling. Both models are
# evaluated on the same test photos. `run_seeds` collects each seed's numbers; the first seed
# is the run above, reused rather than trained again.

# %% slideshow={"slide_type": "subslide"}
from tlcourse.experiments import run_seeds

curves = {SEED: (h_scratch, h_transfer)}           # seed -> validation curves, for the plot
done = {SEED: (acc_scratch, acc_transfer, s_scratch, s_transfer)}

def experiment(seed):
    if seed not in done:
        x, y = draw_small_train(seed)              # this seed's 300 photos, for both models
        model, h_s, s_s = train_scratch(x, y, seed)
        head, h_t, s_t = train_transfer(x, y, seed)
        curves[seed] = (h_s, h_t)
        done[seed] = (model.evaluate(split.x_test, split.y_test, verbose=0)[1],
                      head.evaluate(f_test_signs, split.y_test, verbose=0)[1], s_s, s_t)
    acc_s, acc_t, s_s, s_t = done[seed]
    h_s, h_t = curves[seed]
    return {"scratch": acc_s, "transfer": acc_t,
            "scratch epochs": epochs_to(h_s), "transfer epochs": epochs_to(h_t),
            "scratch s": s_s, "transfer s": s_t}

results = run_seeds(experiment, SEEDS, verbose=True)


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The numbers in one table
#
# Mean ± sd over the seeds. "Epochs to …" averages over the seeds that reached the threshold
# and says how many did. The training time includes the transfer model's feature extraction
# of its 300 photos; the scratch time includes checking the validation photos after every
# epoch, where the transfer head checks their cached features.

# %% slideshow={"slide_type": "-"}
def mean_sd(metric, scale=1.0, digits=1):
    return f"{scale * results.mean(metric):.{digits}f} ± {scale * results.sd(metric):.{digits}f}"

def epochs_text(metric):
    values = results.values(metric)
    reached = values[~np.isnan(values)]
    if not len(reached):
        return f"never ({EPOCHS} epochs)"
    return f"{reached.mean():.1f} ({len(reached)}/{len(values)} seeds)"

params = {"scratch": trainable_report(build_scratch_cnn(10, flip=False, keep_layout=True)).totals["trainable"],
          "transfer": head.count_params()}
header = ["model", "test accuracy %", f"epochs to {THRESHOLD:.0%} val.", "training s", "trainable params"]
rows = [[name, mean_sd(name, 100), epochs_text(f"{name} epochs"), mean_sd(f"{name} s", digits=0),
         f"{params[name]:,}"] for name in ("scratch", "transfer")]
widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
for row in [header, *rows]:
    print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))
print(f"{len(SEEDS)} seeds, {PER_CLASS * len(split.class_names)} training photos each, "
      f"{len(split.y_test)} test photos")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The verdict, computed from the numbers
#
# Accuracy: the mean of the per-seed differences with its 95 % confidence interval; "better"
# only if the whole interval is above zero. Speed: the ratio of training times and of epochs
# to the threshold, per seed.

# %% slideshow={"slide_type": "-"}
print("accuracy:", results.paired_difference("transfer", "scratch").verdict())

ratio = results.values("scratch s") / results.values("transfer s")
print(f"time:     transfer trained {ratio.mean():.1f}x faster than scratch on average "
      f"(range {ratio.min():.1f}x to {ratio.max():.1f}x); faster in {int((ratio > 1).sum())} of {len(ratio)} seeds.")

print(f"weights:  transfer trains {params['scratch'] / params['transfer']:.0f}x fewer weights "
      f"({params['transfer']:,} vs {params['scratch']:,}).")

e_s, e_t = results.values("scratch epochs"), results.values("transfer epochs")
sooner = int(np.sum(~np.isnan(e_t) & (np.isnan(e_s) | (e_t < e_s))))
print(f"epochs:   transfer reached {THRESHOLD:.0%} validation accuracy in fewer epochs than scratch "
      f"in {sooner} of {len(SEEDS)} seeds.")

# %% [markdown] slideshow={"slide_type": "-"}
# Every seed's validation curve on one plot: thin lines are single seeds, thick lines their
# mean. The spread between thin lines of one colour is how much one run can be luck.

# %% slideshow={"slide_type": "subslide"}
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7, 4))
epochs = np.arange(1, EPOCHS + 1)
for i, (label, color) in enumerate((("from scratch", "C0"), ("transfer", "C1"))):
    val = np.array([curves[seed][i]["val_accuracy"] for seed in SEEDS])
    for row in val:
        ax.plot(epochs, row, color=color, lw=0.8, alpha=0.5)
    ax.plot(epochs, val.mean(axis=0), color=color, lw=2.5, label=f"{label}: mean of {len(SEEDS)} seeds")
ax.axhline(THRESHOLD, color="0.4", lw=1, ls=":", label=f"{THRESHOLD:.0%} threshold")
ax.set_title(f"Validation accuracy per epoch, {len(SEEDS)} seeds (thin: one seed each)")
ax.set_xlabel("epoch")
ax.set_ylabel("validation accuracy")
ax.set_ylim(0, 1.02)
ax.grid(alpha=0.3)
ax.legend(loc="lower right");

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How to read it
#
# The lecture promises two things: faster learning and higher accuracy. Check each against
# its own line above.
#
# - **Speed** has three measures here, and they need not agree. Seconds and trainable weights
#   favour transfer: only a small head trains, on features the frozen base computed once per
#   photo. Epochs to the threshold need not: on these simple photos the fairly trained scratch
#   CNN gets there in a handful of epochs — transfer's epochs are cheap, not necessarily few.
# - **Final accuracy**: transfer guarantees a good *start*, not a higher *finish*. How it ends
#   depends on how close the target is to the source, how much target data there is, and how
#   much of the network may adapt. Hand signs are not an ImageNet class — seed 001's hard
#   corner, "little data, different distribution" — while the photos themselves are simple
#   (one hand, plain background), which a small CNN can learn from 300 examples. Compare the
#   pets, where source and target are similar: there the same recipe decided the task. So
#   read the verdict line, not the lecture's promise.
# - Going further: fine-tuning some pretrained layers (notebook 04) and choosing how much to
#   freeze for which data (notebook 07, which measures the lecture's table with this same
#   ImageNet network on dogs vs cats and on these hand signs).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 01.2 — Read a verdict from five seeds
#
# The verdict above says "better" only when the whole 95 % interval of the per-seed
# differences is above zero. Apply the rule to other numbers: a classmate ran this comparison
# with five seeds (the same 300 photos for both models within a seed) and got these test
# accuracies:
#
# ```python
# scratch  = [0.712, 0.745, 0.690, 0.781, 0.733]
# transfer = [0.744, 0.760, 0.718, 0.741, 0.752]
# ```
#
# Transfer won four of the five seeds. Is it **better**, **worse**, or is there **no clear
# difference**? Compute it — with `SeedResults` (from `tlcourse.experiments`) and
# `paired_difference` as in section 7, or by hand — and answer with the numbers that decide and
# the verdict they give: a dict with the mean of the per-seed differences transfer − scratch
# **in points**, its 95 % interval `(low, high)` in points, and one of the strings `"better"`,
# `"worse"`, `"no clear difference"`.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: {"mean": ..., "ci95": (..., ...), "verdict": "..."}
check("01.2", answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 01.3 — Between two points of the curve: does fine-tuning pay at 100 photos?
#
# Back to dogs vs cats and the curve of section 5. In a full run the curve ran 20, 50, 200 and 1,000 photos;
# between 50 and 200 it says nothing measured. Run the three ways yourself at **100 photos**
# with the notebook's seeds — one call, `run_seeds(lambda seed: three_ways(100, seed), SEEDS)`,
# about a minute — and compare
# **fine-tuning** with **frozen features** seed by seed: `paired_difference("fine-tuning", "features")`
# gives the mean difference and its 95 % interval. Is fine-tuning **better**, **worse**, or is
# there **no clear difference** at 100 photos? Decide from the interval, as section 5's verdicts
# do, not from the means or from how many seeds it won.
#
# `answer` is a dict: `{"photos": 100, "results": <what run_seeds returned>, "conclusion": ...}`,
# the conclusion one of `"better"`, `"worse"`, `"no clear difference"`. The check re-runs the
# cheap way (the frozen features' head, a few seconds, more in full mode) for every seed and
# compares.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: {"photos": 100, "results": ..., "conclusion": "..."}
check("01.3", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8 · Recap
#
# - **Transfer learning** (전이 학습): reuse what a network learned on a **source / upstream**
#   task with a lot of data (ImageNet) for a **target / downstream** task with little data.
# - Two stages: **pretraining** on the large data set (done for us: we download the weights),
#   then **fine-tuning** on the target — here in its smallest form: a frozen base and a new head.
# - In Keras: `imagenet_backbone(...)` (= `keras.applications.MobileNetV2(include_top=False)` +
#   ImageNet weights) → `base.trainable = False` → `preprocess_input` → `base(x, training=False)`
#   → `GlobalAveragePooling2D` → `Dense(k, "softmax")` → `compile` → `fit`. One line with the
#   helpers: `with_new_head(freeze(base), num_classes=k)`.
# - A frozen part gives the same output every epoch: compute it once with `predict`; to
#   fine-tune the top, cut the network and cache the bottom's activations.
# - Dogs vs cats (similar to ImageNet): the pretrained network decides the task when photos
#   are few; measured as a curve over training-set sizes and seeds, and in seconds, not epochs.
# - Hand signs (far from ImageNet, simple photos): transfer helps less; the verdict is computed,
#   not assumed.
# - Measure both promises, speed and accuracy, over several seeds with the same photos for
#   both models, and let the numbers choose the verdict.
# - Exercises 01.1, 01.2 and 01.3: `check("01.1", answer)` says what is right or wrong; instructors
#   reveal a solution with `solution("01.1")` (from `tlcourse.exercises`).
#
# Next: [6-2 Why it works](../README.md#lecture-6-2-why-it-works) — what the pretrained
# layers have learned (`02_why_it_works_features.ipynb`), and
# [6-3 Three ways to transfer](../README.md#lecture-6-3-three-ways-to-transfer)
# (`03_three_ways_to_transfer.ipynb`).
