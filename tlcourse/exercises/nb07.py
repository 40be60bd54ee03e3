"""Exercises of notebook 07_cnn_architectures: 07.1 (parameters of one 5 x 5 and two 3 x 3
convolutions) and 07.2 (a residual block).

Per exercise, its solution ``_solution_07_1`` (its body is the code ``solution("07.1")``
shows) and its checker ``_check_07_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from tlcourse.exercises import exercise
from tlcourse.exercises._common import leaf_layers

__all__: list[str] = []

NOTEBOOK = "07_cnn_architectures"


_CHANNELS = 64                                             # channels in = filters out


def _solution_07_1() -> tuple[int, int]:
    C = 64                                   # channels in = filters out
    one_5x5 = 5 * 5 * C * C + C              # weights + one bias per filter: 102,464
    two_3x3 = 2 * (3 * 3 * C * C + C)        # 73,856: about 28 % fewer, the same 5 x 5 view, one more ReLU
    answer = (one_5x5, two_3x3)
    return answer


@exercise("07.1", notebook=NOTEBOOK,
          task="Count by hand the parameters (weights and biases) of one 5 x 5 convolution and of two "
               "stacked 3 x 3 convolutions, 64 channels in and 64 filters each; answer (one_5x5, two_3x3).",
          hint="A Conv2D layer has (kernel height x kernel width x input channels + 1) x filters "
               "parameters; check with keras.layers.Conv2D(64, 5) called on keras.Input((32, 32, 64)) "
               "and count_params().",
          solution=_solution_07_1)
def _check_07_1(answer: Any) -> str | None:
    c = _CHANNELS
    one, two = 25 * c * c + c, 2 * (9 * c * c + c)
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 2:
        return "the answer should be a pair of numbers: (one_5x5, two_3x3)"
    try:
        first, second = (float(v) for v in answer)
    except (TypeError, ValueError):
        return "the answer should be a pair of numbers: (one_5x5, two_3x3)"
    if (first, second) == (one, two):
        return None
    if (first, second) == (two, one):
        return "the order is swapped: first the single 5 x 5 convolution, then the two 3 x 3 ones"
    if (first, second) == (25 * c * c, 18 * c * c):
        return "both counts leave out the biases (one per filter)"
    if first != one:
        if first == 25 * c * c:
            return "the 5 x 5 count leaves out the biases (one per filter)"
        return "the first number (one 5 x 5 convolution, 64 channels in, 64 filters) is not right"
    if second == 18 * c * c:
        return "the count of the two 3 x 3 convolutions leaves out the biases (one per filter)"
    if second == 9 * c * c + c:
        return "the second number counts only one of the two 3 x 3 convolutions"
    return "the second number (two 3 x 3 convolutions, 64 channels in and 64 filters each) is not right"


def _solution_07_2() -> keras.Model:
    L = keras.layers
    x = keras.Input(shape=(8, 8, 16))
    f = L.Conv2D(16, 3, padding="same")(x)          # F(x): conv -> BN -> ReLU -> conv -> BN
    f = L.BatchNormalization()(f)
    f = L.Activation("relu")(f)
    f = L.Conv2D(16, 3, padding="same")(f)
    f = L.BatchNormalization()(f)
    y = L.Activation("relu")(L.Add()([f, x]))       # relu(F(x) + x): the identity shortcut
    answer = keras.Model(x, y, name="residual_block")
    return answer


@exercise("07.2", notebook=NOTEBOOK,
          task="Build a residual block with an identity shortcut as a Keras model: input (8, 8, 16), "
               "F(x) = two 3 x 3 convolutions with 16 filters, output relu(F(x) + x).",
          hint="Use the functional API: keep the input as x, compute F(x) with conv -> BatchNorm -> ReLU -> "
               "conv -> BatchNorm (padding='same'), then keras.layers.Add()([F(x), x]) and a ReLU; "
               "tlcourse.models.residual_block is one to compare with.",
          solution=_solution_07_2)
def _check_07_2(answer: Any) -> str | None:
    if not isinstance(answer, keras.Model):
        return "the answer should be a Keras model: keras.Model(inputs, outputs)"
    if tuple(answer.input_shape[1:]) != (8, 8, 16):
        return f"the block takes inputs of shape {tuple(answer.input_shape[1:])}, not (8, 8, 16)"
    if tuple(answer.output_shape[1:]) != (8, 8, 16):
        return (f"the block's output has shape {tuple(answer.output_shape[1:])}: with an identity "
                "shortcut it keeps the input's shape (8, 8, 16), so that x can be added")
    convs = [layer for layer in leaf_layers(answer) if isinstance(layer, keras.layers.Conv2D)]
    if any(tuple(layer.kernel_size) == (1, 1) for layer in convs):
        return ("the block has a 1 x 1 convolution, a projection: when the shape does not change the "
                "shortcut is the identity, x itself")
    convs = [layer for layer in convs if tuple(layer.kernel_size) == (3, 3)]
    if len(convs) < 2:
        return "the residual path F(x) should have two 3 x 3 convolutions"
    x = np.random.default_rng(7).normal(size=(2, 8, 8, 16)).astype("float32")
    saved = [layer.get_weights() for layer in convs]
    try:                                                  # F(x) = 0: every convolution outputs 0
        for layer, weights in zip(convs, saved):
            layer.set_weights([np.zeros_like(w) for w in weights])
        y = keras.ops.convert_to_numpy(answer(x, training=False))
    finally:
        for layer, weights in zip(convs, saved):
            layer.set_weights(weights)
    if np.allclose(y, np.maximum(x, 0), atol=1e-4):
        return None
    if np.allclose(y, x, atol=1e-4):
        return "with F(x) = 0 the block returns x, not relu(x): the ReLU after the addition is missing"
    if np.allclose(y, 0, atol=1e-4):
        return ("with its convolutions set to zero the block outputs zeros: nothing adds the input x "
                "back (no shortcut)")
    return ("with its convolutions set to zero, F(x) = 0, the block should output relu(x), and it does "
            "not: add x itself to F(x), then apply the ReLU")
