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

The classic ILSVRC architectures -- :func:`lenet5`, :func:`alexnet`, :func:`vgg16`,
:func:`inception_module` / :func:`googlenet`, :func:`residual_block` / :func:`resnet` -- are
built from plain Keras layers, with :func:`weight_layer_depth` to count depth as the papers
do. Taught in ``10_cnn_architectures``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

import keras
import numpy as np

from tlcourse import _files  # a module, so that tests can stand in for repo_models_dir
from tlcourse._checks import is_int
from tlcourse.data import CorruptDataError, DataNotFoundError, locate
from tlcourse.surgery import needs_recompile

__all__ = [
    "BACKBONES",
    "Backbone",
    "SOURCE_ARCHITECTURES",
    "backbone_preprocess",
    "build_mnist_cnn",
    "build_model_a",
    "scratch_cnn",
    "load_weights_npz",
    "save_weights_npz",
    "imagenet_backbone",
    "load_pretrained",
    "pretrained_info",
    # classic CNN architectures (10_cnn_architectures)
    "GOOGLENET_MODULES",
    "VGG16_BLOCKS",
    "alexnet",
    "googlenet",
    "inception_module",
    "lenet5",
    "residual_block",
    "resnet",
    "vgg16",
    "weight_layer_depth",
]

#: The manifest of the committed source models, shipped as package data.
PACKAGE_MANIFEST = _files.PACKAGE_MANIFEST
#: The manifest name in any other folder of models (``python -m tlcourse.pretrain --out DIR``).
MANIFEST_NAME = _files.MANIFEST_NAME
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


def build_model_a() -> keras.Sequential:
    """Geron's model A, uncompiled: 28x28 uint8 image -> 8 Fashion-MNIST classes.

    ``Rescaling(1/255)`` stands in for the book's ``X / 255``, so the model takes the raw
    images of :func:`tlcourse.data.load`; the rest is the book's model, with named keras.layers.

    Returns:
        ``Sequential([Input((28, 28)), rescale, flatten, hidden1..hidden3 (Dense 100, ReLU,
        He normal), output (Dense 8, softmax)])``.

    Example (``06_reusing_layers_in_keras``):
        >>> model_a = build_model_a()
        >>> [layer.name for layer in model_a.layers]
        ['rescale', 'flatten', 'hidden1', 'hidden2', 'hidden3', 'output']
    """
    hidden = [keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal", name=f"hidden{i}")
              for i in (1, 2, 3)]
    return keras.Sequential([keras.Input((28, 28), name="image"), keras.layers.Rescaling(1 / 255, name="rescale"),
                             keras.layers.Flatten(name="flatten"), *hidden,
                             keras.layers.Dense(8, activation="softmax", name="output")], name="model_A")


