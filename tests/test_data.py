"""tlcourse.data: registry, locating and checking files, image folders, splits, loaders.

Real-data tests read the offline copies named by ``TLCOURSE_DATA`` (CI sets it) and skip
with a reason when it is not set. Nothing here downloads: ``keras.utils.get_file`` is
replaced by a stub that fails, and ``KERAS_HOME`` points to an empty temporary folder.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import importlib
import io
import os
import pickle
import shutil
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import keras
import numpy as np
import pytest

import tlcourse.config as config
import tlcourse.data as data

SHARED = config.data_dir()
needs_data = pytest.mark.skipif(SHARED is None or not SHARED.is_dir(),
                                reason="set TLCOURSE_DATA to the offline data sets (CI does)")
MOBILENET_025 = "mobilenet_2_5_224_tf_no_top.h5"


class Offline(Exception):
    """Raised by the get_file stub: there is no network in tests."""


@pytest.fixture(autouse=True)
def no_network(monkeypatch, tmp_path):
    """An empty Keras cache and a get_file that fails like an offline machine."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))

    def offline(*args, **kwargs):
        raise Offline(f"URL fetch failure on {kwargs.get('origin')}: None -- no network in tests")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    return offline


@pytest.fixture
def empty_data(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


def _write_image(path, color, size=(6, 5)):
    path.parent.mkdir(parents=True, exist_ok=True)
    keras.utils.save_img(path, np.full((*size, 3), color, dtype=np.uint8), scale=False)


@pytest.fixture
def folder(tmp_path):
    """classes a (3 images), b (4), c (2); PNGs whose colour encodes class and index."""
    root = tmp_path / "images"
    for k, (name, n) in enumerate({"a": 3, "b": 4, "c": 2}.items()):
        for i in range(n):
            _write_image(root / name / f"{i:02d}.png", 40 * k + i)
    (root / "a" / ".DS_Store").write_bytes(b"junk")
    (root / "b" / "notes.txt").write_text("not an image")
    return root


# --------------------------------------------------------------------------- registry


def test_registry_has_the_course_entries():
    for name in ("mnist", "fashion_mnist", "cifar10", "sign_language_digits", "cats_vs_dogs", "digits",
                 "mobilenet_v2_imagenet", "mobilenet_025_imagenet", "vgg16_imagenet", "resnet50_imagenet"):
        entry = data.DATASETS[name]
        assert entry.name == name and entry.kind in {"arrays", "image_folder", "bundled", "weights"}
        assert entry.licence and entry.citation and entry.layout and entry.title
        expected = {"sha256": 64, "md5": 32, "none": None}[entry.hash_algorithm]
        assert (len(entry.file_hash) if entry.file_hash else None) == expected, name
        assert all(len(h) == 64 and int(h, 16) >= 0 for h in entry.offline_sha256)
        if entry.kind != "bundled":
            assert entry.url.startswith("https://") and entry.cache_subdir in {"datasets", "models"}
    assert data.info("cifar10").class_names == ("airplane", "automobile", "bird", "cat", "deer",
                                                "dog", "frog", "horse", "ship", "truck")
    assert data.info("mnist").local_path == "mnist/mnist.npz"
    assert data.info("sign_language_digits").local_path == "sign-language-digits/Dataset"
    assert data.info("mobilenet_025_imagenet").local_path == f"keras-applications/{MOBILENET_025}"
    assert data.info("sign_language_digits").num_images == 2062
    cats = data.info("cats_vs_dogs")
    assert cats.class_names == ("cat", "dog") and cats.local_path == "cats-vs-dogs" and cats.num_images == 4000
    assert cats.offline_sha256 == ("32395fd00bbb74d1c96c32d14a9c4ae288223a12c71b735c780dd39b7dd1f419",)
    assert cats.url == "https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip"
    assert cats.tree_sha256 is None, "the download holds other photos: the offline hash must not check it"


def _captured(call):
    """The arguments Keras passes to get_file (which is stopped before downloading)."""
    seen = {}

    def capture(fname=None, origin=None, **kwargs):
        seen.update(fname=fname, origin=origin, **kwargs)
        raise Offline("captured")

    with pytest.MonkeyPatch.context() as mp:
        for module in ("keras.src.datasets.mnist", "keras.src.datasets.cifar10"):
            mp.setattr(importlib.import_module(module), "get_file", capture)
        mp.setattr(importlib.import_module("keras.src.utils.file_utils"), "get_file", capture)
        with pytest.raises(Offline):
            call()
    return seen


@pytest.mark.parametrize("name, call", [
    ("mnist", lambda: keras.datasets.mnist.load_data()),
    ("cifar10", lambda: keras.datasets.cifar10.load_data()),
    ("mobilenet_025_imagenet", lambda: keras.applications.MobileNet(
        input_shape=(224, 224, 3), alpha=0.25, include_top=False, weights="imagenet")),
    ("mobilenet_v2_imagenet", lambda: keras.applications.MobileNetV2(
        input_shape=(224, 224, 3), include_top=False, weights="imagenet")),
    ("vgg16_imagenet", lambda: keras.applications.VGG16(input_shape=(32, 32, 3), include_top=False,
                                                        weights="imagenet")),
    ("resnet50_imagenet", lambda: keras.applications.ResNet50(input_shape=(32, 32, 3), include_top=False,
                                                              weights="imagenet")),
])
def test_registry_asks_get_file_exactly_what_keras_asks(name, call):
    seen, entry = _captured(call), data.info(name)
    assert seen["origin"] == entry.url
    # newer Keras names the archive after a folder it extracts into; Keras 3.3 extracts beside it
    assert seen["fname"] in {entry.cache_path.split("/")[0], entry.cache_path.split("/")[-1]}
    assert seen.get("cache_subdir", "datasets") == entry.cache_subdir
    if seen.get("file_hash"):  # Keras's own hash (md5 for VGG16 and ResNet50)
        assert seen["file_hash"] == entry.file_hash
    else:  # Keras checks nothing; ours is the known sha256 of Keras's file, or none
        assert entry.file_hash in (None, *entry.offline_sha256)


def test_fashion_mnist_parts_are_what_keras_asks(monkeypatch):
    seen = []

    def capture(fname, origin, cache_subdir):
        seen.append((fname, origin, cache_subdir))
        raise Offline("captured")

    monkeypatch.setattr(importlib.import_module("keras.src.datasets.fashion_mnist"), "get_file", capture)
    with pytest.raises(Offline):
        keras.datasets.fashion_mnist.load_data()
    entry = data.info("fashion_mnist")
    assert seen == [(entry.parts[0], entry.url + entry.parts[0], os.path.join("datasets", entry.cache_path))]
    assert len(entry.parts) == 4


def test_info_unknown_name_suggests_close_and_lists_all():
    with pytest.raises(ValueError, match=r"unknown data set 'mnsit'\. Did you mean 'mnist'\?.*"
                                         r"Valid names: mnist, fashion_mnist, cifar10"):
        data.info("mnsit")
    with pytest.raises(ValueError, match="Valid names") as excinfo:
        data.info("zzzzzz")
    assert "Did you mean" not in str(excinfo.value)
    with pytest.raises(TypeError, match="name must be a str"):
        data.info(3)


def test_info_accepts_dashes_and_case():
    assert data.info("Fashion-MNIST") is data.DATASETS["fashion_mnist"]


def test_datasets_table():
    table = data.datasets_table()
    lines = table.splitlines()
    assert lines[0].split() == ["name", "title", "kind", "images", "classes", "licence", "source"]
    assert len(lines) == len(data.DATASETS) + 2 and set(lines[1]) == {"-"}
    assert any(line.startswith("sign_language_digits") and "2,062" in line for line in lines)
    assert any(line.startswith("cats_vs_dogs") and "Dogs vs. Cats photos" in line and "4,000" in line
               for line in lines)
    assert max(len(line) for line in lines) < 160


# --------------------------------------------------------------------------- locate / verify


@needs_data
def test_locate_finds_offline_copies_through_the_environment():
    assert data.locate("mnist") == SHARED / "mnist" / "mnist.npz"
    assert data.locate("cifar10") == SHARED / "cifar10-jpg"
    assert data.locate("sign_language_digits") == SHARED / "sign-language-digits" / "Dataset"
    assert data.locate("cats_vs_dogs") == SHARED / "cats-vs-dogs"
    assert data.locate("mobilenet_v2_imagenet").name == \
        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5"


def test_locate_digits_is_the_bundled_file():
    path = data.locate("digits", download=False)
    assert path.name == "digits.csv.gz" and path.is_file()


@needs_data
def test_locate_uses_the_keras_cache_when_the_data_folder_lacks_the_file(tmp_path, empty_data):
    cache = tmp_path / "keras_home" / "models"
    cache.mkdir(parents=True)
    shutil.copy(SHARED / "keras-applications" / MOBILENET_025, cache / MOBILENET_025)
    assert data.locate("mobilenet_025_imagenet", data_dir=empty_data) == cache / MOBILENET_025
    assert data.locate("mobilenet_025_imagenet", data_dir=empty_data, download=False) == cache / MOBILENET_025


@needs_data
def test_locate_rejects_a_truncated_file(empty_data):
    bad = empty_data / "mnist" / "mnist.npz"
    bad.parent.mkdir()
    bad.write_bytes((SHARED / "mnist" / "mnist.npz").read_bytes()[:5000])
    actual = hashlib.sha256(bad.read_bytes()).hexdigest()
    with pytest.raises(data.CorruptDataError, match=rf"{bad}.*sha256 is {actual}.*expected sha256 731c5ac6.*"
                                                    r"or sha256 06af5dfe.*Delete it and run again"):
        data.locate("mnist", data_dir=empty_data)


@needs_data
def test_file_without_published_hash_must_at_least_open(tmp_path, empty_data):
    import h5py

    name = data.info("mobilenet_v2_imagenet").cache_path
    bad = empty_data / "keras-applications" / name
    bad.parent.mkdir()
    bad.write_bytes((SHARED / "keras-applications" / name).read_bytes()[:100_000])
    with pytest.raises(data.CorruptDataError, match="expected sha256 71e4c4ec"):
        data.locate("mobilenet_v2_imagenet", data_dir=empty_data)
    bad.unlink()
    with h5py.File(bad, "w") as f:  # stands for Keras's own download, whose hash is not published
        f["layer"] = np.ones(3)
    assert data.locate("mobilenet_v2_imagenet", data_dir=empty_data) == bad


def test_md5_file_hash_is_checked_as_keras_does(monkeypatch, tmp_path, empty_data):
    cache = tmp_path / "keras_home" / "models"
    cache.mkdir(parents=True)
    fake = cache / data.info("vgg16_imagenet").cache_path
    fake.write_bytes(b"not the VGG16 weights")
    with pytest.raises(data.CorruptDataError, match="expected md5 6d6bbae143d832006294945121d1f1fc"):
        data.locate("vgg16_imagenet", data_dir=empty_data)
    entry = dataclasses.replace(data.info("vgg16_imagenet"), file_hash=hashlib.md5(fake.read_bytes()).hexdigest())
    monkeypatch.setitem(data.DATASETS, "vgg16_imagenet", entry)
    assert data.locate("vgg16_imagenet", data_dir=empty_data) == fake


def test_missing_and_offline_names_url_and_folders(tmp_path, empty_data, monkeypatch):
    monkeypatch.setenv("TLCOURSE_DATA", str(empty_data))
    entry = data.info("resnet50_imagenet")
    cache_file = tmp_path / "keras_home" / "models" / entry.cache_path
    with pytest.raises(data.DataNotFoundError) as excinfo:
        data.locate("resnet50_imagenet")
    message = str(excinfo.value)
    for part in ("'resnet50_imagenet'", "could not be downloaded", "URL fetch failure", entry.url,
                 str(cache_file), str(empty_data / entry.local_path), "TLCOURSE_DATA"):
        assert part in message, part
    assert isinstance(excinfo.value, FileNotFoundError)


def test_missing_sign_language_says_how_to_extract(empty_data):
    with pytest.raises(data.DataNotFoundError, match=r"master\.zip, extract it and copy its Dataset/ folder to "
                                                     rf"{empty_data}/sign-language-digits/Dataset"):
        data.locate("sign_language_digits", data_dir=empty_data)


def test_missing_without_data_folder_says_tlcourse_data_is_unset(monkeypatch):
    monkeypatch.delenv("TLCOURSE_DATA", raising=False)
    with pytest.raises(data.DataNotFoundError, match="TLCOURSE_DATA is not set"):
        data.locate("mnist")


def test_download_false_never_calls_get_file(monkeypatch, empty_data):
    monkeypatch.setattr(keras.utils, "get_file", lambda *a, **k: pytest.fail("get_file was called"))
    with pytest.raises(data.DataNotFoundError, match=r"download=False.*tf-keras-datasets/mnist\.npz"):
        data.locate("mnist", data_dir=empty_data, download=False)


@needs_data
def test_download_goes_to_the_keras_cache_through_get_file(monkeypatch, tmp_path, empty_data):
    calls = []

    def fake_get_file(fname, origin, file_hash=None, extract=False, cache_subdir="datasets", cache_dir=None):
        calls.append((fname, origin, file_hash, extract, cache_subdir))
        target = os.path.join(cache_dir, cache_subdir, fname)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy(SHARED / "keras-applications" / MOBILENET_025, target)
        return target

    monkeypatch.setattr(keras.utils, "get_file", fake_get_file)
    entry = data.info("mobilenet_025_imagenet")
    path = data.locate("mobilenet_025_imagenet", data_dir=empty_data)
    assert path == tmp_path / "keras_home" / "models" / MOBILENET_025
    assert calls == [(MOBILENET_025, entry.url, entry.file_hash, False, "models")]
    data.locate("mobilenet_025_imagenet", data_dir=empty_data)
    assert len(calls) == 1, "the second call must find the cached file"


def _symlinked_tree(source, target, replace=None):
    """A copy of an image tree made of symlinks; ``replace`` (relative path) gets other bytes."""
    for path in source.rglob("*"):
        if path.is_file():
            link = target / path.relative_to(source)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(path)
    if replace:
        (target / replace).unlink()
        (target / replace).write_bytes(b"\xff\xd8 other bytes")
    return target


@needs_data
@pytest.mark.parametrize("replace", [None, "3/IMG_1121.JPG"])
def test_downloaded_archive_is_checked_by_content_hash(monkeypatch, empty_data, replace):
    source = SHARED / "sign-language-digits" / "Dataset"

    def fake_get_file(fname, origin, file_hash=None, extract=False, cache_subdir="datasets", cache_dir=None):
        assert extract and file_hash is None and origin.endswith("/archive/refs/heads/master.zip")
        extracted = os.path.join(cache_dir, cache_subdir, fname)
        _symlinked_tree(source, data.Path(extracted) / "Sign-Language-Digits-Dataset-master" / "Dataset", replace)
        return extracted

    monkeypatch.setattr(keras.utils, "get_file", fake_get_file)
    if replace is None:
        path = data.locate("sign_language_digits", data_dir=empty_data)
        assert path.parts[-2:] == ("Sign-Language-Digits-Dataset-master", "Dataset")
    else:
        with pytest.raises(data.CorruptDataError, match=r"content hash [0-9a-f]{64}, expected 30d0ee3c"):
            data.locate("sign_language_digits", data_dir=empty_data)


def _zip_of_images(path, names):
    """A zip archive at ``path`` holding a small JPEG under each name: colour 40 * index, sizes vary."""
    with zipfile.ZipFile(path, "w") as archive:
        for i, name in enumerate(names):
            buffer = io.BytesIO()
            image = np.full((6 + i % 3, 5 + i % 2, 3), 40 * i, np.uint8)
            keras.utils.array_to_img(image, scale=False).save(buffer, "JPEG")
            archive.writestr(name, buffer.getvalue())
    return path


def _keras_get_file(version):
    """get_file as Keras 3.3-3.5 or 3.6+ lay out and return an extracted archive, from a file:// origin.

    3.3-3.5 keep the archive as <fname>, extract it beside and return the archive's path; 3.6+
    keep it as <fname> (dotted) or <fname>_archive and return the folder they extract into.
    """
    def get_file(fname, origin, file_hash=None, extract=False, cache_subdir="datasets", cache_dir=None):
        datadir = Path(cache_dir) / cache_subdir
        datadir.mkdir(parents=True, exist_ok=True)
        if version == "3.3-3.5":
            archive, folder = datadir / fname, datadir
        elif "." in fname:
            archive, folder = datadir / fname, datadir / (fname[: fname.find(".")] + "_extracted")
        else:
            archive, folder = datadir / f"{fname}_archive", datadir / fname
        shutil.copy(url2pathname(urlsplit(origin).path), archive)
        if file_hash and hashlib.sha256(archive.read_bytes()).hexdigest() != file_hash:
            raise ValueError(f"Incomplete or corrupted file detected. The sha256 file hash does not match "
                             f"the provided value of {file_hash}.")
        with zipfile.ZipFile(archive) as z:
            z.extractall(folder)
        return str(archive if version == "3.3-3.5" else folder)

    return get_file


@pytest.mark.parametrize("version", ["3.3-3.5", "3.6+"])
@pytest.mark.parametrize("fname, inside", [("toy.zip", "toy_extracted/toy"), ("toy-target", "toy-target/toy")])
def test_extracted_archive_is_found_on_every_keras_3(monkeypatch, tmp_path, empty_data, version, fname, inside):
    source = _zip_of_images(tmp_path / "source.zip", ["toy/a/0.jpg", "toy/a/1.jpg", "toy/b/0.jpg"])
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    entry = dataclasses.replace(data.info("sign_language_digits"), name="toy", url=source.as_uri(),
                                cache_path=f"{fname}/toy", file_hash=sha, hash_algorithm="sha256",
                                tree_sha256=None, offline_sha256=(), folder_counts=(("a", 2), ("b", 1)))
    monkeypatch.setitem(data.DATASETS, "toy", entry)
    monkeypatch.setattr(keras.utils, "get_file", _keras_get_file(version))
    cache = tmp_path / "keras_home" / "datasets"
    expected = cache / ("toy" if version == "3.3-3.5" else inside)
    assert data.locate("toy", data_dir=empty_data) == expected
    assert data.locate("toy", data_dir=empty_data, download=False) == expected, "found again in the cache"
    assert data.verify("toy", data_dir=empty_data) == sha, "verify checks the archive Keras keeps"
    assert data.load_image_folder(expected, image_size=(6, 5))[0].shape == (3, 6, 5, 3)


_TUTORIAL_ZIP = [f"cats_and_dogs_filtered/{s}/{c}s/{c}.{n}.jpg"  # colours 0, 40 (train cats) ... 160, 200 (test)
                 for s, ns in (("train", (0, 1)), ("validation", (2000,))) for c in ("cat", "dog") for n in ns]


def _tutorial_archive(monkeypatch, tmp_path, file_hash="of the archive"):
    """A small cats_and_dogs_filtered.zip served from a file:// URL in place of TensorFlow's archive."""
    source = _zip_of_images(tmp_path / "cats_and_dogs_filtered.zip", _TUTORIAL_ZIP)
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    entry = data.info("cats_vs_dogs")
    small = tuple((ours, its, 2 if ours.startswith("train") else 1) for ours, its, _ in entry.download_folders)
    file_hash = sha if file_hash == "of the archive" else file_hash
    monkeypatch.setitem(data.DATASETS, "cats_vs_dogs", dataclasses.replace(
        entry, url=source.as_uri(), file_hash=file_hash, hash_algorithm="sha256" if file_hash else "none",
        download_folders=small))
    return sha


@pytest.mark.parametrize("keras_get_file", ["installed", "3.3-3.5", "3.6+"])
def test_cats_vs_dogs_download_maps_the_tutorial_layout(monkeypatch, tmp_path, empty_data, keras_get_file):
    real = importlib.import_module("keras.src.utils.file_utils").get_file
    fake = None if keras_get_file == "installed" else _keras_get_file(keras_get_file)
    monkeypatch.setattr(keras.utils, "get_file", fake or real)
    sha = _tutorial_archive(monkeypatch, tmp_path)
    split = data.load("cats_vs_dogs", data_dir=empty_data, image_size=(8, 8), val_size=0.5, verbose=False)
    assert split.class_names == ["cat", "dog"] and split.sizes() == {"train": 2, "val": 2, "test": 2}
    assert split.x_train.shape[1:] == (8, 8, 3) and split.x_train.dtype == np.uint8 and split.y_test.dtype == np.int64
    assert split.y_test.tolist() == [0, 1], "test is validation/cats then validation/dogs"
    assert np.abs(split.x_test[:, 4, 4, 0].astype(int) - [160, 200]).max() <= 3
    assert sorted(np.concatenate([split.x_train, split.x_val])[:, 4, 4, 0] // 40 * 40) == [0, 40, 80, 120]
    assert split.check_no_leakage() == 6
    path = data.locate("cats_vs_dogs", data_dir=empty_data, download=False)
    assert path.name == "cats_and_dogs_filtered" and (path / "validation" / "cats").is_dir()
    assert data.verify("cats_vs_dogs", data_dir=empty_data) == sha


def test_cats_vs_dogs_download_with_the_wrong_sha256_is_refused(monkeypatch, tmp_path, empty_data):
    monkeypatch.setattr(keras.utils, "get_file", importlib.import_module("keras.src.utils.file_utils").get_file)
    _tutorial_archive(monkeypatch, tmp_path, file_hash="0" * 64)
    with pytest.raises(data.CorruptDataError, match=r"downloaded from file://.*but is not the expected file "
                                                    r"\(.*hash does not match .* of 0{64}\.?\)\. Run again"):
        data.locate("cats_vs_dogs", data_dir=empty_data)
    assert not (tmp_path / "keras_home" / "datasets" / "cats_and_dogs_extracted").exists(), "never extracted"


def test_cats_vs_dogs_download_without_a_recorded_sha256_warns(monkeypatch, tmp_path, empty_data):
    monkeypatch.setattr(keras.utils, "get_file", _keras_get_file("3.6+"))
    sha = _tutorial_archive(monkeypatch, tmp_path, file_hash=None)
    with pytest.warns(UserWarning, match=r"no sha256 is recorded for file://.*checked only by its number of files"):
        path = data.locate("cats_vs_dogs", data_dir=empty_data)
    assert data.verify("cats_vs_dogs", data_dir=empty_data) == sha, "verify still checks the zip's CRCs"
    (path / "validation" / "dogs" / "dog.2000.jpg").unlink()
    with pytest.raises(data.CorruptDataError, match=r"validation/dogs/: 0 files, expected 1"):
        data.load("cats_vs_dogs", data_dir=empty_data, image_size=(8, 8), verbose=False)


def test_missing_cats_vs_dogs_says_how_to_get_either_copy(tmp_path, empty_data):
    with pytest.raises(data.DataNotFoundError) as excinfo:
        data.load("cats_vs_dogs", data_dir=empty_data, image_size=(160, 160))
    message = str(excinfo.value)
    cache = tmp_path / "keras_home" / "datasets" / "cats_and_dogs_extracted" / "cats_and_dogs_filtered"
    for part in ("https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip",
                 f"extract it so that {cache} holds train/cats/, train/dogs/, validation/cats/, validation/dogs/",
                 f"{empty_data / 'cats-vs-dogs'} (train/cat/, train/dog/, test/cat/, test/dog/)", "TLCOURSE_DATA"):
        assert part in message, part


def test_a_folder_of_mixed_sizes_needs_image_size(monkeypatch):
    monkeypatch.setitem(data.DATASETS, "cats_vs_dogs",
                        dataclasses.replace(data.DATASETS["cats_vs_dogs"], default_size=None))
    with pytest.raises(ValueError, match=r"have different sizes, so image_size is required: pass "
                                         r"image_size=\(height, width\), e\.g\. load\('cats_vs_dogs', "
                                         r"image_size=\(160, 160\)\)"):
        data.load("cats_vs_dogs", verbose=False)


@needs_data
def test_cats_vs_dogs_loads_at_the_tutorials_160_px_by_default():
    split = data.load("cats_vs_dogs", limit_per_class=10, verbose=False)
    assert split.x_train.shape[1:] == (160, 160, 3) and split.x_test.shape == (20, 160, 160, 3)


@needs_data
def test_load_cats_vs_dogs_offline(capsys):
    split = data.load("cats_vs_dogs", image_size=(32, 32), limit_per_class=10)
    assert capsys.readouterr().out == ("cats_vs_dogs: train 18, val 2, test 20 images, 2 classes (cat, dog), "
                                       "32x32x3 uint8\n")
    assert split.class_names == ["cat", "dog"] and split.x_test.shape == (20, 32, 32, 3)
    assert split.x_train.dtype == np.uint8 and split.y_train.dtype == np.int64
    assert np.bincount(split.y_test).tolist() == [10, 10] and np.bincount(split.y_val).tolist() == [1, 1]
    dogs, _, _ = data.load_image_folder(SHARED / "cats-vs-dogs" / "test", (32, 32), ["dog"], limit_per_class=10)
    assert np.array_equal(split.x_test[split.y_test == 1], dogs), "test must be the test/ photos, dogs labelled 1"
    assert split.check_no_leakage() == 40
    again = data.load("cats_vs_dogs", image_size=(32, 32), limit_per_class=10, verbose=False)
    other = data.load("cats_vs_dogs", image_size=(32, 32), limit_per_class=10, seed=1, verbose=False)
    assert np.array_equal(split.x_train, again.x_train) and not np.array_equal(split.x_test, other.x_test)


@needs_data
def test_verify_cats_vs_dogs_folder_hash(empty_data):
    assert data.verify("cats_vs_dogs") == "32395fd00bbb74d1c96c32d14a9c4ae288223a12c71b735c780dd39b7dd1f419"
    _symlinked_tree(SHARED / "cats-vs-dogs", empty_data / "cats-vs-dogs", replace="test/dog/dog.4001.jpg")
    data.locate("cats_vs_dogs", data_dir=empty_data)  # the cheap check passes: same counts
    with pytest.raises(data.CorruptDataError, match="content hash .* expected 32395fd0"):
        data.verify("cats_vs_dogs", data_dir=empty_data)


@needs_data
def test_folder_copy_with_missing_files_is_caught_on_every_load(empty_data):
    copy = empty_data / "sign-language-digits" / "Dataset"
    _symlinked_tree(SHARED / "sign-language-digits" / "Dataset", copy)
    shutil.rmtree(copy / "9")
    (copy / "0" / "IMG_1118.JPG").unlink()
    with pytest.raises(data.CorruptDataError, match=r"0/: 204 files, expected 205; 9/: 0 files, expected 204"):
        data.load("sign_language_digits", data_dir=empty_data, verbose=False)


@needs_data
def test_verify_full_checks(empty_data):
    assert data.verify("sign_language_digits") == data.info("sign_language_digits").tree_sha256
    assert data.verify("mnist") == data.info("mnist").offline_sha256[0]
    assert data.verify("mobilenet_025_imagenet") == data.info("mobilenet_025_imagenet").file_hash
    assert len(data.verify("digits")) == 64
    copy = _symlinked_tree(SHARED / "sign-language-digits" / "Dataset",
                           empty_data / "sign-language-digits" / "Dataset", replace="5/IMG_1123.JPG")
    data.locate("sign_language_digits", data_dir=empty_data)  # the cheap check passes: same counts
    with pytest.raises(data.CorruptDataError, match="content hash"):
        data.verify("sign_language_digits", data_dir=empty_data)
    with pytest.raises(data.DataNotFoundError, match="download=False"):
        data.verify("mnist", data_dir=copy)


def test_tree_sha256_is_the_documented_shell_command(folder):
    shell = ("find . -path '*/.*' -prune -o -type f -print | sed 's|^\\./||' | LC_ALL=C sort "
             "| xargs -d '\\n' sha256sum | sha256sum")
    expected = subprocess.run(shell, shell=True, cwd=folder, capture_output=True, text=True, check=True)
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("hidden folders do not count")
    assert data.tree_sha256(folder) == expected.stdout.split()[0]


# --------------------------------------------------------------------------- arrays


@needs_data
def test_load_arrays_offline_as_keras_returns_them():
    (x_train, y_train), (x_test, y_test) = data.load_arrays("mnist")
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8 and y_test.shape == (10000,)
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    (x_train, y_train), (x_test, y_test) = data.load_arrays("fashion_mnist")
    assert x_train.shape == (60000, 28, 28) and np.bincount(y_train).tolist() == [6000] * 10
    assert abs(x_test.mean() / 255 - 0.2860) < 0.002


def test_load_arrays_rejects_other_kinds():
    with pytest.raises(ValueError, match="load_arrays reads mnist, fashion_mnist, cifar10; 'digits' is a bundled"):
        data.load_arrays("digits")


def _idx(array, magic):
    header = magic.to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return gzip.compress(header + array.tobytes())


def test_load_arrays_reads_keras_fashion_mnist_cache(tmp_path, empty_data):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (7, 28, 28), dtype=np.uint8)
    y = rng.integers(0, 10, 7, dtype=np.uint8)
    folder = tmp_path / "keras_home" / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    for prefix in ("train", "t10k"):
        (folder / f"{prefix}-labels-idx1-ubyte.gz").write_bytes(_idx(y, 2049))
        (folder / f"{prefix}-images-idx3-ubyte.gz").write_bytes(_idx(x, 2051))
    (x_train, y_train), (x_test, _) = data.load_arrays("fashion_mnist", data_dir=empty_data)
    assert np.array_equal(x_train, x) and np.array_equal(y_train, y) and np.array_equal(x_test, x)
    (folder / "t10k-images-idx3-ubyte.gz").write_bytes(b"truncated")
    with pytest.raises(data.CorruptDataError, match="cannot read the Fashion-MNIST files"):
        data.load_arrays("fashion_mnist", data_dir=empty_data)


def test_load_arrays_reads_keras_cifar10_cache_channels_last(tmp_path, empty_data):
    folder = tmp_path / "keras_home" / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rows, cols = np.mgrid[:32, :32].astype(np.uint8)
    planes = np.stack([rows, cols, np.full((32, 32), 30, np.uint8)])  # R = row, G = column, B = 30
    for i, batch in enumerate([f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]):
        with open(folder / batch, "wb") as f:
            pickle.dump({b"data": np.stack([planes.reshape(-1)] * 2), b"labels": [i, 9 - i]}, f)
    (x_train, y_train), (x_test, y_test) = data.load_arrays("cifar10", data_dir=empty_data)
    assert x_train.shape == (10, 32, 32, 3) and x_test.shape == (2, 32, 32, 3)
    assert x_train[0, 5, 7].tolist() == [5, 7, 30] and y_train.shape == (10,)
    assert y_train.tolist() == [0, 9, 1, 8, 2, 7, 3, 6, 4, 5] and y_test.tolist() == [5, 4]
    with pytest.raises(data.CorruptDataError, match="archive .*_archive is gone"):
        data.verify("cifar10", data_dir=empty_data)


# --------------------------------------------------------------------------- image folders


def test_load_image_folder_order_labels_and_skips(folder):
    x, y, names = data.load_image_folder(folder)
    assert names == ["a", "b", "c"] and x.shape == (9, 6, 5, 3) and x.dtype == np.uint8
    assert y.dtype == np.int64 and y.tolist() == [0, 0, 0, 1, 1, 1, 1, 2, 2]
    assert x[:, 0, 0, 0].tolist() == [0, 1, 2, 40, 41, 42, 43, 80, 81]


def test_load_image_folder_class_subset_in_given_order_and_resize(folder):
    x, y, names = data.load_image_folder(str(folder), image_size=(3, 4), class_names=["c", "a"])
    assert names == ["c", "a"] and y.tolist() == [0, 0, 1, 1, 1] and x.shape == (5, 3, 4, 3)
    assert x[:, 0, 0, 0].tolist() == [80, 81, 0, 1, 2]


def test_load_image_folder_limit_is_seeded_and_per_class(folder):
    x1, y1, _ = data.load_image_folder(folder, limit_per_class=2, seed=1)
    x2, _, _ = data.load_image_folder(folder, limit_per_class=2, seed=1)
    assert np.bincount(y1).tolist() == [2, 2, 2] and np.array_equal(x1, x2)
    picks = {tuple(data.load_image_folder(folder, limit_per_class=2, seed=s)[0][2:4, 0, 0, 0]) for s in range(8)}
    assert len(picks) > 1, "different seeds must pick different subsets"
    alone, _, _ = data.load_image_folder(folder, class_names=["b"], limit_per_class=2, seed=1)
    assert np.array_equal(alone, x1[2:4]), "a class's subset must not depend on the other classes"


def test_load_image_folder_needs_image_size_for_mixed_sizes(folder):
    _write_image(folder / "c" / "big.png", 7, size=(12, 10))
    with pytest.raises(ValueError, match=r"different sizes \[\(6, 5\), \(12, 10\)\]: pass image_size"):
        data.load_image_folder(folder)
    assert data.load_image_folder(folder, image_size=(6, 5))[0].shape == (10, 6, 5, 3)


def test_load_image_folder_errors(folder, tmp_path):
    with pytest.raises(data.DataNotFoundError, match="does not exist"):
        data.load_image_folder(tmp_path / "nowhere")
    (tmp_path / "flat").mkdir()
    with pytest.raises(ValueError, match="has no class sub-folders"):
        data.load_image_folder(tmp_path / "flat")
    with pytest.raises(ValueError, match=r"unknown: \['d'\]\)\. Available: a, b, c"):
        data.load_image_folder(folder, class_names=["a", "d"])
    with pytest.raises(ValueError, match="distinct"):
        data.load_image_folder(folder, class_names=["a", "a"])
    (folder / "empty").mkdir()
    with pytest.raises(ValueError, match="has no images"):
        data.load_image_folder(folder)


@pytest.mark.parametrize("bad", [32, (32,), (0, 32), (32.0, 32), "32x32", (True, 3)])
def test_load_image_folder_rejects_bad_image_size(folder, bad):
    with pytest.raises(ValueError, match=r"image_size must be None or \(height, width\)"):
        data.load_image_folder(folder, image_size=bad)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_load_image_folder_rejects_bad_limit(folder, bad):
    with pytest.raises(ValueError, match="limit_per_class must be None or a positive int"):
        data.load_image_folder(folder, limit_per_class=bad)


# --------------------------------------------------------------------------- splits


def _distinct_images(n, classes):
    x = np.arange(n * 4, dtype=np.int32).reshape(n, 2, 2)  # every image is different
    return x, np.arange(n) % classes


def test_stratified_split_sizes_and_proportions():
    x, y = _distinct_images(200, 4)
    split = data.stratified_split(x, y, val_size=0.1, test_size=0.2, seed=0)
    assert split.sizes() == {"train": 140, "val": 20, "test": 40}
    for ys in (split.y_train, split.y_val, split.y_test):
        assert np.ptp(np.bincount(ys)) == 0, "every class must be equally represented"
    assert split.check_no_leakage() == 200
    assert split.class_names == ["0", "1", "2", "3"]
    merged = np.concatenate([split.x_train, split.x_val, split.x_test])
    assert sorted(merged[:, 0, 0].tolist()) == sorted(x[:, 0, 0].tolist())


def test_stratified_split_is_deterministic():
    x, y = _distinct_images(100, 2)
    a, b = (data.stratified_split(x, y, seed=5) for _ in range(2))
    c = data.stratified_split(x, y, seed=6)
    assert all(np.array_equal(getattr(a, f), getattr(b, f)) for f in ("x_train", "y_val", "x_test"))
    assert not np.array_equal(a.x_test, c.x_test)


def test_stratified_split_zero_fraction_gives_empty_split():
    x, y = _distinct_images(40, 2)
    split = data.stratified_split(x, y, val_size=0, test_size=0.25, class_names=["no", "yes"])
    assert split.sizes() == {"train": 30, "val": 0, "test": 10} and split.x_val.shape == (0, 2, 2)


@pytest.mark.parametrize("kwargs, message", [
    ({"val_size": 10}, r"val_size must be a fraction in \[0, 1\), e\.g\. 0\.1"),
    ({"test_size": -0.1}, "test_size must be a fraction"),
    ({"test_size": "0.2"}, "test_size must be a fraction"),
    ({"val_size": 0.5, "test_size": 0.5}, r"val_size \+ test_size must be < 1"),
    ({"class_names": ["a"]}, "class_names has 1 names but labels go up to 1"),
])
def test_stratified_split_rejects_bad_arguments(kwargs, message):
    x, y = _distinct_images(20, 2)
    with pytest.raises(ValueError, match=message):
        data.stratified_split(x, y, **kwargs)


def test_stratified_split_rejects_bad_labels_and_tiny_classes():
    x, y = _distinct_images(20, 2)
    with pytest.raises(ValueError, match="1-D integer labels"):
        data.stratified_split(x, y[:, None])
    with pytest.raises(ValueError, match="1-D integer labels"):
        data.stratified_split(x, y[:5])
    with pytest.raises(ValueError, match=r"cannot split 1 of 6 images of 3 classes off stratified .*more images"):
        data.stratified_split(x[:6], np.array([0, 0, 1, 1, 2, 2]), val_size=0.1, test_size=0.1)


def test_check_no_leakage_finds_an_image_in_two_splits():
    x, y = _distinct_images(12, 2)
    test_x = x[8:].copy()
    test_x[1] = x[3]  # an image of train copied into test
    split = data.Split(x[:6], y[:6], x[6:8], y[6:8], test_x, y[8:], ["a", "b"])
    leak = r"1 images appear in two splits \(data leakage\), e\.g\. train\[3\] == test\[1\]"
    with pytest.raises(ValueError, match=leak):
        split.check_no_leakage()
    twice_in_train = data.Split(np.concatenate([x[:6], x[:1]]), np.concatenate([y[:6], y[:1]]),
                                x[6:8], y[6:8], x[8:], y[8:], ["a", "b"])
    assert twice_in_train.check_no_leakage() == 13, "duplicates inside one split are not leakage"


def test_split_summary_and_validation():
    x, y = _distinct_images(12, 2)
    split = data.Split(x[:6], y[:6], x[6:8], y[6:8], x[8:], y[8:], ["cat", "dog"])
    lines = str(split).splitlines()
    assert len(lines) == 3 and lines[0].split() == ["train", "6", "images", "(cat", "3,", "dog", "3)"]
    assert lines[1].startswith("val") and "cat 1, dog 1" in lines[1] and repr(split) == str(split)
    with pytest.raises(ValueError, match="x_val has 2 images but y_val has 1 labels"):
        data.Split(x[:6], y[:6], x[6:8], y[6:7], x[8:], y[8:], ["cat", "dog"])


# --------------------------------------------------------------------------- load


def test_load_digits_three_way_split(capsys):
    split = data.load("digits")
    assert capsys.readouterr().out == ("digits: train 1,347, val 180, test 270 images, 10 classes (0 ... 9), "
                                       "8x8 uint8\n")
    assert split.x_train.dtype == np.uint8 and split.x_train.max() == 16 and split.y_train.dtype == np.int64
    assert split.check_no_leakage() == 1797


def test_load_classes_subset_relabels_in_given_order():
    from sklearn.datasets import load_digits

    digits = load_digits()
    split = data.load("digits", classes=(7, "3"), verbose=False)
    assert split.class_names == ["7", "3"]
    for x, y in ((split.x_train, split.y_train), (split.x_test, split.y_test)):
        for image, label in zip(x[:20], y[:20]):
            match = np.flatnonzero((digits.images == image).all(axis=(1, 2)))
            assert digits.target[match[0]] == (7, 3)[label]
    assert sum(split.sizes().values()) == np.sum(np.isin(digits.target, (3, 7)))


def test_load_limit_per_class_and_determinism():
    a = data.load("digits", limit_per_class=40, classes=("1", "2"), verbose=False, seed=3)
    b = data.load("digits", limit_per_class=40, classes=("1", "2"), verbose=False, seed=3)
    c = data.load("digits", limit_per_class=40, classes=("1", "2"), verbose=False, seed=4)
    assert sum(a.sizes().values()) == 80 and np.bincount(a.y_train).tolist() == [30, 30]
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.x_train, c.x_train)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"name": "vgg16_imagenet"}, ValueError, r"weight file, not a data set: use locate\('vgg16_imagenet'\)"),
    ({"name": "digits", "image_size": (16, 16)}, ValueError, "resize in the model with keras.layers.Resizing"),
    ({"name": "digits", "classes": "3"}, TypeError, r"classes must be a sequence .* e\.g\. \('cat', 'dog'\)"),
    ({"name": "digits", "classes": ("3", 11)}, ValueError, r"unknown class 11: use names \(0, 1, .*0\.\.9"),
    ({"name": "digits", "classes": ("3", 3)}, ValueError, "distinct classes"),
    ({"name": "digits", "limit_per_class": 0}, ValueError, "limit_per_class must be None or a positive int"),
    ({"name": "digits", "val_size": 1.5}, ValueError, "val_size must be a fraction"),
    ({"name": "cifar-100"}, ValueError, "Did you mean 'cifar10'"),
])
def test_load_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        data.load(verbose=False, **kwargs)


