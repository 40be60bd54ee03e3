"""Exercises 09.1, 09.2 and 09.3 (09_splits_and_leakage): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import numpy as np
import pytest

from tlcourse import config
from tlcourse.exercises import check, passes
from tlcourse.exercises.nb09 import _leak_numbers, _solution_09_1, _solution_09_2, _solution_09_3

needs_data = pytest.mark.skipif(config.data_dir() is None or not config.data_dir().is_dir(),
                                reason="set TLCOURSE_DATA to the offline data sets (CI does)")


@pytest.mark.parametrize("exercise_id, solve", [("09.1", _solution_09_1), ("09.2", _solution_09_2)])
def test_the_solution_passes_its_check(exercise_id, solve, capsys):
    assert passes(exercise_id, solve())
    check(exercise_id, solve())
    assert f"{exercise_id} correct" in capsys.readouterr().out


def _cut(y, val=0.10, test=0.15):
    n = len(y)
    a, b = n - round(val * n) - round(test * n), n - round(test * n)
    return y[:a], y[a:b], y[b:]


def test_09_1_rejects_a_class_seen_only_in_validation_and_a_short_list(rejects):
    # the old list answers, as functions that always return them: right for 12 x 100 only
    rejects("09.1", lambda y: [10, 11], "for every folder", "len(y)")
    rejects("09.1", [10, 11], "a function never_trained(y)")

    def with_validation(y):                              # test and validation classes: too many
        train, val, test = _cut(y)
        return sorted((set(val.tolist()) | set(test.tolist())) - set(train.tolist()))

    def last_class_only(y):                              # the last class of the test part: too few
        return [int(y[-1])]

    def fractions_swapped(y):                            # 15 % validation, 10 % test
        train, _, test = _cut(y, val=0.15, test=0.10)
        return sorted(set(test.tolist()) - set(train.tolist()))

    def all_test_classes(y):                             # forgets to remove the trained ones
        return sorted(set(_cut(y)[2].tolist()))

    rejects("09.1", with_validation, "does not contain", "validation part ends")
    rejects("09.1", last_class_only, "missing")
    rejects("09.1", all_test_classes, "training part does contain")
    assert not passes("09.1", fractions_swapped)


def test_09_1_accepts_another_right_function():
    def never_trained(y):
        train, _, test = _cut(np.asarray(y))
        return tuple(c for c in np.unique(test) if c not in train)

    assert passes("09.1", never_trained)


def test_09_2_rejects_a_near_duplicate_count_and_a_pixel_count(rejects):
    def within_one_level(x_train, x_test):               # "copies" up to one gray level: too loose
        return sum(any(np.abs(a.astype(int) - b).max() <= 1 for b in x_train) for a in x_test)

    rejects("09.2", within_one_level, "only exact copies count")
    rejects("09.2", lambda x_train, x_test: int(np.isin(x_test, x_train).sum()),
            "count images, not pixels")
    rejects("09.2", lambda x_train, x_test: 0, "returns 0")


@pytest.fixture(scope="module")
def leak_answer():
    # 09.3's right answer over 3 seeds (the same numbers the solution measures in fast mode)
    random_split, by_person, share = _leak_numbers(3)
    return {"random": random_split, "by_person": by_person, "same_person_neighbour": share,
            "conclusion": "no clear difference"}


@needs_data
def test_09_3_the_solution_passes(capsys):
    answer = _solution_09_3()
    assert passes("09.3", answer)
    check("09.3", answer)
    assert "09.3 correct" in capsys.readouterr().out


@needs_data
def test_09_3_rejects_splits_that_are_not_the_described_ones(rejects, leak_answer):
    ignored = {**leak_answer, "by_person": leak_answer["random"]}           # GroupShuffleSplit without the groups
    rejects("09.3", ignored, "groups=person")
    swapped = {**leak_answer, "random": leak_answer["by_person"], "by_person": leak_answer["random"]}
    rejects("09.3", swapped, "swapped")
    made_up = {**leak_answer, "random": [0.95, 0.94, 0.96], "by_person": [0.80, 0.82, 0.79]}   # the "expected" leak
    rejects("09.3", made_up, "not what 1-NN gives")
    rejects("09.3", {**leak_answer, "random": [a * 100 for a in leak_answer["random"]]}, "fractions")
    rejects("09.3", {**leak_answer, "random": leak_answer["random"][:1], "by_person": leak_answer["by_person"][:1]},
            "at least 3 seeds")
    rejects("09.3", {**leak_answer, "same_person_neighbour": 0.0}, "same person")   # measured on the person split


@needs_data
def test_09_3_rejects_a_conclusion_its_own_numbers_do_not_support(rejects, leak_answer):
    rejects("09.3", {**leak_answer, "conclusion": "random split higher"}, "includes 0")
    rejects("09.3", {**leak_answer, "conclusion": "leak"}, "should be one of")
    random_split, by_person, share = _leak_numbers(10)                      # full mode's 10 seeds
    ten = {"random": random_split, "by_person": by_person, "same_person_neighbour": share}
    right = [c for c in ("random split higher", "no clear difference", "random split lower")
             if passes("09.3", {**ten, "conclusion": c})]
    assert len(right) == 1                                                 # the numbers decide, not the label
    wrong = "random split higher" if right[0] != "random split higher" else "random split lower"
    rejects("09.3", {**ten, "conclusion": wrong}, "contradicts your own numbers")
