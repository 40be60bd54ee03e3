"""The Korean edition (한국어판): notebooks/ko/NN_topic.ipynb, generated, never edited by hand.

Each English notebook ``notebooks/NN_topic.ipynb`` has a gettext catalog
``notebooks/locale/ko/NN_topic.po``: one entry per markdown *block* (a markdown cell split at
blank lines; a fenced code block, a table or a list without blank lines stays one block), the
English block as ``msgid``, its Korean as ``msgstr``. Code is never translated. The Korean
notebook is the English one with every block replaced by its translation: same cells, ids,
metadata and code, same outputs (copied: a Korean notebook never runs on its own), except

- the Colab badge, which opens ``notebooks/ko/NN_topic.ipynb`` (written here, not translated);
- the Colab set-up cell (the first code cell), which ends with two more lines that switch the
  package's messages to Korean (:data:`LANGUAGE_SWITCH`);
- the stored outputs of exercise cells (cells calling ``check(``): check()'s English message,
  translated line by line with the package's own catalog, ``tlcourse/locale/ko.po``.

    python tools/ko.py extract [NB...]   # English notebooks -> catalogs (new, fuzzy, obsolete entries)
    python tools/ko.py extract --prune   # ... and drop obsolete entries
    python tools/ko.py build [NB...]     # catalogs -> notebooks/ko/ (fails on any untranslated block)
    python tools/ko.py check             # exit 1 if notebooks/ko/ is stale or a catalog is incomplete
    python tools/ko.py stats             # translated / fuzzy / untranslated per notebook

NB is an English notebook (``notebooks/01_what_is_transfer_learning.ipynb``); without NB, every
``notebooks/[0-9][0-9]_*.ipynb``. ``make ko`` runs ``build``; tests/test_korean.py checks the result.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import polib

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
KO_NOTEBOOKS = NOTEBOOKS / "ko"
CATALOGS = NOTEBOOKS / "locale" / "ko"
PACKAGE_CATALOG = ROOT / "tlcourse" / "locale" / "ko.po"

#: The first line of the Colab set-up cell (tools/colab.py writes it).
SETUP_FIRST_LINE = "# Colab only: install the course"
#: What the Korean set-up cell adds at its end: the package answers in Korean from here on.
LANGUAGE_SWITCH = ('import tlcourse\n'
                   'tlcourse.set_language("ko")  # check()의 답과 힌트 등 패키지의 메시지를 한국어로 표시합니다.')
#: A Colab badge block; build points it at the Korean notebook.
BADGE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\((?P<url>[^)]*/notebooks/)(?P<name>[^/)]+\.ipynb)\)")
#: How similar a changed block must be to its old version to keep the old translation as a
#: (fuzzy) suggestion; gettext's msgmerge uses about the same threshold.
FUZZY_RATIO = 0.6
FENCE = re.compile(r"^\s*(```|~~~)")
HEADER = {
    "Project-Id-Version": "tlcourse",
    "Language": "ko",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}


# ----------------------------------------------------------------------------- blocks

def split_blocks(source: str) -> list[tuple[str, str]]:
    """A markdown cell's text as ``(kind, text)`` pieces, ``kind`` "block" or "gap".

    A gap is the blank lines between two blocks, kept verbatim, so that joining the texts gives
    ``source`` back. A blank line inside a fenced code block (```` ``` ```` or ``~~~``) does not
    split it.
    """
    pieces: list[tuple[str, str]] = []
    block: list[str] = []
    gap: list[str] = []
    fence = None
    for line in source.split("\n"):
        blank = not line.strip()
        if blank and fence is None:
            gap.append(line)
            continue
        if gap:
            if block:
                pieces.append(("block", "\n".join(block)))
                block = []
            pieces.append(("gap", "\n".join(gap)))
            gap = []
        block.append(line)
        match = FENCE.match(line)
        if match:
            fence = None if fence == match.group(1) else fence or match.group(1)
    if block:
        pieces.append(("block", "\n".join(block)))
    if gap:
        pieces.append(("gap", "\n".join(gap)))
    return pieces


def join_blocks(pieces: list[tuple[str, str]]) -> str:
    """The inverse of :func:`split_blocks` ("a\\n\\nb" is block "a", gap "", block "b", glued with newlines)."""
    return "\n".join(text for _, text in pieces)


def is_badge(block: str) -> bool:
    """A block that is the Colab badge alone (build writes it; nothing to translate)."""
    return BADGE.fullmatch(block.strip()) is not None


def slide_type(cell) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


@dataclass
class Block:
    cell: int          # the cell's index in the notebook
    slide: str         # its slide type
    text: str


def blocks(nb) -> list[Block]:
    """The translatable blocks of a notebook, in order (the badge left out)."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for kind, text in split_blocks(cell.source):
            if kind == "block" and not is_badge(text):
                found.append(Block(index, slide_type(cell), text))
    return found


# ----------------------------------------------------------------------------- catalogs

def english_notebooks(paths: list[str] | None = None) -> list[Path]:
    """The English notebooks named on the command line, or every ``notebooks/NN_topic.ipynb``."""
    if not paths:
        return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    found = []
    for p in paths:
        path = Path(p).resolve()
        if path.parent == KO_NOTEBOOKS.resolve():       # a Korean notebook named: its English one
            path = NOTEBOOKS / path.name
        if path.parent != NOTEBOOKS.resolve() or not re.fullmatch(r"\d\d_.+\.ipynb", path.name) or not path.exists():
            raise SystemExit(f"tools/ko.py: {p} is not an English course notebook (notebooks/NN_topic.ipynb)")
        found.append(path)
    return found


def catalog_path(notebook: Path) -> Path:
    return CATALOGS / f"{notebook.stem}.po"


def korean_path(notebook: Path) -> Path:
    return KO_NOTEBOOKS / notebook.name


def new_catalog() -> polib.POFile:
    po = polib.POFile(wrapwidth=78)
    po.header = ("Korean edition of the tlcourse notebooks (한국어판). Written by python tools/ko.py extract from\n"
                 "the English notebook; translate the msgstr lines only (CONTRIBUTING.md, \"Korean edition\").")
    po.metadata = dict(HEADER)
    return po


def template(notebook: Path) -> polib.POFile:
    """The catalog's entries as the English notebook has them now, untranslated (a .pot)."""
    pot = new_catalog()
    by_text: dict[str, polib.POEntry] = {}
    for block in blocks(nbformat.read(notebook, as_version=4)):
        entry = by_text.get(block.text)
        if entry is None:
            entry = by_text[block.text] = polib.POEntry(msgid=block.text, msgstr="")
            pot.append(entry)
        entry.occurrences.append((f"cell {block.cell}", ""))
        slides = entry.comment.removeprefix("slide_type: ").split(", ") if entry.comment else []
        if block.slide not in slides:
            slides.append(block.slide)
        entry.comment = "slide_type: " + ", ".join(slides)
    return pot


def _memory(skip: Path) -> dict[str, str]:
    # Translations of every other catalog (obsolete entries too), English -> Korean: a block that
    # moved to another notebook (a split, a renumbered notebook) keeps its translation.
    memory: dict[str, str] = {}
    for path in sorted(CATALOGS.glob("*.po")):
        if path == skip:
            continue
        for entry in polib.pofile(str(path)):
            if entry.msgstr and "fuzzy" not in entry.flags:
                memory.setdefault(entry.msgid, entry.msgstr)
    return memory


def merge(old: polib.POFile, pot: polib.POFile, memory: dict[str, str], prune: bool = False) -> polib.POFile:
    """The catalog ``old`` brought up to the template ``pot``, as gettext's msgmerge does.

    An unchanged block keeps its translation, flags and translator comments; a new block takes an
    exact translation from ``memory`` (other catalogs) or, failing that, the translation of the
    most similar vanished block of ``old`` as a *fuzzy* suggestion (``#| msgid`` shows the old
    English); anything else is untranslated. Vanished blocks whose translation no entry took
    become obsolete (``#~``), or are dropped with ``prune``.
    """
    po = new_catalog()
    old_entries = {e.msgid: e for e in old}
    wanted = {e.msgid for e in pot}
    vanished = [e for e in old if e.msgid not in wanted and e.msgstr]
    used: set[str] = set()
    for ref in pot:
        entry = polib.POEntry(msgid=ref.msgid, msgstr="", occurrences=list(ref.occurrences), comment=ref.comment)
        previous = old_entries.get(ref.msgid)
        if previous is not None:
            entry.msgstr, entry.tcomment = previous.msgstr, previous.tcomment
            entry.flags = [f for f in previous.flags if f == "fuzzy"] if previous.msgstr else []
            entry.previous_msgid = previous.previous_msgid if "fuzzy" in entry.flags else None
        elif ref.msgid in memory:
            entry.msgstr = memory[ref.msgid]
        else:
            best = max(vanished, key=lambda e: difflib.SequenceMatcher(None, e.msgid, ref.msgid).ratio(), default=None)
            if best is not None and difflib.SequenceMatcher(None, best.msgid, ref.msgid).ratio() >= FUZZY_RATIO:
                entry.msgstr, entry.flags, entry.previous_msgid = best.msgstr, ["fuzzy"], best.msgid
                used.add(best.msgid)
        po.append(entry)
    if not prune:
        for e in old:
            if e.msgid not in wanted and e.msgid not in used and e.msgstr:
                po.append(polib.POEntry(msgid=e.msgid, msgstr=e.msgstr, tcomment=e.tcomment, obsolete=True))
    return po


def extract(notebooks: list[Path], prune: bool = False) -> int:
    CATALOGS.mkdir(parents=True, exist_ok=True)
    extract_package(prune=prune)
    for notebook in notebooks:
        path = catalog_path(notebook)
        old = polib.pofile(str(path)) if path.exists() else new_catalog()
        po = merge(old, template(notebook), _memory(skip=path), prune=prune)
        text = str(po) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {_counts(po)}")
    orphans = sorted(p for p in CATALOGS.glob("*.po") if not (NOTEBOOKS / f"{p.stem}.ipynb").exists())
    for p in orphans:
        print(f"{p.relative_to(ROOT)}: no notebooks/{p.stem}.ipynb any more; its translations were offered to "
              "the other catalogs (exact matches): delete it once they are in place", file=sys.stderr)
    return 0


def _counts(po: polib.POFile) -> str:
    live = [e for e in po if not e.obsolete]
    fuzzy = sum(1 for e in live if "fuzzy" in e.flags)
    done = sum(1 for e in live if e.msgstr and "fuzzy" not in e.flags)
    obsolete = sum(1 for e in po if e.obsolete)
    return (f"{done} translated, {fuzzy} fuzzy, {len(live) - done - fuzzy} untranslated"
            + (f", {obsolete} obsolete" if obsolete else ""))


# ----------------------------------------------------------------------------- package messages

MARKERS = ("_", "N_")        # tlcourse._i18n: translated when shown / marked for the catalog


def package_strings(package: Path = ROOT / "tlcourse") -> list[tuple[str, str, int, bool]]:
    """``(msgid, file, line, formatted)`` for every ``_("...")`` and ``N_("...")`` literal of the
    package, in file order; ``formatted``: the call is followed by ``.format(...)``, so the text's
    ``{placeholders}`` are fields (elsewhere braces are literal, like a dict in an example)."""
    import ast

    found = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        formatted = {id(node.value) for node in ast.walk(tree)
                     if isinstance(node, ast.Attribute) and node.attr == "format"}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.append((node.args[0].value, str(path.relative_to(ROOT)), node.lineno, id(node) in formatted))
    return sorted(found, key=lambda f: (f[1], f[2]))


def placeholders(text: str) -> list[tuple[str, str, str]]:
    """The ``(name, conversion, format spec)`` of each ``{field}`` of a format string, sorted."""
    import string

    return sorted((name, conversion or "", spec or "") for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None)


def package_template() -> polib.POFile:
    """The package's messages as a template: one entry per distinct literal, with where it is used."""
    pot = new_catalog()
    entries: dict[str, polib.POEntry] = {}
    for msgid, path, line, _formatted in package_strings():
        if msgid not in entries:
            entries[msgid] = polib.POEntry(msgid=msgid, msgstr="")
            pot.append(entries[msgid])
        entries[msgid].occurrences.append((path, str(line)))
    return pot


def extract_package(prune: bool = False) -> None:
    old = polib.pofile(str(PACKAGE_CATALOG)) if PACKAGE_CATALOG.exists() else new_catalog()
    po = merge(old, package_template(), {}, prune=prune)
    po.header = ("Korean messages of the tlcourse package (check(), hints): the _(\"...\") and N_(\"...\") texts of\n"
                 "tlcourse/. Written by python tools/ko.py extract; keep every {placeholder} as it is.")
    PACKAGE_CATALOG.parent.mkdir(exist_ok=True)
    text = str(po) + "\n"
    if not PACKAGE_CATALOG.exists() or _text(PACKAGE_CATALOG) != text:
        PACKAGE_CATALOG.write_text(text, encoding="utf-8")
    print(f"{PACKAGE_CATALOG.relative_to(ROOT)}: {_counts(po)}")


def package_messages() -> dict[str, str]:
    """English -> Korean of the package's messages (tlcourse/locale/ko.po), translated entries only."""
    if not PACKAGE_CATALOG.exists():
        return {}
    return {e.msgid: e.msgstr for e in polib.pofile(str(PACKAGE_CATALOG))
            if e.msgstr and "fuzzy" not in e.flags and not e.obsolete}


def translate_check_line(line: str, messages: dict[str, str]) -> str | None:
    """One line check() printed, in Korean (as check() prints it after set_language("ko")), or None.

    check() prints ``"<id> <verdict>"`` and, for a wrong answer, ``"Hint: <hint>"``
    (tlcourse/exercises/__init__.py): each part is a message of the package's catalog.
    """
    if line in messages:
        return messages[line]
    hint = re.fullmatch(r"Hint: (.*)", line, flags=re.S)
    if hint:
        form, text = messages.get("Hint: {hint}"), messages.get(hint.group(1))
        return form.format(hint=text) if form and text else None
    verdict = re.fullmatch(r"(\d\d\.\d+) (.*)", line, flags=re.S)
    if verdict:
        rest = verdict.group(2)
        if rest in messages:
            return f"{verdict.group(1)} {messages[rest]}"
        problem = re.fullmatch(r"not yet: (.*)", rest, flags=re.S)
        form = messages.get("not yet: {problem}")
        if problem and form and problem.group(1) in messages:
            return f"{verdict.group(1)} {form.format(problem=messages[problem.group(1)])}"
    return None


def is_exercise_cell(cell) -> bool:
    return cell.cell_type == "code" and "check(" in cell.source


def is_setup_cell(cell) -> bool:
    return cell.cell_type == "code" and cell.source.startswith(SETUP_FIRST_LINE)


# ----------------------------------------------------------------------------- build

class Untranslated(Exception):
    """Blocks or output lines without a (non-fuzzy) translation; the message lists them."""


def korean_notebook(notebook: Path, po: polib.POFile | None = None, messages: dict[str, str] | None = None):
    """The Korean notebook for ``notebook``, as a notebook object (nothing written).

    Raises:
        Untranslated: a block without a non-fuzzy translation, or an exercise output line the
            package's catalog does not translate; the message names the notebook, the cell and
            the English text.
    """
    if po is None:
        path = catalog_path(notebook)
        if not path.exists():
            raise Untranslated(f"{notebook.name}: no catalog {path.relative_to(ROOT)}; run python tools/ko.py extract "
                               f"notebooks/{notebook.name}")
        po = polib.pofile(str(path))
    messages = package_messages() if messages is None else messages
    korean = {e.msgid: e.msgstr for e in po if e.msgstr and "fuzzy" not in e.flags and not e.obsolete}
    fuzzy = {e.msgid for e in po if "fuzzy" in e.flags and not e.obsolete}
    nb = nbformat.read(notebook, as_version=4)
    problems: list[str] = []
    setup_done = False
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            pieces = []
            for kind, text in split_blocks(cell.source):
                if kind == "block" and is_badge(text):
                    text = BADGE.sub(lambda m: m.group(0).replace(m.group("url") + m.group("name"),
                                                                  m.group("url") + "ko/" + m.group("name")), text)
                elif kind == "block":
                    if text not in korean:
                        why = "fuzzy (the English changed; check the suggestion)" if text in fuzzy else "untranslated"
                        problems.append(f"{notebook.name}, cell {index}: {why}:\n    {_short(text)}")
                    text = korean.get(text, text)
                pieces.append((kind, text))
            cell.source = join_blocks(pieces)
        elif cell.cell_type == "code" and not setup_done:
            setup_done = True
            if not is_setup_cell(cell):
                problems.append(f"{notebook.name}, cell {index}: the first code cell is not the Colab set-up cell "
                                f"({SETUP_FIRST_LINE!r}); run python tools/colab.py")
            else:
                cell.source = cell.source.rstrip("\n") + "\n" + LANGUAGE_SWITCH
        if is_exercise_cell(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") != "stream":
                    continue
                lines = []
                for line in output.text.split("\n"):
                    translated = translate_check_line(line, messages) if line else line
                    if translated is None:
                        problems.append(f"{notebook.name}, cell {index}: check() output without a Korean message "
                                        f"in tlcourse/locale/ko.po:\n    {_short(line)}")
                        translated = line
                    lines.append(translated)
                output.text = "\n".join(lines)
    if problems:
        raise Untranslated("\n".join(problems))
    return nb


def _short(text: str, width: int = 200) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[:width - 3] + "..."


def render(nb) -> str:
    """The notebook's file text, as build writes it."""
    return nbformat.writes(nb, version=4) + "\n"


def build(notebooks: list[Path], all_notebooks: bool) -> int:
    KO_NOTEBOOKS.mkdir(parents=True, exist_ok=True)
    messages, failed = package_messages(), 0
    for notebook in notebooks:
        target = korean_path(notebook)
        try:
            text = render(korean_notebook(notebook, messages=messages))
        except Untranslated as error:
            failed += 1
            print(f"{target.relative_to(ROOT)} NOT written:\n{error}\n", file=sys.stderr)
            continue
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            print(f"{target.relative_to(ROOT)} written")
    if all_notebooks:
        for stale in sorted(KO_NOTEBOOKS.glob("*.ipynb")):
            if not (NOTEBOOKS / stale.name).exists():
                stale.unlink()
                print(f"{stale.relative_to(ROOT)} removed: no notebooks/{stale.name} any more")
    if failed:
        print(f"tools/ko.py build: {failed} notebook(s) not written. Translate the blocks above in "
              "notebooks/locale/ko/*.po (and the package's messages in tlcourse/locale/ko.po), clear the fuzzy "
              "flags you checked, and build again.", file=sys.stderr)
    return 1 if failed else 0


def check(notebooks: list[Path]) -> int:
    problems = []
    messages = package_messages()
    for notebook in notebooks:
        target = korean_path(notebook)
        path = catalog_path(notebook)
        if path.exists():
            po = polib.pofile(str(path))
            bad = [e for e in po if not e.obsolete and (not e.msgstr or "fuzzy" in e.flags)]
            stale = [e for e in po if e.obsolete]
            if bad or stale:
                problems.append(f"{path.relative_to(ROOT)}: {_counts(po)}")
            if [e.msgid for e in po if not e.obsolete] != [e.msgid for e in template(notebook)]:
                problems.append(f"{path.relative_to(ROOT)}: not up to date with notebooks/{notebook.name}; "
                                "run python tools/ko.py extract")
        try:
            text = render(korean_notebook(notebook, messages=messages))
        except Untranslated as error:
            problems.append(str(error))
            continue
        if not target.exists():
            problems.append(f"{target.relative_to(ROOT)}: missing; run make ko")
        elif target.read_text(encoding="utf-8") != text:
            problems.append(f"{target.relative_to(ROOT)}: not what build writes now (edited by hand, or stale); "
                            "run make ko")
    for stale in sorted(KO_NOTEBOOKS.glob("*.ipynb")):
        if not (NOTEBOOKS / stale.name).exists():
            problems.append(f"{stale.relative_to(ROOT)}: no English notebooks/{stale.name}")
    for p in sorted(CATALOGS.glob("*.po")):
        if not (NOTEBOOKS / f"{p.stem}.ipynb").exists():
            problems.append(f"{p.relative_to(ROOT)}: no English notebooks/{p.stem}.ipynb")
    print("\n".join(problems) if problems else "the Korean edition is complete and up to date")
    return 1 if problems else 0


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def stats(notebooks: list[Path]) -> int:
    rows = []
    for notebook in notebooks:
        path = catalog_path(notebook)
        po = polib.pofile(str(path)) if path.exists() else merge(new_catalog(), template(notebook), {})
        live = [e for e in po if not e.obsolete]
        fuzzy = sum(1 for e in live if "fuzzy" in e.flags)
        done = sum(1 for e in live if e.msgstr and "fuzzy" not in e.flags)
        rows.append((notebook.stem, done, fuzzy, len(live) - done - fuzzy, path.exists()))
    width = max(len(r[0]) for r in rows)
    print(f"{'notebook':<{width}}  translated  fuzzy  untranslated")
    for name, done, fuzzy, todo, exists in rows:
        print(f"{name:<{width}}  {done:>10}  {fuzzy:>5}  {todo:>12}" + ("" if exists else "  (no catalog yet)"))
    total = [sum(r[i] for r in rows) for i in (1, 2, 3)]
    print(f"{'total':<{width}}  {total[0]:>10}  {total[1]:>5}  {total[2]:>12}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["extract", "build", "check", "stats"])
    parser.add_argument("notebooks", nargs="*", help="English notebooks (default: every notebooks/NN_*.ipynb)")
    parser.add_argument("--prune", action="store_true", help="extract: drop obsolete entries")
    args = parser.parse_args(argv)
    notebooks = english_notebooks(args.notebooks)
    if args.command == "extract":
        return extract(notebooks, prune=args.prune)
    if args.command == "build":
        return build(notebooks, all_notebooks=not args.notebooks)
    if args.command == "check":
        return check(notebooks)
    return stats(notebooks)


if __name__ == "__main__":
    sys.exit(main())
