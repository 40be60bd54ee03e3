"""The Korean edition (issue #15): generated from the English notebooks and the catalogs, never drifting.

``notebooks/ko/NN_topic.ipynb`` must be exactly what ``make ko`` (``tools/ko.py build``) writes from
``notebooks/NN_topic.ipynb`` and ``notebooks/locale/ko/NN_topic.po``: every English block
translated, the same code (but the one set-up cell that switches the package to Korean), the same
outputs (but check()'s messages, in Korean), the same slide metadata, and links that work from
``notebooks/ko/``. The package's own messages (``_("...")``) all have a Korean text with the same
placeholders. Parametrised over the English notebooks, so a notebook without its Korean edition fails.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import polib
import pytest
from toolbox import github_anchor, load_tool

ROOT = Path(__file__).resolve().parents[1]
KO = load_tool("ko")
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]
GLOSSARY = ROOT / "notebooks" / "GLOSSARY.md"
HOW = "translate in notebooks/locale/ko/*.po, then `make ko` (CONTRIBUTING.md, \"Korean edition\")"


def _read(path: Path):
    return nbformat.read(path, as_version=4)


# ------------------------------------------------------------------ every notebook, translated and current

@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_every_english_notebook_has_a_catalog_and_a_korean_notebook(notebook):
    assert KO.catalog_path(notebook).exists(), f"no {KO.catalog_path(notebook).relative_to(ROOT)}: " \
        f"python tools/ko.py extract notebooks/{notebook.name}, then translate it"
    assert KO.korean_path(notebook).exists(), f"no notebooks/ko/{notebook.name}: {HOW}"


def test_no_korean_notebook_or_catalog_without_its_english_notebook():
    names = {p.name for p in NOTEBOOKS}
    stale = [p.name for p in (ROOT / "notebooks" / "ko").glob("*.ipynb") if p.name not in names]
    stale += [p.name for p in KO.CATALOGS.glob("*.po") if f"{p.stem}.ipynb" not in names]
    assert not stale, f"left over from a renamed or removed notebook: {stale} (make ko removes the notebooks; " \
        "delete the catalogs once tools/ko.py extract has reused their translations)"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_catalog_is_complete_and_matches_the_english_notebook(notebook):
    po = polib.pofile(str(KO.catalog_path(notebook)))
    untranslated = [e.msgid for e in po if not e.obsolete and not e.msgstr]
    fuzzy = [e.msgid for e in po if not e.obsolete and "fuzzy" in e.flags]
    obsolete = [e.msgid for e in po if e.obsolete]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[0][:200]!r}; {HOW}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy (the English changed), e.g. {fuzzy[0][:200]!r}: check the " \
        "translation against the new English and remove the fuzzy flag"
    assert not obsolete, f"{len(obsolete)} obsolete entries: python tools/ko.py extract --prune"
    wanted = [e.msgid for e in KO.template(notebook)]
    assert [e.msgid for e in po if not e.obsolete] == wanted, "the catalog is not up to date with the English " \
        f"notebook: python tools/ko.py extract notebooks/{notebook.name}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_korean_notebook_is_what_build_writes_now(notebook):
    """A hand edit of notebooks/ko/, or an English change without `make ko`, fails here."""
    try:
        expected = KO.render(KO.korean_notebook(notebook))
    except KO.Untranslated as error:
        pytest.fail(f"{error}\n{HOW}")
    target = KO.korean_path(notebook)
    assert target.exists() and target.read_text(encoding="utf-8") == expected, \
        f"notebooks/ko/{notebook.name} is not what `make ko` writes now (edited by hand, or stale): run make ko"


# ------------------------------------------------------------------ same notebook but the prose

def _pairs(notebook):
    english, korean = _read(notebook), _read(KO.korean_path(notebook))
    assert len(english.cells) == len(korean.cells), "the Korean notebook has other cells than the English one"
    return english, korean


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_same_cells_ids_and_slide_metadata(notebook):
    english, korean = _pairs(notebook)
    assert korean.metadata == english.metadata
    for index, (e, k) in enumerate(zip(english.cells, korean.cells)):
        assert (k.cell_type, k.get("id"), k.metadata) == (e.cell_type, e.get("id"), e.metadata), \
            f"cell {index}: type, id or metadata (slide type) differ"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_code_is_the_english_code_but_the_language_switch(notebook):
    english, korean = _pairs(notebook)
    code = [(e, k) for e, k in zip(english.cells, korean.cells) if e.cell_type == "code"]
    (setup_en, setup_ko), rest = code[0], code[1:]
    assert KO.is_setup_cell(setup_en), "the first code cell is the Colab set-up cell (tools/colab.py)"
    assert setup_ko.source == setup_en.source.rstrip("\n") + "\n" + KO.LANGUAGE_SWITCH
    assert KO.LANGUAGE_SWITCH.splitlines() == ["import tlcourse", KO.LANGUAGE_SWITCH.splitlines()[1]]
    assert re.fullmatch(r'tlcourse\.set_language\("ko"\)  # .*[가-힣].*', KO.LANGUAGE_SWITCH.splitlines()[1])
    changed = [i for i, (e, k) in enumerate(rest) if e.source != k.source]
    assert not changed, f"code cells differ from the English ones: {changed} (code is never translated)"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_outputs_are_copied_and_check_messages_are_korean(notebook):
    english, korean = _pairs(notebook)
    exercise_cells = 0
    for index, (e, k) in enumerate(zip(english.cells, korean.cells)):
        if e.cell_type != "code":
            continue
        assert k.get("execution_count") == e.get("execution_count"), f"cell {index}: execution count"
        if not KO.is_exercise_cell(e):
            assert k.outputs == e.outputs, f"cell {index}: outputs differ from the English notebook's"
            continue
        exercise_cells += 1
        assert len(k.outputs) == len(e.outputs)
        for out_en, out_ko in zip(e.outputs, k.outputs):
            if out_en.get("output_type") != "stream":
                assert out_ko == out_en, f"cell {index}: a non-text output of an exercise cell differs"
                continue
            lines_en, lines_ko = out_en.text.split("\n"), out_ko.text.split("\n")
            assert len(lines_en) == len(lines_ko), f"cell {index}: the message has other lines"
            for en, ko in zip(lines_en, lines_ko):
                assert ko == (KO.translate_check_line(en, KO.package_messages()) if en else en)
                assert not en or re.search("[가-힣]", ko), f"cell {index}: {ko!r} is not Korean"
    if "check(" in "".join(c.source for c in english.cells if c.cell_type == "code"):
        assert exercise_cells, "the exercise cells were found"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_badge_opens_the_korean_notebook_and_the_prose_is_korean(notebook):
    korean = _read(KO.korean_path(notebook))
    first = next(c for c in korean.cells if c.cell_type == "markdown")
    assert f"/blob/main/notebooks/ko/{notebook.name})" in first.source.split("\n")[0]
    prose = [c.source for c in korean.cells if c.cell_type == "markdown"]
    hangul = sum(len(re.findall("[가-힣]", s)) for s in prose)
    latin = sum(len(re.findall("[A-Za-z]", re.sub(r"`[^`]*`|\([^)]*\)|```.*?```", "", s, flags=re.S))) for s in prose)
    assert hangul > latin / 2, f"the prose looks English ({hangul} Hangul vs {latin} Latin letters outside code)"


# ------------------------------------------------------------------ links from notebooks/ko/ work

def _headings(markdown: str) -> list[str]:
    found, fence = [], False
    for line in markdown.split("\n"):
        if re.match(r"^\s*(```|~~~)", line):
            fence = not fence
        elif not fence and (m := re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)):
            found.append(m.group(1))
    return found


def anchors(path: Path) -> set[str]:
    """The anchors a link may name in ``path``: GitHub's for a .md file (duplicates numbered) and
    its explicit ``<a id="...">`` anchors (README.ko.md keeps the English README's, so a link's
    anchor is the same in both editions);
    for a notebook, GitHub's or JupyterLab's (the heading with spaces as "-") of any heading."""
    if path.suffix == ".ipynb":
        text = "\n".join(c.source for c in _read(path).cells if c.cell_type == "markdown")
        return {a for h in _headings(text) for a in (github_anchor(h), h.replace(" ", "-"))}
    seen: dict[str, int] = {}
    text = path.read_text(encoding="utf-8")
    result = set(re.findall(r"""<a\s+(?:id|name)=["']([^"']+)["']""", text))   # explicit anchors
    for heading in _headings(text):
        anchor = github_anchor(heading)
        result.add(anchor if anchor not in seen else f"{anchor}-{seen[anchor]}")
        seen[anchor] = seen.get(anchor, 0) + 1
    return result


def relative_links(markdown: str) -> list[str]:
    """The relative targets of Markdown links and images outside code (no URL scheme, no mailto)."""
    text = re.sub(r"(?ms)^\s*(```|~~~).*?^\s*\1", "", markdown)
    text = re.sub(r"`[^`\n]*`", "", text)
    targets = re.findall(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", text)
    targets += re.findall(r"""(?:src|href)=["']([^"']+)["']""", text)
    return [t for t in targets if not re.match(r"^[a-z][a-z0-9+.-]*:", t, flags=re.I)]


def broken_links(source: Path, markdown: str, self_anchors: set[str]) -> list[str]:
    broken = []
    for target in relative_links(markdown):
        from urllib.parse import unquote

        path, _, anchor = unquote(target).partition("#")
        where = (source.parent / path).resolve() if path else source
        if not where.exists():
            broken.append(f"{target}: no file {where}")
        elif anchor and where.suffix in (".md", ".ipynb"):
            known = self_anchors if where == source else anchors(where)
            if anchor not in known:
                broken.append(f"{target}: no heading with the anchor #{anchor} in {where.name}")
    return broken


KOREAN_FILES = sorted((ROOT / "notebooks" / "ko").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", KOREAN_FILES, ids=[p.stem for p in KOREAN_FILES])
def test_every_relative_link_of_a_korean_notebook_resolves(path):
    text = "\n".join(c.source for c in _read(path).cells if c.cell_type == "markdown")
    broken = broken_links(path, text, anchors(path))
    assert not broken, ("links written for notebooks/ko/ (../../README.ko.md#..., NN_topic.ipynb for a Korean "
                        "sibling, ../../data/...) that do not resolve:\n" + "\n".join(broken))


@pytest.mark.parametrize("name", ["notebooks/GLOSSARY.md", "README.ko.md"])
def test_every_relative_link_of_the_korean_documents_resolves(name):
    path = ROOT / name
    assert path.exists(), f"{name} is missing"
    broken = broken_links(path, path.read_text(encoding="utf-8"), anchors(path))
    assert not broken, "\n".join(broken)


def test_the_link_checker_knows_githubs_anchor_rules(tmp_path):
    assert github_anchor("Lecture 6-1: what transfer learning is") == "lecture-6-1-what-transfer-learning-is"
    assert github_anchor("한국어 / Korean") == "한국어--korean"
    assert github_anchor("Teach, then wrap: `data.load`") == "teach-then-wrap-dataload"
    doc = tmp_path / "a.md"
    doc.write_text("# Top\n\n## Notes\n\n```\n# not a heading\n```\n\n## Notes\n", encoding="utf-8")
    assert anchors(doc) == {"top", "notes", "notes-1"}
    assert broken_links(doc, "[x](a.md#notes-1) [y](#top) [z](https://x.org/#q)", anchors(doc)) == []
    assert len(broken_links(doc, "[x](b.md) [y](#nope) `[q](no.md)`", anchors(doc))) == 2
    doc.write_text('<a id="lecture-map"></a>\n\n## 강의 지도\n', encoding="utf-8")
    assert anchors(doc) == {"lecture-map", "강의-지도"}


# ------------------------------------------------------------------ the glossary

def test_glossary_lists_the_lectures_terms_with_their_notebooks():
    rows = [line for line in GLOSSARY.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    header, body = rows[0], [r for r in rows[2:]]
    assert [c.strip() for c in header.strip("|").split("|")] == ["한국어", "English", "배우는 곳", "뜻"]
    assert len(body) >= 40, f"{len(body)} terms; the glossary covers the lecture's terms (about 40)"
    korean = {r.strip("|").split("|")[0].strip() for r in body}
    for term in ("전이 학습", "사전 학습", "미세 조정", "특성 추출", "동결", "과적합", "역전파", "오토인코더",
                 "잔차 학습", "항등 매핑", "학습률", "배치 정규화", "데이터 증강", "데이터 누수"):
        assert any(term in k for k in korean), f"the glossary has no {term}"
    for row in body:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 4 and all(cells), f"a row needs four cells: {row}"
        assert re.search(r"\]\(ko/\d\d_[^)]+\.ipynb", cells[2]), f"'where taught' links a Korean notebook: {row}"


@pytest.mark.parametrize("name", ["README.md", "README.ko.md", "notebooks/00_start_here.ipynb",
                                  "notebooks/ko/00_start_here.ipynb"])
def test_glossary_is_linked(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    assert "GLOSSARY.md" in text, f"{name} does not link the glossary (용어집)"


def test_readme_points_to_the_korean_readme_at_the_top():
    top = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## ", 1)[0]
    assert "README.ko.md" in top and "한국어" in top


# ------------------------------------------------------------------ the tool itself

def test_blocks_split_at_blank_lines_but_never_inside_a_fence():
    text = "# Title\n\nOne\ntwo\n\n\n```python\na = 1\n\nb = 2\n```\n| a |\n| - |\n\n- x\n- y\n"
    pieces = KO.split_blocks(text)
    assert KO.join_blocks(pieces) == text
    assert [t for kind, t in pieces if kind == "block"] == [
        "# Title", "One\ntwo", "```python\na = 1\n\nb = 2\n```\n| a |\n| - |", "- x\n- y"]
    for notebook in NOTEBOOKS:
        for cell in _read(notebook).cells:
            if cell.cell_type == "markdown":
                assert KO.join_blocks(KO.split_blocks(cell.source)) == cell.source


def _entry(msgid, msgstr="", **kw):
    return polib.POEntry(msgid=msgid, msgstr=msgstr, **kw)


def test_extract_merges_like_msgmerge():
    old = KO.new_catalog()
    old.extend([_entry("Same text.", "같은 문장."), _entry("A long sentence about freezing layers.", "층 동결 문장."),
                _entry("Gone for good, nothing like it.", "사라진 문장.")])
    pot = KO.new_catalog()
    pot.extend([_entry("Same text."), _entry("A long sentence about freezing the layers."), _entry("Brand new."),
                _entry("Moved here from another notebook.")])
    merged = KO.merge(old, pot, {"Moved here from another notebook.": "다른 노트북에서 옮겨 옴."})
    by_id = {e.msgid: e for e in merged}
    assert by_id["Same text."].msgstr == "같은 문장." and not by_id["Same text."].flags
    changed = by_id["A long sentence about freezing the layers."]
    assert changed.flags == ["fuzzy"] and changed.msgstr == "층 동결 문장."
    assert changed.previous_msgid == "A long sentence about freezing layers."
    assert by_id["Brand new."].msgstr == "" and by_id["Moved here from another notebook."].msgstr
    assert by_id["Gone for good, nothing like it."].obsolete
    assert "Gone for good, nothing like it." not in {e.msgid for e in KO.merge(old, pot, {}, prune=True)}


def test_build_fails_naming_notebook_cell_and_text():
    notebook = NOTEBOOKS[0]
    po = polib.pofile(str(KO.catalog_path(notebook)))
    entry = next(e for e in po if not e.obsolete and e.msgstr)
    entry.msgstr = ""
    with pytest.raises(KO.Untranslated) as error:
        KO.korean_notebook(notebook, po)
    cell = entry.occurrences[-1][0].split()[-1] if entry.occurrences else ""
    assert notebook.name in str(error.value) and "untranslated" in str(error.value)
    assert KO._short(entry.msgid) in str(error.value) and f"cell {cell}" in str(error.value)
    entry.msgstr, entry.flags = "번역", ["fuzzy"]
    with pytest.raises(KO.Untranslated, match="fuzzy"):
        KO.korean_notebook(notebook, po)


def test_exercise_output_lines_are_translated_with_the_package_catalog():
    messages = {"not answered yet: x.": "아직 답하지 않았습니다: x.", "Hint: {hint}": "힌트: {hint}",
                "Use y.": "y를 쓰세요."}
    assert KO.translate_check_line("01.2 not answered yet: x.", messages) == "01.2 아직 답하지 않았습니다: x."
    assert KO.translate_check_line("Hint: Use y.", messages) == "힌트: y를 쓰세요."
    assert KO.translate_check_line("Hint: Something else.", messages) is None


def test_make_ko_builds_the_korean_edition_after_sync_and_notebooks():
    makefile = (ROOT / "Makefile").read_text()
    recipe = lambda target: makefile.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0]  # noqa: E731
    assert "tools/ko.py build" in recipe("ko")
    assert "tools/ko.py build" in recipe("sync") and "tools/ko.py build" in recipe("notebooks")
    assert "make ko" in makefile.split("\n\n", 1)[0], "make help (the Makefile's header) documents make ko"
    assert "build/slides/ko" in makefile.split("\n\n", 1)[0] and "/ko" in recipe("slides")


def test_nbval_does_not_run_the_korean_notebooks_again():
    """Same code, copied outputs: running them would only double CI's time (conftest.py)."""
    namespace: dict = {}
    exec((ROOT / "conftest.py").read_text(encoding="utf-8"), namespace)
    assert "notebooks/ko" in namespace["collect_ignore"]


