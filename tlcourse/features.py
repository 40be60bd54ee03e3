"""What the layers of a network learned, and how far down its features transfer.

Lecture 6-2 says early layers learn low-level features (edges, colours) that almost any
task can use, and late layers high-level features specific to the source task. This
module shows and measures that:

* :func:`plot_filters` -- the first layer's kernels as images (RGB kernels in colour).
* :func:`feature_maps` / :func:`plot_feature_maps` -- what every convolution layer outputs
  for one image, from ONE multi-output Keras model (one forward pass, not one model per layer).
* :func:`layer_transferability` -- reuse the first k layers frozen, train a fresh top on the
  target data, report validation accuracy per k; :func:`plot_transferability` draws it.

**Depth and cut points.** "Depth k" always means: the first ``k`` layers of ``model.layers``
(exactly as Keras lists them) are reused and frozen, as in ``set_freeze_depth(model, k)``
and ``reuse_layers(model, upto=k)``; 0 = nothing reused. A functional model lists its
``InputLayer`` first, a Sequential model does not. A graph with skip connections
(MobileNetV2, ResNet) can only be cut where ONE tensor crosses from the layers below to the
layers above: :func:`cut_points` lists those depths (for MobileNetV2: the ``block_N_add``
outputs and the layers between residual blocks, not the middle of a residual block). That is
the rule of :func:`tlcourse.surgery.cut_model`, the one cut every helper here goes through:
a depth, here as there, is an int like a slice stop (-1 = all but the last layer) or the name
of the last layer below the cut.

**Caching.** :class:`ActivationCache` runs the frozen part once (``predict``, one pass of one
multi-output model for all requested depths) and keeps its outputs on the training and
validation images; :func:`train_above_cut` then trains only the part above the cut on those
stored activations. That makes trying another depth cost only the unfrozen layers: the freeze
depth explorer of ``07_choosing_what_to_freeze`` (:mod:`tlcourse.widgets`) is built on it.
Taught in ``02_why_it_works_features``.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import keras
import numpy as np

from tlcourse._checks import (
    check_built,
    check_int,
    check_model,
    check_one_in_one_out,
    is_int,
    layer_index,
    out_of_range,
)
from tlcourse._keras_graph import (
    POOLINGS,
    check_cut,
    classifier_head,
    count_params,
    cut_depth,
    cut_label,
    cut_tensor,
    graph_outputs,
    head_units,
    require_graph,
    valid_cuts,
    walk,
)
from tlcourse.config import SEED, seed_everything
from tlcourse.surgery import cut_model
from tlcourse.tables import Table

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "ActivationCache",
    "CutResult",
    "CutTrainer",
    "Transferability",
    "conv_layers",
    "cut_points",
    "feature_maps",
    "layer_transferability",
    "plot_feature_maps",
    "plot_filters",
    "plot_transferability",
    "train_above_cut",
]

#: What ``layers`` may be in :func:`feature_maps`: None (every conv layer), a name, an index, or a list.
LayerChoice = None | str | int | Sequence[str | int]

#: The training modes of :func:`train_above_cut`.
MODES = ("head", "finetune", "scratch")

_CONV_TYPES = tuple(getattr(keras.layers, name) for name in (
    "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
    "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D")
    if hasattr(keras.layers, name))


# ----------------------------------------------------------------------- the graph


def cut_points(model: keras.Model, *, blocks: bool = False) -> list[int]:
    """The depths where ``model`` can be cut in two: exactly one tensor crosses the cut.

    Depth k means "the first k layers of ``model.layers`` are reused (frozen)", as in
    ``set_freeze_depth(model, k)``. Inside a residual block two tensors cross (the skip and
    the main path), so those depths are left out. 0 (nothing reused, the input crosses) and
    ``len(model.layers)`` (everything reused) are included; for a functional model the cut
    right after its ``InputLayer`` is the same as 0 and is not listed twice. These are exactly
    the depths where :func:`tlcourse.surgery.cut_model` (and ``reuse_layers``) can cut: one rule,
    one implementation.

    Args:
        model: a built Sequential or functional model with one input and one output
            (keras.applications models too; a nested base counts as one layer).
        blocks: False: every valid depth. True: only block boundaries -- where a skip
            connection starts (the tensor feeds two or more layers) or ends (an Add or
            Concatenate layer), plus 0 and the end. A model without skip connections (a
            plain chain of layers) has no blocks, so then every valid depth is returned.

    Returns:
        The depths, ascending.

    Raises:
        TypeError: not a keras.Model, or a subclassed model (no graph).
        ValueError: unbuilt model, or not exactly one input and one output.

    Example (``02_why_it_works_features``):
        >>> cut_points(keras.applications.MobileNetV2(weights=None, include_top=False))[:4]  # doctest: +SKIP
        [0, 2, 3, 4]
    """
    _check_single_io(model, "cut_points")
    layers = model.layers
    valid = valid_cuts(model)
    if not blocks:
        return valid
    boundary = _block_ends(model)
    if not boundary:
        return valid
    return [k for k in valid if k in (0, len(layers)) or (k - 1) in boundary]


def _block_ends(model: keras.Model) -> set[int]:
    """Indices of layers that end a block (merge layers) or start one (output used 2+ times)."""
    graph = require_graph(model)
    position = {id(layer): i for i, layer in enumerate(model.layers)}
    uses: dict[int, int] = {}
    ends = set()
    for nodes in graph._nodes_by_depth.values():
        for node in nodes:
            if len(node.input_tensors) > 1 and id(node.operation) in position:
                ends.add(position[id(node.operation)])
            for t in node.input_tensors:
                uses[id(t)] = uses.get(id(t), 0) + 1
    for nodes in graph._nodes_by_depth.values():
        for node in nodes:
            if id(node.operation) in position and any(uses.get(id(t), 0) > 1 for t in node.outputs):
                ends.add(position[id(node.operation)])
    return ends


def _check_single_io(model: keras.Model, func: str) -> None:
    check_model(model, func)
    if not isinstance(model, keras.Sequential):
        require_graph(model)  # a subclassed model: say so before "not built"
    check_built(model, func)
    require_graph(model)
    check_one_in_one_out(model, func)


# ------------------------------------------------------------------ image checks


def _shape_fix(expected: tuple, given: tuple, batch: bool) -> str | None:
    """What is wrong with images of shape ``given`` for a model input ``expected``, and the fix."""
    lead = "x" if batch else "image"
    if len(expected) != 3:
        return None if len(given) == len(expected) and all(
            e is None or e == g for e, g in zip(expected, given)) else f"reshape it to {expected}"
    h, w, c = expected
    if len(given) == 2:
        if c == 1:
            return f"add the channel axis: {lead}[..., np.newaxis] gives {given + (1,)}"
        return (f"it is grayscale (no channel axis) but the model takes {c} channels: repeat it, "
                f"np.stack([{lead}] * 3, axis=-1)")
    if len(given) != 3:
        return f"it has shape {given}; the model takes {expected}"
    if c is not None and given[2] != c:
        if given[2] == 1 and c == 3:
            fix = f"np.concatenate([{lead}] * 3, axis=-1) or tf.image.grayscale_to_rgb({lead})"
        elif given[2] == 3 and c == 1:
            fix = f"tf.image.rgb_to_grayscale({lead})"
        elif given[2] == 4 and c == 3:
            fix = f"drop the alpha channel, {lead}[..., :3]"
        else:
            fix = f"make it {c} channels"
        return f"it has {given[2]} channel(s) but the model takes {c}: convert it, {fix}"
    if (h is not None and given[0] != h) or (w is not None and given[1] != w):
        return (f"it is {given[0]}x{given[1]} but the model takes {h}x{w}: resize it first, "
                f"tf.image.resize({lead}, ({h}, {w})) or keras.layers.Resizing({h}, {w})({lead})")
    return None


def _check_images(model: keras.Model, x: Any, func: str, what: str, *, batch: bool) -> np.ndarray:
    """``x`` as a float32 array of one image (batch=False) or a batch (True) fitting ``model``."""
    try:
        array = np.asarray(x, dtype="float32")
    except (TypeError, ValueError) as error:
        raise TypeError(f"{func}(): {what} must be a numeric array, got {type(x).__name__}.") from error
    expected = tuple(model.inputs[0].shape[1:])
    shape = array.shape
    if batch:
        if array.ndim == len(expected) and _shape_fix(expected, tuple(shape), batch) is None:
            raise ValueError(f"{func}(): {what} of shape {shape} looks like ONE example; it must be a "
                             f"batch (N, {', '.join(map(str, expected))}): add the batch axis, "
                             f"x[np.newaxis].")
        shape = shape[1:]  # (N, H, W) for an (H, W, C) model: a batch without its channel axis
    elif array.ndim == len(expected) + 1:
        raise ValueError(f"{func}(): {what} has shape {shape}, a batch of {shape[0]}; pass ONE image "
                         f"of shape {expected}: images[0] (or images[i] for the i-th).")
    problem = _shape_fix(expected, tuple(shape), batch)
    if problem:
        raise ValueError(f"{func}(): {what} of shape {array.shape} does not fit model "
                         f"'{model.name}' (input {expected} per example): {problem}.")
    return array


# ------------------------------------------------------------------- feature maps


def conv_layers(model: keras.Model) -> list[str]:
    """Names of the convolution layers at the top level of ``model`` (Conv, DepthwiseConv, ...).

    Args:
        model: a Keras model. A nested base counts as one (non-conv) layer: call this on the
            base itself to list its own convolutions.

    Returns:
        Layer names in ``model.layers`` order.

    Example (``02_why_it_works_features``):
        >>> conv_layers(load_pretrained("mnist_cnn"))  # doctest: +SKIP
        ['conv1', 'conv2']
    """
    check_model(model, "conv_layers")
    return [layer.name for layer in model.layers if isinstance(layer, _CONV_TYPES)]


def _chosen_layers(model: keras.Model, layers: LayerChoice, func: str) -> list[int]:
    if layers is None:
        chosen = [i for i, layer in enumerate(model.layers) if isinstance(layer, _CONV_TYPES)]
        if not chosen:
            raise ValueError(f"{func}(): model '{model.name}' has no convolution layers at the top "
                             "level (a nested base counts as one layer: pass the base itself), so "
                             "name the layers: layers=['dense', ...].")
        return chosen
    items = [layers] if isinstance(layers, (str, int)) else list(layers)
    n, chosen = len(model.layers), []
    for item in items:
        if isinstance(item, str):
            index = layer_index(model, item, func)
        elif is_int(item) and -n <= item < n:
            index = int(item) % n
        elif is_int(item):
            raise out_of_range(func, f"layer index {item}", model, f"0..{n - 1} (or -{n}..-1), or a layer name")
        else:
            raise TypeError(f"{func}(): layers must hold layer names or indices, got {item!r}.")
        if index not in chosen:
            chosen.append(index)
    if not chosen:
        raise ValueError(f"{func}(): layers is empty; pass None for every conv layer, or names.")
    return chosen


def _extractor(model: keras.Model, indices: Sequence[int]) -> keras.Model:
    """ONE model whose outputs are the chosen layers' outputs (shares ``model``'s layers)."""
    outputs = []
    for i in indices:
        out = graph_outputs(model, model.layers[i])
        outputs.append(out[0])
    return keras.Model(model.inputs[0], outputs, name=f"{model.name}_feature_maps")


def feature_maps(model: keras.Model, image: Any, layers: LayerChoice = None) -> dict[str, np.ndarray]:
    """The activations of chosen layers for one image, from one forward pass of one model.

    One ``keras.Model(model.inputs, [outputs of the chosen layers])`` is built and called
    once, in inference mode -- not one model per layer.

    Args:
        model: a built Sequential, functional or ``keras.applications`` model (one input).
        image: ONE image shaped like the model's input without the batch axis, e.g.
            (96, 96, 3), ALREADY PREPROCESSED as the model expects (your job: e.g.
            ``backbone_preprocess("mobilenet_v2")(image)``, or /255 if the model has no
            Rescaling layer).
        layers: None (default) = every convolution layer (Conv, DepthwiseConv, SeparableConv);
            else a layer name, an index into ``model.layers``, or a list of them.

    Returns:
        ``{layer name: activation}`` in ``model.layers`` order; each activation has the
        batch axis removed, e.g. (48, 48, 32) for a conv layer.

    Raises:
        ValueError: a batch instead of one image, grayscale for an RGB model, wrong channel
            count or size (each message says how to convert), unknown layer name (lists
            close names), index out of range, or a model without conv layers.
        TypeError: not a model, or layers of the wrong type.

    Example (``02_why_it_works_features``):
        >>> maps = feature_maps(base, preprocess(photo))  # doctest: +SKIP
        >>> maps["Conv1"].shape  # doctest: +SKIP
        (48, 48, 32)
    """
    check_model(model, "feature_maps")
    check_built(model, "feature_maps")
    if len(model.inputs) != 1:
        raise ValueError(f"feature_maps(): model '{model.name}' has {len(model.inputs)} inputs; it "
                         "needs exactly one.")
    array = _check_images(model, image, "feature_maps", "image", batch=False)
    indices = _chosen_layers(model, layers, "feature_maps")
    extractor = _extractor(model, indices)
    outputs = extractor(array[np.newaxis], training=False)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return {model.layers[i].name: keras.ops.convert_to_numpy(out)[0] for i, out in zip(indices, outputs)}


def _evenly(items: list, count: int) -> list:
    if len(items) <= count:
        return items
    picks = np.linspace(0, len(items) - 1, count).round().astype(int)
    return [items[i] for i in sorted(set(picks.tolist()))]


def plot_feature_maps(model: keras.Model, image: Any, layers: LayerChoice = None, *,
                      max_channels: int = 8, max_layers: int = 12, order: str = "strongest",
                      title: str | None = None) -> Figure:
    """One row per layer: that layer's feature maps for one image, labelled with name and depth.

    Args:
        model: as in :func:`feature_maps`.
        image: one preprocessed image, as in :func:`feature_maps`.
        layers: as in :func:`feature_maps`; with None and more than ``max_layers`` conv layers,
            ``max_layers`` of them are taken evenly from first to last (the title says so).
        max_channels: channels shown per layer (a layer has up to hundreds).
        order: "strongest" (default) shows the channels with the largest mean activation, so
            dead (all-zero) channels do not fill the grid; "first" shows channels 0, 1, ...
        title: figure title (default: "Feature maps of <model name>").

    Returns:
        The matplotlib figure. Row label: layer name, its depth (index in ``model.layers``)
        and the map's size; column title: channel index.

    Raises:
        ValueError: as :func:`feature_maps`; a chosen layer whose output is not an image map
            (H, W, C); bad ``max_channels`` / ``max_layers`` / ``order``.

    Example (``02_why_it_works_features``):
        >>> plot_feature_maps(base, preprocess(photo), ["Conv1", "block_6_expand", "Conv_1"])  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    for name, value in (("max_channels", max_channels), ("max_layers", max_layers)):
        check_int(value, name, "plot_feature_maps")
    if order not in ("strongest", "first"):
        raise ValueError(f"plot_feature_maps(): order must be 'strongest' or 'first', got {order!r}.")
    check_model(model, "plot_feature_maps")
    note = ""
    if layers is None:
        all_convs = conv_layers(model)
        layers = _evenly(all_convs, max_layers) if all_convs else None
        if all_convs and len(layers) < len(all_convs):
            note = f" ({len(layers)} of {len(all_convs)} conv layers, evenly spaced)"
    maps = feature_maps(model, image, layers)
    for name, value in maps.items():
        if value.ndim != 3:
            raise ValueError(f"plot_feature_maps(): layer {name!r} outputs shape {value.shape}, not "
                             "an image map (H, W, C); choose convolution or pooling layers.")
    depth = {layer.name: i for i, layer in enumerate(model.layers)}
    cols = min(max_channels, max(v.shape[-1] for v in maps.values()))
    fig, axes = plt.subplots(len(maps), cols, squeeze=False,
                             figsize=(1.3 * cols + 1.6, 1.3 * len(maps) + 0.9))
    for row, (name, value) in zip(axes, maps.items()):
        strength = value.reshape(-1, value.shape[-1]).mean(axis=0)
        channels = (np.argsort(-strength, kind="stable") if order == "strongest"
                    else np.arange(value.shape[-1]))[:cols]
        for ax, ch in zip(row, list(channels) + [None] * cols):
            ax.set_xticks([]), ax.set_yticks([])
            if ch is None:
                ax.axis("off")
                continue
            ax.imshow(value[..., ch], cmap="viridis")
            ax.set_title(f"ch {ch}", fontsize=7)
        h, w, c = value.shape
        row[0].set_ylabel(f"{name}\ndepth {depth[name]}\n{h}x{w}x{c}", rotation=0, ha="right",
                          va="center", fontsize=8)
    fig.suptitle((title or f"Feature maps of {model.name}") + note)
    which = "strongest (largest mean activation)" if order == "strongest" else "first"
    fig.supxlabel(f"channel: the {which} {cols} of each layer")
    fig.supylabel("layer (depth = index in model.layers)")
    fig.tight_layout()
    return fig


