"""Exercises 02.1 and 02.2 (02_why_it_works_features): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import keras
import pytest

from tlcourse.exercises import check, passes
from tlcourse.exercises.nb02 import _solution_02_1, _solution_02_2


@pytest.mark.parametrize("exercise_id, solve", [("02.1", _solution_02_1), ("02.2", _solution_02_2)])
def test_the_solution_passes_its_check(exercise_id, solve, capsys):
    assert passes(exercise_id, solve())
    check(exercise_id, solve())
    assert f"{exercise_id} correct" in capsys.readouterr().out


def test_02_1_rejects_too_few_outputs_random_weights_and_sequential_input(rejects):
    def last_only(model):
        return keras.Model(model.inputs, model.layers[-1].output)

    def conv2d_only(model):                       # forgets the depthwise convolutions
        names = [l.name for l in model.layers if type(l) is keras.layers.Conv2D]
        return keras.Model(model.inputs, [model.get_layer(n).output for n in names])

    def from_a_clone(model):                      # clone_model: same layers, random weights
        copy = keras.models.clone_model(model)
        names = [l.name for l in copy.layers if isinstance(l, (keras.layers.Conv2D, keras.layers.DepthwiseConv2D))]
        return keras.Model(copy.inputs, [copy.get_layer(n).output for n in names])

    def with_input(model):                        # .input: fine for functional, fails for Sequential
        names = [l.name for l in model.layers if isinstance(l, (keras.layers.Conv2D, keras.layers.DepthwiseConv2D))]
        return keras.Model(model.input, [model.get_layer(n).output for n in names])

    rejects("02.1", last_only, "one output per convolution layer")
    rejects("02.1", conv2d_only, "depthwise ones count too")
    rejects("02.1", from_a_clone, "other values", "no clone_model")
    rejects("02.1", with_input, "could not use this answer", ".inputs")
    rejects("02.1", keras.Sequential(), "should be a function")


def test_02_2_rejects_a_dropped_top_unfrozen_or_unreset_layers_and_a_frozen_source(rejects):
    def build(source, k, num_classes, *, drop_top=False, freeze=True, reset=True, share=False):
        pretrained = source if share else keras.models.clone_model(source)
        if not share:
            pretrained.set_weights(source.get_weights())
        fresh = keras.models.clone_model(source) if reset else pretrained
        above = [keras.layers.Flatten()] if drop_top else list(fresh.layers[k:-1])
        model = keras.Sequential([keras.Input(shape=source.input_shape[1:]), *pretrained.layers[:k], *above,
                                  keras.layers.Dense(num_classes, activation="softmax", name="new")])
        for layer in model.layers[:k]:
            layer.trainable = not freeze
        return model

    rejects("02.2", lambda s, k, n: build(s, k, n, drop_top=True), "layers with weights")
    rejects("02.2", lambda s, k, n: build(s, k, n, freeze=False), "still trainable")
    rejects("02.2", lambda s, k, n: build(s, k, n, reset=False), "kept the source's weights")
    rejects("02.2", lambda s, k, n: build(s, 2, n), "k=4", "below the cut")
    rejects("02.2", lambda s, k, n: build(s, k, n, share=True), "froze layers of the source")
