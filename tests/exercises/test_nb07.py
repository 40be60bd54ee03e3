"""Exercises 07.1, 07.2 and 07.3 (07_choosing_what_to_freeze): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import keras
import pytest

from tlcourse import config
from tlcourse.exercises import check, passes
from tlcourse.exercises.nb07 import _choice_problem, _measured, _solution_07_1, _solution_07_2, _solution_07_3
from tlcourse.models import load_pretrained
from tlcourse.surgery import compile_again, set_freeze_depth, unfreeze


@pytest.mark.parametrize("exercise_id, solve", [("07.1", _solution_07_1), ("07.2", _solution_07_2)])
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


def test_07_1_rejects_swapped_flags_and_a_missing_compile(rejects):
    model = load_pretrained("mnist_cnn")
    for layer in model.layers:                  # seed 002's wording: "Frozen (trainable = True)"
        layer.trainable = not isinstance(layer, keras.layers.Dense)
    rejects("07.1", _compiled(model), "wrong way round", "trainable = False")

    model = load_pretrained("mnist_cnn")        # compiled on load ...
    for layer in model.layers[:5]:
        layer.trainable = False                 # ... right flags, but no compile after the change
    rejects("07.1", model, "compile again")


def test_07_1_rejects_random_weights_and_another_network(rejects):
    model = keras.models.clone_model(load_pretrained("mnist_cnn"))     # the architecture, new random weights
    for layer in model.layers[:5]:
        layer.trainable = False
    rejects("07.1", _compiled(model), "trained weights", "clone_with_weights")
    other = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(4, 3), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    other.layers[0].trainable = False
    rejects("07.1", _compiled(other), "not the MNIST CNN")


def test_07_1_accepts_the_helper_way():
    model = set_freeze_depth(load_pretrained("mnist_cnn"), 5)
    assert passes("07.1", compile_again(model, learning_rate=1e-4))


def test_07_2_rejects_a_high_rate_and_trainable_batchnorm(rejects):
    rejects("07.2", _compiled(unfreeze(_bn_model()), rate=1e-2), "re-learns the pretrained layers", "go lower")
    rejects("07.2", _compiled(unfreeze(_bn_model()), rate=1e-3), "moved the pretrained weights further", "1e-4")
    rejects("07.2", _compiled(unfreeze(_bn_model(), keep_batchnorm_frozen=False)),
            "BatchNormalization", "trainable = False")


def test_07_2_accepts_the_raw_loop_and_another_low_rate():
    model = _bn_model()
    for layer in model.layers:
        layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)
    assert passes("07.2", _compiled(model, rate=1e-5))


def test_07_2_rejects_a_model_without_batchnorm_whose_rule_cannot_be_checked(rejects):
    plain = keras.Sequential([keras.Input(shape=(8, 8, 3)), keras.layers.Conv2D(4, 3),
                              keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(10, activation="softmax")])
    rejects("07.2", _compiled(plain), "no BatchNormalization layer", "MobileNetV2")


needs_data = pytest.mark.skipif(config.data_dir() is None or not config.data_dir().is_dir(),
                                reason="set TLCOURSE_DATA to the offline data sets (CI does)")


@pytest.fixture(scope="module")
def depth_answer(solved):
    return solved("07.3", _solution_07_3)        # four small models trained once for every 07.3 test (seconds)


@needs_data
def test_07_3_the_solution_passes(depth_answer, capsys):
    assert passes("07.3", depth_answer)
    check("07.3", depth_answer)
    assert "07.3 correct" in capsys.readouterr().out


@needs_data
def test_07_3_rejects_numbers_not_measured_on_the_validation_images(rejects, depth_answer):
    rejects("07.3", {**depth_answer, "val": depth_answer["test"]}, "is its test accuracy", "x_val")
    on_train = {k: _measured(m)["train"] for k, m in depth_answer["models"].items()}
    rejects("07.3", {**depth_answer, "val": on_train}, "training images")
    rejects("07.3", {**depth_answer, "val": dict.fromkeys(depth_answer["val"], 0.9)},   # the right keys, made up
            "is not what your depth-7 model scores")
    rejects("07.3", {**depth_answer, "val": {k: 100 * v for k, v in depth_answer["val"].items()}}, "fractions")


@needs_data
def test_07_3_rejects_models_whose_freeze_depth_is_not_the_one_claimed(rejects, depth_answer):
    models = depth_answer["models"]
    rejects("07.3", {**depth_answer, "models": {**models, 7: models[0]}}, "same model object")
    rejects("07.3", {**depth_answer, "models": {**models, 7: models[0], 0: models[7]}},
            "below the cut but its weights changed", "set_freeze_depth")
    untrained = keras.Sequential([keras.Input(shape=(28, 28, 1)), *load_pretrained("mnist_cnn").layers[:-1],
                                  keras.layers.Dense(10, activation="softmax", name="new_head")])
    rejects("07.3", {**depth_answer, "models": {**models, 0: untrained}}, "never trained")


@needs_data
def test_07_3_rejects_a_report_that_is_not_the_chosen_depths_test_score(rejects, depth_answer):
    val, test = depth_answer["val"], depth_answer["test"]
    flipped = "same depth" if depth_answer["conclusion"] == "another depth" else "another depth"
    rejects("07.3", {**depth_answer, "conclusion": flipped}, "not what they show")
    rejects("07.3", {**depth_answer, "test_accuracy": depth_answer["val"][depth_answer["depth"]]},
            "test accuracy of the depth you chose")
    on_test = max(test, key=test.get)
    if val[on_test] < max(val.values()):        # this run's test set prefers another depth: choose by it
        rejects("07.3", {**depth_answer, "depth": on_test, "test_accuracy": test[on_test]}, "best on the test set")


def test_07_3_choosing_on_test_and_reporting_the_best_test_score_are_caught():
    val, test = {7: 0.70, 5: 0.74, 3: 0.73, 0: 0.72}, {7: 0.69, 5: 0.71, 3: 0.75, 0: 0.72}
    assert _choice_problem(val, test, 5, 0.71, "another depth") is None
    assert "best on the test set" in _choice_problem(val, test, 3, 0.75, "same depth")
    assert "not the best test" in _choice_problem(val, test, 5, 0.75, "another depth")
    assert "not what they show" in _choice_problem(val, test, 5, 0.71, "same depth")
    assert "one of the depths" in _choice_problem(val, test, 4, 0.71, "another depth")
    assert "should be one of" in _choice_problem(val, test, 5, 0.71, "yes")
