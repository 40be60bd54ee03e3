"""tlcourse.exercises itself: check, solution, run_solution and the registry, for every exercise.

What one notebook's exercises accept and reject is in test_nbNN.py, beside tlcourse/exercises/nbNN.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tlcourse import exercises as ex
from tlcourse.exercises import check, list_exercises, passes, run_solution, solution

ROOT = Path(__file__).resolve().parents[2]
ALL = [e.id for e in list_exercises()]


def test_every_notebook_01_to_12_has_at_least_three_exercises():
    for number in [f"{n:02d}" for n in range(1, 13)]:
        assert len(list_exercises(number)) >= 3, f"notebook {number} has fewer than three exercises"


def test_every_exercise_lives_in_its_notebooks_module_and_is_tested_in_its_file():
    for e in list_exercises():
        module, name = f"tlcourse.exercises.nb{e.id[:2]}", e.id.replace(".", "_")
        assert (e.solve.__module__, e.solve.__name__) == (module, f"_solution_{name}")
        assert (e.checker.__module__, e.checker.__name__) == (module, f"_check_{name}")
        tests = ROOT / "tests" / "exercises" / f"test_nb{e.id[:2]}.py"
        assert f"_solution_{name}" in tests.read_text(), f"{tests.name} never runs _solution_{name}"


@pytest.mark.parametrize("exercise_id", ALL)
def test_every_hidden_solution_passes(exercise_id, capsys, remember_solution):
    """What solution() shows is complete code: run on its own, it sets an answer the check takes."""
    namespace: dict = {}
    exec(solution(exercise_id), namespace)  # noqa: S102 - the package's own code
    remember_solution(exercise_id, namespace["answer"])
    assert passes(exercise_id, namespace["answer"])
    check(exercise_id, namespace["answer"])
    assert f"{exercise_id} correct" in capsys.readouterr().out


@pytest.mark.parametrize("exercise_id", ALL)
def test_the_placeholder_is_not_answered_yet_never_an_error(exercise_id, capsys):
    assert not passes(exercise_id, ...)
    assert check(exercise_id, ...) is None     # a cell ending in check() shows no `Out: ...` line
    out = capsys.readouterr().out
    assert "not answered yet" in out and "Hint:" in out


@pytest.mark.parametrize("exercise_id", ALL)
def test_an_answer_of_the_wrong_kind_is_rejected_not_raised(exercise_id, capsys):
    assert not passes(exercise_id, object())
    check(exercise_id, object())
    assert f"{exercise_id} not yet:" in capsys.readouterr().out


@pytest.mark.parametrize("exercise_id", ALL)
def test_check_never_shows_the_solution(exercise_id, capsys):
    """Hidden until asked: only solution() prints the code."""
    shown = solution(exercise_id).splitlines()[-1]          # the `answer = ...` line
    capsys.readouterr()
    check(exercise_id, ...)
    check(exercise_id, object())
    assert shown not in capsys.readouterr().out


def test_every_exercise_is_asked_in_its_notebook():
    for e in list_exercises():
        path = ROOT / "notebooks" / f"{e.notebook}.ipynb"
        assert path.exists(), f"{e.id} names {e.notebook}, which is not a notebook"
        code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                         if c["cell_type"] == "code")
        assert f'check("{e.id}", answer)' in code, f"{e.notebook} never calls check({e.id!r}, answer)"


def test_the_notebooks_stored_outputs_are_what_check_prints_now(capsys):
    """Each exercise cell is stored unanswered; its output (not answered yet, the hint) must be
    exactly what check prints today, or the stored notebook no longer shows what a student sees."""
    seen = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"])
            asked = re.search(r'check\("(\d\d\.\d+)", answer\)', source)
            if cell["cell_type"] != "code" or not asked or not source.startswith("answer = ..."):
                continue
            stored = "".join("".join(o["text"]) for o in cell["outputs"] if o.get("name") == "stdout")
            shown = [o["output_type"] for o in cell["outputs"] if o.get("name") != "stdout"]
            assert not shown, f"{path.name}: {asked.group(1)} shows {shown} beside check's message (an Out line?)"
            check(asked.group(1), ...)
            assert capsys.readouterr().out == stored, f"{path.name}: the stored output of {asked.group(1)}"
            seen.append(asked.group(1))
    assert sorted(seen) == sorted(ALL)


def test_solution_prints_and_returns_the_code(capsys):
    code = solution(ALL[0])
    assert "answer" in code and code in capsys.readouterr().out


def test_solution_shows_the_imports_the_body_uses_then_the_body():
    # nb07 imports current_learning_rate, needs_recompile and unfreeze; 07.2's body uses unfreeze
    code = solution("07.2")
    assert code.startswith("import keras\nfrom tlcourse.surgery import unfreeze\n\n# a small stand-in")
    assert code.endswith("\nanswer = model")
    assert "return answer" not in code and "def _solution" not in code
    assert solution("11.2").startswith("# sigmoid'(z) = ")   # no imports: the body alone
    assert [e.solution for e in list_exercises("11")] == [solution("11.1"), solution("11.2"), solution("11.3")]


def test_passes_prints_nothing(capsys):
    assert passes(ALL[0], run_solution(ALL[0])) is True
    assert capsys.readouterr().out == ""


def test_unknown_id_lists_the_notebooks_exercises():
    with pytest.raises(ValueError, match=r"no exercise '06.9'.*06\.1"):
        check("06.9", 1)
    with pytest.raises(TypeError, match="string like '06.1'"):
        solution(4.1)


def test_registering_rejects_bad_ids_duplicates_and_wrong_notebooks():
    with pytest.raises(ValueError, match="must look like '06.1'"):
        ex.exercise("4.1", notebook="04_x", task="t", hint="h", solution="answer = 1")
    with pytest.raises(ValueError, match="registered twice"):
        ex.exercise(ALL[0], notebook=list_exercises()[0].notebook, task="t", hint="h", solution="answer = 1")
    with pytest.raises(ValueError, match="starts with 07_"):
        ex.exercise("07.9", notebook="04_x", task="t", hint="h", solution="answer = 1")
    with pytest.raises(TypeError, match="should be a function, not str"):
        ex.exercise("99.1", notebook="99_x", task="t", hint="h", solution="answer = 1")


def test_a_solution_without_answer_is_reported(monkeypatch):
    def no_answer():
        x = 1
        return x

    def no_return():
        answer = 1
        print(answer)

    monkeypatch.setitem(ex._REGISTRY, "99.1", ex.Exercise("99.1", "99_x", "t", "h", no_answer, lambda a: None))
    monkeypatch.setitem(ex._REGISTRY, "99.2", ex.Exercise("99.2", "99_x", "t", "h", no_return, lambda a: None))
    with pytest.raises(ValueError, match="assigns no `answer`"):
        run_solution("99.1")
    with pytest.raises(ValueError, match="must end with `return answer`"):
        solution("99.2")
