"""Notebook hygiene: what nbval cannot see (stale outputs, slides, structure, legacy APIs)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from toolbox import load_tool

ROOT = Path(__file__).resolve().parents[1]
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}
LEGACY = [
    (r"[(,]\s*lr\s*=", "Keras 3 optimizers take learning_rate=, not lr="),
    (r"fit_generator|predict_generator|evaluate_generator", "use model.fit / predict / evaluate"),
    (r"\btf_keras\b|tensorflow\.keras|keras\.legacy|from keras\.src", "use the public Keras 3 API"),
    (r"\bTODO\b|\bFIXME\b|\bXXX\b", "no unfinished cells in a published notebook"),
]




RUNNER = load_tool("run_notebooks")
NOTEBOOKS = RUNNER.course_notebooks()
IDS = [p.name for p in NOTEBOOKS]


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no NN_topic.ipynb"
    assert NOTEBOOKS[0].name == "00_start_here.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_stored_outputs_come_from_the_current_code(path):
    nb = nbformat.read(path, as_version=4)
    stamp = nb.metadata.get("tlcourse", {})
    assert stamp.get("mode") == "full", f"{path.name}: outputs not from a full-mode run"
    assert stamp.get("code_sha256") == RUNNER.code_sha256(nb), (
        f"{path.name}: code changed since its outputs were stored; "
        f"run `make notebooks NB=notebooks/{path.name}`")
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert all(c.execution_count for c in code), f"{path.name}: a code cell was never run"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{path.name}: stored outputs contain an error"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_cell_is_a_slide(path):
    nb = nbformat.read(path, as_version=4)
    missing = [i for i, c in enumerate(nb.cells)
               if c.metadata.get("slideshow", {}).get("slide_type") not in SLIDE_TYPES]
    assert not missing, f"{path.name}: cells {missing} have no slideshow.slide_type"
    assert nb.cells[0].metadata["slideshow"]["slide_type"] == "slide"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_cell_states_goals_and_links_the_lecture(path):
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "markdown"
    assert re.search(r"you will learn", first.source, re.I), f"{path.name}: no learning goals"
    assert re.search(r"\]\(\.\./README\.md#lecture", first.source), f"{path.name}: no lecture link"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_has_compared_outputs(path):
    nb = nbformat.read(path, as_version=4)
    checked = [c for c in nb.cells if c.cell_type == "code" and "# NBVAL_CHECK_OUTPUT" in c.source]
    assert checked, f"{path.name}: no cell marked # NBVAL_CHECK_OUTPUT, nbval compares nothing"
    assert all(c.outputs for c in checked), f"{path.name}: a checked cell has no stored output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_legacy_keras_or_unfinished_code(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        for pattern, why in LEGACY:
            if cell.cell_type == "code" and "# Keras 2 on purpose" not in cell.source:
                assert not re.search(pattern, cell.source), f"{path.name} cell {i}: {why}"


# The one documented exception: seeding Keras's global generator on versions whose
# set_random_seed leaves it running (tlcourse.config._restart_global_seed_generator).
SEED_SHIM = "from keras.src.backend.common import global_state"


def test_package_has_no_legacy_keras():
    for path in (ROOT / "tlcourse").glob("*.py"):
        text = path.read_text()
        if path.name == "config.py":
            assert text.count(SEED_SHIM) == 1, "config.py: the seeding shim is the only keras.src import"
            text = text.replace(SEED_SHIM, "")
        for pattern, why in LEGACY[:3]:
            assert not re.search(pattern, text), f"{path.name}: {why}"


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in readme, f"README's notebook table misses {path.name}"


#: The course's promise: every notebook runs in full mode within 10 minutes on a 2-core CPU.
FULL_MODE_LIMIT_S = 600


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_full_mode_fits_the_time_budget_and_the_readme_says_how_long(path):
    seconds = nbformat.read(path, as_version=4).metadata["tlcourse"]["seconds"]
    assert seconds <= FULL_MODE_LIMIT_S, (f"{path.name}: its last full-mode run took {seconds} s, over the "
                                          f"{FULL_MODE_LIMIT_S} s the course promises: make it cheaper")
    row = re.search(rf"^\| {path.name[:2]} \| \[[^\]]*\]\(notebooks/{re.escape(path.name)}\).*\| (\d+) / [\d.]+ \|$",
                    (ROOT / "README.md").read_text(), re.M)
    assert row, f"README's notebook table has no row for {path.name} ending in '| full / fast |'"
    minutes = max(1, round(seconds / 60))
    assert int(row.group(1)) == minutes, (f"README says {row.group(1)} full-mode minutes for {path.name}; its "
                                          f"stored run took {seconds} s: write {minutes}")


def test_code_hash_changes_with_code():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    before = RUNNER.code_sha256(nb)
    nb.cells.append(nbformat.v4.new_markdown_cell("prose does not count"))
    assert RUNNER.code_sha256(nb) == before
    nb.cells[0].source = "x = 2"
    assert RUNNER.code_sha256(nb) != before


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_stored_outputs_keep_their_figures(path):
    """A notebook that draws must store its figures (a full run under MPLBACKEND=Agg would not)."""
    nb = nbformat.read(path, as_version=4)
    draws = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
             and re.search(r"\bplt\.|show_images\(|plot_[a-z_]+\(", c.source)]
    if not draws:
        pytest.skip("draws no figure")
    missing = [i for i in draws if not any("image/png" in o.get("data", {}) for o in nb.cells[i].outputs)]
    assert not missing, (f"{path.name}: cells {missing} draw but stored no figure; "
                         f"rerun `make notebooks NB=notebooks/{path.name}`")
