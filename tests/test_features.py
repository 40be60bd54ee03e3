"""Feature maps, filters, cut points, the activation cache and layer transferability."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import tlcourse  # noqa: E402,F401  (sets the Keras backend before keras is imported)

# isort: split
import keras  # noqa: E402

from tlcourse import _keras_graph, features  # noqa: E402
from tlcourse.features import (  # noqa: E402
    ActivationCache,
    CutResult,
    CutTrainer,
    Transferability,
    conv_layers,
    cut_points,
    feature_maps,
    layer_transferability,
    plot_feature_maps,
    plot_filters,
    plot_transferability,
    train_above_cut,
)
from tlcourse.surgery import cut_model  # noqa: E402

RNG = np.random.default_rng(0)
IMAGES = RNG.normal(size=(48, 8, 8, 3)).astype("float32")
LABELS = np.arange(48) % 3
VAL_IMAGES = RNG.normal(size=(12, 8, 8, 3)).astype("float32")
VAL_LABELS = np.arange(12) % 3
DATA = (IMAGES, LABELS, VAL_IMAGES, VAL_LABELS)


# ------------------------------------------------------------------ tiny models


def sequential_cnn(channels: int = 1) -> keras.Model:
    keras.utils.set_random_seed(4)
    return keras.Sequential([keras.Input(shape=(8, 8, channels)),
                             keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv1"),
                             keras.layers.MaxPooling2D(name="pool1"),
                             keras.layers.Conv2D(5, 3, padding="same", activation="relu", name="conv2"),
                             keras.layers.Flatten(name="flatten"),
                             keras.layers.Dense(6, activation="relu", name="dense")], name="seq_cnn")


@pytest.fixture(scope="module")
def res(residual_cnn):
    """input, conv1, bn1, relu1, [conv2 + skip -> add], dw, conv3 (tests/conftest.py)."""
    return residual_cnn("depthwise")


@pytest.fixture(scope="module")
def cache(res):
    c = ActivationCache(res, DATA)
    c.precompute(cut_points(res))
    return c


# ------------------------------------------------------------------ cut points


def test_cut_points_skip_the_inside_of_a_residual_block(res):
    names = [layer.name for layer in res.layers]
    assert names == ["image", "conv1", "bn1", "relu1", "conv2", "add", "dw", "conv3"]
    # 0 = input; 1 (after InputLayer) is the same cut and not listed; 5 (after conv2) has the
    # skip AND conv2's output crossing, so it is not a cut point.
    assert cut_points(res) == [0, 2, 3, 4, 6, 7, 8]
    # blocks: where the skip starts (relu1 feeds conv2 and add) or ends (add), plus the ends.
    assert cut_points(res, blocks=True) == [0, 4, 6, 8]


def test_cut_points_of_a_chain_are_every_depth():
    model = sequential_cnn()
    assert cut_points(model) == list(range(len(model.layers) + 1))
    assert cut_points(model, blocks=True) == cut_points(model)


def test_cut_points_of_mobilenet_v2_are_block_boundaries():
    base = keras.applications.MobileNetV2(weights=None, include_top=False, input_shape=(32, 32, 3),
                                          alpha=0.35)
    blocks = cut_points(base, blocks=True)
    named = [base.layers[k - 1].name for k in blocks[1:]]
    assert "block_2_add" in named and "block_15_add" in named and named[-1] == "out_relu"
    assert not any(name.endswith(("_expand", "_depthwise")) for name in named)
    valid = cut_points(base)
    assert set(blocks) <= set(valid)
    inside = base.layers.index(base.get_layer("block_2_expand")) + 1  # inside a residual block
    assert inside not in valid


def test_cut_points_errors():
    with pytest.raises(TypeError, match="needs a keras.Model"):
        cut_points(keras.layers.Dense(2))
    with pytest.raises(ValueError, match="not built yet"):
        cut_points(keras.Sequential([keras.layers.Dense(2)]))
    inputs = keras.Input(shape=(4,))
    two = keras.Model(inputs, [keras.layers.Dense(1)(inputs), keras.layers.Dense(2)(inputs)])
    with pytest.raises(ValueError, match="2 outputs; it needs exactly one"):
        cut_points(two)

    class Sub(keras.Model):
        def call(self, x):
            return x

    sub = Sub()
    sub.build((None, 4))
    sub(np.zeros((1, 4), "float32"))
    with pytest.raises(TypeError, match="subclassed model"):
        cut_points(sub)


def test_the_top_above_a_cut_shares_layers_and_completes_the_model(res):
    """Keras 3: keras.Model(intermediate tensor, output) reuses the layers (checked, not assumed)."""
    for depth in (0, 4, 6):
        top = cut_model(res, depth, share=True).above
        bottom = keras.Model(res.inputs[0], _keras_graph.cut_tensor(res, depth, "t"))
        np.testing.assert_allclose(top(bottom(IMAGES)), res(IMAGES), rtol=1e-5, atol=1e-5)
    assert cut_model(res, 6, share=True).above.get_layer("conv3") is res.get_layer("conv3")
    assert cut_model(res, 8, share=True).above is None
    seq = sequential_cnn()
    top = cut_model(seq, 2, share=True).above
    assert [layer.name for layer in top.layers][1:] == ["conv2", "flatten", "dense"]
    assert top.get_layer("conv2") is seq.get_layer("conv2")


def test_invalid_cuts_name_the_valid_depths(res):
    with pytest.raises(ValueError, match=r"cannot be cut at depth 5 \(after layer 'conv2'\): 2 "
                                         r"tensors cross.*nearest: \[3, 4, 6, 7\]"):
        _keras_graph.cut_tensor(res, 5, "f")
    with pytest.raises(ValueError, match=r"depth=9 is out of range .* use an int in 0\.\.8"):
        _keras_graph.cut_tensor(res, 9, "f")


def test_features_read_a_depth_as_cut_model_does(res, cache):
    """One reading of a depth everywhere: -1 and the name of the last layer below it are depth 7."""
    for depth in (-1, "dw", 7):
        assert cut_model(res, depth, share=True).depth == 7
        np.testing.assert_array_equal(cache.activations(depth)[1], cache.activations(7)[1])
    with pytest.raises(ValueError, match=r"train_above_cut\(\): model 'res_cnn' cannot be cut at depth 5 "):
        train_above_cut(cache, -3)
    with pytest.raises(ValueError, match=r"CutTrainer\(\): depth=9 is out of range .* use an index in -8\.\.8"):
        CutTrainer(cache, 9)


# ------------------------------------------------------------------ feature maps


def test_conv_layers_include_depthwise(res):
    assert conv_layers(res) == ["conv1", "conv2", "dw", "conv3"]
    assert conv_layers(sequential_cnn()) == ["conv1", "conv2"]


def test_feature_maps_one_model_one_pass_every_conv_layer(res, monkeypatch):
    built = []
    real = features._extractor
    monkeypatch.setattr(features, "_extractor", lambda m, idx: built.append(list(idx)) or real(m, idx))
    maps = feature_maps(res, IMAGES[0])
    assert built == [[1, 4, 6, 7]], "one multi-output model for all layers"
    assert list(maps) == ["conv1", "conv2", "dw", "conv3"]
    assert [m.shape for m in maps.values()] == [(8, 8, 4), (8, 8, 4), (8, 8, 4), (8, 8, 6)]
    single = keras.Model(res.inputs[0], res.get_layer("dw").output)
    np.testing.assert_allclose(maps["dw"], single(IMAGES[:1])[0], rtol=1e-5, atol=1e-6)


def test_feature_maps_layer_choices(res):
    assert list(feature_maps(res, IMAGES[0], "bn1")) == ["bn1"]
    assert list(feature_maps(res, IMAGES[0], [-1, 1, "conv1"])) == ["conv3", "conv1"]
    seq = sequential_cnn()
    assert {k: v.shape for k, v in feature_maps(seq, IMAGES[0, ..., :1]).items()} == {
        "conv1": (8, 8, 4), "conv2": (4, 4, 5)}
    assert feature_maps(seq, IMAGES[0, ..., :1], "dense")["dense"].shape == (6,)


def test_feature_maps_layer_errors(res):
    with pytest.raises(ValueError, match="no layer named 'conv_1'.*Did you mean: 'conv1'"):
        feature_maps(res, IMAGES[0], "conv_1")
    with pytest.raises(ValueError, match=r"index 8 is out of range .* use 0\.\.7 \(or -8\.\.-1\)"):
        feature_maps(res, IMAGES[0], [8])
    with pytest.raises(TypeError, match="layer names or indices, got 1.5"):
        feature_maps(res, IMAGES[0], [1.5])
    with pytest.raises(ValueError, match="layers is empty"):
        feature_maps(res, IMAGES[0], [])
    mlp = keras.Sequential([keras.Input(shape=(8, 8, 3)), keras.layers.Flatten(), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="no convolution layers.*layers=\\['dense'"):
        feature_maps(mlp, IMAGES[0])
    with pytest.raises(TypeError, match="needs a keras.Model"):
        feature_maps("model", IMAGES[0])


@pytest.mark.parametrize("image, message", [
    (IMAGES[:2], r"a batch of 2; pass ONE image of shape \(8, 8, 3\): images\[0\]"),
    (IMAGES[0, ..., 0], r"grayscale \(no channel axis\).*np\.stack\(\[image\] \* 3, axis=-1\)"),
    (IMAGES[0, ..., :1], r"1 channel\(s\) but the model takes 3.*tf\.image\.grayscale_to_rgb"),
    (np.zeros((8, 8, 4)), r"4 channel\(s\).*drop the alpha channel, image\[\.\.\., :3\]"),
    (np.zeros((8, 8, 2)), r"2 channel\(s\).*make it 3 channels"),
    (np.zeros((16, 12, 3)), r"16x12 but the model takes 8x8.*tf\.image\.resize\(image, \(8, 8\)\)"
                            r".*keras\.layers\.Resizing\(8, 8\)"),
    (np.zeros((8,)), r"shape \(8,\); the model takes \(8, 8, 3\)"),
])
def test_feature_maps_rejects_images_that_do_not_fit(res, image, message):
    with pytest.raises(ValueError, match=message):
        feature_maps(res, image)


def test_feature_maps_gray_model_messages():
    seq = sequential_cnn(channels=1)
    with pytest.raises(ValueError, match=r"add the channel axis: image\[\.\.\., np\.newaxis\] gives \(8, 8, 1\)"):
        feature_maps(seq, IMAGES[0, ..., 0])
    with pytest.raises(ValueError, match=r"tf\.image\.rgb_to_grayscale\(image\)"):
        feature_maps(seq, IMAGES[0])
    with pytest.raises(TypeError, match="must be a numeric array"):
        feature_maps(seq, "a photo")


def test_feature_maps_of_other_inputs_and_models():
    mlp = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(3, name="dense")])
    assert feature_maps(mlp, np.ones(8), "dense")["dense"].shape == (3,)
    with pytest.raises(ValueError, match=r"shape \(5,\) does not fit .* reshape it to \(8,\)"):
        feature_maps(mlp, np.ones(5), "dense")
    a, b = keras.Input(shape=(4,)), keras.Input(shape=(4,))
    two = keras.Model([a, b], keras.layers.Add()([a, b]))
    with pytest.raises(ValueError, match="has 2 inputs; it needs exactly one"):
        feature_maps(two, np.ones(4))


# ------------------------------------------------------------------ plots of maps and filters


def test_plot_feature_maps_rows_are_labelled_layers(res):
    fig = plot_feature_maps(res, IMAGES[0], max_channels=3, title="T")
    axes = np.array(fig.axes).reshape(4, 3)
    labels = [row[0].get_ylabel() for row in axes]
    assert labels[0].startswith("conv1\ndepth 1\n8x8x4") and labels[3].startswith("conv3\ndepth 7")
    assert fig._suptitle.get_text() == "T"
    assert "strongest" in fig._supxlabel.get_text() and "depth" in fig._supylabel.get_text()
    strongest = int(axes[0][0].get_title().split()[1])
    maps = feature_maps(res, IMAGES[0], "conv1")["conv1"]
    assert strongest == int(np.argmax(maps.reshape(-1, 4).mean(axis=0)))
    plt.close(fig)
    fig = plot_feature_maps(res, IMAGES[0], ["conv1"], order="first", max_channels=9)
    assert [ax.get_title() for ax in fig.axes] == ["ch 0", "ch 1", "ch 2", "ch 3"]  # capped at 4
    plt.close(fig)


def test_plot_feature_maps_caps_the_layers(res):
    fig = plot_feature_maps(res, IMAGES[0], max_layers=2, max_channels=1)
    assert len(fig.axes) == 2
    assert fig._suptitle.get_text() == "Feature maps of res_cnn (2 of 4 conv layers, evenly spaced)"
    assert [ax.get_ylabel().split("\n")[0] for ax in fig.axes] == ["conv1", "conv3"]
    plt.close(fig)


def test_plot_feature_maps_errors(res):
    with pytest.raises(ValueError, match="max_channels must be an int >= 1"):
        plot_feature_maps(res, IMAGES[0], max_channels=0)
    with pytest.raises(ValueError, match="order must be 'strongest' or 'first'"):
        plot_feature_maps(res, IMAGES[0], order="random")
    with pytest.raises(ValueError, match=r"layer 'dense' outputs shape \(6,\), not an image map"):
        plot_feature_maps(sequential_cnn(), IMAGES[0, ..., :1], ["dense"])


def test_plot_filters_rgb_in_colour_gray_and_depthwise(res):
    fig = plot_filters(res, max_filters=3)  # a model: its first Conv2D
    assert fig._suptitle.get_text() == "conv1: 3 of 4 3x3 kernels (RGB)"
    assert fig.axes[0].images[0].get_array().shape == (3, 3, 3)
    assert fig._supxlabel.get_text() and fig._supylabel.get_text()
    plt.close(fig)
    fig = plot_filters(sequential_cnn().get_layer("conv1"))
    assert "(gray)" in fig._suptitle.get_text() and fig.axes[0].images[0].get_cmap().name == "gray"
    plt.close(fig)
    fig = plot_filters(res.get_layer("dw"))
    assert fig._suptitle.get_text() == "dw: 4 of 4 3x3 kernels (gray)"
    plt.close(fig)


def test_plot_filters_errors(res):
    with pytest.raises(ValueError, match="over 4 input channels.*plot_feature_maps"):
        plot_filters(res.get_layer("conv2"))
    with pytest.raises(ValueError, match="is a Add, which has no convolution kernel"):
        plot_filters(res.get_layer("add"))
    with pytest.raises(ValueError, match="not built yet"):
        plot_filters(keras.layers.Conv2D(2, 3))
    with pytest.raises(ValueError, match="has no Conv2D layer"):
        plot_filters(keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)]))
    with pytest.raises(TypeError, match="needs a Keras layer or model"):
        plot_filters(np.zeros((3, 3, 3, 4)))
    with pytest.raises(ValueError, match="max_filters must be an int >= 1"):
        plot_filters(res, max_filters=0)
    conv1d = keras.Sequential([keras.Input(shape=(10, 1)), keras.layers.Conv1D(2, 3, name="c")])
    with pytest.raises(ValueError, match="'c' has a 1-D kernel; only 2-D convolutions"):
        plot_filters(conv1d.get_layer("c"))


# ------------------------------------------------------------------ the cache


def test_cache_computes_all_depths_in_one_pass_and_never_again(res, monkeypatch):
    calls = []
    real = keras.Model.predict
    monkeypatch.setattr(keras.Model, "predict", lambda self, *a, **k: calls.append(self.name) or real(self, *a, **k))
    c = ActivationCache(res, DATA)
    c.precompute([0, 4, "add", 8])
    assert calls == ["res_cnn_cuts", "res_cnn_cuts"]  # one model, train + validation
    assert c.passes == 2 and c.depths == [0, 4, 6, 8] and c.seconds > 0
    c.precompute([4, 6])
    c.activations(8)
    assert len(calls) == 2 and c.passes == 2, "stored depths are not computed again"
    c.activations(7)  # a new depth: one more pass for it alone
    assert c.passes == 4 and c.depths == [0, 4, 6, 7, 8]
    a_train, a_val = c.activations(0)
    assert a_train is c.x_train and a_val is c.x_val
    bottom = keras.Model(res.inputs[0], res.get_layer("add").output)
    np.testing.assert_allclose(c.activations("add")[1], bottom(VAL_IMAGES), rtol=1e-5, atol=1e-6)
    assert c.nbytes == sum(a.nbytes + b.nbytes for d, (a, b) in c._store.items() if d != 0) + (
        IMAGES.nbytes + VAL_IMAGES.nbytes)


def test_cache_memory_limit_names_the_biggest_depths(res):
    c = ActivationCache(res, DATA, max_bytes=10_000)
    with pytest.raises(ValueError, match=r"more than max_bytes=0 MiB \(biggest: depth 8.*fewer or deeper"):
        c.precompute([4, 8])


def test_cache_rejects_bad_data(res):
    with pytest.raises(TypeError, match=r"a tlcourse Split .* or a tuple \(x_train, y_train, x_val, y_val\)"):
        ActivationCache(res, [IMAGES, LABELS])
    with pytest.raises(ValueError, match="x_train has 48 examples but y_train has 3 labels"):
        ActivationCache(res, (IMAGES, LABELS[:3], VAL_IMAGES, VAL_LABELS))
    with pytest.raises(ValueError, match=r"y_val must be integer class indices.*y\.argmax\(axis=1\)"):
        ActivationCache(res, (IMAGES, LABELS, VAL_IMAGES, np.eye(3)[VAL_LABELS]))
    with pytest.raises(ValueError, match=r"x_val of shape \(8, 8, 3\) looks like ONE example.*x\[np\.newaxis\]"):
        ActivationCache(res, (IMAGES, LABELS, VAL_IMAGES[0], VAL_LABELS[:8]))
    with pytest.raises(ValueError, match=r"x_train of shape \(48, 8, 8\).*grayscale.*np\.stack\(\[x\] \* 3, axis=-1\)"):
        ActivationCache(res, (IMAGES[..., 0], LABELS, VAL_IMAGES, VAL_LABELS))


def test_cache_takes_a_split_and_its_class_names(res):
    split = tlcourse.Split(IMAGES, LABELS, VAL_IMAGES, VAL_LABELS, VAL_IMAGES, VAL_LABELS,
                           class_names=["a", "b", "c", "d"])
    assert ActivationCache(res, split).num_classes == 4


# ------------------------------------------------------------------ training above a cut


def test_train_modes_train_what_they_say_and_are_seeded(cache, res):
    before = [w.copy() for w in res.get_weights()]
    head = train_above_cut(cache, 4, mode="head", epochs=1)
    fine = train_above_cut(cache, 4, mode="finetune", epochs=2, seed=7)
    assert isinstance(head, CutResult) and head.layer == "relu1" and head.depth == 4
    assert head.trainable_params == 4 * 3 + 3  # pooled 4 channels -> 3 classes
    above = (3 * 3 * 4 * 4 + 4) + (3 * 3 * 4 + 4) + (4 * 6 + 6)  # conv2, dw, conv3 (1x1)
    assert fine.trainable_params == above + 6 * 3 + 3
    assert 0 <= fine.val_accuracy <= 1 and len(fine.history["val_accuracy"]) == 2
    assert [k.shape for k in fine.head_weights] == [(6, 3), (3,)]
    assert all(np.array_equal(a, b) for a, b in zip(before, res.get_weights())), "source untouched"
    again = train_above_cut(cache, 4, mode="finetune", epochs=2, seed=7)
    assert again.history == fine.history and again.seconds > 0


def test_finetune_keeps_batchnorm_frozen_and_scratch_does_not(res):
    fine = features._fresh_top(res, 0, "finetune")
    scratch = features._fresh_top(res, 0, "scratch")
    assert not fine.get_layer("bn1").trainable and fine.get_layer("conv1").trainable
    assert scratch.get_layer("bn1").trainable
    assert fine.get_layer("conv1") is not res.get_layer("conv1"), "a copy, never the source's layers"
    np.testing.assert_array_equal(fine.get_layer("conv1").get_weights()[0], res.get_layer("conv1").get_weights()[0])
    assert not np.array_equal(scratch.get_layer("conv1").get_weights()[0], res.get_layer("conv1").get_weights()[0])


def test_train_binary_starts_from_given_head_weights(res):
    two = ActivationCache(res, (IMAGES, LABELS % 2, VAL_IMAGES, VAL_LABELS % 2))
    first = train_above_cut(two, 8, mode="head", epochs=1)
    assert [w.shape for w in first.head_weights] == [(6, 1), (1,)]  # one sigmoid unit
    warm = train_above_cut(two, 6, epochs=1, learning_rate=1e-9, head_weights=first.head_weights)
    np.testing.assert_allclose(warm.head_weights[0], first.head_weights[0], atol=1e-6)


def test_train_errors(cache):
    with pytest.raises(ValueError, match=r"mode must be one of \('head', 'finetune', 'scratch'\)"):
        train_above_cut(cache, 4, mode="linear")
    with pytest.raises(ValueError, match="pooling must be one of"):
        train_above_cut(cache, 4, pooling="mean")
    with pytest.raises(ValueError, match="epochs must be an int >= 1"):
        train_above_cut(cache, 4, epochs=0)
    with pytest.raises(ValueError, match="cannot be cut at depth 5"):
        train_above_cut(cache, 5)
    with pytest.raises(ValueError, match="head_weights need mode='finetune' or 'scratch'"):
        train_above_cut(cache, 4, mode="head", head_weights=[np.zeros((4, 3)), np.zeros(3)])
    with pytest.raises(ValueError, match=r"head_weights have shapes \[\(4, 3\), \(3,\)\] but this head "
                                         r"needs \[\(6, 3\), \(3,\)\]"):
        train_above_cut(cache, 6, head_weights=[np.zeros((4, 3)), np.zeros(3)])


# ------------------------------------------------------------------ re-training above one cut


def _counting_traces(trainer: CutTrainer) -> list:
    """Count how often Keras traces the trainer's training step (train_step runs only then)."""
    traces = []
    real = trainer.net.train_step
    trainer.net.train_step = lambda data: traces.append(1) or real(data)
    return traces


