"""Shared by the exercise tests, one file per notebook as in tlcourse/exercises/."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tlcourse.exercises import check, passes

#: Exercises whose solution runs a real experiment (training on the offline data, 10-25 s each in
#: fast mode). `make test` runs them; `make test-compat` leaves them out (marker `experiment`):
#: they spend their time in fit/evaluate on real photos, which the notebooks the compat runs
#: execute already cover, and three runs of them would not fit CI's 30 minutes.
EXPERIMENTS = {"01.3", "02.3", "03.3", "04.3", "05.2", "05.3", "06.3", "07.3", "08.3", "09.3", "10.3", "11.3", "12.3"}

# The answers the hidden solutions gave in this test session, by exercise id: test_interface.py
# runs every solution's shown code once (it sorts before test_nbNN.py) and the per-notebook tests
# reuse that answer instead of running the same experiment a second time.
_SOLVED: dict[str, Any] = {}


@pytest.fixture(scope="session")
def remember_solution() -> Callable[[str, Any], None]:
    """``remember_solution(exercise_id, answer)``: keep what a solution answered, for ``solved``."""
    return _SOLVED.__setitem__


@pytest.fixture(scope="session")
def solved() -> Callable[[str, Callable[[], Any]], Any]:
    """``solved(exercise_id, solve)``: the answer of ``solve`` (the exercise's hidden solution),
    this session's if test_interface.py ran it already, else a fresh run."""

    def answer(exercise_id: str, solve: Callable[[], Any]) -> Any:
        if exercise_id not in _SOLVED:
            _SOLVED[exercise_id] = solve()
        return _SOLVED[exercise_id]

    return answer


def pytest_collection_modifyitems(items):
    """Mark every test of an experiment exercise (by its parameter or its name) `experiment`."""
    for item in items:
        param = getattr(getattr(item, "callspec", None), "params", {}).get("exercise_id")
        named = re.search(r"test_(\d\d)_(\d+)_", item.name)
        if param in EXPERIMENTS or (named and f"{named[1]}.{named[2]}" in EXPERIMENTS):
            item.add_marker(pytest.mark.experiment)


@pytest.fixture
def rejects(capsys):
    """``rejects(exercise_id, answer, *fragments)``: the answer is rejected, the message says why
    (each fragment appears in it, case aside) and the hint is printed."""

    def assert_rejected(exercise_id, answer, *fragments):
        assert not passes(exercise_id, answer)
        assert capsys.readouterr().out == ""          # passes() is silent; check() says why
        check(exercise_id, answer)
        out = capsys.readouterr().out
        assert f"{exercise_id} not yet:" in out and "Hint:" in out, out
        for fragment in fragments:
            assert fragment.lower() in out.lower(), out

    return assert_rejected
