"""Exercises 07.1 and 07.2 (07_cnn_architectures): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import keras
import pytest

from tlcourse.exercises import check, passes, run_solution
from tlcourse.exercises.nb07 import _solution_07_1, _solution_07_2
from tlcourse.models import residual_block


@pytest.mark.parametrize("exercise_id, solve", [("07.1", _solution_07_1), ("07.2", _solution_07_2)])
def test_the_solution_passes_its_check(exercise_id, solve, capsys):
    assert passes(exercise_id, solve())
    check(exercise_id, solve())
    assert f"{exercise_id} correct" in capsys.readouterr().out


def test_07_1_rejects_counts_without_biases_swapped_or_one_conv(rejects):
    rejects("07.1", (102_400, 73_728), "biases")
    rejects("07.1", (73_856, 102_464), "swapped")
    rejects("07.1", (102_464, 36_928), "only one of the two")


def test_07_1_solution_agrees_with_keras():
    one, three = keras.layers.Conv2D(64, 5), keras.layers.Conv2D(64, 3)
    one.build((None, 32, 32, 64))
    three.build((None, 32, 32, 64))
    assert tuple(run_solution("07.1")) == (one.count_params(), 2 * three.count_params())


def test_07_2_accepts_other_blocks_and_rejects_no_shortcut_or_no_final_relu(rejects):
    L = keras.layers

    def block(shortcut, relu):
        x = keras.Input(shape=(8, 8, 16))
        f = L.Conv2D(16, 3, padding="same")(L.Conv2D(16, 3, padding="same", activation="relu")(x))
        y = L.Add()([f, x]) if shortcut else f
        return keras.Model(x, L.Activation("relu")(y) if relu else y)

    assert passes("07.2", block(True, True))                   # without BatchNorm: fine
    inputs = keras.Input(shape=(8, 8, 16))
    assert passes("07.2", keras.Model(inputs, residual_block(inputs, 16)))  # the course's
    rejects("07.2", block(False, True), "no shortcut")
    rejects("07.2", block(True, False), "relu after the addition is missing")
