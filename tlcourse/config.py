"""Course-wide settings read from the environment: fast mode, data folder, seeding.

``FAST`` is the only switch notebooks use to shrink epochs and subsets (same cells, same
code path); CI sets ``TLCOURSE_FAST=1``. Taught in ``notebooks/00_start_here.ipynb``.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}


def _is_true(value: str | None) -> bool:
    """Whether an environment value switches something on ("1", "true", "yes", "on")."""
    return (value or "").strip().lower() in _TRUE


#: True when ``TLCOURSE_FAST`` is set (CI, quick checks): smaller subsets, fewer epochs.
FAST: bool = _is_true(os.environ.get("TLCOURSE_FAST"))

#: The seed every notebook starts from unless it says otherwise.
SEED: int = 42


def fast_or_full(fast: T, full: T) -> T:
    """Pick a value by mode: ``fast`` when ``TLCOURSE_FAST`` is set, else ``full``.

    Args:
        fast: the value for fast mode (CI, quick checks).
        full: the value for a real run (what students see).

    Returns:
        ``fast`` if :data:`FAST` else ``full``.

    Example (``00_start_here``):
        >>> epochs = fast_or_full(1, 10)
    """
    return fast if FAST else full


def data_dir() -> Path | None:
    """The local folder of offline data sets named by ``TLCOURSE_DATA``, if set.

    Returns:
        The folder as a ``Path`` (it need not exist), or ``None`` when the variable is unset.

    Example (``00_start_here``):
        >>> data_dir()  # doctest: +SKIP
        PosixPath('/work/shared/datasets')
    """
    value = os.environ.get("TLCOURSE_DATA", "").strip()
    return Path(value).expanduser() if value else None


def seed_everything(seed: int = SEED) -> int:
    """Seed Python, NumPy and the backend so a notebook gives the same numbers twice.

    Args:
        seed: the seed (default :data:`SEED`).

    Returns:
        The seed used, so a cell can print it.

    Example (``00_start_here``):
        >>> seed_everything(0)
        0
    """
    import keras

    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise TypeError(f"seed must be a non-negative int, got {seed!r}")
    keras.utils.set_random_seed(seed)
    return seed


def environment_report() -> dict[str, str]:
    """Versions, devices and data folder, for the environment check in notebook 00.

    Returns:
        An ordered mapping ``{what: value}`` (Python, TensorFlow, Keras, devices, mode,
        data folder and whether it exists).

    Example (``00_start_here``):
        >>> environment_report()["Keras"]  # doctest: +SKIP
        '3.15.1'
    """
    import keras
    import numpy
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    folder = data_dir()
    return {
        "Python": platform.python_version(),
        "TensorFlow": tf.__version__,
        "Keras": keras.__version__,
        "Keras backend": keras.backend.backend(),
        "NumPy": numpy.__version__,
        "CPU cores": str(os.cpu_count()),
        "GPU": ", ".join(g.name for g in gpus) if gpus else "none (CPU only: the course is built for this)",
        "Mode": "fast (TLCOURSE_FAST=1)" if FAST else "full",
        "TLCOURSE_DATA": f"{folder} ({'found' if folder.is_dir() else 'MISSING'})" if folder else "not set (data download to the Keras cache)",
    }
