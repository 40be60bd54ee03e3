"""The course trains its own source models reproducibly: same seed, same command -> the same weights."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from tlcourse import data, pretrain
from tlcourse._files import file_sha256, manifest_path, read_manifest
from tlcourse.models import build_mnist_cnn, load_pretrained, load_weights_npz

ENTRY_KEYS = {"file", "sha256", "weights_sha256", "description", "command", "dataset", "dataset_source",
              "classes", "original_labels", "input_shape", "parameters", "sizes", "seed", "epochs",
              "batch_size", "optimizer", "loss", "op_determinism", "intra_op_threads", "quick",
              "val_accuracy", "test_accuracy", "test_loss", "train_seconds", "keras_version",
              "tensorflow_version", "numpy_version", "python_version"}


@pytest.fixture(scope="module")
def needs_data():
    try:
        data.locate("mnist", download=False)
        data.locate("fashion_mnist", download=False)
    except data.DataNotFoundError as error:
        pytest.skip(f"MNIST / Fashion-MNIST not on this machine (set TLCOURSE_DATA): {error}")


def test_task_a_b_split_relabels_as_geron():
    y = np.repeat(np.arange(10), np.arange(1, 11))  # class c appears c + 1 times
    x = np.arange(len(y))  # the "image" is its index, so rows can be traced
    (x_a, y_a), (x_b, y_b) = pretrain.task_a_b_split(x, y)
    assert np.bincount(y_a).tolist() == [1, 2, 3, 4, 5, 8, 9, 10]  # 7, 8, 9 -> 5, 6, 7
    assert y_a.dtype == np.int64 and y_b.dtype == np.float32
    assert np.array_equal(y[x_a], np.array([0, 1, 2, 3, 4, 7, 8, 9])[y_a])  # images keep their labels
    assert sorted(set(y[x_b].tolist())) == [5, 6]
    assert np.array_equal(y_b, (y[x_b] == 6).astype(np.float32))  # shirt = 1, sandal = 0
    assert (y_b == 1).sum() == 7 and (y_b == 0).sum() == 6


def test_task_a_b_split_on_fashion_mnist(needs_data):
    (x_train, y_train), (x_test, y_test) = data.load_arrays("fashion_mnist")
    (x_a, y_a), (x_b, y_b) = pretrain.task_a_b_split(x_train, y_train)
    assert x_a.shape == (48_000, 28, 28) and np.bincount(y_a).tolist() == [6000] * 8
    assert x_b.shape == (12_000, 28, 28) and np.bincount(y_b.astype(int)).tolist() == [6000, 6000]
    (_, y_a_test), (_, y_b_test) = pretrain.task_a_b_split(x_test, y_test)
    assert len(y_a_test) == 8000 and len(y_b_test) == 2000
    with pytest.raises(ValueError, match="3 images but y has 2 labels"):
        pretrain.task_a_b_split(x_train[:3], y_train[:2])


def test_build_model_a_is_gerons_model():
    model = pretrain.build_model_a()
    assert [layer.name for layer in model.layers] == ["rescale", "flatten", "hidden1", "hidden2", "hidden3", "output"]
    assert model.input_shape == (None, 28, 28) and model.output_shape == (None, 8)
    assert model.count_params() == 784 * 100 + 100 + 2 * (100 * 100 + 100) + 100 * 8 + 8
    for layer in model.layers[2:5]:
        assert layer.units == 100 and layer.activation.__name__ == "relu"
        assert isinstance(layer.kernel_initializer, keras.initializers.HeNormal)
    assert model.layers[-1].activation.__name__ == "softmax"
    scaled = model.get_layer("rescale")(np.full((1, 28, 28), 255, np.uint8))
    assert np.allclose(keras.ops.convert_to_numpy(scaled), 1.0)  # takes raw uint8 images


def test_build_mnist_cnn_is_a_small_lenet():
    model = pretrain.build_mnist_cnn()
    assert [layer.name for layer in model.layers] == ["rescale", "conv1", "pool1", "conv2", "pool2", "flatten",
                                                      "dense", "output"]
    assert model.input_shape == (None, 28, 28, 1) and model.output_shape == (None, 10)
    assert model.count_params() == 117_066


def test_unknown_model_name():
    with pytest.raises(ValueError, match="valid names: fashion_mnist_model_a, mnist_cnn"):
        pretrain.train_source_model("model_b", "/nonexistent")


def test_quick_training_is_bit_identical_and_recorded(needs_data, tmp_path):
    first = pretrain.train_source_model("mnist_cnn", tmp_path / "a", seed=3, quick=True)
    second = pretrain.train_source_model("mnist_cnn", tmp_path / "b", seed=3, quick=True)
    other = pretrain.train_source_model("mnist_cnn", tmp_path / "c", seed=4, quick=True)
    assert first["weights_sha256"] == second["weights_sha256"]
    assert other["weights_sha256"] != first["weights_sha256"]
    a = load_weights_npz(build_mnist_cnn(), tmp_path / "a" / "mnist_cnn.weights.npz").get_weights()
    b = load_weights_npz(build_mnist_cnn(), tmp_path / "b" / "mnist_cnn.weights.npz").get_weights()
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert set(first) == ENTRY_KEYS
    assert first["sha256"] == file_sha256(tmp_path / "a" / "mnist_cnn.weights.npz")
    assert first["command"] == "python -m tlcourse.pretrain --only mnist_cnn --seed 3 --quick --out DIR"
    assert first["quick"] is True and first["epochs"] == 1 and first["seed"] == 3
    assert first["sizes"] == {"train": 540, "val": 60, "test": 600}  # 60 images per class per source split
    assert first["classes"] == [str(d) for d in range(10)] and first["dataset"] == "mnist"
    assert first["optimizer"] == {"name": "Adam", "learning_rate": 0.001}
    assert 0 <= first["test_accuracy"] <= 1 and first["keras_version"] == keras.__version__
    assert json.loads((tmp_path / "a" / "manifest.json").read_text())["models"]["mnist_cnn"] == first
    reloaded = load_pretrained("mnist_cnn", models_dir=tmp_path / "a")  # its own manifest.json
    assert pretrain.weights_sha256(reloaded) == first["weights_sha256"]


def test_main_trains_model_a_into_out(needs_data, tmp_path, capsys):
    assert pretrain.main(["--only", "fashion_mnist_model_a", "--quick", "--out", str(tmp_path)]) == 0
    entry = read_manifest(tmp_path)["fashion_mnist_model_a"]
    assert set(entry) == ENTRY_KEYS and list(read_manifest(tmp_path)) == ["fashion_mnist_model_a"]
    assert entry["classes"] == ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sneaker", "Bag",
                                "Ankle boot"]
    assert entry["original_labels"] == [0, 1, 2, 3, 4, 7, 8, 9]
    assert entry["optimizer"] == {"name": "SGD", "learning_rate": 0.001} and entry["batch_size"] == 32
    assert entry["sizes"] == {"train": 432, "val": 48, "test": 480}
    readme = (tmp_path / "README.md").read_text()
    assert "fashion_mnist_model_a.weights.npz" in readme and "python -m tlcourse.pretrain" in readme
    again = pretrain.train_source_model("fashion_mnist_model_a", tmp_path / "again", quick=True)
    assert again["weights_sha256"] == entry["weights_sha256"]  # same seed through main and directly
    assert "test accuracy" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["--quick"], "pass --out DIR"),
    (["--only", "model_b", "--out", "/tmp/x"], "invalid choice: 'model_b'"),
])
def test_main_rejects_bad_arguments(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        pretrain.main(argv)
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


def test_committed_manifest_is_complete():
    models = read_manifest()
    assert manifest_path().name == "pretrained_models.json" and set(models) == set(pretrain.SOURCE_MODELS)
    for name, entry in models.items():
        assert set(entry) == ENTRY_KEYS, name
        assert entry["file"] == f"{name}.weights.npz" and entry["quick"] is False and entry["seed"] == pretrain.SEED
        assert entry["command"] == f"python -m tlcourse.pretrain --only {name}"
        assert entry["intra_op_threads"] == pretrain.THREADS and entry["op_determinism"] is True
    assert models["fashion_mnist_model_a"]["epochs"] == 20 and models["fashion_mnist_model_a"]["test_accuracy"] > 0.9
    assert models["mnist_cnn"]["test_accuracy"] >= 0.985


# ------------------------------------------------------- greedy layer-wise pretraining

from tlcourse.pretrain import GreedyStage, greedy_layerwise  # noqa: E402

GX = np.random.default_rng(0).normal(size=(48, 4, 4)).astype("float32")
GY = np.arange(48) % 3


def _greedy_parts(n=3):
    hidden = [keras.layers.Dense(4, activation="relu", name=f"h{i + 1}") for i in range(n)]
    return [keras.layers.Flatten()], hidden


def _sgd():
    return keras.optimizers.SGD(learning_rate=0.1)


def test_greedy_layerwise_stacks_one_trained_layer_per_stage(capsys):
    stem, hidden = _greedy_parts()
    seen = []

    def head():  # called when each stage is built: h1 must not move once frozen
        if hidden[0].built:
            seen.append([w.copy() for w in hidden[0].get_weights()])
        return keras.layers.Dense(3, activation="softmax")

    model, stages = greedy_layerwise(stem, hidden, head, GX, GY, epochs=2, optimizer=_sgd,
                                     validation_data=(GX, GY), verbose=True)
    assert [s.stage for s in stages] == [1, 2, 3] and [s.layer for s in stages] == ["h1", "h2", "h3"]
    assert all(isinstance(s, GreedyStage) and s.seconds > 0 for s in stages)
    # each stage trains only the new 16x4+4 layer and the new 4x3+3 head (the first: 16 inputs)
    assert [s.trainable_params for s in stages] == [16 * 4 + 4 + 15, 4 * 4 + 4 + 15, 4 * 4 + 4 + 15]
    assert all(0 <= s.val_accuracy <= 1 for s in stages)
    assert [layer.name for layer in model.layers[1:4]] == ["h1", "h2", "h3"]
    assert [layer.trainable for layer in hidden] == [False, False, True]
    assert len(seen) == 2
    for before, after in zip(seen[0], hidden[0].get_weights()):
        np.testing.assert_array_equal(before, after)
    assert model.predict(GX[:2], verbose=0).shape == (2, 3)
    assert capsys.readouterr().out.count("stage ") == 3


def test_greedy_layerwise_without_validation_records_nan():
    stem, hidden = _greedy_parts(1)
    _, stages = greedy_layerwise(stem, hidden, lambda: keras.layers.Dense(3, activation="softmax"),
                                 GX, GY, epochs=1, optimizer=_sgd)
    assert np.isnan(stages[0].val_accuracy) and 0 <= stages[0].accuracy <= 1


@pytest.mark.parametrize("change, error, message", [
    (dict(hidden=[]), ValueError, "hidden is empty"),
    (dict(hidden=["dense"]), TypeError, "must hold Keras layers, got str"),
    (dict(head=keras.layers.Dense(3)), TypeError, "head must be a function.*lambda: keras.layers.Dense"),
    (dict(optimizer=keras.optimizers.SGD()), TypeError, "optimizer must be a function.*SGD"),
    (dict(epochs=0), ValueError, "epochs must be an int >= 1"),
    (dict(y=GY[:5]), ValueError, "x has 48 examples but y has 5"),
])
def test_greedy_layerwise_rejects_bad_input(change, error, message):
    stem, hidden = _greedy_parts(1)
    args = dict(stem=stem, hidden=hidden, head=lambda: keras.layers.Dense(3, activation="softmax"),
                x=GX, y=GY, epochs=1, optimizer=_sgd)
    args.update(change)
    with pytest.raises(error, match=message):
        greedy_layerwise(**args)


def test_greedy_layerwise_wants_new_layers():
    stem, hidden = _greedy_parts(1)
    hidden[0].build((None, 16))
    with pytest.raises(ValueError, match=r"\['h1'\] are already built"):
        greedy_layerwise(stem, hidden, lambda: keras.layers.Dense(3), GX, GY, epochs=1, optimizer=_sgd)
