"""Model surgery: cloning, cutting, new heads, freezing, and what compile() has to do with it."""

from __future__ import annotations

import inspect
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

import tlcourse  # noqa: F401  (sets the Keras backend before keras is imported)

# isort: split
import keras

from tlcourse import surgery
from tlcourse.features import cut_points
from tlcourse.surgery import (
    ModelCut,
    TrainableReport,
    check_input_size,
    clone_with_weights,
    compile_again,
    current_learning_rate,
    cut_model,
    freeze,
    needs_recompile,
    outer_training_wins,
    reuse_layers,
    set_freeze_depth,
    trainable_report,
    unfreeze,
    with_new_head,
)

RNG = np.random.default_rng(0)
X = RNG.normal(size=(32, 8)).astype("float32")
Y = (X[:, 0] > 0).astype("float32")
IMAGES = RNG.normal(size=(16, 8, 8, 3)).astype("float32")
LABELS = RNG.integers(0, 3, size=16)


# ------------------------------------------------------------------ tiny models


def sequential_mlp() -> keras.Model:
    keras.utils.set_random_seed(1)
    return keras.Sequential([keras.Input(shape=(8,)),
                             keras.layers.Dense(6, activation="relu", name="hidden1"),
                             keras.layers.Dense(4, activation="relu", name="hidden2"),
                             keras.layers.Dense(1, activation="sigmoid", name="output")],
                            name="model_A")


def functional_mlp() -> keras.Model:
    keras.utils.set_random_seed(2)
    inputs = keras.Input(shape=(8,), name="x")
    h = keras.layers.Dense(6, activation="relu", name="hidden1")(inputs)
    h = keras.layers.BatchNormalization(name="bn")(h)
    h = keras.layers.Dense(4, activation="relu", name="hidden2")(h)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="output")(h)
    return keras.Model(inputs, outputs, name="func_A")


def tiny_cnn_base() -> keras.Model:
    keras.utils.set_random_seed(3)
    inputs = keras.Input(shape=(8, 8, 3))
    x = keras.layers.Conv2D(4, 3, padding="same", name="conv1")(inputs)
    x = keras.layers.BatchNormalization(name="bn1")(x)
    x = keras.layers.ReLU(name="relu1")(x)
    x = keras.layers.Conv2D(8, 3, padding="same", name="conv2")(x)
    x = keras.layers.BatchNormalization(name="bn2")(x)
    return keras.Model(inputs, x, name="tiny_base")


def mobilenet_base() -> keras.Model:
    return keras.applications.MobileNetV2(weights=None, include_top=False,
                                          input_shape=(32, 32, 3), alpha=0.35)


def weights_of(model_or_layer) -> list[np.ndarray]:
    return [np.array(w) for w in model_or_layer.get_weights()]


def same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def variable_ids(model) -> set[int]:
    return {id(v) for v in model.weights}


def sgd_compile(model, lr=0.5, loss="binary_crossentropy", **kw):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss=loss, **kw)


def fit_once(model, x=X, y=Y):
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)


def keras_counts(model) -> dict[str, int]:
    lines = []
    model.summary(print_fn=lambda s, line_break=None: lines.append(s))
    text = "\n".join(lines)

    def grab(what):
        return int(re.search(rf"{what} params: ([\d,]+)", text).group(1).replace(",", ""))

    return {"total": grab("Total"), "trainable": grab("Trainable"), "non_trainable": grab("Non-trainable")}


# ------------------------------------------------------------------------ clone


@pytest.mark.parametrize("build", [sequential_mlp, functional_mlp])
def test_clone_has_same_values_but_no_shared_variables(build):
    original = build()
    before = weights_of(original)
    clone = clone_with_weights(original)
    assert type(clone) is type(original)
    assert same(weights_of(clone), before)
    np.testing.assert_array_equal(clone.predict(X, verbose=0), original.predict(X, verbose=0))
    assert not variable_ids(clone) & variable_ids(original)
    sgd_compile(clone)
    fit_once(clone)
    assert not same(weights_of(clone), before), "the clone did not train: the test proves nothing"
    assert same(weights_of(original), before), "training the clone changed the original"


def test_pitfall_reusing_layers_without_cloning_trains_the_original():
    # Seed 003 without its clone step: model_B gets model_A's very layer objects.
    model_A = sequential_mlp()
    before = weights_of(model_A.get_layer("hidden1"))
    model_B = keras.Sequential(model_A.layers[:-1])
    model_B.add(keras.layers.Dense(1, activation="sigmoid"))
    sgd_compile(model_B)
    fit_once(model_B)
    assert not same(weights_of(model_A.get_layer("hidden1")), before)


def test_clone_keeps_trainable_flags():
    model = functional_mlp()
    freeze(model, upto="bn")
    clone = clone_with_weights(model)
    weighted = lambda m: [l.trainable for l in m.layers if l.weights]  # noqa: E731
    assert weighted(clone) == weighted(model) == [False, False, True, True]


# ------------------------------------------------------------------ reuse_layers


