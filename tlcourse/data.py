"""The course's data sets and pretrained weights: where they are, how to load and split them.

Every data set is an entry of :data:`DATASETS`. :func:`locate` finds its file or folder in
this order: the offline data folder (``TLCOURSE_DATA`` or the ``data_dir`` argument), the
Keras cache (``$KERAS_HOME`` or ``~/.keras``), and only then downloads it with
``keras.utils.get_file`` into the Keras cache, exactly where ``keras.datasets`` and
``keras.applications`` would, so the cache is shared with them. Every copy is checked:
files by hash, folders by their file count per class on each load (and by a full content
hash in :func:`verify`). :func:`load` is the one call notebooks use; it returns a
:class:`Split` of uint8 images (never rescaled: models do their own preprocessing).

Taught in ``notebooks/00_start_here.ipynb`` (finding and loading data) and
``notebooks/08_open_datasets.ipynb`` (image folders, stratified splits, leakage).
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import os
import pickle
import shutil
import tempfile
import warnings
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import keras
import numpy as np

from tlcourse import config
from tlcourse._checks import is_int
from tlcourse._files import file_digests, file_sha256
from tlcourse.config import SEED
from tlcourse.tables import Table

if TYPE_CHECKING:
    import tensorflow as tf

__all__ = [
    "DATASETS",
    "CorruptDataError",
    "DataNotFoundError",
    "DatasetInfo",
    "Split",
    "as_dataset",
    "datasets_table",
    "digits_as_mnist",
    "info",
    "load",
    "load_arrays",
    "load_image_folder",
    "locate",
    "sample_image_folder",
    "stratified_split",
    "tree_sha256",
    "verify",
]

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif")
_GCS = "https://storage.googleapis.com/tensorflow/"
_APPS = _GCS + "keras-applications/"
_FASHION_PARTS = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
                  "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")
_CIFAR_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6)) + ("test_batch",)
_CIFAR10 = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
_FASHION = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
            "Bag", "Ankle boot")
_DIGITS = tuple(str(i) for i in range(10))
_SIGN_COUNTS = (205, 206, 206, 206, 207, 207, 207, 206, 208, 204)
_CATS_DOGS = ("cat", "dog")
#: sha256 of the TensorFlow tutorials' archive cats_and_dogs_filtered.zip (68,606,236 bytes),
#: which keras.utils.get_file checks on download once it is set. Not recorded yet: no published
#: value was found and this was written on a machine without internet. Paste ``sha256sum`` of a
#: downloaded copy here; until then a download is checked by its file count per folder (and its
#: zip CRCs in verify()), and locate() warns that the archive itself was not hash-checked.
_CATS_DOGS_ZIP_SHA256: str | None = None


class DataNotFoundError(FileNotFoundError):
    """A data set is neither in the data folder nor in the Keras cache, and cannot be downloaded."""


class CorruptDataError(ValueError):
    """A local copy of a data set is not the expected one (wrong hash, missing files)."""


@dataclass(frozen=True)
class DatasetInfo:
    """One data set or weight file of the course: where it comes from and how it is laid out.

    ``file_hash`` is what ``keras.utils.get_file`` verifies on download (``hash_algorithm``
    says which: ``"sha256"``, ``"md5"`` as Keras itself uses, or ``"none"`` when the source
    publishes no hash). ``offline_sha256`` are the sha256s of the documented offline copies
    (for a folder: its :func:`tree_sha256`), accepted as well. ``local_path`` is relative to
    the ``TLCOURSE_DATA`` folder; ``cache_path`` is relative to ``<Keras home>/<cache_subdir>``,
    except for an archive (``extract``): ``<fname given to get_file>/<folder inside the archive>``,
    found wherever the installed Keras 3 extracted it.

    Example (``00_start_here``):
        >>> info("mnist").local_path, info("mnist").cache_subdir
        ('mnist/mnist.npz', 'datasets')
    """

    name: str
    title: str
    kind: str  # "arrays", "image_folder", "bundled" or "weights"
    url: str
    file_hash: str | None
    hash_algorithm: str
    offline_sha256: tuple[str, ...]
    licence: str
    citation: str
    layout: str
    local_path: str
    cache_subdir: str
    cache_path: str
    class_names: tuple[str, ...]
    source: str  # a short label of the source, for the table
    num_train: int = 0  # images in the official train split (or all images if there is none)
    num_test: int = 0  # images in the official test split (0: none, split it yourself)
    image_shape: tuple[int, ...] = ()
    default_size: tuple[int, int] | None = None  # what load() resizes photos of varying size to by default
    size_mb: float = 0.0  # approximate download size
    extract: bool = False  # the download is an archive that get_file extracts
    tree_sha256: str | None = None  # content hash of the extracted folder (see tree_sha256())
    folder_counts: tuple[tuple[str, int], ...] = ()  # files expected per sub-folder of a folder copy
    # a download laid out unlike the offline copy: (our sub-folder, the download's, files expected)
    download_folders: tuple[tuple[str, str, int], ...] = ()
    parts: tuple[str, ...] = ()  # several files under ``url`` (a URL prefix) instead of one

    @property
    def num_images(self) -> int:
        """Total number of images (0 for weight files)."""
        return self.num_train + self.num_test


def _weights(name: str, title: str, folder: str, file: str, file_hash: str | None,
             offline: tuple[str, ...], licence: str, citation: str, size_mb: float) -> DatasetInfo:
    algorithm = "none" if file_hash is None else ("sha256" if len(file_hash) == 64 else "md5")
    return DatasetInfo(
        name=name, title=title, kind="weights", url=_APPS + f"{folder}/{file}", file_hash=file_hash,
        hash_algorithm=algorithm, offline_sha256=offline, licence=licence, citation=citation,
        layout="one Keras HDF5 weight file (ImageNet, no classifier top), as keras.applications caches it",
        local_path=f"keras-applications/{file}", cache_subdir="models", cache_path=file,
        class_names=(), source="keras.applications", size_mb=size_mb)


#: Every data set and weight file of the course, by name.
DATASETS: dict[str, DatasetInfo] = {
    "mnist": DatasetInfo(
        name="mnist", title="MNIST handwritten digits", kind="arrays",
        url=_GCS + "tf-keras-datasets/mnist.npz",
        file_hash="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
        hash_algorithm="sha256",
        offline_sha256=("06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64",),
        licence="CC BY-SA 3.0",
        citation="LeCun, Y., Cortes, C. & Burges, C. J. C. (1998). The MNIST database of "
                 "handwritten digits. http://yann.lecun.com/exdb/mnist/",
        layout="mnist.npz with uint8 arrays x_train (60000, 28, 28), y_train, x_test (10000, 28, 28), y_test",
        local_path="mnist/mnist.npz", cache_subdir="datasets", cache_path="mnist.npz",
        class_names=_DIGITS, source="keras.datasets", num_train=60_000, num_test=10_000,
        image_shape=(28, 28), size_mb=11.5),
    "fashion_mnist": DatasetInfo(
        name="fashion_mnist", title="Fashion-MNIST clothing", kind="arrays",
        url=_GCS + "tf-keras-datasets/", file_hash=None, hash_algorithm="none",
        offline_sha256=("a76b5de55a57fd0a0fb72f4394a8e03647e9945a1e2040cafb93e1ad88274916",),
        licence="MIT",
        citation="Xiao, H., Rasul, K. & Vollgraf, R. (2017). Fashion-MNIST: a novel image dataset "
                 "for benchmarking machine learning algorithms. arXiv:1708.07747",
        layout="Keras: four gzipped IDX files in datasets/fashion-mnist/; offline copy: "
               "fashion-mnist.npz with x_train, y_train, x_test, y_test (not in the canonical order)",
        local_path="fashion-mnist/fashion-mnist.npz", cache_subdir="datasets", cache_path="fashion-mnist",
        class_names=_FASHION, source="keras.datasets", num_train=60_000, num_test=10_000,
        image_shape=(28, 28), size_mb=30.9, parts=_FASHION_PARTS),
    "cifar10": DatasetInfo(
        name="cifar10", title="CIFAR-10 tiny images", kind="arrays",
        url="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
        file_hash="6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
        hash_algorithm="sha256",
        offline_sha256=("f10d4c9e536a564f17fa5e8d68ba087d1235e60cd1f21700e11ff43f0647bbb0",),
        licence="none stated (free for research)",
        citation="Krizhevsky, A. (2009). Learning multiple layers of features from tiny images. "
                 "Technical report, University of Toronto",
        layout="Keras: pickled batches in datasets/cifar-10-batches-py-target/cifar-10-batches-py/; "
               "offline copy: cifar10-jpg/{train,test}/<class>/NNNN.jpg (JPEG re-encodings)",
        local_path="cifar10-jpg", cache_subdir="datasets",
        cache_path="cifar-10-batches-py-target/cifar-10-batches-py", class_names=_CIFAR10,
        source="keras.datasets", num_train=50_000, num_test=10_000, image_shape=(32, 32, 3),
        size_mb=170.5, extract=True,
        folder_counts=tuple((f"{s}/{c}", n) for s, n in (("train", 5000), ("test", 1000)) for c in _CIFAR10)),
    "sign_language_digits": DatasetInfo(
        name="sign_language_digits", title="Sign Language Digits (photos)", kind="image_folder",
        url="https://github.com/ardamavi/Sign-Language-Digits-Dataset/archive/refs/heads/master.zip",
        file_hash=None, hash_algorithm="none",
        offline_sha256=("30d0ee3c8599928f6f98281a33826ca56fa9382069785bea8716221a344b606f",),
        licence="Apache-2.0",
        citation="Mavi, A. (2020). A new dataset and proposed convolutional neural network "
                 "architecture for classification of American sign language digits. arXiv:2011.08927",
        layout="Dataset/0/ ... Dataset/9/ with 204-208 RGB JPEG photos each (100x100; 3 are 3024x3024)",
        local_path="sign-language-digits/Dataset", cache_subdir="datasets",
        cache_path="sign-language-digits/Sign-Language-Digits-Dataset-master/Dataset",
        class_names=_DIGITS, source="GitHub ardamavi", num_train=sum(_SIGN_COUNTS),
        image_shape=(100, 100, 3), size_mb=28.0, extract=True,
        tree_sha256="30d0ee3c8599928f6f98281a33826ca56fa9382069785bea8716221a344b606f",
        folder_counts=tuple(zip(_DIGITS, _SIGN_COUNTS))),
    "cats_vs_dogs": DatasetInfo(  # no tree_sha256: the download holds other photos than the offline copy
        name="cats_vs_dogs", title="Dogs vs. Cats photos", kind="image_folder",
        url="https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip",
        file_hash=_CATS_DOGS_ZIP_SHA256, hash_algorithm="sha256" if _CATS_DOGS_ZIP_SHA256 else "none",
        offline_sha256=("32395fd00bbb74d1c96c32d14a9c4ae288223a12c71b735c780dd39b7dd1f419",),
        licence="none stated (Kaggle, teaching)",
        citation="Elson, J., Douceur, J. R., Howell, J. & Saul, J. (2007). Asirra: a CAPTCHA that exploits "
                 "interest-aligned manual image categorization. ACM CCS. Kaggle (2013): Dogs vs. Cats",
        layout="offline copy: train/{cat,dog}/ and test/{cat,dog}/ with 1,000 JPEG photos each (sizes vary, "
               "longer side at most 224 px); download: cats_and_dogs_filtered/{train,validation}/{cats,dogs}/ "
               "(1,000 and 500 per class), its validation/ photos used as test",
        local_path="cats-vs-dogs", cache_subdir="datasets", cache_path="cats_and_dogs.zip/cats_and_dogs_filtered",
        class_names=_CATS_DOGS, source="TF tutorials", num_train=2000, num_test=2000, size_mb=68.6,
        extract=True, default_size=(160, 160),
        folder_counts=tuple((f"{s}/{c}", 1000) for s in ("train", "test") for c in _CATS_DOGS),
        download_folders=tuple((f"{s}/{c}", f"{d}/{c}s", n) for s, d, n in
                               (("train", "train", 1000), ("test", "validation", 500)) for c in _CATS_DOGS)),
    "digits": DatasetInfo(
        name="digits", title="scikit-learn 8x8 digits", kind="bundled", url="",
        file_hash=None, hash_algorithm="none", offline_sha256=(), licence="CC BY 4.0 (UCI)",
        citation="Alpaydin, E. & Kaynak, C. (1998). Optical recognition of handwritten digits. "
                 "UCI Machine Learning Repository. https://doi.org/10.24432/C50P49",
        layout="bundled with scikit-learn (sklearn.datasets.load_digits): 1797 8x8 images, values 0-16",
        local_path="", cache_subdir="", cache_path="", class_names=_DIGITS, source="scikit-learn",
        num_train=1797, image_shape=(8, 8)),
    "mobilenet_v2_imagenet": _weights(
        "mobilenet_v2_imagenet", "MobileNetV2 1.0 ImageNet, no top", "mobilenet_v2",
        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5", None,
        ("71e4c4ec4aa24c9c951b9265d6de42e1336dcf614c2214fa6a989208615e232c",), "Apache-2.0",
        "Sandler, M. et al. (2018). MobileNetV2: inverted residuals and linear bottlenecks. CVPR",
        9.4),
    "mobilenet_025_imagenet": _weights(
        "mobilenet_025_imagenet", "MobileNet 0.25 ImageNet, no top", "mobilenet",
        "mobilenet_2_5_224_tf_no_top.h5",
        "dbdb03ee2a22fd895301636cd328b234bb3a9952358f436d82f46b81e0d5b0bf",
        ("dbdb03ee2a22fd895301636cd328b234bb3a9952358f436d82f46b81e0d5b0bf",), "Apache-2.0",
        "Howard, A. G. et al. (2017). MobileNets: efficient convolutional neural networks for "
        "mobile vision applications. arXiv:1704.04861", 2.1),
    "vgg16_imagenet": _weights(
        "vgg16_imagenet", "VGG16 ImageNet, no top", "vgg16",
        "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", "6d6bbae143d832006294945121d1f1fc", (),
        "CC BY 4.0",
        "Simonyan, K. & Zisserman, A. (2015). Very deep convolutional networks for large-scale "
        "image recognition. ICLR", 58.9),
    "resnet50_imagenet": _weights(
        "resnet50_imagenet", "ResNet50 ImageNet, no top", "resnet",
        "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5", "4d473c1dd8becc155b73f8504c6f6626", (),
        "MIT (K. He)",
        "He, K., Zhang, X., Ren, S. & Sun, J. (2016). Deep residual learning for image recognition. CVPR",
        94.7),
}


# --------------------------------------------------------------------------- registry


def info(name: str) -> DatasetInfo:
    """The registry entry of a data set or weight file.

    Args:
        name: a key of :data:`DATASETS` (case and ``-``/``_`` do not matter).

    Returns:
        Its :class:`DatasetInfo`.

    Raises:
        ValueError: unknown name (the message suggests close names and lists all of them).

    Example (``00_start_here``):
        >>> info("cifar10").class_names[:2]
        ('airplane', 'automobile')
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str such as 'mnist', got {type(name).__name__}")
    key = name.strip().lower().replace("-", "_")
    if key in DATASETS:
        return DATASETS[key]
    close = difflib.get_close_matches(key, DATASETS, n=3, cutoff=0.5)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(f"unknown data set {name!r}.{hint} Valid names: {', '.join(DATASETS)}.")


