"""Exercises 11.1 to 11.3 (11_greedy_layerwise_pretraining): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import keras
import pytest

from tlcourse.exercises import check, passes, run_solution
from tlcourse.exercises.nb11 import _solution_11_1, _solution_11_2, _solution_11_3
from tlcourse.experiments import SeedResults


@pytest.mark.parametrize("exercise_id, solve", [("11.1", _solution_11_1), ("11.2", _solution_11_2)])
def test_the_solution_passes_its_check(exercise_id, solve, capsys):
    assert passes(exercise_id, solve())
    check(exercise_id, solve())
    assert f"{exercise_id} correct" in capsys.readouterr().out


def test_11_1_rejects_an_unfrozen_layer_the_old_head_and_copied_layers(rejects):
    stage2, stage3 = run_solution("11.1")
    stem, hidden1, hidden2, head2 = stage2.layers[:2], *stage2.layers[2:]
    hidden2.trainable = True                             # forgot to freeze what stage 2 trained
    rejects("11.1", (stage2, stage3), "hidden2 is still trainable")
    hidden2.trainable = False
    old_head = keras.Sequential([keras.Input((28, 28)), *stem, hidden1, hidden2,
                                 keras.layers.Dense(128, activation="sigmoid"), head2])
    rejects("11.1", (stage2, old_head), "stage 2's output layer")
    copies = keras.Sequential([keras.Input((28, 28)), *stem]
                              + [keras.layers.Dense(128, activation="sigmoid", trainable=i == 2) for i in range(3)]
                              + [keras.layers.Dense(10, activation="softmax")])
    rejects("11.1", (stage2, copies), "same layer objects")


def test_11_2_rejects_a_sum_a_wrong_number_of_factors_sigmoid_itself_and_a_number(rejects):
    rejects("11.2", lambda n: 0.25 * n, "multiply")
    rejects("11.2", lambda n: 0.25 ** (n - 1), "one factor for each")
    rejects("11.2", lambda n: 0.5 ** n, "0.5 is sigmoid(0)")
    rejects("11.2", lambda n: 1 / 1024, "whatever the number of layers")
    rejects("11.2", 0.25 ** 5, "the function gradient_bound itself")
    assert passes("11.2", lambda n: 1 / 4 ** n) and run_solution("11.2")(5) == 1 / 1024


@pytest.fixture(scope="module")
def answer_11_3(solved):
    if not __import__("tlcourse").config.data_dir():
        pytest.skip("11.3 measures on MNIST: set TLCOURSE_DATA to the offline data folder")
    return solved("11.3", _solution_11_3)


def _shares(sigmoid, relu, seeds=None):
    seeds = tuple(range(len(sigmoid))) if seeds is None else tuple(seeds)
    return SeedResults(seeds, [{"sigmoid": float(s), "relu": float(r)} for s, r in zip(sigmoid, relu)])


def test_11_3_solution_passes_and_its_conclusion_follows_from_its_numbers(answer_11_3, capsys):
    results, conclusion = answer_11_3
    assert passes("11.3", answer_11_3)
    check("11.3", answer_11_3)
    assert "11.3 correct" in capsys.readouterr().out
    assert results.seeds == tuple(range(len(results.seeds)))


def test_11_3_rejects_a_conclusion_that_contradicts_the_numbers(answer_11_3, rejects):
    results, conclusion = answer_11_3
    for other in sorted(set("abc") - {conclusion}):
        rejects("11.3", (results, other), "does not follow from your numbers", "sigmoid - relu")


def test_11_3_rejects_plain_ratios_upside_down_swapped_or_made_up(answer_11_3, rejects):
    results, conclusion = answer_11_3
    sigmoid, relu = results.values("sigmoid"), results.values("relu")
    rejects("11.3", (_shares(10 ** sigmoid, 10 ** relu), conclusion), "log10")
    rejects("11.3", (_shares(-sigmoid, -relu), conclusion), "upside down")
    rejects("11.3", (_shares(relu, sigmoid), conclusion), "swapped")
    rejects("11.3", (_shares(sigmoid - 0.5, relu), conclusion), "not what the described measurement gives")


def test_11_3_rejects_picked_or_too_few_seeds_and_other_kinds(rejects):
    rejects("11.3", (_shares([-2, -2, -2], [0, 0, 0], seeds=(0, 2, 4)), "a"), "seeds 0, 1, ..., n - 1")
    rejects("11.3", (_shares([-2], [0]), "a"), "at least 3")
    rejects("11.3", (_shares([-2, -2, -2], [0, 0, 0]), "sigmoid"), "one of the letters")
    rejects("11.3", -2.3, "pair (results, conclusion)")