@pytest.mark.parametrize("build", [sequential_mlp, functional_mlp])
def test_reuse_layers_default_drops_output_layer_and_shares_nothing(build):
    original = build()
    before = weights_of(original)
    body = reuse_layers(original)
    assert [l.name for l in body.layers if not isinstance(l, keras.layers.InputLayer)][-1] == "hidden2"
    assert body.outputs[0].shape == (None, 4)
    features = keras.Model(original.inputs, original.get_layer("hidden2").output)
    np.testing.assert_allclose(body.predict(X, verbose=0), features.predict(X, verbose=0), rtol=1e-6)
    assert not variable_ids(body) & variable_ids(original)

    model_B = with_new_head(body, num_classes=2)
    unfreeze(model_B, keep_batchnorm_frozen=False)
    sgd_compile(model_B)
    fit_once(model_B)
    assert not same(weights_of(body), weights_of(clone_with_weights(original)))
    assert same(weights_of(original), before)


@pytest.mark.parametrize("build", [sequential_mlp, functional_mlp])
def test_reuse_layers_share_true_really_shares(build):
    original = build()
    before = weights_of(original.get_layer("hidden1"))
    body = reuse_layers(original, share=True)
    assert body.get_layer("hidden1") is original.get_layer("hidden1")
    head = keras.layers.Dense(1, activation="sigmoid")
    model_B = keras.Model(body.inputs, head(body.outputs[0]))
    sgd_compile(model_B)
    fit_once(model_B)
    assert not same(weights_of(original.get_layer("hidden1")), before)


def test_reuse_layers_upto_index_and_name():
    seq = sequential_mlp()
    assert [l.name for l in reuse_layers(seq, upto=1).layers] == ["hidden1"]
    assert [l.name for l in reuse_layers(seq, upto=-2).layers] == ["hidden1"]
    assert [l.name for l in reuse_layers(seq, upto="hidden2").layers] == ["hidden1", "hidden2"]
    assert [l.name for l in reuse_layers(seq, upto=3).layers] == ["hidden1", "hidden2", "output"]

    func = functional_mlp()  # its layers: x (InputLayer), hidden1, bn, hidden2, output
    assert reuse_layers(func, upto="bn").output.shape == (None, 6)
    assert reuse_layers(func, upto=2).layers[-1].name == "hidden1"


def test_reuse_layers_cuts_a_model_with_a_nested_base_at_the_base():
    model = with_new_head(tiny_cnn_base(), num_classes=3)
    features = reuse_layers(model, upto="tiny_base")
    assert features.output.shape == (None, 8, 8, 8)
    np.testing.assert_allclose(features.predict(IMAGES, verbose=0),
                               model.get_layer("tiny_base").predict(IMAGES, verbose=0), rtol=1e-5)


def test_reuse_layers_errors():
    seq = sequential_mlp()
    with pytest.raises(ValueError, match=r"upto=7 is out of range .* 3 layers: use an index in -3\.\.3"):
        reuse_layers(seq, upto=7)
    with pytest.raises(ValueError, match=r"no layer named 'hiden2'.*Did you mean: 'hidden2'"):
        reuse_layers(seq, upto="hiden2")
    with pytest.raises(ValueError, match="leaves no layers"):
        reuse_layers(seq, upto=0)
    with pytest.raises(ValueError, match="leaves no layers"):
        reuse_layers(functional_mlp(), upto=1)  # only the InputLayer
    with pytest.raises(ValueError, match="leaves no layers"):
        reuse_layers(keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)]))
    with pytest.raises(ValueError, match=r"not built yet.*keras\.Input\(shape=\.\.\.\)"):
        reuse_layers(keras.Sequential([keras.layers.Dense(2), keras.layers.Dense(1)]))
    with pytest.raises(TypeError, match=r"needs a keras\.Model .* got Dense.*single layer"):
        reuse_layers(keras.layers.Dense(2))
    with pytest.raises(TypeError, match="must be an int"):
        reuse_layers(seq, upto=1.5)

    class Sub(keras.Model):
        def __init__(self):
            super().__init__()
            self.d1, self.d2 = keras.layers.Dense(3), keras.layers.Dense(1)

        def call(self, x):
            return self.d2(self.d1(x))

    sub = Sub()
    sub(X[:2])
    with pytest.raises(TypeError, match="subclassed model, which has no layer graph to cut"):
        reuse_layers(sub)


def test_unknown_name_inside_a_nested_base_points_to_the_base():
    model = with_new_head(tiny_cnn_base(), num_classes=3)
    with pytest.raises(ValueError, match=r"'conv2' are inside the nested model 'tiny_base'.*"
                                         r"model\.get_layer\('tiny_base'\)"):
        freeze(model, upto="conv2")
    with pytest.raises(ValueError, match=r"'conv2' are inside the nested model"):
        freeze(model, upto="conv22")


# --------------------------------------------------------------------- cut_model


def residual_mlp() -> keras.Model:
    """x, hidden1, skip, main1, main2, [add = skip + main2], output: depths 4 and 5 are inside the block."""
    keras.utils.set_random_seed(5)
    inputs = keras.Input(shape=(8,), name="x")
    h = keras.layers.Dense(6, activation="relu", name="hidden1")(inputs)
    skip = keras.layers.Dense(4, activation="relu", name="skip")(h)
    main = keras.layers.Dense(4, activation="relu", name="main1")(skip)
    main = keras.layers.Dense(4, name="main2")(main)
    x = keras.layers.Add(name="add")([skip, main])
    outputs = keras.layers.Dense(1, activation="sigmoid", name="output")(x)
    return keras.Model(inputs, outputs, name="res_mlp")