def datasets_table() -> str:
    """A plain-text table of :data:`DATASETS`: name, title, kind, images, classes, licence, source.

    Returns:
        The table, one line per entry, ready to ``print``.

    Example (``00_start_here``):
        >>> print(datasets_table())  # doctest: +SKIP
    """
    rows = [(d.name, d.title, d.kind, f"{d.num_images:,}" if d.num_images else "-",
             str(len(d.class_names) or "-"), d.licence, d.source) for d in DATASETS.values()]
    return Table(("name", "title", "kind", "images", "classes", "licence", "source"), rows,
                 align="lllrrll").text()


# --------------------------------------------------------------------------- finding files


def _keras_home() -> Path:
    """The Keras cache folder, resolved now (Keras reads ``KERAS_HOME`` only once, at import)."""
    if os.environ.get("KERAS_HOME"):
        return Path(os.environ["KERAS_HOME"]).expanduser()
    home = Path("~").expanduser()
    return (home if os.access(home, os.W_OK) else Path("/tmp")) / ".keras"


def _data_root(data_dir: str | os.PathLike | None) -> Path | None:
    return Path(data_dir).expanduser() if data_dir is not None else config.data_dir()


def _visible_files(folder: Path) -> list[str]:
    """Relative POSIX paths of the non-hidden files under ``folder``, sorted."""
    found = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel = Path(top).relative_to(folder)
        found += [(rel / f).as_posix() for f in files if not f.startswith(".")]
    return sorted(found)


