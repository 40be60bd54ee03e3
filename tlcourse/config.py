"""Course-wide settings read from the environment: fast mode, data folder, seeding, language.

``FAST`` is the only switch notebooks use to shrink epochs and subsets (same cells, same
code path); CI sets ``TLCOURSE_FAST=1``. The language of the package's messages (check(),
hints) is English unless ``TLCOURSE_LANG=ko`` or :func:`set_language` says Korean (defined in
``tlcourse._i18n``, which the exercises share). Taught in ``notebooks/00_start_here.ipynb``.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from tlcourse._i18n import get_language, set_language

__all__ = ["FAST", "SEED", "VersionCheck", "data_dir", "environment_report", "fast_or_full", "get_language",
           "seed_everything", "set_language", "version_checks"]

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
    _restart_global_seed_generator()
    return seed


def _restart_global_seed_generator() -> None:
    """Make unseeded ``keras.random`` calls repeat after a new seed, on every Keras 3.

    Newer Keras versions' ``set_random_seed`` drops Keras's global ``SeedGenerator`` so that it is
    made again from the new seed; Keras 3.3 to 3.12 keep the old one running, so the same seed
    gave other numbers. Checked by behaviour, not by version: the generator is dropped only where
    Keras left one behind. Keras has no public API for this, so it is the one place the course
    touches Keras's global state.
    """
    try:
        from keras.src.backend.common import global_state
    except ImportError:  # a Keras whose internals moved: it resets the generator itself
        return
    if global_state.get_global_attribute("global_seed_generator") is not None:
        global_state.set_global_attribute("global_seed_generator", None)


#: What each dependency of ``pyproject.toml`` is imported as, to read the version in use.
_MODULES = {"tensorflow": "tensorflow", "keras": "keras", "numpy": "numpy", "matplotlib": "matplotlib",
            "ipywidgets": "ipywidgets", "scikit-learn": "sklearn", "pillow": "PIL"}


@dataclass(frozen=True)
class VersionCheck:
    """One dependency: the version in use against the range the course supports and tests.

    ``required`` is the specifier from the installed package's metadata (``pyproject.toml``),
    ``ok`` whether ``installed`` satisfies it, ``fix`` the command that repairs it ("" if ok).
    """

    name: str
    installed: str
    required: str
    ok: bool
    fix: str


def _requirements() -> dict[str, str]:
    """``{name: specifier}`` of the course's dependencies, from the installed package's metadata."""
    from importlib import metadata

    from packaging.requirements import Requirement

    try:
        dist = metadata.distribution("tlcourse")
    except metadata.PackageNotFoundError:  # a checkout that was never pip-installed
        return {}
    reqs = {"python": dist.metadata.get("Requires-Python") or ""}
    for line in dist.requires or []:
        req = Requirement(line)
        if req.marker is None:  # extras (lab, test, slides) are not needed to follow the course
            reqs[req.name.lower()] = str(req.specifier)
    return reqs


def _installed(name: str) -> str:
    """The version of the dependency ``name`` in use, or "not installed"."""
    import importlib

    try:
        return importlib.import_module(_MODULES.get(name, name)).__version__
    except ImportError:
        return "not installed"


def version_checks() -> list[VersionCheck]:
    """Python and every dependency, in use vs supported (the range CI tests, floor included).

    Returns:
        One :class:`VersionCheck` per requirement of the installed course, Python first; empty
        when the course runs from a checkout that was never installed with pip.

    Example (``00_start_here``):
        >>> [c.name for c in version_checks() if not c.ok]  # doctest: +SKIP
        []
    """
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    checks = []
    for name, spec in _requirements().items():
        installed = platform.python_version() if name == "python" else _installed(name)
        ok = installed != "not installed" and Version(installed) in SpecifierSet(spec, prereleases=True)
        fix = "" if ok else (f"use a Python {spec}" if name == "python" else f'pip install -U "{name}{spec}"')
        checks.append(VersionCheck(name, installed, spec, ok, fix))
    return checks


def _cpu_model() -> str:
    """The CPU's model name (Linux's ``/proc/cpuinfo``), else what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _load_average() -> str:
    """The 1-minute load average: how many programs compete for the cores ("unknown" on Windows)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except (AttributeError, OSError):
        return "unknown"


def environment_report(*, supported: bool = True, machine: bool = False) -> dict[str, str]:
    """Versions, devices and data folder: the environment check of notebook 00, the one source
    of the versions recorded by ``tlcourse.pretrain`` and the benchmarks.

    Each version is shown with the range the course supports; one below it says
    ``TOO OLD`` and what to run (see :func:`version_checks`).

    Args:
        supported: show each version with the range the course supports (notebook 00);
            False gives the bare version strings, to record (manifests, benchmark reports).
        machine: also name the machine: ``"CPU"`` (its model), ``"OS"`` and
            ``"load average (1 min)"`` (other programs sharing the cores slow timings down).

    Returns:
        An ordered mapping ``{what: value}`` of strings: Python, TensorFlow, Keras, NumPy,
        matplotlib, ipywidgets, Keras backend, CPU cores, GPU, mode, data folder and whether
        it exists; with ``machine``, then CPU, OS and load average.

    Example (``00_start_here``):
        >>> environment_report()["Keras"]  # doctest: +SKIP
        '3.15.1 (supported: >=3.3.3)'
    """
    import keras
    import tensorflow as tf

    checks = {c.name: c for c in version_checks()} if supported else {}

    def shown(name: str, version: str) -> str:
        check = checks.get(name)
        if check is None:
            return version
        return f"{version} (supported: {check.required})" if check.ok else \
            f"{version} TOO OLD (supported: {check.required}) -> {check.fix}"

    gpus = tf.config.list_physical_devices("GPU")
    folder = data_dir()
    report = {"Python": shown("python", platform.python_version())}
    for name, label in (("tensorflow", "TensorFlow"), ("keras", "Keras"), ("numpy", "NumPy"),
                        ("matplotlib", "matplotlib"), ("ipywidgets", "ipywidgets")):
        report[label] = shown(name, checks[name].installed if name in checks else _installed(name))
    report.update({
        "Keras backend": keras.backend.backend(),
        "CPU cores": str(os.cpu_count()),
        "GPU": ", ".join(g.name for g in gpus) if gpus else "none (CPU only: the course is built for this)",
        "Mode": "fast (TLCOURSE_FAST=1)" if FAST else "full",
        "TLCOURSE_DATA": (f"{folder} ({'found' if folder.is_dir() else 'MISSING'})" if folder
                          else "not set (data download to the Keras cache)"),
    })
    if machine:
        report.update({"CPU": _cpu_model(), "OS": f"{platform.system()} {platform.release()}",
                       "load average (1 min)": _load_average()})
    return report