def names(model) -> list[str]:
    return [l.name for l in model.layers if not isinstance(l, keras.layers.InputLayer)]


def composed(cut: ModelCut, x=X) -> np.ndarray:
    """What the two parts compute one after the other."""
    h = x if cut.below is None else cut.below(x)
    return np.asarray(h if cut.above is None else cut.above(h))


@pytest.mark.parametrize("k", range(-3, 4))
def test_cut_model_of_a_sequential_model_cuts_at_every_depth_like_a_slice(k):
    seq = sequential_mlp()
    cut = cut_model(seq, k)
    assert cut.depth == (k % 3 if k < 0 else k)
    below, above = cut  # unpacks as the two parts
    if below is not None:
        assert isinstance(below, keras.Sequential) and names(below) == [l.name for l in seq.layers[:k]]
        assert cut.layer == seq.layers[cut.depth - 1].name
    else:
        assert cut.depth == 0 and cut.layer == "(input)"
    if above is not None:
        assert names(above) == [l.name for l in seq.layers[cut.depth:]]
    else:
        assert cut.depth == 3
    np.testing.assert_allclose(composed(cut), seq(X), rtol=1e-5, atol=1e-6)


def test_cut_model_clones_both_parts_by_default_and_shares_on_request():
    model = functional_mlp()
    before = weights_of(model)
    cut = cut_model(model, "bn")
    assert (cut.depth, cut.layer) == (3, "bn")  # x, hidden1, bn below
    assert names(cut.below) == ["hidden1", "bn"] and names(cut.above) == ["hidden2", "output"]
    mine = variable_ids(cut.below) | variable_ids(cut.above)
    assert not mine & variable_ids(model)
    assert len(mine) == len(model.weights)  # the two parts are cut from ONE clone
    np.testing.assert_allclose(composed(cut), model(X), rtol=1e-5, atol=1e-6)
    assert cut_model(model, -2).depth == 3 and cut_model(model, -2).layer == "bn"
    assert same(weights_of(model), before)

    shared = cut_model(model, 2, share=True)
    assert shared.below.get_layer("hidden1") is model.get_layer("hidden1")
    assert shared.above.get_layer("output") is model.get_layer("output")


def test_cut_model_at_the_ends():
    model = functional_mlp()
    for k in (0, 1):  # nothing, or only the InputLayer, below: the input crosses
        cut = cut_model(model, k)
        assert cut.below is None and names(cut.above) == names(model)
    end = cut_model(model, len(model.layers))
    assert end.above is None and names(end.below) == names(model)
    np.testing.assert_allclose(composed(end), model(X), rtol=1e-5, atol=1e-6)


def test_cut_model_refuses_a_cut_inside_a_residual_block_and_reuse_layers_too():
    model = residual_mlp()
    assert [l.name for l in model.layers] == ["x", "hidden1", "skip", "main1", "main2", "add", "output"]
    message = (r"{}\(\): model 'res_mlp' cannot be cut at depth 4 \(after layer 'main1'\): 2 tensors "
               r"cross there \(inside a block with a skip connection\).*nearest: \[2, 3, 6, 7\]")
    with pytest.raises(ValueError, match=message.format("cut_model")):
        cut_model(model, 4)
    with pytest.raises(ValueError, match=message.format("cut_model")):
        cut_model(model, "main1")
    with pytest.raises(ValueError, match=message.format("reuse_layers")):
        reuse_layers(model, upto=-3)  # used to end at main1 and silently drop the skip
    with pytest.raises(ValueError, match="cannot be cut at depth 5"):
        reuse_layers(model, upto="main2", share=True)
    body = reuse_layers(model, upto="add")
    assert body.output.shape == (None, 4) and names(body) == ["hidden1", "skip", "main1", "main2", "add"]


def test_cut_model_and_reuse_layers_agree_with_cut_points_at_every_depth():
    model = residual_mlp()
    valid = cut_points(model)
    assert valid == [0, 2, 3, 6, 7]
    for k in range(len(model.layers) + 1):
        try:
            cut = cut_model(model, k, share=True)
        except ValueError as error:
            assert k not in valid and "cannot be cut" in str(error)
            with pytest.raises(ValueError, match=f"cannot be cut at depth {k}"):
                reuse_layers(model, upto=k)
            continue
        assert k in valid or k == 1  # 1: right after the InputLayer, the same cut as 0
        np.testing.assert_allclose(composed(cut), model(X), rtol=1e-5, atol=1e-6)
        if cut.below is not None:
            np.testing.assert_allclose(reuse_layers(model, upto=k)(X), cut.below(X), rtol=1e-5, atol=1e-6)


