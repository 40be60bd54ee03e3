"""Exercises 10.1, 10.2 and 10.3 (10_cnn_architectures): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from tlcourse.exercises import check, nb10, passes, run_solution
from tlcourse.exercises.nb10 import _solution_10_1, _solution_10_2, _solution_10_3
from tlcourse.experiments import SeedResults
from tlcourse.models import residual_block

needs_mnist = pytest.mark.skipif(not __import__("tlcourse").config.data_dir(),
                                 reason="10.3 measures on MNIST: set TLCOURSE_DATA to the offline data folder")


@pytest.mark.parametrize("exercise_id, solve", [("10.1", _solution_10_1), ("10.2", _solution_10_2)])
def test_the_solution_passes_its_check(exercise_id, solve, capsys):
    assert passes(exercise_id, solve())
    check(exercise_id, solve())
    assert f"{exercise_id} correct" in capsys.readouterr().out


def test_10_1_rejects_counts_without_biases_swapped_one_conv_or_fixed_numbers(rejects):
    rejects("10.1", (102_464, 73_856), "the function conv_params itself")
    rejects("10.1", lambda c: (25 * c * c, 18 * c * c), "biases")
    rejects("10.1", lambda c: (2 * (9 * c * c + c), 25 * c * c + c), "swapped")
    rejects("10.1", lambda c: (25 * c * c + c, 9 * c * c + c), "only one of the two")
    rejects("10.1", lambda c: (102_464, 73_856), "numbers for 64 channels")   # right for 64 only
    rejects("10.1", lambda c: 25 * c * c + c, "pair of numbers")


def test_10_1_solution_agrees_with_keras():
    for c in (3, 64):
        one, three = keras.layers.Conv2D(c, 5), keras.layers.Conv2D(c, 3)
        one.build((None, 32, 32, c))
        three.build((None, 32, 32, c))
        assert tuple(run_solution("10.1")(c)) == (one.count_params(), 2 * three.count_params())


def test_10_2_accepts_other_blocks_and_rejects_no_shortcut_or_no_final_relu(rejects):
    L = keras.layers

    def block(shortcut, relu):
        x = keras.Input(shape=(8, 8, 16))
        f = L.Conv2D(16, 3, padding="same")(L.Conv2D(16, 3, padding="same", activation="relu")(x))
        y = L.Add()([f, x]) if shortcut else f
        return keras.Model(x, L.Activation("relu")(y) if relu else y)

    assert passes("10.2", block(True, True))                   # without BatchNorm: fine
    inputs = keras.Input(shape=(8, 8, 16))
    assert passes("10.2", keras.Model(inputs, residual_block(inputs, 16)))  # the course's
    rejects("10.2", block(False, True), "no shortcut")
    rejects("10.2", block(True, False), "relu after the addition is missing")


def test_10_2_rejects_two_convolutions_side_by_side(rejects):
    L = keras.layers
    x = keras.Input(shape=(8, 8, 16))
    f = L.Add()([L.Conv2D(16, 3, padding="same")(x), L.Conv2D(16, 3, padding="same")(x)])   # parallel, not stacked
    rejects("10.2", keras.Model(x, L.Activation("relu")(L.Add()([f, x]))), "stack the two convolutions")


@pytest.fixture(scope="module")
def answer_10_3(solved):
    if not __import__("tlcourse").config.data_dir():
        pytest.skip("10.3 measures on MNIST: set TLCOURSE_DATA to the offline data folder")
    return solved("10.3", _solution_10_3)


def _results(plain, res, seeds=None):
    seeds = tuple(range(len(plain))) if seeds is None else tuple(seeds)
    return SeedResults(seeds, [{"plain-32": float(p), "resnet-32": float(r)} for p, r in zip(plain, res)])


@needs_mnist
def test_10_3_solution_passes_and_its_conclusion_follows_from_its_numbers(answer_10_3, capsys):
    results, conclusion = answer_10_3
    assert passes("10.3", answer_10_3)
    check("10.3", answer_10_3)
    assert "10.3 correct" in capsys.readouterr().out
    assert results.seeds == tuple(range(len(results.seeds))) and conclusion in "abc"


@needs_mnist
def test_10_3_rejects_a_conclusion_that_contradicts_the_numbers(answer_10_3, rejects):
    results, conclusion = answer_10_3
    for other in sorted(set("abc") - {conclusion}):
        rejects("10.3", (results, other), "does not follow from your numbers", "95 % interval")


@needs_mnist
def test_10_3_rejects_made_up_swapped_summed_or_shifted_numbers(answer_10_3, rejects):
    results, conclusion = answer_10_3
    plain, res = results.values("plain-32"), results.values("resnet-32")
    n = len(plain)
    rejects("10.3", (_results(plain + 1.0, res, None), conclusion), "not what the described measurement gives")
    rejects("10.3", (_results(res, plain), conclusion), "swapped")
    rejects("10.3", (_results(64 * plain, 64 * res), conclusion), "64 times", "mean")
    shifted = (_results(np.roll(plain, 1), np.roll(res, 1)), conclusion)   # seeded once: another seed's numbers
    rejects("10.3", shifted, "seed_everything(seed)")
    assert n >= 3


@needs_mnist
def test_10_3_rejects_batchnorm_in_inference_mode(answer_10_3, rejects, monkeypatch):
    monkeypatch.setattr(nb10.random, "choice", lambda seq: seq[0])          # the check recomputes seed 0
    inference = [nb10._first_layer_gradient(name, 0, training=False) for name in ("plain-32", "resnet-32")]
    rejects("10.3", (_results([inference[0], 1, 1], [inference[1], 1, 1]), "c"), "training=False")


def test_10_3_rejects_picked_or_too_few_seeds_and_other_kinds(rejects):
    rejects("10.3", (_results([5, 6, 7], [1, 1, 1], seeds=(1, 3, 5)), "b"), "seeds 0, 1, ..., n - 1")
    rejects("10.3", (_results([5, 6], [1, 1]), "b"), "at least 3")
    rejects("10.3", (_results([5, 6, 7], [1, 1, 1]), "yes"), "one of the letters")
    rejects("10.3", {"plain-32": [5, 6, 7], "resnet-32": [1, 1, 1]}, "pair (results, conclusion)")
    rejects("10.3", (SeedResults((0, 1, 2), [{"plain": 1.0}] * 3), "b"), "no metric 'plain-32'")