def test_cut_trainer_traces_once_and_restarts_from_the_same_start(cache, res):
    head = train_above_cut(cache, 8, mode="head", epochs=1)
    trainer = CutTrainer(cache, "relu1", head_weights=head.head_weights, batch_size=8, seed=5)
    traces = _counting_traces(trainer)
    start = [w.copy() for w in trainer.net.get_weights()]
    assert trainer.warm_up() > 0 and traces and trainer.warm_up() == 0
    traced = len(traces)  # TensorFlow may trace a step twice on its first call
    assert all(np.array_equal(a, b) for a, b in zip(start, trainer.net.get_weights())), "warm-up leaves no trace"
    steps = []
    first = trainer.train(7, on_step=lambda step, total: steps.append((step, total)))
    assert steps == [(i, 7) for i in range(1, 8)] and len(traces) == traced, "no new graph per run"
    assert isinstance(first, CutResult) and (first.depth, first.layer, first.mode) == (4, "relu1", "finetune")
    assert (first.steps, first.epochs) == (7, 0) and 0 <= first.val_accuracy <= 1 and first.seconds > 0
    above = (3 * 3 * 4 * 4 + 4) + (3 * 3 * 4 + 4) + (4 * 6 + 6)  # conv2, dw, conv3
    assert first.trainable_params == trainer.trainable_params == above + 6 * 3 + 3
    second = trainer.train(7)
    assert second.val_accuracy == first.val_accuracy, "same start, seed and order: same numbers"
    for a, b in zip(first.head_weights, second.head_weights):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first.head_weights[0], head.head_weights[0]), "the head trained"
    iterations = [v for v in trainer.net.optimizer.variables if "iteration" in v.name]
    assert [int(keras.ops.convert_to_numpy(v)) for v in iterations] == [7], "the optimizer starts fresh"
    assert trainer.train(3).val_accuracy >= 0 and len(traces) == traced


