"""Every notebook has its text source, notebooks/src/NN_topic.py (paired in jupytext.toml), holding
the same cells: the text is what a reviewer reads in a diff, so it must be what the notebook holds.
Also: syncing text -> notebook keeps the outputs of unchanged cells, and never silently drops a
change made on the notebook's side (tools/sync_notebooks.py)."""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import jupytext
import nbformat
import pytest
from toolbox import load_script, load_tool

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pip vendors the same parser
    from pip._vendor import tomli as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
SYNC = load_tool("sync_notebooks")
RUNNER = load_tool("run_notebooks")
NOTEBOOKS = RUNNER.course_notebooks()
IDS = [p.name for p in NOTEBOOKS]
#: The smallest notebook, copied into a temporary repository to be edited.
SAMPLE = "11_greedy_layerwise_pretraining"


def _cells(nb) -> list[tuple]:
    """What the text must agree on, cell by cell: type, source and slide type."""
    return [(c.cell_type, c.source, c.metadata.get("slideshow", {}).get("slide_type")) for c in nb.cells]


def disagreement(notebook: Path, sync=SYNC) -> str:
    """Why ``notebook`` and its text source disagree (read with ``sync``'s jupytext.toml); "" if they agree."""
    cfg = sync.config()
    pair = sync.pair(notebook, cfg)
    if not pair.source.exists():
        return f"{pair.source.name} is missing: `make sources NB=notebooks/{notebook.name}` writes it"
    nb = nbformat.read(notebook, as_version=4)
    text = jupytext.read(str(pair.source), fmt=pair.fmt, config=cfg)
    if _cells(text) == _cells(nb) and sync.cells(nb, pair, cfg) == sync.cells(text, pair, cfg):
        return ""
    return (f"notebooks/{notebook.name} and notebooks/src/{pair.source.name} disagree. Edited the text? "
            f"`make sync NB=notebooks/{notebook.name}`. Edited the notebook? `make sources NB=notebooks/"
            f"{notebook.name}`. The differences (notebook -> text):\n{sync.differences(pair, cfg)}")


