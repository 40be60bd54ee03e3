"""Keep each course notebook and its text source in step (jupytext, paired in jupytext.toml).

``notebooks/NN_topic.ipynb`` is what students open: cells, outputs and figures. Its text source,
``notebooks/src/NN_topic.py``, holds the same cells without outputs, as a Python script in
jupytext's percent format, so that a change to a notebook reads as a diff. The pairing and the
format are set once, in ``jupytext.toml`` at the repository root; ``tests/test_notebook_sources.py``
fails where a notebook and its text disagree.

    python tools/sync_notebooks.py                     # every text source -> its notebook (make sync)
    python tools/sync_notebooks.py notebooks/07_choosing_what_to_freeze.ipynb
    python tools/sync_notebooks.py --from-ipynb notebooks/07_choosing_what_to_freeze.ipynb
                                                       # the notebook -> its text (make sources NB=...)
    python tools/sync_notebooks.py --check             # exit 1 where a notebook and its text disagree

Text -> notebook is what ``jupytext --update`` does: the cells, their order and metadata come from
the text; a cell whose source is unchanged keeps its outputs, id and execution metadata, and the
notebook keeps its own metadata (kernel, the ``tlcourse`` stamp of the full-mode run, widget
state). A code cell you changed keeps its id and its old outputs until ``make notebooks`` runs the
notebook again (its code stamp no longer matches: ``tests/test_notebooks.py`` asks for that run).
It refuses to overwrite a notebook whose cells differ from its text where the difference may be
the notebook's own: the notebook was saved after the text (edited in Jupyter, or by
``tools/colab.py``), or the text has no change since the last commit (nothing to copy from it:
say, a merge brought a new notebook but an old text). Copy the notebook into its text first
(``--from-ipynb``), or pass ``--force`` to drop the notebook's changes.

The same two directions with jupytext alone:

    jupytext --from src//py:percent --to ipynb --update notebooks/src/07_choosing_what_to_freeze.py
    jupytext --to src//py:percent notebooks/07_choosing_what_to_freeze.ipynb
"""

from __future__ import annotations

import argparse
import difflib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jupytext
from jupytext.combine import combine_inputs_with_outputs
from jupytext.config import load_jupytext_configuration_file
from jupytext.formats import long_form_multiple_formats
from jupytext.paired_paths import InconsistentPath, find_base_path_and_format, paired_paths

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CONFIG_FILE = ROOT / "jupytext.toml"
#: The kernel of a notebook made from a text source alone (the course notebooks' own).
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def config(path: Path = CONFIG_FILE) -> Any:
    """The repository's jupytext configuration (never a user's global one)."""
    return load_jupytext_configuration_file(str(path))


@dataclass(frozen=True)
class Pair:
    """A notebook, its text source, and the text's jupytext format."""

    notebook: Path
    source: Path
    fmt: dict


def pair(path: str | Path, cfg: Any = None) -> Pair:
    """The pair that ``path``, a notebook or a text source, belongs to (per ``jupytext.toml``)."""
    cfg = cfg or config()
    path = str(Path(path).resolve())
    formats = cfg.default_formats(path)
    try:
        _, fmt = find_base_path_and_format(path, long_form_multiple_formats(formats))
    except InconsistentPath:
        formats = None
    if not formats:
        raise SystemExit(f"sync_notebooks: {path} is neither a notebook nor a text source paired by {CONFIG_FILE}")
    paths = {alt_fmt["extension"]: (Path(alt), alt_fmt) for alt, alt_fmt in paired_paths(path, fmt, formats)}
    return Pair(notebook=paths[".ipynb"][0], source=paths[".py"][0], fmt=paths[".py"][1])


