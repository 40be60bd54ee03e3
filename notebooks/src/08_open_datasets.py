# %% [markdown] slideshow={"slide_type": "slide"}
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tlcourse/tlcourse/blob/main/notebooks/08_open_datasets.ipynb)
#
# # 08 · Open data sets
#
# **What you will learn**
# - the open data sets of the lecture — MNIST, Fashion-MNIST, CIFAR-10/100, ImageNet (ILSVRC),
#   MS COCO, Open Images, Kaggle — in one table: images, classes, resolution, size, licence and
#   how to load each; for the sets on this machine the numbers are **measured from the files**;
# - what the sets on hand look like (sample grids), and that real data is messier than its
#   README;
# - why ImageNet, and the ILSVRC challenge built on it, made transfer learning possible, and when
#   pretrained models are not allowed.
#
# Splits, leakage and validation vs test are notebook 09.
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

# %% slideshow={"slide_type": "subslide"}
# %matplotlib inline
import collections
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
N_SEEDS = fast_or_full(3, 10)          # repetitions of exercise 08.3's experiment
print(f"fast mode: {FAST}; exercise 08.3 repeated over {N_SEEDS} seeds")

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

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 08.1 — Measure a folder, don't trust its README
#
# The cell above compared every photo with the README's 100 × 100. Write `measure_folder(folder)`
# that assumes nothing: for a folder with one sub-folder of images per class, it returns
# `{"counts": {class name: number of images}, "typical": (width, height), "odd": [paths]}` — the
# images in each class folder, the size **most** of the images have (found, not assumed), and the
# files whose size differs from it.
#
# Real folders hold more than images: a README, notes, `.DS_Store`, macOS's `._IMG_1118.JPG`
# copies (not images at all), Jupyter's `.ipynb_checkpoints`; extensions come as `.JPG` as well as
# `.jpg`. Try it on `sign_dir`. `answer` is the function itself: the check runs it on a messy
# folder of its own and on the sign photos, and measures both itself.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: a function measure_folder(folder) -> {"counts": ..., "typical": ..., "odd": ...}
check("08.1", answer)

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
#    et al., 2012); VGG, GoogLeNet and ResNet followed (notebook 10).
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
# ### Exercise 08.2 — Which open sets may a project train on?
#
# A project states what it needs, e.g. `{"classes": 10, "per_class": 500, "side": 32, "colour":
# True, "commercial": True}`: at least that many classes, at least that many **training images per
# class**, images at least `side` pixels on their shorter side, colour or not, and whether the model
# goes into a **product** (commercial use).
#
# Write `candidates(project)`: the names of the classification sets of the tables (the keys of
# `per_class` above) that meet **every** requirement. Copy each set's training images, classes,
# resolution (photos of varying size: count them as 224 px) and colour from the tables, and decide
# from its **licence** whether a product may use it. `answer` is the function: the check asks it
# about a few hundred projects of its own.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: a function candidates(project) -> list of data set names
check("08.2", answer)

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
#   notebook 09 by another road. A contest built on ImageNet's own images makes it certain.
# - **Licences**: ImageNet's terms allow non-commercial research and teaching only (the licence
#   section above); whether weights trained on it carry that limit is unsettled, and a prize
#   competition may not want the question.
#
# For you: **read the rules before you start** (on Kaggle, the "external data" and "pretrained
# models" clauses; some ban them, others allow only publicly available weights declared in the
# forum). Where they are banned, train **from scratch**: notebook 01's small CNN and notebook 10's
# architectures are the starting points, augmentation (notebook 12) and careful splits (notebook
# 09) matter even more, and your validation score must come from the competition's data alone.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Experiment: does resolution matter for transfer? (Exercise 08.3)
#
# ImageNet's networks learned from photos of a few hundred pixels. CIFAR-10's cats and dogs are
# 32 × 32: is that why they are hard for ImageNet features, or are they harder in other ways too?
# Separate the two with three sets of cats and dogs and the **same** frozen features
# (`LIMIT = fast_or_full(100, 250)` photos per class and split):
#
# - `pets_96`: the Dogs vs. Cats photos, `data.load("cats_vs_dogs", image_size=(96, 96), limit_per_class=LIMIT)`;
# - `pets_32`: the **same photos** at 32 × 32 (`image_size=(32, 32)`);
# - `cifar_32`: CIFAR-10's cats and dogs, `data.load("cifar10", classes=("cat", "dog"), limit_per_class=LIMIT)`.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Features**: `imagenet_backbone("mobilenet_v2", (96, 96, 3))` (from `tlcourse.models`), every
# image first resized to 96 × 96 (`keras.layers.Resizing(96, 96)`: all three sets meet the network
# at the same size), then `backbone_preprocess("mobilenet_v2")`, then `GlobalAveragePooling2D`.
# Compute them once per set, for the *pool* (`x_train` and `x_val` together) and the test part.
#
# **Per seed**, `seed` in `range(N_SEEDS)`: `rng = np.random.default_rng(seed)`; draw 50 cats and
# 50 dogs of the pool, `np.concatenate([rng.choice(np.flatnonzero(y_pool == c), 50, replace=False)
# for c in (0, 1)])`; fit `LogisticRegression(max_iter=1000)` (`sklearn.linear_model`) on their
# features; score it on the set's test part.
#
# **Conclude** from the 95 % intervals of the paired differences (`PairedDifference` or
# `run_seeds(...).paired_difference`, `tlcourse.experiments`): `"resolution"` from *pets_96 −
# pets_32*, one of `"96 px higher"`, `"no clear difference"`, `"96 px lower"`; `"same_size"` from
# *pets_32 − cifar_32*, one of `"pet photos higher"`, `"no clear difference"`, `"CIFAR higher"`.
# `answer = {"pets_96": [...], "pets_32": [...], "cifar_32": [...], "resolution": ..., "same_size": ...}`
# (test accuracies as fractions, one per seed). About a minute in full mode; the check repeats it.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: {"pets_96": [...], "pets_32": [...], "cifar_32": [...], "resolution": ..., "same_size": ...}
check("08.3", answer)

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
# - Exercises 08.1 (measure a folder from its files), 08.2 (which sets a project may train on, licence
#   included) and 08.3 (experiment: does resolution matter for transfer? pet photos at 96 and 32 px
#   against CIFAR-10's cats and dogs): `check("08.1", answer)` says what is right or wrong;
#   instructors reveal a solution with `solution("08.1")` (from `tlcourse.exercises`).
#
# Next: notebook 09 splits a data set into training, validation and test photos without leaks.