def plot_filters(layer: keras.layers.Layer | keras.Model, *, max_filters: int = 32,
                 title: str | None = None) -> Figure:
    """A convolution layer's kernels as small images: RGB kernels in colour, others in gray.

    Only layers that look at pixels make sense as pictures: a Conv layer with 1 or 3 input
    channels (the first layer), or a DepthwiseConv2D (one spatial kernel per channel). Each
    kernel is scaled to its own min..max, so the pattern shows, not the magnitude.

    Args:
        layer: a Conv2D / DepthwiseConv2D layer, or a model (its first such layer is used).
        max_filters: how many kernels to draw at most (in filter order).
        title: figure title (default: names the layer and the kernel size).

    Returns:
        The matplotlib figure.

    Raises:
        ValueError: no kernel to draw, a layer whose kernels have other than 1 or 3 input
            channels (the message points to :func:`plot_feature_maps`), bad ``max_filters``.
        TypeError: not a layer or model.

    Example (``02_why_it_works_features``):
        >>> plot_filters(base.get_layer("Conv1"))  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    check_int(max_filters, "max_filters", "plot_filters")
    conv = _first_conv(layer)
    kernel = conv.get_weights()[0]  # (kh, kw, in, out), or depthwise (kh, kw, in, multiplier)
    depthwise = isinstance(conv, keras.layers.DepthwiseConv2D)
    if kernel.ndim != 4:
        raise ValueError(f"plot_filters(): {conv.name!r} has a {kernel.ndim - 2}-D kernel; only 2-D "
                         "convolutions can be drawn as images.")
    kh, kw, cin, cout = kernel.shape
    if depthwise:
        tiles = kernel.reshape(kh, kw, cin * cout).transpose(2, 0, 1)[..., np.newaxis]
    elif cin in (1, 3):
        tiles = kernel.transpose(3, 0, 1, 2)
    else:
        raise ValueError(f"plot_filters(): {conv.name!r} has kernels over {cin} input channels, which "
                         "are not pictures; draw the first layer (it sees the 1 or 3 image channels), "
                         "and look at deeper layers through plot_feature_maps().")
    tiles = tiles[:max_filters]
    low = tiles.min(axis=(1, 2, 3), keepdims=True)
    span = tiles.max(axis=(1, 2, 3), keepdims=True) - low
    tiles = (tiles - low) / np.where(span > 0, span, 1.0)
    cols = min(8, len(tiles))
    rows = math.ceil(len(tiles) / cols)
    fig, axes = plt.subplots(rows, cols, squeeze=False, figsize=(1.1 * cols + 0.8, 1.1 * rows + 1.0))
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([]), ax.set_yticks([])
        if i >= len(tiles):
            ax.axis("off")
            continue
        tile = tiles[i]
        ax.imshow(tile if tile.shape[-1] == 3 else tile[..., 0], cmap=None if tile.shape[-1] == 3 else "gray",
                  interpolation="nearest")
        ax.set_title(str(i), fontsize=7)
    kind = "RGB" if tiles.shape[-1] == 3 else "gray"
    fig.suptitle(title or f"{conv.name}: {len(tiles)} of {cin * cout if depthwise else cout} "
                          f"{kh}x{kw} kernels ({kind})")
    fig.supxlabel("kernel (filter) index; each scaled to its own min..max")
    fig.supylabel("kernels, row by row")
    fig.tight_layout()
    return fig


def _first_conv(layer: Any) -> keras.layers.Layer:
    if isinstance(layer, keras.Model):
        for sub in walk(layer)[1:]:
            if isinstance(sub, (keras.layers.Conv2D, keras.layers.DepthwiseConv2D)):
                return sub
        raise ValueError(f"plot_filters(): model '{layer.name}' has no Conv2D layer to draw.")
    if isinstance(layer, (keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Conv3D,
                          keras.layers.DepthwiseConv2D)):
        if not layer.built:
            raise ValueError(f"plot_filters(): layer {layer.name!r} is not built yet, so it has no "
                             "kernel: build its model first (keras.Input(shape=...)).")
        return layer
    if isinstance(layer, keras.layers.Layer):
        raise ValueError(f"plot_filters(): layer {layer.name!r} is a {type(layer).__name__}, which "
                         "has no convolution kernel: pass a Conv2D or DepthwiseConv2D layer, e.g. "
                         "model.get_layer('conv1').")
    raise TypeError(f"plot_filters(): needs a Keras layer or model, got {type(layer).__name__}.")


# -------------------------------------------------------------------- the cache


def _as_data(data: Any, func: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """``(x_train, y_train, x_val, y_val, num_classes)`` from a Split or a 4-tuple."""
    if all(hasattr(data, a) for a in ("x_train", "y_train", "x_val", "y_val")):
        parts = (data.x_train, data.y_train, data.x_val, data.y_val)
        names = list(getattr(data, "class_names", []) or [])
    elif isinstance(data, (tuple, list)) and len(data) == 4:
        parts, names = tuple(data), []
    else:
        raise TypeError(f"{func}(): data must be a tlcourse Split (with x_train, y_train, x_val, "
                        "y_val) or a tuple (x_train, y_train, x_val, y_val), got "
                        f"{type(data).__name__}.")
    x_train, y_train, x_val, y_val = parts
    labels = []
    for what, x, y in (("train", x_train, y_train), ("val", x_val, y_val)):
        y = np.asarray(y)
        if len(x) != len(y) or len(y) == 0:
            raise ValueError(f"{func}(): x_{what} has {len(x)} examples but y_{what} has {len(y)} "
                             "labels; pass one integer label per example (and at least one).")
        if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
            raise ValueError(f"{func}(): y_{what} must be integer class indices 0..k-1 of shape (N,), "
                             f"got dtype {y.dtype} shape {y.shape}; for one-hot labels use "
                             "y.argmax(axis=1).")
        labels.append(y)
    num_classes = max(len(names), int(max(y.max() for y in labels)) + 1)
    return x_train, labels[0], x_val, labels[1], num_classes


class ActivationCache:
    """What the frozen part of ``model`` outputs at each cut, on the train and validation images.

    Computed once per depth with ``predict`` -- all requested depths in ONE pass of one
    multi-output model -- and kept, so training above a cut never runs the frozen layers
    again. Depth 0 is the input itself (nothing to compute). ``passes`` counts the
    ``predict`` passes made (2 per :meth:`precompute` that had work: train and validation),
    ``seconds`` their total time. Activations are float32; :meth:`precompute` refuses to hold
    more than ``max_bytes``.

    Args:
        model: the source network, e.g. ``imagenet_backbone("mobilenet_v2", (96, 96, 3))``;
            one input, one output. Never trained here (training works on copies).
        data: a tlcourse ``Split`` or ``(x_train, y_train, x_val, y_val)``: PREPROCESSED as the
            model expects, integer labels.
        batch_size: ``predict`` batch size.
        max_bytes: the memory the stored activations may take (default 2 GiB).

    Example (``07_choosing_what_to_freeze``):
        >>> cache = ActivationCache(base, split)              # doctest: +SKIP
        >>> cache.precompute(cut_points(base, blocks=True)[-4:])  # doctest: +SKIP
    """

    def __init__(self, model: keras.Model, data: Any, *, batch_size: int = 64,
                 max_bytes: int = 2 * 1024**3) -> None:
        _check_single_io(model, "ActivationCache")
        x_train, y_train, x_val, y_val, num_classes = _as_data(data, "ActivationCache")
        self.model = model
        self.x_train = _check_images(model, x_train, "ActivationCache", "x_train", batch=True)
        self.x_val = _check_images(model, x_val, "ActivationCache", "x_val", batch=True)
        self.y_train, self.y_val, self.num_classes = y_train, y_val, num_classes
        self.batch_size, self.max_bytes = int(batch_size), int(max_bytes)
        self.passes, self.seconds = 0, 0.0
        self._store: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    @property
    def depths(self) -> list[int]:
        """The depths whose activations are stored."""
        return sorted(self._store)

    @property
    def nbytes(self) -> int:
        """Bytes the stored activations take."""
        return sum(a.nbytes + b.nbytes for a, b in self._store.values())

    def precompute(self, depths: Sequence[int | str]) -> float:
        """Compute the activations of every depth not stored yet, in one pass; return its seconds.

        Args:
            depths: depths from :func:`cut_points` (ints), or layer names (cut after them).

        Returns:
            Wall time of this call in seconds (close to 0 when everything was stored already).

        Raises:
            ValueError: a depth that is not a valid cut (names the nearest valid ones), or
                activations larger than ``max_bytes`` (names the biggest depths).

        Example (``07_choosing_what_to_freeze``):
            >>> cache.precompute([143, 152, 154])  # doctest: +SKIP
        """
        start = time.perf_counter()
        wanted = [cut_depth(self.model, d, "precompute") for d in depths]
        tensors = {d: cut_tensor(self.model, d, "precompute") for d in wanted}
        missing = [d for d in dict.fromkeys(wanted) if d not in self._store and d != 0]
        if 0 in wanted and 0 not in self._store:
            self._store[0] = (self.x_train, self.x_val)
        if not missing:
            return time.perf_counter() - start
        self._check_memory({d: tensors[d] for d in missing})
        extractor = keras.Model(self.model.inputs[0], [tensors[d] for d in missing],
                                name=f"{self.model.name}_cuts")
        results = []
        for x in (self.x_train, self.x_val):
            with _quiet_retracing():  # a new extractor per call: its new graph is expected
                out = extractor.predict(x, batch_size=self.batch_size, verbose=0)
            results.append(out if isinstance(out, list) else [out])
            self.passes += 1
        for d, a_train, a_val in zip(missing, *results):
            self._store[d] = (np.asarray(a_train, "float32"), np.asarray(a_val, "float32"))
        elapsed = time.perf_counter() - start
        self.seconds += elapsed
        return elapsed

    def _check_memory(self, tensors: dict) -> None:
        examples = len(self.x_train) + len(self.x_val)
        sizes = {d: 4 * examples * math.prod(int(s) for s in t.shape[1:]) for d, t in tensors.items()}
        if self.nbytes + sum(sizes.values()) > self.max_bytes:
            biggest = sorted(sizes, key=sizes.get, reverse=True)[:3]
            shown = ", ".join(f"depth {d}: {sizes[d] / 2**20:,.0f} MiB" for d in biggest)
            raise ValueError(f"precompute(): the activations would take "
                             f"{(self.nbytes + sum(sizes.values())) / 2**20:,.0f} MiB, more than "
                             f"max_bytes={self.max_bytes / 2**20:,.0f} MiB (biggest: {shown}). Use "
                             "fewer or deeper cut points, fewer images, or raise max_bytes.")

    def activations(self, depth: int | str) -> tuple[np.ndarray, np.ndarray]:
        """The stored (train, validation) activations at ``depth``, computed now if missing.

        Args:
            depth: a depth from :func:`cut_points`, or a layer name.

        Returns:
            ``(a_train, a_val)``, float32, first axis = examples.

        Example (``07_choosing_what_to_freeze``):
            >>> a_train, a_val = cache.activations(152)  # doctest: +SKIP
        """
        d = cut_depth(self.model, depth, "activations")
        if d not in self._store:
            self.precompute([d])
        return self._store[d]


# ----------------------------------------------------------------- training a top


@dataclass
class CutResult:
    """One training run above a cut: what was frozen, what trained, and how well it did.

    ``depth`` (frozen layers), ``layer`` (the last frozen one, "(input)" for 0), ``mode``
    (see :func:`train_above_cut`), ``val_accuracy`` (after the last epoch or step),
    ``trainable_params`` (top + head), ``epochs`` (0 when training was counted in steps),
    ``seconds`` (build + fit, the activations were cached before; for :class:`CutTrainer`, the
    update steps + the validation pass), ``history`` (Keras ``History.history``),
    ``head_weights`` (the trained classifier's ``[kernel, bias]``, to warm-start another run),
    ``steps`` (update steps, :class:`CutTrainer`; 0 when counted in epochs).
    """

    depth: int
    layer: str
    mode: str
    val_accuracy: float
    trainable_params: int
    epochs: int
    seconds: float
    history: dict = field(default_factory=dict, repr=False)
    head_weights: list = field(default_factory=list, repr=False)
    steps: int = 0


def _fresh_top(model: keras.Model, depth: int, mode: str) -> keras.Model | None:
    """A private copy of the layers above the cut: pretrained weights (finetune) or new (scratch)."""
    shared = cut_model(model, depth, share=True).above  # the source's own layers: copied below
    if shared is None:
        return None
    copy = keras.models.clone_model(shared)  # new variables: the source model is never trained
    if mode == "finetune":
        copy.set_weights(shared.get_weights())
    for layer in copy.layers:
        for sub in walk(layer):
            # finetune keeps BatchNormalization frozen (inference mode), as tlcourse.unfreeze does.
            sub.trainable = mode == "scratch" or not isinstance(sub, keras.layers.BatchNormalization)
    return copy


def train_above_cut(cache: ActivationCache, depth: int | str, *, mode: str = "finetune",
                    epochs: int = 3, learning_rate: float | None = None, batch_size: int = 64,
                    pooling: str = "avg", head_weights: Sequence[np.ndarray] | None = None,
                    seed: int = SEED) -> CutResult:
    """Freeze the first ``depth`` layers, train what is above on the cached activations.

    The frozen part never runs: its outputs come from ``cache``. On top comes a new
    classifier (pooling + Dense: sigmoid for 2 classes, softmax for more), trained with Adam.

    Args:
        cache: the :class:`ActivationCache` of the source model and the target data.
        depth: how many layers are frozen (a :func:`cut_points` value), or a layer name.
        mode: what sits between the cut and the new classifier:
            "finetune" (default) -- the source's own layers above the cut with their pretrained
            weights, re-trained (BatchNormalization kept frozen): the freeze-depth slider;
            "head" -- nothing: the classifier reads the cut's activations directly (feature
            extraction at that depth; the layers above are dropped);
            "scratch" -- the source's layers above the cut, re-initialised (Yosinski et al.'s
            "transfer k layers, train the rest from scratch").
        epochs: training epochs.
        learning_rate: Adam's rate; default 1e-4 for "finetune" (a high rate destroys the
            pretrained features), 1e-3 otherwise.
        batch_size: training batch size.
        pooling: how feature maps become a vector for the classifier: "avg", "max", "flatten".
        head_weights: start the classifier from these Dense weights ``[kernel, bias]`` (e.g.
            one trained on the fully frozen network) instead of random ones; "finetune" and
            "scratch" only, whose output has the source model's shape.
        seed: passed to :func:`tlcourse.config.seed_everything` first: same numbers twice.

    Returns:
        A :class:`CutResult`.

    Raises:
        ValueError: unknown mode or pooling, a depth that is not a cut point, non-positive
            epochs, or ``head_weights`` of the wrong shape (the message gives the right one).

    Example (``07_choosing_what_to_freeze``):
        >>> train_above_cut(cache, "block_15_add", epochs=3).val_accuracy  # doctest: +SKIP
        0.87...
    """
    if mode not in MODES:
        raise ValueError(f"train_above_cut(): mode must be one of {MODES}, got {mode!r}.")
    if pooling not in POOLINGS:
        raise ValueError(f"train_above_cut(): pooling must be one of {POOLINGS}, got {pooling!r}.")
    epochs = check_int(epochs, "epochs", "train_above_cut")
    model = cache.model
    d = check_cut(model, depth, "train_above_cut")
    if head_weights is not None and mode == "head" and d != len(model.layers):
        raise ValueError("train_above_cut(): head_weights need mode='finetune' or 'scratch' (their "
                         "output has the source model's shape); in mode='head' the classifier reads "
                         f"depth {d}'s activations, so it starts from random weights.")
    a_train, a_val = cache.activations(d)
    start = time.perf_counter()
    seed_everything(seed)
    net = _net_above_cut(cache, d, mode, pooling, head_weights, learning_rate)
    y_train, y_val = _labels(cache)
    with _quiet_retracing():
        history = net.fit(a_train, y_train, validation_data=(a_val, y_val), epochs=epochs,
                          batch_size=batch_size, verbose=0).history
    return CutResult(depth=d, layer=cut_label(model, d), mode=mode,
                     val_accuracy=float(history["val_accuracy"][-1]),
                     trainable_params=count_params(net.trainable_weights), epochs=epochs,
                     seconds=time.perf_counter() - start, history=history,
                     head_weights=net.get_layer("head").get_weights())


def _net_above_cut(cache: ActivationCache, depth: int, mode: str, pooling: str,
                   head_weights: Sequence[np.ndarray] | None, learning_rate: float | None,
                   func: str = "train_above_cut") -> keras.Model:
    """The model trained on the cut's activations: the top (per ``mode``) + a new classifier, compiled."""
    model = cache.model
    inputs = keras.Input(shape=cache.activations(depth)[0].shape[1:], name="cut_activations")
    top = None if mode == "head" else _fresh_top(model, depth, mode)
    outputs = classifier_head(top(inputs) if top is not None else inputs, *head_units(cache.num_classes),
                              pooling=pooling, name="head")
    net = keras.Model(inputs, outputs, name=f"{model.name}_{mode}_at_{depth}")
    if head_weights is not None:
        _set_head(net.get_layer("head"), head_weights, func)
    rate = learning_rate if learning_rate is not None else (1e-4 if mode == "finetune" else 1e-3)
    net.compile(optimizer=keras.optimizers.Adam(learning_rate=rate),
                loss="binary_crossentropy" if cache.num_classes <= 2 else "sparse_categorical_crossentropy",
                metrics=["accuracy"])
    return net