def test_cut_model_errors():
    seq = sequential_mlp()
    with pytest.raises(ValueError, match=r"cut_model\(\): depth=7 is out of range .* use an index in -3\.\.3"):
        cut_model(seq, 7)
    with pytest.raises(TypeError, match=r"cut_model\(\): depth must be an int"):
        cut_model(seq, 1.5)
    with pytest.raises(ValueError, match=r"no layer named 'hiden2'.*Did you mean: 'hidden2'"):
        cut_model(seq, "hiden2")
    with pytest.raises(ValueError, match="not built yet"):
        cut_model(keras.Sequential([keras.layers.Dense(2)]), 1)
    with pytest.raises(TypeError, match=r"needs a keras\.Model"):
        cut_model(keras.layers.Dense(2), 1)


def test_cut_model_of_mobilenet_v2_at_a_block_boundary_and_not_inside():
    base = mobilenet_base()
    cut = cut_model(base, "block_15_add", share=True)
    assert cut.depth in cut_points(base, blocks=True)
    assert cut.above.get_layer("out_relu") is base.get_layer("out_relu")
    images = np.random.default_rng(6).uniform(-1, 1, size=(2, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(composed(cut, images), base(images), rtol=1e-4, atol=1e-4)
    inside = base.layers.index(base.get_layer("block_15_expand")) + 1
    assert inside not in cut_points(base)
    with pytest.raises(ValueError, match=rf"cannot be cut at depth {inside} \(after layer 'block_15_expand'\)"):
        reuse_layers(base, upto="block_15_expand")


# ------------------------------------------------------------------ with_new_head


@pytest.mark.parametrize("num_classes, units, activation",
                         [(1, 1, "sigmoid"), (2, 1, "sigmoid"), (5, 5, "softmax")])
def test_with_new_head_picks_the_classifier(num_classes, units, activation):
    model = with_new_head(tiny_cnn_base(), num_classes)
    head = model.get_layer("head")
    assert isinstance(head, keras.layers.Dense)
    assert head.units == units and head.activation.__name__ == activation
    assert isinstance(model.get_layer("head_pool"), keras.layers.GlobalAveragePooling2D)
    assert [l.name for l in model.layers][1:] == ["tiny_base", "head_pool", "head"]
    assert model.output.shape == (None, units)


def test_with_new_head_options():
    base = tiny_cnn_base()
    logits = with_new_head(base, units=7, dropout=0.3, pooling="max", name="cls")
    assert logits.get_layer("cls").units == 7 and logits.get_layer("cls").activation.__name__ == "linear"
    assert isinstance(logits.get_layer("cls_pool"), keras.layers.GlobalMaxPooling2D)
    assert logits.get_layer("cls_dropout").rate == 0.3
    flat = with_new_head(base, 3, pooling="flatten", activation="relu")
    assert isinstance(flat.get_layer("head_pool"), keras.layers.Flatten)
    assert flat.get_layer("head").activation.__name__ == "relu"
    assert flat.get_layer("head").kernel.shape == (8 * 8 * 8, 3)
    # 2-D features (Géron's MLP): no pooling layer at all.
    mlp = with_new_head(reuse_layers(sequential_mlp()), 2)
    assert [type(l).__name__ for l in mlp.layers] == ["InputLayer", "Sequential", "Dense"]
    assert mlp.predict(X, verbose=0).shape == (32, 1)


def test_batchnorm_statistics_during_fine_tuning():
    # unfreeze() keeps BN frozen: BN weights and statistics stay, the convolutions train.
    base = tiny_cnn_base()
    model = with_new_head(base, 3)
    freeze(model)
    unfreeze(model)
    bn, conv = base.get_layer("bn1"), base.get_layer("conv1")
    bn_before, conv_before = weights_of(bn), weights_of(conv)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                  loss="sparse_categorical_crossentropy")
    model.fit(IMAGES, LABELS, epochs=1, verbose=0)
    assert same(weights_of(bn), bn_before)
    assert not same(weights_of(conv), conv_before)

    # With BN trainable, whether base(x, training=False) alone keeps the statistics during fit
    # depends on the Keras version (#20285 up to 3.15, #23364 after): fit does what
    # outer_training_wins() measures, and a direct call with training=True does the same.
    wins = outer_training_wins()
    unfreeze(model, keep_batchnorm_frozen=False)
    compile_again(model)
    model.fit(IMAGES, LABELS, epochs=1, verbose=0)
    assert (not same(weights_of(bn)[2:], bn_before[2:])) == wins, "fit disagrees with the measurement"
    stats = weights_of(bn)[2:]
    model(IMAGES[:4])
    assert same(weights_of(bn)[2:], stats)  # training=None never updates them
    model(IMAGES[:4], training=True)
    assert (not same(weights_of(bn)[2:], stats)) == wins


def test_outer_training_wins_matches_the_installed_keras():
    # keras-team/keras#23364 (the 3.16 development builds) lets the construction-time argument win
    from packaging.version import Version

    expected = Version(keras.__version__) < Version("3.16.0.dev0")
    assert outer_training_wins() is expected


def test_with_new_head_calls_the_base_with_training_false():
    model = with_new_head(tiny_cnn_base(), 3)
    (node,) = next(l for l in model.get_config()["layers"] if l["name"] == "tiny_base")["inbound_nodes"]
    assert node["kwargs"]["training"] is False


def test_with_new_head_errors():
    base = tiny_cnn_base()
    assert with_new_head(base, np.int64(4)).get_layer("head").units == 4  # e.g. y.max() + 1
    for bad in (0, -3, 2.5, True, "10"):
        with pytest.raises(ValueError, match=r"num_classes must be an int >= 1"):
            with_new_head(base, bad)
    with pytest.raises(ValueError, match="num_classes OR units, not both"):
        with_new_head(base, 3, units=3)
    with pytest.raises(ValueError, match=r"say how many classes: num_classes="):
        with_new_head(base)
    with pytest.raises(ValueError, match=r"units must be an int >= 1"):
        with_new_head(base, units=0)
    with pytest.raises(ValueError, match=r"dropout must be a rate in \[0, 1\)"):
        with_new_head(base, 3, dropout=1.0)
    with pytest.raises(ValueError, match=r"pooling must be one of \('avg', 'max', 'flatten'\)"):
        with_new_head(base, 3, pooling="mean")
    with pytest.raises(ValueError, match="not built yet"):
        with_new_head(keras.Sequential([keras.layers.Dense(3)]), 3)
    with pytest.raises(TypeError, match=r"needs a keras\.Model as `base`"):
        with_new_head(keras.layers.Conv2D(3, 3), 3)


# ------------------------------------------------------------- freeze / unfreeze


def flags(model) -> list[bool]:
    return [layer.trainable for layer in model.layers]


def test_freeze_and_unfreeze_selections():
    model = sequential_mlp()
    assert flags(freeze(model)) == [False, False, False]
    assert model.trainable_weights == []
    assert flags(unfreeze(model)) == [True, True, True]
    assert flags(freeze(model, upto=-1)) == [False, False, True]  # Géron: all but the new head
    assert len(model.trainable_weights) == 2
    unfreeze(model)
    assert flags(freeze(model, upto="hidden2")) == [False, False, True]
    unfreeze(model)
    assert flags(freeze(model, upto=["output", "hidden1"])) == [False, True, False]
    assert flags(unfreeze(model, upto=["hidden1"])) == [True, True, False]
    freeze(model, "all")
    assert flags(unfreeze(model, upto=2)) == [True, True, False]


def test_functional_models_count_the_input_layer():
    model = functional_mlp()  # x, hidden1, bn, hidden2, output
    freeze(model, upto=3)
    assert flags(model) == [False, False, False, True, True]
    assert model.layers[0].name == "x"


def test_freeze_errors():
    model = sequential_mlp()
    with pytest.raises(ValueError, match=r"out of range .* use an index in -3\.\.3"):
        freeze(model, upto=4)
    with pytest.raises(ValueError, match=r"no layer named 'hiden1'.*Did you mean: 'hidden1'"):
        unfreeze(model, upto=["hiden1"])
    with pytest.raises(TypeError, match="layer names"):
        freeze(model, upto=[0, 1])
    with pytest.raises(TypeError, match=r"needs a keras\.Model"):
        freeze([keras.layers.Dense(3)])


@pytest.mark.parametrize("build", [sequential_mlp, functional_mlp])
def test_set_freeze_depth_counts(build):
    model = build()
    n = len(model.layers)
    for k in range(n + 1):
        set_freeze_depth(model, k, keep_batchnorm_frozen=False)
        assert flags(model) == [False] * k + [True] * (n - k)
    for bad in (-1, n + 1, 1.0, True):
        with pytest.raises(ValueError, match=rf"use an int in 0\.\.{n} \(0 = all trainable"):
            set_freeze_depth(model, bad)


def test_unfreeze_keeps_batchnorm_frozen_by_default():
    model = functional_mlp()
    freeze(model)
    unfreeze(model)
    assert not model.get_layer("bn").trainable
    assert all(l.trainable for l in model.layers if l.name != "bn")
    unfreeze(model, keep_batchnorm_frozen=False)
    assert model.get_layer("bn").trainable
    set_freeze_depth(model, 1)
    assert not model.get_layer("bn").trainable

    # ... also inside a nested base, which counts as one layer at the top level.
    base = tiny_cnn_base()
    outer = with_new_head(base, 3)
    freeze(outer)
    assert not any(l.trainable for l in base.layers)
    unfreeze(outer)
    inner = {l.name: l.trainable for l in base.layers}
    assert inner["bn1"] is False and inner["bn2"] is False
    assert inner["conv1"] and inner["conv2"]


def test_nested_base_is_one_layer_and_addressed_on_its_own():
    base = tiny_cnn_base()  # input, conv1, bn1, relu1, conv2, bn2
    model = with_new_head(base, 3)
    set_freeze_depth(base, 3)  # the Keras guide's "fine-tune from layer N", on the base itself
    assert [l.trainable for l in base.layers] == [False, False, False, True, True, False]
    assert model.get_layer("tiny_base").trainable
    assert len(model.trainable_weights) == 2 + 2  # conv2 kernel+bias, head kernel+bias
    row = trainable_report(model).rows[1]
    assert row["name"] == "tiny_base" and 0 < row["trainable_params"] < row["params"]


def test_unfreeze_reaches_layers_frozen_one_by_one_inside_a_trainable_base():
    base = tiny_cnn_base()
    base.get_layer("conv1").trainable = False
    base.trainable = True  # measured: a no-op on the TF backend, the base already is trainable
    assert not base.get_layer("conv1").trainable
    unfreeze(base)
    assert base.get_layer("conv1").trainable


def test_unfreeze_lifts_model_trainable_false_without_unfreezing_everything():
    base = tiny_cnn_base()
    base.trainable = False  # the Keras guide's first step
    unfreeze(base, upto=["conv2"])
    assert base.trainable
    assert [l.name for l in base.layers if l.trainable] == ["conv2"]
    assert len(base.trainable_weights) == 2


# --------------------------------------------------------- compile and trainable


def test_needs_recompile_tracks_compile():
    model = functional_mlp()
    assert needs_recompile(model)  # never compiled
    sgd_compile(model)
    assert not needs_recompile(model)
    freeze(model, upto=-1)
    assert needs_recompile(model)
    fit_once(model)
    assert needs_recompile(model), "fit does not apply the change, so it must not clear it"
    unfreeze(model, keep_batchnorm_frozen=False)  # back to the flags at compile time
    assert not needs_recompile(model)
    freeze(model, upto=-1)
    compile_again(model)
    assert not needs_recompile(model)
    model.get_layer("output").trainable = False  # by hand, without our helpers
    assert needs_recompile(model)
    sgd_compile(model)  # a plain compile() counts
    assert not needs_recompile(model)


def _drop_keras_record(model):
    # Keras keeps a private record of the flags at compile time on some versions (3.5+), not on
    # others (3.3), and overwrites it when it warns: needs_recompile must not need it.
    if hasattr(model, "_compiled_trainable_state"):
        del model._compiled_trainable_state


def test_needs_recompile_does_not_depend_on_keras_bookkeeping():
    model = sequential_mlp()
    sgd_compile(model)
    freeze(model, upto=-1)
    _drop_keras_record(model)
    assert needs_recompile(model)
    compile_again(model)
    _drop_keras_record(model)
    assert not needs_recompile(model)
    fit_once(model)
    model.get_layer("output").trainable = False  # by hand, after fit traced its step
    _drop_keras_record(model)
    assert needs_recompile(model)


def test_needs_recompile_uses_public_keras_api_only():
    source = Path(surgery.__file__).read_text()
    for private in ("_compiled_trainable_state", "_compile_config", "_loss_tracker"):
        assert not re.search(rf"[.'\"]{private}\b", source), private


def test_needs_recompile_says_true_when_it_cannot_know():
    # compiled and trained outside tlcourse's sight, flags possibly changed by hand: to be safe
    model = sequential_mlp()
    sgd_compile(model)
    model.fit(X, Y, epochs=1, verbose=0)
    assert needs_recompile(model)
    sgd_compile(model)
    assert not needs_recompile(model)  # a new compile: the next fit traces with today's flags


def test_needs_recompile_sees_changes_inside_a_nested_base():
    base = tiny_cnn_base()
    model = with_new_head(base, 3)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert not needs_recompile(model)
    set_freeze_depth(base, 2)  # changes the base, the compiled model is the outer one
    assert needs_recompile(model)


def test_helpers_are_warning_free():
    model = functional_mlp()
    sgd_compile(model)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        freeze(model, upto=-1)
        needs_recompile(model)
        unfreeze(model)
        set_freeze_depth(model, 2)
        compile_again(model)
        trainable_report(model)


def test_measured_keras3_freeze_without_recompile_does_not_take_effect():
    # What the module docstring claims, measured: fit keeps its traced training function.
    model = sequential_mlp()
    sgd_compile(model)
    fit_once(model)
    freeze(model, upto=-1)
    before = weights_of(model.get_layer("hidden1"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit_once(model)
    assert not same(weights_of(model.get_layer("hidden1")), before), "frozen weights trained anyway"
    assert not [w for w in caught if "trainable" in str(w.message)], "Keras warns now: update docs"

    # Before the first fit the training function is not traced yet, so the change happens to apply.
    model = sequential_mlp()
    sgd_compile(model)
    freeze(model, upto=-1)
    before = weights_of(model.get_layer("hidden1"))
    fit_once(model)
    assert same(weights_of(model.get_layer("hidden1")), before)

    model = sequential_mlp()
    freeze(model, upto=-1)
    sgd_compile(model)
    fit_once(model)
    unfreeze(model)
    before = weights_of(model.get_layer("hidden1"))
    fit_once(model)
    assert same(weights_of(model.get_layer("hidden1")), before), "unfrozen weights stayed frozen"


@pytest.mark.parametrize("build", [sequential_mlp, functional_mlp])
def test_frozen_weights_do_not_change_after_recompile(build):
    model = build()
    sgd_compile(model)
    fit_once(model)
    freeze(model, upto=-1)
    compile_again(model)
    frozen = [weights_of(l) for l in model.layers[:-1]]
    head = weights_of(model.layers[-1])
    fit_once(model)
    assert all(same(weights_of(l), w) for l, w in zip(model.layers[:-1], frozen))
    assert not same(weights_of(model.layers[-1]), head)

    unfreeze(model)
    compile_again(model, learning_rate=0.1)  # seed 003 step 4: unfreeze, recompile, smaller rate
    before = weights_of(model.get_layer("hidden1"))
    fit_once(model)
    assert not same(weights_of(model.get_layer("hidden1")), before)


@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
def test_reusing_the_same_optimizer_after_a_trainable_change_fails():
    model = sequential_mlp()
    optimizer = keras.optimizers.Adam(learning_rate=0.01)
    freeze(model, upto=-1)
    model.compile(optimizer=optimizer, loss="binary_crossentropy")
    fit_once(model)
    unfreeze(model)
    model.compile(optimizer=optimizer, loss="binary_crossentropy")
    with pytest.raises(ValueError, match="originally built with"):
        fit_once(model)
    compile_again(model)  # a fresh optimizer of the same kind fixes it
    assert model.optimizer is not optimizer
    fit_once(model)


def test_compile_again_keeps_settings_and_applies_overrides():
    model = sequential_mlp()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
                  loss="binary_crossentropy", metrics=["accuracy"])
    old = model.optimizer
    compile_again(model, learning_rate=1e-4)
    assert isinstance(model.optimizer, keras.optimizers.SGD) and model.optimizer is not old
    assert model.optimizer.momentum == 0.9
    assert (np.isclose(current_learning_rate(model), 1e-4)
            and current_learning_rate(model.optimizer) == current_learning_rate(model))
    assert model.loss == "binary_crossentropy"
    history = model.fit(X, Y, epochs=1, verbose=0).history
    assert "accuracy" in history
    compile_again(model, loss="mse")
    assert model.loss == "mse"
    with pytest.raises(ValueError, match="learning_rate= or optimizer=, not both"):
        compile_again(model, optimizer="adam", learning_rate=0.1)
    with pytest.raises(ValueError, match=r"never compiled.*model\.compile\(optimizer="):
        compile_again(sequential_mlp())


# ------------------------------------------------------------------------ report


@pytest.mark.parametrize("build", [sequential_mlp, functional_mlp])
def test_trainable_report_rows_and_totals(build):
    model = build()
    freeze(model, upto=2)
    report = trainable_report(model)
    assert isinstance(report, TrainableReport)
    assert [r["name"] for r in report.rows] == [l.name for l in model.layers]
    assert set(report.rows[0]) == {"index", "name", "type", "output_shape", "params",
                                   "trainable_params", "trainable"}
    assert [r["trainable"] for r in report.rows] == flags(model)
    assert sum(r["params"] for r in report.rows) == model.count_params() == report.totals["total"]
    assert sum(r["trainable_params"] for r in report.rows) == report.totals["trainable"]
    assert report.totals == keras_counts(model)
    hidden1 = next(r for r in report.rows if r["name"] == "hidden1")
    assert hidden1 == {"index": hidden1["index"], "name": "hidden1", "type": "Dense",
                       "output_shape": "(None, 6)", "params": 8 * 6 + 6, "trainable_params": 0,
                       "trainable": False}


def test_trainable_report_renders_text_and_html():
    model = with_new_head(tiny_cnn_base(), 3)
    freeze(model, upto=2)
    report = trainable_report(model)
    text = str(report)
    assert text == repr(report)
    assert "tiny_base" in text and "(None, 8, 8, 8)" in text and "Functional" in text
    assert f"Total params: {model.count_params():,}" in text
    assert re.search(r"tiny_base\s+Functional\s+\(None, 8, 8, 8\)\s+[\d,]+\s+0\s+no", text)
    page = report._repr_html_()
    assert page.startswith("<table>") and page.count("<tr") == len(report.rows) + 1
    assert "tiny_base" in page and 'style="color:#888"' in page


def test_trainable_report_on_a_frozen_model_matches_keras():
    model = functional_mlp()
    model.trainable = False
    report = trainable_report(model)
    assert report.totals == keras_counts(model)
    assert report.totals["trainable"] == 0
    assert not any(r["trainable"] for r in report.rows)


def test_unbuilt_model_errors():
    unbuilt = keras.Sequential([keras.layers.Dense(3)])
    for func in (trainable_report, clone_with_weights, reuse_layers):
        with pytest.raises(ValueError, match=r"not built yet.*model\.build|call it once on a batch"):
            func(unbuilt)
    with pytest.raises(ValueError, match="not built yet"):
        check_input_size(unbuilt, (8, 8, 3))


# -------------------------------------------------------------------- input size


def test_check_input_size():
    model = with_new_head(tiny_cnn_base(), 3)  # 8x8x3
    assert check_input_size(model, (8, 8, 3)) is None
    assert check_input_size(model, (8, 8)) is None
    assert check_input_size(model, IMAGES.shape) is None
    with pytest.raises(ValueError, match=r"images are 256x256 .* 8x8 inputs.*"
                                         r"keras\.layers\.Resizing\(8, 8\) as the first layer"):
        check_input_size(model, (256, 256, 3))
    with pytest.raises(ValueError, match=r"1 channel\(s\) but .* expects 3.*grayscale_to_rgb"):
        check_input_size(model, (8, 8, 1))
    with pytest.raises(ValueError, match=r"does not fit .* whose input is \(8, 8, 3\)"):
        check_input_size(model, (1, 2, 8, 8, 3))
    with pytest.raises(TypeError, match="positive ints"):
        check_input_size(model, (8.0, 8, 3))
    assert check_input_size(model, np.array([8, 8, 3])) is None  # NumPy ints are fine

    # Géron's MLPs take 28x28 images through Flatten: a 2-D input size.
    mlp = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(), keras.layers.Dense(2)])
    assert check_input_size(mlp, (28, 28)) is None
    with pytest.raises(ValueError, match=r"images are 64x64 .* 28x28 inputs.*channel axis.*"
                                         r"Resizing\(28, 28\).*Reshape\(\(28, 28\)\)"):
        check_input_size(mlp, (64, 64))
    # ... and the advice works as written
    fixed = keras.Sequential([keras.Input(shape=(64, 64, 1)), keras.layers.Resizing(28, 28),
                              keras.layers.Reshape((28, 28)), mlp])
    assert fixed(np.zeros((2, 64, 64, 1), "float32")).shape == (2, 2)

    any_size = keras.Sequential([keras.Input(shape=(None, None, 3)), keras.layers.Conv2D(2, 3)])
    assert check_input_size(any_size, (256, 256, 3)) is None


