"""The classic CNN builders are the papers' networks: parameter counts, depths, shapes, error messages."""

from __future__ import annotations

import inspect

import keras
import numpy as np
import pytest

from tlcourse import models
from tlcourse.models import (
    GOOGLENET_MODULES,
    alexnet,
    googlenet,
    inception_module,
    lenet5,
    residual_block,
    resnet,
    vgg16,
    weight_layer_depth,
)

BUILDERS = [lenet5, alexnet, vgg16, inception_module, googlenet, residual_block, resnet, weight_layer_depth]


def _inception_params(c: int, f1: int, f3r: int, f3: int, f5r: int, f5: int, pp: int) -> int:
    """Weights + biases of an inception module on ``c`` input channels, counted by hand."""
    return (f1 * (c + 1) + f3r * (c + 1) + f3 * (9 * f3r + 1) + f5r * (c + 1) + f5 * (25 * f5r + 1)
            + pp * (c + 1))


# --------------------------------------------------------------------------- published configurations


def test_lenet5_is_the_classic_32px_variant():
    model = lenet5()
    # C1 156 + C3 2,416 + C5 48,120 + F6 10,164 + output 850 (C3 fully connected, softmax output)
    assert model.count_params() == 61_706
    assert model.get_layer("C5").output.shape == (None, 1, 1, 120)
    assert model.output_shape == (None, 10)
    assert weight_layer_depth(model) == 5


def test_alexnet_parameter_counts_one_stream_and_two_gpus():
    one = alexnet((227, 227, 3), 1000)
    assert one.count_params() == 62_378_344
    assert one.get_layer("pool5").output.shape == (None, 6, 6, 256)
    assert weight_layer_depth(one) == 8
    del one
    # groups=2 splits conv2, conv4 and conv5 in two halves: the paper's "60 million parameters"
    assert alexnet((227, 227, 3), 1000, groups=2).count_params() == 60_965_224


def test_vgg16_is_keras_applications_vgg16():
    ours = vgg16((224, 224, 3), 1000)
    reference = keras.applications.VGG16(weights=None, include_top=True)
    assert ours.count_params() == reference.count_params() == 138_357_544

    def shapes(m):
        return {layer.name: [tuple(w.shape) for w in layer.weights] for layer in m.layers if layer.weights}

    assert shapes(ours) == shapes(reference)
    assert weight_layer_depth(ours) == weight_layer_depth(reference) == 16


def test_vgg16_builds_small_with_a_narrow_head():
    model = vgg16((32, 32, 3), 10, fc_units=256)
    assert model.get_layer("block5_pool").output.shape == (None, 1, 1, 512)
    assert model.output_shape == (None, 10)
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert len(convs) == 13 and {c.kernel_size for c in convs} == {(3, 3)}
    pools = [layer for layer in model.layers if isinstance(layer, keras.layers.MaxPooling2D)]
    assert len(pools) == 5 and {(p.pool_size, p.strides) for p in pools} == {((2, 2), (2, 2))}


def test_googlenet_is_22_weight_layers_deep_with_the_papers_channels():
    model = googlenet((224, 224, 3), 1000)
    assert weight_layer_depth(model) == 22
    assert model.get_layer("inception_3a_output").output.shape == (None, 28, 28, 256)
    assert model.get_layer("inception_4e_output").output.shape == (None, 14, 14, 832)
    assert model.get_layer("inception_5b_output").output.shape == (None, 7, 7, 1024)
    assert model.count_params() == 6_998_552
    assert len([name for name, _ in GOOGLENET_MODULES if name != "pool"]) == 9


def test_resnet20_has_the_papers_parameters_and_plain20_has_no_shortcuts():
    res = resnet((32, 32, 3), 10, blocks_per_stage=3)
    plain = resnet((32, 32, 3), 10, blocks_per_stage=3, shortcuts=False)
    assert (res.name, plain.name) == ("resnet20", "plain20")
    assert round(res.count_params() / 1e6, 2) == 0.27  # He et al. 2016, Table 6
    assert weight_layer_depth(res) == weight_layer_depth(plain) == 20
    assert not [layer for layer in plain.layers if isinstance(layer, keras.layers.Add)]
    assert len([layer for layer in res.layers if isinstance(layer, keras.layers.Add)]) == 9
    assert res.get_layer("stage3_block3_out").output.shape == (None, 8, 8, 64)


def test_every_builder_runs_a_forward_pass_at_a_small_input():
    x3, x1 = np.zeros((2, 32, 32, 3), "float32"), np.zeros((2, 32, 32, 1), "float32")
    for model, x in [(lenet5(), x1), (alexnet((67, 67, 3), 5, fc_units=16), np.zeros((2, 67, 67, 3), "float32")),
                     (vgg16((32, 32, 3), 5, fc_units=16), x3), (googlenet((32, 32, 3), 5), x3),
                     (resnet((28, 28, 1), 5, blocks_per_stage=1), x1[:, :28, :28])]:
        probabilities = keras.ops.convert_to_numpy(model(x, training=False))
        assert probabilities.shape == (2, model.output_shape[-1])
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


