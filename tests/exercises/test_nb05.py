"""Exercises 05.1, 05.2 and 05.3 (05_comparing_the_three_ways): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import os

import pytest

from tlcourse.exercises import check, passes
from tlcourse.exercises._common import notebook_signs
from tlcourse.exercises.nb05 import _solution_05_1, _solution_05_2, _solution_05_3


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
    # ③'s numbers made up (the choice and the reported test accuracy kept consistent with them): re-run, rejected
    if chosen["chosen"] == "feature extraction":
        made_up = {"val": 0.0 if fe["val"] > 0 else -1.0, "test": ft["test"]}
        rejects("05.2", {**chosen, "fine-tuning": made_up}, "fine-tuning val accuracy is not what ③", "re-ran")
    else:
        far = 0.0 if ft["test"] > 0.5 else 1.0
        rejects("05.2", {**chosen, "fine-tuning": {"val": ft["val"], "test": far}, "test accuracy": far},
                "fine-tuning test accuracy is not what ③")


@pytest.fixture(scope="module")
def few(solved):
    # the scratch CNN and ②'s head on 10 photos per digit, over SEEDS; the checker re-runs them
    return solved("05.3", _solution_05_3)


@needs_data
def test_05_3_the_solution_passes(few, capsys):
    assert passes("05.3", few)
    check("05.3", few)
    assert "05.3 correct" in capsys.readouterr().out


@needs_data
def test_05_3_rejects_swapped_reordered_made_up_or_mis_measured_numbers(few, rejects):
    size = len(notebook_signs().y_test)
    scratch, frozen = few["from scratch"], few["feature extraction"]
    rejects("05.3", few["conclusion"], "should be a dict")                           # the label alone
    rejects("05.3", {**few, "from scratch": frozen, "feature extraction": scratch}, "swapped")
    if max(abs(a - b) for a, b in zip(frozen, frozen[::-1])) > 2 / size:             # seeds far enough apart
        rejects("05.3", {**few, "feature extraction": frozen[::-1]}, "order of SEEDS")
    made_up = [min(1.0, round(v * size + 5) / size) if v < 0.5 else round(v * size - 5) / size for v in scratch]
    rejects("05.3", {**few, "from scratch": made_up}, "not what the experiment gives", "re-ran")
    rejects("05.3", {**few, "feature extraction": [100 * v for v in frozen]}, "fractions")
    rejects("05.3", {**few, "from scratch": scratch[:1]}, "one test accuracy per seed")
    on_validation = [(2 * round(v * 15) + 1) / 30 for v in frozen]                  # k / 30: the 30 validation photos
    rejects("05.3", {**few, "feature extraction": on_validation}, f"the {size} test photos")
    for n in (0, 155, 10.0, True, "10"):                                             # all photos, or no count
        rejects("05.3", {**few, "photos per digit": n}, "photos per digit")


@needs_data
def test_05_3_rejects_a_conclusion_its_own_numbers_do_not_support(few, rejects):
    from tlcourse.experiments import SeedResults

    rows = [{"f": f, "s": s} for s, f in zip(few["from scratch"], few["feature extraction"])]
    low, high = SeedResults(tuple(range(len(rows))), rows).paired_difference("f", "s").ci95
    right = "transfer better" if low > 0 else "scratch better" if high < 0 else "not clearly apart"
    assert few["conclusion"] == right
    for wrong in {"transfer better", "scratch better", "not clearly apart"} - {right}:
        rejects("05.3", {**few, "conclusion": wrong}, "contradicts" if right != "not clearly apart" else "includes 0")
    rejects("05.3", {**few, "conclusion": "transfer"}, "'conclusion' should be one of")
