"""Exercises 05.1 and 05.2 (05_comparing_the_three_ways): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import os

import pytest

from tlcourse.exercises import check, passes
from tlcourse.exercises.nb05 import _solution_05_1, _solution_05_2


@pytest.mark.parametrize("exercise_id, solve", [("05.1", _solution_05_1)])
def test_the_solution_passes_its_check(exercise_id, solve, capsys):
    assert passes(exercise_id, solve())
    check(exercise_id, solve())
    assert f"{exercise_id} correct" in capsys.readouterr().out


def test_05_1_rejects_rules_that_miss_a_question(rejects):
    def as_is_for_near(classes, like, photos):                 # ImageNet-like photos -> use the net as is
        return 1 if classes or (like and photos < 100) else (2 if like else 3)

    def always_frozen(classes, like, photos):                  # never fine-tunes, even far from the source
        return 1 if classes else 2

    def always_fine_tune(classes, like, photos):               # fine-tunes a few dozen photos too
        return 1 if classes else 3

    def ignores_data(classes, like, photos):                   # near -> 2 whatever the amount of data
        return 1 if classes else (2 if like else 3)

    def new_classes_first(classes, like, photos):              # trains a head although the classes are known
        return 2 if like and photos else (1 if classes else 3)

    rejects("05.1", as_is_for_near, "situation (d)", "not all classes of the source")
    rejects("05.1", always_frozen, "situation (c)", "frozen feature extractor cannot")
    rejects("05.1", always_fine_tune, "situation (a)", "overfitting")
    rejects("05.1", ignores_data, "1,000 photos per class", "enough to adapt")
    rejects("05.1", new_classes_first, "classes all in the source", "nothing to train")
    rejects("05.1", [2, 1, 3, 2], "should be a function")        # the four numbers alone: enumerable
    rejects("05.1", lambda c, l, p: "2", "should return the number of a way")


needs_data = pytest.mark.skipif(not os.environ.get("TLCOURSE_DATA"),
                                reason="05.2 measures on the offline dogs-vs-cats photos: set TLCOURSE_DATA")


@pytest.fixture(scope="module")
def chosen(solved):
    # ② and ③ for one seed, on validation and test; the checker re-runs ②
    return solved("05.2", _solution_05_2)


@needs_data
def test_05_2_the_solution_passes(chosen, capsys):
    assert passes("05.2", chosen)
    check("05.2", chosen)
    assert "05.2 correct" in capsys.readouterr().out


def _ways(answer, **numbers):
    # the answer with the ways' numbers replaced: numbers like fine_tuning={"val": ..., "test": ...}
    return {**answer, **{way.replace("_", "-").replace("feature-", "feature "): v for way, v in numbers.items()}}


@needs_data
def test_05_2_rejects_a_choice_on_test_the_best_test_number_and_made_up_or_swapped_numbers(chosen, rejects):
    fe, ft = chosen["feature extraction"], chosen["fine-tuning"]
    rejects("05.2", "fine-tuning", "should be a dict")                                 # the label alone
    other = "fine-tuning" if chosen["chosen"] == "feature extraction" else "feature extraction"
    one = 1 / 1000                                                                     # below one photo: no count
    rejects("05.2", _ways(chosen, fine_tuning={"val": ft["val"] + one, "test": ft["test"]}), "whole number")
    rejects("05.2", _ways(chosen, feature_extraction={"val": fe["test"], "test": fe["val"]}),
            "swapped" if fe["val"] != fe["test"] else "not what the head")
    made_up = 1.0 if fe["val"] < 1 else 0.0
    rejects("05.2", _ways(chosen, feature_extraction={"val": made_up, "test": fe["test"]}), "not what the head")
    # the other way made better on test and worse on validation: choosing it is choosing on test
    rigged = {"val": 0.0, "test": 1.0}
    rejects("05.2", {**chosen, other: rigged, "chosen": other, "test accuracy": 1.0}, "better TEST accuracy")
    picked = chosen[chosen["chosen"]]
    if picked["val"] < 1:                              # (fast mode has few validation photos: 100 % happens)
        rejects("05.2", {**chosen, other: {"val": 1.0, "test": 0.0}}, "favour the other way")
        rejects("05.2", {**chosen, other: {"val": 0.0, "test": 1.0}, "test accuracy": 1.0},
                "better of the two test accuracies")
    if picked["val"] != picked["test"]:
        rejects("05.2", {**chosen, "test accuracy": picked["val"]}, "validation accuracy")
    rejects("05.2", {**chosen, "chosen": "both"}, "'feature extraction' or 'fine-tuning'")