def tree_sha256(folder: str | os.PathLike) -> str:
    """Content hash of a folder: the sha256 of its ``sha256sum``-style listing.

    The listing has one line ``<sha256 of the file>  <relative path>`` per non-hidden file,
    sorted by path, so the same value comes from the shell::

        cd Dataset && find . -path '*/.*' -prune -o -type f -print | sed 's|^\\./||' \\
            | LC_ALL=C sort | xargs -d '\\n' sha256sum | sha256sum

    Args:
        folder: the folder to hash.

    Returns:
        The hex digest.

    Example (``00_start_here``):
        >>> tree_sha256(locate("sign_language_digits")) == info("sign_language_digits").tree_sha256  # doctest: +SKIP
        True
    """
    folder = Path(folder)
    listing = "".join(f"{file_sha256(folder / f)}  {f}\n" for f in _visible_files(folder))
    return hashlib.sha256(listing.encode()).hexdigest()


def _readable(path: Path) -> bool:
    """Whether a file with no published hash at least opens as what it claims to be."""
    try:
        if path.suffix == ".h5":
            import h5py

            with h5py.File(path, "r") as f:
                return len(f.keys()) > 0
        if path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as f:
                return all(f[k].shape[0] > 0 for k in ("x_train", "y_train", "x_test", "y_test"))
        if zipfile.is_zipfile(path):  # a kept archive: every member's CRC must match
            with zipfile.ZipFile(path) as f:
                return bool(f.namelist()) and f.testzip() is None
    except Exception:  # any failure to open means the file is unusable
        return False
    return False


def _check_file(info_: DatasetInfo, path: Path) -> str:
    """Hash-check a file; return its sha256 or raise :class:`CorruptDataError`."""
    sha, md5 = file_digests(path, "sha256", "md5")
    known = {info_.file_hash} if info_.hash_algorithm == "sha256" else set()
    if sha in known | set(info_.offline_sha256) or (info_.hash_algorithm == "md5" and md5 == info_.file_hash):
        return sha
    if info_.file_hash is None and _readable(path):  # the source publishes no hash to compare with
        return sha
    expected = [f"{info_.hash_algorithm} {info_.file_hash}"] if info_.file_hash else []
    expected += [f"sha256 {h} (offline copy)" for h in info_.offline_sha256]
    raise CorruptDataError(
        f"{path} is not a valid copy of {info_.name!r}: its sha256 is {sha} (md5 {md5}), expected "
        f"{' or '.join(expected) or 'a readable file'}. Delete it and run again to download it anew, "
        f"or copy it again from the offline data folder (TLCOURSE_DATA).")


def _layout(info_: DatasetInfo, path: Path) -> dict[str, tuple[str, int]]:
    """The sub-folders of this copy: ``{our name: (its name, files expected)}``.

    The offline layout is ``folder_counts``; a download laid out differently (``download_folders``,
    e.g. ``validation/cats`` for our ``test/cat``) is recognised by its first sub-folder.
    """
    if info_.download_folders and (path / info_.download_folders[0][1]).is_dir():
        return {ours: (its, n) for ours, its, n in info_.download_folders}
    return {sub: (sub, n) for sub, n in info_.folder_counts}


def _check_folder(info_: DatasetInfo, path: Path) -> None:
    """Cheap check of a folder copy: the number of files in each expected sub-folder."""
    wrong = []
    for sub, expected in _layout(info_, path).values():
        folder = path / sub
        found = sum(1 for f in folder.iterdir() if not f.name.startswith(".")) if folder.is_dir() else 0
        if found != expected:
            wrong.append(f"{sub}/: {found} files, expected {expected}")
    if wrong:
        raise CorruptDataError(
            f"{path} is an incomplete or modified copy of {info_.name!r} ({'; '.join(wrong[:4])}). "
            f"Delete the folder and run again to download it anew, or copy it again from the "
            f"offline data folder (TLCOURSE_DATA).")


def _is_image_folder(info_: DatasetInfo, path: Path) -> bool:
    """Whether ``path`` is an image-folder copy (sign language, cats vs dogs; the offline CIFAR-10 copy)."""
    return path.is_dir() and (info_.kind == "image_folder" or (path / "train").is_dir())


def _check(info_: DatasetInfo, path: Path) -> Path:
    if path.is_file():
        _check_file(info_, path)
    elif _is_image_folder(info_, path):
        _check_folder(info_, path)
    return path


def _extracted(info_: DatasetInfo) -> tuple[list[Path], list[Path]]:
    """Where ``keras.utils.get_file(fname, extract=True)`` leaves an archive: (folders, archive files).

    An archive's ``cache_path`` is ``<fname>/<folder inside the archive>``. Keras 3.6 and later
    keep the archive as ``<fname>`` (a name with a dot) or ``<fname>_archive`` and extract it
    into ``<fname up to its first dot>_extracted`` or ``<fname>``; Keras 3.3-3.5 keep it as
    ``<fname>`` and extract it beside, into the cache sub-folder itself. Newest layout first.
    """
    base = _keras_home() / info_.cache_subdir
    fname, _, inner = info_.cache_path.partition("/")
    dotted = "." in fname
    folder = base / (fname[: fname.find(".")] + "_extracted" if dotted else fname)
    archive = base / (fname if dotted else f"{fname}_archive")
    return [folder / inner, base / inner], list(dict.fromkeys([archive, base / fname]))