def course_pairs(cfg: Any = None) -> list[Pair]:
    """Every course notebook's pair, in course order; a text source without its notebook too."""
    cfg = cfg or config()
    paths = [*NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"), *(NOTEBOOKS / "src").glob("[0-9][0-9]_*.py")]
    found = {p.notebook: p for p in (pair(path, cfg) for path in paths)}
    return [found[notebook] for notebook in sorted(found)]


def _read(path: Path, fmt: dict | None, cfg: Any) -> Any:
    return jupytext.read(str(path), fmt=fmt, config=cfg)


def as_text(nb: Any, p: Pair, cfg: Any) -> str:
    """The notebook written as its text source."""
    return jupytext.writes(nb, fmt=p.fmt, config=cfg)


def cells(nb: Any, p: Pair, cfg: Any) -> list[tuple[str, str, dict]]:
    """(type, source, metadata) of each cell, as the text source holds them: read back from
    ``as_text``, so what the text leaves out (outputs, ids, execution times) is left out."""
    read_back = jupytext.reads(as_text(nb, p, cfg), fmt=p.fmt, config=cfg)
    return [(c.cell_type, c.source, dict(c.metadata)) for c in read_back.cells]


def differences(p: Pair, cfg: Any = None) -> str:
    """How the notebook's cells differ from its text source, as a diff of the two written as text;
    ``""`` when they agree."""
    cfg = cfg or config()
    for path, command in ((p.source, f"make sources NB={_rel(p.notebook)}"), (p.notebook, "make sync")):
        if not path.exists():
            return f"{_rel(path)} does not exist; {command} writes it"
    notebook, text = _read(p.notebook, None, cfg), _read(p.source, p.fmt, cfg)
    if cells(notebook, p, cfg) == cells(text, p, cfg):
        return ""
    diff = difflib.unified_diff(as_text(notebook, p, cfg).splitlines(), as_text(text, p, cfg).splitlines(),
                                _rel(p.notebook), _rel(p.source), lineterm="", n=1)
    return "\n".join(diff) or "the cells' metadata differ"


def to_notebook(p: Pair, cfg: Any = None, force: bool = False) -> bool:
    """Write the text source's cells into the notebook; the cells jupytext matches (by source, else
    by position) keep their outputs, ids and execution metadata.

    Returns whether the notebook changed. Unless ``force``, raises ``SystemExit`` without writing
    where the notebook's cells differ from the text and the difference may be the notebook's own:
    the notebook was saved after the text, or the text has no change since the last commit.
    """
    cfg = cfg or config()
    text = _read(p.source, p.fmt, cfg)
    if p.notebook.exists():
        old = _read(p.notebook, None, cfg)
        if cells(old, p, cfg) == cells(text, p, cfg):
            return False
        if not force and (why := _notebook_changes(p)):
            raise SystemExit(
                f"sync_notebooks: {_rel(p.notebook)} and {_rel(p.source)} differ, and {why}: copying the text "
                "would lose what changed in the notebook (edited in Jupyter or by tools/colab.py, or a merge "
                "that brought one file without the other). Copy the notebook into its text, "
                f"`make sources NB={_rel(p.notebook)}`, or, to drop the notebook's changes, "
                f"`python tools/sync_notebooks.py --force {_rel(p.notebook)}`. "
                f"The differences (notebook -> text):\n{differences(p, cfg)}")
        new = combine_inputs_with_outputs(text, old, fmt=p.fmt)
    else:
        new = text
        new.metadata.pop("jupytext", None)      # the text's own format options
        new.metadata.setdefault("kernelspec", dict(KERNELSPEC))
    p.notebook.write_text(jupytext.writes(new, fmt="ipynb", config=cfg) + "\n", encoding="utf-8")
    return True


def _notebook_changes(p: Pair) -> str:
    """Why the notebook may hold changes of its own that its text lacks; "" when the text is the
    newer edit (it has uncommitted changes and was saved last)."""
    if p.notebook.stat().st_mtime > p.source.stat().st_mtime:
        return "the notebook was saved after the text"
    if _committed(p.source) == p.source.read_text(encoding="utf-8"):
        return "the text has no change since the last commit"
    return ""


def _committed(path: Path) -> str | None:
    """The file as the last commit holds it; None outside git, or where it is not committed."""
    try:
        done = subprocess.run(["git", "show", f"HEAD:./{_rel(path)}"], cwd=ROOT, capture_output=True, text=True,
                              encoding="utf-8", timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def to_text(p: Pair, cfg: Any = None) -> bool:
    """Write the notebook's cells into its text source. Returns whether the text changed."""
    cfg = cfg or config()
    new = as_text(_read(p.notebook, None, cfg), p, cfg)
    if p.source.exists() and p.source.read_text(encoding="utf-8") == new:
        return False
    p.source.parent.mkdir(parents=True, exist_ok=True)
    p.source.write_text(new, encoding="utf-8")
    return True


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path,
                        help="notebooks or text sources (default: every course notebook)")
    direction = parser.add_mutually_exclusive_group()
    direction.add_argument("--from-ipynb", action="store_true",
                           help="write the notebooks' cells into their text sources (the other way round)")
    direction.add_argument("--check", action="store_true",
                           help="write nothing; exit 1 where a notebook and its text disagree")
    parser.add_argument("--force", action="store_true",
                        help="overwrite notebooks edited after their text source (their edits are lost)")
    args = parser.parse_args(argv)
    cfg = config()
    pairs = [pair(path, cfg) for path in args.paths] or course_pairs(cfg)
    if args.check:
        stale = [(p, d) for p in pairs if (d := differences(p, cfg))]
        for p, diff in stale:
            print(f"{_rel(p.notebook)} and {_rel(p.source)} disagree:\n{diff}\n")
        print(f"{len(pairs) - len(stale)} of {len(pairs)} notebooks agree with their text sources.")
        return 1 if stale else 0
    for p in pairs:
        if args.from_ipynb:
            changed = to_text(p, cfg)
            print(f"{_rel(p.source)}: {'written from' if changed else 'already agrees with'} {p.notebook.name}")
        else:
            changed = to_notebook(p, cfg, force=args.force)
            print(f"{_rel(p.notebook)}: {'updated from' if changed else 'already agrees with'} {_rel(p.source)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