def test_cut_trainer_cycles_a_small_training_set_and_checks_its_arguments(cache):
    trainer = CutTrainer(cache, 6, batch_size=32, seed=1)
    order = trainer._order(5)  # 160 examples from 48: seeded passes, each a permutation
    assert len(order) == 160 and sorted(order[:48]) == list(range(48))
    np.testing.assert_array_equal(order, CutTrainer(cache, 6, batch_size=32, seed=1)._order(5))
    with pytest.raises(ValueError, match="steps must be an int >= 1, got 0"):
        trainer.train(0)
    with pytest.raises(ValueError, match="batch_size must be an int >= 1, got 0"):
        CutTrainer(cache, 6, batch_size=0)
    with pytest.raises(ValueError, match="cannot be cut at depth 5"):
        CutTrainer(cache, 5)
    with pytest.raises(ValueError, match=r"CutTrainer\(\): head_weights have shapes \[\(4, 3\), \(3,\)\]"):
        CutTrainer(cache, 6, head_weights=[np.zeros((4, 3)), np.zeros(3)])


# ------------------------------------------------------------------ transferability


@pytest.fixture(scope="module")
def transfer(res):
    return layer_transferability(res, DATA, ks=["relu1", 0], top="scratch", epochs=1, verbose=False)


def test_layer_transferability_one_row_per_k(transfer, capsys):
    assert isinstance(transfer, Transferability)
    assert list(transfer.accuracy) == [0, 4] and transfer.num_classes == 3
    assert [r.layer for r in transfer.rows] == ["(input)", "relu1"]
    above = (3 * 3 * 4 * 4 + 4) + (3 * 3 * 4 + 4) + (4 * 6 + 6)  # conv2, dw, conv3: re-initialised
    assert transfer.rows[1].trainable_params == above + 6 * 3 + 3
    text = str(transfer)
    assert "res_cnn, mode 'scratch'" in text and "relu1" in text and "val accuracy" in text
    assert transfer._repr_html_().startswith("<table>")


