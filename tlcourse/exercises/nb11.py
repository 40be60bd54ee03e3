"""Exercises of notebook 11_greedy_layerwise_pretraining: 11.1 (greedy stage 3 from stage 2) and
11.2 (the most gradient left after n sigmoids) and 11.3 (that gradient, measured: sigmoid vs ReLU).

Per exercise, its solution ``_solution_11_1`` (its body is the code ``solution("11.1")``
shows) and its checker ``_check_11_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from tlcourse._i18n import N_, _
from tlcourse.config import fast_or_full, seed_everything
from tlcourse.data import load_arrays
from tlcourse.exercises import exercise
from tlcourse.exercises._common import (
    as_number,
    gradient_norms,
    interval_side,
    is_function,
    is_model_pair,
    mnist_train_head,
    seed_answer,
)
from tlcourse.experiments import run_seeds

__all__: list[str] = []

NOTEBOOK = "11_greedy_layerwise_pretraining"


def _dense_layers(model: Any) -> list[Any]:
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def _solution_11_1() -> tuple[keras.Model, keras.Model]:
    # stages 1 and 2 as in section 3 (there they are trained before the next stage is built)
    stem = [keras.layers.Rescaling(1 / 255), keras.layers.Flatten()]
    hidden = [keras.layers.Dense(128, activation="sigmoid", name=f"hidden{i + 1}") for i in range(3)]
    hidden[0].trainable = False                                   # frozen after stage 1
    stage2 = keras.Sequential([keras.Input((28, 28)), *stem, hidden[0], hidden[1],
                               keras.layers.Dense(10, activation="softmax", name="head2")])

    hidden[1].trainable = False                                   # freeze what stage 2 learned
    stage3 = keras.Sequential([keras.Input((28, 28)), *stem, hidden[0], hidden[1], hidden[2],
                               keras.layers.Dense(10, activation="softmax", name="head3")])   # a new head
    answer = (stage2, stage3)
    return answer


@exercise("11.1", notebook=NOTEBOOK,
          task=N_("Build greedy stage 3 from stage 2: freeze stage 2's hidden layers, reuse the same layer "
                  "objects, add one new hidden layer and a new output layer; answer (stage2, stage3)."),
          hint=N_("Do what section 3 did for stage 2, one level up: trainable = False on "
                  "stage2.get_layer('hidden2'), then a Sequential of keras.Input((28, 28)), stage2.layers[:2], "
                  "stage 2's two hidden layers (the same objects), one new Dense(128, sigmoid) and a new "
                  "Dense(10, softmax) head."),
          solution=_solution_11_1)
def _check_11_1(answer: Any) -> str | None:
    if not is_model_pair(answer):
        return _("the answer should be a pair of Keras models: (stage2, stage3)")
    before, after = answer
    if not after.built or not after.weights:
        return _("stage 3 is not built yet: start its layers with keras.Input((28, 28)), as stage 2 does")
    old, new = _dense_layers(before), _dense_layers(after)
    if len(old) != 3:
        return _("the first model has {n} Dense layers; stage 2 has three: two hidden layers "
                 "and its output layer").format(n=len(old))
    hidden, old_head = old[:-1], old[-1]
    if any(layer is old_head for layer in new):
        return _("stage 3 still contains stage 2's output layer: it was trained for a shallower network, "
                 "give stage 3 a new one")
    if not all(any(layer is h for layer in new) for h in hidden):
        return _("stage 3 must reuse stage 2's trained hidden layers themselves (the same layer objects), "
                 "not copies or new layers")
    if [layer for layer in new[:len(hidden)]] != hidden:
        return _("stage 3 should start with stage 2's hidden layers, in the same order")
    added = new[len(hidden):]
    if len(added) != 2:
        return _("stage 3 adds {n} Dense layers to stage 2's hidden layers: a greedy stage adds "
                 "exactly one new hidden layer and one new output layer").format(n=len(added))
    still = [layer.name for layer in hidden if layer.trainable]
    if still:
        return _("{layers} is still trainable: every hidden layer an earlier stage trained "
                 "stays frozen").format(layers=", ".join(still))
    if not (after.trainable and all(layer.trainable for layer in added)):
        return _("the two new layers of stage 3 must be trainable: they are the ones this stage trains")
    head = added[-1]
    if head.units != old_head.units or (getattr(head.activation, "__name__", "")
                                        != getattr(old_head.activation, "__name__", "")):
        return _("the new output layer should match stage 2's: the same number of units and activation")
    if {id(w) for w in after.trainable_weights} != {id(w) for layer in added for w in layer.weights}:
        return _("stage 3 would train weights outside its two new layers: check the stem's trainable flags")
    return None


def _solution_11_2() -> Callable[[int], float]:
    # sigmoid'(z) = sigmoid(z) * (1 - sigmoid(z)) is at most 0.25 (at z = 0); the chain rule multiplies
    # one such factor per sigmoid layer on the way down to hidden1's weights
    def gradient_bound(layers):
        return 0.25 ** layers

    print(gradient_bound(5))   # 1/1024, about 0.001: at most a thousandth of the signal (weights aside)
    answer = gradient_bound
    return answer


@exercise("11.2", notebook=NOTEBOOK,
          task=N_("Write gradient_bound(layers): at most what fraction of the gradient is left after passing "
                  "back through the derivatives of that many sigmoid layers (weights aside); answer the function."),
          hint=N_("Each sigmoid layer contributes one factor of at most sigmoid(0) * (1 - sigmoid(0)), and along "
                  "a chain (the chain rule) the factors multiply."),
          solution=_solution_11_2)
def _check_11_2(answer: Any) -> str | None:
    if not is_function(answer):
        return _("the answer should be the function gradient_bound itself, without parentheses after its "
                 "name, not {type}").format(type=type(answer).__name__)
    rng = random.Random()
    probes = (5, rng.randrange(2, 5), rng.randrange(6, 13))
    got = []
    for layers in probes:
        try:
            value = as_number(answer(layers), N_("a number"))
        except Exception as error:                       # the student's function may fail
            return _("gradient_bound({layers}) raised {error_type}: {error}").format(
                layers=layers, error_type=type(error).__name__, error=error)
        if isinstance(value, str) or math.isnan(value):
            return _("gradient_bound({layers}) should return a number, a fraction of the gradient").format(
                layers=layers)
        got.append(value)
    for layers, value in zip(probes, got):
        right = 0.25 ** layers
        if abs(value - right) <= 0.03 * right:
            continue
        if len(set(got)) == 1:
            return _("gradient_bound returns the same number whatever the number of layers")
        if abs(value - 0.25 * layers) < 1e-6:
            return _("gradient_bound({layers}): the factors multiply, they do not add").format(layers=layers)
        if abs(value - 0.5 ** layers) <= 0.03 * 0.5 ** layers:
            return _("gradient_bound({layers}): 0.5 is sigmoid(0), not the largest value of its derivative "
                     "sigmoid(z) * (1 - sigmoid(z))").format(layers=layers)
        if any(abs(value - 0.25 ** k) <= 0.03 * 0.25 ** k for k in (layers - 1, layers + 1)):
            return _("gradient_bound({layers}): count one factor for each of the {layers} sigmoid layers").format(
                layers=layers)
        if not 0 < value <= 1:
            return _("gradient_bound({layers}) = {value:g}: a product of factors between 0 and 0.25 lies "
                     "between 0 and 1").format(layers=layers, value=value)
        return _("gradient_bound({layers}) = {value:g} is not the largest possible product of {layers} sigmoid "
                 "derivatives").format(layers=layers, value=value)
    return None


# 11.3: how much of the gradient reaches hidden1, relative to hidden5, at initialisation
_ACTIVATIONS = ("sigmoid", "relu")
_PROBE = 256                                              # the first 256 MNIST training digits
_CONCLUSIONS = ("a", "b", "c")
_SHARES: dict[tuple[str, int], tuple[float, float]] = {}  # (activation, seed) -> (|g1|, |g5|), computed once


def _gradients_08(activation: str, seed: int) -> tuple[float, float]:
    if (activation, seed) not in _SHARES:
        seed_everything(seed)
        hidden = [keras.layers.Dense(128, activation=activation) for _ in range(5)]
        model = keras.Sequential([keras.Input((28, 28)), keras.layers.Rescaling(1 / 255), keras.layers.Flatten(),
                                  *hidden, keras.layers.Dense(10, activation="softmax")])
        x, y = mnist_train_head(_PROBE)
        first, last = gradient_norms(model, x, y, [hidden[0].kernel, hidden[-1].kernel])
        _SHARES[(activation, seed)] = (first, last)
    return _SHARES[(activation, seed)]


def _solution_11_3() -> tuple[Any, str]:
    # the probe batch: the first 256 digits of MNIST's training set, raw pixels (the stem rescales)
    (x_mnist, y_mnist), _ = load_arrays("mnist")
    x_probe, y_probe = x_mnist[:256], y_mnist[:256]
    loss_fn = keras.losses.SparseCategoricalCrossentropy()

    def gradient_share(seed):
        shares = {}
        for activation in ("sigmoid", "relu"):
            seed_everything(seed)                  # in the notebook: stem, hidden = new_network(activation)
            stem = [keras.layers.Rescaling(1 / 255), keras.layers.Flatten()]
            hidden = [keras.layers.Dense(128, activation=activation) for _ in range(5)]
            model = keras.Sequential([keras.Input((28, 28)), *stem, *hidden,
                                      keras.layers.Dense(10, activation="softmax")])
            with tf.GradientTape() as tape:
                loss = loss_fn(y_probe, model(x_probe, training=True))
            first, last = tape.gradient(loss, [hidden[0].kernel, hidden[-1].kernel])
            shares[activation] = float(np.log10(tf.norm(first) / tf.norm(last)))   # log10 |g1| / |g5|
        return shares

    results = run_seeds(gradient_share, range(fast_or_full(3, 5)))
    difference = results.paired_difference("sigmoid", "relu")
    print(results, difference, sep="\n")
    low, high = difference.ci95
    conclusion = "a" if high < 0 else "b" if low > 0 else "c"
    answer = (results, conclusion)
    return answer


@exercise("11.3", notebook=NOTEBOOK,
          task=N_("Measure log10(|gradient at hidden1's kernel| / |gradient at hidden5's kernel|) of section "
                  "5's network at initialisation, sigmoid and ReLU, seeds 0..n-1 (n >= 3), on the first 256 MNIST "
                  "training digits; answer (results of run_seeds, conclusion 'a', 'b' or 'c')."),
          hint=N_("For each seed and activation: seed_everything(seed), stem, hidden = new_network(activation), "
                  "a Sequential with new_head(); with tf.GradientTape() take the mean cross-entropy of "
                  "model(x_probe, training=True), then tape.gradient(loss, [hidden[0].kernel, "
                  "hidden[-1].kernel]) and log10 of the ratio of their tf.norm. Read the conclusion off "
                  "results.paired_difference('sigmoid', 'relu').ci95."),
          solution=_solution_11_3)
def _check_11_3(answer: Any) -> str | None:
    read = seed_answer(answer, _ACTIVATIONS, _CONCLUSIONS)
    if isinstance(read, str):
        return read
    results, conclusion = read
    seed = random.choice(list(results.seeds))              # one seed, recomputed: a made-up table fails
    theirs = {a: float(results.values(a)[int(seed)]) for a in _ACTIVATIONS}
    norms = {a: _gradients_08(a, int(seed)) for a in _ACTIVATIONS}
    mine = {a: math.log10(first / last) for a, (first, last) in norms.items()}
    if not all(abs(theirs[a] - mine[a]) <= 0.01 for a in _ACTIVATIONS):
        if all(abs(theirs[a] - 10 ** mine[a]) <= 0.01 * 10 ** mine[a] for a in _ACTIVATIONS):
            return _("these are the ratios themselves: record their log10, so that the paired difference "
                     "compares orders of magnitude")
        if all(abs(theirs[a] + mine[a]) <= 0.01 for a in _ACTIVATIONS):
            return _("the ratio is upside down: hidden1's gradient norm divided by hidden5's, not the reverse")
        if abs(theirs["sigmoid"] - mine["relu"]) <= 0.01 and abs(theirs["relu"] - mine["sigmoid"]) <= 0.01:
            return _("the sigmoid and ReLU numbers are swapped")
        return _("the numbers of seed {seed} are not what the described measurement gives (recomputed): call "
                 "seed_everything(seed) right before building each network, use five Dense(128) layers and a "
                 "new head as section 5 does, and the first 256 MNIST training digits as raw pixels").format(
                     seed=seed)
    side = interval_side(results, "sigmoid", "relu")
    right = {"below": "a", "above": "b", "across": "c"}[side]
    if conclusion != right:
        return _("conclusion {conclusion} does not follow from your numbers: look at where the 95 % interval "
                 "of the paired difference sigmoid - relu lies, all above 0, all below 0, or across 0").format(
                     conclusion=repr(conclusion))
    return None
