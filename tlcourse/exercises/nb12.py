"""Exercises of notebook 12_project_sign_language: 12.1 (test photos for a given Wilson
interval), 12.2 (the cut before a block) and 12.3 (choose the head's learning rate on
validation data, report the test accuracy once).

Per exercise, its solution ``_solution_12_1`` (its body is the code ``solution("12.1")``
shows) and its checker ``_check_12_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from tlcourse._i18n import N_, _
from tlcourse.config import SEED, fast_or_full, seed_everything
from tlcourse.data import load
from tlcourse.exercises import exercise
from tlcourse.exercises._common import as_number, is_function
from tlcourse.models import imagenet_backbone

__all__: list[str] = []

NOTEBOOK = "12_project_sign_language"


def _wilson_width(correct: float, n: int, z: float = 1.96) -> float:
    # width (high - low) of the 95 % Wilson interval of `correct` right out of `n`
    p = correct / n
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return 2 * half


def _wald_width(correct: float, n: int, z: float = 1.96) -> float:
    # width of the normal-approximation ("Wald") interval, a realistic wrong formula
    p = correct / n
    return 2 * z * math.sqrt(p * (1 - p) / n)


def _needed_with(width_of: Callable[[float, int], float], accuracy: float, width: float, step: int = 50) -> int:
    n = step
    while width_of(round(accuracy * n), n) >= width:
        n += step
    return n


_ACCURACIES = (0.90, 0.92, 0.94, 0.96, 0.98)   # multiples of 0.02: accuracy x n is a whole number of photos
_WIDTHS = (0.03, 0.04, 0.05, 0.06)
# (accuracy, width) pairs where the normal-approximation interval needs fewer photos than Wilson's
_WALD_DIFFERS = ((0.94, 0.04), (0.94, 0.05), (0.96, 0.05), (0.98, 0.03), (0.98, 0.04), (0.98, 0.05))


def _probe_rng() -> random.Random:
    # the checks' probes are drawn anew at each check (a test may fix them)
    return random.Random()


def _solution_12_1() -> Callable[[float, float], int]:
    def wilson_interval(correct, n, z=1.96):
        # 95 % confidence interval of an accuracy measured as `correct` out of `n` (as in the notebook)
        p = correct / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
        return centre - half, centre + half

    def photos_needed(accuracy, width):
        # the smallest multiple of 50 photos whose interval around `accuracy` is narrower than `width`
        n = 50
        while True:
            low, high = wilson_interval(round(accuracy * n), n)
            if high - low < width:
                return n
            n += 50

    print(photos_needed(0.98, 0.02))   # 800: sixteen times the book's 50 test photos
    answer = photos_needed
    return answer


@exercise("12.1", notebook=NOTEBOOK,
          task=N_("Write photos_needed(accuracy, width): the smallest number of test photos (a multiple of 50) "
                  "for which a measured `accuracy` has a 95 % Wilson interval narrower than `width`; answer the "
                  "function."),
          hint=N_("Loop n = 50, 100, 150, ... and compute wilson_interval(round(accuracy * n), n) until "
                  "high - low drops below width; then print photos_needed(0.98, 0.02) for the book's claim."),
          solution=_solution_12_1)
def _check_12_1(answer: Any) -> str | None:
    if not is_function(answer):
        return _("the answer should be the function photos_needed itself, without parentheses after its "
                 "name, not {type}").format(type=type(answer).__name__)
    rng = _probe_rng()
    probes = [(0.98, 0.02), rng.choice(_WALD_DIFFERS), (rng.choice(_ACCURACIES), rng.choice(_WIDTHS))]
    got = []
    for accuracy, width in probes:
        try:
            value = answer(accuracy, width)
        except Exception as error:                    # the student's function may fail on some input
            return _("photos_needed({accuracy}, {width}) raised {error_type}: {error}").format(
                accuracy=accuracy, width=width, error_type=type(error).__name__, error=error)
        number = as_number(value, N_("a number of photos"))
        if isinstance(number, str):
            return _("photos_needed({accuracy}, {width}) returned {value}: it should return a number of "
                     "photos").format(accuracy=accuracy, width=width, value=repr(value))
        got.append(number)
    for (accuracy, width), n in zip(probes, got):
        right = _needed_with(_wilson_width, accuracy, width)
        if n == right:
            continue
        if len(set(got)) == 1 and len({_needed_with(_wilson_width, a, w) for a, w in probes}) > 1:
            return _("photos_needed returns {n:g} whatever it is asked: compute the number from accuracy and "
                     "width").format(n=n)
        values = {"accuracy": accuracy, "width": width, "n": n}
        if math.isnan(n) or n <= 0 or n != int(n):
            return _("photos_needed({accuracy}, {width}) returned {n:g}: a number of photos is a whole, positive "
                     "number").format(**values)
        if n % 50:
            return _("photos_needed({accuracy}, {width}) returned {n:g}: count in multiples of 50, so that "
                     "accuracy x n is a whole number of photos").format(**values)
        if n == _needed_with(_wald_width, accuracy, width):
            return _("photos_needed({accuracy}, {width}) returned {n:g}, what the normal-approximation interval "
                     "p +- 1.96 sqrt(p (1 - p) / n) needs: use the notebook's wilson_interval").format(**values)
        if n < right:
            return _("photos_needed({accuracy}, {width}) returned {n:g}, but with {n:g} photos the interval is "
                     "still {points:.1f} points wide, not below {limit:g}").format(
                         **values, points=100 * _wilson_width(round(accuracy * n), int(n)), limit=100 * width)
        return _("photos_needed({accuracy}, {width}) returned {n:g}: a smaller multiple of 50 already gives an "
                 "interval narrower than that width (return the first n that does)").format(**values)
    return None


_BASES: list[keras.Model] = []                   # a MobileNetV2 (random weights: names only), built once


def _mobilenet() -> keras.Model:
    if not _BASES:
        _BASES.append(keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(96, 96, 3)))
    return _BASES[0]


def _cut(names: list[str], block: int) -> str:
    return names[names.index(f"block_{block}_expand") - 1]


_NO_ADD = (2, 4, 7, 11, 14)     # blocks after a block that changes the shape: that block ends without an add
_WITH_ADD = (3, 5, 6, 8, 9, 10, 12, 15, 16)


def _solution_12_2() -> Callable[[keras.Model, int], str]:
    def cut_before(base, block):
        # the cut is the last layer that stays frozen: the one just before block `block` starts
        names = [layer.name for layer in base.layers]
        return names[names.index(f"block_{block}_expand") - 1]

    # print(cut_before(base, 13)) in the notebook: block_12_add (block 12 ends by adding its input back)
    answer = cut_before
    return answer


@exercise("12.2", notebook=NOTEBOOK,
          task=N_("Write cut_before(base, block): the name of the cut (the last frozen layer, whose output "
                  "`bottom` computes once) for fine-tuning MobileNetV2 `base` from block `block` on; answer the "
                  "function."),
          hint=N_("Print the layer names around 'block_10_expand' and 'block_13_expand' in base.layers: section "
                  "5's CUT for block 10 is the last layer before that block starts. Not every block ends the "
                  "same way."),
          solution=_solution_12_2)
def _check_12_2(answer: Any) -> str | None:
    if not is_function(answer):
        return _("the answer should be the function cut_before itself, without parentheses after its "
                 "name, not {type}").format(type=type(answer).__name__)
    base = _mobilenet()
    names = [layer.name for layer in base.layers]
    rng = _probe_rng()
    blocks = [13, rng.choice(_NO_ADD), rng.choice(_WITH_ADD)]
    got = {}
    for block in blocks:
        try:
            value = answer(base, block)
        except Exception as error:                     # the student's function may fail on some block
            return _("cut_before(base, {block}) raised {error_type}: {error}").format(
                block=block, error_type=type(error).__name__, error=error)
        name = getattr(value, "name", value)           # a layer object is fine too
        if not isinstance(name, str):
            return _("cut_before(base, {block}) returned {type}: it should return a layer name").format(
                block=block, type=type(value).__name__)
        got[block] = name.strip()
    if len(set(got.values())) == 1:
        return _("cut_before returns the same layer whatever the block: look the name up in base.layers")
    for block in blocks:
        name, right = got[block], _cut(names, block)
        if name == right:
            continue
        values = {"block": block, "name": name, "previous": block - 1}
        if name == f"block_{block}_expand":
            return _("cut_before(base, {block}) returned {name}, the first layer to fine-tune; the cut is the "
                     "last layer that stays frozen").format(**values)
        if name not in names:
            return _("cut_before(base, {block}) returned {name}, which is not a layer of MobileNetV2: not every "
                     "block ends with an add (block {previous} changes the shape, so there is nothing to add its "
                     "input to); look the name up in base.layers").format(**{**values, "name": repr(name)})
        position, cut = names.index(name), names.index(right)
        if position < cut:
            return _("cut_before(base, {block}) returned {name}, which comes before the end of block {previous}: "
                     "the layers after it in block {previous} would be fine-tuned too").format(**values)
        return _("cut_before(base, {block}) returned {name}, a layer of the part to fine-tune: the cut comes "
                 "before block {block} starts").format(**values)
    return None


# 12.3: the head's learning rate, chosen on the validation photos; the test photos used once
_RATES = (1e-4, 1e-3, 1e-2)
_HEAD_EPOCHS = 10
_RUNS: dict[tuple[Any, ...], tuple[float, float]] = {}    # (data fingerprint, rate) -> (val, test) accuracy
_KEYS = ("features", "split", "val", "chosen", "test_accuracy", "conclusion")


def _fingerprint(features: dict[str, np.ndarray], split: Any) -> tuple[Any, ...]:
    return tuple((part, features[part].shape, float(np.sum(features[part], dtype=np.float64)))
                 for part in ("train", "val", "test")) + (int(np.sum(split.y_train)),)


def _head_accuracies(features: dict[str, np.ndarray], split: Any, rate: float) -> tuple[float, float]:
    # the head of section 4 trained on the cached features with one learning rate: (val, test) accuracy
    key = (_fingerprint(features, split), rate)
    if key not in _RUNS:
        seed_everything(SEED)
        head = keras.Sequential([keras.Input(shape=features["train"].shape[1:]), keras.layers.Dropout(0.2),
                                 keras.layers.Dense(10, activation="softmax")])
        head.compile(optimizer=keras.optimizers.Adam(learning_rate=rate),
                     loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        head.fit(features["train"], split.y_train, epochs=_HEAD_EPOCHS, batch_size=32, verbose=0)
        _RUNS[key] = (head.evaluate(features["val"], split.y_val, verbose=0)[1],
                      head.evaluate(features["test"], split.y_test, verbose=0)[1])
    return _RUNS[key]


def _separated(val: dict[float, float], chosen: float, n_val: int) -> bool:
    # does the runner-up's validation accuracy lie below the chosen rate's 95 % Wilson interval?
    runner_up = max(acc for rate, acc in val.items() if rate != chosen)
    correct = round(val[chosen] * n_val)
    p, z = correct / n_val, 1.96
    centre = (p + z**2 / (2 * n_val)) / (1 + z**2 / n_val)
    return runner_up < centre - _wilson_width(correct, n_val) / 2


def _solution_12_3() -> dict[str, Any]:
    # In the notebook `split` and `features` exist (sections 1 and 4); rebuilt here so the code runs alone
    # (in fast mode on 20 photos per digit, to keep the tests short).
    split = load("sign_language_digits", image_size=(128, 128), limit_per_class=fast_or_full(20, None),
                 val_size=0.10, test_size=0.15)
    base = imagenet_backbone("mobilenet_v2", input_shape=(128, 128, 3))
    extractor = keras.Sequential([keras.Input((128, 128, 3)), keras.layers.Rescaling(1 / 127.5, offset=-1),
                                  base, keras.layers.GlobalAveragePooling2D()])
    features = {part: extractor.predict(getattr(split, f"x_{part}"), verbose=0) for part in ("train", "val", "test")}

    def train_head(rate):
        seed_everything(SEED)
        head = keras.Sequential([keras.Input(shape=(1280,)), keras.layers.Dropout(0.2),
                                 keras.layers.Dense(10, activation="softmax")])
        head.compile(optimizer=keras.optimizers.Adam(learning_rate=rate),
                     loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        head.fit(features["train"], split.y_train, epochs=10, batch_size=32, verbose=0)
        return head

    heads = {rate: train_head(rate) for rate in (1e-4, 1e-3, 1e-2)}
    val = {rate: head.evaluate(features["val"], split.y_val, verbose=0)[1] for rate, head in heads.items()}
    chosen = max(val, key=val.get)                               # chosen on validation only
    test_accuracy = heads[chosen].evaluate(features["test"], split.y_test, verbose=0)[1]   # test: once

    def wilson_interval(correct, n, z=1.96):
        p = correct / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
        return centre - half, centre + half

    low, _ = wilson_interval(round(val[chosen] * len(split.y_val)), len(split.y_val))
    runner_up = max(acc for rate, acc in val.items() if rate != chosen)
    print(val, chosen, f"test {test_accuracy:.2%}", f"runner-up {runner_up:.2%} vs low {low:.2%}")
    answer = {"features": features, "split": split, "val": val, "chosen": chosen,
              "test_accuracy": test_accuracy, "conclusion": "a" if runner_up < low else "b"}
    return answer


@exercise("12.3", notebook=NOTEBOOK,
          task=N_("Choose the head's learning rate among 1e-4, 1e-3 and 1e-2 on the validation photos (section "
                  "4's features, 10 epochs, seed SEED), then measure the chosen head's test accuracy once; answer a "
                  "dict with features, split, val, chosen, test_accuracy and conclusion ('a' or 'b')."),
          hint=N_("For each rate: seed_everything(SEED), a new head (Dropout(0.2), Dense(10, softmax)) on "
                  "features['train'], Adam(learning_rate=rate), 10 epochs, and its accuracy on features['val']. "
                  "Pick the best validation accuracy; only then evaluate that one head on features['test']. For "
                  "the conclusion, compare the runner-up's validation accuracy with the chosen rate's "
                  "wilson_interval."),
          solution=_solution_12_3)
def _check_12_3(answer: Any) -> str | None:
    if not isinstance(answer, dict) or any(key not in answer for key in _KEYS):
        return _("the answer should be a dict with the keys {keys}").format(keys=", ".join(repr(k) for k in _KEYS))
    features, split, val = answer["features"], answer["split"], answer["val"]
    if not (isinstance(features, dict) and all(part in features for part in ("train", "val", "test"))
            and hasattr(split, "y_val")):
        return _("answer['features'] should be section 4's dict of features and answer['split'] the notebook's "
                 "split")
    if (len(features["val"]) != len(split.y_val) or len(features["test"]) != len(split.y_test)
            or len(features["train"]) != len(split.y_train)):
        return _("the features do not line up with the split: use section 4's features of the same split")
    if not isinstance(val, dict) or sorted(float(r) for r in val) != sorted(_RATES):
        return _("answer['val'] should map each learning rate, 1e-4, 1e-3 and 1e-2, to its validation accuracy")
    val = {float(r): as_number(a, N_("an accuracy")) for r, a in val.items()}
    if any(isinstance(a, str) for a in val.values()):
        return _("answer['val'] should hold accuracies, numbers between 0 and 1")
    if any(not 0 <= a <= 1 for a in val.values()):
        return _("give the accuracies as fractions between 0 and 1, like 0.97, not percentages")
    chosen, reported = answer["chosen"], as_number(answer["test_accuracy"], N_("an accuracy"))
    if isinstance(reported, str):                      # as_number's sentence, about answer['test_accuracy']
        if isinstance(answer["test_accuracy"], bool):
            return _("answer['test_accuracy'] should be an accuracy, not True or False")
        return _("answer['test_accuracy'] should be an accuracy, not {type}").format(
            type=type(answer["test_accuracy"]).__name__)
    if as_number(chosen, N_("a rate")) not in _RATES:
        return _("answer['chosen'] should be one of the learning rates tried: 1e-4, 1e-3 or 1e-2")
    chosen = float(chosen)
    runs = {rate: _head_accuracies(features, split, rate) for rate in _RATES}
    tolerance = 1.5 / len(split.y_val)                     # a photo: runs may differ in the last digit
    if all(abs(val[r] - runs[r][1]) <= 1.5 / len(split.y_test) for r in _RATES) and not all(
            abs(val[r] - runs[r][0]) <= tolerance for r in _RATES):
        return _("answer['val'] holds test accuracies: a choice made on the test photos makes their accuracy "
                 "an optimistic estimate; measure every rate on features['val']")
    if not all(abs(val[r] - runs[r][0]) <= tolerance for r in _RATES):
        return _("answer['val'] is not what the described runs give on the validation photos (recomputed): "
                 "seed_everything(SEED) before each head, Dropout(0.2) and Dense(10, softmax), Adam with that "
                 "rate, 10 epochs, batch_size=32")
    best_val = max(runs[r][0] for r in _RATES)
    if runs[chosen][0] < best_val - 1e-9:
        best_test = max(runs[r][1] for r in _RATES)
        if runs[chosen][1] >= best_test - 1e-9:
            return _("that rate is the best on the test photos, not on the validation photos: choosing on the "
                     "test set turns it into a validation set, and its accuracy is no longer an honest estimate")
        return _("answer['chosen'] is not the rate with the best validation accuracy")
    test = runs[chosen][1]
    if abs(reported - test) > 1.5 / len(split.y_test):
        if abs(reported - runs[chosen][0]) <= tolerance:
            return _("answer['test_accuracy'] is the chosen head's validation accuracy: evaluate it on "
                     "features['test']")
        if abs(reported - max(runs[r][1] for r in _RATES)) <= 1.5 / len(split.y_test):
            return _("answer['test_accuracy'] is the best test accuracy of all rates, not the chosen one's: "
                     "evaluate only the chosen head on the test photos, once")
        return _("answer['test_accuracy'] is not the chosen head's accuracy on features['test'] (recomputed)")
    conclusion = answer["conclusion"]
    if not isinstance(conclusion, str) or conclusion.strip().lower() not in ("a", "b"):
        return _("answer['conclusion'] should be 'a' or 'b'")
    right = "a" if _separated(val, chosen, len(split.y_val)) else "b"
    if conclusion.strip().lower() != right:
        return _("that conclusion does not follow from your numbers: compute the chosen rate's 95 % Wilson "
                 "interval from its validation accuracy and the number of validation photos, and see whether the "
                 "runner-up's validation accuracy falls inside it")
    return None
