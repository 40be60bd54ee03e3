"""Exercises with checks: every notebook asks, ``check`` answers, ``solution`` reveals.

Each notebook has at least two exercises: a task in markdown, a code cell the student fills
in, and a call ``check("06.1", answer)`` that says *correct*, or *what is wrong* plus a hint.
A cell left as it is (``answer = ...``) prints "not answered yet" and the hint, never an
exception, so every notebook still runs top to bottom. Instructors reveal the code of a
solution with ``solution("06.1")``.

The solutions live in this package, not in the notebooks: one module per notebook
(``nb06`` holds 06.1 and 06.2, their checkers and their solutions), helpers that several
notebooks' checkers share in ``_common``. Each checker is a small function that returns
``None`` for a right answer and one sentence saying what is wrong otherwise; it needs nothing
from the notebook (it builds what it needs) so a unit test can run it alone.

Everything ``check`` prints is in the language :func:`tlcourse.set_language` chose: checkers
wrap their sentences in ``_()`` (``tlcourse._i18n``), tasks and hints in ``N_()``; the Korean
texts are in ``tlcourse/locale/ko.po`` (CONTRIBUTING.md, "Korean edition").

A solution is a function too, so that it is code the tests run and tools read: its body is
what a student would write in the cell, ending with ``answer = ...``, then ``return answer``.
``solution("06.1")`` shows the module's imports the body uses, a blank line, and the body
without that last ``return answer`` and without the ``def`` line (no docstring: the body's
comments explain it).
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tlcourse._i18n import _

__all__ = ["Exercise", "check", "exercise", "list_exercises", "passes", "run_solution", "solution"]

Checker = Callable[[Any], "str | None"]
Solution = Callable[[], Any]


@dataclass(frozen=True)
class Exercise:
    """One exercise: where it is, what it asks, how it is checked, its hidden solution.

    Attributes: ``id`` ("06.1": notebook number, exercise number), ``notebook`` (file stem),
    ``task`` (one line), ``hint``, ``solve`` (the solution, a function that returns the right
    answer), ``checker``; ``solution`` is the code of ``solve`` as :func:`solution` shows it.
    """

    id: str
    notebook: str
    task: str
    hint: str
    solve: Solution
    checker: Checker

    @property
    def solution(self) -> str:
        """The solution's code as the student sees it (it sets ``answer``)."""
        return _solution_code(self.id, self.solve)


_REGISTRY: dict[str, Exercise] = {}


def exercise(exercise_id: str, *, notebook: str, task: str, hint: str,
             solution: Solution) -> Callable[[Checker], Checker]:
    """Register a checker as the exercise ``exercise_id`` (a decorator).

    Args:
        exercise_id: ``"NN.i"``, the notebook's number and the exercise's number.
        notebook: the notebook's file stem, e.g. ``"06_reusing_layers_in_keras"``.
        task: the task in one line (see :func:`list_exercises`).
        hint: a hint that helps without giving the answer away.
        solution: a function without arguments whose body sets ``answer`` and ends with
            ``return answer``; :func:`solution` shows that body.

    Returns:
        The decorator; it returns the checker unchanged.

    Raises:
        ValueError: a malformed or already registered id, or a notebook that does not match it.
        TypeError: a solution that is not a function.

    Example (``00_start_here``):
        >>> def _solution_99_1():  # doctest: +SKIP
        ...     answer = 6 * 7
        ...     return answer
        >>> @exercise("99.1", notebook="99_demo", task="Give 42.", hint="6 x 7",
        ...           solution=_solution_99_1)  # doctest: +SKIP
        ... def _check_99_1(answer):
        ...     return None if answer == 42 else "that is not 42"
    """
    if not re.fullmatch(r"\d\d\.\d+", exercise_id):
        raise ValueError(f"exercise id {exercise_id!r} must look like '06.1' (notebook number, a dot, "
                         "the exercise number)")
    if exercise_id in _REGISTRY:
        raise ValueError(f"exercise {exercise_id!r} is registered twice")
    if not notebook.startswith(exercise_id[:2] + "_"):
        raise ValueError(f"exercise {exercise_id!r} belongs to a notebook whose name starts with "
                         f"{exercise_id[:2]}_, not {notebook!r}")
    if not inspect.isfunction(solution):
        raise TypeError(f"the solution of {exercise_id!r} should be a function, not {type(solution).__name__}")

    def register(checker: Checker) -> Checker:
        _REGISTRY[exercise_id] = Exercise(exercise_id, notebook, task, hint, solution, checker)
        return checker

    return register


def _solution_code(exercise_id: str, solve: Solution) -> str:
    # The code solution() shows: the imports of solve's module that its body uses, then the body
    # without its `def` line and its final `return answer` (the module's docstring says why).
    source = textwrap.dedent(inspect.getsource(solve))
    function = ast.parse(source).body[0]
    *steps, last = function.body
    if function.args.args or function.args.kwonlyargs or function.args.vararg or function.args.kwarg:
        raise ValueError(f"the solution of {exercise_id!r} must take no arguments")
    if not any(isinstance(step, ast.Assign) and any(isinstance(target, ast.Name) and target.id == "answer"
                                                    for target in step.targets) for step in steps):
        raise ValueError(f"the solution of {exercise_id!r} assigns no `answer`")
    if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Name) and last.value.id == "answer"):
        raise ValueError(f"the solution of {exercise_id!r} must end with `return answer`")
    lines = source.splitlines()
    body = textwrap.dedent("\n".join(lines[function.lineno:last.lineno - 1])).strip()
    imports = _imports_used(solve, steps)
    return "\n".join(imports) + "\n\n" + body if imports else body


