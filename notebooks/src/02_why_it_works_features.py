# %% [markdown] slideshow={"slide_type": "slide"}
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tlcourse/tlcourse/blob/main/notebooks/02_why_it_works_features.ipynb)
#
# # 02 · Why it works: what the layers learned
#
# **What you will learn**
# - the lecture's claim, checked on real networks: early layers learn **low-level** features
#   (edges, colour blobs) that almost any task can use, late layers **high-level** features
#   specific to the task they were trained for;
# - how to *look* at a network: its first-layer **filters**, and the **feature maps** of every
#   convolution layer for one real photo — ImageNet-pretrained vs the same network with random
#   weights, side by side;
# - how to get every layer's output from **one** multi-output Keras model
#   (`keras.Model(inputs, [outputs...])`), then the `tlcourse.features` helpers that do it in a call;
# - the **layer-transferability curve**: reuse the first *k* layers, train the rest on a new task,
#   measure the accuracy for each *k* — over several seeds — and read general vs specific off it.
#
# Lecture: [6-2 Why it works](../README.md#lecture-6-2-why-it-works) (seed 000, section 6-2,
# and the cases of seed 004).

# %% slideshow={"slide_type": "skip"}
# Colab only: install the course from its repository (does nothing elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "tlcourse @ git+https://github.com/tlcourse/tlcourse"], check=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · The claim, and how we check it
#
# Lecture 6-2: a network trained on enough data has already learned a whole range of features,
# from **low-level** ones such as edges and corners (모서리, 꼭짓점) to **mid- and high-level**
# ones such as circles, squares or wheels. That is why starting from it trains faster and ends
# better than starting from scratch. And:
#
# - **low-level features** (저수준 특징) are general information that almost every other task
#   can use;
# - **high-level features** (고수준 특징) are specialised for the original task and hard to
#   reuse.
#
# Seed 004 turns this into advice: with little data that is *different* from the original,
# keep the early layers and re-train from "somewhere early in the network".
#
# This notebook does not take that on trust. It measures it, four ways:
#
# 1. the **first-layer filters** of a pretrained and a random network (section 3);
# 2. the **feature maps** of every convolution layer for one photo (section 4);
# 3. **layer transferability** on a small CNN: reuse the first *k* layers, re-train the rest
#    (section 5);
# 4. the same question at ImageNet scale: how good are the features at each depth of MobileNetV2
#    for hand-sign photos (section 6)?

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Set-up
#
# Fast mode (`TLCOURSE_FAST=1`, used by the tests) runs the same cells on fewer images, with
# fewer epochs and seeds; the stored outputs come from a full run. The photo, the networks and
# the image size are the same in both modes.

# %% slideshow={"slide_type": "-"}
import tlcourse                      # first: it silences TensorFlow's start-up messages
import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from tlcourse import data
from tlcourse.config import FAST, SEED, fast_or_full, seed_everything
from tlcourse.exercises import check

tf.get_logger().setLevel("ERROR")             # no "tf.function retracing" chatter in the outputs
IMAGE_SIZE = 96                               # pixels: the hand-sign photos are 100 x 100
SEEDS = fast_or_full([SEED], [SEED, SEED + 1, SEED + 2])
FASHION_PER_CLASS = fast_or_full(60, 200)     # section 5: Fashion-MNIST images per class (half for validation)
FASHION_EPOCHS = fast_or_full(3, 10)
SIGNS_PER_CLASS = fast_or_full(30, 80)        # section 6: hand-sign photos per digit
PROBE_EPOCHS = fast_or_full(5, 10)
print(f"fast mode: {FAST} | {IMAGE_SIZE} px | seeds {SEEDS} | Fashion-MNIST {FASHION_PER_CLASS}/class, "
      f"{FASHION_EPOCHS} epochs | signs {SIGNS_PER_CLASS}/class, {PROBE_EPOCHS} epochs")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Which pretrained network?
#
# The lecture's example is **VGG16** trained on ImageNet. Are its weights on this machine?
# `locate(..., download=False)` only looks; it never downloads 59 MB behind your back. (Online,
# `data.locate("vgg16_imagenet")` downloads them; run this notebook again afterwards and
# section 3 draws VGG16's filters as well.) Either way, the experiments use **MobileNetV2**,
# whose ImageNet weights are on the machine: the same ideas, a network small enough for a CPU.

# %% slideshow={"slide_type": "-"}
from tlcourse.models import imagenet_backbone

try:
    data.locate("vgg16_imagenet", download=False)
    vgg16 = imagenet_backbone("vgg16", (IMAGE_SIZE, IMAGE_SIZE, 3))
    print("VGG16 ImageNet weights found: section 3 also draws VGG16's first-layer filters; "
          "the experiments use MobileNetV2.")
