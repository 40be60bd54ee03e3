"""Exercises 12.1, 12.2 and 12.3 (12_project_sign_language): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import math
import random
from types import SimpleNamespace

import keras
import numpy as np
import pytest

from tlcourse.exercises import check, nb12, passes, run_solution
from tlcourse.exercises.nb12 import _solution_12_1, _solution_12_2, _solution_12_3


@pytest.mark.parametrize("exercise_id, solve", [("12.1", _solution_12_1), ("12.2", _solution_12_2)])
def test_the_solution_passes_its_check(exercise_id, solve, capsys):
    assert passes(exercise_id, solve())
    check(exercise_id, solve())
    assert f"{exercise_id} correct" in capsys.readouterr().out


def _wilson_function(step=50, wald=False, shift=0):
    def photos_needed(accuracy, width):
        n = step
        while True:
            p = round(accuracy * n) / n
            if wald:
                w = 2 * 1.96 * math.sqrt(p * (1 - p) / n)
            else:
                w = 2 * 1.96 * math.sqrt(p * (1 - p) / n + 1.96**2 / (4 * n**2)) / (1 + 1.96**2 / n)
            if w < width:
                return n + shift
            n += step
    return photos_needed


def test_12_1_book_claim_needs_800_photos(capsys):
    assert run_solution("12.1")(0.98, 0.02) == 800                  # sixteen times the book's 50


def test_12_1_rejects_a_constant_wald_steps_of_one_and_off_by_one(rejects, monkeypatch):
    rejects("12.1", 800, "the function photos_needed itself")
    rejects("12.1", lambda accuracy, width: 800, "whatever it is asked")
    rejects("12.1", _wilson_function(step=1), "multiples of 50")
    rejects("12.1", _wilson_function(shift=-50), "is still", "points wide")
    rejects("12.1", _wilson_function(shift=50), "a smaller multiple of 50")
    rejects("12.1", lambda accuracy, width: (0.97, 0.99), "should return a number of photos")
    monkeypatch.setattr(nb12, "_probe_rng", lambda: random.Random(0))
    rejects("12.1", _wilson_function(wald=True), "normal-approximation", "wilson_interval")


def test_12_1_answers_differ_between_probes():
    # no answer passes by listing a few numbers: the probes are drawn from many different answers
    needed = {nb12._needed_with(nb12._wilson_width, a, w) for a in nb12._ACCURACIES for w in nb12._WIDTHS}
    assert len(needed) > 10


def test_12_2_rejects_the_first_fine_tuned_layer_a_naive_add_a_layer_too_early_and_a_constant(rejects):
    def names(base):
        return [layer.name for layer in base.layers]

    rejects("12.2", "block_12_add", "the function cut_before itself")
    rejects("12.2", lambda base, block: f"block_{block}_expand", "first layer to fine-tune")
    rejects("12.2", lambda base, block: f"block_{block - 1}_add", "not every block ends with an add")
    rejects("12.2", lambda base, block: names(base)[names(base).index(f"block_{block}_expand") - 2],
            "would be fine-tuned too")
    rejects("12.2", lambda base, block: "block_12_add", "the same layer whatever the block")


def test_12_2_cut_is_the_layer_before_block_13_in_keras_mobilenet_v2():
    base = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(128, 128, 3))
    names = [layer.name for layer in base.layers]
    assert names[names.index("block_13_expand") - 1] == run_solution("12.2")(base, 13) == "block_12_add"
    without_add = [b for b in range(2, 17) if f"block_{b - 1}_add" not in names]
    assert tuple(without_add) == nb12._NO_ADD
    assert set(nb12._WITH_ADD) == set(range(3, 17)) - set(nb12._NO_ADD) - {13}


@pytest.fixture(scope="module")
def answer_12_3(solved):
    if not __import__("tlcourse").config.data_dir():
        pytest.skip("12.3 trains on the sign-language photos: set TLCOURSE_DATA to the offline data folder")
    return solved("12.3", _solution_12_3)


def test_12_3_solution_passes(answer_12_3, capsys):
    assert passes("12.3", answer_12_3)
    check("12.3", answer_12_3)
    assert "12.3 correct" in capsys.readouterr().out


# A synthetic project for the wrong answers: 40 validation and 200 test photos, and head runs whose
# best validation rate (1e-2) is not the best test rate (1e-3), as happens.
RUNS = {1e-4: (0.400, 0.450), 1e-3: (0.850, 0.950), 1e-2: (0.875, 0.900)}


@pytest.fixture
def synthetic(monkeypatch):
    monkeypatch.setattr(nb12, "_head_accuracies", lambda features, split, rate: RUNS[rate])
    split = SimpleNamespace(y_train=np.zeros(300, int), y_val=np.zeros(40, int), y_test=np.zeros(200, int))
    features = {"train": np.zeros((300, 4)), "val": np.zeros((40, 4)), "test": np.zeros((200, 4))}
    right = {"features": features, "split": split, "val": {r: v for r, (v, _) in RUNS.items()},
             "chosen": 1e-2, "test_accuracy": 0.900, "conclusion": "b"}   # 0.85 is inside 35/40's interval
    return right


def test_12_3_accepts_the_right_synthetic_answer(synthetic):
    assert passes("12.3", synthetic)


def test_12_3_rejects_a_rate_chosen_on_the_test_photos(synthetic, rejects):
    rejects("12.3", {**synthetic, "chosen": 1e-3, "test_accuracy": 0.950}, "best on the test photos",
            "no longer an honest estimate")
    rejects("12.3", {**synthetic, "val": {r: t for r, (_, t) in RUNS.items()}, "chosen": 1e-3,
                     "test_accuracy": 0.950}, "holds test accuracies")
    rejects("12.3", {**synthetic, "chosen": 1e-4, "test_accuracy": 0.450}, "best validation accuracy")


def test_12_3_rejects_the_wrong_test_number_made_up_numbers_and_the_wrong_conclusion(synthetic, rejects):
    rejects("12.3", {**synthetic, "test_accuracy": 0.875}, "validation accuracy")
    rejects("12.3", {**synthetic, "test_accuracy": 0.950}, "best test accuracy of all rates")
    rejects("12.3", {**synthetic, "val": {1e-4: 0.5, 1e-3: 0.6, 1e-2: 0.9}}, "not what the described runs give")
    rejects("12.3", {**synthetic, "conclusion": "a"}, "does not follow from your numbers", "wilson")
    rejects("12.3", {**synthetic, "val": {1e-3: 0.85, 1e-2: 0.875}}, "each learning rate")
    rejects("12.3", {k: v for k, v in synthetic.items() if k != "split"}, "a dict with the keys")
