"""Keras layers and their graph, for the course modules: walk, read, count and cut.

Internal: :mod:`tlcourse.surgery`, :mod:`tlcourse.features` and :mod:`tlcourse.widgets`
share these helpers, several of which read Keras internals (``_nodes_by_depth``,
``_flatten_layers``). "Depth k" is the course's cut: the first ``k`` layers of
``model.layers`` below it, the rest above. :func:`cut_depth` is the one reading of a depth,
:func:`cut_tensor` the one rule of where a model can be cut; ``tlcourse.surgery.cut_model``
is the public cut built on both. Not part of the public API; names here may change without
notice.
"""

from __future__ import annotations

from typing import Any

import keras

from tlcourse._checks import is_int, layer_index, out_of_range

#: How a feature map becomes a vector in a new head (``with_new_head``, ``train_above_cut``).
POOLINGS = ("avg", "max", "flatten")


# ----------------------------------------------------------------------------- reading


def walk(layer: keras.layers.Layer) -> list[keras.layers.Layer]:
    """``layer`` and every layer nested inside it (parents before their sub-layers)."""
    return list(layer._flatten_layers(include_self=True, recursive=True))


def count_params(variables: Any) -> int:
    """The number of values in ``variables``, each variable counted once."""
    seen, total = set(), 0
    for v in variables:
        if id(v) not in seen:
            seen.add(id(v))
            n = 1
            for d in v.shape:
                n *= int(d)
            total += n
    return total


def functional_graph(model: keras.Model) -> Any:
    """The functional graph of ``model`` (a Sequential model keeps one inside), or None."""
    return model if hasattr(model, "_nodes_by_depth") else getattr(model, "_functional", None)


def require_graph(model: keras.Model) -> Any:
    """:func:`functional_graph`, or TypeError for a subclassed model (no graph)."""
    graph = functional_graph(model)
    if graph is None:
        raise TypeError(f"'{model.name}' is a subclassed model, which has no layer graph to cut or "
                        "to read activations from; rebuild it as keras.Sequential or a functional "
                        "keras.Model.")
    return graph


def graph_outputs(model: keras.Model, layer: keras.layers.Layer) -> list:
    """The symbolic outputs of ``layer`` inside ``model``'s own graph."""
    graph = functional_graph(model)
    found = []
    if graph is not None:
        for nodes in graph._nodes_by_depth.values():
            found += [node for node in nodes if node.operation is layer]
    if len(found) > 1:
        raise ValueError(f"Layer {layer.name!r} is used {len(found)} times in model '{model.name}' "
                         "(a shared layer), so there is no single place to cut: cut at another layer.")
    if found:
        return list(found[0].outputs)
    output = layer.output  # fallback for graphs Keras does not expose
    return list(output) if isinstance(output, (list, tuple)) else [output]


def shape_text(model: keras.Model, layer: keras.layers.Layer) -> str:
    """``layer``'s output shape(s) in ``model`` for a table, "?" when Keras cannot tell."""
    try:
        shapes = [tuple(t.shape) for t in graph_outputs(model, layer)]
    except Exception:  # an unusual layer: the table still renders
        return "?"
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def global_pooling(pooling: str, rank: int, name: str) -> keras.layers.Layer:
    """The layer that makes a rank 3/4/5 feature map a vector: one of :data:`POOLINGS`."""
    dims = {3: "1D", 4: "2D", 5: "3D"}[rank]
    pool = {"avg": getattr(keras.layers, f"GlobalAveragePooling{dims}"),
            "max": getattr(keras.layers, f"GlobalMaxPooling{dims}"),
            "flatten": keras.layers.Flatten}[pooling]
    return pool(name=name)


def head_units(num_classes: int) -> tuple[int, str]:
    """The output layer's units and activation for ``num_classes``: 1 sigmoid unit for two
    classes (binary), else one softmax unit per class."""
    return (1, "sigmoid") if num_classes <= 2 else (num_classes, "softmax")


def classifier_head(x: Any, units: int, activation: str | None, *, pooling: str, name: str,
                    dropout: float = 0.0) -> Any:
    """A new classifier on the tensor ``x``: pooling ``{name}_pool`` (rank 3/4/5 feature maps;
    any other rank above 2 flattened), optional Dropout ``{name}_dropout``, Dense ``name``.

    The one head builder behind ``surgery.with_new_head`` and the heads the features module
    trains above a cut.
    """
    rank = len(x.shape)
    if rank in (3, 4, 5):
        x = global_pooling(pooling, rank, f"{name}_pool")(x)
    elif rank > 2:
        x = keras.layers.Flatten(name=f"{name}_pool")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name=f"{name}_dropout")(x)
    return keras.layers.Dense(units, activation=activation, name=name)(x)


# ------------------------------------------------------------------------------ cutting