def test_polib_and_the_package_catalog_are_installed():
    deps = load_tool("deps")
    assert any(r.startswith("polib>=") for r in deps.requirements())
    assert "*.po" in deps._pyproject()["tool"]["setuptools"]["package-data"]["tlcourse.locale"]
    assert any(r.startswith("jupyterlab-language-pack-ko-kr") for r in deps.requirements(["lab"]))


# ------------------------------------------------------------------ the package speaks Korean

def test_every_package_message_has_a_korean_text_with_the_same_placeholders():
    catalog = polib.pofile(str(KO.PACKAGE_CATALOG))
    korean = {e.msgid: e for e in catalog if not e.obsolete}
    strings = KO.package_strings()
    assert len(strings) > 50, "the AST walk found the package's _() and N_() texts"
    missing = sorted({m for m, *_ in strings if m not in korean or not korean[m].msgstr})
    fuzzy = sorted({m for m, *_ in strings if m in korean and "fuzzy" in korean[m].flags})
    assert not missing, f"{len(missing)} package messages without Korean (python tools/ko.py extract, then " \
        f"translate tlcourse/locale/ko.po), e.g. {missing[:3]}"
    assert not fuzzy, f"fuzzy package messages: {fuzzy[:3]}"
    wrong = [m for m, _, _, formatted in strings if formatted
             and KO.placeholders(m) != KO.placeholders(korean[m].msgstr)]
    assert not wrong, f"the Korean names other {{placeholders}} than the English: {wrong}"
    unused = sorted(set(korean) - {m for m, *_ in strings})
    assert not unused, f"ko.po has messages the package no longer uses: {unused[:3]} (python tools/ko.py extract " \
        "--prune)"


