"""Exercises of notebook 04_reusing_layers_in_keras: 04.1 (model B on A, the slides' way) and 04.2
(a 28 x 28 model for 56 x 56 images).

Per exercise, its solution ``_solution_04_1`` (its body is the code ``solution("04.1")``
shows) and its checker ``_check_04_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from tlcourse.exercises import exercise
from tlcourse.exercises._common import is_function, is_model_pair

__all__: list[str] = []

NOTEBOOK = "04_reusing_layers_in_keras"


def _solution_04_1() -> tuple[keras.Model, keras.Model]:
    # a tiny model A (in the notebook: model_A = load_pretrained("fashion_mnist_model_a"))
    model_A = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                                keras.layers.Flatten(), keras.layers.Dense(8, activation="relu"),
                                keras.layers.Dense(8, activation="softmax")])

    model_A_clone = keras.models.clone_model(model_A)        # new layers ...
    model_A_clone.set_weights(model_A.get_weights())         # ... with A's weight values
    model_B_on_A = keras.Sequential([keras.Input(shape=(28, 28))] + model_A_clone.layers[:-1])
    model_B_on_A.add(keras.layers.Dense(1, activation="sigmoid"))
    for layer in model_B_on_A.layers[:-1]:
        layer.trainable = False                              # freeze the reused layers
    answer = (model_A, model_B_on_A)
    return answer


@exercise("04.1", notebook=NOTEBOOK,
          task="Build model B on A the slides' way: a clone of model A with A's weights, all its layers "
               "but the output layer, a new Dense(1, 'sigmoid'), the reused layers frozen; answer "
               "(model_A, model_B_on_A).",
          hint="Section 2 does it step by step: clone_model, set_weights, "
               "Sequential([keras.Input(shape=(28, 28))] + clone.layers[:-1]), add the new output "
               "layer, then trainable = False on every layer but the last.",
          solution=_solution_04_1)
def _check_04_1(answer: Any) -> str | None:
    if not is_model_pair(answer):
        return "the answer should be a pair of Keras models: (model_A, model_B_on_A)"
    model_a, model_b = answer
    if not model_b.built or not model_b.weights:
        return ("model B is not built yet, so nothing about it can be checked: start its layers with "
                "keras.Input(shape=(28, 28)), the input model A has")
    a_layers, b_layers = list(model_a.layers), list(model_b.layers)
    if len(b_layers) != len(a_layers):
        return (f"model B has {len(b_layers)} layers and model A {len(a_layers)}: B should reuse every "
                "layer of A but the output layer, plus one new output layer")
    if any(w is v for w in model_b.weights for v in model_a.weights):
        return "model B shares weight variables with model A, so training B would change A: build B from a clone"
    last = b_layers[-1]
    if not (isinstance(last, keras.layers.Dense) and last.units == 1
            and getattr(last.activation, "__name__", "") == "sigmoid"):
        return "model B's last layer should be a new Dense(1, activation='sigmoid') for the two-class task B"
    for layer_a, layer_b in zip(a_layers[:-1], b_layers[:-1]):
        wa, wb = layer_a.get_weights(), layer_b.get_weights()
        if len(wa) != len(wb) or any(x.shape != y.shape or not np.array_equal(x, y) for x, y in zip(wa, wb)):
            return (f"the weights of B's layer {layer_b.name!r} differ from those of A's {layer_a.name!r}: "
                    "did the clone get A's weight values (set_weights)?")
    if any(layer.trainable for layer in b_layers[:-1] if layer.weights):
        return "some reused layers of model B are still trainable: freeze them before the first compile"
    if not (model_b.trainable and last.trainable):
        return "model B's new output layer is frozen: it is the one layer that must train"
    return None


def _solution_04_2() -> Callable[[keras.Model], keras.Model]:
    def for_56(model):
        # 56 x 56 x 1 images -> resized to 28 x 28 -> channel axis dropped -> the model's layers
        return keras.Sequential([keras.Input(shape=(56, 56, 1)),
                                 keras.layers.Resizing(28, 28),
                                 keras.layers.Reshape((28, 28)),
                                 *model.layers])

    answer = for_56          # in the notebook: for_56(model_B_on_A)
    return answer


@exercise("04.2", notebook=NOTEBOOK,
          task="Write a function that takes a model for 28 x 28 images and returns a model for 56 x 56 x 1 "
               "images that resizes them to 28 x 28 before the reused layers.",
          hint="Section 5's model_B_56 puts a Resizing and a Reshape layer in front of the reused layers; "
               "wrap that in a function of the model.",
          solution=_solution_04_2)
def _check_04_2(answer: Any) -> str | None:
    if not is_function(answer):
        return "the answer should be a function that takes a 28 x 28 model and returns a new model"
    small = _probe_model()
    big = answer(small)
    if not isinstance(big, keras.Model):
        return f"the function returned a {type(big).__name__}, not a Keras model"
    if tuple(big.input_shape[1:]) != (56, 56, 1):
        return f"the new model takes inputs of shape {tuple(big.input_shape[1:])}, not (56, 56, 1)"
    rng = np.random.default_rng(4)
    x = rng.integers(0, 256, size=(6, 28, 28)).astype("float32")
    x_56 = x.repeat(2, axis=1).repeat(2, axis=2)[..., np.newaxis]          # each pixel 2 x 2
    expected = keras.ops.convert_to_numpy(small(x))
    got = keras.ops.convert_to_numpy(big(x_56))
    if got.shape != expected.shape:
        return f"the new model's output has shape {got.shape[1:]}, the original's {expected.shape[1:]}"
    if not any(np.allclose(got, reference, atol=1e-4)
               for reference in [expected, *_resized_references(small, x_56)]):
        return ("on 2x-upscaled images its predictions differ from the original model's on the 28 x 28 "
                "images: resize the whole image to 28 x 28 in front of the reused layers")
    # 56 x 56 photos whose 2 x 2 blocks are NOT uniform: keeping one pixel per block (decimation,
    # nearest neighbour) now gives another image than a real resize, which blends each block
    photos = rng.integers(0, 256, size=(6, 56, 56, 1)).astype("float32")
    got = keras.ops.convert_to_numpy(big(photos))
    if any(np.allclose(got, reference, atol=1e-4) for reference in _resized_references(small, photos)):
        return None
    kept = [keras.ops.convert_to_numpy(small(photos[:, i::2, j::2, 0])) for i in (0, 1) for j in (0, 1)]
    if any(np.allclose(got, reference, atol=1e-4) for reference in kept):
        return ("it keeps one pixel of every 2 x 2 block and drops the other three (a stride-2 slice or "
                "'nearest' interpolation): that only works on 2x-upscaled images. A resize blends the pixels "
                "it merges; use keras.layers.Resizing with its default (bilinear) interpolation")
    return ("on 56 x 56 photos (not 2x-upscaled ones) its predictions match no resize to 28 x 28 of the "
            "photo: shrink the whole image with keras.layers.Resizing, not by max-pooling or cropping it")


def _probe_model() -> keras.Model:
    # a small 28 x 28 model whose output changes visibly when any pixel does
    # (seeded initialisers: the global random state of the student's notebook is left alone)
    init = keras.initializers.GlorotUniform
    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                             keras.layers.Flatten(),
                             keras.layers.Dense(16, activation="tanh", kernel_initializer=init(seed=4)),
                             keras.layers.Dense(3, activation="softmax", kernel_initializer=init(seed=5))])


def _resized_references(small: keras.Model, photos: np.ndarray) -> list[np.ndarray]:
    # the small model's predictions after every interpolating resize Keras offers ('nearest' is a
    # decimation, so it is not one of them); for a 2x shrink bilinear and area both average 2 x 2 blocks
    references = []
    for method in ("bilinear", "area", "bicubic", "lanczos3", "lanczos5"):
        resized = keras.ops.image.resize(photos, (28, 28), interpolation=method)
        references.append(keras.ops.convert_to_numpy(small(keras.ops.reshape(resized, (-1, 28, 28)))))
    return references
