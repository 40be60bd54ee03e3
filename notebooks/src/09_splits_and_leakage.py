# %% [markdown] slideshow={"slide_type": "slide"}
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/tlcourse/tlcourse/blob/main/notebooks/09_splits_and_leakage.ipynb)
#
# # 09 · Splits and leakage
#
# **What you will learn**
# - train / validation / test splits done right: what a naive split does (measured), a
#   stratified split, an exact-duplicate leakage check and a leak that check cannot see;
# - how copies and augmented copies made before the split inflate the score, over several seeds;
# - why validation is separate from test: choosing on the test set inflates the score (measured).
#
# Lecture: [6-5 Open data sets](../README.md#lecture-6-5-open-data-sets) (seed 000) lists the data
# sets; this notebook adds what every project that uses one needs and the lecture leaves out:
# splitting it into training, validation and test photos without leaks.

# %% slideshow={"slide_type": "skip"}
# Colab only: install the course from its repository (does nothing elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "tlcourse @ git+https://github.com/tlcourse/tlcourse"], check=True)

# %% slideshow={"slide_type": "-"}
# %matplotlib inline
import hashlib
from pathlib import Path                  # for exercise 09.3: the photos' file names

from tlcourse import data                 # first: it also quiets TensorFlow's start-up messages
from tlcourse.config import FAST, SEED, fast_or_full, seed_everything
from tlcourse.exercises import check

import keras
import matplotlib.pyplot as plt
import numpy as np

seed_everything(SEED)
N_SEEDS = fast_or_full(3, 10)          # repetitions of the split experiments below
print(f"fast mode: {FAST}; split experiments repeated over {N_SEEDS} seeds")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · Splits done right
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
sign_dir = data.locate("sign_language_digits", download=False)      # the folder of the photos
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
# ### Exercise 09.1 — Which classes does the naive slice hide?
#
# Wrong split #1 on any folder read class by class, so that its labels `y` come sorted. Slice
# it the way section 1's naive split does: first 75 % train, next 10 % validation, last 15 %
# test, with the same `round`. Which classes of the **test** part never appear in the
# **training** part — the classes a model trained on this split can never get right? Write a
# function `never_trained(y)` that returns them as a list of class numbers, and try it on a
# folder of **12 classes of 100 images each** (`np.repeat(np.arange(12), 100)`) before you check.
# `answer` is the function itself: the check runs it on folders of its own, with classes of
# different sizes.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: a function never_trained(y) -> list of class numbers
check("09.1", answer)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · Leakage: the same photo on both sides
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
# notebook 12) makes *slightly different* copies. Made before the split, a test photo's twin sits
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
# ### Exercise 09.2 — Count the leaked test images
#
# `check_no_leakage` stops at the first clash with an error; often you want the **number**.
# Write a function `leaked(x_train, x_test)` that returns how many test images have an **exact**
# copy (the same pixel values) in the training part, for image arrays of any shape. Try it on
# wrong split #2: `leaked(copied.x_train, copied.x_test)`. `answer` is the function itself: the
# check runs it on small arrays of its own, with and without planted copies.

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: a function leaked(x_train, x_test) -> number of test images
check("09.2", answer)


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 09.3 — Split the sign photos by person: what do shared people do to the score?
#
# The README says each of about 200 students photographed their hand 10 times, but no file says
# who is who. The **file names** do: they are the camera's shot numbers (`IMG_1118.JPG` → 1118),
# and each student showed the digits 0, 1, …, 9 in a row. So: sort the photos by shot number and
# start a **new person wherever the digit does not rise** (…, 8, 9 | 0, 1, …). A random split then
# puts most people on both sides; a model is later used on *new* people.
#
# Experiment, on `x_all, y_all` (section 1, 32 × 32; `sorted(Path(sign_dir).rglob("*.JPG"))` lists the
# files in the same order), with 1-NN scored like `one_nn_accuracy`, for `seed` in `range(N_SEEDS)`:
#
# - **random**: `train_test_split(..., test_size=0.15, stratify=y_all, random_state=seed)`;
# - **by person**: `GroupShuffleSplit(n_splits=1, test_size=0.15, random_state=seed)`
#   (`sklearn.model_selection`), `.split(x, y, groups=person)`: each person on one side only;
# - and, for the random split of seed 0, the share of test photos whose nearest training photo
#   (1-NN's neighbour, `KNeighborsClassifier.kneighbors`) was taken by **the same person**.
#
# A leak would make the random split score *higher*. Does it? Read the 95 % interval of the paired
# differences *random − by person* (`run_seeds(...).paired_difference`, `run_seeds` from section 2) and
# pick the conclusion it supports: `"random split higher"`, `"no clear difference"` or
# `"random split lower"`; then ask yourself what the same-person share says about why.
# `answer = {"random": [...], "by_person": [...], "same_person_neighbour": share, "conclusion": ...}`
# (accuracies as fractions, one per seed). The check repeats the experiment (a few seconds).

# %% slideshow={"slide_type": "-"}
answer = ...   # your answer here: {"random": [...], "by_person": [...], "same_person_neighbour": ..., "conclusion": ...}
check("09.3", answer)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · Why validation is separate from test
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
# - Splits: never slice a sorted folder; use a **stratified** split (`train_test_split(...,
#   stratify=y)` or `data.stratified_split`); **split first, then augment** the training part;
#   check exact duplicates by hash (`check_no_leakage`); near-duplicates are harder to catch
#   (a nearest-neighbour check finds only some), so prevent them rather than hunt them.
# - Validation is for choosing, test is for the final estimate, **once**.
# - A random split can put the same **person** (or source, or session) on both sides; split by
#   group when the model will meet new ones, and measure what it changes instead of assuming it.
# - Exercises 09.1 (the classes a naive slice hides), 09.2 (count exact copies across a split) and
#   09.3 (split the sign photos by person and interpret the difference): `check("09.1", answer)`
#   says what is right or wrong; instructors reveal a solution with `solution("09.1")` (from
#   `tlcourse.exercises`).
#
# Next: notebook 10 builds the ILSVRC winners (LeNet, AlexNet, VGG, GoogLeNet, ResNet) in Keras;
# the [lecture map](../README.md#lecture-map) lists the rest.
