"""What several notebooks' checkers need: layers of nested models, kinds of answers.

Internal to :mod:`tlcourse.exercises`. A helper goes here once two notebooks' checkers use it;
one notebook's helpers stay in that notebook's module.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np

from tlcourse._i18n import _

__all__: list[str] = []


def leaf_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The layers of ``model`` in order, nested models (a base used as one layer) opened up.

    Not :func:`tlcourse._keras_graph.walk`, on purpose: a checker reads the network as the
    student built it, while ``walk`` (Keras's ``_flatten_layers``, to set a flag on every
    sub-layer) answers another question. ``walk`` also lists the models themselves (and a nested
    Sequential's hidden ``InputLayer``), gives a nested model's layers in reverse order, and
    opens layers that are not models (``Bidirectional`` yields its two LSTMs and their cells,
    whose weights would count twice in :func:`weighted_layers`). Here: ``model.layers`` order,
    only ``keras.Model`` opened.
    """
    layers = []
    for layer in model.layers:
        layers += leaf_layers(layer) if isinstance(layer, keras.Model) else [layer]
    return layers


def weighted_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The layers with weights, nested models opened up."""
    return [layer for layer in leaf_layers(model) if layer.weights]


def is_function(answer: Any) -> bool:
    """A function the student wrote: callable, but not a layer or model (they are callable too)."""
    return callable(answer) and not isinstance(answer, keras.layers.Layer)


def is_model_pair(answer: Any) -> bool:
    """A tuple or list of two Keras models."""
    return (isinstance(answer, (tuple, list)) and len(answer) == 2
            and all(isinstance(m, keras.Model) for m in answer))


def as_number(answer: Any, what: str) -> float | str:
    """``answer`` as a float, or the sentence saying it is not ``what`` (e.g. "a number", marked
    with ``N_`` where it is written: it is translated here)."""
    if isinstance(answer, bool):                # float(True) works, but True is no count
        return _("the answer should be {what}, not True or False").format(what=_(what))
    try:
        return float(answer)
    except (TypeError, ValueError):
        return _("the answer should be {what}, not {type}").format(what=_(what), type=type(answer).__name__)


# --- the sign photos and their frozen ImageNet features, as notebooks 03-05 compute them --------------

def notebook_signs() -> Any:
    """The sign photos as notebooks 03, 04 and 05 load them: 96 x 96, ``SIGN_PER_CLASS`` per digit
    (30 in fast mode, all in full mode); read once per mode."""
    from tlcourse.config import fast_or_full

    return _signs(fast_or_full(30, None))


@functools.lru_cache(maxsize=2)
def _signs(limit_per_class: int | None) -> Any:
    from tlcourse import data

    return data.load("sign_language_digits", image_size=(96, 96), limit_per_class=limit_per_class, verbose=False)


def pooled_features(split: Any, weights: str | None = "imagenet") -> dict[str, np.ndarray]:
    """Section ②'s extractor (preprocessing, MobileNetV2 at 96 px in inference mode, average
    pooling) on the training, validation and test photos of ``split``; ``weights=None`` builds
    random weights (seed before calling)."""
    from tlcourse.models import backbone_preprocess, imagenet_backbone

    base = imagenet_backbone("mobilenet_v2", input_shape=(96, 96, 3), weights=weights)
    inputs = keras.Input(shape=(96, 96, 3), name="photo")
    x = base(backbone_preprocess("mobilenet_v2")(inputs), training=False)
    extractor = keras.Model(inputs, keras.layers.GlobalAveragePooling2D(name="pool")(x))
    return {part: extractor.predict(getattr(split, f"x_{part}"), verbose=0) for part in ("train", "val", "test")}


def imagenet_sign_features() -> dict[str, np.ndarray]:
    """:func:`pooled_features` of :func:`notebook_signs` with the ImageNet weights (notebooks 03-05's
    ``sign_features``), computed once per mode and shared by the checkers of 03.3, 04.3 and 05.3."""
    from tlcourse.config import fast_or_full

    return _imagenet_sign_features(fast_or_full(30, None))


@functools.lru_cache(maxsize=2)
def _imagenet_sign_features(limit_per_class: int | None) -> dict[str, np.ndarray]:
    return pooled_features(_signs(limit_per_class))


# --- experiments over seeds, answered as (SeedResults, conclusion): 10.3 and 11.3 -----------------

def mnist_train_head(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``n`` images and labels of MNIST's training set, in Keras's order (read once)."""
    x, y = _mnist_train()
    return x[:n], y[:n]


@functools.lru_cache(maxsize=1)
def _mnist_train() -> tuple[np.ndarray, np.ndarray]:
    from tlcourse.data import load_arrays

    (x, y), _ = load_arrays("mnist")
    return x, y


