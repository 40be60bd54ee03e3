"""Exercises 04.1-04.3 (04_fine_tuning): the solutions pass, mistakes get helpful messages."""

from __future__ import annotations

import os

import keras
import pytest

from tlcourse.exercises import check, passes
from tlcourse.exercises._common import notebook_signs
from tlcourse.exercises.nb04 import _rerun_04_3, _solution_04_1, _solution_04_2, _solution_04_3
from tlcourse.experiments import run_seeds


@pytest.mark.parametrize("exercise_id, solve", [("04.1", _solution_04_1), ("04.2", _solution_04_2)])
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


def _keep_best(checkpoint=None, stopping=None, early_stopping=True):
    # keep_best(path) with some arguments of the right answer changed: the mistakes students make
    right_checkpoint = dict(monitor="val_accuracy", mode="max", save_best_only=True, save_weights_only=True)
    right_stopping = dict(monitor="val_accuracy", mode="max", patience=2, restore_best_weights=True)

    def keep_best(path):
        callbacks = [keras.callbacks.ModelCheckpoint(path, **{**right_checkpoint, **(checkpoint or {})})]
        if early_stopping:
            callbacks.append(keras.callbacks.EarlyStopping(**{**right_stopping, **(stopping or {})}))
        return callbacks

    return keep_best


def test_04_2_accepts_mode_auto_which_keras_reads_off_the_metric():
    assert passes("04.2", _keep_best(checkpoint={"mode": "auto"}, stopping={"mode": "auto"}))


def test_04_2_rejects_the_wrong_quantity_direction_or_file_and_a_run_that_never_stops(rejects):
    both = lambda **kw: _keep_best(checkpoint=kw, stopping=kw)    # noqa: E731  the same change in both callbacks
    rejects("04.2", both(monitor="val_loss", mode="min"), "epoch 4", "lowest validation LOSS", "val_accuracy")
    rejects("04.2", both(monitor="val_loss", mode="auto"), "lowest validation LOSS")       # Keras's defaults
    rejects("04.2", both(mode="min"), "epoch 1", "LOWEST validation accuracy", "mode='max'")
    rejects("04.2", both(monitor="accuracy"), "epoch 8", "TRAINING accuracy")
    rejects("04.2", _keep_best(checkpoint={"save_best_only": False}), "the file holds", "save_best_only=True")
    rejects("04.2", _keep_best(stopping={"restore_best_weights": False}), "the model in memory",
            "restore_best_weights=True")
    rejects("04.2", _keep_best(early_stopping=False), "never stopped", "patience=2")
    rejects("04.2", _keep_best(stopping={"patience": 1}), "after 4 epochs, 1 without improvement", "patience=2")
    rejects("04.2", _keep_best(stopping={"patience": 3}), "after 6 epochs, 3 without", "patience=2")
    rejects("04.2", _keep_best(checkpoint={"save_weights_only": False}), ".weights.h5", "save")


def test_04_2_rejects_a_list_instead_of_the_function_and_callbacks_that_write_elsewhere(rejects, tmp_path):
    rejects("04.2", _solution_04_2()(str(tmp_path / "mine.weights.h5")), "the function keep_best itself")
    rejects("04.2", lambda path: _solution_04_2()(str(tmp_path / "elsewhere.weights.h5")), "nothing was written")
    rejects("04.2", lambda path: "ModelCheckpoint", "list of Keras callbacks")
    rejects("04.2", "keep_best", "function keep_best(path)")


needs_data = pytest.mark.skipif(not os.environ.get("TLCOURSE_DATA"),
                                reason="04.3 measures on the offline sign-language photos: set TLCOURSE_DATA")


@pytest.fixture(scope="module")
def kept(solved):
    # (results, conclusion) of the hidden solution: the best-epoch and last-epoch test accuracies per seed
    return solved("04.3", _solution_04_3)


def _table(columns):
    # a SeedResults for seeds 0..n-1 from {"best epoch": [...], "last epoch": [...]}
    return run_seeds(lambda seed: {name: values[seed] for name, values in columns.items()},
                     range(len(next(iter(columns.values())))))


@needs_data
def test_04_3_the_solution_passes(kept, capsys):
    assert passes("04.3", kept)
    check("04.3", kept)
    assert "04.3 correct" in capsys.readouterr().out


@needs_data
def test_04_3_rejects_a_contradicting_conclusion_swapped_made_up_and_test_chosen_numbers(kept, rejects, monkeypatch):
    from tlcourse.exercises import nb04

    results, conclusion = kept
    best, last = list(results.values("best epoch")), list(results.values("last epoch"))
    for wrong in {"a", "b", "c"} - {conclusion}:
        rejects("04.3", (results, wrong), "95 % interval", "best epoch - last epoch")
    rejects("04.3", (results, "the kept epoch"), "one of the letters")
    rejects("04.3", {"best epoch": best, "last epoch": last}, "a pair (results, conclusion)")
    rejects("04.3", (_table({"best epoch": best[:2], "last epoch": last[:2]}), conclusion), "at least 3")
    rejects("04.3", (_table({"best epoch": [b + 0.001 for b in best], "last epoch": last}), conclusion),
            "no share of the")
    if max(best) < 1:                                             # the right label with made-up numbers
        rejects("04.3", (_table({"best epoch": [1.0] * len(best), "last epoch": last}), "a"), "does not give your")
    differ = [seed for seed in range(len(best)) if best[seed] != last[seed]]
    if differ:                                                    # the check re-runs a seed where they differ
        monkeypatch.setattr(nb04._SPOT_CHECK, "choice", lambda seeds: differ[0])
        rejects("04.3", (_table({"best epoch": last, "last epoch": best}), conclusion), "swapped")
    on_test = [max(_rerun_04_3(seed)[1]) for seed in range(len(best))]    # the epoch best on the TEST photos
    one_photo = 1 / len(notebook_signs().y_test)
    chosen_on_test = [seed for seed in range(len(best)) if abs(on_test[seed] - best[seed]) > 0.5 * one_photo]
    if chosen_on_test:
        monkeypatch.setattr(nb04._SPOT_CHECK, "choice", lambda seeds: chosen_on_test[0])
        rejects("04.3", (_table({"best epoch": on_test, "last epoch": last}), conclusion), "TEST photos")
