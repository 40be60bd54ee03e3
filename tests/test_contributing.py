"""CONTRIBUTING.md stays true: every path, script and make target it names exists, and its map
covers every notebook, public module and test file."""

from __future__ import annotations

import re
from pathlib import Path

from toolbox import github_anchor

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
SUFFIXES = (".py", ".md", ".toml", ".ipynb", ".json", ".yml", ".txt")
#: Paths outside the checkout, or made by a command: named, but not in git.
NOT_IN_GIT = ("$TLCOURSE_DATA/", "../", ".venv/", "build/", "http://", "https://")


def _code() -> list[str]:
    """The text of every code span and fenced code block."""
    fences = re.findall(r"^```[a-z]*\n(.*?)^```", TEXT, re.M | re.S)
    prose = re.sub(r"^```[a-z]*\n.*?^```", "", TEXT, flags=re.M | re.S)
    spans = re.findall(r"(`+)(.+?)\1", prose)
    return fences + [span for _, span in spans]


def _paths() -> set[str]:
    """Words of the code that name a file or folder, and the targets of Markdown links."""
    words = {w.strip(",;:()'\"") for code in _code() for w in code.split()}
    paths = {w for w in words if re.fullmatch(r"[\w.$<>*/-]+", w) and not w.startswith("-")
             and ("/" in w or w.endswith(SUFFIXES))}
    links = set(re.findall(r"\]\(([^)\s]+)\)", TEXT))
    return {p for p in paths | links if not p.startswith(NOT_IN_GIT)}


def _glob(path: str) -> list[Path]:
    """What ``path`` names in the checkout; placeholders (``NN``, ``<module>``) match any."""
    pattern = path.split("#")[0].rstrip("/")
    pattern = re.sub(r"<\w+>", "*", pattern).replace("NN_topic", "NN_*").replace("NN", "[0-9][0-9]")
    if "/" in pattern:
        return [p for p in ROOT.glob(pattern) if ".git" not in p.parts]
    return [p for p in ROOT.rglob(pattern) if not {".git", ".venv", "build"} & set(p.parts)]


def test_every_path_it_names_exists():
    paths = _paths()
    assert {"tools/run_notebooks.py", "tlcourse/_checks.py", "README.md", ".ci/run"} <= paths, "the parser finds paths"
    missing = sorted(p for p in paths if not _glob(p))
    assert not missing, f"CONTRIBUTING.md names paths that do not exist: {missing}"


def test_every_link_to_a_section_of_the_readme_exists():
    headings = {github_anchor(h) for h in re.findall(r"^#+ (.+)$", (ROOT / "README.md").read_text(), re.M)}
    anchors = {p.split("#", 1)[1] for p in _paths() if p.startswith("README.md#")}
    assert anchors and not anchors - headings, f"no such section in README.md: {sorted(anchors - headings)}"


def test_every_make_target_it_names_exists():
    makefile = (ROOT / "Makefile").read_text()
    targets = {t for code in _code() for t in re.findall(r"\bmake ([a-z][\w-]*)", code)}
    assert {"test", "unit", "test-compat", "notebooks"} <= targets
    missing = sorted(t for t in targets if not re.search(rf"^{re.escape(t)}:", makefile, re.M))
    assert not missing, f"CONTRIBUTING.md names make targets the Makefile lacks: {missing}"


def test_every_module_it_runs_with_python_m_exists():
    modules = {m for code in _code() for m in re.findall(r"-m (tlcourse[\w.]*)", code)}
    for module in modules:
        path = ROOT.joinpath(*module.split("."))
        assert path.with_suffix(".py").is_file() or (path / "__init__.py").is_file(), module


def test_every_test_function_it_names_exists():
    tests = "\n".join(p.read_text() for p in (ROOT / "tests").rglob("*.py"))
    named = {n for code in _code() for n in re.findall(r"\btest_\w+\b(?!\.py)", code)}
    missing = sorted(n for n in named if f"def {n}(" not in tests)
    assert not missing, f"CONTRIBUTING.md names tests that do not exist: {missing}"


def test_the_map_covers_every_notebook_module_and_test_file():
    table = TEXT.split("## Map", 1)[1].split("\n## ", 1)[0]
    for notebook in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        assert f"`notebooks/{notebook.name}`" in table, f"the map has no row for {notebook.name}"
    for module in sorted((ROOT / "tlcourse").glob("[a-z]*.py")):
        assert f"`{module.stem}" in table, f"the map never names tlcourse.{module.stem}"
    for test in sorted((ROOT / "tests").rglob("test_*.py")):
        assert f"`{test.relative_to(ROOT)}`" in TEXT, f"CONTRIBUTING.md never names {test.relative_to(ROOT)}"


def test_the_readme_links_it():
    assert "](CONTRIBUTING.md)" in (ROOT / "README.md").read_text()
