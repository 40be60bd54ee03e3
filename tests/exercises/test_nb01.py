"""Exercises 01.1 and 01.2 (01_what_is_transfer_learning): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import pytest

from tlcourse.exercises import check, passes
from tlcourse.exercises.nb01 import _solution_01_1, _solution_01_2


@pytest.mark.parametrize("exercise_id, solve", [("01.1", _solution_01_1), ("01.2", _solution_01_2)])
def test_the_solution_passes_its_check(exercise_id, solve, capsys):
    assert passes(exercise_id, solve())
    check(exercise_id, solve())
    assert f"{exercise_id} correct" in capsys.readouterr().out


def test_01_1_rejects_swapped_terms_and_a_step_named_as_a_task(rejects):
    rejects("01.1", {"source task": "B", "target task": "D", "pretraining": "C", "fine-tuning": "A"},
            "swapped")
    rejects("01.1", {"upstream": "C", "downstream": "B", "pre-training": "D", "fine_tuning": "A"},
            "C describes a training step")
    rejects("01.1", {"source task": "D", "target task": "B", "pretraining": "A", "fine-tuning": "C"},
            "runs first")
    assert passes("01.1", {"Upstream task": "d", "downstream": "b", "Pre-training": "c", "finetuning": "a"})


def test_01_2_rejects_a_guessed_verdict_wrong_numbers_and_a_verdict_against_the_interval(rejects, capsys):
    right = _solution_01_2()
    capsys.readouterr()                                     # the solution prints its verdict line
    mean, (low, high) = right["mean"], right["ci95"]
    rejects("01.2", "no clear difference", "should be a dict")                  # the label alone: enumerable
    rejects("01.2", {**right, "verdict": "better"}, "contains zero", "above zero")
    rejects("01.2", {**right, "verdict": "transfer is worse"}, "below zero")
    rejects("01.2", {**right, "mean": -mean, "ci95": (-high, -low)}, "wrong sign")
    rejects("01.2", {**right, "mean": mean / 100}, "fraction")
    rejects("01.2", {**right, "mean": 1.9}, "subtract within each seed")        # mean of unpaired accuracies, made up
    half_z = 1.96 / 2.776 * (high - low) / 2                                     # z = 1.96 instead of t(4)
    rejects("01.2", {**right, "ci95": (mean - half_z, mean + half_z)}, "wrong width", "4 degrees of freedom")
    rejects("01.2", {**right, "ci95": (0.5, 2.0)}, "not the 95 % interval")
    assert passes("01.2", {**right, "verdict": "No clear difference"})
    assert passes("01.2", {**right, "verdict": "transfer is not clearly better: no clear difference"})
