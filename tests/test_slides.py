"""Every notebook is a slide deck: the export runs, has the notebook's slides, and needs no network.

That every cell of every notebook has a valid ``slideshow.slide_type`` (and the first is a
``slide``) is checked by tests/test_notebooks.py::test_every_cell_is_a_slide; here one
notebook is exported the way ``make slides`` does it and the HTML is checked:

- one <section> per slide and sub-slide of the notebook;
- every script and style sheet is a relative path into the local copies that ``make slides``
  unpacks beside the decks (reveal.js, require.js, jQuery, MathJax), nothing from a CDN;
- with those copies present (``make slides`` ran once) the files exist, and with Chromium
  installed the deck opens from file:// in headless Chromium, reveal.js starts, and no script
  or style sheet is requested from the network. Otherwise those tests skip and say why.

With Chromium and the local copies present, every notebook's deck is also measured the way
``tools/screenshot_slides.py`` does it (that script gives the full report and screenshots):
no slide may be taller than 720 or wider than 1280, and no code cell or output may have lines
cut off on the right. Fonts differ between machines, so a slide may be a few pixels too tall
(``HEIGHT_TOLERANCE``); without Chromium (CI) the test skips and says why. The Korean decks
(notebooks/ko/, exported to build/slides/ko/) are measured the same way.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from toolbox import load_tool

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "tools" / "slides" / "nbconvert_config.py"
BUILT = ROOT / "build" / "slides"  # where `make slides` unpacks reveal.js & co.
NOTEBOOK = ROOT / "notebooks" / "00_start_here.ipynb"
LOCAL_JS = ("reveal.js/", "requirejs/", "jquery/", "mathjax/")
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
#: The Korean edition that exists (tests/test_korean.py fails where one is missing).
KOREAN = [ROOT / "notebooks" / "ko" / nb.name for nb in NOTEBOOKS if (ROOT / "notebooks" / "ko" / nb.name).exists()]
# Pixels (slide units) a slide may be too tall: font metrics differ between machines.
HEIGHT_TOLERANCE = 10


class _Deck(HTMLParser):
    """The parts of an exported deck the tests look at."""

    def __init__(self):
        super().__init__()
        self.depth = 0              # <section> nesting
        self.top, self.leaves = 0, 0
        self._children: list[int] = []
        self.assets: list[str] = []  # <script src>, <link href>
        self.scripts: list[str] = []  # inline script bodies
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.depth += 1
            if self.depth == 1:
                self.top += 1
            self._children.append(0)
            if len(self._children) > 1:
                self._children[-2] += 1
        elif tag == "script":
            self._in_script = True
            if attrs.get("src"):
                self.assets.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            self.assets.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "section":
            if self._children.pop() == 0:
                self.leaves += 1
            self.depth -= 1
        elif tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.scripts.append(data)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """00_start_here exported with the command `make slides` runs (one nbconvert run, ~10 s)."""
    out = tmp_path_factory.mktemp("slides")
    result = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "slides", "--config", str(CONFIG),
         "--output-dir", str(out), str(NOTEBOOK)],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    deck = out / "00_start_here.slides.html"
    assert deck.exists(), result.stderr[-3000:]
    return deck


@pytest.fixture(scope="module")
def parsed(exported) -> _Deck:
    deck = _Deck()
    deck.feed(exported.read_text(encoding="utf-8"))
    return deck


def _expected_slides(path: Path) -> tuple[int, int]:
    """(horizontal slides, slides in all) that the notebook's metadata asks for."""
    types = [c.metadata.get("slideshow", {}).get("slide_type", "-")
             for c in nbformat.read(path, as_version=4).cells]
    types[0] = "slide"  # nbconvert starts the deck with the first cell whatever its type
    return types.count("slide"), types.count("slide") + types.count("subslide")


def test_one_section_per_slide(parsed):
    horizontal, total = _expected_slides(NOTEBOOK)
    assert parsed.top == horizontal, "one top-level <section> per `slide` cell"
    assert parsed.leaves == total, "one innermost <section> per `slide` or `subslide` cell"
    assert parsed.depth == 0, "unbalanced <section> tags"


