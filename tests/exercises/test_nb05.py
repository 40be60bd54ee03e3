"""Exercises 05.1 and 05.2 (05_choosing_what_to_freeze): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import keras
import pytest

from tlcourse.exercises import check, passes
from tlcourse.exercises.nb05 import _solution_05_1, _solution_05_2
from tlcourse.models import load_pretrained
from tlcourse.surgery import compile_again, set_freeze_depth, unfreeze


@pytest.mark.parametrize("exercise_id, solve", [("05.1", _solution_05_1), ("05.2", _solution_05_2)])
def test_the_solution_passes_its_check(exercise_id, solve, capsys):
    assert passes(exercise_id, solve())
    check(exercise_id, solve())
    assert f"{exercise_id} correct" in capsys.readouterr().out


def _bn_model():
    return keras.Sequential([keras.Input(shape=(8, 8, 3)), keras.layers.Conv2D(4, 3),
                             keras.layers.BatchNormalization(), keras.layers.ReLU(),
                             keras.layers.GlobalAveragePooling2D(),
                             keras.layers.Dense(10, activation="softmax")])


def _compiled(model, rate=1e-4):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_05_1_rejects_swapped_flags_and_a_missing_compile(rejects):
    model = load_pretrained("mnist_cnn")
    for layer in model.layers:                  # seed 002's wording: "Frozen (trainable = True)"
        layer.trainable = not isinstance(layer, keras.layers.Dense)
    rejects("05.1", _compiled(model), "wrong way round", "trainable = False")

    model = load_pretrained("mnist_cnn")        # compiled on load ...
    for layer in model.layers[:5]:
        layer.trainable = False                 # ... right flags, but no compile after the change
    rejects("05.1", model, "compile again")


def test_05_1_accepts_the_helper_way():
    model = set_freeze_depth(load_pretrained("mnist_cnn"), 5)
    assert passes("05.1", compile_again(model, learning_rate=1e-4))


def test_05_2_rejects_a_high_rate_and_trainable_batchnorm(rejects):
    rejects("05.2", _compiled(unfreeze(_bn_model()), rate=1e-2), "re-learns the pretrained layers", "go lower")
    rejects("05.2", _compiled(unfreeze(_bn_model()), rate=1e-3), "moved their weights", "first epoch")
    rejects("05.2", _compiled(unfreeze(_bn_model(), keep_batchnorm_frozen=False)),
            "BatchNormalization", "trainable = False")


def test_05_2_accepts_the_raw_loop_and_another_low_rate():
    model = _bn_model()
    for layer in model.layers:
        layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)
    assert passes("05.2", _compiled(model, rate=1e-5))


def test_05_2_rejects_a_model_without_batchnorm_whose_rule_cannot_be_checked(rejects):
    plain = keras.Sequential([keras.Input(shape=(8, 8, 3)), keras.layers.Conv2D(4, 3),
                              keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(10, activation="softmax")])
    rejects("05.2", _compiled(plain), "no BatchNormalization layer", "MobileNetV2")