def _in_cache(info_: DatasetInfo) -> Path | None:
    path = _keras_home() / info_.cache_subdir / info_.cache_path
    if info_.parts:
        return path if all((path / p).is_file() for p in info_.parts) else None
    for found in _extracted(info_)[0] if info_.extract else [path]:
        if info_.name == "cifar10":
            if all((found / b).is_file() for b in _CIFAR_BATCHES):
                return found
        elif found.exists():
            return found
    return None


def _download(info_: DatasetInfo) -> Path:
    """Download with ``keras.utils.get_file`` into the Keras cache, exactly as Keras would."""
    cache_dir = str(_keras_home())
    os.makedirs(cache_dir, exist_ok=True)  # get_file falls back to /tmp/.keras for a missing folder
    if info_.parts:
        subdir = os.path.join(info_.cache_subdir, info_.cache_path)  # as keras.datasets.fashion_mnist
        paths = [keras.utils.get_file(p, origin=info_.url + p, cache_subdir=subdir, cache_dir=cache_dir)
                 for p in info_.parts]
        return Path(paths[0]).parent
    fname, _, inner = info_.cache_path.partition("/")
    got = Path(keras.utils.get_file(fname, origin=info_.url, file_hash=info_.file_hash, extract=info_.extract,
                                    cache_subdir=info_.cache_subdir, cache_dir=cache_dir))
    if not inner:
        return got
    # Keras 3.6+ returns the extraction folder; 3.3-3.5 return the archive, extracted beside it
    found = [p for p in (got / inner, got.parent / inner) if p.is_dir()]
    if not found:
        raise CorruptDataError(f"the archive from {info_.url} has no {inner}/ folder: looked in {got} and "
                               f"{got.parent}. Delete the download there and run again.")
    return found[0]


def _how_to_get(info_: DatasetInfo, root: Path | None) -> str:
    cache = _extracted(info_)[0][0] if info_.extract else _keras_home() / info_.cache_subdir / info_.cache_path
    local = root / info_.local_path if root else f"<your data folder>/{info_.local_path}"
    if info_.parts:
        fetch = f"download {', '.join(info_.parts)} from {info_.url} into {cache}"
    elif info_.name == "sign_language_digits":
        fetch = f"download {info_.url}, extract it and copy its Dataset/ folder to {local}"
    elif info_.download_folders:
        fetch = (f"download {info_.url} and extract it so that {cache} holds "
                 f"{', '.join(its + '/' for _, its, _ in info_.download_folders)}")
        local = f"{local} ({', '.join(ours + '/' for ours, _ in info_.folder_counts)})"
    elif info_.extract:
        fetch = f"download {info_.url} and extract it so that {cache} holds {', '.join(_CIFAR_BATCHES)}"
    else:
        fetch = f"download {info_.url} and save it as {cache}"
    if root is None:
        now = "no data folder in use: TLCOURSE_DATA is not set"
    else:
        now = f"data folder in use: {root}{'' if root.is_dir() else ', which does not exist'}"
    return (f"On a machine with internet, run tlcourse.data.locate({info_.name!r}) (it downloads into the "
            f"Keras cache). Or {fetch}. Or put the offline copy at {local} and set TLCOURSE_DATA to the "
            f"data folder ({now}).")


def _bundled_path() -> Path:
    from importlib.resources import files

    return Path(str(files("sklearn.datasets.data") / "digits.csv.gz"))


def locate(name: str, data_dir: str | os.PathLike | None = None, download: bool = True) -> Path:
    """The checked local path of a data set or weight file, downloading it if needed.

    Looks in the data folder (``data_dir``, else ``TLCOURSE_DATA``) at ``info.local_path``,
    then in the Keras cache (``$KERAS_HOME`` or ``~/.keras``, sub-folder ``cache_subdir``),
    and only then downloads with ``keras.utils.get_file`` (progress bar, hash checked) into
    the Keras cache. Files are hash-checked every time (``file_hash`` or an offline sha256;
    a file whose source publishes no hash must at least open); folders get a file count per
    class (use :func:`verify` for a full content hash). ``digits`` is bundled with
    scikit-learn: its path is the bundled ``digits.csv.gz``, nothing is downloaded.

    Args:
        name: a key of :data:`DATASETS`.
        data_dir: the offline data folder; ``None`` reads ``TLCOURSE_DATA``.
        download: allow a download when no local copy exists.

    Returns:
        The file (``.npz``, ``.h5``) or folder (image folders, Keras's extracted archives).

    Raises:
        CorruptDataError: a local copy or a fresh download has the wrong hash or missing files.
        DataNotFoundError: no local copy and the download is impossible or not allowed.

    Example (``00_start_here``):
        >>> locate("mobilenet_025_imagenet")  # doctest: +SKIP
        PosixPath('/work/shared/datasets/keras-applications/mobilenet_2_5_224_tf_no_top.h5')
    """
    entry = info(name)
    if entry.kind == "bundled":
        return _bundled_path()
    root = _data_root(data_dir)
    if root is not None and (root / entry.local_path).exists():
        return _check(entry, root / entry.local_path)
    cached = _in_cache(entry)
    if cached is not None:
        return _check(entry, cached)
    if not download:
        raise DataNotFoundError(f"{entry.title} ({name!r}) is not on this machine and download=False. "
                                + _how_to_get(entry, root))
    try:
        path = _download(entry)
    except CorruptDataError:
        raise
    except ValueError as error:  # get_file: the download does not match file_hash
        raise CorruptDataError(f"{entry.title} ({name!r}) was downloaded from {entry.url} but is not the "
                               f"expected file ({error}). Run again to download it anew. "
                               + _how_to_get(entry, root)) from error
    except Exception as error:  # get_file raises plain Exception on network failures
        raise DataNotFoundError(f"{entry.title} ({name!r}) is not on this machine and could not be "
                                f"downloaded ({error}). " + _how_to_get(entry, root)) from error
    _check(entry, path)
    if entry.tree_sha256:
        _verify_tree(entry, path)
    elif entry.extract and entry.file_hash is None:
        warnings.warn(f"no sha256 is recorded for {entry.url}, so the download of {name!r} was checked "
                      f"only by its number of files per folder ({path}).", stacklevel=2)
    return path


def _verify_tree(info_: DatasetInfo, path: Path) -> str:
    digest = tree_sha256(path)
    accepted = {info_.tree_sha256, *info_.offline_sha256} - {None}
    if digest not in accepted:
        raise CorruptDataError(
            f"{path} does not match {info_.name!r}: content hash {digest}, expected "
            f"{' or '.join(sorted(accepted))}. Delete the folder and run again to download it anew, "
            f"or copy it again from the offline data folder (TLCOURSE_DATA).")
    return digest


