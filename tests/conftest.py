"""Shared by the unit tests: the set-up every file needs, and the tiny models several files build.

Set-up: matplotlib draws off-screen (Agg) and ``tlcourse`` is imported first, so Keras runs on
TensorFlow with its start-up chatter off before any test file imports ``keras``. A test file
needs no ``matplotlib.use`` or ``import tlcourse`` line of its own for that.

Tiny models are fixtures that return a builder: every call makes a new, seeded model (a test may
freeze or train it), e.g. ``def test_x(residual_cnn): model = residual_cnn("depthwise")``.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import tlcourse  # noqa: E402,F401  (sets the Keras backend before keras is imported)

# isort: split
import keras  # noqa: E402

#: What :func:`build_residual_cnn` puts after the residual block.
RESIDUAL_TOPS = {
    # a depthwise layer then a 1x1 conv (test_features: cuts, tops re-initialised above them)
    "depthwise": lambda: [keras.layers.DepthwiseConv2D(3, padding="same", name="dw"),
                          keras.layers.Conv2D(6, 1, name="conv3")],
    # a 1x1 conv then BatchNormalization (test_widgets: what freezing does to BatchNormalization)
    "batchnorm": lambda: [keras.layers.Conv2D(6, 1, name="conv3"), keras.layers.BatchNormalization(name="bn3")],
}


def build_residual_cnn(top: str) -> keras.Model:
    """``res_cnn`` on 8x8x3 images: conv1, bn1, relu1, [conv2 + skip -> add], then ``top``.

    Cuts inside the block (after conv2) are invalid: two tensors cross there. Seeded (3).
    """
    keras.utils.set_random_seed(3)
    inputs = keras.Input(shape=(8, 8, 3), name="image")
    x = keras.layers.Conv2D(4, 3, padding="same", name="conv1")(inputs)
    x = keras.layers.BatchNormalization(name="bn1")(x)
    x = keras.layers.ReLU(name="relu1")(x)
    y = keras.layers.Conv2D(4, 3, padding="same", name="conv2")(x)
    x = keras.layers.Add(name="add")([x, y])
    for layer in RESIDUAL_TOPS[top]():
        x = layer(x)
    return keras.Model(inputs, x, name="res_cnn")


@pytest.fixture(scope="session")
def residual_cnn():
    """``residual_cnn(top)``: a new :func:`build_residual_cnn` model, ``top`` one of :data:`RESIDUAL_TOPS`."""
    return build_residual_cnn
