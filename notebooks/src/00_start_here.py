# %% [markdown] slideshow={"slide_type": "slide"}
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tlcourse/tlcourse/blob/main/notebooks/00_start_here.ipynb)
#
# # 00 · Start here
#
# **What you will learn**
# - how this course is organised and the three ways to use it: JupyterLab, slides, Colab;
# - how to check that your machine is ready (versions, CPU/GPU, data found);
# - how *fast mode* and the *offline data folder* work;
# - a one-minute tour of `tlcourse`: load real photos, load the course's own pretrained
#   model, and reuse an ImageNet network for a new task.
#
# Lecture: the [lecture map](../README.md#lecture-map) shows which notebook covers which
# section of the lecture (chapter 6, *Transfer learning*, and its four companion texts).

# %% slideshow={"slide_type": "skip"}
# Colab only: install the course from its repository (does nothing elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "tlcourse @ git+https://github.com/tlcourse/tlcourse"], check=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## How the course works
#
# Each numbered notebook covers one lecture section. Inside a notebook:
#
# 1. **Why first** — the markdown says what problem a step solves before any code runs.
# 2. **Raw Keras first** — you see the plain Keras 3 calls the lecture shows
#    (`clone_model`, `set_weights`, `layers[:-1]`, `layer.trainable = False`, `compile`, `fit`).
# 3. **Then the helper** — the `tlcourse` function that does the same in one line, so later
#    notebooks stay short.
#
# Three ways to use a notebook:
# - **JupyterLab**: `make lab` from the repository folder.
# - **Slides**: every cell is also a slide; present with RISE in JupyterLab or build every deck with
#   `make slides` (see the README, "Presenting as slides").
# - **Colab**: the "Open in Colab" badge at the top of every notebook opens it there; its first
#   code cell installs the course in Colab (and does nothing anywhere else).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Is this machine ready?
#
# Courses break most often on versions: code written for Keras 2 (`lr=`, `fit_generator`,
# `tf.keras` internals) fails on Keras 3 / TensorFlow ≥ 2.16, and a library older than the course
# was tested with fails in subtler ways. Every version range printed below is tested on every
# change, its lowest versions included (the README's "Supported versions"); anything older is
# flagged `TOO OLD` with the command that fixes it. The course runs on a CPU; a GPU only makes it
# faster.

# %% slideshow={"slide_type": "-"}
import tlcourse
from tlcourse import config

config.seed_everything(config.SEED)
for what, value in config.environment_report().items():
    print(f"{what:<14} {value}")
too_old = [check for check in config.version_checks() if not check.ok]
print("\nevery version is supported" if not too_old else
      "\nFIX FIRST: " + "; ".join(f"{c.name} {c.installed} -> {c.fix}" for c in too_old))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Fast mode
#
# Training on a 2-core CPU takes minutes, not seconds. The test suite runs every notebook
# on every change, so it sets `TLCOURSE_FAST=1`: the **same cells** then use smaller subsets
# and fewer epochs. `tlcourse.FAST` is the only switch; `fast_or_full(fast, full)` picks a
# value by mode. The outputs stored in the notebooks come from full runs.

# %% slideshow={"slide_type": "-"}
from tlcourse.config import FAST, fast_or_full

