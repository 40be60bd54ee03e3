"""Exercise 04.1 (04_fine_tuning): the solution passes, mistakes get helpful messages."""

from __future__ import annotations

import keras
import pytest

from tlcourse.exercises import check, passes
from tlcourse.exercises.nb04 import _solution_04_1


@pytest.mark.parametrize("exercise_id, solve", [("04.1", _solution_04_1)])
def test_the_solution_passes_its_check(exercise_id, solve, capsys):
    assert passes(exercise_id, solve())
    check(exercise_id, solve())
    assert f"{exercise_id} correct" in capsys.readouterr().out


def _fake_mobilenet_v2_top():
    # the top layers of a MobileNetV2, by name only: enough for the 04.1 checker, built at once

    x = inputs = keras.Input((4,))
    for name in ("block_15_add", "block_16_expand", "block_16_expand_BN", "Conv_1", "Conv_1_bn"):
        bn = name.lower().endswith("_bn")
        x = (keras.layers.BatchNormalization(name=name) if bn else keras.layers.Dense(4, name=name))(x)
    return keras.Model(inputs, x)


def test_04_1_rejects_trainable_batchnorm_a_frozen_base_and_a_deeper_unfreeze(rejects):
    base = _fake_mobilenet_v2_top()
    for layer in base.layers:                            # right: block 16 and Conv_1, BN frozen
        layer.trainable = (layer.name in ("block_16_expand", "Conv_1"))
    assert passes("04.1", base)
    wrapped = keras.Sequential([keras.Input((4,)), base, keras.layers.Dense(2, name="head")])
    assert passes("04.1", wrapped)            # the whole model is fine too
    base.get_layer("Conv_1_bn").trainable = True         # forgot to keep BN frozen
    rejects("04.1", base, "BatchNormalization", "trainable")
    base.get_layer("Conv_1_bn").trainable = False
    base.get_layer("block_15_add").trainable = True      # unfroze too deep
    rejects("04.1", base, "below block_16_expand")
    base.trainable = False                               # the base as a whole frozen
    rejects("04.1", base, "still frozen")
    fresh = _fake_mobilenet_v2_top()                     # a fresh base: every layer trainable
    rejects("04.1", fresh, "below block_16_expand")
    for layer in fresh.layers:                           # off by one: starts after block_16_expand
        layer.trainable = layer.name == "Conv_1"
    rejects("04.1", fresh, "from block_16_expand on are still frozen")