# ------------------------------------------------------------- keras.applications


def test_mobilenetv2_surgery():
    base = mobilenet_base()
    n = len(base.layers)
    clone = clone_with_weights(base)
    assert not variable_ids(clone) & variable_ids(base)

    model = with_new_head(base, num_classes=5, dropout=0.2)
    assert [type(l).__name__ for l in model.layers][1:] == ["Functional", "GlobalAveragePooling2D",
                                                             "Dropout", "Dense"]
    freeze(model, upto=-1)
    assert model.trainable_weights == model.get_layer("head").trainable_weights

    set_freeze_depth(base, 100)
    assert not any(l.trainable for l in base.layers[:100])
    rest = base.layers[100:]
    assert all(l.trainable != isinstance(l, keras.layers.BatchNormalization) for l in rest)
    assert any(isinstance(l, keras.layers.BatchNormalization) for l in rest)
    assert n == len(base.layers)

    report = trainable_report(model)
    assert report.totals == keras_counts(model)
    assert report.totals["total"] == model.count_params()

    features = reuse_layers(base, upto="block_3_project_BN")
    assert features.output.shape == (None, 4, 4, 16)
    assert not variable_ids(features) & variable_ids(base)
    with pytest.raises(ValueError, match=r"'block_3_project_BN' are inside the nested model "
                                         r"'mobilenetv2_0\.35_32'"):
        reuse_layers(model, upto="block_3_project_BN")
    with pytest.raises(ValueError, match=rf"use an int in 0\.\.{n}"):
        set_freeze_depth(base, n + 1)
    with pytest.raises(ValueError, match=r"Resizing\(32, 32\)"):
        check_input_size(model, (224, 224, 3))


