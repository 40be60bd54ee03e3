"""Pretrained models load only when they are the ones recorded; ImageNet backbones really carry ImageNet weights."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import h5py
import keras
import numpy as np
import pytest

from tlcourse import _files, data, models
from tlcourse.models import BACKBONES, backbone_preprocess, imagenet_backbone, load_pretrained, pretrained_info

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "data" / "models"
NAMES = ["fashion_mnist_model_a", "mnist_cnn"]


def _weights_file(name: str) -> Path:
    try:
        return data.locate(f"{name}_imagenet", download=False)
    except data.DataNotFoundError as error:
        pytest.skip(f"no offline ImageNet weights for {name} (set TLCOURSE_DATA): {error}")


def _h5_weights(path: Path) -> dict[str, list[np.ndarray]]:
    """The weights of a legacy Keras .h5 weight file, by layer name."""
    def text(s):
        return s.decode() if isinstance(s, bytes) else str(s)

    with h5py.File(path, "r") as f:
        return {text(layer): [np.array(f[text(layer)][text(w)]) for w in f[text(layer)].attrs["weight_names"]]
                for layer in f.attrs["layer_names"] if len(f[text(layer)].attrs["weight_names"])}


# --------------------------------------------------------------------------- source models


def test_pretrained_info_and_unknown_names():
    for name in NAMES:
        info = pretrained_info(name)
        assert info["file"] == f"{name}.weights.npz" and len(info["sha256"]) == 64
    info["sha256"] = "changed"
    assert pretrained_info("mnist_cnn")["sha256"] != "changed"  # a copy, not the manifest itself
    for call in (pretrained_info, load_pretrained):
        with pytest.raises(ValueError, match="unknown pretrained model 'resnet50'; valid names: "
                                             "fashion_mnist_model_a, mnist_cnn"):
            call("resnet50")


@pytest.mark.parametrize("name", NAMES)
def test_load_pretrained_reaches_its_manifest_accuracy(name):
    info = pretrained_info(name)
    try:
        split = data.load(info["dataset"], classes=info["original_labels"], verbose=False)
    except data.DataNotFoundError as error:
        pytest.skip(f"{info['dataset']} not on this machine (set TLCOURSE_DATA): {error}")
    model = load_pretrained(name)
    x_test = split.x_test[..., np.newaxis] if len(model.input_shape) == 4 else split.x_test
    assert split.class_names == info["classes"] and len(split.y_test) == info["sizes"]["test"]
    accuracy = model.evaluate(x_test, split.y_test, verbose=0, return_dict=True)["accuracy"]
    assert accuracy == pytest.approx(info["test_accuracy"], abs=0.005)
    assert accuracy > 0.9


@pytest.mark.parametrize("damage", ["truncate", "flip_a_byte"])
def test_load_pretrained_refuses_a_damaged_file(tmp_path, damage):
    info = pretrained_info("fashion_mnist_model_a")
    copy = tmp_path / info["file"]
    shutil.copyfile(COMMITTED / info["file"], copy)
    assert load_pretrained("fashion_mnist_model_a", models_dir=tmp_path).name == "model_A"  # intact copy loads
    raw = bytearray(copy.read_bytes())
    if damage == "truncate":
        raw = raw[: len(raw) // 2]
    else:
        raw[len(raw) // 2] ^= 0xFF
    copy.write_bytes(bytes(raw))
    with pytest.raises(data.CorruptDataError) as error:
        load_pretrained("fashion_mnist_model_a", models_dir=tmp_path)
    message = str(error.value)
    assert f"expected sha256 {info['sha256']}" in message and f"actual sha256 {_files.file_sha256(copy)}" in message
    assert "git checkout data/models" in message
    assert "python -m tlcourse.pretrain --only fashion_mnist_model_a" in message


def test_load_pretrained_missing_file_in_models_dir(tmp_path):
    with pytest.raises(data.DataNotFoundError, match="--only mnist_cnn --out"):
        load_pretrained("mnist_cnn", models_dir=tmp_path)


def _fake_get_file(calls: list, result=None, error: Exception | None = None):
    def get_file(fname, origin, **kwargs):
        calls.append({"fname": fname, "origin": origin, **kwargs})
        if error is not None:
            raise error
        return str(result)
    return get_file


def test_without_checkout_downloads_from_the_repository_url(monkeypatch):
    info = pretrained_info("mnist_cnn")
    calls: list = []
    monkeypatch.delenv("KERAS_HOME", raising=False)  # CI sets it; here: Keras's default cache
    monkeypatch.setattr(_files, "repo_models_dir", lambda: None)  # as after `pip install git+...`
    monkeypatch.setattr(keras.utils, "get_file", _fake_get_file(calls, COMMITTED / info["file"]))
    assert load_pretrained("mnist_cnn").name == "mnist_cnn"
    repository = re.search(r'^Repository\s*=\s*"([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M)[1]
    assert calls == [{"fname": "mnist_cnn.weights.npz",
                      "origin": f"{repository}/raw/main/data/models/mnist_cnn.weights.npz",
                      "file_hash": info["sha256"], "hash_algorithm": "sha256", "cache_subdir": "models/tlcourse",
                      "cache_dir": None}]


def test_without_checkout_uses_the_keras_cache(monkeypatch, tmp_path):
    info = pretrained_info("mnist_cnn")
    cached = tmp_path / "models" / "tlcourse" / info["file"]
    cached.parent.mkdir(parents=True)
    shutil.copyfile(COMMITTED / info["file"], cached)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(_files, "repo_models_dir", lambda: None)
    assert load_pretrained("mnist_cnn").name == "mnist_cnn"  # the real get_file: found, hash checked, no network


@pytest.mark.parametrize("error, expected, message", [
    (Exception("URL fetch failure on https://x: None -- no network"), data.DataNotFoundError,
     "neither in a course checkout"),
    (ValueError("Incomplete or corrupted file detected."), data.CorruptDataError, "does not match the manifest"),
])
def test_without_checkout_offline_or_corrupt_download(monkeypatch, tmp_path, error, expected, message):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(_files, "repo_models_dir", lambda: None)
    monkeypatch.setattr(keras.utils, "get_file", _fake_get_file([], error=error))
    with pytest.raises(expected, match=message):
        load_pretrained("fashion_mnist_model_a")


def test_manifest_ships_as_package_data():
    package_data = re.search(r"^\[tool\.setuptools\.package-data\]\s*\ntlcourse\s*=\s*\[([^\]]*)\]",
                             (ROOT / "pyproject.toml").read_text(), re.M)
    assert package_data and '"pretrained_models.json"' in package_data[1], "add it to [tool.setuptools.package-data]"
    assert models.PACKAGE_MANIFEST.parent == Path(models.__file__).parent


# --------------------------------------------------------------------------- ImageNet backbones


@pytest.mark.parametrize("name, shape, first", [("mobilenet_v2", (128, 128, 3), "Conv1"),
                                                ("mobilenet_025", (96, 112, 3), "conv1")])
def test_backbone_carries_every_imagenet_weight(name, shape, first):
    expected = _h5_weights(_weights_file(name))
    model = imagenet_backbone(name, shape)
    assert model.input_shape == (None, *shape)
    assert {layer.name for layer in model.layers if layer.weights} == set(expected)
    for layer_name, arrays in expected.items():
        got = model.get_layer(layer_name).get_weights()
        assert all(np.array_equal(g, e) for g, e in zip(got, arrays, strict=True)), layer_name
    random = imagenet_backbone(name, shape, weights=None)
    assert not np.array_equal(random.get_layer(first).get_weights()[0], expected[first][0])


def test_backbone_features_at_128_pixels():
    _weights_file("mobilenet_v2")
    model = imagenet_backbone("mobilenet_v2")
    assert model.output_shape == (None, 4, 4, 1280)
    x = backbone_preprocess("mobilenet_v2")(np.random.default_rng(0).uniform(0, 255, (2, 128, 128, 3)))
    assert np.isfinite(keras.ops.convert_to_numpy(model(x))).all()


@pytest.mark.parametrize("name, params", [("mobilenet_v2", 2_257_984), ("mobilenet_025", 218_544),
                                          ("vgg16", 14_714_688), ("resnet50", 23_587_712)])
def test_every_backbone_builds_randomly_initialised(name, params):
    model = imagenet_backbone(name, (32, 32, 3), weights=None)
    assert model.count_params() == params and model.output_shape[1:3] == (1, 1)


def test_missing_weights_raise_locates_error_unchanged(monkeypatch):
    raised = data.DataNotFoundError("ImageNet weights for vgg16 are not on this machine")

    def offline_locate(name, data_dir=None, download=True):
        assert name == "vgg16_imagenet"
        raise raised

    monkeypatch.setattr(models, "locate", offline_locate)
    with pytest.raises(data.DataNotFoundError) as error:
        imagenet_backbone("vgg16", (64, 64, 3))
    assert error.value is raised


def test_missing_weights_offline_end_to_end(monkeypatch, tmp_path):
    (tmp_path / "data").mkdir()
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(keras.utils, "get_file", _fake_get_file([], error=Exception("URL fetch failure")))
    with pytest.raises(data.DataNotFoundError, match="vgg16_imagenet"):
        imagenet_backbone("vgg16", (64, 64, 3), data_dir=tmp_path / "data")
    with pytest.raises(data.DataNotFoundError, match="mobilenet_v2_imagenet"):
        imagenet_backbone("mobilenet_v2", data_dir=tmp_path / "data")


@pytest.mark.parametrize("weights", ["imagenet21k", "/some/file.h5", True])
def test_backbone_weights_must_be_imagenet_or_none(weights):
    with pytest.raises(ValueError, match="weights must be 'imagenet' or None"):
        imagenet_backbone("mobilenet_025", (96, 96, 3), weights=weights)


@pytest.mark.parametrize("shape, message", [
    ((128, 128, 1), "np.repeat\\(x, 3, axis=-1\\)"),
    ((28, 28, 1), "grayscale_to_rgb"),
    ((128, 128, 4), "keras.layers.Concatenate\\(\\)\\(\\[x, x, x\\]\\)"),
    ((128, 128), "must be \\(height, width, 3\\)"),
    ((0, 128, 3), "must be \\(height, width, 3\\)"),
    ((28, 28, 3), "at least 32x32 pixels; got 28x28.*keras.layers.Resizing"),
    ((128, 16, 3), "got 128x16"),
])
def test_backbone_input_shape_messages(shape, message):
    with pytest.raises(ValueError, match=message):
        imagenet_backbone("mobilenet_v2", shape, weights=None)


@pytest.mark.parametrize("name", list(BACKBONES))
def test_each_backbone_names_its_minimum(name):
    with pytest.raises(ValueError, match=f"{name} needs images of at least {BACKBONES[name].min_size}x"):
        imagenet_backbone(name, (16, 16, 3), weights=None)


def test_backbone_accepts_any_size():
    model = imagenet_backbone("mobilenet_025", (None, None, 3), weights=None)
    assert model.input_shape == (None, None, None, 3)
    assert model.predict(np.zeros((1, 40, 72, 3)), verbose=0).shape == (1, 1, 2, 256)


def test_unknown_backbone():
    for call in (backbone_preprocess, imagenet_backbone):
        with pytest.raises(ValueError, match="unknown backbone 'inception'; valid names: mobilenet_v2, "
                                             "mobilenet_025, vgg16, resnet50"):
            call("inception")


def test_backbone_preprocess_matches_keras_applications():
    apps = keras.applications
    assert backbone_preprocess("mobilenet_v2") is apps.mobilenet_v2.preprocess_input
    assert backbone_preprocess("mobilenet_025") is apps.mobilenet.preprocess_input
    assert backbone_preprocess("vgg16") is apps.vgg16.preprocess_input
    assert backbone_preprocess("resnet50") is apps.resnet50.preprocess_input
    scaled = backbone_preprocess("mobilenet_v2")(np.array([[0.0, 127.5, 255.0]]))
    assert np.allclose(scaled, [[-1.0, 0.0, 1.0]])


# --- scratch_cnn: the from-scratch baseline of notebooks 01 and 07 -------------------------------------------------

def test_scratch_cnn_layout_and_fair_batchnorm():
    from tlcourse.models import scratch_cnn

    model = scratch_cnn(2)
    names = [layer.name for layer in model.layers]
    assert names[:3] == ["flip", "scale_0_1", "conv1"] and names[-3:] == ["pool", "dropout", "classifier"]
    assert model.output_shape == (None, 2) and model.get_layer("pool4").output.shape[1:] == (3, 3, 128)
    assert model.count_params() == 98418
    # momentum 0.9: the moving statistics follow the data within tens of steps, not hundreds
    assert all(layer.momentum == 0.9 for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization))
    signs = scratch_cnn(10, (64, 64, 3), flip=False, keep_layout=True)
    assert "flip" not in [layer.name for layer in signs.layers]
    assert signs.get_layer("flatten").output.shape[1] == 2 * 2 * 128 and signs.output_shape == (None, 10)


def test_scratch_cnn_trains_and_predicts_from_raw_pixels():
    from tlcourse.models import scratch_cnn

    keras.utils.set_random_seed(0)
    model = scratch_cnn(3, (32, 32, 3))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).integers(0, 256, (8, 32, 32, 3)).astype("uint8")
    model.fit(x, np.arange(8) % 3, epochs=1, verbose=0)
    probabilities = model.predict(x, verbose=0)
    assert probabilities.shape == (8, 3) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)


@pytest.mark.parametrize("call, message", [
    (lambda f: f(0), r"scratch_cnn\(\): num_classes must be a positive int; got 0"),
    (lambda f: f(2, (16, 16, 3)), r"at least 32x32 pixels; got 16x16\. Resize the photos, e\.g\. "
                                  r"data\.load\(name, image_size=\(96, 96\)\)"),
    (lambda f: f(2, (96, 96)), r"input_shape must be \(height, width, channels\)"),
])
def test_scratch_cnn_rejects_bad_input_with_the_fix(call, message):
    from tlcourse.models import scratch_cnn

    with pytest.raises(ValueError, match=message):
        call(scratch_cnn)
