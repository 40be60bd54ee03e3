"""Shared by the exercise tests, one file per notebook as in tlcourse/exercises/."""

from __future__ import annotations

import pytest

from tlcourse.exercises import check, passes


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
