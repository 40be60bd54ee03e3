"""Exercises 06.1, 06.2 and 06.3 (06_reusing_layers_in_keras): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from tlcourse import config
from tlcourse.exercises import check, passes, run_solution
from tlcourse.exercises.nb06 import _solution_06_1, _solution_06_2, _solution_06_3

needs_data = pytest.mark.skipif(config.data_dir() is None or not config.data_dir().is_dir(),
                                reason="set TLCOURSE_DATA to the offline data sets (CI does)")


@pytest.mark.parametrize("exercise_id, solve", [("06.1", _solution_06_1), ("06.2", _solution_06_2)])
def test_the_solution_passes_its_check(exercise_id, solve, capsys):
    assert passes(exercise_id, solve())
    check(exercise_id, solve())
    assert f"{exercise_id} correct" in capsys.readouterr().out


def _model_a():
    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                             keras.layers.Dense(4, activation="relu"), keras.layers.Dense(3, activation="softmax")])


def _b_on(layers):
    # model B from the given reused layers: + Dense(1, sigmoid), reused layers frozen

    model_b = keras.Sequential([keras.Input(shape=(28, 28))] + layers)
    model_b.add(keras.layers.Dense(1, activation="sigmoid"))
    for layer in model_b.layers[:-1]:
        layer.trainable = False
    return model_b


def test_06_1_rejects_no_clone_no_weights_no_input_and_no_freeze(rejects):
    model_a = _model_a()
    rejects("06.1", (model_a, _b_on(model_a.layers[:-1])), "shares weight variables")
    model_a = _model_a()
    clone = keras.models.clone_model(model_a)            # the architecture only: no set_weights
    rejects("06.1", (model_a, _b_on(clone.layers[:-1])), "set_weights")
    clone.set_weights(model_a.get_weights())
    slide = keras.Sequential(clone.layers[:-1])          # the slide's line, no keras.Input
    slide.add(keras.layers.Dense(1, activation="sigmoid"))
    rejects("06.1", (model_a, slide), "not built")
    model_a, model_b = run_solution("06.1")
    for layer in model_b.layers:
        layer.trainable = True                           # forgot to freeze
    rejects("06.1", (model_a, model_b), "still trainable")


def test_06_2_rejects_an_unchanged_input_and_a_crop_instead_of_a_resize(rejects):
    rejects("06.2", lambda model: model, "not (56, 56, 1)")

    def crop(model):                                     # crops the middle instead of resizing
        return keras.Sequential([keras.Input(shape=(56, 56, 1)), keras.layers.CenterCrop(28, 28),
                                 keras.layers.Reshape((28, 28)), *model.layers])

    def resize_then_call(model):                         # another right answer: the functional API
        photo = keras.Input(shape=(56, 56, 1))
        return keras.Model(photo, model(keras.layers.Reshape((28, 28))(keras.layers.Resizing(28, 28)(photo))))

    rejects("06.2", crop, "predictions differ")
    assert passes("06.2", resize_then_call)


def _in_front(*steps):
    # a 06.2 answer: the given steps between a 56 x 56 x 1 input and the model's own layers
    def for_56(model):
        return keras.Sequential([keras.Input(shape=(56, 56, 1)), *steps, keras.layers.Reshape((28, 28)),
                                 *model.layers])
    return for_56


def test_06_2_rejects_decimation_that_only_works_on_2x_replicas(rejects):
    # the review's point: these pass on 2x-upscaled images, where every 2 x 2 block is one value
    rejects("06.2", _in_front(keras.layers.Lambda(lambda t: t[:, ::2, ::2, :])), "one pixel of every 2 x 2 block")
    rejects("06.2", _in_front(keras.layers.Resizing(28, 28, interpolation="nearest")), "'nearest'", "bilinear")
    rejects("06.2", _in_front(keras.layers.MaxPooling2D(2)), "match no resize", "max-pooling")


def test_06_2_accepts_any_interpolating_resize():
    assert passes("06.2", _in_front(keras.layers.Resizing(28, 28, interpolation="bicubic")))
    try:                                        # Keras 3.3 has no 'area' interpolation
        keras.ops.image.resize(np.zeros((1, 4, 4, 1)), (2, 2), interpolation="area")
    except ValueError:
        return
    assert passes("06.2", _in_front(keras.layers.Resizing(28, 28, interpolation="area")))
    assert passes("06.2", _in_front(keras.layers.AveragePooling2D(2)))   # a 2x area resize, exactly


@pytest.fixture(scope="module")
def reuse_answer(solved):
    return solved("06.3", _solution_06_3)        # the seeds' runs once for every 06.3 test (seconds in fast mode)


@needs_data
def test_06_3_the_solution_passes(reuse_answer, capsys):
    assert passes("06.3", reuse_answer)
    check("06.3", reuse_answer)
    assert "06.3 correct" in capsys.readouterr().out


@needs_data
def test_06_3_rejects_numbers_the_experiment_does_not_give(rejects, reuse_answer):
    n = len(reuse_answer["transfer"])
    swapped = {**reuse_answer, "transfer": reuse_answer["scratch"], "scratch": reuse_answer["transfer"]}
    if all(a != b for a, b in zip(reuse_answer["transfer"], reuse_answer["scratch"])):
        rejects("06.3", swapped, "swapped")
    made_up = {"transfer": [0.9935] * n, "scratch": [0.9705] * n, "conclusion": "transfer better"}  # Géron's numbers
    rejects("06.3", made_up, "does not give your numbers", "draw_train_B")
    rejects("06.3", {**reuse_answer, "transfer": [0.97123] * n}, "2,000 test images")
    rejects("06.3", {**reuse_answer, "transfer": [100 * a for a in reuse_answer["transfer"]]}, "fractions")
    rejects("06.3", {**reuse_answer, "transfer": reuse_answer["transfer"][:1], "scratch": reuse_answer["scratch"][:1]},
            "at least 3 seeds")


@needs_data
def test_06_3_rejects_a_conclusion_the_interval_does_not_support(rejects, reuse_answer):
    for wrong in {"transfer better", "no clear difference", "transfer worse"} - {reuse_answer["conclusion"]}:
        rejects("06.3", {**reuse_answer, "conclusion": wrong}, "interval")
    rejects("06.3", {**reuse_answer, "conclusion": "better"}, "should be one of")
