"""Exercises 02.1 and 02.2 (02_why_it_works_features): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import dataclasses
import os

import keras
import pytest

from tlcourse.exercises import check, passes
from tlcourse.exercises.nb02 import _solution_02_1, _solution_02_2, _solution_02_3


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


needs_data = pytest.mark.skipif(not os.environ.get("TLCOURSE_DATA"),
                                reason="02.3 measures on the offline data sets: set TLCOURSE_DATA")


@pytest.fixture(scope="module")
def probes(solved):
    # a few seconds in fast mode; the checker recomputes 'near' once
    return solved("02.3", _solution_02_3)


@needs_data
def test_02_3_the_solution_passes(probes, capsys):
    assert passes("02.3", probes)
    check("02.3", probes)
    assert "02.3 correct" in capsys.readouterr().out


@needs_data
def test_02_3_rejects_wrong_measurements_and_a_conclusion_against_the_numbers(probes, rejects):
    near, far = probes["near"], probes["far"]
    right_label = probes["conclusion"]
    wrong_label = "far" if right_label == "near" else "near"
    rejects("02.3", right_label, "should be a dict")                                  # the label alone
    rejects("02.3", {**probes, "conclusion": wrong_label}, "your numbers say otherwise")
    rejects("02.3", {**probes, "near": far, "far": near}, "is a probe on")           # targets swapped
    made_up = {54: 0.70, 154: 0.95}                                   # the right label, invented numbers
    rejects("02.3", {**probes, "near": made_up}, "not what section 6's recipe gives")
    fine_tuned = {k: dataclasses.replace(r, mode="finetune") for k, r in near.items()}
    rejects("02.3", {**probes, "near": fine_tuned}, "mode='head'")
    longer = {k: dataclasses.replace(r, epochs=r.epochs + 5) for k, r in near.items()}
    rejects("02.3", {**probes, "near": longer}, "PROBE_EPOCHS")
    pooled = {k: dataclasses.replace(r, trainable_params=1281) for k, r in near.items()}  # pooling='avg'
    rejects("02.3", {**probes, "near": pooled}, "pooling='flatten'")
    rejects("02.3", {**probes, "near": {54: near[154], 154: near[54]}}, "depth")
    other_seed = {k: r.val_accuracy + 1 / 24 for k, r in near.items()}               # one photo off: another run
    rejects("02.3", {**probes, "near": other_seed}, "seed=SEEDS[0]")
