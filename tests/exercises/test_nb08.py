"""Exercises 08.1 and 08.2 (08_greedy_layerwise_pretraining): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import keras
import pytest

from tlcourse.exercises import check, passes, run_solution
from tlcourse.exercises.nb08 import _solution_08_1, _solution_08_2


@pytest.mark.parametrize("exercise_id, solve", [("08.1", _solution_08_1), ("08.2", _solution_08_2)])
def test_the_solution_passes_its_check(exercise_id, solve, capsys):
    assert passes(exercise_id, solve())
    check(exercise_id, solve())
    assert f"{exercise_id} correct" in capsys.readouterr().out


def test_08_1_rejects_an_unfrozen_layer_the_old_head_and_copied_layers(rejects):
    stage2, stage3 = run_solution("08.1")
    stem, hidden1, hidden2, head2 = stage2.layers[:2], *stage2.layers[2:]
    hidden2.trainable = True                             # forgot to freeze what stage 2 trained
    rejects("08.1", (stage2, stage3), "hidden2 is still trainable")
    hidden2.trainable = False
    old_head = keras.Sequential([keras.Input((28, 28)), *stem, hidden1, hidden2,
                                 keras.layers.Dense(128, activation="sigmoid"), head2])
    rejects("08.1", (stage2, old_head), "stage 2's output layer")
    copies = keras.Sequential([keras.Input((28, 28)), *stem]
                              + [keras.layers.Dense(128, activation="sigmoid", trainable=i == 2) for i in range(3)]
                              + [keras.layers.Dense(10, activation="softmax")])
    rejects("08.1", (stage2, copies), "same layer objects")


def test_08_2_rejects_a_sum_and_a_wrong_number_of_factors(rejects):
    rejects("08.2", 0.25 * 5, "multiply")
    rejects("08.2", 0.25 ** 4, "five sigmoid layers")
    assert passes("08.2", 1 / 1024) and passes("08.2", 0.001)