@needs_data
def test_load_mnist_keeps_the_official_test_set():
    split = data.load("mnist", val_size=0.1, test_size=0.5, verbose=False)
    assert split.sizes() == {"train": 54000, "val": 6000, "test": 10000}
    assert split.x_train.shape[1:] == (28, 28) and split.x_train.dtype == np.uint8
    assert np.bincount(split.y_test).tolist()[:2] == [980, 1135]


@needs_data
def test_load_fashion_mnist_subset():
    split = data.load("fashion_mnist", classes=("Sneaker", "Ankle boot"), limit_per_class=100, verbose=False)
    assert split.class_names == ["Sneaker", "Ankle boot"]
    assert split.sizes() == {"train": 180, "val": 20, "test": 200}
    assert split.check_no_leakage() == 400


@needs_data
def test_load_cifar10_cat_dog_from_the_image_folder(capsys):
    split = data.load("cifar10", classes=("cat", "dog"), limit_per_class=30, val_size=0.2)
    assert capsys.readouterr().out == "cifar10: train 48, val 12, test 60 images, 2 classes (cat, dog), 32x32x3 uint8\n"
    assert split.x_train.shape[1:] == (32, 32, 3) and set(split.y_test.tolist()) == {0, 1}
    dogs, _, _ = data.load_image_folder(SHARED / "cifar10-jpg" / "test", class_names=["dog"], limit_per_class=30)
    assert np.array_equal(split.x_test[split.y_test == 1], dogs), "label 1 must be the dog images"
    assert split.check_no_leakage() == 120


