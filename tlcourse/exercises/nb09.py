"""Exercises of notebook 09_splits_and_leakage: 09.1 (the classes a naive split keeps out of training,
for any sorted folder), 09.2 (test images copied from training) and 09.3 (split the sign photos
by person and measure what the random split's shared people do to the score).

Per exercise, its solution ``_solution_09_1`` (its body is the code ``solution("09.1")``
shows) and its checker ``_check_09_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import GroupShuffleSplit, train_test_split
from sklearn.neighbors import KNeighborsClassifier

from tlcourse import data
from tlcourse._i18n import N_, _
from tlcourse.config import fast_or_full
from tlcourse.exercises import exercise
from tlcourse.exercises._common import accuracies_per_seed, as_number, interval_verdict
from tlcourse.experiments import PairedDifference

__all__: list[str] = []

NOTEBOOK = "09_splits_and_leakage"


def _naive_parts(y: np.ndarray) -> dict[str, set[int]]:
    # section 1's naive slice of a sorted folder: first 75 % train, next 10 % validation, last 15 % test
    n = len(y)
    n_val, n_test = round(0.10 * n), round(0.15 * n)
    a, b = n - n_val - n_test, n - n_test
    return {"train": set(y[:a].tolist()), "val": set(y[a:b].tolist()), "test": set(y[b:].tolist())}


def _sorted_folders() -> list[np.ndarray]:
    # labels of folders read class by class: the notebook's 12 x 100, unequal classes, a few random ones
    rng = np.random.default_rng(61)
    sizes = [[100] * 12, [30, 200, 50, 80, 10, 60, 40, 90], [5, 5, 5, 300], [7] * 40, [300, 5, 5, 5, 5]]
    sizes += [rng.integers(3, 150, size=rng.integers(3, 20)).tolist() for _ in range(5)]
    return [np.repeat(np.arange(len(counts)), counts) for counts in sizes]


def _solution_09_1() -> Callable[[np.ndarray], list[int]]:
    def never_trained(y):
        # y: labels of a folder read class by class (sorted); cut as section 1's naive slice
        n = len(y)
        n_val, n_test = round(0.10 * n), round(0.15 * n)
        a, b = n - n_val - n_test, n - n_test              # the naive slice's cut points
        return sorted(set(y[b:].tolist()) - set(y[:a].tolist()))

    answer = never_trained          # in the notebook: never_trained(np.repeat(np.arange(12), 100))
    return answer


@exercise("09.1", notebook=NOTEBOOK,
          task=N_("Write never_trained(y): for labels y of a folder read class by class, the classes of section 1's "
                  "naive test part that its training part never sees."),
          hint=N_("Cut y where section 1's naive split cuts (round(0.10 * n), round(0.15 * n)), then compare the sets "
                  "of labels of the parts: set(...) - set(...). Try it on np.repeat(np.arange(12), 100)."),
          solution=_solution_09_1)
def _check_09_1(answer: Any) -> str | None:
    if not callable(answer):
        return _("the answer should be a function never_trained(y) that returns a list of class numbers (a list "
                 "answers one folder only; the check tries several)")
    folders = _sorted_folders()
    given_per_folder = []
    for y in folders:
        given = answer(y.copy())
        if isinstance(given, (str, bytes, dict)) or not hasattr(given, "__iter__"):
            return _("never_trained should return a list of class numbers, like [3, 4], not {type}").format(
                type=type(given).__name__)
        given_per_folder.append({int(c) for c in np.asarray(list(given)).ravel()})
    for y, given in zip(folders, given_per_folder):
        parts = _naive_parts(y)
        right = parts["test"] - parts["train"]
        if given == right:
            continue
        shape = _("{n} classes of {low}-{high} images").format(n=len(set(y.tolist())), low=np.bincount(y).min(),
                                                               high=np.bincount(y).max())
        if all(g == given_per_folder[0] for g in given_per_folder):
            return _("it returns {classes} for every folder, but the answer depends on y (wrong for {shape}): "
                     "compute the cut points from len(y)").format(classes=sorted(given), shape=shape)
        extra = given - right
        if extra & parts["train"]:
            return _("for a folder of {shape} its list has a class that the training part does contain").format(
                shape=shape)
        if extra:
            return _("for a folder of {shape} its list has a class that the test part does not contain: look where "
                     "the validation part ends").format(shape=shape)
        return _("for a folder of {shape} a class of the test part that the training part never sees is "
                 "missing").format(shape=shape)
    return None


def _solution_09_2() -> Callable[[np.ndarray, np.ndarray], int]:
    def leaked(x_train, x_test):
        # test images with an exact copy in the training part, by content hash
        seen = {hashlib.sha256(image.tobytes()).hexdigest() for image in x_train}
        return sum(hashlib.sha256(image.tobytes()).hexdigest() in seen for image in x_test)

    answer = leaked          # in the notebook: leaked(copied.x_train, copied.x_test)
    return answer


@exercise("09.2", notebook=NOTEBOOK,
          task=N_("Write leaked(x_train, x_test): the number of test images that have an exact copy "
                  "in the training part."),
          hint=N_("Hash every image's bytes, hashlib.sha256(image.tobytes()), as section 2 does, then count "
                  "the test images whose hash is among the training images' hashes."),
          solution=_solution_09_2)
def _check_09_2(answer: Any) -> str | None:
    if not callable(answer):
        return _("the answer should be a function leaked(x_train, x_test) that returns a number")
    rng = np.random.default_rng(6)
    for shape in ((8, 8, 3), (12, 12)):                  # colour photos and gray images
        x_train = rng.integers(0, 256, size=(40, *shape), dtype=np.uint8)
        x_test = rng.integers(0, 256, size=(15, *shape), dtype=np.uint8)
        copied = x_test.copy()
        copied[[1, 4, 9]] = x_train[[0, 7, 30]]          # 3 exact copies
        near = copied.copy()
        near[12] = x_train[5]
        near[12].flat[0] ^= 1                            # a twin that differs in one pixel value
        for x, right in ((x_test, 0), (copied, 3), (near, 3)):
            count = answer(x_train.copy(), x.copy())
            if isinstance(count, bool) or not isinstance(count, (int, np.integer)):
                return _("the function should return a whole number of test images, not {type}").format(
                    type=type(count).__name__)
            if count == right:
                continue
            if count > len(x):
                return _("it returns {count} for a test part of {n} images: count images, not pixels").format(
                    count=count, n=len(x))
            if x is x_test:
                return _("on a split with no copies at all it returns {count}, not 0").format(count=count)
            if x is near and count == right + 1:
                return _("it counts a test image that differs from its training twin in one pixel: only "
                         "exact copies count here (near-duplicates need the distance check)")
            return _("with 3 test images copied from the training part it returns {count}").format(count=count)
    return None


# --------------------------------------------------------------------------- 09.3

CONCLUSIONS_09_3 = ("random split higher", "no clear difference", "random split lower")


def _solution_09_3() -> dict[str, Any]:
    sign_dir = data.locate("sign_language_digits")
    x_all, y_all, _ = data.load_image_folder(sign_dir, image_size=(32, 32))     # as in section 1
    files = sorted(p for p in Path(sign_dir).rglob("*")                          # the same order
                   if p.suffix.lower() in data.IMAGE_EXTENSIONS and not p.name.startswith("."))
    shot = np.array([int(p.stem.split("_")[-1]) for p in files])               # IMG_1118.JPG -> 1118

    person = np.zeros(len(y_all), dtype=int)     # each student shot the digits 0..9 in a row:
    current, previous = -1, 10                   # a new person starts where the digit stops rising
    for i in np.argsort(shot):
        if y_all[i] <= previous:
            current += 1
        person[i], previous = current, y_all[i]

    gray = x_all.astype("float32").mean(axis=-1).reshape(len(x_all), -1) / 255.0   # pixels(x_all)

    def one_nn(train, test):
        knn = KNeighborsClassifier(n_neighbors=1).fit(gray[train], y_all[train])
        return float(knn.score(gray[test], y_all[test]))

    random_split, by_person = [], []
    for seed in range(fast_or_full(3, 10)):                  # N_SEEDS in the notebook
        train, test = train_test_split(np.arange(len(y_all)), test_size=0.15, stratify=y_all,
                                       random_state=seed)
        random_split.append(one_nn(train, test))
        train, test = next(GroupShuffleSplit(n_splits=1, test_size=0.15, random_state=seed)
                           .split(gray, y_all, groups=person))
        by_person.append(one_nn(train, test))

    train, test = train_test_split(np.arange(len(y_all)), test_size=0.15, stratify=y_all, random_state=0)
    knn = KNeighborsClassifier(n_neighbors=1).fit(gray[train], y_all[train])
    nearest = train[knn.kneighbors(gray[test], return_distance=False)[:, 0]]
    same_person = float(np.mean(person[nearest] == person[test]))

    low, high = PairedDifference("random", "by person", tuple(range(len(by_person))),
                                 np.subtract(random_split, by_person)).ci95
    conclusion = ("random split higher" if low > 0 else "random split lower" if high < 0
                  else "no clear difference")
    answer = {"random": random_split, "by_person": by_person, "same_person_neighbour": same_person,
              "conclusion": conclusion}
    return answer


@functools.lru_cache(maxsize=1)
def _sign_photos() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # (gray pixels as section 1's `pixels`, labels, person of each photo), read once per session
    sign_dir = data.locate("sign_language_digits")
    x, y, _ = data.load_image_folder(sign_dir, image_size=(32, 32))
    files = sorted(p for p in Path(sign_dir).rglob("*")
                   if p.suffix.lower() in data.IMAGE_EXTENSIONS and not p.name.startswith("."))
    shot = np.array([int(p.stem.split("_")[-1]) for p in files])
    person, current, previous = np.zeros(len(y), dtype=int), -1, 10
    for i in np.argsort(shot):
        current += int(y[i] <= previous)
        person[i], previous = current, y[i]
    return x.astype("float32").mean(axis=-1).reshape(len(x), -1) / 255.0, y, person


@functools.lru_cache(maxsize=4)
def _leak_numbers(n_seeds: int) -> tuple[list[float], list[float], float]:
    # what the described experiment gives: 1-NN accuracy per seed, random and by-person split,
    # and the share of same-person nearest neighbours in seed 0's random split
    gray, y, person = _sign_photos()
    index = np.arange(len(y))

    def fit(train):
        return KNeighborsClassifier(n_neighbors=1).fit(gray[train], y[train])

    random_split, by_person = [], []
    for seed in range(n_seeds):
        train, test = train_test_split(index, test_size=0.15, stratify=y, random_state=seed)
        random_split.append(float(fit(train).score(gray[test], y[test])))
        train, test = next(GroupShuffleSplit(n_splits=1, test_size=0.15, random_state=seed)
                           .split(gray, y, groups=person))
        by_person.append(float(fit(train).score(gray[test], y[test])))
    train, test = train_test_split(index, test_size=0.15, stratify=y, random_state=0)
    nearest = train[fit(train).kneighbors(gray[test], return_distance=False)[:, 0]]
    return random_split, by_person, float(np.mean(person[nearest] == person[test]))




def _close(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and np.allclose(a, b, atol=1e-6)


@exercise("09.3", notebook=NOTEBOOK,
          task=N_("Split the sign photos by person (people inferred from the shot numbers), measure 1-NN's test "
                  "accuracy with a random and a by-person split over N_SEEDS seeds, and conclude from the interval."),
          hint=N_("Sort the photos by the number in their file name; a new person starts where the digit stops "
                  "rising. Then, per seed, train_test_split(..., test_size=0.15, stratify=y_all, random_state=seed) "
                  "against GroupShuffleSplit(n_splits=1, test_size=0.15, random_state=seed).split(x, y, "
                  "groups=person), both scored like one_nn_accuracy; conclude from the 95 % interval of the "
                  "paired differences random - by person."),
          solution=_solution_09_3)
def _check_09_3(answer: Any) -> str | None:
    keys = ("random", "by_person", "same_person_neighbour", "conclusion")
    if not isinstance(answer, dict) or any(k not in answer for k in keys):
        return _("the answer should be a dict with the keys {keys}").format(keys=", ".join(repr(k) for k in keys))
    random_split = accuracies_per_seed(answer["random"], "random")
    by_person = accuracies_per_seed(answer["by_person"], "by_person")
    for problem in (random_split, by_person):
        if isinstance(problem, str):
            return problem
    if len(random_split) != len(by_person):
        return _("{random} random-split accuracies but {by_person} by-person ones: measure both "
                 "on the same seeds, so that they pair up").format(random=len(random_split), by_person=len(by_person))
    if not 3 <= len(random_split) <= 20:
        return _("{n} seed(s): an interval needs at least 3 seeds (use N_SEEDS, seeds 0, 1, ...; "
                 "at most 20)").format(n=len(random_split))
    right_random, right_person, right_share = _leak_numbers(len(random_split))
    if _close(random_split, right_person) and _close(by_person, right_random):
        return _("the two lists are swapped: 'random' is the stratified random split, 'by_person' the person split")
    if not _close(random_split, right_random):
        return _("the random-split accuracies are not what 1-NN gives on the described split (seeds 0, 1, ... in "
                 "order; train_test_split with test_size=0.15, stratify=y_all, random_state=seed; gray pixels "
                 "as in one_nn_accuracy, photos at 32 x 32)")
    if _close(by_person, right_random):
        return _("the 'by_person' accuracies are those of the random split: the person split must keep each "
                 "person's photos on one side, so pass groups=person to GroupShuffleSplit's split()")
    if not _close(by_person, right_person):
        return _("the by-person accuracies are not what the described person split gives: check the person "
                 "rule (photos sorted by shot number, a new person wherever the digit does not rise) and "
                 "GroupShuffleSplit(n_splits=1, test_size=0.15, random_state=seed)")
    share = as_number(answer["same_person_neighbour"], N_("a fraction between 0 and 1"))
    if isinstance(share, str):
        return f"answer['same_person_neighbour']: {share}"
    if not math.isclose(share, right_share, abs_tol=1e-6):
        return _("'same_person_neighbour' is not the share of seed 0's random-split test photos whose nearest "
                 "training photo (1-NN's neighbour) was taken by the same person")
    conclusion = answer["conclusion"]
    if conclusion not in CONCLUSIONS_09_3:
        return _("answer['conclusion'] should be one of {conclusions}").format(
            conclusions=", ".join(repr(c) for c in CONCLUSIONS_09_3))
    low, high = PairedDifference("random", "by person", tuple(range(len(by_person))),
                                 np.subtract(random_split, by_person)).ci95
    return interval_verdict(conclusion, low, high,
                            ("random split higher", "random split lower", "no clear difference"), "random - by person")