def verify(name: str, data_dir: str | os.PathLike | None = None) -> str:
    """Fully check the local copy of a data set (no download): hash of a file, content hash of a folder.

    Args:
        name: a key of :data:`DATASETS`.
        data_dir: the offline data folder; ``None`` reads ``TLCOURSE_DATA``.

    Returns:
        The hex digest that was checked: the file's sha256, the folder's :func:`tree_sha256`,
        the sha256 of Keras's CIFAR-10 archive, or of scikit-learn's bundled digits file.

    Raises:
        CorruptDataError: the copy is not the expected one.
        DataNotFoundError: there is no local copy.

    Example (``00_start_here``):
        >>> verify("sign_language_digits")  # doctest: +SKIP
        '30d0ee3c8599928f6f98281a33826ca56fa9382069785bea8716221a344b606f'
    """
    entry = info(name)
    path = locate(name, data_dir, download=False)
    if path.is_file():
        return _check_file(entry, path) if entry.kind != "bundled" else file_sha256(path)
    if entry.parts:  # Keras's Fashion-MNIST files: no published hash, so parse them
        _fashion_from_gz(path)
        return tree_sha256(path)
    root = _data_root(data_dir)
    if entry.extract and not entry.tree_sha256 and (root is None or path != root / entry.local_path):
        archives = _extracted(entry)[1]  # a folder Keras extracted: check the archive it keeps
        kept = [a for a in archives if a.is_file()]
        if not kept:
            raise CorruptDataError(f"cannot verify {path}: Keras's archive {archives[0]} is gone. Delete "
                                   f"{path} and run again to download it anew.")
        return _check_file(entry, kept[0])
    return _verify_tree(entry, path)


# --------------------------------------------------------------------------- loading


def _fashion_from_gz(folder: Path) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    try:
        raw = [gzip.decompress((folder / p).read_bytes()) for p in _FASHION_PARTS]
    except (OSError, EOFError, zlib.error) as error:
        raise CorruptDataError(f"cannot read the Fashion-MNIST files in {folder} ({error}). Delete the "
                               f"folder and run again to download them anew.") from error
    y_train, y_test = (np.frombuffer(raw[i], np.uint8, offset=8) for i in (0, 2))
    x_train = np.frombuffer(raw[1], np.uint8, offset=16).reshape(len(y_train), 28, 28)
    x_test = np.frombuffer(raw[3], np.uint8, offset=16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)