def is_input(layer: keras.layers.Layer) -> bool:
    """True for a functional model's ``InputLayer``."""
    return isinstance(layer, keras.layers.InputLayer)


def crossing_counts(model: keras.Model) -> tuple[list[int], dict[int, Any]]:
    """For each depth k in 0..n: how many tensors flow from layers[:k] to layers[k:] (or out).

    Returns the counts and, for each depth crossed by exactly one tensor, that tensor.
    """
    graph, layers = require_graph(model), model.layers
    n = len(layers)
    position = {id(layer): i for i, layer in enumerate(layers)}  # Sequential: InputLayer -> -1
    producer, last_use, tensors = {}, {}, {}
    for nodes in graph._nodes_by_depth.values():
        for node in nodes:
            where = position.get(id(node.operation), -1)
            for t in node.outputs:
                producer[id(t)], tensors[id(t)] = where, t
    for nodes in graph._nodes_by_depth.values():
        for node in nodes:
            where = position.get(id(node.operation), -1)
            for t in node.input_tensors:
                last_use[id(t)] = max(last_use.get(id(t), -1), where)
    for t in graph.outputs:
        last_use[id(t)] = n
    counts = [0] * (n + 1)
    single: dict[int, Any] = {}
    for key, p in producer.items():
        # A tensor made by layer p and used up to layer c crosses every cut k with p < k <= c.
        for k in range(max(p + 1, 0), last_use.get(key, -1) + 1):
            counts[k] += 1
            single[k] = tensors[key] if counts[k] == 1 else None
    return counts, single


def valid_cuts(model: keras.Model, counts: list[int] | None = None) -> list[int]:
    """Every depth where exactly one tensor crosses (0 included, the cut after an InputLayer not)."""
    counts = crossing_counts(model)[0] if counts is None else counts
    layers = model.layers
    return [k for k in range(len(layers) + 1)
            if k == 0 or (counts[k] == 1 and not is_input(layers[k - 1]))]


def cut_tensor(model: keras.Model, depth: int, func: str) -> Any:
    """The one tensor crossing the cut at ``depth`` (0..n); explains the valid depths if there is none.

    THE rule of the course's cut, for every helper (``surgery.cut_model`` and ``reuse_layers``,
    ``features.cut_points`` through :func:`valid_cuts`, the activation cache, the slider): a
    model can be cut where exactly one tensor crosses from the layers below to the layers above.
    A chain of layers (every Sequential model) can be cut at every depth; inside a residual block
    the skip and the main path both cross, so it cannot. Depth 0 and the cut right after a
    functional model's InputLayer are the input itself.
    """
    n = len(model.layers)
    if not is_int(depth) or not 0 <= depth <= n:
        raise out_of_range(func, f"depth={depth!r}", model,
                           f"an int in 0..{n} (the number of frozen layers) from cut_points(model)")
    if depth == 0 or is_input(model.layers[depth - 1]):
        return model.inputs[0]
    counts, single = crossing_counts(model)
    if counts[depth] != 1:
        near = sorted(valid_cuts(model, counts), key=lambda k: abs(k - depth))[:4]
        raise ValueError(f"{func}(): model '{model.name}' cannot be cut at depth {depth} (after layer "
                         f"{model.layers[depth - 1].name!r}): {counts[depth]} tensors cross there "
                         "(inside a block with a skip connection). Use a depth from "
                         f"cut_points(model), e.g. the nearest: {sorted(near)}.")
    return single[depth]


def cut_depth(model: keras.Model, depth: int | str, func: str, what: str = "depth") -> int:
    """``depth`` as k in 0..n, the cut below ``model.layers[:k]``: the one reading of a depth.

    An int works like a slice stop, ``layers[:depth]`` (negative counts from the end, as
    ``layers[:-1]``); a layer name cuts right after that layer (it stays below). Whether a
    cut is allowed there is :func:`cut_tensor`'s business.
    """
    n = len(model.layers)
    if isinstance(depth, str):
        return layer_index(model, depth, func) + 1
    if not is_int(depth):
        raise TypeError(f"{func}(): {what} must be an int (like layers[:{what}]) or a layer name, "
                        f"got {type(depth).__name__}.")
    if not -n <= depth <= n:
        raise out_of_range(func, f"{what}={depth}", model,
                           f"an index in {-n}..{n} (like layers[:{what}]) or a layer name")
    return int(depth % n if depth < 0 else depth)


def check_cut(model: keras.Model, depth: int | str, func: str, what: str = "depth") -> int:
    """:func:`cut_depth` then :func:`cut_tensor`: ``depth`` as k in 0..n where ``model`` can be cut."""
    k = cut_depth(model, depth, func, what)
    cut_tensor(model, k, func)
    return k


def cut_label(model: keras.Model, depth: int) -> str:
    """The last layer below the cut at ``depth``, "(input)" for 0."""
    return "(input)" if depth == 0 else model.layers[depth - 1].name
