"""The code passes the linter: ruff, with the settings in pyproject.toml ([tool.ruff])."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from toolbox import load_tool

ROOT = Path(__file__).resolve().parents[1]
#: What is linted: the package, its tests, the tools and the benchmarks (notebooks are excluded in
#: pyproject.toml; tests/test_notebooks.py checks them).
LINTED = ["tlcourse", "tests", "tools", "benchmarks", "conftest.py"]


def test_ruff_is_in_the_test_extra():
    """`make test` installs what this file runs."""
    assert any(r.startswith("ruff") for r in load_tool("deps").requirements(["test"]))


def test_the_code_passes_ruff():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", *LINTED], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert "No module named ruff" not in done.stderr, "ruff is not installed: pip install -e '.[test]'"
    assert done.returncode == 0, (
        "ruff check found problems; fix them (`python -m ruff check --fix " + " ".join(LINTED) + "` fixes "
        "some), or, where a rule fights the house style, ignore it in pyproject.toml with a comment why:\n"
        + done.stdout + done.stderr)