def test_every_notebook_has_its_text_source_and_every_text_its_notebook():
    assert NOTEBOOKS
    for path in NOTEBOOKS:
        assert SYNC.pair(path).source == ROOT / "notebooks" / "src" / f"{path.stem}.py", "jupytext.toml pairs elsewhere"
    sources = sorted((ROOT / "notebooks" / "src").iterdir())
    assert [p.name for p in sources] == [f"{p.stem}.py" for p in NOTEBOOKS], (
        "notebooks/src/ holds one text source per notebook and nothing else; for a new notebook "
        "`make sources NB=notebooks/NN_topic.ipynb`, for a removed one remove its text too")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_the_text_source_has_the_notebooks_cells(path):
    assert not disagreement(path), disagreement(path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_the_pairing_lives_in_jupytext_toml_not_in_the_notebook(path):
    """No per-notebook jupytext metadata: pairing never touches a notebook (nor its code stamp)."""
    assert "jupytext" not in nbformat.read(path, as_version=4).metadata


def test_text_sources_are_neither_linted_nor_collected():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "notebooks" in pyproject["tool"]["ruff"]["extend-exclude"], "ruff must leave the notebooks' text alone"
    pytest_options = pyproject["tool"]["pytest"]["ini_options"]
    patterns = pytest_options.get("python_files", "test_*.py *_test.py").split()
    collected = [p.name for p in (ROOT / "notebooks").rglob("*.py")
                 if any(fnmatch.fnmatch(p.name, pattern) for pattern in patterns)]
    assert not collected, f"pytest (testpaths {pytest_options['testpaths']}) would import {collected}"


def test_make_notebooks_syncs_before_it_runs_and_jupytext_is_installed_for_it():
    makefile = (ROOT / "Makefile").read_text()
    assert "\nnotebooks: sync\n" in makefile
    assert "tools/sync_notebooks.py $(NB)" in makefile and "tools/sync_notebooks.py --from-ipynb $(NB)" in makefile
    assert any(r.startswith("jupytext") for r in load_tool("deps").requirements(["test"]))


# --- on a copy: a repository of one notebook, its text, jupytext.toml and the sync tool ---------------------------


@pytest.fixture
def repo(tmp_path):
    """(the sync tool loaded from the copy, the notebook, its text source) in a temporary repository."""
    (tmp_path / "tools").mkdir()
    (tmp_path / "notebooks" / "src").mkdir(parents=True)
    shutil.copy(ROOT / "tools" / "sync_notebooks.py", tmp_path / "tools")
    shutil.copy(ROOT / "jupytext.toml", tmp_path)
    notebook = tmp_path / "notebooks" / f"{SAMPLE}.ipynb"
    source = tmp_path / "notebooks" / "src" / f"{SAMPLE}.py"
    shutil.copy(ROOT / "notebooks" / notebook.name, notebook)
    shutil.copy(ROOT / "notebooks" / "src" / source.name, source)
    return load_script(tmp_path / "tools" / "sync_notebooks.py", "sync_notebooks_copy"), notebook, source


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _edit_notebook(notebook: Path) -> None:
    """An edit made in Jupyter: a line added to the first cell."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[0].source += "\nEdited in Jupyter."
    nbformat.write(nb, notebook)


def _saved_earlier(path: Path) -> None:
    """As if ``path`` had been saved a minute ago (before any edit the test makes now)."""
    os.utime(path, (time.time() - 60,) * 2)


def test_the_copy_agrees_before_it_is_edited(repo):
    sync, notebook, _ = repo
    assert not disagreement(notebook, sync)
    assert sync.main(["--check"]) == 0
    assert not sync.to_notebook(sync.pair(notebook)), "in step: nothing to write"


def test_an_edit_of_the_text_alone_is_caught(repo):
    sync, notebook, source = repo
    _edit(source, "\n\n# %%", "\n# Edited in the text.\n\n# %%")
    assert "+# Edited in the text." in disagreement(notebook, sync)
    assert sync.main(["--check"]) == 1


def test_an_edit_of_the_notebook_alone_is_caught(repo):
    sync, notebook, _ = repo
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[0].metadata["slideshow"]["slide_type"] = "subslide"       # metadata only
    nbformat.write(nb, notebook)
    assert 'slide_type": "subslide"' in disagreement(notebook, sync)
    nb.cells.insert(3, nbformat.v4.new_code_cell("x = 1", metadata={"slideshow": {"slide_type": "-"}}))
    nbformat.write(nb, notebook)
    assert "-x = 1" in disagreement(notebook, sync)


def test_a_missing_text_source_is_caught(repo):
    sync, notebook, source = repo
    source.unlink()
    assert "make sources NB=notebooks/" in disagreement(notebook, sync)


def test_syncing_the_text_keeps_outputs_ids_and_metadata(repo):
    sync, notebook, source = repo
    before = nbformat.read(notebook, as_version=4)
    text = source.read_text(encoding="utf-8")
    changed = max(i for i, c in enumerate(before.cells) if c.cell_type == "code" and c.outputs
                  and text.count(f"\n{c.source.splitlines()[-1]}\n") == 1)
    last_line = before.cells[changed].source.splitlines()[-1]
    _edit(source, "\n\n# %%", "\n# Edited in the text.\n\n# %%")
    _edit(source, f"\n{last_line}\n", f"\n{last_line}  # edited\n")
    assert sync.to_notebook(sync.pair(notebook))
    after = nbformat.read(notebook, as_version=4)
    nbformat.validate(after)
    assert not disagreement(notebook, sync)
    assert after.metadata == before.metadata, "kernel, tlcourse stamp and widget state are the notebook's"
    assert [c.id for c in after.cells] == [c.id for c in before.cells]
    for i, (old, new) in enumerate(zip(before.cells, after.cells)):
        assert new.metadata == old.metadata, f"cell {i}: metadata (slide type, execution times) kept"
        if new.cell_type == "code":     # the edited cell too (jupytext --update): the run replaces them
            assert new.outputs == old.outputs and new.execution_count == old.execution_count, f"cell {i}"
    assert after.cells[changed].source.endswith("  # edited")
    assert RUNNER.code_sha256(after) != after.metadata["tlcourse"]["code_sha256"], (
        "the code changed, so tests/test_notebooks.py asks for `make notebooks`")


def test_a_notebook_edited_after_its_text_is_not_overwritten(repo):
    sync, notebook, source = repo
    _saved_earlier(source)
    _edit_notebook(notebook)
    with pytest.raises(SystemExit, match=r"saved after the text.*make sources NB=notebooks/"):
        sync.to_notebook(sync.pair(notebook))
    assert "Edited in Jupyter." in notebook.read_text()
    assert sync.main(["--from-ipynb", str(notebook)]) == 0          # make sources NB=...
    assert "\n# Edited in Jupyter.\n" in source.read_text() and not disagreement(notebook, sync)


def test_force_drops_the_notebooks_own_edit(repo):
    sync, notebook, source = repo
    _saved_earlier(source)
    _edit_notebook(notebook)
    assert sync.main(["--force", str(notebook)]) == 0
    assert not disagreement(notebook, sync) and "Edited in Jupyter." not in notebook.read_text()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_text_unchanged_since_the_last_commit_does_not_overwrite_its_notebook(repo):
    """After a merge that brings a new notebook but an old text, the text is the newer file on disk;
    its being unchanged since the commit is what says the difference is the notebook's."""
    sync, notebook, source = repo
    root = notebook.parents[1]
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    _edit_notebook(notebook)
    subprocess.run([*git, "add", "."], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "notebook and text disagree"], cwd=root, check=True)
    _saved_earlier(notebook)                                        # as a merge leaves them: the text newer
    with pytest.raises(SystemExit, match="no change since the last commit"):
        sync.to_notebook(sync.pair(notebook))
    assert "Edited in Jupyter." in notebook.read_text()
    _edit(source, "\n\n# %%", "\n# Edited in the text.\n\n# %%")     # a real edit of the text goes through
    assert sync.to_notebook(sync.pair(notebook))
    assert "Edited in Jupyter." not in notebook.read_text() and not disagreement(notebook, sync)