def _cifar_from_batches(folder: Path) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    xs, ys = [], []
    for batch in _CIFAR_BATCHES:
        with open(folder / batch, "rb") as f:  # Keras's own download, hash-checked by get_file
            d = pickle.load(f, encoding="bytes")
        xs.append(d[b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
        ys.append(np.asarray(d[b"labels"], dtype=np.uint8))
    return (np.concatenate(xs[:5]), np.concatenate(ys[:5])), (xs[5], ys[5])


def load_arrays(name: str, data_dir: str | os.PathLike | None = None
                ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``((x_train, y_train), (x_test, y_test))`` of MNIST, Fashion-MNIST or CIFAR-10, as ``keras.datasets``.

    Images are uint8 (N, 28, 28) or (N, 32, 32, 3); labels are uint8 and 1-D for all three
    (``keras.datasets.cifar10`` gives them as (N, 1); here they are flattened). The offline
    CIFAR-10 copy is an image folder read with :func:`load_image_folder` (JPEG pixels differ
    slightly from the originals); the offline Fashion-MNIST copy is not in Keras's order.

    Args:
        name: ``"mnist"``, ``"fashion_mnist"`` or ``"cifar10"``.
        data_dir: the offline data folder; ``None`` reads ``TLCOURSE_DATA``.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``.

    Example (``00_start_here``):
        >>> (x_train, y_train), (x_test, y_test) = load_arrays("mnist")  # doctest: +SKIP
    """
    entry = info(name)
    if entry.kind != "arrays":
        arrays = [k for k, d in DATASETS.items() if d.kind == "arrays"]
        raise ValueError(f"load_arrays reads {', '.join(arrays)}; {name!r} is a {entry.kind} entry "
                         f"(use load({name!r}) for data sets or locate({name!r}) for weights).")
    path = locate(name, data_dir)
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as f:
            return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
    if entry.parts:
        return _fashion_from_gz(path)
    if _is_image_folder(entry, path):
        splits = [load_image_folder(path / s, class_names=entry.class_names) for s in ("train", "test")]
        return tuple((x, y.astype(np.uint8)) for x, y, _ in splits)  # type: ignore[return-value]
    return _cifar_from_batches(path)


def _image_size(image_size: Sequence[int] | None) -> tuple[int, int] | None:
    if image_size is None:
        return None
    ok = (isinstance(image_size, (tuple, list)) and len(image_size) == 2
          and all(is_int(v) and v > 0 for v in image_size))
    if not ok:
        raise ValueError(f"image_size must be None or (height, width) with two positive ints, e.g. "
                         f"(96, 96); got {image_size!r}")
    return int(image_size[0]), int(image_size[1])


def _positive_int_or_none(value: int | None, what: str) -> int | None:
    if value is not None and (not is_int(value) or value < 1):
        raise ValueError(f"{what} must be None or a positive int, e.g. 50; got {value!r}")
    return None if value is None else int(value)


def _class_rng(seed: int, class_name: str) -> np.random.Generator:
    """A generator per (seed, class name): a class gets the same subset whatever else is loaded."""
    return np.random.default_rng([seed, zlib.crc32(class_name.encode())])


def _pick(n: int, limit: int | None, seed: int, class_name: str) -> np.ndarray:
    """Sorted indices of a seeded random subset of ``limit`` out of ``n`` (all if no limit)."""
    if limit is None or limit >= n:
        return np.arange(n)
    return np.sort(_class_rng(seed, class_name).choice(n, size=limit, replace=False))


def _read_image(path: Path, size: tuple[int, int] | None) -> np.ndarray:
    img = keras.utils.load_img(path, color_mode="rgb", target_size=size, interpolation="bilinear")
    return keras.utils.img_to_array(img, data_format="channels_last", dtype="uint8")


def _class_folders(directory: Path) -> list[str]:
    if not directory.is_dir():
        raise DataNotFoundError(f"image folder {directory} does not exist (expected one sub-folder per class)")
    names = sorted(d.name for d in directory.iterdir() if d.is_dir() and not d.name.startswith("."))
    if not names:
        raise ValueError(f"{directory} has no class sub-folders: put each class's images in "
                         f"{directory}/<class name>/")
    return names


def _image_files(folder: Path) -> list[Path]:
    files = sorted(f for f in folder.iterdir()
                   if f.suffix.lower() in IMAGE_EXTENSIONS and not f.name.startswith("."))
    if not files:
        raise ValueError(f"class folder {folder} has no images ({', '.join(IMAGE_EXTENSIONS)})")
    return files


def load_image_folder(directory: str | os.PathLike, image_size: Sequence[int] | None = None,
                      class_names: Sequence[str] | None = None, limit_per_class: int | None = None,
                      seed: int = SEED) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read a folder of class sub-folders of images into uint8 arrays, deterministically.

    Files are read in sorted order, class by class, with ``keras.utils.load_img`` (RGB).
    Hidden files and files that are not images (by extension) are skipped.

    Args:
        directory: a folder with one sub-folder of images per class.
        image_size: ``(height, width)`` to resize every image to (bilinear); ``None`` keeps
            the size, which must then be the same for all images.
        class_names: the classes to read, in label order; ``None`` means all sub-folders, sorted.
        limit_per_class: read at most this many images per class (a seeded random subset,
            the same for a class whatever other classes are read).
        seed: the seed of that subset.

    Returns:
        ``(x, y, class_names)``: x uint8 (N, height, width, 3), y int64 labels 0..k-1 in the
        order of ``class_names``, and the class names.

    Example (``08_open_datasets``):
        >>> x, y, names = load_image_folder(locate("sign_language_digits"), limit_per_class=20)  # doctest: +SKIP
    """
    if isinstance(class_names, str):
        raise TypeError(f"class_names must be a sequence of names, e.g. ['cat', 'dog']; got {class_names!r}")
    directory = Path(directory)
    size = _image_size(image_size)
    limit = _positive_int_or_none(limit_per_class, "limit_per_class")
    available = _class_folders(directory)
    names = available if class_names is None else [str(c) for c in class_names]
    unknown = [c for c in names if c not in available]
    if unknown or len(set(names)) != len(names) or not names:
        raise ValueError(f"class_names must be distinct sub-folders of {directory}; got {list(names)!r} "
                         f"(unknown: {unknown}). Available: {', '.join(available)}")
    files, labels = [], []
    for label, name in enumerate(names):
        found = _image_files(directory / name)
        files += [found[i] for i in _pick(len(found), limit, seed, name)]
        labels += [label] * (len(files) - len(labels))
    images = [_read_image(f, size) for f in files]  # threads do not help: PIL holds the GIL here
    shapes = sorted({im.shape[:2] for im in images})
    if len(shapes) > 1:
        raise ValueError(f"images in {directory} have different sizes {shapes[:5]}: pass "
                         f"image_size=(height, width), e.g. image_size={shapes[0]}")
    return np.stack(images), np.asarray(labels, dtype=np.int64), list(names)


def _split_folders(entry: DatasetInfo, path: Path, split: str | None) -> dict[str, Path]:
    """``{class name: its folder in this copy}`` of one split of an image-folder data set."""
    layout = _layout(entry, path)
    splits = sorted({ours.split("/")[0] for ours in layout if "/" in ours})
    if splits and split not in splits:
        raise ValueError(f"sample_image_folder(): {entry.name!r} has the splits {splits}, got split={split!r}; "
                         f"use e.g. split={splits[-1]!r}")
    if not splits and split is not None:
        raise ValueError(f"sample_image_folder(): {entry.name!r} has no official splits, got split={split!r}; "
                         "use split=None (and image_dataset_from_directory's validation_split)")
    prefix = f"{split}/" if splits else ""
    return {c: path / layout[prefix + c][0] for c in entry.class_names}


def sample_image_folder(name: str, split: str | None = "train", per_class: int | None = None, *,
                        destination: str | os.PathLike | None = None, data_dir: str | os.PathLike | None = None,
                        seed: int = SEED) -> Path:
    """A folder of class sub-folders holding some photos of a course image folder, as on disk in a project.

    For ``keras.utils.image_dataset_from_directory``: the sub-folders are named by the class names
    (``cat``, ``dog``, whatever the copy calls them), and hold links to ``per_class`` photos of
    each class (copies where links are not allowed), the seeded subset ``load(name,
    limit_per_class=per_class, seed=seed)`` reads for that split.

    Args:
        name: an image-folder data set of :data:`DATASETS`, e.g. ``"cats_vs_dogs"``.
        split: ``"train"`` or ``"test"`` for a data set with official splits; ``None`` for one
            without (``"sign_language_digits"``).
        per_class: photos per class (None = all).
        destination: an empty or new folder to fill; None = a new temporary folder.
        data_dir: the offline data folder; ``None`` reads ``TLCOURSE_DATA``.
        seed: the seed of the subset.

    Returns:
        The folder, with one sub-folder per class.

    Raises:
        ValueError: not an image-folder data set, an unknown split, a bad ``per_class``, or a
            ``destination`` that is not empty.
        DataNotFoundError: the data set is not on this machine and cannot be downloaded.

    Example (``04_fine_tuning``):
        >>> folder = sample_image_folder("cats_vs_dogs", "train", per_class=150)  # doctest: +SKIP
        >>> keras.utils.image_dataset_from_directory(folder, image_size=(96, 96))  # doctest: +SKIP
    """
    entry = info(name)
    if entry.kind != "image_folder":
        folders = [k for k, v in DATASETS.items() if v.kind == "image_folder"]
        raise ValueError(f"sample_image_folder(): {name!r} is not a folder of photos; use one of {folders}")
    limit = _positive_int_or_none(per_class, "per_class")
    sources = _split_folders(entry, locate(name, data_dir), split)
    out = Path(tempfile.mkdtemp(prefix=f"tlcourse_{entry.name}_")) if destination is None else Path(destination)
    if out.exists() and any(out.iterdir()):
        raise ValueError(f"sample_image_folder(): destination {out} is not empty; give a new or empty folder")
    for class_name, source in sources.items():
        found = _image_files(source)
        (out / class_name).mkdir(parents=True, exist_ok=True)
        for i in _pick(len(found), limit, seed, source.name):  # the subset load() reads
            try:
                (out / class_name / found[i].name).symlink_to(found[i].resolve())
            except OSError:  # no links allowed (Windows without developer mode): copy
                shutil.copy2(found[i], out / class_name / found[i].name)
    return out


# --------------------------------------------------------------------------- splits


@dataclass(eq=False)
class Split:
    """Train, validation and test arrays of one data set, with the class names.

    Example (``09_splits_and_leakage``):
        >>> split = load("digits", verbose=False)
        >>> sorted(split.sizes())
        ['test', 'train', 'val']
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for part in ("train", "val", "test"):
            x, y = getattr(self, f"x_{part}"), getattr(self, f"y_{part}")
            if len(x) != len(y):
                raise ValueError(f"x_{part} has {len(x)} images but y_{part} has {len(y)} labels")

    def _parts(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        return {p: (getattr(self, f"x_{p}"), getattr(self, f"y_{p}")) for p in ("train", "val", "test")}

    def sizes(self) -> dict[str, int]:
        """The number of images per split.

        Returns:
            ``{"train": n, "val": n, "test": n}``.

        Example (``09_splits_and_leakage``):
            >>> load("digits", verbose=False).sizes()["train"]
            1347
        """
        return {p: len(y) for p, (_, y) in self._parts().items()}

    def __str__(self) -> str:
        labels = [np.asarray(y, dtype=np.int64) for _, y in self._parts().values()]
        k = max([len(self.class_names)] + [int(y.max()) + 1 for y in labels if len(y)])
        names = list(self.class_names) + [str(i) for i in range(len(self.class_names), k)]
        lines = []
        for part, (_, y) in self._parts().items():
            counts = np.bincount(np.asarray(y, dtype=np.int64), minlength=k)
            per_class = ", ".join(f"{n} {c:,}" for n, c in zip(names, counts))
            lines.append(f"{part:<5} {len(y):>7,} images ({per_class})")
        return "\n".join(lines)

    def check_no_leakage(self) -> int:
        """Check that no image (byte for byte) is in two splits.

        Returns:
            The number of images checked.

        Raises:
            ValueError: some images appear in more than one split (the message says where).

        Example (``09_splits_and_leakage``):
            >>> load("digits", verbose=False).check_no_leakage()
            1797
        """
        seen: dict[bytes, tuple[str, int]] = {}
        clashes = []
        for part, (x, _) in self._parts().items():
            for i, image in enumerate(np.asarray(x)):
                key = hashlib.blake2b(image.tobytes(), digest_size=16).digest()
                first = seen.setdefault(key, (part, i))
                if first[0] != part:
                    clashes.append(f"{first[0]}[{first[1]}] == {part}[{i}]")
        if clashes:
            raise ValueError(f"{len(clashes)} images appear in two splits (data leakage), e.g. "
                             f"{'; '.join(clashes[:3])}. Remove duplicates before splitting.")
        return sum(self.sizes().values())

    __repr__ = __str__


def _fraction(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or not 0 <= value < 1:
        raise ValueError(f"{what} must be a fraction in [0, 1), e.g. 0.1 for 10 %; got {value!r}")
    return float(value)


def _count(fraction: float, n: int) -> int:
    """The number of images for a fraction: rounded, and at least 1 if the fraction is not 0."""
    return max(1, round(fraction * n)) if fraction > 0 else 0


def _split_off(x: np.ndarray, y: np.ndarray, count: int, seed: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Stratified: (x_rest, y_rest, x_part, y_part) with ``count`` images in the part."""
    if count == 0:
        return x, y, x[:0], y[:0]
    from sklearn.model_selection import train_test_split

    try:
        x_rest, x_part, y_rest, y_part = train_test_split(x, y, test_size=count, random_state=seed, stratify=y)
    except ValueError as error:
        raise ValueError(f"cannot split {count} of {len(y)} images of {len(np.unique(y))} classes off "
                         f"stratified ({error}). Use more images per class or larger fractions.") from error
    return x_rest, y_rest, x_part, y_part


def stratified_split(x: np.ndarray, y: np.ndarray, *, val_size: float = 0.1, test_size: float = 0.15,
                     seed: int = SEED, class_names: Sequence[str] | None = None) -> Split:
    """Split images into train, validation and test sets with the same class proportions.

    Args:
        x: images, one per row.
        y: integer labels 0..k-1, 1-D, as many as images.
        val_size: fraction of all images for validation, in [0, 1) (the count is rounded).
        test_size: fraction of all images for test, in [0, 1); ``val_size + test_size < 1``.
        seed: seed of the split (same seed, same split).
        class_names: names of the classes (default ``"0"``, ``"1"``, ...).

    Returns:
        A :class:`Split`.

    Example (``09_splits_and_leakage``):
        >>> x, y = np.zeros((100, 8, 8), "uint8"), np.repeat([0, 1], 50)
        >>> stratified_split(x, y, val_size=0.1, test_size=0.2).sizes()
        {'train': 70, 'val': 10, 'test': 20}
    """
    x, y = np.asarray(x), np.asarray(y)
    if y.ndim != 1 or len(x) != len(y) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"need x with one image per row and 1-D integer labels y of the same length; "
                         f"got x {x.shape}, y {y.shape} {y.dtype}")
    val, test = _fraction(val_size, "val_size"), _fraction(test_size, "test_size")
    if val + test >= 1:
        raise ValueError(f"val_size + test_size must be < 1 to leave training images; got {val} + {test}")
    k = int(y.max()) + 1 if len(y) else 0
    names = [str(i) for i in range(k)] if class_names is None else [str(c) for c in class_names]
    if len(names) < k:
        raise ValueError(f"class_names has {len(names)} names but labels go up to {k - 1}")
    x_rest, y_rest, x_test, y_test = _split_off(x, y, _count(test, len(y)), seed)
    x_train, y_train, x_val, y_val = _split_off(x_rest, y_rest, _count(val, len(y)), seed)
    return Split(x_train, y_train, x_val, y_val, x_test, y_test, names)


def _select_classes(all_names: Sequence[str], classes: Sequence[str | int] | None) -> list[int]:
    """Indices into ``all_names`` of the chosen classes (names or indices), in the given order."""
    if classes is None:
        return list(range(len(all_names)))
    if isinstance(classes, (str, bytes)) or not isinstance(classes, Sequence):
        raise TypeError(f"classes must be a sequence of class names or indices, e.g. ('cat', 'dog'); "
                        f"got {classes!r}")
    chosen = []
    for c in classes:
        if isinstance(c, (int, np.integer)) and not isinstance(c, bool) and 0 <= c < len(all_names):
            chosen.append(int(c))
        elif isinstance(c, str) and c in all_names:
            chosen.append(list(all_names).index(c))
        else:
            raise ValueError(f"unknown class {c!r}: use names ({', '.join(all_names)}) or indices "
                             f"0..{len(all_names) - 1}")
    if len(set(chosen)) != len(chosen) or not chosen:
        raise ValueError(f"classes must name distinct classes, at least one; got {list(classes)!r}")
    return chosen


def _subset(x: np.ndarray, y: np.ndarray, chosen: list[int], names: Sequence[str], limit: int | None,
            seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Keep the chosen classes (at most ``limit`` each, seeded), relabelled 0..k-1 in the given order."""
    keep = []
    for c in chosen:
        members = np.flatnonzero(y == c)
        keep.append(members[_pick(len(members), limit, seed, names[c])])
    index = np.sort(np.concatenate(keep))
    relabel = np.full(max(len(names), int(y.max(initial=0)) + 1), -1, dtype=np.int64)
    relabel[chosen] = np.arange(len(chosen))
    return x[index], relabel[y[index]]


def _load_digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return bunch.images.astype(np.uint8), bunch.target.astype(np.int64)


def digits_as_mnist(x8: np.ndarray, box: int = 20) -> np.ndarray:
    """The scikit-learn 8 x 8 digits in MNIST's layout, for a network trained on MNIST.

    MNIST digits are white on black, values 0..255, scaled into a 20 x 20 box centred in
    28 x 28. The scikit-learn digits are 8 x 8 with values 0..16 filling the whole image. So:
    stretch the values to 0..255, upsample to ``box`` x ``box`` (bilinear, with
    ``keras.ops.image.resize``) and pad with black to 28 x 28.

    Args:
        x8: the digits, shape ``(n, 8, 8)`` (or ``(n, 8, 8, 1)``), values 0..16, as
            ``load("digits")`` gives them.
        box: side of the square the digit fills, 1..28 (MNIST: 20; 28 = no border).

    Returns:
        float32 images of shape ``(n, 28, 28, 1)``, values 0..255.

    Raises:
        ValueError: ``x8`` is not a batch of 8 x 8 images with values 0..16 (already
            converted images have values up to 255), or ``box`` is not an int in 1..28.

    Example (``03_three_ways_to_transfer``):
        >>> x = digits_as_mnist(np.full((2, 8, 8), 16, dtype=np.uint8))
        >>> x.shape, float(x.max())
        ((2, 28, 28, 1), 255.0)
    """
    x = np.asarray(x8)
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 3 or x.shape[1:] != (8, 8):
        raise ValueError(f"digits_as_mnist(): x8 must be 8x8 digits of shape (n, 8, 8), as load('digits') "
                         f"gives them, got shape {x.shape}")
    if not np.issubdtype(x.dtype, np.number) or np.issubdtype(x.dtype, np.complexfloating):
        raise ValueError(f"digits_as_mnist(): x8 must hold numbers 0..16, got dtype {x.dtype}")
    if x.size and not (x.min() >= 0 and x.max() <= 16):
        raise ValueError(f"digits_as_mnist(): x8 must have values 0..16 (the scikit-learn digits' range), got "
                         f"{x.min()}..{x.max()}; values up to 255 are already in MNIST's range: do not convert twice")
    if not is_int(box) or not 1 <= box <= 28:
        raise ValueError(f"digits_as_mnist(): box must be an int in 1..28 (MNIST: 20), got {box!r}")
    x = x.astype("float32")[..., np.newaxis] * (255 / 16)                  # 0..16 -> 0..255
    x = keras.ops.convert_to_numpy(keras.ops.image.resize(x, (box, box), interpolation="bilinear"))
    pad = (28 - box) // 2
    x = np.pad(x, ((0, 0), (pad, 28 - box - pad), (pad, 28 - box - pad), (0, 0)))   # black border
    return np.clip(x, 0, 255).astype("float32")


def load(name: str, *, data_dir: str | os.PathLike | None = None, image_size: Sequence[int] | None = None,
         classes: Sequence[str | int] | None = None, limit_per_class: int | None = None,
         val_size: float = 0.1, test_size: float = 0.15, seed: int = SEED, verbose: bool = True) -> Split:
    """Load a data set as a train/validation/test :class:`Split` of uint8 images: the notebooks' one call.

    MNIST, Fashion-MNIST, CIFAR-10 and ``cats_vs_dogs`` keep their official test set as test
    (``cats_vs_dogs``: the ``test/`` photos, or the download's ``validation/`` photos), and
    validation is drawn stratified from the official training set (``test_size`` is ignored).
    ``sign_language_digits`` and ``digits`` get a stratified 3-way split. Images are not
    rescaled. Labels are int64 0..k-1.

    Args:
        name: a data set of :data:`DATASETS` (not a weight file).
        data_dir: the offline data folder; ``None`` reads ``TLCOURSE_DATA``.
        image_size: ``(height, width)``, image folders only (sign language: default 100x100;
            ``cats_vs_dogs``, whose photos vary in size: default 160x160, the TensorFlow
            tutorials' size); resize the others in the model (``keras.layers.Resizing``).
        classes: a subset of classes by name or index, relabelled 0..k-1 in this order,
            e.g. ``("cat", "dog")``.
        limit_per_class: at most this many images per class in each source split (seeded).
        val_size: fraction for validation (of the training set when there is an official test set).
        test_size: fraction for test (data sets without an official test set only).
        seed: seed of subsets and splits.
        verbose: print the split sizes in one line.

    Returns:
        A :class:`Split`.

    Example (``00_start_here``):
        >>> split = load("cifar10", classes=("cat", "dog"), limit_per_class=500)  # doctest: +SKIP
        cifar10: train 900, val 100, test 1,000 images, 2 classes (cat, dog), 32x32x3 uint8
    """
    entry = info(name)
    if entry.kind == "weights":
        raise ValueError(f"{name!r} is a weight file, not a data set: use locate({name!r}) and "
                         f"keras.applications. Data sets: "
                         f"{', '.join(k for k, d in DATASETS.items() if d.kind != 'weights')}")
    size = _image_size(image_size)
    limit = _positive_int_or_none(limit_per_class, "limit_per_class")
    chosen = _select_classes(entry.class_names, classes)
    names = [entry.class_names[c] for c in chosen]
    val = _fraction(val_size, "val_size")
    test = 0.0 if entry.num_test else _fraction(test_size, "test_size")
    if size is not None and entry.kind != "image_folder":
        raise ValueError(f"image_size only applies to image folders; {name!r} comes as "
                         f"{entry.image_shape} arrays: resize in the model with keras.layers.Resizing")
    if size is None and entry.kind == "image_folder":   # the folder's default: stated, or its photos' own size
        size = entry.default_size or (tuple(entry.image_shape[:2]) if entry.image_shape else None)
    if size is None and entry.kind == "image_folder":
        raise ValueError(f"the {entry.title} ({entry.name!r}) have different sizes, so image_size is required: "
                         f"pass image_size=(height, width), e.g. load({entry.name!r}, image_size=(160, 160))")
    if entry.num_test:
        split = _load_with_test(entry, data_dir, chosen, names, limit, val, seed, size)
    else:
        if entry.kind == "bundled":
            x, y = _subset(*_load_digits(), chosen, entry.class_names, limit, seed)
        else:
            x, y, _ = load_image_folder(locate(name, data_dir), size, names, limit, seed)
        split = stratified_split(x, y, val_size=val, test_size=test, seed=seed, class_names=names)
    if verbose:
        print(_summary(entry.name, split))
    return split


def _summary(name: str, split: Split) -> str:
    s, names = split.sizes(), split.class_names
    shown = ", ".join(names) if len(names) <= 4 else f"{names[0]} ... {names[-1]}"
    shape = "x".join(str(d) for d in split.x_train.shape[1:])
    return (f"{name}: train {s['train']:,}, val {s['val']:,}, test {s['test']:,} images, "
            f"{len(names)} classes ({shown}), {shape} uint8")


def _load_with_test(entry: DatasetInfo, data_dir: str | os.PathLike | None, chosen: list[int],
                    names: list[str], limit: int | None, val: float, seed: int,
                    size: tuple[int, int] | None = None) -> Split:
    """MNIST, Fashion-MNIST, CIFAR-10, cats vs dogs: the official test set, validation drawn from train."""
    path = locate(entry.name, data_dir)
    if _is_image_folder(entry, path):  # an image-folder copy: read only the images needed
        layout, parts = _layout(entry, path), []
        for split in ("train", "test"):  # e.g. test/cat, or the download's validation/cats
            subs = [Path(layout[f"{split}/{c}"][0]) for c in names]
            x, y, _ = load_image_folder(path / subs[0].parent, size, [s.name for s in subs], limit, seed)
            parts.append((x, y))
        (x_tr, y_tr), (x_te, y_te) = parts
    else:
        (x_tr, y_tr), (x_te, y_te) = load_arrays(entry.name, data_dir)
        (x_tr, y_tr), (x_te, y_te) = (_subset(x, y, chosen, entry.class_names, limit, seed)
                                      for x, y in ((x_tr, y_tr), (x_te, y_te)))
    x_tr, y_tr, x_val, y_val = _split_off(x_tr, y_tr, _count(val, len(y_tr)), seed)
    return Split(x_tr, y_tr, x_val, y_val, x_te, y_te, names)


def as_dataset(x: np.ndarray, y: np.ndarray, batch_size: int = 32, shuffle: bool = False,
               seed: int = SEED) -> tf.data.Dataset:
    """A batched, prefetched ``tf.data.Dataset`` of ``(image, label)`` pairs.

    Args:
        x: images, one per row.
        y: labels, as many as images.
        batch_size: images per batch.
        shuffle: reshuffle every epoch (a full shuffle, seeded).
        seed: the shuffle's seed (same seed, same order).

    Returns:
        The dataset, ready for ``model.fit``.

    Example (``12_project_sign_language``):
        >>> ds = as_dataset(split.x_train, split.y_train, batch_size=32, shuffle=True)  # doctest: +SKIP
    """
    import tensorflow as tf

    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} images but y has {len(y)} labels")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, e.g. 32; got {batch_size!r}")
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(int(batch_size)).prefetch(tf.data.AUTOTUNE)
