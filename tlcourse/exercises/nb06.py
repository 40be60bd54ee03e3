"""Exercises of notebook 06_open_datasets: 06.1 (classes a naive split keeps out of training) and
06.2 (test images copied from training).

Per exercise, its solution ``_solution_06_1`` (its body is the code ``solution("06.1")``
shows) and its checker ``_check_06_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np

from tlcourse.exercises import exercise

__all__: list[str] = []

NOTEBOOK = "06_open_datasets"


def _naive_parts(per_class: int = 100, classes: int = 12) -> dict[str, set[int]]:
    # section 4's naive slice of a sorted folder: first 75 % train, next 10 % validation, last 15 % test
    y = [c for c in range(classes) for _ in range(per_class)]
    n = len(y)
    n_val, n_test = round(0.10 * n), round(0.15 * n)
    a, b = n - n_val - n_test, n - n_test
    return {"train": set(y[:a]), "val": set(y[a:b]), "test": set(y[b:])}


def _solution_06_1() -> list[int]:
    y = np.repeat(np.arange(12), 100)                  # a folder read class by class: sorted labels
    n = len(y)
    n_val, n_test = round(0.10 * n), round(0.15 * n)
    a, b = n - n_val - n_test, n - n_test              # the naive slice's cut points
    answer = sorted(set(y[b:].tolist()) - set(y[:a].tolist()))    # [10, 11]
    return answer


@exercise("06.1", notebook=NOTEBOOK,
          task="12 classes x 100 images, sorted by class, split by section 4's naive slice: which classes "
               "of the test part never appear in the training part?",
          hint="Build the labels with np.repeat(np.arange(12), 100), cut them where section 4's naive "
               "split cuts (round(0.10 * n), round(0.15 * n)), and compare the sets of labels of the parts.",
          solution=_solution_06_1)
def _check_06_1(answer: Any) -> str | None:
    if isinstance(answer, (str, bytes, dict)) or not hasattr(answer, "__iter__"):
        return "the answer should be a list of class numbers, like [3, 4]"
    try:
        given = {int(c) for c in np.asarray(list(answer)).ravel()}
    except (TypeError, ValueError):
        return "the answer should be a list of class numbers, like [3, 4]"
    parts = _naive_parts()
    right = parts["test"] - parts["train"]
    if given == right:
        return None
    extra = given - right
    if any(c not in range(12) for c in extra):
        return "the classes are numbered 0 to 11"
    if extra & parts["train"]:
        return "your list has a class that the training part does contain"
    if extra:
        return "your list has a class that the test part does not contain: look where the validation part ends"
    return "a class of the test part that the training part never sees is missing from your list"


def _solution_06_2() -> Callable[[np.ndarray, np.ndarray], int]:
    def leaked(x_train, x_test):
        # test images with an exact copy in the training part, by content hash
        seen = {hashlib.sha256(image.tobytes()).hexdigest() for image in x_train}
        return sum(hashlib.sha256(image.tobytes()).hexdigest() in seen for image in x_test)

    answer = leaked          # in the notebook: leaked(copied.x_train, copied.x_test)
    return answer


@exercise("06.2", notebook=NOTEBOOK,
          task="Write leaked(x_train, x_test): the number of test images that have an exact copy "
               "in the training part.",
          hint="Hash every image's bytes, hashlib.sha256(image.tobytes()), as section 5 does, then count "
               "the test images whose hash is among the training images' hashes.",
          solution=_solution_06_2)
def _check_06_2(answer: Any) -> str | None:
    if not callable(answer):
        return "the answer should be a function leaked(x_train, x_test) that returns a number"
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
                return f"the function should return a whole number of test images, not {type(count).__name__}"
            if count == right:
                continue
            if count > len(x):
                return f"it returns {count} for a test part of {len(x)} images: count images, not pixels"
            if x is x_test:
                return f"on a split with no copies at all it returns {count}, not 0"
            if x is near and count == right + 1:
                return ("it counts a test image that differs from its training twin in one pixel: only "
                        "exact copies count here (near-duplicates need the distance check)")
            return f"with 3 test images copied from the training part it returns {count}"
    return None