def build_mnist_cnn() -> keras.Sequential:
    """A small LeNet-style CNN for MNIST, uncompiled: 28x28x1 uint8 image -> 10 digits.

    Returns:
        ``Sequential`` with layers ``rescale, conv1 (16 5x5, same), pool1, conv2 (32 5x5),
        pool2, flatten, dense (128, ReLU), output (Dense 10, softmax)``; 117 k parameters.

    Example (``11_greedy_layerwise_pretraining``):
        >>> cnn = build_mnist_cnn()
        >>> cnn.input_shape
        (None, 28, 28, 1)
    """
    return keras.Sequential([
        keras.Input((28, 28, 1), name="image"),
        keras.layers.Rescaling(1 / 255, name="rescale"),
        keras.layers.Conv2D(16, 5, padding="same", activation="relu", name="conv1"),
        keras.layers.MaxPooling2D(2, name="pool1"),
        keras.layers.Conv2D(32, 5, activation="relu", name="conv2"),
        keras.layers.MaxPooling2D(2, name="pool2"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(128, activation="relu", name="dense"),
        keras.layers.Dense(10, activation="softmax", name="output"),
    ], name="mnist_cnn")

def scratch_cnn(num_classes: int, input_shape: Sequence[int] = (96, 96, 3), *, flip: bool = True,
                keep_layout: bool = False) -> keras.Sequential:
    """The course's from-scratch baseline: a small CNN with random weights, uncompiled.

    Four blocks (Conv2D 3x3 without bias, BatchNormalization, ReLU, 2x2 max pooling) with 16,
    32, 64 and 128 filters, the first with stride 2, so a 96x96 photo becomes 3x3x128 feature
    maps at a cost a 2-core CPU trains in about a millisecond per photo. BatchNormalization
    uses ``momentum=0.9``: with Keras's default 0.99 its moving statistics need several
    hundred steps to reflect the data, and a network trained on a few dozen photos for a few
    hundred steps would be evaluated with stale statistics, answering one class for every
    photo whatever it learned. Inputs are 0..255 RGB (``Rescaling`` inside).

    Args:
        num_classes: size of the softmax output.
        input_shape: ``(height, width, channels)``, at least 32x32.
        flip: put a ``RandomFlip("horizontal")`` in front (active in ``fit`` only): right for
            pets, wrong for hand signs, whose mirror image can mean something else.
        keep_layout: end with ``Flatten`` (keeps where things are: a hand's pose) instead of
            ``GlobalAveragePooling2D`` (keeps only what is there: a cat's fur).

    Returns:
        A ``keras.Sequential`` named ``scratch_cnn``: ``flip, scale_0_1, conv1, bn1, relu1, pool1,
        ... pool4, pool | flatten, dropout (0.3), classifier``.

    Raises:
        ValueError: num_classes not a positive int, input_shape not 3 positive ints or smaller
            than 32x32.

    Example (``01_what_is_transfer_learning``):
        >>> scratch_cnn(2).count_params()  # doctest: +SKIP
        98418
    """
    shape = _image_shape("scratch_cnn", input_shape, 32, "Resize the photos, e.g. "
                         "data.load(name, image_size=(96, 96)).")
    num_classes = _positive_int(num_classes, "num_classes", "scratch_cnn")
    L = keras.layers

    def block(filters: int, n: int) -> list[keras.layers.Layer]:
        return [L.Conv2D(filters, 3, strides=2 if n == 1 else 1, padding="same", use_bias=False, name=f"conv{n}"),
                L.BatchNormalization(momentum=0.9, name=f"bn{n}"), L.ReLU(name=f"relu{n}"),
                L.MaxPooling2D(name=f"pool{n}")]

    return keras.Sequential([
        keras.Input(shape=shape, name="photo"),
        *([L.RandomFlip("horizontal", name="flip")] if flip else []),
        L.Rescaling(1 / 255, name="scale_0_1"),
        *block(16, 1), *block(32, 2), *block(64, 3), *block(128, 4),
        L.Flatten(name="flatten") if keep_layout else L.GlobalAveragePooling2D(name="pool"),
        L.Dropout(0.3, name="dropout"),
        L.Dense(num_classes, activation="softmax", name="classifier"),
    ], name="scratch_cnn")


#: The architecture of each of the course's source models, by name (weights: ``<name>.weights.npz``).
SOURCE_ARCHITECTURES: dict[str, Callable[[], keras.Model]] = {
    "fashion_mnist_model_a": build_model_a,
    "mnist_cnn": build_mnist_cnn,
}


def save_weights_npz(model: keras.Model, path: str | os.PathLike) -> Path:
    """Save ``model.get_weights()`` as a NumPy ``.npz`` archive that every Keras 3 can read.

    A ``.keras`` file records each layer's full config, and a config written by a newer Keras
    (new arguments such as ``quantization_config``) does not load on an older one. Plain arrays
    in ``get_weights()`` order, loaded with ``set_weights`` into the same architecture built in
    code, work on every version.

    Args:
        model: a built Keras model.
        path: the file to write; should end in ``.weights.npz``.

    Returns:
        The path written.

    Example (``00_start_here``):
        >>> save_weights_npz(model_a, "/tmp/model_a.weights.npz")  # doctest: +SKIP
        PosixPath('/tmp/model_a.weights.npz')
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"save_weights_npz() needs a keras.Model, got {type(model).__name__}")
    path = Path(path)
    np.savez(path, **{f"w{i:03d}": np.asarray(w) for i, w in enumerate(model.get_weights())})
    return path


def load_weights_npz(model: keras.Model, path: str | os.PathLike) -> keras.Model:
    """Load weights saved by :func:`save_weights_npz` into ``model`` (same architecture).

    Args:
        model: a built Keras model with the architecture the weights were saved from.
        path: the ``.weights.npz`` file.

    Returns:
        ``model``, with the weights set (``model.set_weights``).

    Raises:
        ValueError: the file does not hold as many arrays of the same shapes as ``model``.

    Example (``00_start_here``):
        >>> model_a = load_weights_npz(build_model_a(),
        ...                            "data/models/fashion_mnist_model_a.weights.npz")  # doctest: +SKIP
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"load_weights_npz() needs a keras.Model, got {type(model).__name__}")
    with np.load(path, allow_pickle=False) as archive:
        arrays = [archive[key] for key in sorted(archive.files)]
    expected = [tuple(w.shape) for w in model.weights]
    got = [tuple(a.shape) for a in arrays]
    if got != expected:
        raise ValueError(f"{path} holds {len(got)} arrays of shapes {got}, but model '{model.name}' has "
                         f"{len(expected)} weights of shapes {expected}: build the architecture the weights "
                         "were saved from (see SOURCE_ARCHITECTURES) before loading them.")
    model.set_weights(arrays)
    return model


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
    models = _files.read_manifest(models_dir)
    if name not in models:
        raise ValueError(f"unknown pretrained model {name!r}; valid names: {', '.join(sorted(models)) or 'none'}. "
                         f"ImageNet networks come from imagenet_backbone(), not from here.")
    return dict(models[name])


