# %% [markdown] slideshow={"slide_type": "slide"}
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tlcourse/tlcourse/blob/main/notebooks/10_cnn_architectures.ipynb)
#
# # 10 · CNN architectures
#
# **What you will learn**
# - what ImageNet and its challenge (ILSVRC) are, and how the winners' top-5 error fell
#   from 28 % to about 2 % in seven years — below a trained human;
# - the five families the lecture names, each built here from plain Keras layers:
#   **LeNet-5**, **AlexNet**, **VGG16** (3×3 convolutions, 2×2 poolings), **GoogLeNet's inception
#   module** (four parallel branches, concatenated) and **ResNet's residual block** (identity
#   shortcut);
# - where their parameters sit and how deep they are, in one table, checked against the papers;
# - what the skip connection fixes — the *degradation problem* (He et al.) — and what a
#   CPU-sized run on a small MNIST set can and cannot show about it (measured: training speed,
#   and degradation only where the deep plain network's training error has settled);
# - which `keras.applications` network to pick as a backbone for transfer (size, speed, accuracy).
#
# Lecture: [CNN families and greedy pretraining](../README.md#lecture-cnn-families-and-greedy-pretraining)
# (seed 002 *Transfer learning in CNNs*, seed 004 *VGG, GoogLeNet, ResNet*).

# %% slideshow={"slide_type": "skip"}
# Colab only: install the course from its repository (does nothing elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "tlcourse @ git+https://github.com/tlcourse/tlcourse"], check=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Why architectures matter for transfer learning
#
# Transfer learning reuses a network someone else trained on a large data set. In practice
# that data set is **ImageNet** and the networks are the winners of its yearly challenge: their
# designs (and weights) are published, so if your images resemble ImageNet's classes you start
# from them instead of from zero. To reuse one well — cut it at the right place, feed it the
# input size it needs, replace its classifier — you need to know how it is built.
#
# The setup cell imports what the notebook uses and keeps one list that every section adds
# its networks to; section 7 prints it as one table.

# %% slideshow={"slide_type": "-"}
import keras
import matplotlib.pyplot as plt
import numpy as np

from tlcourse import data
from tlcourse.config import SEED, fast_or_full, seed_everything
from tlcourse.exercises import check
from tlcourse.models import weight_layer_depth
from tlcourse.surgery import trainable_report

seed_everything(SEED)
ARCHITECTURES = []   # (network, year, model facts, published count), filled section by section


def record(network, year, model, published=""):
    # one row of the section-7 table: input, classes, parameters, weight layers, published count
    ARCHITECTURES.append((network, year, model.input_shape[1:], model.output_shape[-1],
                          model.count_params(), weight_layer_depth(model), published))


# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · ImageNet and its challenge (ILSVRC)
#
# **ImageNet**: more than a million photos sorted into 1,000 classes (dogs by breed, tools,
# vehicles, food, …). The **ImageNet Large Scale Visual Recognition Challenge** (2010–2017)
# asked each team for its 5 best guesses per test photo; a photo counts as an error when the
# true class is not among them: the **top-5 error**.
#
# The table holds each year's winning entry, trained on the challenge's own training data
# (the organisers also list entries that used extra data).

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
# (year, team, method, top-5 test error in %, deep CNN?) -- sources on the next slide
ILSVRC_WINNERS = [
    (2010, "NEC-UIUC", "hand-made features + SVMs", 28.2, False),
    (2011, "XRCE", "Fisher vectors + SVMs", 25.8, False),
    (2012, "SuperVision", "AlexNet", 16.4, True),
    (2013, "Clarifai", "ZFNet-style CNNs", 11.7, True),
    (2014, "GoogLeNet", "GoogLeNet", 6.67, True),
    (2015, "MSRA", "ResNet", 3.57, True),
    (2016, "Trimps-Soushen", "Inception + ResNet mix", 2.99, True),
    (2017, "WMW", "SENet", 2.25, True),
]
VGG_2014 = 7.3      # VGG (VGG16/19) came second in 2014
HUMAN = 5.1         # one trained annotator on 1,500 test photos

print(f"{'year':<6}{'winner':<16}{'method':<28}{'top-5 error':>12}")
for year, team, method, error, _ in ILSVRC_WINNERS:
    print(f"{year:<6}{team:<16}{method:<28}{error:>11.2f}%")
print(f"{'':<6}{'human':<16}{'(Russakovsky et al. 2015)':<28}{HUMAN:>11.2f}%")

# %% slideshow={"slide_type": "subslide"}
import textwrap

from matplotlib.patches import Patch

fig, ax = plt.subplots(figsize=(10, 4.8))
years = [w[0] for w in ILSVRC_WINNERS]
bars = ax.bar(years, [w[3] for w in ILSVRC_WINNERS],
              color=["C0" if w[4] else "0.65" for w in ILSVRC_WINNERS])
for year, team, method, error, _ in ILSVRC_WINNERS:
    ax.annotate(f"{error:g} %\n{textwrap.fill(method, 13)}", (year, error), xytext=(0, 3),
                textcoords="offset points", ha="center", va="bottom", fontsize=8,
                bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1))
vgg, = ax.plot([2014.5], [VGG_2014], "v", color="C1", ms=9, label=f"VGG, second in 2014 ({VGG_2014:g} %)")
human = ax.axhline(HUMAN, color="C3", ls="--", label=f"one trained human ({HUMAN:g} %)")
ax.set_xticks(years, [f"{w[0]}\n{w[1]}" for w in ILSVRC_WINNERS], fontsize=8)
ax.set_ylim(0, 34)
ax.set_title("ILSVRC image classification: the winners' top-5 error")
ax.set_xlabel("year and winning team")
ax.set_ylabel("top-5 error on the test set (%)")
ax.legend(handles=[Patch(color="0.65", label="not a deep CNN"), Patch(color="C0", label="deep CNN"), vgg, human],
          loc="upper right")