# --------------------------------------------------------------------------- the two building blocks


@pytest.mark.parametrize("channels,filters", [(192, (64, 96, 128, 16, 32, 32)), (7, (1, 2, 3, 4, 5, 6))])
def test_inception_module_concatenates_four_branches(channels, filters):
    inputs = keras.Input((9, 9, channels))
    model = keras.Model(inputs, inception_module(inputs, *filters, name="m"))
    f1, _, f3, _, f5, pool_proj = filters
    assert model.output_shape == (None, 9, 9, f1 + f3 + f5 + pool_proj)
    assert model.count_params() == _inception_params(channels, *filters)
    assert weight_layer_depth(model) == 2
    assert isinstance(model.get_layer("m_output"), keras.layers.Concatenate)


def test_residual_block_with_zero_initialised_branch_is_relu_of_its_input():
    inputs = keras.Input((6, 6, 4))
    block = keras.Model(inputs, residual_block(inputs, 4, zero_init=True, name="b"))
    x = np.random.default_rng(0).normal(size=(3, 6, 6, 4)).astype("float32")
    for training in (False, True):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(block(x, training=training)), np.maximum(x, 0))
    assert not [layer for layer in block.layers if "projection" in layer.name]  # identity shortcut


def test_residual_block_projects_when_the_shape_changes():
    inputs = keras.Input((8, 8, 4))
    for kwargs, shape in [({"stride": 2}, (None, 4, 4, 4)), ({}, (None, 8, 8, 16))]:
        filters = shape[-1]
        block = keras.Model(inputs, residual_block(inputs, filters, name="b", **kwargs))
        assert block.output_shape == shape
        projection = block.get_layer("b_projection")
        assert projection.kernel_size == (1, 1) and projection.strides == (kwargs.get("stride", 1),) * 2
        assert weight_layer_depth(block) == 2  # the projection is a shorter, parallel path
    identity = keras.Model(inputs, residual_block(inputs, 4))
    # two 3x3 convolutions without bias + two BatchNorms (4 numbers per channel)
    assert identity.count_params() == 2 * 9 * 4 * 4 + 2 * 4 * 4


# --------------------------------------------------------------------------- depth


def test_weight_layer_depth_counts_like_the_papers():
    assert weight_layer_depth(keras.applications.MobileNet(weights=None, alpha=0.25)) == 28  # Howard et al.: 28
    sequential = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dropout(0.1),
                                   keras.layers.BatchNormalization(), keras.layers.Dense(2)])
    assert weight_layer_depth(sequential) == 2
    outer = keras.Sequential([keras.Input((4,)), sequential, keras.layers.Dense(1)])
    assert weight_layer_depth(outer) == 3


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("call,message", [
    (lambda: lenet5((28, 28, 1)), r"at least 32x32 pixels; got 28x28\. Pad .*ZeroPadding2D\(2\)"),
    (lambda: alexnet((66, 80, 3)), r"alexnet\(\): .*at least 67x67 pixels; got 66x80"),
    (lambda: vgg16((32, 31, 3)), r"vgg16\(\): .*at least 32x32 pixels; got 32x31"),
    (lambda: googlenet((16, 16, 3)), r"googlenet\(\): .*at least 32x32"),
    (lambda: resnet((2, 2, 1)), r"resnet\(\): .*at least 4x4"),
    (lambda: vgg16((224, 224)), r"input_shape must be \(height, width, channels\) of positive ints"),
    (lambda: lenet5((32, 0, 1)), r"input_shape must be \(height, width, channels\)"),
    (lambda: lenet5(num_classes=0), r"lenet5\(\): num_classes must be a positive int; got 0"),
    (lambda: vgg16(fc_units=-1), r"fc_units must be a positive int"),
    (lambda: vgg16(dropout=1.0), r"dropout must be a number in \[0, 1\)"),
    (lambda: alexnet(groups=3), r"groups must be 1 \(one stream\) or 2"),
    (lambda: inception_module(keras.Input((8, 8, 3)), 0, 1, 1, 1, 1, 1), r"inception_module\(\): f1 must be"),
    (lambda: inception_module(keras.Input((8,)), 1, 1, 1, 1, 1, 1), r"x must be a 4-D image tensor"),
    (lambda: residual_block(keras.Input((8, 8, 3)), 4, stride=0), r"stride must be a positive int"),
    (lambda: resnet(filters=()), r"filters must be a non-empty sequence"),
    (lambda: resnet(blocks_per_stage=0), r"blocks_per_stage must be a positive int"),
    (lambda: weight_layer_depth("vgg16"), r"takes a keras.Model; got str"),
])
def test_bad_arguments_say_what_is_valid(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_builders_are_documented_for_notebook_07():
    for func in BUILDERS:
        doc = inspect.getdoc(func) or ""
        assert all(section in doc for section in ("Args:", "Returns:", "Raises:", "10_cnn_architectures")), func
        assert func.__name__ in models.__all__