def test_no_fstring_inside_a_translated_message():
    import ast

    for path in sorted((ROOT / "tlcourse").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in KO.MARKERS:
                assert len(node.args) == 1 and not isinstance(node.args[0], ast.JoinedStr), \
                    f"{path.name}:{node.lineno}: _() takes one literal; values go into .format(name=...)"


@pytest.fixture
def language():
    import tlcourse

    yield tlcourse
    tlcourse.set_language("en")


def test_check_answers_in_the_chosen_language(language, capsys):
    language.set_language("ko")
    assert language.get_language() == "ko"
    language.check("01.1", ...)
    out = capsys.readouterr().out
    assert out.startswith("01.1 아직 답하지 않았습니다") and "\n힌트: " in out
    language.check("01.1", {"source task": "B", "target task": "D", "pretraining": "C", "fine-tuning": "A"})
    assert "01.1 아직 아닙니다: 소스와 타깃이 뒤바뀌었습니다" in capsys.readouterr().out
    language.set_language("en")
    language.check("01.1", ...)
    assert capsys.readouterr().out.startswith("01.1 not answered yet: replace `...`")


def test_set_language_rejects_other_languages(language):
    with pytest.raises(ValueError, match="'en'.*'ko'"):
        language.set_language("fr")
    assert language.get_language() == "en"


def test_tlcourse_lang_sets_the_language_at_import(monkeypatch):
    def load(value):
        monkeypatch.setenv("TLCOURSE_LANG", value)
        spec = importlib.util.spec_from_file_location("i18n_copy", ROOT / "tlcourse" / "_i18n.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    assert load("ko").get_language() == "ko"
    assert load("ko")._("correct. Well done.") == "정답입니다. 잘했습니다."
    assert load("en")._("correct. Well done.") == "correct. Well done."
    with pytest.raises(ValueError, match="TLCOURSE_LANG"):
        load("klingon")
    assert "i18n_copy" not in sys.modules