ax.grid(axis="y", alpha=0.3);

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Reading the chart, and where the numbers come from
#
# - 2012 is the break: the first deep CNN (AlexNet) cut the error by about 10 points at once;
#   every winner after it is a CNN, and each one is a network of this notebook or grew out of one.
# - Since 2015 the winners are below the trained human. That comparison is narrow — one expert
#   annotator, 1,500 photos, fine-grained dog breeds being the main human weakness — and the
#   winning entries are *ensembles* of several networks.
#
# Sources: 2010–2014 and the human figure: Russakovsky et al. (2015), *ImageNet Large Scale
# Visual Recognition Challenge*, IJCV 115, 211–252. 2012: the
# [ILSVRC 2012 results](https://image-net.org/challenges/LSVRC/2012/results.html) list SuperVision
# at 16.4 % with the supplied data only and 15.3 % with extra ImageNet data (the figure in
# Krizhevsky et al., 2012). 2014: Szegedy et al. (2015) 6.67 %, Simonyan & Zisserman (2015)
# 7.3 %. 2015: He et al. (2016) 3.57 %. 2016 and 2017: Hu et al. (2018), *Squeeze-and-Excitation
# Networks*: 2.991 % for the 2016 winner, 2.251 % for SENet.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · LeNet-5 (1998): convolution → subsampling → full connection
#
# Yann LeCun's group built the first CNN that worked in practice (reading cheques). Its
# pattern is still the skeleton of every network below: **convolutions** extract local
# features, **subsampling** (pooling) shrinks the maps, **fully connected** layers classify.
#
# `lenet5` builds the common modern form: C1 6@5×5 → S2 pool → C3 16@5×5 → S4 pool →
# C5 120@5×5 → F6 84 → 10 outputs. Three documented simplifications of the 1998 paper: C3 sees
# all six S2 maps (the paper wired a sparse table), pooling has no trainable weights, and the
# output is softmax instead of RBF units.

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
from tlcourse.models import lenet5

lenet = lenet5(input_shape=(32, 32, 1), num_classes=10)
record("LeNet-5", 1998, lenet, "about 60 k (LeCun et al. 1998)")
print(trainable_report(lenet))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### LeNet-5 wants 32 × 32, MNIST has 28 × 28
#
# Its three 5×5 "valid" convolutions and two poolings shrink a 32 × 32 image to exactly
# 1 × 1 × 120 at C5; anything smaller leaves nothing for C5. The builder says so, and what to do:

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
try:
    lenet5(input_shape=(28, 28, 1))
except ValueError as error:
    print("ValueError:", error)

# %% [markdown] slideshow={"slide_type": "subslide"}
# So do what LeCun et al. did: centre each 28 × 28 digit in a 32 × 32 field
# (`ZeroPadding2D(2)`), inside the model so every caller gets it. A few epochs on part of MNIST
# show that the 1998 design still reads digits.

# %% slideshow={"slide_type": "-"}
(x_train, y_train), (x_test, y_test) = data.load_arrays("mnist")
N_LENET, EPOCHS_LENET = fast_or_full(2_000, 6_000), fast_or_full(2, 3)

seed_everything(SEED)
lenet_mnist = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Rescaling(1 / 255),
                                keras.layers.ZeroPadding2D(2), lenet5()], name="lenet5_on_mnist")
lenet_mnist.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                    loss="sparse_categorical_crossentropy", metrics=["accuracy"])
lenet_mnist.fit(x_train[:N_LENET, ..., None], y_train[:N_LENET], epochs=EPOCHS_LENET,
                batch_size=64, verbose=0)
accuracy = lenet_mnist.evaluate(x_test[:2_000, ..., None], y_test[:2_000], verbose=0)[1]
print(f"LeNet-5 after {EPOCHS_LENET} epochs on {N_LENET:,} digits: {accuracy:.2%} on 2,000 test digits")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · AlexNet (2012): LeNet, scaled up for ImageNet
#
# Same pattern, much bigger: five convolutions (the first 11 × 11 with stride 4 on 227 × 227
# photos), three max poolings, three dense layers. What made it win: **ReLU** instead of tanh
# (trains several times faster), **dropout** in the dense layers, heavy data augmentation, and
# training on **two GPUs** (two GTX 580 with 3 GB each: the network did not fit on one).
# The lecture's note says "two CPUs" — it was two GPUs, and the split is visible in the
# architecture: `groups=2` rebuilds it, each half of conv2, conv4 and conv5 seeing only its
# own GPU's half of the channels. (Local response normalisation is left out: later work found
# it does not help.)

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
from tlcourse.models import alexnet

for groups in (1, 2):
    net = alexnet((227, 227, 3), 1000, groups=groups)
    dense = sum(layer.count_params() for layer in net.layers if isinstance(layer, keras.layers.Dense))
    print(f"groups={groups}: {net.count_params():>11,} parameters, "
          f"{dense / net.count_params():.1%} of them in the 3 dense layers")
print("feature map entering the dense layers:", net.get_layer("pool5").output.shape)
record("AlexNet (2 GPUs)", 2012, net, "60 M (Krizhevsky et al. 2012)")
alexnet_parameters = net.count_params()
del net

# %% [markdown] slideshow={"slide_type": "subslide"}
# The two-GPU version is the paper's "60 million parameters". Almost all of them are in the
# **dense layers**: the first one alone connects a 6 × 6 × 256 map to 4,096 units. Two lessons
# follow that the later networks and transfer learning use:
#
# - the convolutions are the cheap, reusable part — transfer learning keeps them and drops the
#   dense "top";
# - GoogLeNet and ResNet replace the big dense layers by **global average pooling**.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · VGG16 (2014): only 3 × 3 convolutions and 2 × 2 poolings
#
# VGG (Oxford's Visual Geometry Group) asked one question: what does **depth** alone buy?
# Every convolution is 3 × 3 with stride 1, every pooling 2 × 2 with stride 2; the channels
# double after each pooling (64 → 128 → 256 → 512). VGG16 and VGG19 are named after their weight
# layers: 13 (or 16) convolutions + 3 dense layers.
#
# Why only 3 × 3? Two stacked 3 × 3 convolutions see a 5 × 5 patch, three see 7 × 7 — with fewer
# weights (2 · 9 C² = 18 C² instead of 25 C² for C channels in and out) and an extra ReLU in
# between. The builder reproduces `keras.applications.VGG16` to the parameter:

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
from tlcourse.models import vgg16

ours = vgg16((224, 224, 3), 1000)
reference = keras.applications.VGG16(weights=None)      # same architecture, random weights
for name, model in [("tlcourse vgg16", ours), ("keras.applications.VGG16", reference)]:
    print(f"{name:<25} {model.count_params():>12,} parameters, {weight_layer_depth(model)} weight layers")