except data.DataNotFoundError:
    vgg16 = None
    print("VGG16 ImageNet weights (the lecture's example) are not on this machine (offline): "
          "using MobileNetV2's ImageNet weights instead.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · One real photo, two networks
#
# The object of study: one photo of a hand showing a digit in sign language (the data set of
# notebooks 01 and 12), and two copies of the **same** MobileNetV2 architecture:
#
# - **pretrained**: the weights learned on ImageNet (1.2 million photos, 1,000 classes);
# - **random**: the same layers with their random initial weights (`weights=None`), what a
#   network trained *from scratch* starts from. Seeded, so it is the same random network every run.
#
# Neither network has ever seen a hand sign. The photo is scaled to −1..1 with
# `preprocess_input`, as the ImageNet weights expect.

# %% slideshow={"slide_type": "subslide"}
from tlcourse.models import backbone_preprocess

photos = data.load("sign_language_digits", image_size=(IMAGE_SIZE, IMAGE_SIZE), limit_per_class=4,
                   val_size=0.25, test_size=0.25)
digit = 3
photo = photos.x_train[list(photos.y_train).index(digit)]          # uint8, 96 x 96 x 3
preprocess = backbone_preprocess("mobilenet_v2")                   # 0..255 -> -1..1
x = preprocess(photo.astype("float32"))

pretrained = imagenet_backbone("mobilenet_v2", (IMAGE_SIZE, IMAGE_SIZE, 3))                # ImageNet
seed_everything(SEED)
random_net = imagenet_backbone("mobilenet_v2", (IMAGE_SIZE, IMAGE_SIZE, 3), weights=None)  # random

fig, ax = plt.subplots(figsize=(3.2, 3.4))
ax.imshow(photo)
ax.set_title(f"The photo: the digit {digit} in sign language")
ax.set_xlabel(f"{IMAGE_SIZE} pixels")
ax.set_ylabel(f"{IMAGE_SIZE} pixels");

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · First-layer filters: what the network looks for first
#
# A convolution layer slides small **kernels** (filters) over the image; each output pixel says
# how strongly the patch under it matches the kernel. The first layer's kernels work on the
# three colour channels directly, so they can be drawn as tiny RGB images. MobileNetV2's first
# layer, `Conv1`, has 32 kernels of 3 × 3 pixels × 3 colours.
#
# `plot_filters` draws them (each kernel scaled to its own range, so the pattern shows):

# %% slideshow={"slide_type": "subslide"}
from tlcourse.features import plot_filters

plot_filters(pretrained.get_layer("Conv1"), title="ImageNet-pretrained MobileNetV2: Conv1's 32 kernels")
plot_filters(random_net.get_layer("Conv1"), title="Random MobileNetV2 (not trained): Conv1's 32 kernels")
if vgg16 is not None:
    plot_filters(vgg16.get_layer("block1_conv1"), title="ImageNet-pretrained VGG16: block1_conv1")


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Reading the filters
#
# - **Pretrained**: many kernels are smooth — a flat colour (a *colour-blob* detector), a light
#   and a dark half (an *edge* at some orientation), one colour against another. These are the
#   lecture's **low-level features**; in networks with larger first kernels (AlexNet's 11 × 11)
#   they look like the Gabor filters of the visual cortex. Nothing about hand signs: ImageNet
#   taught them, and they are useful for almost any photo.
# - **Random**: every pixel of every kernel is independent noise. Such a kernel responds to no
#   particular pattern — what training from scratch starts from.
#
# "Smooth" and "noise" can be measured: in a smooth kernel, **neighbouring weights are alike**
# (positive correlation), and a kernel that looks for brightness edges gives the **three colours
# similar weights**. For random kernels both correlations are about zero.

# %% slideshow={"slide_type": "-"}
def kernel_statistics(layer):
    # mean over kernels: correlation of neighbouring weights, and between the R, G, B weights
    k = layer.get_weights()[0]                                      # (3, 3, 3 colours, 32 kernels)
    neighbours, colours = [], []
    for f in np.moveaxis(k, -1, 0):                                 # one kernel (3, 3, 3)
        a = np.concatenate([f[:, :-1].ravel(), f[:-1].ravel()])     # each weight ...
        b = np.concatenate([f[:, 1:].ravel(), f[1:].ravel()])       # ... and its right / lower neighbour
        neighbours.append(np.corrcoef(a, b)[0, 1])
        rgb = f.reshape(-1, 3).T                                    # 3 colours x 9 positions
        colours.append(np.mean([np.corrcoef(rgb[i], rgb[j])[0, 1] for i, j in ((0, 1), (0, 2), (1, 2))]))
    return np.mean(neighbours), np.mean(colours)

print(f"{'Conv1 kernels':<12}  {'neighbour corr.':>15}  {'R-G-B corr.':>11}")
for label, net in (("pretrained", pretrained), ("random", random_net)):
    neighbour, colour = kernel_statistics(net.get_layer("Conv1"))
    print(f"{label:<13} {neighbour:>15.2f}  {colour:>11.2f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · Feature maps: what each layer makes of the photo
#
# A **feature map** is one channel of a layer's output: an image that says *where* that
# channel's pattern was found. MobileNetV2 at 96 × 96 pixels has 154 layers, 52 of them
# convolutions (`Conv2D` and `DepthwiseConv2D`). Every few blocks a stride of 2 halves the
# resolution, while the number of channels grows: the network trades *where* for *what*.
#
# The table groups the 52 convolution layers by resolution (`conv_layers` lists them):

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
from tlcourse.features import conv_layers

names = conv_layers(pretrained)                                    # every convolution layer, in order
print(f"MobileNetV2 at {IMAGE_SIZE} x {IMAGE_SIZE}: {len(pretrained.layers)} layers, "
      f"{len(names)} convolution layers")
stages = {}
for i, name in enumerate(names, start=1):
    h, w, c = pretrained.get_layer(name).output.shape[1:]
    stages.setdefault((h, w), []).append((i, name, c))
print(f"\n{'maps':>9}  {'conv layers':>11}  {'channels':>10}  first ... last")
for (h, w), rows in stages.items():
    channels = sorted({c for _, _, c in rows})
    print(f"{h:>3} x {w:<3}  {rows[0][0]:>5} - {rows[-1][0]:<3}  {channels[0]:>4} - {channels[-1]:<4}  "
          f"{rows[0][1]} ... {rows[-1][1]}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### All 52 outputs from one model, the raw Keras way
#
# A Keras functional model can have **several outputs**: build one model from the network's
# input to the outputs of all 52 layers, and one `predict` runs the photo through the network
# **once** and returns all 52 activations (not 52 models, not 52 passes). The layers are shared,
# so the activations are exactly the network's own. Then the helper `feature_maps` does the
# same in one call; the last line checks that they agree.

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
from tlcourse.features import feature_maps

extractor = keras.Model(pretrained.input, [pretrained.get_layer(n).output for n in names])
raw = extractor.predict(x[np.newaxis], verbose=0)                  # a list: 52 arrays, batch of 1
print(f"one model, {len(extractor.outputs)} outputs, one predict: {names[0]} {raw[0].shape[1:]}, "
      f"..., {names[-1]} {raw[-1].shape[1:]}")

maps = feature_maps(pretrained, x)                                 # the helper: {name: map}
print("feature_maps() gives the same", len(maps), "arrays:",
      all(np.allclose(r[0], maps[n], rtol=1e-3, atol=1e-3) for r, n in zip(raw, names)))


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Every convolution layer, pretrained vs random
#
# One tile per convolution layer, numbered 1–52 from the input up; each tile is that layer's
# **strongest** channel for the photo (largest mean activation). Top: pretrained. Bottom: random.

# %% slideshow={"slide_type": "subslide"}
def plot_every_conv_layer(networks, image, cols=13):
    # one tile per conv layer (its strongest channel) for each {label: network}, stacked
    rows = -(-len(names) // cols)
    fig = plt.figure(figsize=(cols * 0.72, len(networks) * (rows * 0.78 + 0.6)), layout="constrained")
    for sub, (label, net) in zip(fig.subfigures(len(networks), 1, hspace=0.03), networks.items()):
        axes = sub.subplots(rows, cols)
        layer_names = conv_layers(net)
        activations = feature_maps(net, image)                     # {name: map}, every conv layer
        for i, ax in enumerate(axes.flat):
            ax.set_xticks([]), ax.set_yticks([])
            if i >= len(layer_names):
                ax.axis("off")
                continue
            a = activations[layer_names[i]]
            strongest = int(np.argmax(a.reshape(-1, a.shape[-1]).mean(axis=0)))
            ax.imshow(a[..., strongest], cmap="viridis")
            ax.set_title(str(i + 1), fontsize=7, pad=2)
        sub.suptitle(f"{label}: the strongest channel of each of the {len(layer_names)} convolution layers",
                     fontsize=10)
        sub.supxlabel(f"convolution layer, from the input (1) to the last ({len(layer_names)}); "
                      "left to right, row by row", fontsize=8)
        sub.supylabel(f"rows of {cols} layers", fontsize=8)
    return fig

plot_every_conv_layer({"ImageNet-pretrained": pretrained, "Random (not trained)": random_net}, x);

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Reading the strip
#
# - The **resolution** falls from 48 × 48 to 3 × 3 while the channels grow: by the last row a map
#   has 9 pixels.
# - In the **pretrained** network the hand dissolves early. Already in the first rows some maps
#   keep only its contours; from the 12 × 12 stage on, the maps are mostly patterns of blobs: each one
#   answers "is *my* pattern here?", no longer "what does the photo look like here?".
# - The **random** network keeps a blurred copy of the photo much deeper. A random filter
#   averages neighbouring pixels with random weights: every layer blurs the image a little more
#   and looks for nothing in particular.
#
# Each tile is scaled to its own colour range, so a random tile looks as busy as a pretrained
# one. Its numbers are not: the slide after the close-ups measures them.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Closer: early, middle and late layers
#
# `plot_feature_maps` shows several channels per layer, for a selection of layers (row label:
# layer name, its depth in `model.layers`, and the map's size). The same layers for both networks:
# two early (low-level), three middle, two late (high-level).

# %% slideshow={"slide_type": "subslide"}
from tlcourse.features import plot_feature_maps

CLOSER = ["Conv1", "expanded_conv_project", "block_2_project", "block_5_project", "block_9_project",
          "block_15_project", "Conv_1"]
plot_feature_maps(pretrained, x, CLOSER, max_channels=6,
                  title="ImageNet-pretrained MobileNetV2: feature maps of the photo");

# %% slideshow={"slide_type": "subslide"}
plot_feature_maps(random_net, x, CLOSER, max_channels=6,
                  title="Random MobileNetV2 (not trained): feature maps of the photo");

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Low, middle, high: the lecture's levels in the two pictures
#
# - **Low level** (`Conv1`, `expanded_conv_project`, 48 × 48): each pretrained channel responds to
#   one kind of local change — vertical edges, edges of another orientation, brightness or a
#   colour. Those are the lecture's edges and corners (모서리, 꼭짓점), and they would respond the
#   same way to any photo. The random channels are shifted, inverted or blurred copies of the photo.
# - **Middle level** (`block_2_project` to `block_9_project`, 24 × 24 to 6 × 6): the pretrained maps
#   mark parts — finger outlines, textures of the palm — then coarser blobs: patterns
#   made of the low-level ones, the lecture's circles and squares. The random maps are blurrier
#   copies, then a blob where the hand is.
# - **High level** (`block_15_project`, `Conv_1`, 3 × 3): a few pixels, hundreds of channels. For
#   the pretrained network these are what ImageNet's 1,000-class classifier read: evidence for
#   "dog's face" or "wheel", the task-specific **high-level features**. We cannot tell by looking
#   whether they are any use for hand signs; sections 5 and 6 measure it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Measured: how much signal reaches each layer?
#
# The colour scale hid one big difference: the **size** of the activations. Below, the spread
# (standard deviation) of each convolution layer's output for the photo, on a log scale.

# %% slideshow={"slide_type": "subslide"}
random_maps = feature_maps(random_net, x)
spread = {"ImageNet-pretrained": [maps[n].std() for n in names],
          "Random (not trained)": [random_maps[n].std() for n in names]}

fig, ax = plt.subplots(figsize=(8, 3.6))
for label, values in spread.items():
    ax.semilogy(range(1, len(names) + 1), values, "o-", ms=3, label=label)
ax.set_title("How much signal reaches each convolution layer (one photo)")
ax.set_xlabel("convolution layer, from the input (1) to the last (52)")
ax.set_ylabel("standard deviation of its output")
ax.grid(alpha=0.3)
ax.legend()
fig.tight_layout()
for label, values in spread.items():
    print(f"{label:<21} first layer {values[0]:.2g}, last layer {values[-1]:.2g}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# In the pretrained network the signal keeps its size, give or take a factor of ten, from the
# first layer to the last: training tuned every layer's weights and the BatchNormalization statistics so that each
# layer passes on something. In the random network it shrinks layer after layer, by many orders
# of magnitude. Read that with care: it is what an **untrained** network computes in inference
# mode, where each BatchNormalization layer uses its stored statistics — for a random network the
# initial ones, mean 0 and variance 1, so nothing is normalised and the signal fades through the
# random convolutions. Training from scratch never sees this collapse: in training mode BN
# normalises each batch with its own statistics. What the picture does show is that a random
# network's deep outputs carry nothing yet; the pretrained network brings features along, and the
# transferability curve below measures what they are worth on a new task.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 02.1 — a feature-map extractor for any model
#
# The raw cell above worked for MobileNetV2 and a list of names. Write a function
# `conv_extractor(model)` that returns **one** `keras.Model` whose outputs are the feature maps
# of **every convolution layer** of `model` (`Conv2D`, `DepthwiseConv2D`, ...), in `model.layers`
# order — for functional *and* `Sequential` models. Careful: a `Sequential` model has
# `model.inputs`, but (Keras 3.15) no `model.input` until it has been called once.
#
# `answer` is the function itself (the check runs it on two small test models of its own). Try it
# on the networks here: `conv_extractor(pretrained)` should have 52 outputs.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: a function, model -> keras.Model with one output per conv layer
check("02.1", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · Layer transferability: reuse the first *k* layers
#
# Pictures suggest; a measurement decides. The experiment of Yosinski et al. (2014, *How
# transferable are features in deep neural networks?*):
#
# 1. take a network trained on a **source** task;
# 2. keep its first *k* layers with their weights, **frozen** (transferred);
# 3. put the layers above back to **random** weights, add a new output layer, and train them on
#    the **target** task;
# 4. measure the target accuracy, for every *k*.
#
# *k* = 0 is training from scratch (nothing transferred); the largest *k* keeps everything but
# the old output layer, and only the new output layer trains. If early layers are general and
# late ones specific, accuracy should **rise** while *k* covers general layers and **fall** once
# it takes in task-specific ones.
#
# Source: the course's small CNN trained on MNIST **digits** (`load_pretrained("mnist_cnn")`,
# committed, not retrained here). Target: Fashion-MNIST **clothes** — the same 28 × 28 gray
# images, a different task — with a few hundred training images.

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
from tlcourse.models import load_pretrained
from tlcourse.surgery import reuse_layers, trainable_report

cnn = load_pretrained("mnist_cnn")                        # trained on MNIST digits
source = reuse_layers(cnn)                                # a clone without the old output layer
print("depth k = the first k layers of", source.name, "reused:")
for row in trainable_report(source).rows:                 # one row per layer: name, type, shape, params
    print(f"  k = {row['index'] + 1}: ... {row['name']:<8} {row['type']:<13} output {row['output_shape']:<17} "
          f"{row['params']:>7,} weights")


# %% [markdown] slideshow={"slide_type": "subslide"}
# Only `conv1`, `conv2` and `dense` have weights: `rescale`, the pooling layers and `flatten`
# just compute. So the curve needs four depths: *k* = 0 (nothing reused), 2 (up to `conv1`),
# 4 (up to `conv2`) and 7 (up to `dense`).
#
# The target data: Fashion-MNIST, a stratified draw of a few hundred images per class, half of
# them for validation (the accuracy we report). MNIST-style arrays are (N, 28, 28): the CNN wants
# a channel axis, `[..., np.newaxis]`.

# %% slideshow={"slide_type": "-"}
def fashion(seed):
    # a stratified draw of Fashion-MNIST, half for training and half for validation
    split = data.load("fashion_mnist", limit_per_class=FASHION_PER_CLASS, val_size=0.5, seed=seed,
                      verbose=seed == SEEDS[0])
    return split.x_train[..., np.newaxis], split.y_train, split.x_val[..., np.newaxis], split.y_val

target = fashion(SEEDS[0])
print("classes:", ", ".join(data.info("fashion_mnist").class_names))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One point of the curve, the raw Keras way: *k* = 4
#
# Reuse `rescale`, `conv1`, `pool1`, `conv2` with their MNIST weights, frozen; the layers above
# (`pool2`, `flatten`, `dense`) start again from random weights; a new 10-class output layer.
# Two clones of the CNN: one with the trained weights (`clone_model` + `set_weights`, so `cnn`
# itself is never touched), one left with fresh random weights (`clone_model` alone).

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
k = 4
seed_everything(SEEDS[0])
trained = keras.models.clone_model(cnn)                   # same layers ...
trained.set_weights(cnn.get_weights())                    # ... with the MNIST weights
fresh = keras.models.clone_model(cnn)                     # same layers, new random weights
model_k = keras.Sequential([keras.Input(shape=(28, 28, 1)),
                            *trained.layers[:k],          # transferred
                            *fresh.layers[k:-1],          # re-initialised (old output layer dropped)
                            keras.layers.Dense(10, activation="softmax", name="fashion_output")],
                           name=f"reuse_first_{k}")
for layer in model_k.layers[:k]:
    layer.trainable = False                               # freeze the transferred layers
print(trainable_report(model_k))

# %% slideshow={"slide_type": "subslide"}
model_k.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                loss="sparse_categorical_crossentropy", metrics=["accuracy"])
x_tr, y_tr, x_va, y_va = target
history = model_k.fit(x_tr, y_tr, validation_data=(x_va, y_va), epochs=FASHION_EPOCHS,
                      batch_size=64, verbose=0)
raw_accuracy = history.history["val_accuracy"][-1]
print(f"k = {k}: validation accuracy {raw_accuracy:.3f} after {FASHION_EPOCHS} epochs")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Every *k* in one call: `layer_transferability`
#
# `layer_transferability(source, data, ks, top="scratch")` does the same for each *k*: the first
# *k* layers frozen, the layers above re-initialised and trained with a new output layer (Adam,
# learning rate 1e-3, same seed for every *k*). Depths can be given as layer names. It runs the
# frozen part once per image and keeps its outputs (`ActivationCache`), so each *k* trains only
# the layers above the cut. Its *k* = 4 row repeats the raw cell; it lands close to it, not
# exactly on it, because the random weights are drawn in another order.

# %% slideshow={"slide_type": "subslide"}
from tlcourse.features import layer_transferability, plot_transferability

KS = [0, "conv1", "conv2", "dense"]                      # k = 0, 2, 4, 7
first = layer_transferability(source, target, KS, top="scratch", epochs=FASHION_EPOCHS, seed=SEEDS[0])
print(f"\nraw Keras, k = 4: {raw_accuracy:.3f} | layer_transferability, k = 4: {first.accuracy[4]:.3f}")
plot_transferability(first, title=f"MNIST CNN -> Fashion-MNIST, one seed ({SEEDS[0]})");


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Over several seeds
#
# One seed can mislead: the new random weights, the order of the images and which images were
# drawn all change the result. So the experiment runs once per seed — each seed draws other
# Fashion-MNIST images and other random weights — and we report **mean ± sd** per *k*. The
# verdict is computed from the numbers: two depths differ **clearly** only if their mean ± sd
# ranges do not overlap.

# %% slideshow={"slide_type": "subslide"}
def summarise(runs):
    # {depth: (last reused layer, mean accuracy, sd)} over the runs (one Transferability per seed)
    stats = {}
    for row in runs[0].rows:
        accuracy = np.array([run.accuracy[row.depth] for run in runs])
        stats[row.depth] = (row.layer, accuracy.mean(), accuracy.std(ddof=1) if len(runs) > 1 else 0.0)
    return stats


def print_table(stats, runs):
    seeds = f"{len(runs)} seed" + ("s" if len(runs) > 1 else "")
    print(f"{'k':>4}  {'frozen up to':<20} accuracy, mean ± sd over {seeds}")
    for depth, (layer, mean, sd) in stats.items():
        print(f"{depth:>4}  {layer:<20} {mean:.3f} ± {sd:.3f}")


def verdict(stats, runs, first_label, last_label):
    # the best depth, and how far the first and the last depth are below it
    best = max(stats, key=lambda d: stats[d][1])
    print(f"best: k = {best} (frozen up to {stats[best][0]}), {stats[best][1]:.3f} ± {stats[best][2]:.3f}")
    for depth, label in ((min(stats), first_label), (max(stats), last_label)):
        if depth == best:
            print(f"{label} (k = {depth}) is the best depth itself")
            continue
        gap = stats[best][1] - stats[depth][1]
        clear = gap > stats[best][2] + stats[depth][2]
        print(f"{label} (k = {depth}): {100 * gap:.1f} points below the best, "
              + ("but one seed has no spread to judge it by" if len(runs) < 2
                 else "clearly (the mean ± sd ranges do not overlap)" if clear
                 else "within the seed-to-seed spread (no clear difference)"))
    return best


# %% slideshow={"slide_type": "subslide"}
def plot_seeds(runs, stats, title, ax=None):
    # each seed's curve (thin) and the mean ± sd (error bars) against the depth k
    ax = ax or plt.subplots(figsize=(8, 4.2))[1]
    depths = list(stats)
    for run in runs:
        ax.plot(depths, [run.accuracy[d] for d in depths], "-", color="C0", alpha=0.25, lw=1)
    ax.errorbar(depths, [stats[d][1] for d in depths], yerr=[stats[d][2] for d in depths], fmt="o-",
                color="C0", capsize=4, label=f"mean ± sd over {len(runs)} seed" + ("s" if len(runs) > 1 else ""))
    ax.axhline(1 / runs[0].num_classes, ls=":", color="gray", label="chance")
    ax.set_xticks(depths)
    ax.set_xticklabels([f"{d}: {stats[d][0]}" for d in depths], rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0, 1.02)
    ax.set_title(title)
    ax.set_xlabel("depth k: the first k layers reused and frozen (the last of them named)")
    ax.set_ylabel("validation accuracy")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.figure.tight_layout()
    return ax


runs = [first] + [layer_transferability(source, fashion(seed), KS, top="scratch", epochs=FASHION_EPOCHS,
                                        seed=seed, verbose=False) for seed in SEEDS[1:]]
cnn_stats = summarise(runs)
plot_seeds(runs, cnn_stats, "MNIST CNN -> Fashion-MNIST: reuse the first k layers, re-train the rest");

# %% slideshow={"slide_type": "subslide"}
print_table(cnn_stats, runs)

print()
verdict(cnn_stats, runs, "from scratch", "everything reused");

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the curve says
#
# Read the verdict above against the lecture's claim:
#
# - **the convolution layers are general**: strokes and edges learned on digits help with
#   clothes too — where reusing them beats *k* = 0, the reused layers saved the target task
#   from learning them out of a few hundred images;
# - **the `dense` layer is specific**: its 128 units combine the conv features into evidence
#   for *digits*. Frozen, they keep answering a question the new task never asks, and a new
#   output layer alone cannot undo that: the drop at the right end of the curve is the cost
#   of reusing task-specific, high-level features.
#
# That is the lecture's rule in one curve: reuse (and freeze) the general lower layers,
# re-train the specific upper ones. Seed 004's advice for a small, *different* target — re-train
# from a layer somewhere inside the network, not only the last classifier — is a search for this
# curve's peak: the depth where the general features end.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 02.2 — one point of the curve, as a function of *k*
#
# Turn the raw *k* = 4 cell into a function `reuse_first_k(source, k, num_classes)` that works
# for any *k*: the first `k` layers of `source` (a `Sequential` model like `cnn`, its old output
# layer last) **with their weights, frozen**; the layers above it, except the old output layer,
# **re-initialised and trainable**; a new `Dense(num_classes, activation="softmax")` on top. The
# source model itself must not change.
#
# `answer` is the function (the check tries it on a small model of its own, at two depths). Try
# it here: `reuse_first_k(cnn, 2, 10)` freezes `rescale` and `conv1` only.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: a function (source, k, num_classes) -> keras.Model
check("02.2", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · At ImageNet scale: MobileNetV2 features for hand signs
#
# Same question, big network: how useful are MobileNetV2's ImageNet features at each depth for
# the hand-sign photos — a target far from ImageNet? Re-training all layers above a cut of
# MobileNetV2 is too slow for a CPU, so here each depth gets a **linear probe**: the features at
# depth *k*, frozen and flattened, feed a new softmax layer, and nothing else trains
# (`train_above_cut(..., mode="head", pooling="flatten")`). The probe's accuracy says how much
# of what the target needs is already *there*, at that depth, ready to read.
#
# MobileNetV2 is not a chain: inside a residual block two tensors (the shortcut and the main
# path) cross each cut. `cut_points(model, blocks=True)` lists the depths where exactly one
# tensor crosses — the block boundaries. (Depth counts `model.layers`, and a functional model
# lists its input as layer 0.)

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
from tlcourse.features import cut_points

blocks = cut_points(pretrained, blocks=True)
print(f"{len(blocks)} block boundaries of MobileNetV2:", blocks)
PROBE_KS = [0, 18, 54, 90, 125, 143, 154]                 # the input, and six boundaries from low to high
for depth in PROBE_KS:
    layer = "(the input pixels)" if depth == 0 else pretrained.layers[depth - 1].name
    shape = (IMAGE_SIZE, IMAGE_SIZE, 3) if depth == 0 else tuple(pretrained.layers[depth - 1].output.shape[1:])
    print(f"  k = {depth:>3}: {layer:<20} {str(shape):<14} = {int(np.prod(shape)):>6,} features per photo")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The photos: a stratified draw of the hand-sign data set, 40 % kept for validation. The
# network runs over them **once**: `ActivationCache` stores the outputs at all seven depths
# from one pass of one multi-output model (the idea of section 4), so each probe afterwards
# trains in seconds.

# %% slideshow={"slide_type": "-"}
from tlcourse.features import ActivationCache

signs = data.load("sign_language_digits", image_size=(IMAGE_SIZE, IMAGE_SIZE),
                  limit_per_class=SIGNS_PER_CLASS, val_size=0.4, test_size=0.1)
probe_data = (preprocess(signs.x_train.astype("float32")), signs.y_train,
              preprocess(signs.x_val.astype("float32")), signs.y_val)
cache = ActivationCache(pretrained, probe_data)
seconds = cache.precompute(PROBE_KS)
print(f"{len(PROBE_KS)} depths for {len(signs.y_train) + len(signs.y_val)} photos: one pass, "
      f"{seconds:.0f} s, {cache.nbytes / 2**20:.0f} MiB of activations")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Now one probe per depth and seed (`layer_transferability(..., top="head", pooling="flatten")`
# does exactly this for one seed; with the cache kept, more seeds cost only the probes). The seed changes the
# probe's random initial weights and the order of the photos.

# %% slideshow={"slide_type": "subslide"}
from tlcourse.features import Transferability, train_above_cut

probe_runs = []
for seed in SEEDS:
    rows = [train_above_cut(cache, depth, mode="head", pooling="flatten", epochs=PROBE_EPOCHS, seed=seed)
            for depth in PROBE_KS]
    probe_runs.append(Transferability(pretrained.name, "head", cache.num_classes, rows))
probe_stats = summarise(probe_runs)
plot_seeds(probe_runs, probe_stats, "ImageNet MobileNetV2 -> hand signs: a linear probe at each depth");

# %% slideshow={"slide_type": "subslide"}
print_table(probe_stats, probe_runs)

print()
verdict(probe_stats, probe_runs, "raw pixels", "the last layer");

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What this curve says
#
# - **Raw pixels** (*k* = 0) are the baseline: a linear layer on 27,648 pixel values, no features.
# - Going up, the features get **more useful** for the new task: low-level edges alone are not
#   yet "which digit"; combinations of them (shapes, parts of a hand) are closer to it.
# - At the **top**, the curve stops rising. The verdict above says how the last layer
#   (`out_relu`, 1,280 channels that fed ImageNet's classifier) compares with the best depth:
#   where it is clearly lower, those features are already specialised for ImageNet's classes —
#   the lecture's *high-level features are hard to reuse*.
#
# A probe asks a narrower question than section 5 (nothing above the cut may adapt) and the
# feature count differs between depths; still, both curves tell one story: the general part of
# a network is most of it, and the task-specific part sits at the top.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 02.3 — Does the top transfer better to a near target?
#
# The hand signs are a **far** target: ImageNet has no hands showing digits. Dogs vs cats is a
# **near** one: ImageNet holds over a hundred dog breeds and several cats. If the top layers are
# specific to ImageNet's classes, they should still serve a target close to those classes.
# Measure it:
#
# 1. load dogs vs cats **as this section loaded the signs**:
#    `data.load("cats_vs_dogs", image_size=(IMAGE_SIZE, IMAGE_SIZE), limit_per_class=SIGNS_PER_CLASS, val_size=0.4)`,
#    preprocess it, and build an `ActivationCache` of `pretrained` on it;
# 2. train the same linear probe at **k = 54** (`block_5_add`, the middle) and **k = 154**
#    (`out_relu`, the top): `train_above_cut(cache, k, mode="head", pooling="flatten",
#    epochs=PROBE_EPOCHS, seed=SEEDS[0])`;
# 3. take the hand signs' probes at the same two depths from the run above, seed `SEEDS[0]`
#    (`probe_runs[0].rows`, each row has a `.depth`);
# 4. compare what going from k = 54 to k = 154 adds on each target (accuracy at 154 minus
#    accuracy at 54).
#
# `answer` is a dict: `{"near": {54: ..., 154: ...}, "far": {54: ..., 154: ...}, "conclusion": ...}`,
# each value a probe's result (what `train_above_cut` returns), and the conclusion `"near"` or
# `"far"`: the target for which the top layer adds more. The check runs the near probes again
# (a few seconds) and compares. Cost: one pass over the photos and two probes, under a minute.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: {"near": {54: ..., 154: ...}, "far": {54: ..., 154: ...}, "conclusion": "near" or "far"}
check("02.3", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 · Recap
#
# - **Low-level features are general.** The first layer of an ImageNet network holds smooth edge
#   and colour-blob kernels (measured: neighbouring weights correlate, colours move together);
#   a random network holds noise.
# - **Feature maps** show the hierarchy on a real photo: early layers keep the image and mark its
#   edges, middle layers turn it into textures and parts, the last layers into a few pixels of
#   many abstract channels. In a random network the signal fades away with depth.
# - **One model, many outputs**: `keras.Model(net.input, [net.get_layer(n).output for n in names])`
#   and one `predict` give every layer's activations; `feature_maps`, `plot_feature_maps`,
#   `plot_filters` and `conv_layers` (`tlcourse.features`) wrap it.
# - **Layer transferability** measures the claim: reuse the first *k* layers frozen, re-train the
#   rest (`layer_transferability(..., top="scratch")`), or probe each depth
#   (`top="head"`); repeat over seeds and compare mean ± sd. Reusing general layers helps; reusing
#   the task-specific top costs accuracy.
# - The practical rule (lectures 6-2, 6-4): keep and freeze the early layers, re-train the late
#   ones — and the further the new task is from the old one, the earlier the cut.
# - Exercises 02.1, 02.2 and 02.3: `check("02.1", answer)` says what is right or wrong; instructors
#   reveal a solution with `solution("02.1")` (from `tlcourse.exercises`).