def _labels(cache: ActivationCache) -> tuple[np.ndarray, np.ndarray]:
    """Training and validation labels as the loss wants them (float for a sigmoid output)."""
    if cache.num_classes <= 2:
        return cache.y_train.astype("float32"), cache.y_val.astype("float32")
    return cache.y_train, cache.y_val


class CutTrainer:
    """Fine-tune above one cut as often as asked: the same start each time, graphs traced once.

    :func:`train_above_cut` builds a new model per call, and Keras traces a new training graph
    for every new model: on a CPU that alone costs seconds for a deep top. A slider that
    re-trains on every move keeps one CutTrainer per depth instead. It builds and compiles the
    model above the cut once (the source's layers with their pretrained weights,
    BatchNormalization frozen, plus a classifier warm-started from ``head_weights``), and
    :meth:`warm_up` traces its graphs. Every :meth:`train` then restores the starting weights
    and the optimizer's fresh state, runs ``steps`` Adam updates on batches of cached
    activations (in an order drawn from ``seed``) and measures the validation accuracy: the
    same seed gives the same numbers, and a run costs only its update steps.

    Args:
        cache: the :class:`ActivationCache` of the source model and the target data.
        depth: how many layers are frozen (a :func:`cut_points` value), or a layer name.
        head_weights: the classifier's starting ``[kernel, bias]`` (e.g. a head trained on the
            fully frozen network); None = random (seeded).
        learning_rate: Adam's rate (low: a high rate destroys the pretrained features).
        batch_size: examples per update step.
        seed: seeds the new weights and the order of the examples.

    Raises:
        ValueError: a depth that is not a cut point, a batch size that is not an int >= 1,
            ``head_weights`` of the wrong shape.

    Example (``07_choosing_what_to_freeze``):
        >>> trainer = CutTrainer(cache, "block_14_add", head_weights=head.head_weights)  # doctest: +SKIP
        >>> trainer.train(steps=40).val_accuracy  # doctest: +SKIP
    """

    def __init__(self, cache: ActivationCache, depth: int | str, *,
                 head_weights: Sequence[np.ndarray] | None = None, learning_rate: float = 1e-4,
                 batch_size: int = 32, seed: int = SEED) -> None:
        self.cache, self.batch_size, self.seed = cache, check_int(batch_size, "batch_size", "CutTrainer"), seed
        self.depth = check_cut(cache.model, depth, "CutTrainer")
        seed_everything(seed)
        self.net = _net_above_cut(cache, self.depth, "finetune", "avg", head_weights, learning_rate,
                                  "CutTrainer")
        self.net.optimizer.build(self.net.trainable_variables)
        self._start = self.net.get_weights()
        self._fresh = [keras.ops.convert_to_numpy(v) for v in self.net.optimizer.variables]
        self.warm = False

    @property
    def trainable_params(self) -> int:
        """Parameters that train: the layers above the cut (BatchNormalization frozen) + the head."""
        return count_params(self.net.trainable_weights)

    def _reset(self) -> None:
        self.net.set_weights(self._start)
        for variable, value in zip(self.net.optimizer.variables, self._fresh):
            variable.assign(value)

    def _order(self, steps: int) -> np.ndarray:
        """``steps * batch_size`` example indices: seeded passes over the training set."""
        rng = np.random.default_rng(self.seed)
        n, wanted = len(self.cache.y_train), steps * self.batch_size
        return np.concatenate([rng.permutation(n) for _ in range(-(-wanted // n))])[:wanted]

    def _accuracy(self) -> float:
        a_val = self.cache.activations(self.depth)[1]
        y_val = _labels(self.cache)[1]
        logs = self.net.evaluate(a_val, y_val, batch_size=min(len(a_val), 256), verbose=0, return_dict=True)
        return float(logs["accuracy"])

    def warm_up(self) -> float:
        """Trace the training and evaluation graphs now (one step, then back to the start).

        Returns:
            Seconds taken (0 when warmed up before).

        Example (``07_choosing_what_to_freeze``):
            >>> trainer.warm_up()  # doctest: +SKIP
            2.4
        """
        if self.warm:
            return 0.0
        start = time.perf_counter()
        self._run(1, None)
        self._reset()
        self.warm = True
        return time.perf_counter() - start

    def _run(self, steps: int, on_step: Callable[[int, int], Any] | None) -> float:
        a_train = self.cache.activations(self.depth)[0]
        y_train = _labels(self.cache)[0]
        order = self._order(steps)
        with _quiet_retracing():
            for step in range(steps):
                batch = order[step * self.batch_size:(step + 1) * self.batch_size]
                self.net.train_on_batch(a_train[batch], y_train[batch])
                if on_step is not None:
                    on_step(step + 1, steps)
            return self._accuracy()

    def train(self, steps: int, on_step: Callable[[int, int], Any] | None = None) -> CutResult:
        """Restore the start, run ``steps`` update steps, measure validation accuracy.

        Args:
            steps: Adam updates, each on ``batch_size`` cached activations.
            on_step: called as ``on_step(step, steps)`` after each update (a progress bar).

        Returns:
            A :class:`CutResult` (``steps`` set, ``epochs`` 0); ``seconds`` covers the steps
            and the validation pass (plus the tracing, if :meth:`warm_up` was not called).

        Raises:
            ValueError: steps not an int >= 1.

        Example (``07_choosing_what_to_freeze``):
            >>> trainer.train(40, on_step=lambda i, n: print(i, "of", n))  # doctest: +SKIP
        """
        steps = check_int(steps, "steps", "CutTrainer.train")
        start = time.perf_counter()
        self._reset()
        accuracy = self._run(steps, on_step)
        self.warm = True
        return CutResult(depth=self.depth, layer=cut_label(self.cache.model, self.depth), mode="finetune",
                         val_accuracy=accuracy, trainable_params=self.trainable_params, epochs=0,
                         seconds=time.perf_counter() - start, history={"val_accuracy": [accuracy]},
                         head_weights=self.net.get_layer("head").get_weights(), steps=steps)


@contextlib.contextmanager
def _quiet_retracing():
    """Silence TensorFlow's "triggered tf.function retracing" warning while fitting.

    Each depth is a new model by design, so its new training function is expected; the
    warning would only clutter notebook outputs.
    """
    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _set_head(dense: keras.layers.Layer, weights: Sequence[np.ndarray], func: str) -> None:
    wanted = [tuple(w.shape) for w in dense.weights]
    given = [tuple(np.shape(w)) for w in weights]
    if wanted != given:
        raise ValueError(f"{func}(): head_weights have shapes {given} but this head needs "
                         f"{wanted} ([kernel, bias]); take them from a head trained on the same "
                         "source model and classes: net.get_layer('head').get_weights().")
    dense.set_weights(list(weights))


# ------------------------------------------------------------ transferability


@dataclass
class Transferability:
    """Target accuracy per depth: one :class:`CutResult` per row, sorted by depth.

    ``accuracy`` maps depth -> validation accuracy. ``print(result)`` gives a text table;
    Jupyter shows an HTML table. ``num_classes`` sets the chance level in the plot.
    """

    model_name: str
    mode: str
    num_classes: int
    rows: list[CutResult] = field(default_factory=list)

    _COLUMNS = ("depth", "frozen up to", "trainable params", "val accuracy", "seconds")

    @property
    def accuracy(self) -> dict[int, float]:
        return {r.depth: r.val_accuracy for r in self.rows}

    def _cells(self) -> list[tuple[str, ...]]:
        return [(str(r.depth), r.layer, f"{r.trainable_params:,}", f"{r.val_accuracy:.3f}",
                 f"{r.seconds:.1f}") for r in self.rows]

    def _table(self) -> Table:
        """The rows as a :class:`~tlcourse.tables.Table` (what ``print`` and Jupyter show)."""
        return Table(self._COLUMNS, self._cells(), align="rlrrr",
                     title=f"{self.model_name}, mode {self.mode!r}: accuracy per freeze depth")

    def __str__(self) -> str:
        return self._table().text()

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return self._table().html()


def layer_transferability(source: keras.Model, target_data: Any, ks: Sequence[int | str] | None = None, *,
                          top: str = "head", epochs: int = 5, learning_rate: float | None = None,
                          batch_size: int = 64, pooling: str = "avg", seed: int = SEED,
                          verbose: bool = True) -> Transferability:
    """For each k: reuse the first k layers of ``source`` (frozen), train a fresh top, measure.

    The activations of all k are computed first, in one pass (:class:`ActivationCache`);
    each k then trains only its top (:func:`train_above_cut`), every one with the same seed.

    Args:
        source: the pretrained network WITHOUT its old classifier, e.g. a keras.applications
            no-top backbone, or ``reuse_layers(load_pretrained("mnist_cnn"))`` (drops the output
            layer). Sequential or functional, one input, one output.
        target_data: a tlcourse ``Split`` or ``(x_train, y_train, x_val, y_val)``, preprocessed
            for ``source``; accuracy is measured on the validation part.
        ks: depths to try (:func:`cut_points` values or layer names); default
            ``cut_points(source, blocks=True)``.
        top: "head" (default: a new classifier right on layer k's output: how good are the
            features at depth k), "scratch" (the layers above k re-initialised and trained with
            the classifier: Yosinski et al. 2014), or "finetune" (the layers above k keep their
            pretrained weights and are re-trained); see :func:`train_above_cut`.
        epochs, learning_rate, batch_size, pooling, seed: as in :func:`train_above_cut`.
        verbose: print one line per k as it finishes.

    Returns:
        A :class:`Transferability`; ``.accuracy`` is ``{k: validation accuracy}``.

    Raises:
        ValueError: a k that is not a cut point, images that do not fit ``source`` (how to
            convert them), labels that are not class indices, or anything
            :func:`train_above_cut` rejects.

    Example (``02_why_it_works_features``):
        >>> result = layer_transferability(reuse_layers(cnn), split, top="scratch")  # doctest: +SKIP
        >>> plot_transferability(result)  # doctest: +SKIP
    """
    if top not in MODES:
        raise ValueError(f"layer_transferability(): top must be one of {MODES}, got {top!r}.")
    cache = ActivationCache(source, target_data, batch_size=batch_size)
    depths = cut_points(source, blocks=True) if ks is None else [
        check_cut(source, k, "layer_transferability") for k in ks]
    if not depths:
        raise ValueError("layer_transferability(): ks is empty; pass depths from cut_points(source).")
    cache.precompute(depths)
    result = Transferability(source.name, top, cache.num_classes)
    for d in sorted(set(depths)):
        row = train_above_cut(cache, d, mode=top, epochs=epochs, learning_rate=learning_rate,
                              batch_size=batch_size, pooling=pooling, seed=seed)
        result.rows.append(row)
        if verbose:
            print(f"k={d:>3} (frozen up to {row.layer}): val accuracy {row.val_accuracy:.3f}, "
                  f"{row.trainable_params:,} trainable params, {row.seconds:.1f} s")
    return result


def plot_transferability(result: Transferability, *, ax: Axes | None = None, title: str | None = None,
                         highlight: int | None = None) -> Axes:
    """Validation accuracy against freeze depth, with the chance level for reference.

    Args:
        result: from :func:`layer_transferability` (or ``FreezeDepthExplorer.summary()``).
        ax: axes to draw on (default: a new figure).
        title: axes title (default names the model and mode).
        highlight: a depth to mark (the explorer's current one).

    Returns:
        The matplotlib axes; x ticks name the last frozen layer of each depth.

    Raises:
        ValueError: an empty result.

    Example (``02_why_it_works_features``):
        >>> plot_transferability(layer_transferability(base, split))  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    if not result.rows:
        raise ValueError("plot_transferability(): the result has no rows yet; train at least one "
                         "depth first.")
    ax = ax or plt.subplots(figsize=(max(6.0, 0.5 * len(result.rows) + 3), 4))[1]
    depths = [r.depth for r in result.rows]
    accuracy = [r.val_accuracy for r in result.rows]
    ax.plot(depths, accuracy, "o-", color="C0", label=f"validation accuracy ({result.mode})")
    if highlight in depths:
        ax.plot([highlight], [result.accuracy[highlight]], "o", ms=12, mfc="none", color="C3",
                label=f"depth {highlight}")
    ax.axhline(1.0 / max(result.num_classes, 2), ls=":", color="gray", label="chance")
    ax.set_xticks(depths)
    ax.set_xticklabels([f"{r.depth}: {r.layer}" for r in result.rows], rotation=45, ha="right",
                       rotation_mode="anchor", fontsize=7)
    ax.set_ylim(0, 1.02)
    ax.set_title(title or f"{result.model_name}: reuse the first k layers frozen ({result.mode})")
    ax.set_xlabel("freeze depth k: the first k layers frozen (the last of them named)")
    ax.set_ylabel("validation accuracy")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.figure.tight_layout()
    return ax