# --------------------------------------------------------------------- docstrings

NOTEBOOKS = {
    "clone_with_weights": "06_reusing_layers_in_keras",
    "reuse_layers": "06_reusing_layers_in_keras",
    "cut_model": "06_reusing_layers_in_keras",
    "freeze": "06_reusing_layers_in_keras",
    "unfreeze": "06_reusing_layers_in_keras",
    "needs_recompile": "06_reusing_layers_in_keras",
    "compile_again": "06_reusing_layers_in_keras",
    "check_input_size": "06_reusing_layers_in_keras",
    "with_new_head": "04_fine_tuning",
    "trainable_report": "03_three_ways_to_transfer",
    "set_freeze_depth": "07_choosing_what_to_freeze",
    "current_learning_rate": "04_fine_tuning",
    "outer_training_wins": "04_fine_tuning",
}


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_public_functions_are_documented(name):
    func = getattr(surgery, name)
    doc = inspect.getdoc(func)
    assert "Returns:" in doc and ("Args:" in doc or not inspect.signature(func).parameters)
    assert f"Example (``{NOTEBOOKS[name]}``)" in doc
    hints = inspect.get_annotations(func)
    assert "return" in hints and all(p in hints for p in inspect.signature(func).parameters
                                     if p != "compile_kwargs")


def test_all_is_complete():
    assert set(NOTEBOOKS) | {"TrainableReport", "ModelCut"} == set(surgery.__all__)


def test_current_learning_rate_reads_floats_variables_and_schedules():
    model = sequential_mlp()
    with pytest.raises(TypeError, match=r"compiled keras.Model or a keras optimizer.*model\.compile"):
        current_learning_rate(model)  # not compiled yet
    with pytest.raises(TypeError, match="got float"):
        current_learning_rate(1e-3)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="mse")
    assert current_learning_rate(model) == 0.5
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-4), loss="mse")
    assert current_learning_rate(model) == 1e-4  # not float32's 9.999999747378752e-05
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    assert np.isclose(current_learning_rate(keras.optimizers.SGD(learning_rate=schedule)), 0.1)
