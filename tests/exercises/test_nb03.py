"""Exercises 03.1 and 03.2 (03_three_ways_to_transfer): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import os

import keras
import pytest

from tlcourse.exercises import check, passes
from tlcourse.exercises.nb03 import _solution_03_1, _solution_03_2, _solution_03_3


@pytest.mark.parametrize("exercise_id, solve", [("03.1", _solution_03_1), ("03.2", _solution_03_2)])
def test_the_solution_passes_its_check(exercise_id, solve, capsys):
    assert passes(exercise_id, solve())
    check(exercise_id, solve())
    assert f"{exercise_id} correct" in capsys.readouterr().out


def _fake_mobilenet_v2_top():
    # the top layers of a MobileNetV2, by name only: enough for the 03.1 checker, built at once

    x = inputs = keras.Input((4,))
    for name in ("block_15_add", "block_16_expand", "block_16_expand_BN", "Conv_1", "Conv_1_bn"):
        bn = name.lower().endswith("_bn")
        x = (keras.layers.BatchNormalization(name=name) if bn else keras.layers.Dense(4, name=name))(x)
    return keras.Model(inputs, x)


def test_03_1_rejects_trainable_batchnorm_a_frozen_base_and_a_deeper_unfreeze(rejects):
    base = _fake_mobilenet_v2_top()
    for layer in base.layers:                            # right: block 16 and Conv_1, BN frozen
        layer.trainable = (layer.name in ("block_16_expand", "Conv_1"))
    assert passes("03.1", base)
    wrapped = keras.Sequential([keras.Input((4,)), base, keras.layers.Dense(2, name="head")])
    assert passes("03.1", wrapped)            # the whole model is fine too
    base.get_layer("Conv_1_bn").trainable = True         # forgot to keep BN frozen
    rejects("03.1", base, "BatchNormalization", "trainable")
    base.get_layer("Conv_1_bn").trainable = False
    base.get_layer("block_15_add").trainable = True      # unfroze too deep
    rejects("03.1", base, "below block_16_expand")
    base.trainable = False                               # the base as a whole frozen
    rejects("03.1", base, "still frozen")
    fresh = _fake_mobilenet_v2_top()                     # a fresh base: every layer trainable
    rejects("03.1", fresh, "below block_16_expand")
    for layer in fresh.layers:                           # off by one: starts after block_16_expand
        layer.trainable = layer.name == "Conv_1"
    rejects("03.1", fresh, "from block_16_expand on are still frozen")


def test_03_2_rejects_rules_that_miss_a_question(rejects):
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

    rejects("03.2", as_is_for_near, "situation (d)", "not all classes of the source")
    rejects("03.2", always_frozen, "situation (c)", "frozen feature extractor cannot")
    rejects("03.2", always_fine_tune, "situation (a)", "overfitting")
    rejects("03.2", ignores_data, "1,000 photos per class", "enough to adapt")
    rejects("03.2", new_classes_first, "classes all in the source", "nothing to train")
    rejects("03.2", [2, 1, 3, 2], "should be a function")        # the four numbers alone: enumerable
    rejects("03.2", lambda c, l, p: "2", "should return the number of a way")


needs_data = pytest.mark.skipif(not os.environ.get("TLCOURSE_DATA"),
                                reason="03.3 measures on the offline dogs-vs-cats photos: set TLCOURSE_DATA")


@pytest.fixture(scope="module")
def chosen(solved):
    # ② and ③ for one seed, on validation and test; the checker re-runs ②
    return solved("03.3", _solution_03_3)


@needs_data
def test_03_3_the_solution_passes(chosen, capsys):
    assert passes("03.3", chosen)
    check("03.3", chosen)
    assert "03.3 correct" in capsys.readouterr().out


def _ways(answer, **numbers):
    # the answer with the ways' numbers replaced: numbers like fine_tuning={"val": ..., "test": ...}
    return {**answer, **{way.replace("_", "-").replace("feature-", "feature "): v for way, v in numbers.items()}}


@needs_data
def test_03_3_rejects_a_choice_on_test_the_best_test_number_and_made_up_or_swapped_numbers(chosen, rejects):
    fe, ft = chosen["feature extraction"], chosen["fine-tuning"]
    rejects("03.3", "fine-tuning", "should be a dict")                                 # the label alone
    other = "fine-tuning" if chosen["chosen"] == "feature extraction" else "feature extraction"
    one = 1 / 1000                                                                     # below one photo: no count
    rejects("03.3", _ways(chosen, fine_tuning={"val": ft["val"] + one, "test": ft["test"]}), "whole number")
    rejects("03.3", _ways(chosen, feature_extraction={"val": fe["test"], "test": fe["val"]}),
            "swapped" if fe["val"] != fe["test"] else "not what the head")
    made_up = 1.0 if fe["val"] < 1 else 0.0
    rejects("03.3", _ways(chosen, feature_extraction={"val": made_up, "test": fe["test"]}), "not what the head")
    # the other way made better on test and worse on validation: choosing it is choosing on test
    rigged = {"val": 0.0, "test": 1.0}
    rejects("03.3", {**chosen, other: rigged, "chosen": other, "test accuracy": 1.0}, "better TEST accuracy")
    picked = chosen[chosen["chosen"]]
    if picked["val"] < 1:                              # (fast mode has few validation photos: 100 % happens)
        rejects("03.3", {**chosen, other: {"val": 1.0, "test": 0.0}}, "favour the other way")
        rejects("03.3", {**chosen, other: {"val": 0.0, "test": 1.0}, "test accuracy": 1.0},
                "better of the two test accuracies")
    if picked["val"] != picked["test"]:
        rejects("03.3", {**chosen, "test accuracy": picked["val"]}, "validation accuracy")
    rejects("03.3", {**chosen, "chosen": "both"}, "'feature extraction' or 'fine-tuning'")
