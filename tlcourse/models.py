"""Pretrained networks for the notebooks: the course's own source models and ImageNet backbones.

The course trains two small source models itself (``python -m tlcourse.pretrain``, see
:mod:`tlcourse.pretrain`) and commits them as ``data/models/<name>.keras``. Their manifest
(sha256 of each file, the command that made it, data, seed, accuracy, versions) ships inside
the package as ``tlcourse/pretrained_models.json``, so a ``pip install`` without the
repository (Colab) can still check and download them. :func:`load_pretrained` always checks
the sha256 before loading.

:func:`imagenet_backbone` builds a ``keras.applications`` network without its classifier
top at any input size and loads the ImageNet weights found by :func:`tlcourse.data.locate`
(offline folder, Keras cache, then download). Taught in ``00_start_here`` (pretrained
models) and ``01_what_is_transfer_learning`` (backbones).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

import keras

from tlcourse.data import CorruptDataError, DataNotFoundError, locate

__all__ = [
    "BACKBONES",
    "Backbone",
    "backbone_preprocess",
    "imagenet_backbone",
    "load_pretrained",
    "pretrained_info",
]

#: The manifest of the committed source models, shipped as package data.
PACKAGE_MANIFEST = Path(__file__).with_name("pretrained_models.json")
#: The manifest name in any other folder of models (``python -m tlcourse.pretrain --out DIR``).
MANIFEST_NAME = "manifest.json"
#: Where downloaded source models go, under the Keras cache (``~/.keras``).
CACHE_SUBDIR = "models/tlcourse"


class Backbone(NamedTuple):
    """One ImageNet backbone: the ``keras.applications`` builder and what it needs."""

    application: str  # the builder in keras.applications, e.g. "MobileNetV2"
    module: str  # the keras.applications module holding its preprocess_input
    kwargs: dict[str, Any]  # extra builder arguments (alpha)
    min_size: int  # smallest accepted height and width, in pixels
    description: str


#: The backbones :func:`imagenet_backbone` builds, by name; weights are ``locate("<name>_imagenet")``.
BACKBONES: dict[str, Backbone] = {
    "mobilenet_v2": Backbone("MobileNetV2", "mobilenet_v2", {"alpha": 1.0}, 32,
                             "MobileNetV2, alpha 1.0: 2.3 M parameters; the course's default backbone"),
    "mobilenet_025": Backbone("MobileNet", "mobilenet", {"alpha": 0.25}, 32,
                              "MobileNet v1, alpha 0.25: 0.2 M parameters; the smallest and fastest"),
    "vgg16": Backbone("VGG16", "vgg16", {}, 32,
                      "VGG16: 14.7 M parameters; the lecture's example (weights need a download)"),
    "resnet50": Backbone("ResNet50", "resnet50", {}, 32,
                         "ResNet50: 23.6 M parameters; residual blocks (weights need a download)"),
}


# --------------------------------------------------------------------------- source models


def _repo_models_dir() -> Path | None:
    """``data/models`` of the repository checkout this package runs from, or None (pip install)."""
    root = Path(__file__).resolve().parents[1]
    return root / "data" / "models" if (root / "pyproject.toml").is_file() else None


def _manifest_path(models_dir: str | os.PathLike | None = None) -> Path:
    """The manifest that describes the models in ``models_dir`` (None: the committed ones)."""
    if models_dir is None:
        return PACKAGE_MANIFEST
    folder = Path(models_dir).resolve()
    repo = _repo_models_dir()
    if repo is not None and folder == repo.resolve():
        return PACKAGE_MANIFEST
    return folder / MANIFEST_NAME


def _read_manifest(models_dir: str | os.PathLike | None = None) -> dict[str, dict[str, Any]]:
    """The manifest entries by model name: ``models_dir``'s own if it has one, else the committed one."""
    path = _manifest_path(models_dir)
    if not path.is_file():
        path = PACKAGE_MANIFEST
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))["models"]