def gradient_norms(model: keras.Model, x: np.ndarray, y: np.ndarray, variables: Sequence[Any], *,
                   training: bool = True) -> list[float]:
    """L2 norms of the gradient of the mean sparse cross-entropy of ``model(x)`` for each variable."""
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy()(y, model(x, training=training))
    return [float(tf.norm(g)) for g in tape.gradient(loss, list(variables))]


def seed_answer(answer: Any, metrics: Sequence[str], letters: Sequence[str], *,
                min_seeds: int = 3) -> tuple[Any, str] | str:
    """``(results, conclusion)`` read from an answer, or the sentence saying what is wrong with it.

    ``results`` must be a :class:`tlcourse.experiments.SeedResults` with the ``metrics``, finite,
    for the seeds 0, 1, ..., n - 1 (n >= ``min_seeds``: no picked seeds); ``conclusion`` one of
    ``letters`` (returned lower-case).
    """
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return _("the answer should be a pair (results, conclusion): results from run_seeds, conclusion one of "
                 "{letters}").format(letters=", ".join(letters))
    results, conclusion = answer
    if not (hasattr(results, "seeds") and hasattr(results, "values") and hasattr(results, "metrics")):
        return _("the first item should be what run_seeds returns (a SeedResults), not {type}").format(
            type=type(results).__name__)
    missing = [m for m in metrics if m not in results.metrics]
    if missing:
        return _("the results have no metric {metric}: the function given to run_seeds should return a dict "
                 "with the keys {keys}").format(metric=repr(missing[0]), keys=", ".join(repr(m) for m in metrics))
    seeds = [int(s) for s in results.seeds]
    if len(seeds) < min_seeds:
        return _("{n} seed(s) cannot show how much the result varies: run at least {min_seeds}").format(
            n=len(seeds), min_seeds=min_seeds)
    if seeds != list(range(len(seeds))):
        return _("run the seeds 0, 1, ..., n - 1 (here range({n})), not {seeds}: seeds picked by hand can pick "
                 "the result").format(n=len(seeds), seeds=seeds)
    if not all(np.all(np.isfinite(results.values(m))) for m in metrics):
        return _("some measured values are NaN or infinite: check the measurement")
    if not isinstance(conclusion, str) or conclusion.strip().lower() not in letters:
        return _("the conclusion should be one of the letters {letters}").format(
            letters=", ".join(repr(x) for x in letters))
    return results, conclusion.strip().lower()


def interval_side(results: Any, a: str, b: str) -> str:
    """Where the 95 % interval of the paired difference ``a - b`` lies: "above", "below" or "across" 0."""
    low, high = results.paired_difference(a, b).ci95
    return "above" if low > 0 else "below" if high < 0 else "across"


def interval_verdict(conclusion: str, low: float, high: float, labels: Sequence[str], what: str) -> str | None:
    """None if ``conclusion`` names where the 95 % interval ``(low, high)`` of the paired differences
    ``what`` (e.g. "transfer - scratch") lies, else the sentence saying why it does not.

    ``labels``: the conclusions for an interval above 0, below 0 and across 0, in that order.
    """
    above, below, across = labels
    right = above if low > 0 else below if high < 0 else across
    if conclusion == right:
        return None
    values = {"what": what, "low": 100 * low, "high": 100 * high, "conclusion": repr(conclusion)}
    if right == across:
        return _("the 95 % interval of your paired differences ({what}), {low:+.1f} to {high:+.1f} points, "
                 "includes 0: {conclusion} claims more than your seeds show (a mean or a win count alone does "
                 "not decide)").format(**values)
    if right == above:
        return _("the whole 95 % interval of your paired differences ({what}, {low:+.1f} to {high:+.1f} points) "
                 "lies above 0, so {conclusion} contradicts your own numbers").format(**values)
    return _("the whole 95 % interval of your paired differences ({what}, {low:+.1f} to {high:+.1f} points) "
             "lies below 0, so {conclusion} contradicts your own numbers").format(**values)


def is_share_of(value: float, n: int) -> bool:
    """An accuracy measured on ``n`` examples: a whole number of them (right ones / n), in 0..1."""
    return 0 <= value <= 1 and abs(value * n - round(value * n)) < 1e-3


def accuracies_per_seed(values: Any, what: str) -> list[float] | str:
    """``values`` as a list of accuracies (fractions), one per seed, or the sentence saying what
    is wrong with ``answer[what]``."""
    key = f"answer[{what!r}]"
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
        return _("{key} should be a list of test accuracies, one per seed (seeds 0, 1, 2, ...)").format(key=key)
    numbers = [as_number(v, "a number") for v in values]
    problem = next((n for n in numbers if isinstance(n, str)), None)
    if problem:
        return f"{key}: {problem}"
    if any(not 0 <= n <= 1 for n in numbers):
        return _("{key} should hold accuracies as fractions between 0 and 1, like 0.73, not percentages").format(
            key=key)
    return numbers