def test_scripts_and_styles_are_local(parsed):
    remote = [a for a in parsed.assets if urlsplit(a).scheme or a.startswith("//")]
    assert not remote, f"loaded from the network, so the deck is blank offline: {remote}"
    assert not [a for a in parsed.assets if not a.startswith(LOCAL_JS)], parsed.assets
    assert "reveal.js/dist/reveal.css" in parsed.assets
    assert "reveal.js/dist/theme/white.css" in parsed.assets
    code = "\n".join(parsed.scripts)
    for module in ("reveal.js/dist/reveal.js", "reveal.js/plugin/notes/notes.js"):
        assert f'"{module}"' in code, f"Reveal is not loaded from {module}"
    # The one network import left is mermaid's, and it must only run for mermaid diagrams.
    assert not re.search(r"^\s*import\s+\w+\s+from\s+['\"]https?:", code, re.M)
    assert re.search(r"width:\s*1280,\s*height:\s*720", code), "decks are laid out at 1280x720"


def test_local_copies_exist_after_make_slides(parsed):
    if not (BUILT / "reveal.js" / "dist" / "reveal.js").exists():
        pytest.skip("no local reveal.js in build/slides/: run `make slides` once (needs npm)")
    referenced = parsed.assets + ["reveal.js/dist/reveal.js", "reveal.js/plugin/notes/notes.js"]
    missing = [a for a in referenced if not (BUILT / urlsplit(a).path).is_file()]
    assert not missing, f"make slides did not unpack {missing}"


def _browser_or_skip():
    """The screenshot tool and Chromium's path; skip (saying why) without Chromium or reveal.js."""
    shots = load_tool("screenshot_slides")
    binary = shots.find_chromium()
    if binary is None:
        pytest.skip("Chromium not installed (Debian: apt-get install chromium)")
    if not (BUILT / "reveal.js" / "dist" / "reveal.js").exists():
        pytest.skip("no local reveal.js in build/slides/: run `make slides` once (needs npm)")
    return shots, binary


def test_deck_opens_offline_in_chromium(exported, tmp_path):
    shots, binary = _browser_or_skip()
    for name in ("reveal.js", "requirejs", "jquery", "mathjax"):
        (exported.parent / name).symlink_to(BUILT / name, target_is_directory=True)
    with shots.Chromium(binary, timeout=60) as browser:
        report = shots.check_deck(browser, exported, shots=tmp_path)
    assert "error" not in report, report["error"]
    assert report["size"] == [1280, 720]
    assert report["slides"] == _expected_slides(NOTEBOOK)[1]
    assert any(Path(p).name == "00_start_here_title.png" for p in report["screenshots"])
    blocking = [r for r in report["remote_requests"] if r["type"] not in ("Image", "Media")]
    assert not blocking, f"the deck fetches scripts or styles from the network: {blocking}"
    assert not report["js_errors"], report["js_errors"]


def _export(notebooks: list[Path], out: Path, assets: str = "") -> None:
    """The notebooks exported as `make slides` does it (``assets``: TLCOURSE_SLIDES_ASSETS)."""
    result = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "slides", "--config", str(CONFIG),
         "--output-dir", str(out), *map(str, notebooks)],
        capture_output=True, text=True, timeout=900, env={**os.environ, "TLCOURSE_SLIDES_ASSETS": assets})
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="module")
def measured_decks(tmp_path_factory) -> dict[str, dict]:
    """Every notebook exported as `make slides` does it and measured in headless Chromium: the
    English decks by their stem, the Korean ones (build/slides/ko/, rendered with the installed
    Noto CJK fonts) as ``ko/<stem>``.

    One nbconvert run per language (~1 min each), one browser for all decks (~2 min).
    """
    shots, binary = _browser_or_skip()
    out = tmp_path_factory.mktemp("decks")
    _export(NOTEBOOKS, out)
    if KOREAN:
        _export(KOREAN, out / "ko", assets="../")
    for name in ("reveal.js", "requirejs", "jquery", "mathjax"):
        (out / name).symlink_to(BUILT / name, target_is_directory=True)
    decks = [(nb.stem, out / f"{nb.stem}.slides.html") for nb in NOTEBOOKS]
    decks += [(f"ko/{nb.stem}", out / "ko" / f"{nb.stem}.slides.html") for nb in KOREAN]
    with shots.Chromium(binary, timeout=120) as browser:
        return {key: shots.check_deck(browser, deck, shots=None) for key, deck in decks}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_slide_overflows_1280x720(measured_decks, notebook):
    _assert_fits(measured_decks[notebook.stem])


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: f"ko-{p.stem}")
def test_no_korean_slide_overflows_1280x720(measured_decks, notebook):
    """The Korean edition (notebooks/ko/, tools/ko.py) as `make slides` exports it to build/slides/ko/."""
    assert f"ko/{notebook.stem}" in measured_decks, f"no notebooks/ko/{notebook.name}: make ko"
    _assert_fits(measured_decks[f"ko/{notebook.stem}"])


