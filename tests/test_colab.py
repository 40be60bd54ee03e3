"""Colab launch: every notebook's badge and setup cell agree with pyproject.toml's repository URL."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from toolbox import load_tool

ROOT = Path(__file__).resolve().parents[1]




COLAB = load_tool("colab")
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
REPO = COLAB.repository_url()


def test_the_repository_url_comes_from_pyproject():
    assert REPO == "https://github.com/tlcourse/tlcourse"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_agrees_with_pyproject(path):
    nb = nbformat.read(path, as_version=4)
    assert not COLAB.sync(copy.deepcopy(nb), path.name, REPO), (
        f"{path.name}: badge or Colab setup cell disagrees with pyproject.toml; run "
        f"`python tools/colab.py {path.relative_to(ROOT)}` and re-run the notebook")
    assert nb.cells[0].source.startswith(
        f"[![Open In Colab]({COLAB.BADGE_IMAGE})](https://colab.research.google.com/github/"
        f"tlcourse/tlcourse/blob/main/notebooks/{path.name})")
    setup = nb.cells[1]
    assert setup.cell_type == "code" and setup.metadata["slideshow"]["slide_type"] == "skip"
    assert f'"tlcourse @ git+{REPO}"' in setup.source


def test_setup_cell_does_nothing_outside_colab(monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a))
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(COLAB.setup_source(REPO), {})
    assert calls == []


def test_setup_cell_installs_the_repository_in_colab(monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda args, **k: calls.append(args))
    monkeypatch.setitem(sys.modules, "google.colab", object())
    exec(COLAB.setup_source(REPO), {})
    assert calls == [[sys.executable, "-m", "pip", "install", "--quiet", f"tlcourse @ git+{REPO}"]]


def test_sync_is_idempotent_and_replaces_an_old_badge():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("[![Open In Colab](old.svg)](https://old)\n# 99 · Title"),
        nbformat.v4.new_code_cell("import tlcourse")])
    assert COLAB.sync(nb, "99_x.ipynb", REPO) is True
    assert COLAB.sync(nb, "99_x.ipynb", REPO) is False
    assert nb.cells[0].source.count("Open In Colab") == 1 and "old.svg" not in nb.cells[0].source
    assert nb.cells[0].source.endswith("\n\n# 99 · Title")
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]


def test_a_pyproject_without_repository_is_explained(tmp_path):
    bad = tmp_path / "pyproject.toml"
    bad.write_text('[project]\nname = "x"\n')
    with pytest.raises(ValueError, match=r"\[project.urls\] Repository"):
        COLAB.repository_url(bad)


def test_check_mode_reports_a_stale_notebook(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 99 · Title")])
    path = tmp_path / "99_x.ipynb"
    nbformat.write(nb, path)
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "colab.py"), "--check", str(path)],
                         capture_output=True, text=True)
    assert out.returncode == 1 and "99_x.ipynb: disagree" in out.stdout
    assert len(nbformat.read(path, as_version=4).cells) == 1
