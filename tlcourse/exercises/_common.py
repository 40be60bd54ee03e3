"""What several notebooks' checkers need: layers of nested models, kinds of answers.

Internal to :mod:`tlcourse.exercises`. A helper goes here once two notebooks' checkers use it;
one notebook's helpers stay in that notebook's module.
"""

from __future__ import annotations

from typing import Any

import keras

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
    """``answer`` as a float, or the sentence saying it is not ``what`` (e.g. "a number")."""
    if isinstance(answer, bool):                # float(True) works, but True is no count
        return f"the answer should be {what}, not True or False"
    try:
        return float(answer)
    except (TypeError, ValueError):
        return f"the answer should be {what}, not {type(answer).__name__}"