def _verify(path: Path, entry: dict[str, Any], name: str) -> Path:
    actual = _files.file_sha256(path)
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
    folder = Path(models_dir) if models_dir is not None else _files.repo_models_dir()
    path = folder / entry["file"] if folder is not None else None
    if path is not None and path.is_file():
        return _verify(path, entry, name)
    if models_dir is not None:
        raise DataNotFoundError(f"{path} does not exist. Train it with "
                                f"`python -m tlcourse.pretrain --only {name} --out {models_dir}`.")
    return _download(name, entry)


def load_pretrained(name: str, models_dir: str | os.PathLike | None = None) -> keras.Model:
    """Load one of the course's own pretrained source models, after checking its sha256.

    The architecture is built in code (:data:`SOURCE_ARCHITECTURES`); the weights come from
    ``data/models/<name>.weights.npz`` of the course checkout (or of ``models_dir``);
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
    model = load_weights_npz(SOURCE_ARCHITECTURES[name](), _model_file(name, entry, models_dir))
    optimizer = keras.optimizers.get({"class_name": entry["optimizer"]["name"],
                                      "config": {"learning_rate": entry["optimizer"]["learning_rate"]}})
    model.compile(optimizer=optimizer, loss=entry["loss"], metrics=["accuracy"])
    needs_recompile(model)  # records the flags of this compile: a later change by hand is then seen
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


# --------------------------------------------------------------------------- classic CNN architectures
#
# The ILSVRC-era networks of notebook ``10_cnn_architectures``, built from plain Keras layers so
# their structure can be read, counted and trained at small inputs on a CPU. Each builder checks
# its input size against its pooling stack and names the smallest size that works.

_WEIGHT_NAMES = frozenset({"kernel", "depthwise_kernel", "pointwise_kernel"})


def _positive_int(value: Any, what: str, func: str) -> int:
    if not is_int(value) or value < 1:
        raise ValueError(f"{func}(): {what} must be a positive int; got {value!r}")
    return int(value)


def _check_dropout(rate: Any, func: str) -> float:
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
        raise ValueError(f"{func}(): dropout must be a number in [0, 1), e.g. 0.5; got {rate!r}")
    return float(rate)


def _image_shape(func: str, input_shape: Any, min_size: int, hint: str = "") -> tuple[int, int, int]:
    """``input_shape`` as (height, width, channels) of positive ints, at least ``min_size`` px."""
    shape = tuple(input_shape) if isinstance(input_shape, Sequence) and not isinstance(input_shape, str) else ()
    if len(shape) != 3 or not all(is_int(d) and d > 0 for d in shape):
        raise ValueError(f"{func}(): input_shape must be (height, width, channels) of positive ints, "
                         f"e.g. ({max(min_size, 32)}, {max(min_size, 32)}, 3); got {input_shape!r}")
    shape = tuple(int(d) for d in shape)
    height, width, _ = shape
    if height < min_size or width < min_size:
        raise ValueError(f"{func}(): its convolution and pooling stack needs images of at least "
                         f"{min_size}x{min_size} pixels; got {height}x{width}. {hint}".rstrip())
    return shape


def _classifier(x: Any, num_classes: int, name: str = "predictions") -> Any:
    return keras.layers.Dense(num_classes, activation="softmax", name=name)(x)


def lenet5(input_shape: Sequence[int] = (32, 32, 1), num_classes: int = 10, *,
           activation: str = "tanh") -> keras.Model:
    """LeNet-5 (LeCun et al., 1998): the first CNN family, in its common modern form.

    C1 6@5x5 → S2 average pool → C3 16@5x5 → S4 average pool → C5 120@5x5 → F6 84 → output.
    The variant built here differs from the 1998 paper in three documented ways: C3 connects
    to all 6 maps of S2 (the paper used a sparse connection table), pooling has no trainable
    coefficients, and the output is a softmax layer instead of RBF units. At 32x32x1 with 10
    classes it has 61,706 parameters (the paper: about 60,000).

    Args:
        input_shape: ``(height, width, channels)``, at least 32x32: the paper's size. MNIST's
            28x28 digits need ``keras.layers.ZeroPadding2D(2)`` in front, as LeCun et al. centred
            them in a 32x32 field.
        num_classes: size of the softmax output.
        activation: of every hidden layer; the paper used a scaled ``"tanh"``.

    Returns:
        An uncompiled ``keras.Model`` named ``lenet5``.

    Raises:
        ValueError: input_shape not 3 positive ints, smaller than 32x32, or num_classes < 1.

    Example (``10_cnn_architectures``):
        >>> lenet5().count_params()  # doctest: +SKIP
        61706
    """
    shape = _image_shape("lenet5", input_shape, 32,
                         "Pad smaller images, e.g. MNIST's 28x28 with keras.layers.ZeroPadding2D(2), as "
                         "LeCun et al. did.")
    num_classes = _positive_int(num_classes, "num_classes", "lenet5")
    inputs = keras.Input(shape=shape)
    x = keras.layers.Conv2D(6, 5, activation=activation, name="C1")(inputs)
    x = keras.layers.AveragePooling2D(2, name="S2")(x)
    x = keras.layers.Conv2D(16, 5, activation=activation, name="C3")(x)
    x = keras.layers.AveragePooling2D(2, name="S4")(x)
    x = keras.layers.Conv2D(120, 5, activation=activation, name="C5")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(84, activation=activation, name="F6")(x)
    return keras.Model(inputs, _classifier(x, num_classes, "output"), name="lenet5")


def alexnet(input_shape: Sequence[int] = (227, 227, 3), num_classes: int = 1000, *,
            fc_units: int = 4096, dropout: float = 0.5, groups: int = 1) -> keras.Model:
    """AlexNet (Krizhevsky, Sutskever & Hinton, 2012), the ILSVRC 2012 winner.

    Five convolutions (96@11x11 stride 4, 256@5x5, 384@3x3, 384@3x3, 256@3x3) with 3x3
    stride-2 max pooling after the 1st, 2nd and 5th, then two dropout + ``fc_units`` ReLU
    layers and the softmax. Local response normalisation is left out (later work found it
    does not help). At 227x227x3 with 1000 classes: 62,378,344 parameters with ``groups=1``
    (one stream), 60,965,224 with ``groups=2`` (the paper's split of conv2, conv4 and conv5
    over two GPUs: its "60 million parameters").

    Args:
        input_shape: ``(height, width, channels)``, at least 67x67 (the smallest size whose
            feature map survives the three poolings); the paper used 224 (227 makes the
            arithmetic exact).
        num_classes: size of the softmax output.
        fc_units: width of the two hidden dense layers (4096 in the paper; smaller for CPU).
        dropout: rate before each hidden dense layer.
        groups: 1 (one stream) or 2 (the paper's two-GPU grouped convolutions).

    Returns:
        An uncompiled ``keras.Model`` named ``alexnet``.

    Raises:
        ValueError: input smaller than 67x67, non-positive sizes, dropout outside [0, 1), or
            groups not 1 or 2.

    Example (``10_cnn_architectures``):
        >>> alexnet((227, 227, 3), 1000, groups=2).count_params()  # doctest: +SKIP
        60965224
    """
    shape = _image_shape("alexnet", input_shape, 67, "Upsample with keras.layers.Resizing(67, 67) or larger.")
    num_classes = _positive_int(num_classes, "num_classes", "alexnet")
    fc_units = _positive_int(fc_units, "fc_units", "alexnet")
    rate = _check_dropout(dropout, "alexnet")
    if groups not in (1, 2) or isinstance(groups, bool):
        raise ValueError(f"alexnet(): groups must be 1 (one stream) or 2 (the paper's two GPUs); got {groups!r}")
    conv = keras.layers.Conv2D
    inputs = keras.Input(shape=shape)
    x = conv(96, 11, strides=4, activation="relu", name="conv1")(inputs)
    x = keras.layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = conv(256, 5, padding="same", groups=groups, activation="relu", name="conv2")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, name="pool2")(x)
    x = conv(384, 3, padding="same", activation="relu", name="conv3")(x)
    x = conv(384, 3, padding="same", groups=groups, activation="relu", name="conv4")(x)
    x = conv(256, 3, padding="same", groups=groups, activation="relu", name="conv5")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, name="pool5")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    for i in (6, 7):
        x = keras.layers.Dropout(rate, name=f"dropout{i}")(x)
        x = keras.layers.Dense(fc_units, activation="relu", name=f"fc{i}")(x)
    return keras.Model(inputs, _classifier(x, num_classes), name="alexnet")


#: VGG16's convolution blocks (configuration D of Simonyan & Zisserman): (filters, convolutions).
VGG16_BLOCKS: tuple[tuple[int, int], ...] = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))


def vgg16(input_shape: Sequence[int] = (224, 224, 3), num_classes: int = 1000, *,
          fc_units: int = 4096, dropout: float = 0.5) -> keras.Model:
    """VGG16 (Simonyan & Zisserman, 2015; configuration D), the ILSVRC 2014 runner-up.

    Thirteen 3x3 stride-1 "same" convolutions in five blocks (64, 64 | 128, 128 | 256 x3 |
    512 x3 | 512 x3), each block closed by 2x2 stride-2 max pooling, then two ``fc_units``
    ReLU layers with dropout and the softmax: 16 weight layers. Layer names follow
    ``keras.applications.VGG16`` (``block1_conv1``, ..., ``fc1``, ``fc2``, ``predictions``); at
    224x224x3 with 1000 classes and 4096 units both have 138,357,544 parameters.

    Args:
        input_shape: ``(height, width, channels)``, at least 32x32 (five poolings halve it to
            1x1); the paper used 224x224x3.
        num_classes: size of the softmax output.
        fc_units: width of the two hidden dense layers (4096 in the paper; e.g. 256 at 32 px).
        dropout: rate after each hidden dense layer (the paper: 0.5).

    Returns:
        An uncompiled ``keras.Model`` named ``vgg16``.

    Raises:
        ValueError: input smaller than 32x32, non-positive sizes or dropout outside [0, 1).

    Example (``10_cnn_architectures``):
        >>> vgg16((32, 32, 3), 10, fc_units=256).count_params()  # doctest: +SKIP
        14914378
    """
    shape = _image_shape("vgg16", input_shape, 32, "Upsample with keras.layers.Resizing(32, 32) or larger.")
    num_classes = _positive_int(num_classes, "num_classes", "vgg16")
    fc_units = _positive_int(fc_units, "fc_units", "vgg16")
    rate = _check_dropout(dropout, "vgg16")
    inputs = keras.Input(shape=shape)
    x = inputs
    for block, (filters, convs) in enumerate(VGG16_BLOCKS, start=1):
        for i in range(1, convs + 1):
            x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu",
                                    name=f"block{block}_conv{i}")(x)
        x = keras.layers.MaxPooling2D(2, strides=2, name=f"block{block}_pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    for i in (1, 2):
        x = keras.layers.Dense(fc_units, activation="relu", name=f"fc{i}")(x)
        x = keras.layers.Dropout(rate, name=f"dropout{i}")(x)
    return keras.Model(inputs, _classifier(x, num_classes), name="vgg16")


def inception_module(x: Any, f1: int, f3_reduce: int, f3: int, f5_reduce: int, f5: int, pool_proj: int, *,
                     name: str | None = None) -> Any:
    """GoogLeNet's inception module: four parallel branches on the same input, concatenated.

    Branches: 1x1 conv (``f1``); 1x1 reduce (``f3_reduce``) → 3x3 conv (``f3``); 1x1 reduce
    (``f5_reduce``) → 5x5 conv (``f5``); 3x3 stride-1 max pooling → 1x1 projection
    (``pool_proj``). Every convolution is ReLU with "same" padding, so all four keep the
    input's height and width and are stacked along the channels: the output has
    ``f1 + f3 + f5 + pool_proj`` channels. The 1x1 "reduce" convolutions are what keep the
    3x3 and 5x5 branches cheap.

    Args:
        x: a 4-D Keras tensor (batch, height, width, channels), e.g. from ``keras.Input``.
        f1: filters of the 1x1 branch.
        f3_reduce: filters of the 1x1 convolution before the 3x3 one.
        f3: filters of the 3x3 branch.
        f5_reduce: filters of the 1x1 convolution before the 5x5 one.
        f5: filters of the 5x5 branch.
        pool_proj: filters of the 1x1 projection after the max pooling.
        name: prefix of the module's layer names (default: Keras's automatic names).

    Returns:
        The concatenated Keras tensor, shape (batch, height, width, f1 + f3 + f5 + pool_proj).

    Raises:
        ValueError: a filter count that is not a positive int, or ``x`` not 4-D.

    Example (``10_cnn_architectures``):
        >>> y = inception_module(keras.Input((28, 28, 192)), 64, 96, 128, 16, 32, 32)  # doctest: +SKIP
        >>> y.shape  # doctest: +SKIP
        (None, 28, 28, 256)
    """
    sizes = {"f1": f1, "f3_reduce": f3_reduce, "f3": f3, "f5_reduce": f5_reduce, "f5": f5, "pool_proj": pool_proj}
    for what, value in sizes.items():
        _positive_int(value, what, "inception_module")
    if len(getattr(x, "shape", ())) != 4:
        raise ValueError(f"inception_module(): x must be a 4-D image tensor (batch, height, width, channels); "
                         f"got shape {getattr(x, 'shape', None)}")

    def conv(filters: int, size: int, part: str) -> keras.layers.Conv2D:
        return keras.layers.Conv2D(filters, size, padding="same", activation="relu",
                                   name=f"{name}_{part}" if name else None)

    branch1 = conv(f1, 1, "1x1")(x)
    branch3 = conv(f3, 3, "3x3")(conv(f3_reduce, 1, "3x3_reduce")(x))
    branch5 = conv(f5, 5, "5x5")(conv(f5_reduce, 1, "5x5_reduce")(x))
    pooled = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool" if name else None)(x)
    branch_pool = conv(pool_proj, 1, "pool_proj")(pooled)
    return keras.layers.Concatenate(axis=-1, name=f"{name}_output" if name else None)(
        [branch1, branch3, branch5, branch_pool])


#: GoogLeNet's nine inception modules (Szegedy et al., 2015, Table 1):
#: name -> (f1, f3_reduce, f3, f5_reduce, f5, pool_proj); "pool" marks a 3x3 stride-2 max pooling.
GOOGLENET_MODULES: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("inception_3a", (64, 96, 128, 16, 32, 32)),
    ("inception_3b", (128, 128, 192, 32, 96, 64)),
    ("pool", ()),
    ("inception_4a", (192, 96, 208, 16, 48, 64)),
    ("inception_4b", (160, 112, 224, 24, 64, 64)),
    ("inception_4c", (128, 128, 256, 24, 64, 64)),
    ("inception_4d", (112, 144, 288, 32, 64, 64)),
    ("inception_4e", (256, 160, 320, 32, 128, 128)),
    ("pool", ()),
    ("inception_5a", (256, 160, 320, 32, 128, 128)),
    ("inception_5b", (384, 192, 384, 48, 128, 128)),
)


def googlenet(input_shape: Sequence[int] = (224, 224, 3), num_classes: int = 1000, *,
              dropout: float = 0.4) -> keras.Model:
    """GoogLeNet (Szegedy et al., 2015; Inception v1), the ILSVRC 2014 winner.

    Stem (7x7/2 conv 64, 3x3/2 max pool, 1x1 conv 64, 3x3 conv 192, 3x3/2 max pool), the nine
    inception modules of the paper's Table 1 (:data:`GOOGLENET_MODULES`) with 3x3/2 max pooling
    after 3b and 4e, global average pooling (the paper's 7x7 average pool at 224 px), dropout
    and one softmax layer: 22 weight layers on its longest path, as the paper counts. Left out:
    the two auxiliary classifiers (used only during training) and local response normalisation.
    About 7.0 million parameters at 1000 classes — a ninth of AlexNet's.

    Args:
        input_shape: ``(height, width, channels)``, at least 32x32 (five stride-2 stages halve 32
            px to 1x1; smaller images would be mostly padding); the paper used 224x224x3.
        num_classes: size of the softmax output.
        dropout: rate before the classifier (the paper: 0.4).

    Returns:
        An uncompiled ``keras.Model`` named ``googlenet``.

    Raises:
        ValueError: input smaller than 32x32, num_classes < 1 or dropout outside [0, 1).

    Example (``10_cnn_architectures``):
        >>> weight_layer_depth(googlenet((32, 32, 3), 10))  # doctest: +SKIP
        22
    """
    shape = _image_shape("googlenet", input_shape, 32, "Upsample with keras.layers.Resizing(32, 32) or larger.")
    num_classes = _positive_int(num_classes, "num_classes", "googlenet")
    rate = _check_dropout(dropout, "googlenet")
    inputs = keras.Input(shape=shape)
    x = keras.layers.Conv2D(64, 7, strides=2, padding="same", activation="relu", name="conv1_7x7")(inputs)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    x = keras.layers.Conv2D(64, 1, activation="relu", name="conv2_reduce")(x)
    x = keras.layers.Conv2D(192, 3, padding="same", activation="relu", name="conv2_3x3")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool2")(x)
    pools = 2
    for module, filters in GOOGLENET_MODULES:
        if module == "pool":
            pools += 1
            x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name=f"pool{pools}")(x)
        else:
            x = inception_module(x, *filters, name=module)
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = keras.layers.Dropout(rate, name="dropout")(x)
    return keras.Model(inputs, _classifier(x, num_classes), name="googlenet")


def residual_block(x: Any, filters: int, *, stride: int = 1, shortcut: bool = True,
                   zero_init: bool = False, name: str | None = None) -> Any:
    """ResNet's basic residual block: ``relu(F(x) + shortcut(x))`` with F = two 3x3 convolutions.

    F is conv 3x3 (``stride``) → BatchNorm → ReLU → conv 3x3 → BatchNorm. The shortcut is the
    **identity** when the shapes match; when they change (``stride`` > 1 or a new number of
    channels) it is a 1x1 ``stride`` convolution + BatchNorm, the paper's projection shortcut
    (option B). The layers then only have to learn the *residual* F(x) = H(x) - x: if the best
    thing a block can do is nothing, F = 0 is easy to reach, which is why very deep stacks of
    these blocks still train (He et al., 2016).

    Args:
        x: a 4-D Keras tensor (batch, height, width, channels).
        filters: channels of both convolutions (and of the output).
        stride: of the first convolution and of the projection; 2 halves height and width.
        shortcut: False drops the addition: the same two convolutions as a *plain* block, the
            paper's baseline without skip connections.
        zero_init: initialise the last BatchNorm's scale (gamma) to 0, so F(x) = 0 at the start
            and an identity block outputs exactly ``relu(x)`` (Goyal et al., 2017).
        name: prefix of the block's layer names (default: Keras's automatic names).

    Returns:
        The block's output tensor, shape (batch, ceil(height / stride), ceil(width / stride), filters).

    Raises:
        ValueError: filters or stride not a positive int, or ``x`` not 4-D.

    Example (``10_cnn_architectures``):
        >>> y = residual_block(keras.Input((8, 8, 16)), 16)  # doctest: +SKIP
        >>> y.shape  # doctest: +SKIP
        (None, 8, 8, 16)
    """
    filters = _positive_int(filters, "filters", "residual_block")
    stride = _positive_int(stride, "stride", "residual_block")
    if len(getattr(x, "shape", ())) != 4:
        raise ValueError(f"residual_block(): x must be a 4-D image tensor (batch, height, width, channels); "
                         f"got shape {getattr(x, 'shape', None)}")

    def part(label: str) -> str | None:
        return f"{name}_{label}" if name else None

    y = keras.layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False,
                            kernel_initializer="he_normal", name=part("conv1"))(x)
    y = keras.layers.BatchNormalization(name=part("bn1"))(y)
    y = keras.layers.Activation("relu", name=part("relu1"))(y)
    y = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False,
                            kernel_initializer="he_normal", name=part("conv2"))(y)
    y = keras.layers.BatchNormalization(gamma_initializer="zeros" if zero_init else "ones", name=part("bn2"))(y)
    if shortcut:
        skip = x
        if stride != 1 or x.shape[-1] != filters:
            skip = keras.layers.Conv2D(filters, 1, strides=stride, use_bias=False,
                                       kernel_initializer="he_normal", name=part("projection"))(x)
            skip = keras.layers.BatchNormalization(name=part("projection_bn"))(skip)
        y = keras.layers.Add(name=part("add"))([y, skip])
    return keras.layers.Activation("relu", name=part("out"))(y)


def resnet(input_shape: Sequence[int] = (32, 32, 3), num_classes: int = 10, *,
           blocks_per_stage: int = 3, filters: Sequence[int] = (16, 32, 64),
           shortcuts: bool = True) -> keras.Model:
    """A small ResNet of :func:`residual_block` s: the CIFAR-10 family of He et al. (2016, sec. 4.2).

    3x3 conv stem (``filters[0]``) + BatchNorm + ReLU, then one stage per entry of ``filters``
    with ``blocks_per_stage`` blocks each (every stage after the first starts with stride 2),
    global average pooling and a softmax layer: 6n + 2 weight layers for n blocks and 3 stages
    (n = 3: ResNet-20, 0.27 M parameters as in the paper's Table 6; n = 5: ResNet-32).
    ``shortcuts=False`` builds the paper's *plain* network of the same depth, to compare.

    Args:
        input_shape: ``(height, width, channels)``, at least 2 ** (stages - 1) pixels (4 for three
            stages) so every stride-2 stage has a pixel to halve; MNIST's 28x28x1 works as it is.
        num_classes: size of the softmax output.
        blocks_per_stage: residual blocks per stage (n).
        filters: channels of each stage (the paper: 16, 32, 64).
        shortcuts: False for the plain network without skip connections.

    Returns:
        An uncompiled ``keras.Model`` named ``resnet<depth>`` or ``plain<depth>``.

    Raises:
        ValueError: non-positive sizes, empty ``filters`` or too small an input.

    Example (``10_cnn_architectures``):
        >>> resnet((32, 32, 3), 10, blocks_per_stage=3).name  # doctest: +SKIP
        'resnet20'
    """
    blocks = _positive_int(blocks_per_stage, "blocks_per_stage", "resnet")
    stages = tuple(filters) if isinstance(filters, Sequence) and not isinstance(filters, str) else ()
    if not stages:
        raise ValueError(f"resnet(): filters must be a non-empty sequence of positive ints, e.g. (16, 32, 64); "
                         f"got {filters!r}")
    for value in stages:
        _positive_int(value, "every entry of filters", "resnet")
    shape = _image_shape("resnet", input_shape, 2 ** (len(stages) - 1))
    num_classes = _positive_int(num_classes, "num_classes", "resnet")
    depth = 2 * blocks * len(stages) + 2
    inputs = keras.Input(shape=shape)
    x = keras.layers.Conv2D(stages[0], 3, padding="same", use_bias=False, kernel_initializer="he_normal",
                            name="stem_conv")(inputs)
    x = keras.layers.BatchNormalization(name="stem_bn")(x)
    x = keras.layers.Activation("relu", name="stem_relu")(x)
    for s, width in enumerate(stages, start=1):
        for b in range(1, blocks + 1):
            stride = 2 if s > 1 and b == 1 else 1
            x = residual_block(x, width, stride=stride, shortcut=shortcuts, name=f"stage{s}_block{b}")
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = _classifier(x, num_classes)
    return keras.Model(inputs, outputs, name=f"{'resnet' if shortcuts else 'plain'}{depth}")


def _own_weight_depth(layer: keras.layers.Layer) -> int:
    if isinstance(layer, keras.Model):
        return weight_layer_depth(layer)
    return int(any(w.name in _WEIGHT_NAMES for w in layer.weights))


def weight_layer_depth(model: keras.Model) -> int:
    """The depth of a network as the papers count it: weight layers on the longest input→output path.

    Convolutions (also depthwise and separable) and dense layers count; pooling, activation,
    BatchNorm, dropout, addition and concatenation do not. A parallel branch counts once (the
    longest one), so an inception module adds 2 and a residual block 2 (its projection
    shortcut is a shorter, parallel path): LeNet-5 5, AlexNet 8, VGG16 16, GoogLeNet 22,
    ResNet-20 20. The Keras applications page lists a different "depth" (all layers, also
    activations and BatchNorm), so its numbers are larger.

    Args:
        model: a built ``keras.Model`` (functional or Sequential; nested models count with their
            own depth; each layer is followed along the first call it was used in).

    Returns:
        The number of weight layers on the longest path.

    Raises:
        ValueError: the model is not built (it has no inputs yet).

    Example (``10_cnn_architectures``):
        >>> weight_layer_depth(vgg16((32, 32, 3), 10, fc_units=64))  # doctest: +SKIP
        16
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"weight_layer_depth() takes a keras.Model; got {type(model).__name__}")
    if isinstance(model, keras.Sequential):
        return sum(_own_weight_depth(layer) for layer in model.layers)
    try:
        inputs = keras.tree.flatten(model.inputs)
    except (AttributeError, ValueError) as error:
        raise ValueError(f"weight_layer_depth(): model '{model.name}' is not built; build it with a "
                         f"keras.Input first") from error
    depth = {id(t): 0 for t in inputs}
    layers = [op for op in model.operations if not isinstance(op, keras.layers.InputLayer)]
    changed = True
    while changed:  # model.operations is topological; a second pass only confirms it
        changed = False
        for layer in layers:
            start = max((depth.get(id(t), 0) for t in keras.tree.flatten(layer.input)), default=0)
            value = start + _own_weight_depth(layer)
            for t in keras.tree.flatten(layer.output):
                if depth.get(id(t)) != value:
                    depth[id(t)] = value
                    changed = True
    return max(depth.get(id(t), 0) for t in keras.tree.flatten(model.outputs))