# Folded scaffolding (CONTRIBUTING.md, "Adding a notebook", step 6): long code that teaches nothing
# about transfer is folded in JupyterLab and left out of the decks, and the markdown before it says so.
FOLDED_TAG = "remove-input"      # the tag tools/slides/nbconvert_config.py strips the input of
FOLDED_NOTE = "folded away"      # what the markdown before a folded cell says


def _folded(cell) -> bool:
    return bool(cell.metadata.get("jupyter", {}).get("source_hidden"))


def _text_cells(path: Path) -> list:
    cfg = SYNC.config()
    pair = SYNC.pair(path, cfg)
    return jupytext.read(str(pair.source), fmt=pair.fmt, config=cfg).cells


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_folded_cells_are_announced_and_left_out_of_the_slides(path):
    cells = _text_cells(path)
    for i, cell in enumerate(cells):
        tagged = FOLDED_TAG in cell.metadata.get("tags", [])
        if not (_folded(cell) or tagged):
            continue
        where = f"notebooks/src/{path.stem}.py, cell {i} ({cell.source.splitlines()[0][:60]!r})"
        assert cell.cell_type == "code", f"{where}: only code cells are folded"
        assert _folded(cell) and tagged, (
            f'{where}: a folded cell has both jupyter={{"source_hidden": true}} (JupyterLab folds it) and '
            f'tags=["{FOLDED_TAG}"] (the decks show its outputs only) on its `# %%` line')
        before = i - 1
        while before >= 0 and cells[before].cell_type == "code" and _folded(cells[before]):
            before -= 1                               # folded cells in a row share one announcement
        assert before >= 0 and cells[before].cell_type == "markdown" and FOLDED_NOTE in cells[before].source, (
            f"{where}: the markdown cell before a folded cell says the code is {FOLDED_NOTE!r}, so a "
            "student knows to click the bar, e.g. \"(The code that draws it is folded away: click the bar "
            "to read it.)\"")


def test_the_scaffolding_of_issue_12_is_folded():
    """The long scaffolding cells the review named stay folded (and only scaffolding: no Keras training)."""
    folded = {path.stem: [c.source for c in _text_cells(path) if _folded(c)] for path in NOTEBOOKS}
    for stem, start in [("10_cnn_architectures", "def draw_inception("),
                        ("10_cnn_architectures", "predict_on_batch"),
                        ("08_open_datasets", "ON_HAND = ["), ("08_open_datasets", "PUBLISHED = ["),
                        ("05_comparing_the_three_ways", "Markdown(table.markdown())")]:
        assert any(start in source for source in folded.get(stem, [])), f"{stem}: the cell with {start!r} is folded"
    for stem, sources in folded.items():
        for source in sources:
            assert not re.search(r"\.(fit|compile|set_weights)\(|clone_model|\.trainable\b", source), (
                f"{stem}: a folded cell trains or rebuilds a model; that is what the lesson teaches, keep it open")


def test_folding_survives_the_text_round_trip_and_keeps_the_outputs(repo):
    """Folding a cell in the text reaches the notebook as metadata only: the outputs and the code stamp
    stay, `--check` agrees, and the notebook written back as text is the text."""
    sync, notebook, source = repo
    header = '# %% slideshow={"slide_type": "subslide"}\nimport time\n'
    folded = '# %% jupyter={"source_hidden": true} slideshow={"slide_type": "subslide"} tags=["remove-input"]\n'
    _edit(source, header, folded + "import time\n")
    before = nbformat.read(notebook, as_version=4)
    assert sync.to_notebook(sync.pair(notebook))
    after = nbformat.read(notebook, as_version=4)
    [cell] = [c for c in after.cells if c.cell_type == "code" and c.source.startswith("import time\n")
              and _folded(c)]
    assert cell.metadata["tags"] == [FOLDED_TAG] and cell.metadata["slideshow"] == {"slide_type": "subslide"}
    assert [c.get("outputs") for c in after.cells] == [c.get("outputs") for c in before.cells]
    assert RUNNER.code_sha256(after) == RUNNER.code_sha256(before), "metadata only: no re-run needed"
    assert sync.main(["--check"]) == 0 and not disagreement(notebook, sync)
    text = source.read_text(encoding="utf-8")
    assert not sync.to_text(sync.pair(notebook)), "the notebook written as text is the text (make sources)"
    assert source.read_text(encoding="utf-8") == text