def _file_sha256(path: str | os.PathLike) -> str:
    """The sha256 hex digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pretrained_info(name: str, models_dir: str | os.PathLike | None = None) -> dict[str, Any]:
    """The manifest entry of one of the course's pretrained source models.

    Args:
        name: a model name, e.g. ``"fashion_mnist_model_a"`` or ``"mnist_cnn"``.
        models_dir: a folder made by ``python -m tlcourse.pretrain --out DIR``; None (default)
            for the committed models, whose manifest ships with the package.

    Returns:
        A copy of the entry: ``file``, ``sha256``, ``weights_sha256``, ``command``, ``dataset``,
        ``classes``, ``seed``, ``epochs``, ``optimizer``, ``test_accuracy``, versions, ...

    Raises:
        ValueError: unknown name (the message lists the valid ones).

    Example (``00_start_here``):
        >>> pretrained_info("fashion_mnist_model_a")["test_accuracy"]  # doctest: +SKIP
        0.9...
    """
    models = _read_manifest(models_dir)
    if name not in models:
        raise ValueError(f"unknown pretrained model {name!r}; valid names: {', '.join(sorted(models)) or 'none'}. "
                         f"ImageNet networks come from imagenet_backbone(), not from here.")
    return dict(models[name])


def _verify(path: Path, entry: dict[str, Any], name: str) -> Path:
    actual = _file_sha256(path)
    if actual != entry["sha256"]:
        raise CorruptDataError(
            f"{path} is not the model the manifest describes: expected sha256 {entry['sha256']}, "
            f"actual sha256 {actual}. Fix: restore the committed file with `git checkout data/models` "
            f"or retrain it with `python -m tlcourse.pretrain --only {name}` (which updates the manifest).")
    return path


def _repository_url() -> str:
    """``[project.urls] Repository`` of the installed package (pyproject.toml)."""
    try:
        urls = metadata.metadata("tlcourse").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for item in urls:
        label, _, url = item.partition(",")
        if label.strip().lower() == "repository":
            return url.strip().rstrip("/")
    raise DataNotFoundError("the tlcourse package metadata has no [project.urls] Repository to download "
                            "the pretrained models from: install the course with pip, or clone it.")


def _download(name: str, entry: dict[str, Any]) -> Path:
    """The model file from the Keras cache, else downloaded there from the course repository."""
    url = f"{_repository_url()}/raw/main/data/models/{entry['file']}"
    try:
        got = keras.utils.get_file(entry["file"], origin=url, file_hash=entry["sha256"], hash_algorithm="sha256",
                                   cache_subdir=CACHE_SUBDIR, cache_dir=os.environ.get("KERAS_HOME") or None)
    except ValueError as error:  # get_file: downloaded, but the hash does not match
        raise CorruptDataError(f"the downloaded {entry['file']} does not match the manifest: expected "
                               f"sha256 {entry['sha256']} ({error}). Upgrade the course "
                               f"(pip install -U) so package and repository agree.") from error
    except Exception as error:  # get_file raises a plain Exception when the network fails
        raise DataNotFoundError(
            f"the pretrained model {name!r} is neither in a course checkout (data/models/) nor in the Keras "
            f"cache ({os.environ.get('KERAS_HOME') or '~/.keras'}/{CACHE_SUBDIR}/{entry['file']}), and "
            f"downloading {url} failed ({error}). "
            f"Run again online, clone the course repository, or train it with "
            f"`python -m tlcourse.pretrain --only {name} --out DIR` and pass models_dir=DIR.") from error
    return Path(got)


def _model_file(name: str, entry: dict[str, Any], models_dir: str | os.PathLike | None) -> Path:
    folder = Path(models_dir) if models_dir is not None else _repo_models_dir()
    path = folder / entry["file"] if folder is not None else None
    if path is not None and path.is_file():
        return _verify(path, entry, name)
    if models_dir is not None:
        raise DataNotFoundError(f"{path} does not exist. Train it with "
                                f"`python -m tlcourse.pretrain --only {name} --out {models_dir}`.")
    return _download(name, entry)


def load_pretrained(name: str, models_dir: str | os.PathLike | None = None) -> keras.Model:
    """Load one of the course's own pretrained source models, after checking its sha256.

    The file is ``data/models/<name>.keras`` of the course checkout (or of ``models_dir``);
    without a checkout (``pip install`` in Colab) it comes from the Keras cache, else it is
    downloaded from the course repository (``[project.urls] Repository``) and hash-checked.

    Args:
        name: ``"fashion_mnist_model_a"`` (Geron's model A, 8 Fashion-MNIST classes) or
            ``"mnist_cnn"`` (a small CNN for MNIST); see :func:`pretrained_info`.
        models_dir: a folder made by ``python -m tlcourse.pretrain --out DIR`` (its own
            ``manifest.json`` is used if present); None for the committed models.

    Returns:
        The compiled ``keras.Model``, ready to ``evaluate`` or to reuse.

    Raises:
        ValueError: unknown name.
        tlcourse.data.CorruptDataError: the file's sha256 is not the manifest's.
        tlcourse.data.DataNotFoundError: no local copy and no download possible.

    Example (``00_start_here``):
        >>> model_a = load_pretrained("fashion_mnist_model_a")  # doctest: +SKIP
        >>> model_a.input_shape  # doctest: +SKIP
        (None, 28, 28)
    """
    entry = pretrained_info(name, models_dir)
    # compile=False, then the recorded recipe with a fresh optimizer: the file's optimizer
    # stub has no state worth restoring and would only make Keras warn about skipped variables.
    model = keras.saving.load_model(_model_file(name, entry, models_dir), compile=False)
    optimizer = keras.optimizers.get({"class_name": entry["optimizer"]["name"],
                                      "config": {"learning_rate": entry["optimizer"]["learning_rate"]}})
    model.compile(optimizer=optimizer, loss=entry["loss"], metrics=["accuracy"])
    return model


# --------------------------------------------------------------------------- ImageNet backbones


def _backbone(name: str) -> Backbone:
    if name not in BACKBONES:
        raise ValueError(f"unknown backbone {name!r}; valid names: {', '.join(BACKBONES)}")
    return BACKBONES[name]


def _check_input_shape(name: str, input_shape: Sequence[int | None], min_size: int) -> tuple[int | None, ...]:
    shape = tuple(input_shape) if isinstance(input_shape, Sequence) else ()
    if len(shape) != 3 or not all(d is None or (isinstance(d, int) and d > 0) for d in shape):
        raise ValueError(f"input_shape must be (height, width, 3), e.g. (128, 128, 3); got {input_shape!r}")
    height, width, channels = shape
    if channels != 3:
        raise ValueError(
            f"{name} takes RGB images with 3 channels; got input_shape={shape}. For grayscale images repeat "
            f"the channel: on the data `np.repeat(x, 3, axis=-1)` or `tf.image.grayscale_to_rgb(x)`, or in "
            f"the model `keras.layers.Concatenate()([x, x, x])`, then use input_shape=({height}, {width}, 3).")
    too_small = [d for d in (height, width) if d is not None and d < min_size]
    if too_small:
        raise ValueError(
            f"{name} needs images of at least {min_size}x{min_size} pixels; got {height}x{width}. Upsample in "
            f"the model with a `keras.layers.Resizing(96, 96)` layer (anything >= {min_size}; 96-160 px "
            f"train fast on a CPU) before the backbone, and pass input_shape=(96, 96, 3).")
    return shape


def imagenet_backbone(name: str, input_shape: Sequence[int | None] = (128, 128, 3), *,
                      weights: str | None = "imagenet",
                      data_dir: str | os.PathLike | None = None) -> keras.Model:
    """A ``keras.applications`` network without its classifier top, with ImageNet weights, at any size.

    Built with ``weights=None`` at ``input_shape``, then ``load_weights`` of the 224-pixel no-top
    file that :func:`tlcourse.data.locate` finds (offline folder, Keras cache, download): the
    convolution weights do not depend on the input size, so any size >= the minimum works.

    Args:
        name: a key of :data:`BACKBONES`: ``"mobilenet_v2"``, ``"mobilenet_025"``, ``"vgg16"``,
            ``"resnet50"``.
        input_shape: ``(height, width, 3)``; 96-160 px keeps a CPU fast.
        weights: ``"imagenet"`` (pretrained) or ``None`` (the same architecture, randomly
            initialised, to compare with).
        data_dir: the offline data folder; None reads ``TLCOURSE_DATA``.

    Returns:
        The backbone, a ``keras.Model`` whose output is the last feature map (no pooling).
        Feed it images passed through :func:`backbone_preprocess` of the same name.

    Raises:
        ValueError: unknown name, bad ``weights``, not 3 channels, or too small an input.
        tlcourse.data.DataNotFoundError: the ImageNet weights are not on this machine and
            cannot be downloaded (raised unchanged, from ``locate``).

    Example (``01_what_is_transfer_learning``):
        >>> base = imagenet_backbone("mobilenet_v2", (128, 128, 3))  # doctest: +SKIP
        >>> base.trainable = False  # doctest: +SKIP
        >>> base.output_shape  # doctest: +SKIP
        (None, 4, 4, 1280)
    """
    spec = _backbone(name)
    if weights not in ("imagenet", None):
        raise ValueError(f"weights must be 'imagenet' or None (random initialisation); got {weights!r}")
    shape = _check_input_shape(name, input_shape, spec.min_size)
    path = locate(f"{name}_imagenet", data_dir) if weights == "imagenet" else None
    builder = getattr(keras.applications, spec.application)
    model = builder(include_top=False, weights=None, input_shape=shape, **spec.kwargs)
    if path is not None:
        model.load_weights(path)
    return model


def backbone_preprocess(name: str) -> Callable[..., Any]:
    """The ``preprocess_input`` that matches a backbone (what its ImageNet weights expect).

    Args:
        name: a key of :data:`BACKBONES`.

    Returns:
        ``keras.applications.<module>.preprocess_input``: takes images in 0..255 and scales
        them to the backbone's range (-1..1 for MobileNets, mean-subtracted BGR for VGG16 and
        ResNet50).

    Raises:
        ValueError: unknown name.

    Example (``01_what_is_transfer_learning``):
        >>> preprocess = backbone_preprocess("mobilenet_v2")
        >>> float(preprocess(np.array([0.0, 255.0]))[1])  # doctest: +SKIP
        1.0
    """
    return getattr(keras.applications, _backbone(name).module).preprocess_input
