"""Fast mode, data folder and seeding come from the environment, the same way everywhere."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import numpy as np
import pytest

import tlcourse.config as config


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), (" YES ", True), ("on", True),
                                             ("0", False), ("", False), ("no", False), (None, False)])
def test_what_switches_fast_mode_on(value, expected):
    assert config._is_true(value) is expected


def test_fast_mode_is_read_from_the_environment_at_import():
    code = "import tlcourse.config as c; print(c.FAST, c.fast_or_full('f', 'F'))"
    out = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()
           for env in ({"TLCOURSE_FAST": "1"}, {})]
    assert out == ["True f", "False F"]


def test_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("TLCOURSE_DATA", raising=False)
    assert config.data_dir() is None
    monkeypatch.setenv("TLCOURSE_DATA", str(tmp_path))
    assert config.data_dir() == tmp_path
    monkeypatch.setenv("TLCOURSE_DATA", "  ")
    assert config.data_dir() is None


def test_seed_everything_repeats_numbers():
    import keras

    config.seed_everything(3)
    a = (np.random.rand(3), keras.random.uniform((3,)).numpy())
    config.seed_everything(3)
    b = (np.random.rand(3), keras.random.uniform((3,)).numpy())
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


@pytest.mark.parametrize("bad", [-1, 1.5, "1", True])
def test_seed_everything_rejects_bad_seed(bad):
    with pytest.raises(TypeError, match="non-negative int"):
        config.seed_everything(bad)


def test_environment_report(monkeypatch, tmp_path):
    monkeypatch.setenv("TLCOURSE_DATA", str(tmp_path / "nowhere"))
    report = config.environment_report()
    assert report["Keras"].startswith("3.") and report["Keras backend"] == "tensorflow"
    for what in ("Python", "TensorFlow", "Keras", "NumPy", "matplotlib", "ipywidgets"):
        assert "(supported: >=" in report[what] and "TOO OLD" not in report[what], (what, report[what])
    assert report["TLCOURSE_DATA"].endswith("(MISSING)")
    monkeypatch.setenv("TLCOURSE_DATA", str(tmp_path))
    assert config.environment_report()["TLCOURSE_DATA"].endswith("(found)")


def test_environment_report_bare_versions_and_the_machine():
    import keras

    report = config.environment_report(supported=False, machine=True)
    assert report["Keras"] == keras.__version__ and report["NumPy"] == np.__version__
    assert report["CPU cores"] == str(os.cpu_count()) and report["CPU"] and report["OS"]
    assert report["load average (1 min)"] == "unknown" or float(report["load average (1 min)"]) >= 0
    assert "CPU" not in config.environment_report()  # notebook 00 shows the versions and devices only


def test_package_sets_tensorflow_backend_quietly():
    tlcourse = importlib.import_module("tlcourse")

    assert os.environ["KERAS_BACKEND"] == "tensorflow" and tlcourse.__version__


def test_public_api_is_reexported():
    import tlcourse

    missing = [name for name in tlcourse.__all__ if not hasattr(tlcourse, name)]
    assert not missing
    for module in ("data", "surgery", "plots"):
        mod = importlib.import_module(f"tlcourse.{module}")
        public = set(getattr(mod, "__all__", []))
        assert public <= set(tlcourse.__all__) | {"IMAGE_EXTENSIONS"}, public - set(tlcourse.__all__)


def test_version_checks_read_the_installed_requirements():
    checks = {c.name: c for c in config.version_checks()}
    assert list(checks)[0] == "python"
    assert {"tensorflow", "keras", "numpy", "matplotlib", "ipywidgets", "scikit-learn", "pillow"} <= set(checks)
    assert all(c.ok and c.fix == "" for c in checks.values()), [c for c in checks.values() if not c.ok]
    assert checks["keras"].required.startswith(">=3.")


def test_version_checks_flag_a_version_below_the_floor(monkeypatch):
    import keras

    monkeypatch.setattr(keras, "__version__", "3.0.5")
    keras_check = next(c for c in config.version_checks() if c.name == "keras")
    assert not keras_check.ok and keras_check.installed == "3.0.5"
    assert keras_check.fix == f'pip install -U "keras{keras_check.required}"'
    report = config.environment_report()["Keras"]
    assert report.startswith("3.0.5 TOO OLD (supported: >=3.") and 'pip install -U "keras>=3.' in report


def test_version_checks_accept_a_keras_nightly(monkeypatch):
    import keras

    monkeypatch.setattr(keras, "__version__", "3.16.0.dev2026102704")
    assert next(c for c in config.version_checks() if c.name == "keras").ok
