# %% [markdown] slideshow={"slide_type": "slide"}
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tlcourse/tlcourse/blob/main/notebooks/06_open_datasets.ipynb)
#
# # 06 · Open data sets
#
# **What you will learn**
# - the open data sets of the lecture — MNIST, Fashion-MNIST, CIFAR-10/100, ImageNet (ILSVRC),
#   MS COCO, Open Images, Kaggle — in one table: images, classes, resolution, size, licence and
#   how to load each; for the sets on this machine the numbers are **measured from the files**;
# - what the sets on hand look like (sample grids), and that real data is messier than its
#   README;
# - why ImageNet, and the ILSVRC challenge built on it, made transfer learning possible;
# - train / validation / test splits done right: what a naive split does (measured), a
#   stratified split, an exact-duplicate leakage check and a leak that check cannot see;
# - why validation is separate from test: choosing on the test set inflates the score (measured).
#
# Lecture: [6-5 Open data sets](../README.md#lecture-6-5-open-data-sets) (seed 000, section 6-5)
# and seed 002 (ILSVRC / ImageNet).

# %% slideshow={"slide_type": "skip"}
# Colab only: install the course from its repository (does nothing elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "tlcourse @ git+https://github.com/tlcourse/tlcourse"], check=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Why open data sets matter for transfer learning
#
# Transfer learning needs a **source task with a lot of labelled data** (upstream) to learn
# features that a **target task with little data** (downstream) can reuse. Labelling a million
# photos is beyond almost any single project, so the field runs on a few *open* data sets that
# anyone may download:
#
# - **big sources** to pretrain on: ImageNet (the one behind `keras.applications`), MS COCO,
#   Open Images;
# - **small benchmarks and targets** to learn and compare on: MNIST, Fashion-MNIST, CIFAR-10/100,
#   and the thousands of data sets on Kaggle.
#
# Before using one, know four things: **how big** it is, **what the labels are**, **under which
# licence** you may use it, and **how to load** it. The next cells collect them.

# %% slideshow={"slide_type": "-"}
# %matplotlib inline
import collections
import hashlib
from pathlib import Path

from tlcourse import data                 # first: it also quiets TensorFlow's start-up messages
from tlcourse.config import FAST, SEED, fast_or_full, seed_everything
from tlcourse.exercises import check

import keras
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display
from PIL import Image

seed_everything(SEED)
N_SEEDS = fast_or_full(3, 10)          # repetitions of the split experiments below
print(f"fast mode: {FAST}; split experiments repeated over {N_SEEDS} seeds")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · Measure, don't copy: the sets on this machine
#
# Five data sets are on hand offline (`TLCOURSE_DATA`). Their README numbers could be wrong or
# out of date, and the copy on disk could differ from the original, so we **count** instead:
# images per split, classes, the resolution of the images, and the bytes on disk.
#
# Raw tools first: `pathlib` to list files, PIL's `Image.open` (reads only the file header, not
# the pixels) for the resolution, NumPy for the array files. Opening every CIFAR-10 header
# takes long on a small CPU, so folders with more than 5,000 images get every *k*-th file checked
# (the table says how many). `data.locate(name, download=False)` only *finds* the copy and never
# downloads.
#
# (The file-header scan is folded away: click the bar beside its output to read it.)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "subslide"} tags=["remove-input"]
ON_HAND = ["mnist", "fashion_mnist", "cifar10", "sign_language_digits", "digits"]
MODE = {"L": "gray", "RGB": "RGB"}
MAX_HEADERS = 5_000                 # image headers opened per folder at most (every k-th file)


def image_files(folder):
    # every image file under a folder, sorted (hidden files and READMEs are skipped)
    return sorted(p for p in Path(folder).rglob("*")
                  if p.suffix.lower() in data.IMAGE_EXTENSIONS and not p.name.startswith("."))


