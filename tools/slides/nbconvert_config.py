"""nbconvert settings for the course's slide decks (read by ``make slides`` and tests/test_slides.py).

    .venv/bin/jupyter nbconvert --to slides --config tools/slides/nbconvert_config.py \
        --output-dir build/slides notebooks/00_start_here.ipynb

nbconvert's reveal template loads reveal.js, require.js, jQuery and MathJax from CDNs, so
without a network a deck stays blank. Here every script and style sheet is a path relative
to the deck, into copies that ``make slides`` unpacks beside the decks in build/slides/ from
the npm registry (versions in the Makefile, ``SLIDES_JS``). A deck therefore opens from
file:// with no network, as long as it stays in build/slides/ next to those folders (the Korean
decks, build/slides/ko/, one folder below them).
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when it reads this file)

HERE = Path(__file__).resolve().parent

# Our template: nbconvert's reveal template without its unconditional mermaid.js import, and
# headings as written (see templates/tlcourse_reveal/index.html.j2).
c.TemplateExporter.extra_template_basedirs = [str(HERE / "templates")]
c.SlidesExporter.template_name = "tlcourse_reveal"

# Local copies (npm package name = folder name under build/slides/). The Korean decks, in
# build/slides/ko/, use the same copies one folder up: `make slides` exports them with
# TLCOURSE_SLIDES_ASSETS=../ (the path from a deck to build/slides/, "" for the English decks).
ASSETS = os.environ.get("TLCOURSE_SLIDES_ASSETS", "")
c.SlidesExporter.reveal_url_prefix = ASSETS + "reveal.js"
c.SlidesExporter.require_js_url = ASSETS + "requirejs/require.js"
c.SlidesExporter.jquery_url = ASSETS + "jquery/dist/jquery.min.js"
c.SlidesExporter.mathjax_url = ASSETS + "mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"

# reveal.js's white theme loads its fonts from reveal.js itself; the default ("simple")
# imports two style sheets from Google Fonts.
c.SlidesExporter.reveal_theme = "white"

# Slides are laid out at 1280x720 (a 16:9 projector), so a slide that fits there fits on
# screen; tools/screenshot_slides.py measures every slide against this size.
c.SlidesExporter.reveal_width = "1280"
c.SlidesExporter.reveal_height = "720"
# No "In [12]:" prompts: they mean nothing to an audience and take 110 of the 1280 pixels
# (measured when this was set: 80 instead of 100 of the 192 slides overflowed).
c.SlidesExporter.exclude_input_prompt = True
c.SlidesExporter.exclude_output_prompt = True
# Slide numbers h.v count from 1 (the address #/h/v counts from 0); the overflow report of
# tools/screenshot_slides.py gives both.
c.SlidesExporter.reveal_number = "h.v"
# Scaffolding cells (drawing, timing, table building: code that teaches nothing about transfer)
# are folded in the notebooks, `"jupyter": {"source_hidden": true}`, and tagged `remove-input`
# (CONTRIBUTING.md, "Adding a notebook"): a deck shows their outputs only. nbconvert's own
# TagRemovePreprocessor does it (the template never prints a cell whose source it marked removed);
# tests/test_slides.py checks that every folded cell carries the tag and that the deck drops the code.
FOLDED_TAG = "remove-input"
c.TagRemovePreprocessor.enabled = True
c.TagRemovePreprocessor.remove_input_tags = {FOLDED_TAG}
