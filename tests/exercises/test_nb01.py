"""Exercises 01.1 and 01.2 (01_what_is_transfer_learning): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import dataclasses
import os

import pytest

from tlcourse.exercises import check, passes
from tlcourse.exercises.nb01 import _solution_01_1, _solution_01_2, _solution_01_3


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


needs_data = pytest.mark.skipif(not os.environ.get("TLCOURSE_DATA"),
                                reason="01.3 measures on the offline dogs-vs-cats photos: set TLCOURSE_DATA")


@pytest.fixture(scope="module")
def at_100(solved):
    # two transfer ways at 100 photos, every seed; the checker re-runs one way
    return solved("01.3", _solution_01_3)


@needs_data
def test_01_3_the_solution_passes(at_100, capsys):
    assert passes("01.3", at_100)
    check("01.3", at_100)
    assert "01.3 correct" in capsys.readouterr().out


def _with_rows(answer, change):
    # the same answer with every row passed through change(row) -> row
    results = answer["results"]
    return {**answer, "results": dataclasses.replace(results, rows=[change(dict(r)) for r in results.rows])}


@needs_data
def test_01_3_rejects_a_guessed_label_other_seeds_made_up_numbers_and_a_wrong_conclusion(at_100, rejects):
    results = at_100["results"]
    diff = results.paired_difference("fine-tuning", "features")
    right = at_100["conclusion"]
    wrong = "better" if right != "better" else "no clear difference"
    rejects("01.3", right, "should be a dict")                                      # the label alone
    rejects("01.3", {**at_100, "conclusion": wrong}, "your own interval")
    if diff.wins == diff.n and right == "no clear difference":                     # a win count is no verdict
        rejects("01.3", {**at_100, "conclusion": "better"}, "whole interval above zero")
    rejects("01.3", {**at_100, "photos": 200}, "a size it did not run")
    fewer = dataclasses.replace(results, seeds=results.seeds[:1], rows=results.rows[:1])
    rejects("01.3", {**at_100, "results": fewer}, "not the notebook's SEEDS")
    shifted = dataclasses.replace(results, seeds=tuple(s + 10 for s in results.seeds))
    rejects("01.3", {**at_100, "results": shifted}, "not the notebook's SEEDS")
    rejects("01.3", {**at_100, "results": {"features": 0.85, "fine-tuning": 0.87}}, "what run_seeds returned")
    invented = _with_rows(at_100, lambda r: {**r, "features": round(r["features"] + 0.02, 2)})
    rejects("01.3", invented, "not what three_ways(100")
    rounded = _with_rows(at_100, lambda r: {**r, "fine-tuning": r["fine-tuning"] + 0.0001})
    rejects("01.3", rounded, "whole number of them")
    untimed = _with_rows(at_100, lambda r: {**r, "fine-tuning s": 0.0})
    rejects("01.3", untimed, "not what three_ways measured")
    no_times = _with_rows(at_100, lambda r: {"features": r["features"], "fine-tuning": r["fine-tuning"]})
    rejects("01.3", no_times, "no 'features s'")