def measure(name):
    # images, classes, resolutions and bytes of the local copy of a data set, from its files
    entry = data.info(name)                              # the registry entry (source, licence, ...)
    path = data.locate(name, download=False)             # looks only, never downloads
    resolutions = collections.Counter()
    if path.is_dir():                                    # a folder of class sub-folders of images
        files = image_files(path)
        n_images = len(files)
        n_test = sum(f.relative_to(path).parts[0] == "test" for f in files)
        n_classes = len({f.parent.name for f in files})
        for f in files[::max(1, n_images // MAX_HEADERS)]:
            with Image.open(f) as image:                 # header only
                resolutions[f"{image.width}×{image.height} {MODE.get(image.mode, image.mode)}"] += 1
    else:                                                # arrays stored in one file
        files = [path]
        if entry.kind == "bundled":                      # scikit-learn's digits.csv.gz
            from sklearn.datasets import load_digits
            bunch = load_digits()
            parts = [(bunch.images, bunch.target)]
        else:                                            # an .npz: (x_train, y_train), (x_test, y_test)
            parts = list(data.load_arrays(name))
        n_images = sum(len(y) for _, y in parts)
        n_test = len(parts[1][1]) if len(parts) > 1 else 0
        n_classes = len(np.unique(np.concatenate([y for _, y in parts])))
        for x, _ in parts:
            kind = "RGB" if x.ndim == 4 else "gray"
            resolutions[f"{x.shape[2]}×{x.shape[1]} {kind}"] += len(x)
    return {"name": name, "train": n_images - n_test, "test": n_test, "classes": n_classes,
            "images": n_images, "resolutions": resolutions, "checked": sum(resolutions.values()),
            "paths": files, "bytes": sum(f.stat().st_size for f in files)}


measured = {name: measure(name) for name in ON_HAND}
for name, m in measured.items():
    entry = data.info(name)
    agrees = (m["train"], m["test"], m["classes"]) == (entry.num_train, entry.num_test, len(entry.class_names))
    print(f"{name:<21} {m['train']:>6,} + {m['test']:>6,} images, {m['classes']} classes; "
          f"registry agrees: {agrees}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The registry (`data.info(name)`) agrees with the files. Is the copy also **the published
# one**, byte for byte? `data.verify` hashes every file of the folder (the same
# `sha256sum`-style listing you can compute in a shell) and compares with the hash recorded in
# the registry.

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
digest = data.verify("sign_language_digits")
print(f"content hash of the sign-language folder: {digest[:16]}...")
print("matches the registry:", digest == data.info("sign_language_digits").tree_sha256)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The sets that are not on this machine
#
# CIFAR-100, ImageNet, MS COCO, Open Images and Kaggle are too big (or too many) to ship
# offline. Their numbers come from the official pages and papers, and each row names its source
# so you can check it. Note how sizes jump: MB for the small benchmarks, hundreds of GB for the
# big sources.
#
# (The list of published numbers and their sources is folded away: click the bar to read it; the table below shows every row.)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "-"} tags=["remove-input"]
PUBLISHED = [
    {"title": "CIFAR-100 tiny images", "images": "50,000 train + 10,000 test",
     "classes": "100 (in 20 superclasses)", "resolution": "32×32 RGB",
     "size": "≈ 169 MB download", "chart": ("CIFAR-100", 50_000, 100, "classification"),
     "licence": "none stated (free for research)",
     "load": '`keras.datasets.cifar100.load_data(label_mode="fine")`; `tfds.load("cifar100")`',
     "source": "Krizhevsky, A. (2009). Learning multiple layers of features from tiny images. "
               "[cs.toronto.edu/~kriz/cifar.html](https://www.cs.toronto.edu/~kriz/cifar.html); "
               "size: [TFDS catalog](https://www.tensorflow.org/datasets/catalog/cifar100)"},
    {"title": "ImageNet-1k (ILSVRC 2012)", "images": "1,281,167 train + 50,000 val (+ 100,000 unlabelled test)",
     "classes": "1,000 (WordNet synsets)", "resolution": "varies (photos); models train on 224×224 crops",
     "size": "≈ 155 GB (train ≈ 148 GB + val ≈ 6.7 GB archives)", "chart": ("ImageNet-1k", 1_281_167, 1000, "classification"),
     "licence": "ImageNet terms of access: non-commercial research and education only; "
                "ImageNet does not own the images",
     "load": '`tfds.load("imagenet2012")` after a manual download (register at image-net.org)',
     "source": "Russakovsky, O. et al. (2015). ImageNet Large Scale Visual Recognition Challenge. "
               "IJCV 115; Deng, J. et al. (2009). ImageNet. CVPR. [image-net.org](https://image-net.org); "
               "splits: [TFDS catalog](https://www.tensorflow.org/datasets/catalog/imagenet2012)"},
    {"title": "MS COCO 2017", "images": "118,287 train + 5,000 val (+ 40,670 unlabelled test)",
     "classes": "80 object categories, several objects per image",
     "resolution": "varies (most 640 px on the longer side)",
     "size": "≈ 19 GB (train + val image zips)", "chart": ("MS COCO 2017", 118_287, 80, "detection"),
     "licence": "annotations CC BY 4.0 (COCO Consortium); images from Flickr, each under its own "
                "licence (Flickr terms of use)",
     "load": '`tfds.load("coco/2017")`; zips at images.cocodataset.org',
     "source": "Lin, T.-Y. et al. (2014). Microsoft COCO: Common Objects in Context. ECCV. "
               "[cocodataset.org terms of use](https://cocodataset.org/#termsofuse)"},
    {"title": "Open Images V7", "images": "≈ 9 M (≈ 1.9 M with boxes)",
     "classes": "≈ 20,000 image-level labels; 600 classes with boxes", "resolution": "varies (photos)",
     "size": "≈ 600 GB (TFDS `open_images_v4`: 565 GiB)", "chart": ("Open Images V7", 9_000_000, 20_000, "detection"),
     "licence": "annotations CC BY 4.0 (Google); images listed as CC BY 2.0 (check each image)",
     "load": '`tfds.load("open_images_v4")` (TFDS has V4); V7 with the official downloader',
     "source": "Kuznetsova, A. et al. (2020). The Open Images Dataset V4. IJCV. "
               "[V7 facts](https://storage.googleapis.com/openimages/web/factsfigures_v7.html); "
               "[TFDS catalog](https://www.tensorflow.org/datasets/catalog/open_images_v4)"},
    {"title": "Kaggle (a platform, not one set)", "images": "per data set; e.g. Dogs vs. Cats: 25,000 labelled photos",
     "classes": "per data set (Dogs vs. Cats: 2)", "resolution": "per data set",
     "size": "per data set (Dogs vs. Cats: train.zip 543 MB)", "chart": ("Dogs vs. Cats (Kaggle)", 25_000, 2, "classification"),
     "licence": "per data set, shown on its page; competition data under the competition's rules",
     "load": "`kaggle datasets download -d <owner>/<name>` or `kaggle competitions download -c dogs-vs-cats` "
             "(API token in ~/.kaggle/kaggle.json)",
     "source": "[kaggle.com/datasets](https://www.kaggle.com/datasets); "
               "[Dogs vs. Cats data](https://www.kaggle.com/c/dogs-vs-cats/data), the lecture's 6-1 task"},
]
print(f"{len(PUBLISHED)} published rows, each with its source")


# %% [markdown] slideshow={"slide_type": "slide"}
# ## The table: what is in each set
#
# One row per data set of the lecture (and the two extra sets the course uses). *Numbers from*
# says whether a row was measured on this machine or copied from a published source.

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
def on_hand_row(m):
    entry = data.info(m["name"])
    res = m["resolutions"]
    resolution = (next(iter(res)) if len(res) == 1 else
                  ", ".join(f"{r} ({n:,})" for r, n in res.most_common()))
    if m["checked"] < m["images"]:
        resolution += f" ({m['checked']:,} of {m['images']:,} files checked)"
    images = (f"{m['train']:,} train + {m['test']:,} test" if m["test"] else
              f"{m['train']:,} (no official split)")
    paths = m["paths"]
    suffix = "".join(paths[0].suffixes)
    what = f"{len(paths):,} {suffix} files" if len(paths) > 1 else f"one {suffix} file"
    return {"title": entry.title, "images": images, "classes": str(m["classes"]),
            "resolution": resolution, "size": f"{m['bytes'] / 1e6:,.1f} MB ({what})",
            "from": "measured here"}


from tlcourse.tables import Table

ROWS = [on_hand_row(m) for m in measured.values()] + [{**p, "from": "published"} for p in PUBLISHED]
columns = ["title", "images", "classes", "resolution", "size", "from"]
header = ["data set", "images", "classes", "resolution (w×h)", "size", "numbers from"]
display(Markdown(Table(header, [[row[c] for c in columns] for row in ROWS]).markdown()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Licence and how to load
#
# A data set is only usable if its licence allows your use: *free to download* is not *free
# for any purpose*. ImageNet's terms allow non-commercial research and teaching only; COCO and
# Open Images license the **annotations** openly, but each image keeps its photographer's licence.
# For the sets on hand, the *how to load* column is built from the registry entry.

# %% slideshow={"slide_type": "subslide"}
# NBVAL_CHECK_OUTPUT
TFDS_NAMES = {"mnist": "mnist", "fashion_mnist": "fashion_mnist", "cifar10": "cifar10"}


def how_to_load(name):
    entry = data.info(name)
    if entry.source == "keras.datasets":
        raw = f'`keras.datasets.{name}.load_data()`; `tfds.load("{TFDS_NAMES[name]}")`'
    elif entry.kind == "bundled":
        raw = "`sklearn.datasets.load_digits()` (bundled, no download)"
    else:
        raw = f"[zip]({entry.url}), then `keras.utils.image_dataset_from_directory`"
    return f'{raw}; offline first: `data.load("{name}")`'


licence_rows = [{"title": data.info(n).title, "licence": data.info(n).licence,
                 "load": how_to_load(n), "source": data.info(n).citation} for n in ON_HAND]
licence_rows += PUBLISHED
display(Markdown(Table(["data set", "licence", "how to load", "source"],
                       [[r["title"], r["licence"], r["load"], r["source"]] for r in licence_rows]).markdown()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why big data sets ship as archives
#
# CIFAR-10's offline copy is one small JPEG per image. The table counts the bytes *in* the
# files; the file system, however, reserves whole blocks per file. Compare the two:

# %% slideshow={"slide_type": "-"}
cifar_files = measured["cifar10"]["paths"]
in_files = sum(f.stat().st_size for f in cifar_files)
allocated = sum(f.stat().st_blocks * 512 for f in cifar_files)   # what `du` reports
print(f"CIFAR-10 as {len(cifar_files):,} JPEG files: {in_files / 1e6:.0f} MB of data, "
      f"{allocated / 1e6:.0f} MB allocated on this file system ({allocated / in_files:.1f}×)")

# %% [markdown] slideshow={"slide_type": "-"}
# Many tiny files waste space and make reading slow (one file-system call per image). That is
# why large sets are distributed as a few big archives (ImageNet's tar files, COCO's zips) or
# as packed arrays and shards (`.npz`, TFRecord), and why `keras.datasets` downloads CIFAR-10 as
# one archive.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · What the sets on hand look like
#
# Numbers do not show what a classifier has to learn. A few random training images per class,
# drawn with `tlcourse.plots.show_images` from `data.load(name)`: 20 images per class are
# enough to draw from, so each cell loads only those (for the image folders, only those files
# are read).

# %% slideshow={"slide_type": "subslide"}
from tlcourse.plots import show_images


def sample_grid(name, per_class=3):
    split = data.load(name, limit_per_class=20, verbose=False)
    title = f"{data.info(name).title}: {per_class} random training images per class"
    return show_images(split.x_train, split.y_train, split.class_names, per_class=per_class,
                       title=title, seed=SEED)


sample_grid("mnist");

# %% slideshow={"slide_type": "subslide"}
sample_grid("fashion_mnist");

# %% slideshow={"slide_type": "subslide"}
sample_grid("cifar10");

# %% [markdown] slideshow={"slide_type": "subslide"}
# The **target** data set of several notebooks: photos of hands showing the digits 0–9 in sign
# language — a different world from ImageNet's objects and animals, and only a few hundred
# photos per class. scikit-learn's 8×8 digits (values 0–16) come last: the smallest set of all.

# %% slideshow={"slide_type": "-"}
sample_grid("sign_language_digits");

# %% slideshow={"slide_type": "subslide"}
sample_grid("digits");

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Real data is messier than its README
#
# The sign-language README says "100 x 100 pixels", but the table above found photos of
# another size. Which ones?

# %% slideshow={"slide_type": "-"}
sign_dir = data.locate("sign_language_digits", download=False)
odd = []
for f in image_files(sign_dir):
    with Image.open(f) as image:
        if image.size != (100, 100):
            odd.append((f, image.size))

fig, axes = plt.subplots(1, len(odd), figsize=(3 * len(odd), 3.4), squeeze=False)
for ax, (f, size) in zip(axes[0], odd):
    ax.imshow(keras.utils.load_img(f, target_size=(100, 100)))
    ax.set_xticks([]), ax.set_yticks([])
    ax.set_xlabel(f"class {f.parent.name}: {f.name}\n{size[0]}×{size[1]} px (shown at 100×100)")
fig.suptitle("Sign Language Digits: the photos that are not 100×100")
fig.supylabel("photo")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# A loader that assumes one size fails on them (or, worse, silently mixes sizes). The course's
# loader refuses mixed sizes unless told what to do:

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
try:
    data.load_image_folder(sign_dir, class_names=["7"])     # no image_size: keep each photo's size
except ValueError as error:
    print("ValueError:", str(error).replace(str(sign_dir), "<sign-language folder>"))

# %% [markdown] slideshow={"slide_type": "fragment"}
# With `image_size=(100, 100)` (the default of `data.load("sign_language_digits")`) every photo is
# resized on loading, and the big ones become ordinary 100×100 photos like the rest.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · Why ImageNet made transfer learning possible
#
# Seed 002: ImageNet holds **over a million images in about a thousand classes**, and the
# **ILSVRC** challenge (ImageNet Large Scale Visual Recognition Challenge, 2010–2017) ranked
# every year's best classifiers on it. Three things came together:
#
# 1. **Scale and variety**: photos of animals, objects, vehicles, food, scenes — labelled by
#    people (via Amazon Mechanical Turk) into WordNet categories, with many fine-grained ones
#    (dozens of dog breeds). To tell them all apart, a network must learn **general visual
#    features**: edges, textures, parts, shapes (lecture 6-2).
# 2. **A public benchmark**: AlexNet won ILSVRC 2012 with a deep CNN trained on it (Krizhevsky
#    et al., 2012); VGG, GoogLeNet and ResNet followed (notebook 07).
# 3. **Released weights**: trained ILSVRC networks became downloadable (Caffe's model zoo, the
#    VGG and ResNet authors' releases), and their features, reused as they are, beat hand-made
#    features on other tasks (Donahue et al., 2014, *DeCAF*; Razavian et al., 2014, *CNN
#    features off-the-shelf*). `keras.applications` is the heir of those releases.
#
# Where does ImageNet stand among the other sets? The chart uses the numbers of the table.

# %% slideshow={"slide_type": "subslide"}
SHORT = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST", "cifar10": "CIFAR-10",
         "sign_language_digits": "Sign Language Digits", "digits": "sklearn digits"}
on_hand_points = [(SHORT[m["name"]], m["train"], m["classes"], "on hand (measured)")
                  for m in measured.values()]
published_points = [(label, n_images, n_classes, f"published: {kind}")
                    for label, n_images, n_classes, kind in (p["chart"] for p in PUBLISHED)]
styles = {"on hand (measured)": ("C0", "o"), "published: classification": ("C1", "s"),
          "published: detection": ("C2", "^")}

points = collections.defaultdict(list)                  # sets at the same spot share one label
for title, n_images, n_classes, group in on_hand_points + published_points:
    points[(n_images, n_classes, group)].append(title)

fig, ax = plt.subplots(figsize=(9, 5.5))
row_count = collections.Counter()
for (n_images, n_classes, group), titles in sorted(points.items()):
    color, marker = styles[group]
    ax.scatter(n_images, n_classes, s=70, color=color, marker=marker,
               label=group if group not in ax.get_legend_handles_labels()[1] else None)
    above = row_count[n_classes] % 2 == 0                # alternate labels above / below
    row_count[n_classes] += 1
    ax.annotate(" + ".join(titles), (n_images, n_classes), textcoords="offset points",
                xytext=(4, 7 if above else -13), fontsize=8)
ax.set_xscale("log"), ax.set_yscale("log")
ax.set_xlabel("training images (log scale)")
ax.set_ylabel("classes (log scale)")
ax.set_title("Open data sets: size and number of classes (ImageNet: top right of the classifiers)")
ax.grid(alpha=0.3, which="both")
ax.legend(loc="lower right");

# %% [markdown] slideshow={"slide_type": "subslide"}
# Images **per class** tell a different story: for the single-label classification sets,
# computed from the same numbers —

# %% slideshow={"slide_type": "-"}
per_class = {title: n_images / n_classes
             for title, n_images, n_classes, group in on_hand_points + published_points
             if group != "published: detection"}
for title, n in sorted(per_class.items(), key=lambda kv: -kv[1]):
    print(f"{title:<40} {n:>8,.0f} training images per class")
_, imagenet_images, imagenet_classes, _ = next(p for p in published_points if p[0] == "ImageNet-1k")
sign = measured["sign_language_digits"]
print(f"\nImageNet has {imagenet_images / sign['train']:,.0f}× the images and "
      f"{imagenet_classes // sign['classes']}× the classes of our sign-language target.")

# %% [markdown] slideshow={"slide_type": "-"}
# ImageNet does **not** have the most images per class: Dogs vs. Cats, MNIST, Fashion-MNIST
# and CIFAR-10 have more. What sets it apart is the *combination*: a thousand varied classes of
# real photos at a usable resolution, and that is what makes its features general. How much of that is
# essential? Huh, Agrawal & Efros (2016, *What makes ImageNet good for transfer learning?*)
# pretrained on subsets: half the images per class, or 127 coarser classes instead of 1000,
# cost only a little transfer accuracy. So "exactly 1000 classes" is not magic — a large,
# diverse, well-labelled, **public** set with a competition and **released weights** was.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### When pretrained models are not allowed
#
# Seed 002 adds a warning after listing the ImageNet networks: "경우에 따라 경진대회에서 사용하지
# 못하게 하는 경우도 있다" — in some competitions you may not use them. Why would a competition
# forbid the very thing this course teaches?
#
# - **A fair comparison**: the contest measures what can be learned from *its* data. A network
#   pretrained on 1.28 million ImageNet photos brings far more data than the entrants who did not
#   use one, and a team with more compute could pretrain on even more.
# - **A leak through ImageNet**: ImageNet's photos were collected from the web, like the photos
#   of many contests. A test photo (or a near copy of it) may have been among the pretraining
#   images, with a label: the pretrained weights have then *seen the test set*, the leak of
#   section 5 by another road. A contest built on ImageNet's own images makes it certain.
# - **Licences**: ImageNet's terms allow non-commercial research and teaching only (the licence
#   section above); whether weights trained on it carry that limit is unsettled, and a prize
#   competition may not want the question.
#
# For you: **read the rules before you start** (on Kaggle, the "external data" and "pretrained
# models" clauses; some ban them, others allow only publicly available weights declared in the
# forum). Where they are banned, train **from scratch**: notebook 01's small CNN and notebook 07's
# architectures are the starting points, augmentation (notebook 09) and careful splits (this
# notebook) matter even more, and your validation score must come from the competition's data alone.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · Splits done right
#
# Three parts, three jobs:
#
# | part | used for | touched |
# |---|---|---|
# | **train** | fitting the weights | every epoch |
# | **validation** | choosing: epochs, learning rate, freeze depth, which model | many times |
# | **test** | the final, honest estimate of accuracy on new data | **once**, at the end |
#
# The test set is a stand-in for the future: it only tells the truth if nothing about it
# leaked into training or into our choices. We use the sign-language photos, the course's target
# set, at 32×32 pixels (small enough for the quick classifier below).

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
x_all, y_all, sign_names = data.load_image_folder(sign_dir, image_size=(32, 32))
print(f"{len(x_all):,} photos of shape {x_all.shape[1:]}; labels in file order: "
      f"{y_all[:4]} ... {y_all[-4:]}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Wrong split #1: slicing a sorted folder
#
# Image folders are read class by class, so the arrays are **sorted by label** (see the labels
# above). The tempting split — first 75 % train, next 10 % validation, last 15 % test — then
# gives each part different classes:

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
n = len(y_all)
n_val, n_test = round(0.10 * n), round(0.15 * n)
a, b = n - n_val - n_test, n - n_test                  # the two cut points
naive = data.Split(x_all[:a], y_all[:a], x_all[a:b], y_all[a:b], x_all[b:], y_all[b:], sign_names)
print(naive)

# %% [markdown] slideshow={"slide_type": "subslide"}
# How bad is it? We need a classifier, and the simplest one is enough: **1-nearest neighbour**
# (1-NN) predicts the label of the most similar training photo (pixel by pixel). It trains in
# no time, and it is the perfect leak detector: a test photo whose copy is in the training set
# is always "recognised".

# %% slideshow={"slide_type": "-"}
from sklearn.neighbors import KNeighborsClassifier


def pixels(x):
    # each photo as one vector of gray levels in [0, 1]: what 1-NN compares
    return x.astype("float32").mean(axis=-1).reshape(len(x), -1) / 255.0


def one_nn_accuracy(split):
    knn = KNeighborsClassifier(n_neighbors=1).fit(pixels(split.x_train), split.y_train)
    return float(knn.score(pixels(split.x_test), split.y_test))


never_seen = sorted(set(naive.y_test.tolist()) - set(naive.y_train.tolist()))
print(f"classes in the naive test set: {sorted(set(naive.y_test.tolist()))}; "
      f"never seen in its training set: {never_seen}")
print(f"1-NN test accuracy, naive split: {one_nn_accuracy(naive):.1%}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The fix: shuffle and stratify
#
# A **stratified** split keeps every class in the same proportion in train, validation and
# test. Raw: scikit-learn's `train_test_split` with `stratify=y`, twice (test off first, then
# validation off the rest); a fixed `random_state` makes it repeatable.

# %% slideshow={"slide_type": "-"}
from sklearn.model_selection import train_test_split

x_rest, x_test, y_rest, y_test = train_test_split(
    x_all, y_all, test_size=n_test, stratify=y_all, random_state=SEED)
x_train, x_val, y_train, y_val = train_test_split(
    x_rest, y_rest, test_size=n_val, stratify=y_rest, random_state=SEED)
print(f"train {len(y_train):,}, validation {len(y_val):,}, test {len(y_test):,}")
print("test photos per class:", np.bincount(y_test))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The same in one line with the course helper, `data.stratified_split` (it makes exactly these
# two calls), and a `Split` that prints its class counts:

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
split = data.stratified_split(x_all, y_all, val_size=0.10, test_size=0.15, seed=SEED,
                              class_names=sign_names)
print(split)
same = all(np.array_equal(p, q) for p, q in [(split.x_train, x_train), (split.x_val, x_val),
                                             (split.x_test, x_test)])
print("identical to the two train_test_split calls:", same)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Side by side, the share of each class in each part: the naive slice puts whole classes in
# one part only; the stratified split gives every part the same mix.

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(13, 4), sharey=True)
for ax, (title, s) in zip(axes, [("naive slice of the sorted folder", naive),
                                 ("data.stratified_split", split)]):
    for k, part in enumerate(["train", "val", "test"]):
        labels = getattr(s, f"y_{part}")
        share = 100 * np.bincount(labels, minlength=len(sign_names)) / len(labels)
        ax.bar(np.arange(len(sign_names)) + (k - 1) * 0.27, share, 0.27, label=part)
    ax.set_title(title)
    ax.set_xlabel("class (digit shown by the hand)")
    ax.set_xticks(range(len(sign_names)))
axes[0].set_ylabel("share of the part's photos (%)")
axes[0].legend(title="part")
fig.suptitle("Sign Language Digits: class mix of train, validation and test")
fig.tight_layout()
print(f"1-NN test accuracy, stratified split: {one_nn_accuracy(split):.1%} "
      f"(naive split: {one_nn_accuracy(naive):.1%})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 06.1 — Which classes does the naive slice hide?
#
# Wrong split #1 on any folder read class by class, so that its labels `y` come sorted. Slice
# it the way section 4's naive split does: first 75 % train, next 10 % validation, last 15 %
# test, with the same `round`. Which classes of the **test** part never appear in the
# **training** part — the classes a model trained on this split can never get right? Write a
# function `never_trained(y)` that returns them as a list of class numbers, and try it on a
# folder of **12 classes of 100 images each** (`np.repeat(np.arange(12), 100)`) before you check.
# `answer` is the function itself: the check runs it on folders of its own, with classes of
# different sizes.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: a function never_trained(y) -> list of class numbers
check("06.1", answer)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · Leakage: the same photo on both sides
#
# A split **leaks** when a test image, or a copy of it, is also in the training set: the model
# is then tested on something it has memorised, and the test accuracy is a lie. It happens when
# data from several sources overlaps, when rare classes are oversampled by copying *before* the
# split, or when augmented copies are made *before* the split.
#
# The basic check is an exact-duplicate test by content hash. Raw: hash every image's bytes,
# intersect the sets. Then the helper, `Split.check_no_leakage()`, which checks all three parts
# and raises an error naming the clashes.

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
def fingerprints(images):
    return {hashlib.sha256(image.tobytes()).hexdigest() for image in images}


shared = fingerprints(split.x_train) & fingerprints(split.x_test)
print("photos in both train and test (raw hashes):", len(shared))
print("check_no_leakage() checked", split.check_no_leakage(), "photos: no photo in two parts")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Wrong split #2: copies made before the split
#
# Say someone doubled the data set by copying every photo (to "balance" or "enlarge" it) and
# then split. The hash check catches it:

# %% slideshow={"slide_type": "-"}
# NBVAL_CHECK_OUTPUT
x_twice, y_twice = np.concatenate([x_all, x_all]), np.concatenate([y_all, y_all])
copied = data.stratified_split(x_twice, y_twice, seed=SEED, class_names=sign_names)
try:
    copied.check_no_leakage()
except ValueError as error:
    print("ValueError:", error)


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Wrong split #3: augmented copies made before the split
#
# Augmentation (random brightness, contrast, small shifts — the Keras preprocessing layers of
# notebook 09) makes *slightly different* copies. Made before the split, a test photo's twin sits
# in the training set, but no byte is identical, so the hash check passes:

# %% slideshow={"slide_type": "subslide"}
def augment(x, seed):
    # a typical light augmentation with Keras preprocessing layers, seeded
    layers = keras.Sequential([
        keras.layers.RandomBrightness(0.1, value_range=(0, 255), seed=seed),
        keras.layers.RandomContrast(0.1, seed=seed),
        keras.layers.RandomTranslation(0.05, 0.05, seed=seed),
    ])
    out = keras.ops.convert_to_numpy(layers(x.astype("float32"), training=True))
    return np.clip(np.round(out), 0, 255).astype("uint8")


x_aug = augment(x_all, SEED)
augmented_first = data.stratified_split(np.concatenate([x_all, x_aug]), y_twice, seed=SEED,
                                        class_names=sign_names)
print("check_no_leakage() checked", augmented_first.check_no_leakage(),
      "photos: passes, no exact duplicate")

fig, axes = plt.subplots(2, 6, figsize=(10, 3.8))
for j, i in enumerate(np.linspace(0, len(x_all) - 1, 6).astype(int)):
    axes[0, j].set_title(f"class {sign_names[y_all[i]]}")
    for row, images in enumerate([x_all, x_aug]):
        axes[row, j].imshow(images[i])
        axes[row, j].set_xticks([]), axes[row, j].set_yticks([])
axes[0, 0].set_ylabel("original"), axes[1, 0].set_ylabel("augmented")
fig.suptitle("Augmented copies are near-duplicates (32×32 px)")
fig.supxlabel("six photos of the data set")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Can we catch such twins? A **near-duplicate check**: for every test photo, the distance to its
# nearest training photo. A twin should sit unusually close — closer than any test photo of the
# clean split comes to a training photo.

# %% slideshow={"slide_type": "subslide"}
from sklearn.neighbors import NearestNeighbors


def nearest_train_distance(s):
    nn = NearestNeighbors(n_neighbors=1).fit(pixels(s.x_train))
    return nn.kneighbors(pixels(s.x_test))[0][:, 0]


d_clean, d_leaky = nearest_train_distance(split), nearest_train_distance(augmented_first)
twin = np.linalg.norm(pixels(x_all) - pixels(x_aug), axis=1)      # each photo vs its own copy
print(f"flagged: {np.mean(d_leaky < d_clean.min()):.0%} of the leaky split's test photos are closer "
      f"to a training photo than any clean test photo is")
print(f"median distance: photo to its augmented twin {np.median(twin):.2f}, "
      f"clean test photo to its nearest (different) training photo {np.median(d_clean):.2f}")

fig, ax = plt.subplots(figsize=(8, 4))
bins = np.linspace(0, max(d_clean.max(), d_leaky.max()), 50)
for d, label in [(d_clean, "clean stratified split"), (d_leaky, "augmented before the split")]:
    ax.hist(d, bins=bins, weights=np.full(len(d), 100 / len(d)), alpha=0.6, label=label)
ax.set_xlabel("distance from a test photo to its nearest training photo (gray levels, L2)")
ax.set_ylabel("share of the test photos (%)")
ax.set_title("Near-duplicate check: only some leaked twins stand out")
ax.legend();

# %% [markdown] slideshow={"slide_type": "subslide"}
# The check flags only part of the twins (the numbers above): pixel by pixel, a shifted,
# re-lit copy is typically *further* from its original than a test photo is from its nearest
# *different* training photo (compare the two medians) — the photos share similar backgrounds
# and lighting. Detecting leaks after the
# fact is hard; **preventing** them is easy: split first, augment afterwards.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the leaks do to the score, over several seeds
#
# Four ways to build the same experiment, each with a new random split per seed, each scored
# by 1-NN on its test part:
#
# - **clean**: stratified split, no augmentation;
# - **split, then augment**: augmented copies of the *training* part only — the right way;
# - **copies before the split** (wrong #2) and **augmented before the split** (wrong #3).

# %% slideshow={"slide_type": "subslide"}
from tlcourse.experiments import run_seeds


def split_experiment(seed):
    clean = data.stratified_split(x_all, y_all, seed=seed)
    x_more = np.concatenate([clean.x_train, augment(clean.x_train, seed)])
    train_augmented = data.Split(x_more, np.concatenate([clean.y_train, clean.y_train]),
                                 clean.x_val, clean.y_val, clean.x_test, clean.y_test)
    copies = data.stratified_split(x_twice, y_twice, seed=seed)
    aug_first = data.stratified_split(np.concatenate([x_all, augment(x_all, seed)]), y_twice, seed=seed)
    return {"clean": one_nn_accuracy(clean),
            "split, then augment": one_nn_accuracy(train_augmented),
            "copies before split": one_nn_accuracy(copies),
            "augmented before split": one_nn_accuracy(aug_first)}


leaks = run_seeds(split_experiment, range(N_SEEDS))
print(leaks)

# %% slideshow={"slide_type": "subslide"}
print("reported test accuracy, compared with the clean split, seed by seed:")
for name in ["copies before split", "augmented before split", "split, then augment"]:
    print("-", leaks.paired_difference(name, "clean").verdict())

# %% [markdown] slideshow={"slide_type": "-"}
# Read the verdicts above: both leaky splits report a test accuracy well above what the same
# classifier reaches on truly new photos — they measure memory, not generalisation. Augmenting
# *after* the split moves the score far less than either leak, because no test photo has a twin
# in training. Rule: **split first, then augment the training part only**; run the hash check,
# and a near-duplicate check when copies could exist. It happens on famous benchmarks too: Barz
# & Denzler (2020, *Do we train on test data?*) found near-duplicates of 3.3 % of CIFAR-10's and
# 10 % of CIFAR-100's test images in their training sets.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 06.2 — Count the leaked test images
#
# `check_no_leakage` stops at the first clash with an error; often you want the **number**.
# Write a function `leaked(x_train, x_test)` that returns how many test images have an **exact**
# copy (the same pixel values) in the training part, for image arrays of any shape. Try it on
# wrong split #2: `leaked(copied.x_train, copied.x_test)`. `answer` is the function itself: the
# check runs it on small arrays of its own, with and without planted copies.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: a function leaked(x_train, x_test) -> number of test images
check("06.2", answer)


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 06.3 — Split the sign photos by person: what do shared people do to the score?
#
# The README says each of about 200 students photographed their hand 10 times, but no file says
# who is who. The **file names** do: they are the camera's shot numbers (`IMG_1118.JPG` → 1118),
# and each student showed the digits 0, 1, …, 9 in a row. So: sort the photos by shot number and
# start a **new person wherever the digit does not rise** (…, 8, 9 | 0, 1, …). A random split then
# puts most people on both sides; a model is later used on *new* people.
#
# Experiment, on `x_all, y_all` (section 4, 32 × 32; `image_files(sign_dir)` lists the files in the
# same order), with 1-NN scored like `one_nn_accuracy`, for `seed` in `range(N_SEEDS)`:
#
# - **random**: `train_test_split(..., test_size=0.15, stratify=y_all, random_state=seed)`;
# - **by person**: `GroupShuffleSplit(n_splits=1, test_size=0.15, random_state=seed)`
#   (`sklearn.model_selection`), `.split(x, y, groups=person)`: each person on one side only;
# - and, for the random split of seed 0, the share of test photos whose nearest training photo
#   (1-NN's neighbour, `KNeighborsClassifier.kneighbors`) was taken by **the same person**.
#
# A leak would make the random split score *higher*. Does it? Read the 95 % interval of the paired
# differences *random − by person* (`run_seeds(...).paired_difference`, `run_seeds` from section 5) and
# pick the conclusion it supports: `"random split higher"`, `"no clear difference"` or
# `"random split lower"`; then ask yourself what the same-person share says about why.
# `answer = {"random": [...], "by_person": [...], "same_person_neighbour": share, "conclusion": ...}`
# (accuracies as fractions, one per seed). The check repeats the experiment (a few seconds).

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: {"random": [...], "by_person": [...], "same_person_neighbour": ..., "conclusion": ...}
check("06.3", answer)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · Why validation is separate from test
#
# Every choice made by looking at a score — epochs, learning rate, freeze depth, which model —
# *fits* that score a little. If the choices are made on the test set, the test set has leaked
# into the model, even though no test image was trained on. ImageNet enforces this: its test
# labels are secret, and its evaluation server accepts at most two submissions per week per user
# "to prevent overfitting" (TFDS `imagenet2012` catalog page).
#
# An extreme, measurable case: 200 "models" that **guess at random** (true accuracy: 10 %, one
# class in ten). Pick the best one on the validation set, then report its test score — or pick
# the best one directly on the test set and report that.

# %% slideshow={"slide_type": "subslide"}
def choose_a_model(seed, n_models=200):
    rng = np.random.default_rng(seed)
    val_acc = (rng.integers(0, 10, (n_models, len(split.y_val))) == split.y_val).mean(axis=1)
    test_acc = (rng.integers(0, 10, (n_models, len(split.y_test))) == split.y_test).mean(axis=1)
    return {"chosen on test, test score": test_acc.max(),
            "chosen on val, test score": test_acc[val_acc.argmax()],
            "chosen on val, val score": val_acc.max()}


choice = run_seeds(choose_a_model, range(20))
print(f"true accuracy of every model: 10.0% | over {len(choice.seeds)} seeds:")
for metric in choice.metrics:
    print(f"  {metric:<28} {choice.mean(metric):.1%} ± {choice.sd(metric):.1%}")
print(choice.paired_difference("chosen on test, test score", "chosen on val, test score").verdict())

# %% [markdown] slideshow={"slide_type": "-"}
# The model chosen on the test set *looks* better than chance, yet it is exactly as useless as
# the others: its score is the luck of the selection. Chosen on validation, the validation score
# is the inflated one, and the **test score stays honest** — that is why the test set is touched
# once, at the end.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
#
# - The lecture's open data sets differ by orders of magnitude in size (MB to hundreds of GB),
#   in labels (10 digits to 1000 ImageNet classes, boxes in COCO and Open Images) and in
#   **licence** (open annotations ≠ open images; ImageNet: non-commercial research only).
# - **Measure, don't copy**: counts, classes and resolutions come from the files; here they found
#   sign-language photos that are not 100×100. `data.verify` checks a copy by content hash.
# - ImageNet + ILSVRC made transfer learning possible: a large, varied, labelled, public set, a
#   yearly benchmark, and released trained weights (`keras.applications`).
# - Splits: never slice a sorted folder; use a **stratified** split (`train_test_split(...,
#   stratify=y)` or `data.stratified_split`); **split first, then augment** the training part;
#   check exact duplicates by hash (`check_no_leakage`); near-duplicates are harder to catch
#   (a nearest-neighbour check finds only some), so prevent them rather than hunt them.
# - Validation is for choosing, test is for the final estimate, **once**.
# - A random split can put the same **person** (or source, or session) on both sides; split by
#   group when the model will meet new ones, and measure what it changes instead of assuming it.
# - Exercises 06.1 (the classes a naive slice hides), 06.2 (count exact copies across a split) and
#   06.3 (split the sign photos by person and interpret the difference): `check("06.1", answer)`
#   says what is right or wrong; instructors reveal a solution with `solution("06.1")` (from
#   `tlcourse.exercises`).
#
# Next: notebook 07 builds the ILSVRC winners (LeNet, AlexNet, VGG, GoogLeNet, ResNet) in Keras;
# the [lecture map](../README.md#lecture-map) lists the rest.