def weight_shapes(model):
    return {layer.name: [tuple(w.shape) for w in layer.weights] for layer in model.layers if layer.weights}


print("same layer names and weight shapes:", weight_shapes(ours) == weight_shapes(reference))
dense = sum(layer.count_params() for layer in ours.layers if isinstance(layer, keras.layers.Dense))
print(f"in the 3 dense layers: {dense:,} ({dense / ours.count_params():.1%})")
record("VGG16", 2014, ours, "138 M (Simonyan & Zisserman 2015)")
del ours, reference

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The same VGG16 at 32 × 32
#
# A convolution's weights do not depend on the image size, so the 13 convolutions keep their
# parameters at any input of at least 32 × 32 (five poolings halve 32 to 1). Only the dense top
# changes size: here a 256-unit head for 10 classes — a CIFAR-sized VGG16 that builds in a
# second on a CPU.

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
small_vgg = vgg16((32, 32, 3), 10, fc_units=256)
for layer in small_vgg.layers:
    if layer.name.endswith("_pool"):
        print(f"{layer.name:<12} -> {layer.output.shape}")
convolutions = sum(layer.count_params() for layer in small_vgg.layers
                   if isinstance(layer, keras.layers.Conv2D))
print(f"{small_vgg.count_params():,} parameters, {convolutions:,} of them in the 13 convolutions")
record("VGG16, CPU size", None, small_vgg)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 10.1 — VGG's 3 × 3 argument, counted
#
# Section 4 says that two stacked 3 × 3 convolutions see a 5 × 5 patch with fewer weights than
# one 5 × 5 convolution. Count it exactly, **biases included**, for C channels in and C filters:
# write a function `conv_params(C)` that returns the pair `(one_5x5, two_3x3)`, the parameters
# of **one 5 × 5 convolution** and of **two stacked 3 × 3 convolutions**. Work the formula out by
# hand first, then confirm it with `count_params()` for a C of your choice, and print
# `conv_params(64)` (the width of VGG16's first block): how many percent fewer? `answer` is the
# function itself (`answer = conv_params`); the check calls it with widths of its own.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: the function conv_params(C)
check("10.1", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · GoogLeNet (2014): the inception module
#
# Google's winner of 2014: 22 layers deep with 9 **inception modules**, yet the paper reports
# 12 times fewer parameters than AlexNet. An inception module runs **four branches on the same
# input** and stacks their outputs along the channels:
#
# | branch | layers | sees |
# |---|---|---|
# | 1 | 1 × 1 conv | one pixel (mixes channels) |
# | 2 | 1 × 1 conv "reduce" → 3 × 3 conv | 3 × 3 patches |
# | 3 | 1 × 1 conv "reduce" → 5 × 5 conv | 5 × 5 patches |
# | 4 | 3 × 3 max pool → 1 × 1 conv "projection" | the strongest nearby response |
#
# So each module extracts features at several scales at once and lets training decide which
# to use. "Same" padding keeps every branch at the input's height and width, which is what
# makes the concatenation possible. Module 3a with the paper's filter numbers:

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
from tlcourse.models import GOOGLENET_MODULES, inception_module

filters_3a = dict(GOOGLENET_MODULES)["inception_3a"]     # (f1, f3_reduce, f3, f5_reduce, f5, pool_proj)
f1, f3_reduce, f3, f5_reduce, f5, pool_proj = filters_3a
inputs = keras.Input(shape=(28, 28, 192))
module_3a = keras.Model(inputs, inception_module(inputs, *filters_3a, name="3a"), name="inception_3a")
print(trainable_report(module_3a))
print(f"output channels: {f1} + {f3} + {f5} + {pool_proj} = {module_3a.output_shape[-1]}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The branches, drawn
#
# `keras.utils.plot_model` draws a model's graph when `pydot` and Graphviz are installed (they
# are optional and often missing); otherwise the next cell draws the module with matplotlib,
# from the same filter numbers.
#
# (The matplotlib code that draws the module is folded away: click the bar beside the drawing to read it.)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "subslide"} tags=["remove-input"]
import importlib.util
import shutil

from matplotlib.patches import FancyBboxPatch


def draw_inception(filters, input_shape):
    f1, f3_reduce, f3, f5_reduce, f5, pool_proj = filters
    height, width, channels = input_shape
    fig, ax = plt.subplots(figsize=(10, 4.6))

    def box(x, y, text, color):
        ax.add_patch(FancyBboxPatch((x - 0.85, y - 0.28), 1.7, 0.56, boxstyle="round,pad=0.04",
                                    facecolor=color, edgecolor="0.3"))
        ax.text(x, y, text, ha="center", va="center", fontsize=9)

    def arrow(x0, y0, x1, y1):
        ax.annotate("", (x1, y1 - 0.3), (x0, y0 + 0.3), arrowprops=dict(arrowstyle="->", color="0.35"))

    box(4.5, 0, f"input {height}×{width}×{channels}", "0.9")
    branches = [(1.5, [(f"1×1 conv, {f1}", "#9ecae1")]),
                (3.5, [(f"1×1 conv, {f3_reduce}", "#deebf7"), (f"3×3 conv, {f3}", "#9ecae1")]),
                (5.5, [(f"1×1 conv, {f5_reduce}", "#deebf7"), (f"5×5 conv, {f5}", "#9ecae1")]),
                (7.5, [("3×3 max pool", "#fcbba1"), (f"1×1 conv, {pool_proj}", "#deebf7")])]
    for x, layers in branches:
        previous = (4.5, 0)
        for level, (text, color) in zip([2] if len(layers) == 1 else [1, 2], layers):
            box(x, level, text, color)
            if len(layers) == 1:        # around the other boxes: left from the input, then up
                ax.annotate("", (x, level - 0.3), (3.65, 0), arrowprops=dict(
                    arrowstyle="->", color="0.35", connectionstyle="angle,angleA=180,angleB=90,rad=0"))
            else:
                arrow(*previous, x, level)
            previous = (x, level)
        arrow(*previous, 4.5, 3)
    box(4.5, 3, f"concatenate: {height}×{width}×{f1 + f3 + f5 + pool_proj}", "#c7e9c0")
    ax.set_xlim(0.4, 8.6)
    ax.set_ylim(-0.5, 3.5)
    ax.set_xticks([1.5, 3.5, 5.5, 7.5], ["branch 1", "branch 2", "branch 3", "branch 4"])
    ax.set_yticks([0, 1, 2, 3], ["input", "first layer", "second layer", "output"])
    ax.set_xlabel("four parallel branches on the same input (blue: convolution, red: pooling)")
    ax.set_ylabel("data flows upwards")
    ax.set_title("GoogLeNet's inception module 3a (Szegedy et al. 2015)")
    return fig


if importlib.util.find_spec("pydot") and shutil.which("dot"):
    display(keras.utils.plot_model(module_3a, show_shapes=True, dpi=60))
else:
    print("pydot or Graphviz is not installed: drawing the module with matplotlib")
    draw_inception(filters_3a, module_3a.input_shape[1:]);

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why the 1 × 1 "reduce" convolutions
#
# A 5 × 5 convolution on all 192 input channels would be expensive. Reducing the channels
# first with a 1 × 1 convolution (a per-pixel dense layer) and then running the 3 × 3 or
# 5 × 5 convolution on the few remaining channels costs far less. Counted for module 3a:

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
direct = 192 * 9 * f3 + 192 * 25 * f5                                       # 3x3 and 5x5 on 192 channels
reduced = 192 * f3_reduce + f3_reduce * 9 * f3 + 192 * f5_reduce + f5_reduce * 25 * f5
print(f"3x3 + 5x5 branch weights without the reductions: {direct:>7,}")
print(f"3x3 + 5x5 branch weights with the reductions:    {reduced:>7,} ({reduced / direct:.0%})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The whole GoogLeNet
#
# Stem (7 × 7 and 3 × 3 convolutions, max pooling), the nine modules of the paper's Table 1
# with max pooling after 3b and 4e, global average pooling instead of big dense layers,
# dropout, one softmax layer. `weight_layer_depth` counts depth as the paper does (weight
# layers on the longest path: an inception module counts 2). The two auxiliary classifiers the
# paper used only while training are left out. Our parameter count includes the biases and the
# 1,000-class output layer, so the ratio to AlexNet printed below comes out lower than the
# paper's "12 times".

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
from tlcourse.models import googlenet

net = googlenet((224, 224, 3), 1000)
for layer in net.layers:
    if layer.name.startswith("inception") and layer.name.endswith("_output"):
        print(f"{layer.name.removesuffix('_output'):<13} -> {layer.output.shape}")
print(f"{weight_layer_depth(net)} weight layers, {net.count_params():,} parameters: "
      f"{alexnet_parameters / net.count_params():.1f} times fewer than AlexNet (2 GPUs)")
record("GoogLeNet", 2014, net, "12x fewer than AlexNet (Szegedy et al. 2015)")
record("GoogLeNet, CPU size", None, googlenet((32, 32, 3), 10))
del net

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · ResNet (2015): learn the residual
#
# Microsoft's winner of 2015 was 152 layers deep — seven times GoogLeNet. Its idea (seed 004):
# instead of asking a few layers to learn the mapping H(x) they should compute, let them learn
# the **residual** F(x) = H(x) − x and add the input back through a **shortcut**:
#
#   output = relu(F(x) + x)
#
# If the best a block can do is pass its input on, it only has to push F towards 0 — easy —
# instead of building an identity out of convolutions and ReLUs — hard. The lecture's note puts
# it as: the layers in between may keep weights at or near 0. When a block changes the shape
# (stride 2, more channels), a 1 × 1 convolution on the shortcut (a **projection**) makes x fit.
#
# `residual_block(x, filters)` builds the basic block: 3 × 3 conv → BatchNorm → ReLU → 3 × 3 conv →
# BatchNorm, plus the shortcut. With `zero_init=True` the last BatchNorm's scale starts at 0, so
# F(x) = 0 exactly — and the block must output relu(x). Check:

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
from tlcourse.models import residual_block

inputs = keras.Input(shape=(8, 8, 16))
identity_block = keras.Model(inputs, residual_block(inputs, 16, zero_init=True, name="block"),
                             name="identity_block")
x = np.random.default_rng(SEED).normal(size=(4, 8, 8, 16)).astype("float32")
y = keras.ops.convert_to_numpy(identity_block(x, training=False))
print("F(x) = 0, so output == relu(input):", np.array_equal(y, np.maximum(x, 0)))
print(trainable_report(identity_block))

down_block = keras.Model(inputs, residual_block(inputs, 32, stride=2, name="down"), name="projection_block")
print("\nstride 2 and 16 -> 32 channels: output", down_block.output_shape, "| shortcut layers:",
      [layer.name for layer in down_block.layers if "projection" in layer.name])

# %% [markdown] slideshow={"slide_type": "slide"}
# ### What the shortcut fixes: the degradation problem
#
# He et al. observed something odd: a **plain** 56-layer network (with BatchNorm, so gradients
# did not vanish) had a *higher training error* than a 20-layer one — not only early on, but
# after 64,000 SGD steps on CIFAR-10, when both curves had levelled off (their figure 1; figure 4
# shows the same for 18 vs 34 layers on ImageNet). Not overfitting: it fit its own training data
# worse. In principle the deeper net could copy the shallower one and make its extra layers
# identities; in practice SGD does not find that solution. With shortcuts, "identity" is just
# "residual = 0", and the deeper network trained better than the shallower.

# %% [markdown] slideshow={"slide_type": "subslide"}
# We try it small. `resnet(...)` stacks `residual_block`s as in the paper's CIFAR networks;
# `shortcuts=False` builds the same layers without the additions. Three networks, same widths:
#
# - **plain-8** — 8 weight layers, no shortcuts;
# - **plain-32** — 32 weight layers, no shortcuts;
# - **resnet-32** — the same 32 layers with identity shortcuts.
#
# Data: 1,000 MNIST training images at half resolution (14 × 14, a 2 × 2 average) to keep the
# CPU time down. Training as in the paper: SGD with momentum 0.9, batches of 64 (the paper: 128),
# BatchNorm after every convolution, a learning rate divided by 10 late in training (0.05, then
# 0.005 for the last 40 % of the steps; the paper divides 0.1 by 10 at 50 % and again at 75 %).
# Each network trains for a few hundred steps (printed below; the paper: 64,000) — as long as
# the time budget of this notebook allows; the verdict says whether each curve had settled by
# then. Like the paper, we compare how well each network fits its **training** set.

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
from tlcourse.models import resnet

N_DEG, EPOCHS_DEG = fast_or_full(500, 1_000), fast_or_full(3, 20)
SEEDS_DEG = list(range(fast_or_full(2, 3)))
STEPS_PER_EPOCH = -(-N_DEG // 64)                             # batches of 64
DROP_AT = int(0.6 * EPOCHS_DEG) * STEPS_PER_EPOCH              # the step where the rate drops 10x
pick = np.random.default_rng(SEED).choice(len(x_train), N_DEG, replace=False)
x_deg = x_train[pick].reshape(-1, 14, 2, 14, 2).mean(axis=(2, 4))[..., None].astype("float32") / 255
y_deg = y_train[pick]
NETWORKS = {"plain-8": (1, False), "plain-32": (5, False),       # (blocks per stage, shortcuts)
            "resnet-32": (5, True)}


def build(name):
    blocks, shortcuts = NETWORKS[name]
    return resnet((14, 14, 1), 10, blocks_per_stage=blocks, filters=(8, 16, 32), shortcuts=shortcuts)


compiled, fresh_optimizer = {}, {}
for name in NETWORKS:
    model = compiled[name] = build(name)
    rate = keras.optimizers.schedules.PiecewiseConstantDecay([DROP_AT], [0.05, 0.005])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate, momentum=0.9),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.optimizer.build(model.trainable_variables)                  # creates the momentum slots
    fresh_optimizer[name] = [v.numpy() for v in model.optimizer.variables]   # their values before training
    print(f"{name:<10} {weight_layer_depth(model):>2} weight layers, "
          f"{model.count_params():>7,} parameters, input {model.input_shape[1:]}")
record("plain-32 (section 6)", None, compiled["plain-32"])
record("ResNet-32 (section 6)", None, compiled["resnet-32"])

# %% [markdown] slideshow={"slide_type": "subslide"}
# Each network is compiled **once**: building the training graph of a 32-layer network takes
# longer on a CPU than many training steps. For each seed it then gets fresh random weights with
# `set_weights` (from a new build with that seed), and its optimizer is set back to the values
# it had before any training: momentum 0, and step counter 0, which the learning-rate drop
# counts from — state that would otherwise carry over from one seed to the next. Same images
# for all three, so the comparison is paired. The training error is the one Keras reports while
# it trains: the share of wrong answers over each epoch's batches, as in the paper's training
# curves. Two numbers per network and seed: **end**, the training accuracy of the last epochs
# (averaged, so that one noisy epoch does not decide it), where the curve ended up; and
# **speed**, the training accuracy averaged over all epochs (the area above the error curve):
# how fast the network learned.

# %% slideshow={"slide_type": "-"}
from tlcourse.experiments import run_seeds

LAST = max(1, EPOCHS_DEG // 5)                      # the epochs averaged for each seed's number
curves = {name: {"loss": [], "error": []} for name in NETWORKS}


def train_all(seed):
    accuracy = {}
    for name, model in compiled.items():
        seed_everything(seed)
        model.set_weights(build(name).get_weights())          # fresh random weights for this seed
        for variable, value in zip(model.optimizer.variables, fresh_optimizer[name]):
            variable.assign(value)                            # momentum and step counter back to 0
        history = model.fit(x_deg, y_deg, epochs=EPOCHS_DEG, batch_size=64, verbose=0).history
        curves[name]["loss"].append(history["loss"])
        curves[name]["error"].append(1 - np.array(history["accuracy"]))
        accuracy[name] = float(np.mean(history["accuracy"][-LAST:]))
    return accuracy


results = run_seeds(train_all, SEEDS_DEG)
print(f"{len(NETWORKS)} networks x {len(SEEDS_DEG)} seeds in {sum(results.seconds):.0f} s: "
      f"{EPOCHS_DEG * STEPS_PER_EPOCH} SGD steps each "
      f"({EPOCHS_DEG} epochs of {N_DEG:,} MNIST images at 14x14),\n"
      f"learning rate 0.05, then 0.005 from step {DROP_AT}")
print(f"\nend: training accuracy of the last {LAST} epoch(s) = {LAST * STEPS_PER_EPOCH} steps")
print(results)
speed = run_seeds(lambda seed: {name: 1 - float(np.mean(curves[name]["error"][SEEDS_DEG.index(seed)]))
                                for name in NETWORKS}, SEEDS_DEG)   # from the curves, no training
print("\nspeed: training accuracy averaged over all epochs")
print(speed)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The curves, step by step: the loss on a log scale (left) shows how far each network still
# is from fitting; the training error (right) is what He et al. plot. Thin lines: one seed
# each; thick: their mean; dotted: where the learning rate drops.

# %% slideshow={"slide_type": "-"}
steps = STEPS_PER_EPOCH * np.arange(1, EPOCHS_DEG + 1)       # SGD steps at the end of each epoch
fig, axes = plt.subplots(1, 2, figsize=(11, 4.4))
for ax, key, scale, label in [(axes[0], "loss", 1, "training loss (cross-entropy, log scale)"),
                              (axes[1], "error", 100, "training error (%)")]:
    for i, name in enumerate(NETWORKS):
        runs = scale * np.array(curves[name][key])
        ax.plot(steps, runs.T, color=f"C{i}", lw=0.8, alpha=0.35)
        ax.plot(steps, runs.mean(axis=0), color=f"C{i}", lw=2, label=name)
    ax.axvline(DROP_AT, color="0.4", lw=1, ls=":")
    ax.set_xlabel("SGD steps (batches of 64)")
    ax.set_ylabel(label)
    ax.grid(alpha=0.3)
axes[0].set_yscale("log")
axes[0].set_title("Training loss")
axes[1].set_title("Training error (the curves of He et al.'s fig. 1)")
axes[1].legend(title=f"mean of {len(SEEDS_DEG)} seeds")
fig.suptitle(f"Plain vs residual networks on {N_DEG:,} MNIST images (14x14), {len(SEEDS_DEG)} seeds")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The verdict, computed from the numbers
#
# Paired comparisons, at the end of training and over the whole run: did depth alone hurt a
# plain network (plain-8 vs plain-32), did the shortcuts fix the 32-layer network (resnet-32 vs
# plain-32), and how does the fixed deep network compare with the shallow one? Then, per
# network, whether its training error had settled: its mean over the last epochs moved from
# that of the epochs just before by less than 1 point and by less than a tenth of its fall since
# the first epoch (a network that hardly learns at all has not "settled").
#
# A gap at the end only shows degradation — a level the deep plain network does not get below —
# if plain-32's curve had settled; while it is still moving, what the run measures is how fast
# each network trains. The last two lines draw that conclusion from the numbers.

# %% slideshow={"slide_type": "subslide"}
def clearly_better(a, b, measured):
    # the paired 95 % interval of a - b lies above 0
    return measured.paired_difference(a, b).ci95[0] > 0


for title, measured in [("end of training", results), ("speed (all epochs)", speed)]:
    print(f"{title}:")
    for a, b in [("plain-8", "plain-32"), ("resnet-32", "plain-32"), ("resnet-32", "plain-8")]:
        print(measured.paired_difference(a, b).verdict().replace(": ", ":\n    ", 1))
print()
settled = {}
for name in NETWORKS:
    error = 100 * np.mean(curves[name]["error"], axis=0)                 # mean of the seeds, per epoch
    earlier, last = error[-2 * LAST:-LAST].mean(), error[-LAST:].mean()
    settled[name] = abs(last - earlier) < min(1, (error[0] - last) / 10)   # see the text above
    trend = ("settled" if settled[name] else "still falling" if last < earlier
             else "rising" if last > earlier else "flat, never learned")
    print(f"{name:<10} training error: {earlier:5.1f} % in the {LAST} epochs before, "
          f"{last:5.1f} % in the last {LAST}: {trend}")
print()
slower = ("learned clearly more slowly than" if clearly_better("plain-8", "plain-32", speed)
          else "did not learn clearly more slowly than")
if not settled["plain-32"]:
    print(f"this run measures training speed, not degradation: plain-32 {slower} plain-8;\n"
          "plain-32's training error had not settled, so where it would end up it cannot tell.")
elif clearly_better("plain-8", "plain-32", results):
    print("degradation, at this scale: plain-32 settled at a higher training error than plain-8.")
elif clearly_better("plain-32", "plain-8", results):
    print("no degradation: plain-32 settled at a clearly lower training error than plain-8.")
else:
    print("no degradation measured: plain-32 settled, with no clear gap to plain-8's final training error.")
ended = clearly_better("resnet-32", "plain-32", results)
print("the shortcuts: resnet-32 "
      + ("learned clearly faster than" if clearly_better("resnet-32", "plain-32", speed)
         else "did not learn clearly faster than")
      + " plain-32, and " + ("ended clearly higher." if ended else "did not end clearly higher."))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What this shows, and what it does not
#
# What it shows: the two conclusion lines above, read with the chart — whether 24 extra plain
# layers made the network learn its own training data more slowly, whether it was still worse
# when training stopped and had stopped improving (only then is it degradation), and whether
# the same 32 layers with shortcuts learned faster and ended better.
#
# What it does not show: He et al.'s experiment itself. Their figures compare 20 and 56 layers
# on CIFAR-10's 50,000 training images (64,000 steps) and 18 and 34 layers on ImageNet's 1.28
# million (600,000 steps); ours has 8 and 32 small layers, 1,000 tiny images, a few hundred
# steps, one learning-rate schedule and a few seeds. Networks of this size can in principle
# memorise 1,000 images, so a curve still falling when training stopped might have closed the
# gap with more steps; a settled one says nothing about other sizes, data or schedules. And it
# is training error only: whether the deeper network would also do better on new images is
# another question (the paper answers it for its networks).
#
# Still, the mechanism is the one that made depth take off after 2015 — ResNets with 50, 101,
# 152 layers — and why almost every backbone in section 8 has skip connections.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 10.2 — Build a residual block
#
# Build ResNet's basic block yourself with the functional API: input shape (8, 8, 16); the
# residual path F(x) = 3 × 3 convolution (16 filters, `padding="same"`) → BatchNormalization →
# ReLU → 3 × 3 convolution → BatchNormalization; the output relu(F(x) + x), with the **identity**
# shortcut. `answer` is the `keras.Model`. The check sets both convolutions to zero, so that
# F(x) = 0, and expects relu(x) back — the property section 6 showed with `zero_init=True`.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: a keras.Model from (8, 8, 16) to (8, 8, 16)
check("10.2", answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 10.3 — Is degradation a vanishing gradient? Measure it
#
# A common explanation of the degradation problem: without shortcuts the gradient fades on its
# way down 32 layers, so the first layers hardly learn. Test it where it would show — at the
# **first** layer, at the **start** of training — instead of taking it on trust.
#
# - **Measure**, for seeds 0, 1, …, n − 1 (n ≥ 3; n = 5 takes well under a minute): right after
#   `seed_everything(seed)`, build plain-32 or resnet-32 as section 6 does,
#   `resnet((14, 14, 1), 10, blocks_per_stage=5, filters=(8, 16, 32), shortcuts=...)`; on the
#   **probe batch**, the first 64 MNIST training digits shrunk to 14 × 14 as `x_deg` is
#   (`x_train[:64].reshape(-1, 14, 2, 14, 2).mean(axis=(2, 4))[..., None].astype("float32") / 255`,
#   labels `y_train[:64]`), compute the mean cross-entropy of `model(x_probe, training=True)`
#   (BatchNorm as `fit` runs it) under `tf.GradientTape` (first `import tensorflow as tf`), and the
#   L2 norm (`tf.norm`) of its
#   gradient with respect to the first convolution's kernel, `model.get_layer("stem_conv").kernel`.
# - **Collect** with `run_seeds`: one dict `{"plain-32": ..., "resnet-32": ...}` per seed.
# - **Conclude** from the 95 % interval of `results.paired_difference("plain-32", "resnet-32")`:
#   - **a** — below 0: the plain network's first layer gets clearly *less* gradient; it vanishes,
#     which would explain the degradation;
#   - **b** — above 0: it gets clearly *more*; the gradient does not vanish (BatchNorm sees to
#     that, as He et al. noted), so the degradation is an optimisation difficulty of another kind;
#   - **c** — across 0: no clear difference; the first layer's gradient does not explain it.
#
# `answer` is the pair `(results, conclusion)`, the conclusion one letter. The check recomputes
# one of your seeds, so the numbers must come from the measurement described.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: (results of run_seeds, "a", "b" or "c")
check("10.3", answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 · The networks in one table
#
# Every network built above, at the paper's configuration and at the CPU sizes used here.
# "Weight layers" is `weight_layer_depth`: convolutions and dense layers on the longest path,
# as the papers count depth. The "published" column is what the papers report; the
# parameters are counted from the models themselves.

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
record("ResNet-20 (CIFAR)", 2015, resnet((32, 32, 3), 10, blocks_per_stage=3), "0.27 M (He et al. 2016)")
record("AlexNet, CPU size", None, alexnet((67, 67, 3), 10, fc_units=256))
head = f"{'network':<22}{'year':>5}  {'input':<12}{'classes':>7}{'parameters':>13}{'weight layers':>15}  published"
for title, rows in [("as published", [r for r in ARCHITECTURES if r[1]]),
                    ("CPU sizes used in this notebook", [r for r in ARCHITECTURES if not r[1]])]:
    print(f"\n{title}\n{head}\n{'-' * (len(head) + 16)}")
    for network, year, shape, classes, parameters, depth, published in rows:
        size = "x".join(str(d) for d in shape)
        print(f"{network:<22}{year or '':>5}  {size:<12}{classes:>7}{parameters:>13,}{depth:>15}  {published}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# What the table says:
#
# - Depth grew from 5 to 22 weight layers in the networks of 1998–2014 (and to 152 with ResNet),
#   while the parameter count did **not** follow: GoogLeNet is far deeper and far smaller than
#   AlexNet and VGG16, whose weights sit mostly in their dense layers.
# - The same convolutions work at 32 px as at 224 px; only the dense head shrinks. A backbone's
#   parameter count does not depend on the image size — its compute does.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8 · Which `keras.applications` backbone for transfer?
#
# `keras.applications` ships these families (and their descendants) with ImageNet weights.
# For transfer learning, four things decide:
#
# 1. **Quality of the features** — ImageNet top-1 accuracy is a fair proxy for how general
#    they are.
# 2. **Size** — parameters to store, download and (when fine-tuning on little data) to overfit.
# 3. **Speed** — what one image costs; it decides whether a CPU or a phone can run it.
# 4. **Input** — the minimum size, and the `preprocess_input` the weights expect.
#
# Measured here: each backbone built with `weights=None` (random weights are enough to count
# and to time), without its classifier, at 96 × 96; CPU time per image for a batch of 16 on
# this machine (the fastest of a few calls: other programs on the machine only ever slow a call
# down). Top-1 accuracies are the ones the [Keras applications page](https://keras.io/api/applications/)
# lists (224 px; InceptionV3 at 299 px); for MobileNet α = 0.25 the value of Howard et al. (2017)
# that Keras's `mobilenet` module quotes.
#
# (The timing loop that fills this table is folded away: click the bar beside the table to read it.)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "subslide"} tags=["remove-input"]
import logging
import time

# Each backbone builds its own predict graph once; TensorFlow would warn that many graphs are
# built in a loop -- which is exactly what this cell does on purpose. Silence that warning only.
logging.getLogger("tensorflow").setLevel(logging.ERROR)

# keras.applications builder: (extra arguments, ImageNet top-1 % from the Keras docs)
CANDIDATES = {
    "MobileNet": ({"alpha": 0.25}, 50.6), "MobileNetV2": ({}, 71.3), "EfficientNetB0": ({}, 77.1),
    "DenseNet121": ({}, 75.0), "InceptionV3": ({}, 77.9), "ResNet50": ({}, 74.9), "VGG16": ({}, 71.3),
}
MEASURED = fast_or_full(["MobileNet", "MobileNetV2", "VGG16"], list(CANDIDATES))
REPEATS = fast_or_full(2, 5)          # timed calls per backbone; the fastest one counts
# the ones tlcourse.models.imagenet_backbone loads (see BACKBONES), and whether their weights are here
COURSE_NAMES = {"MobileNet": "mobilenet_025", "MobileNetV2": "mobilenet_v2", "ResNet50": "resnet50",
                "VGG16": "vgg16"}


def weights_here(name):
    if name not in COURSE_NAMES:
        return "-"
    try:
        data.locate(f"{COURSE_NAMES[name]}_imagenet", download=False)
        return f"yes ({COURSE_NAMES[name]})"
    except data.DataNotFoundError:
        return f"no ({COURSE_NAMES[name]})"


images = np.random.default_rng(SEED).uniform(0, 255, size=(16, 96, 96, 3)).astype("float32")
guide = []
for name in MEASURED:
    kwargs, top1 = CANDIDATES[name]
    base = getattr(keras.applications, name)(include_top=False, weights=None, input_shape=(96, 96, 3),
                                             pooling="avg", **kwargs)
    base.predict_on_batch(images)                                   # warm-up: builds the predict graph
    seconds = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        base.predict_on_batch(images)
        seconds.append(time.perf_counter() - start)
    label = name + (f" a={kwargs['alpha']}" if kwargs else "")
    guide.append((label, base.count_params(), weight_layer_depth(base), base.output_shape[-1],
                  1000 * min(seconds) / len(images), top1, weights_here(name)))
    del base

print(f"{'backbone (no top)':<20}{'parameters':>12}{'weight layers':>15}{'features':>10}"
      f"{'ms / image':>12}{'top-1 %':>9}  ImageNet weights here (imagenet_backbone name)")
for label, parameters, depth, features, ms, top1, here in guide:
    print(f"{label:<20}{parameters:>12,}{depth:>15}{features:>10}{ms:>12.1f}{top1:>9.1f}  {here}")

# %% slideshow={"slide_type": "subslide"}
import matplotlib.ticker

fig, ax = plt.subplots(figsize=(8.5, 5))
for label, parameters, depth, features, ms, top1, here in guide:
    ax.scatter(ms, top1, s=20 + parameters / 1e5, alpha=0.6, label=f"{label} ({parameters / 1e6:.1f} M)")
legend = ax.legend(title="backbone (parameters)", fontsize=8, loc="lower right")
for handle in legend.legend_handles:
    handle.set_sizes([40])
ax.set_xscale("log")
ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
ax.set_xticks([t for t in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
               if min(row[4] for row in guide) / 2 < t < 2 * max(row[4] for row in guide)])
ax.set_ylim(min(row[5] for row in guide) - 5, max(row[5] for row in guide) + 3)
ax.set_title("Backbones: ImageNet accuracy vs CPU time (dot area ~ parameters)")
ax.set_xlabel("CPU time per 96x96 image on this machine (ms, log scale)")
ax.set_ylabel("ImageNet top-1 accuracy (%, Keras docs)")
ax.grid(alpha=0.3);

# %% [markdown] slideshow={"slide_type": "subslide"}
# The ranking, computed from the table (the times come from a shared machine, so read them as
# an order of magnitude, not to the millisecond):

# %% slideshow={"slide_type": "-"}
by = lambda column: sorted(guide, key=lambda row: row[column])
print("smallest:     ", by(1)[0][0], f"({by(1)[0][1] / 1e6:.1f} M parameters)")
print("fastest:      ", by(4)[0][0], f"({by(4)[0][4]:.1f} ms per image)")
print("most accurate:", by(5)[-1][0], f"({by(5)[-1][5]:.1f} % top-1)")
print("slowest:      ", by(4)[-1][0], f"({by(4)[-1][4]:.1f} ms per image, "
      f"{by(4)[-1][4] / by(4)[0][4]:.0f} times the fastest)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A guide for picking
#
# | your situation | start with | why |
# |---|---|---|
# | CPU, laptop, phone, or a quick first experiment | **MobileNetV2** (MobileNet α = 0.25 when only speed counts) | few parameters, fast, works from 32 px; the course's default |
# | best features for the compute, GPU or patient CPU | **EfficientNetB0** | high top-1 for its size; preprocessing is built into the model |
# | GPU and thousands of images to fine-tune on | **ResNet50** | the standard baseline of papers; BatchNorm and shortcuts make fine-tuning stable |
# | teaching, or cutting the network at any block | **VGG16** | a plain stack, easy to read and cut; large and slow — the lecture's example |
# | higher resolution photos (299 px) | **InceptionV3** | built around inception modules at 299 px; needs at least 75 px |
#
# Two rules whatever you pick: feed it images of at least its minimum size, passed through
# *its own* `preprocess_input` (`tlcourse.models.backbone_preprocess(name)`), and drop its top —
# the convolutions are what transfers (sections 3 and 4).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The pick, in code
#
# The lecture transfers VGG16. Its ImageNet weights need a download; this machine may be
# offline, in which case the cell says so in one line and takes MobileNetV2 (whose weights ship
# with the course data) — never random weights in disguise.

# %% slideshow={"slide_type": "-"}
from tlcourse.models import imagenet_backbone

try:
    backbone, choice = imagenet_backbone("vgg16", input_shape=(96, 96, 3)), "vgg16"
except data.DataNotFoundError:
    print("VGG16's ImageNet weights are not on this machine and cannot be downloaded: using MobileNetV2.")
    backbone, choice = imagenet_backbone("mobilenet_v2", input_shape=(96, 96, 3)), "mobilenet_v2"
print(f"backbone: {choice}, {backbone.count_params():,} parameters, output {backbone.output_shape}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Beyond `keras.applications`: KerasHub presets
#
# `keras.applications` holds the classic ImageNet CNNs of this notebook. Newer pretrained
# networks (more ResNets and EfficientNets, ConvNeXt, vision transformers, and models pretrained
# on more than ImageNet) come as **presets** of [KerasHub](https://keras.io/keras_hub/), the
# Keras team's library of pretrained models (`pip install keras-hub`; the course does not need it,
# so nothing here imports it). A preset is a name for an architecture plus its weights, downloaded
# on first use (from Kaggle Models or Hugging Face):
#
# ```python
# import keras_hub
#
# backbone = keras_hub.models.Backbone.from_preset("resnet_50_imagenet")      # no classifier
# classifier = keras_hub.models.ImageClassifier.from_preset(
#     "resnet_50_imagenet", num_classes=10)                                    # new 10-class head
# ```
#
# The backbone is a `keras.Model` like the ones here: freeze it, put a head on it, compile and fit
# exactly as in notebooks 04 and 06. `ImageClassifier` adds the pooling and a new `Dense` head
# (and the preset's own preprocessing) in one call. The list of presets, with their sizes, is on
# [keras.io/keras_hub/presets](https://keras.io/keras_hub/presets/). The picking rules above
# still apply: size, speed, input size, and the preprocessing the weights expect.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 9 · Recap
#
# - **ILSVRC** (ImageNet, 1,000 classes, top-5 error): from 28 % in 2010 to about 2 % in 2017;
#   every winner since 2012 is a deep CNN, and their published designs are what transfer
#   learning reuses.
# - **LeNet-5**: conv → pool → dense, the skeleton of them all. **AlexNet**: the same scaled up,
#   ReLU, dropout, two GPUs; its parameters sit in the dense layers. **VGG16**: only 3 × 3 convs
#   and 2 × 2 pools, 16 weight layers. **GoogLeNet**: inception modules — four parallel branches,
#   concatenated, 1 × 1 reductions — 22 layers, few parameters. **ResNet**: residual blocks,
#   relu(F(x) + x); shortcuts fix the degradation of deep plain networks (He et al.); section 6
#   measures, at small scale, how much faster they train and says whether it saw degradation.
# - Builders: `lenet5`, `alexnet`, `vgg16`, `inception_module`, `googlenet`, `residual_block`,
#   `resnet`; depth as the papers count it: `weight_layer_depth` (all in `tlcourse.models`).
# - Picking a backbone: accuracy, size, speed, input size. On a CPU start with MobileNetV2;
#   use its own `preprocess_input`, and drop the top.
# - Exercises 10.1 (parameters of 3 × 3 vs 5 × 5), 10.2 (a residual block) and 10.3 (is
#   degradation a vanishing gradient? measured over seeds): `check("10.3", answer)` says what is
#   right or wrong; instructors reveal a solution with `solution("10.3")` (from `tlcourse.exercises`).
