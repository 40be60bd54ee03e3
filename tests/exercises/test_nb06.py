"""Exercises 06.1 and 06.2 (06_open_datasets): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import numpy as np
import pytest

from tlcourse.exercises import check, passes
from tlcourse.exercises.nb06 import _solution_06_1, _solution_06_2


@pytest.mark.parametrize("exercise_id, solve", [("06.1", _solution_06_1), ("06.2", _solution_06_2)])
def test_the_solution_passes_its_check(exercise_id, solve, capsys):
    assert passes(exercise_id, solve())
    check(exercise_id, solve())
    assert f"{exercise_id} correct" in capsys.readouterr().out


def test_06_1_rejects_a_class_seen_only_in_validation_and_a_short_list(rejects):
    rejects("06.1", [9, 10, 11], "does not contain")
    rejects("06.1", [11], "missing")
    rejects("06.1", [8, 10, 11], "training part does contain")
    assert passes("06.1", (11, 10))


def test_06_2_rejects_a_near_duplicate_count_and_a_pixel_count(rejects):
    def within_one_level(x_train, x_test):               # "copies" up to one gray level: too loose
        return sum(any(np.abs(a.astype(int) - b).max() <= 1 for b in x_train) for a in x_test)

    rejects("06.2", within_one_level, "only exact copies count")
    rejects("06.2", lambda x_train, x_test: int(np.isin(x_test, x_train).sum()),
            "count images, not pixels")
    rejects("06.2", lambda x_train, x_test: 0, "returns 0")