def _imports_used(solve: Solution, steps: list[ast.stmt]) -> list[str]:
    # The module-level imports of solve's module that bind a name the steps use, in module order,
    # each reduced to the names used (`from tlcourse.surgery import unfreeze`, not the whole list).
    used = {node.id for step in steps for node in ast.walk(step) if isinstance(node, ast.Name)}
    module = ast.parse(inspect.getsource(inspect.getmodule(solve)))
    lines = []
    for node in module.body:
        if isinstance(node, ast.Import):
            lines += [f"import {_alias(a)}" for a in node.names if (a.asname or a.name.split(".")[0]) in used]
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            names = [_alias(a) for a in node.names if (a.asname or a.name) in used]
            if names:
                lines.append(f"from {'.' * node.level}{node.module or ''} import {', '.join(names)}")
    return lines


def _alias(name: ast.alias) -> str:
    return name.name if name.asname is None else f"{name.name} as {name.asname}"


def _get(exercise_id: str) -> Exercise:
    if not isinstance(exercise_id, str):
        raise TypeError(f"an exercise id is a string like '06.1', not {type(exercise_id).__name__}")
    if exercise_id not in _REGISTRY:
        same = sorted(k for k in _REGISTRY if k[:2] == exercise_id[:2]) or sorted(_REGISTRY)
        raise ValueError(f"there is no exercise {exercise_id!r}; this notebook's are: {', '.join(same)}")
    return _REGISTRY[exercise_id]


def _verdict(ex: Exercise, answer: Any) -> tuple[bool, str]:
    # (right?, what check prints after the id): the checker's sentence, or "not answered yet"
    if answer is Ellipsis:
        return False, _("not answered yet: replace `...` with your answer and run the cell again.")
    try:
        problem = ex.checker(answer)
    except Exception as error:  # a student's odd answer must not crash the notebook
        problem = _("the check could not use this answer ({error_type}: {error})").format(
            error_type=type(error).__name__, error=error)
    return (True, _("correct. Well done.")) if problem is None else (False, _("not yet: {problem}").format(
        problem=problem))


def check(exercise_id: str, answer: Any) -> None:
    """Check an answer and print what is right or wrong; never raises for a wrong answer.

    It returns nothing, so an exercise cell shows the message only (no ``Out: False`` under
    it); :func:`passes` gives the same verdict as a bool, silently.

    Args:
        exercise_id: e.g. ``"06.1"``.
        answer: the student's answer; ``...`` (the placeholder) means "not answered yet".

    Returns:
        None: the verdict is printed ("NN.i correct. ..." or "NN.i not yet: ..." and a hint).

    Raises:
        ValueError: no exercise with that id (the message lists the notebook's exercises).

    Example (``01_what_is_transfer_learning``):
        >>> check("01.1", ...)  # doctest: +SKIP
        01.1 not answered yet: replace `...` with your answer and run the cell again.
        Hint: ...
    """
    ex = _get(exercise_id)
    ok, verdict = _verdict(ex, answer)
    print(f"{exercise_id} {verdict}")
    if not ok:
        print(_("Hint: {hint}").format(hint=_(ex.hint)))


def passes(exercise_id: str, answer: Any) -> bool:
    """Whether ``check(exercise_id, answer)`` would say *correct*, printing nothing.

    Args:
        exercise_id: e.g. ``"06.1"``.
        answer: the answer; ``...`` (not answered yet) never passes.

    Returns:
        True for a right answer, False for a wrong one or none.

    Raises:
        ValueError: no exercise with that id.

    Example (``06_reusing_layers_in_keras``):
        >>> passes("06.1", run_solution("06.1"))  # doctest: +SKIP
        True
    """
    return _verdict(_get(exercise_id), answer)[0]


def solution(exercise_id: str) -> str:
    """The hidden solution's code, for instructors (printed and returned).

    Args:
        exercise_id: e.g. ``"06.1"``.

    Returns:
        Python code that assigns the right ``answer``: the imports it needs, then the body of
        the exercise's solution function (see the module's docstring).

    Raises:
        ValueError: no exercise with that id.

    Example (``06_reusing_layers_in_keras``):
        >>> code = solution("06.1")  # doctest: +SKIP
    """
    code = _get(exercise_id).solution
    print(code)
    return code


def run_solution(exercise_id: str) -> Any:
    """Run the hidden solution and return its ``answer`` (used by the unit tests).

    Args:
        exercise_id: e.g. ``"06.1"``.

    Returns:
        The value the solution assigns to ``answer``.

    Raises:
        ValueError: no exercise with that id, or a solution that assigns no ``answer``.

    Example (``06_reusing_layers_in_keras``):
        >>> passes("06.1", run_solution("06.1"))  # doctest: +SKIP
        True
    """
    ex = _get(exercise_id)
    _solution_code(exercise_id, ex.solve)    # the checks solution() makes: it sets and returns `answer`
    return ex.solve()


def list_exercises(notebook: str | None = None) -> list[Exercise]:
    """The registered exercises, in id order, optionally of one notebook.

    Args:
        notebook: a notebook number ("04") or file stem; None for all.

    Returns:
        A list of :class:`Exercise`.

    Example (``00_start_here``):
        >>> [e.id for e in list_exercises("06")]  # doctest: +SKIP
        ['06.1', '06.2', '06.3']
    """
    chosen = [e for e in _REGISTRY.values()
              if notebook is None or e.notebook == notebook or e.id[:2] == notebook]
    return sorted(chosen, key=lambda e: (e.id[:2], int(e.id[3:])))


# Each notebook's module registers its exercises with `exercise` (defined above) when it is
# imported; importing them here fills the registry whenever tlcourse.exercises is imported.
from tlcourse.exercises import nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08, nb09, nb10, nb11, nb12  # noqa: E402, F401