LIMIT_PER_CLASS = fast_or_full(30, None)   # sign-language photos per class (None = all)
EPOCHS = fast_or_full(10, 30)              # epochs for the new head in the tour
print(f"fast mode: {FAST}; photos per class: {LIMIT_PER_CLASS or 'all'}; epochs: {EPOCHS}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Data, offline first
#
# Dead download links are the other classic failure. Every loader looks in three places:
#
# 1. the folder named by `TLCOURSE_DATA` (or a `data_dir=` argument),
# 2. the Keras cache (`~/.keras/datasets`, `~/.keras/models`),
# 3. the public source, downloaded with `keras.utils.get_file` and its hash checked.
#
# Offline with a file missing, you get one error naming the URL and the folder to put it in.
# The registry below lists everything the course uses.

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
from tlcourse import data

print(data.datasets_table())

# %% [markdown] slideshow={"slide_type": "subslide"}
# Which of them are on this machine right now? `locate(name, download=False)` only looks,
# it never downloads. (ImageNet weights for VGG16 and ResNet50 are large; the course uses the
# small MobileNets on a CPU and the big ones only where they can be downloaded.)

# %% slideshow={"slide_type": "-"}
for name in data.DATASETS:
    try:
        where = data.locate(name, download=False)
        print(f"{name:<24} found: {where}")
    except data.DataNotFoundError:
        print(f"{name:<24} not here yet (downloads on first use)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Tour 1 · Real photos, split the right way
#
# The **target task** of several notebooks: the Sign Language Digits photos (2,062 RGB
# photos of hands showing 0–9). `data.load` returns a stratified train / validation / test
# split — every class in the same proportion in each part, and no photo in two parts
# (a leak would make the test accuracy a lie).

# %% slideshow={"slide_type": "-"}
split = data.load("sign_language_digits", image_size=(96, 96), limit_per_class=LIMIT_PER_CLASS)
print(split)
print("photos checked for leakage between splits:", split.check_no_leakage())

# %% slideshow={"slide_type": "subslide"}
from tlcourse.plots import show_images

show_images(split.x_train, split.y_train, split.class_names, per_class=4,
            title="Sign Language Digits: four training photos of each digit");

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Teach, then wrap: what `data.load` stands for
#
# The course shows the raw Keras call first and its `tlcourse` helper second. `data.load` came
# first here, so here is the raw call it replaces. For a folder with one sub-folder per class
# (`sign-language-digits/Dataset/0` … `9`), Keras's own loader is
#
# ```python
# train_ds, val_ds = keras.utils.image_dataset_from_directory(
#     folder, image_size=(96, 96), batch_size=32,
#     validation_split=0.2, subset="both", seed=SEED)   # labels = the sub-folders' names
# model.fit(train_ds, validation_data=val_ds, epochs=...)
# ```
#
# It returns batched `tf.data.Dataset`s of `(images, labels)`, and it is the call to use in your
# own projects. `data.load` wraps the same job and adds what a course needs: it finds the data
# offline (`TLCOURSE_DATA`, the Keras cache, or a checked download), makes a **stratified**
# train / validation / **test** split (`validation_split` is a seeded random two-way split, with no
# test part), lets you check it for leaks, and returns NumPy arrays you can index and plot, with
# one call for photo folders and for MNIST alike. Notebook 12 turns such arrays back into a
# `tf.data.Dataset` for `model.fit` (`data.as_dataset`).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Tour 2 · The course's own pretrained model
#
# Transfer learning starts from a network trained on a *source task*. For Géron's protocol
# (notebook 06) the course trains its own source model, **model A**: a small dense network
# on the 8 Fashion-MNIST classes other than sandal and shirt. It is committed in
# `data/models/` with its sha256; `load_pretrained` checks the hash before loading, so a
# corrupt file is never used silently.

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
from tlcourse.models import load_pretrained, pretrained_info
from tlcourse.surgery import trainable_report

model_a = load_pretrained("fashion_mnist_model_a")
print(trainable_report(model_a))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Teach, then wrap: `trainable_report` and `model.summary(show_trainable=True)`
#
# `trainable_report` is a course helper too. The raw Keras call behind the table above is
# `model.summary(show_trainable=True)`: every layer with its output shape, its parameters and
# whether it will train, then the trainable and non-trainable totals. The course wraps it because
# `summary` *prints* a layout that changes between Keras versions, while `trainable_report`
# *returns* the rows and totals as data (`report.totals["trainable"]`) that a cell or a test can
# compare, in the same layout on every version. The raw call, on the same model:

# %% slideshow={"slide_type": "-"}
model_a.summary(show_trainable=True)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Does it still do its source task? Evaluate it on the Fashion-MNIST test images of its
# 8 classes and compare with the accuracy recorded when it was trained.

# %% slideshow={"slide_type": "-"}
from tlcourse.pretrain import task_a_b_split

fashion = data.load("fashion_mnist", verbose=False)
(x_test_a, y_test_a), _ = task_a_b_split(fashion.x_test, fashion.y_test)
model_a.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
_, accuracy = model_a.evaluate(x_test_a, y_test_a, verbose=0)
recorded = pretrained_info("fashion_mnist_model_a")["test_accuracy"]
print(f"model A on {len(x_test_a):,} test images: {accuracy:.2%} (recorded at training: {recorded:.2%})")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Tour 3 · Transfer learning in one minute
#
# The lecture's approach 2 (section 6-3): take a network trained on ImageNet, **freeze**
# its convolutional layers, and use them as a feature extractor for a task they never saw.
# Here: ImageNet MobileNetV2 → hand signs. First the raw Keras calls:

# %% slideshow={"slide_type": "-"}
import keras
from tlcourse.models import backbone_preprocess, imagenet_backbone

base = imagenet_backbone("mobilenet_v2", input_shape=(96, 96, 3))   # no top, ImageNet weights
base.trainable = False                                             # freeze every layer

inputs = keras.Input(shape=(96, 96, 3), name="photo")
x = backbone_preprocess("mobilenet_v2")(inputs)                    # 0..255 -> -1..1
x = base(x, training=False)                                        # BatchNorm in inference mode
features = keras.layers.GlobalAveragePooling2D(name="pool")(x)     # one 1280-vector per photo
outputs = keras.layers.Dense(10, activation="softmax", name="new_head")(features)
model = keras.Model(inputs, outputs, name="signs_on_mobilenet_v2")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Only the head's weights train: 12,810 of 2.27 million. The next cell proves it with the
# same `trainable_report` as above (this table is compared on every test run).

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
report = trainable_report(model)
print(report)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Now train the head. A frozen base gives the same 1280 numbers for a photo in every
# epoch, so there is no reason to run it 20 times: compute the features **once**, then train
# the head on them (seconds on a CPU instead of minutes). The `Dense` layer trained here is
# the very object inside `model`, so `model` classifies raw photos afterwards.
# The learning rate is the optimizer's, with its Keras 3 name: `keras.optimizers.Adam(learning_rate=1e-3)`
# (the Keras 2 `lr=` is gone); `compile` takes that optimizer, and `fit` then trains.

# %% slideshow={"slide_type": "-"}
import time

start = time.perf_counter()
extractor = keras.Model(inputs, features)                          # photo -> frozen features
f_train = extractor.predict(split.x_train, verbose=0)
f_val = extractor.predict(split.x_val, verbose=0)
print(f"features of {len(f_train) + len(f_val):,} photos: {time.perf_counter() - start:.0f} s, shape {f_train.shape[1:]}")

config.seed_everything(config.SEED)
head = keras.Sequential([keras.Input(shape=(1280,)), model.get_layer("new_head")])
head.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
             loss="sparse_categorical_crossentropy", metrics=["accuracy"])
start = time.perf_counter()
history = head.fit(f_train, split.y_train, validation_data=(f_val, split.y_val),
                   epochs=EPOCHS, batch_size=32, verbose=0)
print(f"head trained for {EPOCHS} epochs: {time.perf_counter() - start:.0f} s")

model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
_, test_accuracy = model.evaluate(split.x_test, split.y_test, verbose=0)
print(f"whole model on {len(split.x_test):,} unseen photos: {test_accuracy:.1%} accuracy (chance: 10%)")

# %% slideshow={"slide_type": "subslide"}
from tlcourse.plots import plot_history

plot_history({"frozen MobileNetV2 + new head": history.history},
             title="Sign digits: the new head learns on frozen ImageNet features");

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same model with the `tlcourse` helper, in one line: `with_new_head` adds the pooling
# and the classifier and calls the base with `training=False`; `freeze` freezes it. Same
# parameter counts as the hand-built model:

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
from tlcourse.surgery import freeze, with_new_head

helper_model = with_new_head(freeze(imagenet_backbone("mobilenet_v2", (96, 96, 3))), num_classes=10)
print(trainable_report(helper_model).totals == report.totals)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
#
# - Use the course in JupyterLab (`make lab`), as slides, or in Colab.
# - `TLCOURSE_FAST=1` shrinks subsets and epochs; the cells stay the same.
# - Data and weights come from `TLCOURSE_DATA`, then the Keras cache, then the web — hash checked.
# - A frozen ImageNet network plus a small new head already recognises hand signs it never saw:
#   that is transfer learning. The next notebooks explain *why* it works, *how much* to
#   freeze, and how to fine-tune.
#
# Next: the [lecture map](../README.md#lecture-map) lists the notebooks that follow.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## 한국어판 · The Korean edition
#
# Every notebook also exists in Korean, in `notebooks/ko/` (this one:
# [ko/00_start_here.ipynb](ko/00_start_here.ipynb)): the same cells, code and outputs, with the
# prose translated. Its first code cell adds `tlcourse.set_language("ko")`, so `check()` and its
# hints answer in Korean there; `tlcourse.set_language("en")` switches back, and the environment
# variable `TLCOURSE_LANG=ko` chooses Korean before the course is imported.
#
# The lecture's terms in Korean and English, with the notebook that teaches each one, are in the
# [glossary (용어집)](GLOSSARY.md).