def test_layer_transferability_default_ks_and_verbose(capsys, monkeypatch):
    seq = sequential_cnn()
    calls = []

    def fake(cache, depth, **kwargs):
        calls.append((depth, kwargs["mode"], kwargs["pooling"]))
        return CutResult(depth, _keras_graph.cut_label(seq, depth), kwargs["mode"], 0.5, 10, 1, 0.1)

    monkeypatch.setattr(features, "train_above_cut", fake)
    result = layer_transferability(seq, (IMAGES[..., :1], LABELS, VAL_IMAGES[..., :1], VAL_LABELS),
                                   top="scratch", pooling="flatten")
    assert [d for d, _, _ in calls] == cut_points(seq, blocks=True) == list(result.accuracy)
    assert {(m, p) for _, m, p in calls} == {("scratch", "flatten")}
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(calls) and out[0].startswith("k=  0 (frozen up to (input)): val accuracy 0.500")


def test_layer_transferability_errors(res):
    with pytest.raises(ValueError, match="top must be one of"):
        layer_transferability(res, DATA, top="all")
    with pytest.raises(ValueError, match="ks is empty"):
        layer_transferability(res, DATA, ks=[])
    with pytest.raises(ValueError, match="cannot be cut at depth 5"):
        layer_transferability(res, DATA, ks=[5])


