"""Exercises 09.1 and 09.2 (09_project_sign_language): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import keras
import pytest

from tlcourse.exercises import check, passes, run_solution
from tlcourse.exercises.nb09 import _solution_09_1, _solution_09_2


@pytest.mark.parametrize("exercise_id, solve", [("09.1", _solution_09_1), ("09.2", _solution_09_2)])
def test_the_solution_passes_its_check(exercise_id, solve, capsys):
    assert passes(exercise_id, solve())
    check(exercise_id, solve())
    assert f"{exercise_id} correct" in capsys.readouterr().out


def test_09_1_rejects_too_few_too_many_and_odd_counts(rejects):
    rejects("09.1", 750, "still 2.1 points wide")
    rejects("09.1", 1000, "a smaller multiple of 50")
    rejects("09.1", 780, "multiples of 50")


def test_09_2_rejects_the_first_fine_tuned_layer_and_a_cut_inside_a_block(rejects):
    rejects("09.2", "block_13_expand", "first layer to fine-tune")
    rejects("09.2", "block_12_project_BN", "adds the block's input back")
    rejects("09.2", "block_9_add", "blocks 10 to 12")


def test_09_2_cut_is_the_layer_before_block_13_in_keras_mobilenet_v2():
    names = [layer.name for layer in keras.applications.MobileNetV2(
        include_top=False, weights=None, input_shape=(128, 128, 3)).layers]
    assert names[names.index("block_13_expand") - 1] == run_solution("09.2")