def test_korean_decks_use_the_copies_one_folder_up(tmp_path):
    """build/slides/ko/*.slides.html load reveal.js & co. from build/slides/ (`make slides`)."""
    if not KOREAN:
        pytest.fail("no Korean notebook in notebooks/ko/: make ko")
    _export(KOREAN[:1], tmp_path, assets="../")
    deck = _Deck()
    deck.feed((tmp_path / f"{KOREAN[0].stem}.slides.html").read_text(encoding="utf-8"))
    assert deck.assets and all(a.startswith(tuple("../" + p for p in LOCAL_JS)) for a in deck.assets), deck.assets
    assert '"../reveal.js/dist/reveal.js"' in "\n".join(deck.scripts)


def _assert_fits(report: dict) -> None:
    assert "error" not in report, report["error"]
    assert report["size"] == [1280, 720]
    cut = []
    for slide in report["overflowing"]:
        why = [w for w in slide["why"]
               if not (w.endswith("px too tall") and int(w.split("px")[0]) <= HEIGHT_TOLERANCE)]
        if why:
            cut.append(f"#/{slide['h']}/{slide['v']} (slide {slide['h'] + 1}.{slide['v'] + 1}) "
                       f"{'; '.join(why)}: {slide['title']}")
    assert not cut, ("slides that do not fit 1280x720 (split them with slide types, see "
                     "tools/screenshot_slides.py):\n" + "\n".join(cut))


def _course_config():
    """tools/slides/nbconvert_config.py read the way `jupyter nbconvert --config` reads it."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader(CONFIG.name, path=str(CONFIG.parent)).load_config()


def test_every_folded_cell_is_shown_as_outputs_only_in_the_decks():
    """A folded cell (``jupyter.source_hidden``, CONTRIBUTING.md "Adding a notebook") carries a tag whose
    input the course config strips, so a deck shows what it drew or printed but not its code."""
    strip = set(_course_config().TagRemovePreprocessor.remove_input_tags)
    assert strip, "tools/slides/nbconvert_config.py sets TagRemovePreprocessor.remove_input_tags"
    for path in NOTEBOOKS:
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.metadata.get("jupyter", {}).get("source_hidden"):
                assert strip & set(cell.metadata.get("tags", [])), (
                    f"{path.name}, cell {i}: folded in JupyterLab but its code would fill a slide; "
                    f"tag it {sorted(strip)} (in its text source's `# %%` line)")


def test_the_course_config_drops_the_code_of_a_folded_cell_and_keeps_its_output():
    """A two-cell notebook exported with the course config (no kernel, no outputs computed)."""
    from nbconvert import SlidesExporter

    config = _course_config()
    [tag] = sorted(config.TagRemovePreprocessor.remove_input_tags)
    slide = {"slideshow": {"slide_type": "slide"}}
    folded = nbformat.v4.new_code_cell(
        "draw_the_scaffolding()", metadata={**slide, "jupyter": {"source_hidden": True}, "tags": [tag]},
        outputs=[nbformat.v4.new_output("stream", name="stdout", text="the scaffolding's output\n")])
    shown = nbformat.v4.new_code_cell(
        "teach_the_transfer()", metadata=slide,
        outputs=[nbformat.v4.new_output("stream", name="stdout", text="the lesson's output\n")])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title", metadata=slide), folded, shown])
    html, _ = SlidesExporter(config=config).from_notebook_node(nb)
    assert "the scaffolding&#39;s output" in html or "the scaffolding's output" in html
    assert "draw_the_scaffolding" not in html, "the folded cell's code reached the deck"
    assert "teach_the_transfer" in html and "the lesson" in html, "an ordinary cell keeps its code and output"