def test_plot_transferability(transfer):
    ax = plot_transferability(transfer, highlight=4)
    assert ax.get_title() == "res_cnn: reuse the first k layers frozen (scratch)"
    assert ax.get_xlabel().startswith("freeze depth k") and ax.get_ylabel() == "validation accuracy"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0: (input)", "4: relu1"]
    assert [line.get_label() for line in ax.lines] == ["validation accuracy (scratch)", "depth 4", "chance"]
    assert ax.lines[2].get_ydata()[0] == pytest.approx(1 / 3)
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="no rows yet"):
        plot_transferability(Transferability("m", "head", 3))


# ------------------------------------------------------------------ the real backbone


@pytest.fixture(scope="module")
def mobilenet():
    return tlcourse.imagenet_backbone("mobilenet_v2", (96, 96, 3))


def test_mobilenet_v2_feature_maps_and_first_layer_filters(mobilenet):
    photo = tlcourse.backbone_preprocess("mobilenet_v2")(
        np.random.default_rng(1).uniform(0, 255, (96, 96, 3)).astype("float32"))
    maps = feature_maps(mobilenet, photo)
    assert len(maps) == len(conv_layers(mobilenet)) == 52
    assert maps["Conv1"].shape == (48, 48, 32) and maps["Conv_1"].shape == (3, 3, 1280)
    assert "expanded_conv_depthwise" in maps  # DepthwiseConv2D counts as a conv layer
    fig = plot_filters(mobilenet)
    assert fig._suptitle.get_text() == "Conv1: 32 of 32 3x3 kernels (RGB)"
    plt.close(fig)
    with pytest.raises(ValueError, match=r"100x100 but the model takes 96x96.*Resizing\(96, 96\)"):
        feature_maps(mobilenet, np.zeros((100, 100, 3)))


def test_mobilenet_v2_top_above_a_block_reproduces_the_network(mobilenet):
    depth = mobilenet.layers.index(mobilenet.get_layer("block_15_add")) + 1
    assert depth in cut_points(mobilenet, blocks=True)
    x = np.random.default_rng(2).uniform(-1, 1, (2, 96, 96, 3)).astype("float32")
    bottom = keras.Model(mobilenet.inputs[0], mobilenet.get_layer("block_15_add").output)
    top = cut_model(mobilenet, depth, share=True).above
    np.testing.assert_allclose(top(bottom(x)), mobilenet(x), rtol=1e-4, atol=1e-4)