@needs_data
def test_load_arrays_reads_an_image_folder_copy_in_class_order(monkeypatch, empty_data):
    names = data.info("cifar10").class_names
    copy = empty_data / "cifar10-jpg"
    for split in ("train", "test"):
        for name in names[::-1]:  # made in reverse order: labels must still follow class_names
            (copy / split / name).mkdir(parents=True)
            (copy / split / name / "0000.jpg").symlink_to(SHARED / "cifar10-jpg" / split / name / "0000.jpg")
    counts = tuple((f"{s}/{c}", 1) for s in ("train", "test") for c in names)
    monkeypatch.setitem(data.DATASETS, "cifar10", dataclasses.replace(data.info("cifar10"), folder_counts=counts))
    (x_train, y_train), (x_test, y_test) = data.load_arrays("cifar10", data_dir=empty_data)
    assert x_train.shape == (10, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.tolist() == list(range(10)) and y_test.dtype == np.uint8 and y_test.shape == (10,)
    truck = keras.utils.img_to_array(keras.utils.load_img(copy / "test" / "truck" / "0000.jpg"), dtype="uint8")
    assert np.array_equal(x_test[9], truck)
    (copy / "train" / "cat" / "0000.jpg").unlink()
    with pytest.raises(data.CorruptDataError, match="train/cat/: 0 files, expected 1"):
        data.load_arrays("cifar10", data_dir=empty_data)


@needs_data
def test_load_sign_language_digits():
    split = data.load("sign_language_digits", limit_per_class=10, verbose=False)
    assert split.x_train.shape[1:] == (100, 100, 3) and split.class_names == [str(i) for i in range(10)]
    assert split.sizes() == {"train": 75, "val": 10, "test": 15}
    small = data.load("sign_language_digits", image_size=(32, 32), classes=("7",), limit_per_class=200,
                      val_size=0.1, test_size=0.1, verbose=False)  # includes the 3 large photos of class 7
    assert small.x_train.shape[1:] == (32, 32, 3) and sum(small.sizes().values()) == 200


# --------------------------------------------------------------------------- tf.data


def test_as_dataset_batches_and_seeded_shuffle():
    x, y = _distinct_images(10, 2)
    batches = list(data.as_dataset(x, y, batch_size=4).as_numpy_iterator())
    assert [len(b[1]) for b in batches] == [4, 4, 2] and np.array_equal(batches[0][0], x[:4])
    order = [np.concatenate([b[0][:, 0, 0] for b in data.as_dataset(x, y, 4, shuffle=True, seed=s)]) for s in (1, 1, 2)]
    assert np.array_equal(order[0], order[1]) and not np.array_equal(order[0], order[2])
    assert sorted(order[0].tolist()) == x[:, 0, 0].tolist()


def test_as_dataset_errors():
    x, y = _distinct_images(10, 2)
    with pytest.raises(ValueError, match="x has 10 images but y has 9 labels"):
        data.as_dataset(x, y[:9])
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        data.as_dataset(x, y, batch_size=0)


# --------------------------------------------------------------------------- digits in MNIST's layout


def test_digits_as_mnist_is_notebook_03s_conversion():
    x8 = data.load("digits", verbose=False).x_test[:20]            # bundled: no TLCOURSE_DATA needed
    raw = x8.astype("float32")[..., np.newaxis] * (255 / 16)       # the raw cells of notebook 03
    raw = keras.ops.convert_to_numpy(keras.ops.image.resize(raw, (20, 20), interpolation="bilinear"))
    raw = np.clip(np.pad(raw, ((0, 0), (4, 4), (4, 4), (0, 0))), 0, 255)
    x = data.digits_as_mnist(x8)
    assert x.shape == (20, 28, 28, 1) and x.dtype == np.float32
    np.testing.assert_array_equal(x, raw)
    assert x[:, :4].max() == 0 and x[:, :, 24:].max() == 0 and x.max() <= 255     # black border, MNIST's range
    full = data.digits_as_mnist(x8[..., np.newaxis], box=28)         # a channel axis is accepted too
    assert full.shape == (20, 28, 28, 1) and full[:, 0].max() > 0    # box=28: the digit fills the image
    white = data.digits_as_mnist(np.full((1, 8, 8), 16, dtype=np.uint8), box=5)   # odd border: 11 + 12
    assert white[0, 11:16, 11:16, 0].min() == 255 and white.sum() == 255 * 25


def test_digits_as_mnist_errors():
    x8 = np.zeros((3, 8, 8), dtype=np.uint8)
    with pytest.raises(ValueError, match=r"shape \(n, 8, 8\).*got shape \(3, 28, 28\)"):
        data.digits_as_mnist(np.zeros((3, 28, 28)))
    with pytest.raises(ValueError, match=r"shape \(n, 8, 8\).*got shape \(8, 8\)"):
        data.digits_as_mnist(x8[0])
    with pytest.raises(ValueError, match="values 0..16.*do not convert twice"):
        data.digits_as_mnist(data.digits_as_mnist(x8 + 16)[:, 10:18, 10:18, 0])
    with pytest.raises(ValueError, match="values 0..16"):
        data.digits_as_mnist(x8.astype(np.int8) - 1)
    with pytest.raises(ValueError, match="numbers 0..16"):
        data.digits_as_mnist(np.full((1, 8, 8), "a"))
    for box in (0, 29, 20.0, True):
        with pytest.raises(ValueError, match="box must be an int in 1..28"):
            data.digits_as_mnist(x8, box=box)


# --------------------------------------------------------------------------- sample_image_folder


@needs_data
def test_sample_image_folder_links_the_photos_load_reads(tmp_path):
    folder = data.sample_image_folder("cats_vs_dogs", "test", per_class=10, destination=tmp_path / "pets")
    assert folder == tmp_path / "pets" and sorted(p.name for p in folder.iterdir()) == ["cat", "dog"]
    x, y, names = data.load_image_folder(folder, (32, 32))
    split = data.load("cats_vs_dogs", image_size=(32, 32), limit_per_class=10, verbose=False)
    assert names == ["cat", "dog"] and np.array_equal(x, split.x_test) and np.array_equal(y, split.y_test)
    ds = keras.utils.image_dataset_from_directory(folder, image_size=(32, 32), batch_size=4, shuffle=False)
    assert ds.class_names == ["cat", "dog"] and sum(len(labels) for _, labels in ds) == 20


@needs_data
def test_sample_image_folder_of_a_data_set_without_splits_and_into_a_new_temporary_folder():
    folder = data.sample_image_folder("sign_language_digits", None, per_class=2)
    assert sorted(p.name for p in folder.iterdir()) == [str(d) for d in range(10)]
    assert all(len(list((folder / d).iterdir())) == 2 for d in "0123456789")


def test_sample_image_folder_says_what_to_pass_instead(tmp_path, folder):
    with pytest.raises(ValueError, match=r"'mnist' is not a folder of photos; use one of \[.*'cats_vs_dogs'"):
        data.sample_image_folder("mnist")
    with pytest.raises(ValueError, match=r"per_class must be None or a positive int"):
        data.sample_image_folder("cats_vs_dogs", per_class=0)
    entry = data.info("cats_vs_dogs")
    with pytest.raises(ValueError, match=r"has the splits \['test', 'train'\], got split='validation'"):
        data._split_folders(entry, tmp_path, "validation")
    with pytest.raises(ValueError, match=r"has no official splits, got split='train'; use split=None"):
        data._split_folders(data.info("sign_language_digits"), tmp_path, "train")


@needs_data
def test_sample_image_folder_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "old.txt").write_text("something")
    with pytest.raises(ValueError, match=r"destination .* is not empty"):
        data.sample_image_folder("cats_vs_dogs", per_class=1, destination=tmp_path)
