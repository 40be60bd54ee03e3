"""Exercises 03.1-03.3 (03_three_ways_to_transfer): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import functools
import os

import keras
import numpy as np
import pytest

from tlcourse.exercises import check, nb03, passes
from tlcourse.exercises._common import notebook_signs
from tlcourse.exercises.nb03 import _solution_03_1, _solution_03_2, _solution_03_3
from tlcourse.experiments import run_seeds
from tlcourse.models import backbone_preprocess, imagenet_backbone

needs_data = pytest.mark.skipif(not os.environ.get("TLCOURSE_DATA"),
                                reason="03.2 and 03.3 use the offline ImageNet weights and photos: set TLCOURSE_DATA")


@pytest.mark.parametrize("exercise_id, solve", [("03.1", _solution_03_1),
                                                pytest.param("03.2", _solution_03_2, marks=needs_data)])
def test_the_solution_passes_its_check(exercise_id, solve, capsys):
    assert passes(exercise_id, solve())
    check(exercise_id, solve())
    assert f"{exercise_id} correct" in capsys.readouterr().out


# --- 03.1 ----------------------------------------------------------------------------------------

def _as_mnist(x, *, invert=True, scale=255.0, box=20, pad=(4, 4), interpolation="bilinear", channel=True):
    # the solution's steps with one of them changed, as a student might get it wrong
    ink = ((1 - x.astype("float32")) if invert else x.astype("float32"))[..., np.newaxis] * scale
    ink = keras.ops.convert_to_numpy(keras.ops.image.resize(ink, (box, box), interpolation=interpolation))
    out = np.pad(ink, ((0, 0), pad, pad, (0, 0)))
    return out if channel else out[..., 0]


def test_03_1_rejects_wrong_ink_range_box_orientation_and_shape(rejects):
    digits_as_mnist = _solution_03_1()
    assert passes("03.1", lambda x: _as_mnist(x, interpolation="nearest"))     # another resize is fine
    rejects("03.1", np.zeros((28, 28)), "should be a function")
    rejects("03.1", lambda x: _as_mnist(x, invert=False), "invert")            # ink colour kept
    rejects("03.1", lambda x: _as_mnist(x, scale=1.0), "at most 1", "255")     # left in 0..1
    rejects("03.1", lambda x: _as_mnist(x, scale=255 / 16), "0..16")           # the sklearn digits' scale
    rejects("03.1", lambda x: _as_mnist(x, box=28, pad=(0, 0)), "whole 28 x 28", "20 x 20")
    rejects("03.1", lambda x: _as_mnist(x, pad=(0, 8)), "not centred")
    rejects("03.1", lambda x: _as_mnist(x.transpose(0, 2, 1)), "transposed")
    rejects("03.1", lambda x: _as_mnist(x[:, ::-1]), "flipped")
    rejects("03.1", lambda x: _as_mnist(x, channel=False), "(n, 28, 28, 1)")
    rejects("03.1", lambda x: digits_as_mnist(x.reshape(len(x), 8, 8)), "12 x 12", "any size")

    def in_place(x):
        x *= -1
        x += 1
        return _as_mnist(1 - x)

    rejects("03.1", in_place, "in place")


# --- 03.2 ----------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def _base(height, width, weights):
    # one base per size and weights, shared by the wrong answers below (each sets its trainable flag):
    # building MobileNetV2 anew for every answer would take most of the test's time
    return imagenet_backbone("mobilenet_v2", (height, width, 3), weights=weights)


def _frozen(input_shape, num_classes, *, freeze=True, weights="imagenet", preprocess="mobilenet",
            pooling="avg", hidden=0, gray=True):
    # the solution's model with one step changed, as a student might get it wrong
    height, width, channels = input_shape
    base = _base(height, width, weights)
    base.trainable = not freeze
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.Concatenate()([inputs] * 3) if channels == 1 and gray else inputs
    x = {"mobilenet": backbone_preprocess("mobilenet_v2"), "0..1": keras.layers.Rescaling(1 / 255),
         "none": lambda t: t}[preprocess](x)
    x = base(x, training=False)
    x = {"avg": keras.layers.GlobalAveragePooling2D(), "max": keras.layers.GlobalMaxPooling2D(),
         "flatten": keras.layers.Flatten()}[pooling](x)
    for _ in range(hidden):
        x = keras.layers.Dense(16, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(x))


@needs_data
def test_03_2_rejects_an_unfrozen_random_or_unpreprocessed_base_and_a_wrong_head(rejects):
    rejects("03.2", keras.Sequential(), "should be a function")
    rejects("03.2", lambda s, k: _frozen(s, k, freeze=False), "not frozen")
    rejects("03.2", lambda s, k: _frozen(s, k, weights=None), "ImageNet weights")
    rejects("03.2", lambda s, k: _frozen(s, k, preprocess="none"), "raw 0..255", "backbone_preprocess")
    rejects("03.2", lambda s, k: _frozen(s, k, preprocess="0..1"), "0..1", "-1..1")
    rejects("03.2", lambda s, k: _frozen(s, k, pooling="max"), "maximum", "GlobalAveragePooling2D")
    rejects("03.2", lambda s, k: _frozen(s, k, pooling="flatten"), "Flatten", "pool")
    rejects("03.2", lambda s, k: _frozen(s, k, hidden=1), "single Dense layer")
    rejects("03.2", lambda s, k: _frozen((96, 96, 3), 10), "(96, 96, 3)", "(64, 64, 1)")   # ignores its arguments
    rejects("03.2", lambda s, k: _frozen(s, k, gray=False), "raised", "(64, 64, 1)")       # gray photos not handled


# --- 03.3 ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def imagenet_vs_random(solved):
    # the solution's run_seeds results (a few seconds per seed in fast mode) and its conclusion
    return solved("03.3", _solution_03_3)


def _results(table):
    # a SeedResults with the given {"imagenet": [...], "random": [...]} numbers for seeds 0, 1, ...
    return run_seeds(lambda seed: {name: values[seed] for name, values in table.items()}, range(len(table["random"])))


@needs_data
def test_03_3_the_solution_passes(imagenet_vs_random, capsys, monkeypatch):
    monkeypatch.setattr(nb03.random, "choice", lambda seeds: seeds[0])             # the seed the next test re-measures
    assert passes("03.3", imagenet_vs_random)
    check("03.3", imagenet_vs_random)
    assert "03.3 correct" in capsys.readouterr().out


@needs_data
def test_03_3_rejects_picked_seeds_swapped_made_up_or_unstandardised_numbers_and_a_wrong_conclusion(
        imagenet_vs_random, rejects, monkeypatch):
    monkeypatch.setattr(nb03.random, "choice", lambda seeds: seeds[0])             # re-measure seed 0 only
    results, conclusion = imagenet_vs_random
    table = {name: list(results.values(name)) for name in ("imagenet", "random")}
    n_test = len(notebook_signs().y_test)
    two = {name: values[:2] for name, values in table.items()}
    rejects("03.3", (_results(two), conclusion), "at least 3")
    rejects("03.3", (results, "d"), "one of the letters")
    other = next(c for c in "abc" if c != conclusion)
    rejects("03.3", (results, other), "95 % interval", "paired differences")        # contradicts the numbers
    swapped = {"imagenet": table["random"], "random": table["imagenet"]}
    rejects("03.3", (_results(swapped), conclusion), "swapped")
    made_up = {"imagenet": table["imagenet"],                                        # two photos more or less
               "random": [v + 2 / n_test if v + 2 / n_test <= 1 else v - 2 / n_test for v in table["random"]]}
    rejects("03.3", (_results(made_up), conclusion), "not what the described experiment gives")
    not_counts = {name: [(round(0.5 * n_test) + 0.5) / n_test] * 3 for name in table}   # no k / n_test
    rejects("03.3", (_results(not_counts), "c"), f"{n_test} test photos")
    accuracies, features, signs = nb03._reference_03_3(0, nb03.fast_or_full(True, False))
    raw = nb03._head_accuracy(features["random"], signs, 0, standardise=False)
    assert abs(raw - accuracies["random"]) > 1.5 / n_test                            # the mistake shows
    unstandardised = {"imagenet": table["imagenet"], "random": [raw, *table["random"][1:]]}
    rejects("03.3", (_results(unstandardised), conclusion), "not standardised")
