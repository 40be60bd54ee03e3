"""Exercises of notebook 08_greedy_layerwise_pretraining: 08.1 (greedy stage 3 from stage 2) and
08.2 (the gradient left after five sigmoids).

Per exercise, its solution ``_solution_08_1`` (its body is the code ``solution("08.1")``
shows) and its checker ``_check_08_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

import math
from typing import Any

import keras

from tlcourse.exercises import exercise
from tlcourse.exercises._common import as_number, is_model_pair

__all__: list[str] = []

NOTEBOOK = "08_greedy_layerwise_pretraining"


def _dense_layers(model: Any) -> list[Any]:
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def _solution_08_1() -> tuple[keras.Model, keras.Model]:
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


@exercise("08.1", notebook=NOTEBOOK,
          task="Build greedy stage 3 from stage 2: freeze stage 2's hidden layers, reuse the same layer "
               "objects, add one new hidden layer and a new output layer; answer (stage2, stage3).",
          hint="Do what section 3 did for stage 2, one level up: trainable = False on the hidden layer "
               "stage 2 trained, then a Sequential with the same stem and hidden layer objects, one new "
               "Dense(128, sigmoid) and a new Dense(10, softmax) head.",
          solution=_solution_08_1)
def _check_08_1(answer: Any) -> str | None:
    if not is_model_pair(answer):
        return "the answer should be a pair of Keras models: (stage2, stage3)"
    before, after = answer
    if not after.built or not after.weights:
        return "stage 3 is not built yet: start its layers with keras.Input((28, 28)), as stage 2 does"
    old, new = _dense_layers(before), _dense_layers(after)
    if len(old) != 3:
        return (f"the first model has {len(old)} Dense layers; stage 2 has three: two hidden layers "
                "and its output layer")
    hidden, old_head = old[:-1], old[-1]
    if any(layer is old_head for layer in new):
        return ("stage 3 still contains stage 2's output layer: it was trained for a shallower network, "
                "give stage 3 a new one")
    if not all(any(layer is h for layer in new) for h in hidden):
        return ("stage 3 must reuse stage 2's trained hidden layers themselves (the same layer objects), "
                "not copies or new layers")
    if [layer for layer in new[:len(hidden)]] != hidden:
        return "stage 3 should start with stage 2's hidden layers, in the same order"
    added = new[len(hidden):]
    if len(added) != 2:
        return (f"stage 3 adds {len(added)} Dense layers to stage 2's hidden layers: a greedy stage adds "
                "exactly one new hidden layer and one new output layer")
    still = [layer.name for layer in hidden if layer.trainable]
    if still:
        return (f"{', '.join(still)} is still trainable: every hidden layer an earlier stage trained "
                "stays frozen")
    if not (after.trainable and all(layer.trainable for layer in added)):
        return "the two new layers of stage 3 must be trainable: they are the ones this stage trains"
    head = added[-1]
    if head.units != old_head.units or (getattr(head.activation, "__name__", "")
                                        != getattr(old_head.activation, "__name__", "")):
        return "the new output layer should match stage 2's: the same number of units and activation"
    if {id(w) for w in after.trainable_weights} != {id(w) for layer in added for w in layer.weights}:
        return "stage 3 would train weights outside its two new layers: check the stem's trainable flags"
    return None


def _solution_08_2() -> float:
    # sigmoid'(z) = sigmoid(z) * (1 - sigmoid(z)) is at most 0.25 (at z = 0); the chain rule multiplies
    # one such factor per sigmoid layer on the way down to hidden1's weights
    answer = 0.25 ** 5       # 1/1024, about 0.001: at most a thousandth of the signal (weights aside)
    return answer


@exercise("08.2", notebook=NOTEBOOK,
          task="At most, what fraction of the gradient is left after passing back through the derivatives "
               "of five sigmoid layers (weights aside)?",
          hint="Each sigmoid layer contributes one factor of at most 0.25, and along a chain (the chain "
               "rule) the factors multiply.",
          solution=_solution_08_2)
def _check_08_2(answer: Any) -> str | None:
    right = 0.25 ** 5
    value = as_number(answer, "a number")
    if isinstance(value, str):
        return value
    if math.isnan(value):
        return "the answer should be a number, not NaN"
    if abs(value - right) <= 0.03 * right:
        return None
    if abs(value - 0.25 * 5) < 1e-6:
        return "the five factors multiply, they do not add"
    if any(abs(value - 0.25 ** k) <= 0.03 * 0.25 ** k for k in (1, 2, 3, 4, 6, 7)):
        return "count one factor for each of the five sigmoid layers the gradient passes"
    if not 0 < value <= 1:
        return "a product of factors between 0 and 0.25 lies between 0 and 1"
    return f"{value:g} is not the largest possible product of five sigmoid derivatives"
