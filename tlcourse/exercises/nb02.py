"""Exercises of notebook 02_why_it_works_features: 02.1 (one model for every convolution's feature
maps) and 02.2 (reuse the first k layers).

Per exercise, its solution ``_solution_02_1`` (its body is the code ``solution("02.1")``
shows) and its checker ``_check_02_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from tlcourse.exercises import exercise
from tlcourse.exercises._common import is_function, weighted_layers

__all__: list[str] = []

NOTEBOOK = "02_why_it_works_features"


def _tiny_cnn():
    # a small functional CNN shaped like MobileNetV2's first block: conv, BN, depthwise, 1x1 conv, add
    inputs = keras.Input(shape=(16, 16, 3), name="pixels")
    x = keras.layers.Conv2D(4, 3, strides=2, padding="same", name="stem")(inputs)
    x = keras.layers.BatchNormalization(name="stem_bn")(x)
    x = keras.layers.ReLU(name="stem_relu")(x)
    y = keras.layers.DepthwiseConv2D(3, padding="same", name="dw")(x)
    y = keras.layers.Conv2D(4, 1, name="project")(y)
    x = keras.layers.Add(name="skip_add")([x, y])
    x = keras.layers.Conv2D(6, 3, strides=2, name="last")(x)
    return keras.Model(inputs, x, name="tiny_cnn")


def _tiny_sequential():
    # a small Sequential CNN shaped like mnist_cnn: rescale, conv, pool, conv, pool, flatten, dense,
    # output; its weights are set from a seeded generator, like a trained model's (not its initialisers')
    model = keras.Sequential([
        keras.Input(shape=(14, 14, 1)), keras.layers.Rescaling(1 / 255, name="rescale"),
        keras.layers.Conv2D(3, 3, activation="relu", name="conv1"), keras.layers.MaxPooling2D(name="pool1"),
        keras.layers.Conv2D(4, 3, activation="relu", name="conv2"), keras.layers.MaxPooling2D(name="pool2"),
        keras.layers.Flatten(name="flatten"), keras.layers.Dense(5, activation="relu", name="dense"),
        keras.layers.Dense(6, activation="softmax", name="output")], name="tiny_sequential")
    rng = np.random.default_rng(2)
    model.set_weights([rng.normal(0, 0.3, size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def _outputs(model, x) -> list:
    with warnings.catch_warnings():      # a model built from model.inputs (a list) warns on one array
        warnings.simplefilter("ignore", UserWarning)
        out = model(x, training=False)
    return [keras.ops.convert_to_numpy(o) for o in (out if isinstance(out, (list, tuple)) else [out])]


def _solution_02_1() -> Callable[[keras.Model], keras.Model]:
    def conv_extractor(model):
        # one model, one forward pass: the output of every convolution layer, in model.layers order
        convs = (keras.layers.Conv2D, keras.layers.DepthwiseConv2D, keras.layers.SeparableConv2D)
        names = [layer.name for layer in model.layers if isinstance(layer, convs)]
        return keras.Model(model.inputs, [model.get_layer(name).output for name in names])

    answer = conv_extractor          # try it: conv_extractor(base) has 52 outputs
    return answer


@exercise("02.1", notebook=NOTEBOOK,
          task="Write conv_extractor(model): ONE keras.Model whose outputs are the feature maps of every "
               "convolution layer of `model` (Conv2D, DepthwiseConv2D, ...), in model.layers order.",
          hint="Section 4's raw cell does it for MobileNetV2 with a list of names; get the names from "
               "the model itself (isinstance with keras.layers.Conv2D and keras.layers.DepthwiseConv2D, "
               "or tlcourse.features.conv_layers) and start the model from model.inputs: a Sequential "
               "model has no .input until it has been called.",
          solution=_solution_02_1)
def _check_02_1(answer: Any) -> str | None:
    if not is_function(answer):
        return "the answer should be a function that takes a model and returns a new keras.Model"
    for source, wanted in ((_tiny_cnn(), ["stem", "dw", "project", "last"]),
                           (_tiny_sequential(), ["conv1", "conv2"])):
        kind = "Sequential" if isinstance(source, keras.Sequential) else "functional"
        extractor = answer(source)
        if not isinstance(extractor, keras.Model):
            return f"for a {kind} model the function returned a {type(extractor).__name__}, not a keras.Model"
        x = np.random.default_rng(0).uniform(0, 255, size=(2, *source.inputs[0].shape[1:])).astype("float32")
        got = _outputs(extractor, x)
        expected = [_outputs(keras.Model(source.inputs, source.get_layer(n).output), x)[0] for n in wanted]
        if len(got) != len(expected):
            return (f"a test {kind} model with {len(wanted)} convolution layers ({', '.join(wanted)}) got "
                    f"{len(got)} output(s): one output per convolution layer (depthwise ones count too)")
        for name, g, e in zip(wanted, got, expected):
            if g.shape != e.shape:
                shapes = [tuple(o.shape[1:]) for o in got]
                return (f"on a test {kind} model the outputs have shapes {shapes}, but the convolution "
                        f"layers {wanted} output {[tuple(o.shape[1:]) for o in expected]}: take exactly "
                        "the convolution layers, in model.layers order")
            if not np.allclose(g, e, rtol=1e-4, atol=1e-5):
                return (f"on a test {kind} model the output for {name!r} has the right shape but other "
                        "values: the extractor must share the model's layers and weights (no clone_model)")
    return None


def _solution_02_2() -> Callable[[keras.Model, int, int], keras.Model]:
    def reuse_first_k(source, k, num_classes):
        pretrained = keras.models.clone_model(source)        # a copy with the source's weights ...
        pretrained.set_weights(source.get_weights())         # ... so the source is never touched
        fresh = keras.models.clone_model(source)             # the same layers with new random weights
        model = keras.Sequential([keras.Input(shape=source.input_shape[1:]),
                                  *pretrained.layers[:k],    # reused (transferred) ...
                                  *fresh.layers[k:-1],       # ... re-initialised above the cut
                                  keras.layers.Dense(num_classes, activation="softmax", name="new_output")])
        for layer in model.layers[:k]:
            layer.trainable = False                          # freeze the first k layers
        return model

    answer = reuse_first_k           # try it: reuse_first_k(load_pretrained("mnist_cnn"), 2, 10)
    return answer


@exercise("02.2", notebook=NOTEBOOK,
          task="Write reuse_first_k(source, k, num_classes): the first k layers of `source` with their "
               "weights and frozen, the layers above re-initialised and trainable, a new softmax output.",
          hint="Section 5's raw cell builds it for k = 4: a clone with the source's weights for layers[:k], "
               "a second clone_model (new random weights) for layers[k:-1], a new Dense(num_classes, "
               "'softmax') with a name of its own, then trainable = False on the first k layers.",
          solution=_solution_02_2)
def _check_02_2(answer: Any) -> str | None:
    if not is_function(answer):
        return "the answer should be a function reuse_first_k(source, k, num_classes) that returns a model"
    source = _tiny_sequential()
    before = [w.copy() for w in source.get_weights()]
    flags = [layer.trainable for layer in source.layers]
    own = [layer for layer in source.layers if layer.weights]            # conv1, conv2, dense, output
    for k in (2, 4):
        model = answer(source, k, 3)
        if not isinstance(model, keras.Model):
            return f"the function returned a {type(model).__name__}, not a keras.Model"
        if [layer.trainable for layer in source.layers] != flags:
            return ("the function froze layers of the source model itself (they are shared): clone the "
                    "source first, keras.models.clone_model + set_weights")
        x = np.random.default_rng(1).uniform(0, 255, size=(2, 14, 14, 1)).astype("float32")
        y = _outputs(model, x)[0]
        if y.shape != (2, 3):
            return (f"with num_classes=3 the model outputs shape {y.shape[1:]}, not (3,): end with a new "
                    "Dense(num_classes, activation='softmax')")
        if not np.allclose(y.sum(axis=1), 1, atol=1e-4) or (y < 0).any():
            return "the outputs are not probabilities: the new output layer needs activation='softmax'"
        weighted = weighted_layers(model)
        frozen_names = [layer.name for layer in source.layers[:k] if layer.weights]
        if len(weighted) != len(own):
            return (f"for k={k} the model has {len(weighted)} layers with weights; it needs "
                    f"{len(own)}: the reused ones, the source's other layers above the cut (they stay, "
                    "re-initialised) but not its old output layer, and one new output layer")
        for layer, original in zip(weighted[:-1], own[:-1]):
            same = all(np.array_equal(a, b) for a, b in zip(layer.get_weights(), original.get_weights()))
            reused = original.name in frozen_names
            if reused and not same:
                return (f"for k={k} layer {original.name!r} is below the cut but does not hold the source's "
                        "weights: copy them (set_weights) into the reused layers")
            if reused and layer.trainable:
                return f"for k={k} the reused layer {original.name!r} is still trainable: freeze it"
            if not reused and same:
                return (f"for k={k} layer {original.name!r} is above the cut but kept the source's weights: "
                        "above the cut the layers start again from new random weights (clone_model)")
            if not reused and not layer.trainable:
                return f"for k={k} layer {original.name!r} is above the cut, so it must be trainable"
        if not weighted[-1].trainable:
            return "the new output layer is frozen: it must train"
    if any(not np.array_equal(a, b) for a, b in zip(before, source.get_weights())):
        return "the function changed the source model's weights: work on clones"
    return None
