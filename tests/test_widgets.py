"""The freeze-depth explorer: its logic without a browser, and the widget's handlers called directly."""

from __future__ import annotations

import ipywidgets
import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from tlcourse.features import CutResult, Transferability, cut_points
from tlcourse.surgery import clone_with_weights, set_freeze_depth, trainable_report
from tlcourse.widgets import (
    COLORS,
    FreezeDepthExplorer,
    freeze_depth_slider,
    frozen_layers_table,
    layer_strip_html,
    param_counts,
)

RNG = np.random.default_rng(0)
DATA = (RNG.normal(size=(48, 8, 8, 3)).astype("float32"), np.arange(48) % 3,
        RNG.normal(size=(12, 8, 8, 3)).astype("float32"), np.arange(12) % 3)


def nested_model(residual_cnn) -> keras.Model:
    """A base with BatchNormalization inside, used as one layer of a bigger model."""
    base = residual_cnn("batchnorm")
    inputs = keras.Input(shape=(8, 8, 3), name="outer_image")
    x = base(inputs)
    x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    x = keras.layers.BatchNormalization(name="bn_top")(x)
    return keras.Model(inputs, keras.layers.Dense(3, name="dense")(x), name="outer")


@pytest.fixture(scope="module")
def model(residual_cnn):
    """input, conv1, bn1, relu1, [conv2 + skip -> add], conv3, bn3 (tests/conftest.py)."""
    return residual_cnn("batchnorm")


@pytest.fixture(scope="module")
def explorer(model):
    # depths 4 (after relu1: the skip starts) and 8 (everything frozen).
    return freeze_depth_slider(model, DATA, [4, 8], steps=3, head_epochs=1, batch_size=8)


# ------------------------------------------------------------------ what k freezes


@pytest.mark.parametrize("nested", [False, True], ids=["residual_cnn", "nested_model"])
def test_frozen_layers_table_equals_set_freeze_depth_without_changing_the_model(nested, residual_cnn):
    model = nested_model(residual_cnn) if nested else residual_cnn("batchnorm")
    flags = [layer.trainable for layer in model._flatten_layers()]
    for k in range(len(model.layers) + 1):
        expected = trainable_report(set_freeze_depth(clone_with_weights(model), k))
        got = frozen_layers_table(model, k)
        expected.rows[0]["name"] = model.layers[0].name  # clone_model renames the InputLayer
        assert got.rows == expected.rows, f"k={k}"
        assert got.totals == expected.totals == param_counts(model, k)
    assert [layer.trainable for layer in model._flatten_layers()] == flags, "model untouched"


def test_param_counts_values(model):
    assert param_counts(model, 8) == {"trainable": 0, "non_trainable": 112 + 16 + 148 + 30 + 24,
                                      "total": 330}
    # above depth 4: conv2 and conv3 train, bn3 stays frozen
    assert param_counts(model, 4) == {"trainable": 148 + 30, "non_trainable": 330 - 178, "total": 330}


def test_k_out_of_range_names_the_range(model):
    for func in (frozen_layers_table, param_counts, layer_strip_html):
        with pytest.raises(ValueError, match=r"k=9 is out of range .* use an int in 0\.\.8"):
            func(model, 9)
    with pytest.raises(ValueError, match="k=-1 is out of range"):
        param_counts(model, -1)


def test_layer_strip_colours_each_layer(model):
    strip = layer_strip_html(model, 4)
    assert strip.count(f"background:{COLORS['frozen']}") == 4
    assert strip.count(f"background:{COLORS['batchnorm']}") == 1  # bn3 above the cut
    assert strip.count(f"background:{COLORS['trainable']}") == 3  # conv2, add, conv3
    assert 'title="4 conv2 (Conv2D): trainable"' in strip and "frozen (layers 0..3)" in strip
    assert "frozen (none)" in layer_strip_html(model, 0)


# ------------------------------------------------------------------ the explorer's logic


def test_explorer_precomputes_once(explorer, model):
    assert explorer.depths == [4, 8] and explorer.depth == 8
    assert set(explorer.timings) == {"activations", "head", "graphs"}
    assert explorer.cache.depths == [4, 8] and explorer.cache.passes == 2
    assert isinstance(explorer.head, CutResult) and explorer.head.mode == "head"
    assert sorted(explorer.trainers) == [4, 8] and all(t.warm for t in explorer.trainers.values())
    assert explorer.results == {}, "nothing trained before a move asks for it"
    assert explorer.precompute() == explorer.timings and explorer.cache.passes == 2


def test_training_a_depth_uses_the_cache_and_is_kept(explorer, monkeypatch):
    predicted = []
    real = keras.Model.predict
    monkeypatch.setattr(keras.Model, "predict", lambda self, *a, **k: predicted.append(1) or real(self, *a, **k))
    result = explorer.train("relu1")  # a layer name: the cut right after it, depth 4
    assert predicted == [], "the frozen part never runs again"
    assert result.depth == 4 and result.mode == "finetune" and result.steps == 3
    assert explorer.results[4] is result and explorer.depth == 4
    assert explorer.train(4) is result, "a trained depth is not trained again"
    explorer.select(8)
    assert explorer.train().depth == 8 and sorted(explorer.results) == [4, 8]


def test_unoffered_depths_are_refused_with_the_offer(explorer):
    with pytest.raises(ValueError, match=r"depth 6 is not one of this explorer's depths \[4, 8\]"):
        explorer.select(6)
    with pytest.raises(ValueError, match=r"depth 'add' is not one of"):
        explorer.train("add")


def test_describe_summary_and_plot(explorer):
    explorer.train(4)
    explorer.train(8)
    text = explorer.describe(4)
    assert text == ("depth 4 of 8: layers 0..3 frozen (up to relu1); 4 layer(s) above the cut + "
                    "the new head train. Network parameters: 178 trainable, 152 non-trainable.")
    assert explorer.describe(8).startswith("depth 8 of 8: layers 0..7 frozen (up to bn3); only the new head")
    summary = explorer.summary()
    assert isinstance(summary, Transferability) and list(summary.accuracy) == [4, 8]
    explorer.select(4)
    ax = explorer.plot()
    assert ax.get_title() == "res_cnn: fine-tune above the cut, 3 steps of 8"
    assert ax.get_ylabel() == "validation accuracy" and "depth 4" in [l.get_label() for l in ax.lines]
    plt.close(ax.figure)


def test_explorer_checks_its_arguments(model):
    with pytest.raises(ValueError, match="cannot be cut at depth 5"):
        FreezeDepthExplorer(model, DATA, [5], precompute=False)
    with pytest.raises(ValueError, match="depths is empty"):
        FreezeDepthExplorer(model, DATA, [], precompute=False)
    with pytest.raises(ValueError, match="head_epochs must be an int >= 0, got -1"):
        FreezeDepthExplorer(model, DATA, precompute=False, head_epochs=-1)
    with pytest.raises(ValueError, match="steps must be an int >= 1, got 0"):
        FreezeDepthExplorer(model, DATA, precompute=False, steps=0)
    with pytest.raises(ValueError, match=r"batch_size must be an int >= 1, got 2\.5"):
        FreezeDepthExplorer(model, DATA, precompute=False, batch_size=2.5)
    lazy = FreezeDepthExplorer(model, DATA, precompute=False)
    assert lazy.depths == cut_points(model, blocks=True) == [0, 4, 6, 8]
    assert lazy.cache.passes == 0 and lazy.head is None and "trained=[]" in repr(lazy)


# ------------------------------------------------------------------ the widget, handlers called directly


def test_widget_parts(explorer):
    box = explorer.widget
    assert isinstance(box, ipywidgets.VBox) and explorer.widget is box
    slider = explorer._slider
    assert isinstance(slider, ipywidgets.SelectionSlider) and not slider.continuous_update
    assert explorer._button.description in ("Train above the cut", "Train again")
    assert isinstance(explorer._progress, ipywidgets.IntProgress) and explorer._progress.max == 3


def test_the_slider_offers_exactly_the_depths_labelled_by_layer_name(model):
    fresh = freeze_depth_slider(model, DATA, ["relu1", 6, "bn3"], steps=2, head_epochs=0, batch_size=8)
    slider = fresh._slider
    assert slider.options == (("relu1", 4), ("add", 6), ("bn3", 8))
    assert slider.label == "bn3" and slider.value == 8 == fresh.depth
    slider.index = 1  # one arrow key press: the next offered depth, never a depth in between
    assert fresh.depth == 6 and slider.label == "add" and sorted(fresh.results) == [6]
    fresh.select("relu1")
    assert (slider.value, slider.label, slider.index) == (4, "relu1", 0), "select moves the slider"
    assert sorted(fresh.results) == [6], "select alone trains nothing"


def test_a_fresh_explorer_shows_no_broken_image(model):
    fresh = freeze_depth_slider(model, DATA, [4, 8], steps=2, head_epochs=0, batch_size=8,
                                train_on_move=False)
    assert fresh._image.value == b"" and fresh._image.layout.display == "none", "no empty <img>"
    assert "not trained at this depth yet" in fresh._status.value
    assert fresh._button.description == "Train above the cut"
    fresh._on_train(fresh._button)
    assert fresh._image.value[:4] == b"\x89PNG" and fresh._image.layout.display is None
    assert fresh._button.description == "Train again"


def test_a_move_retrains_with_progress_and_says_the_kernel_is_busy(model):
    fresh = freeze_depth_slider(model, DATA, [4, 8], steps=4, head_epochs=1, batch_size=8)
    seen = []
    real = fresh._on_step

    def watch(step, steps):
        real(step, steps)
        seen.append((step, steps, fresh._progress.value, fresh._slider.disabled, fresh._button.disabled,
                     fresh._progress.layout.visibility, "kernel is busy" in fresh._status.value, fresh.busy))

    fresh._on_step = watch
    fresh._slider.value = 4  # released at a depth not trained yet: it trains now
    assert [s[:3] for s in seen] == [(i, 4, i) for i in range(1, 5)]
    assert fresh._progress.description == "step 4/4"
    assert all(s[3:] == (True, True, "visible", True, True) for s in seen), "controls locked while training"
    assert not fresh._slider.disabled and not fresh._button.disabled and not fresh.busy
    assert fresh._progress.layout.visibility == "hidden"
    first = fresh.results[4]
    assert first.steps == 4
    assert f"validation accuracy {first.val_accuracy:.3f}</b> after 4 steps" in fresh._status.value
    assert f"trained in {first.seconds:.1f} s" in fresh._status.value
    fresh._slider.value = 8
    fresh._slider.value = 4  # back to a trained depth: answered from memory, no training
    assert len(seen) == 8 and fresh.results[4] is first
    fresh._on_train(fresh._button)  # "Train again": trains anew, same seed, same accuracy
    assert len(seen) == 12 and fresh.results[4] is not first
    assert fresh.results[4].val_accuracy == first.val_accuracy


def test_move_is_what_the_slider_does(model):
    quiet = freeze_depth_slider(model, DATA, [4, 8], steps=2, head_epochs=0, batch_size=8, train_on_move=False)
    assert quiet.head is None and quiet.timings["head"] < 1
    assert quiet.move(4) is None and quiet.depth == 4 and quiet.results == {}
    assert "not trained at this depth yet" in quiet._status.value and quiet._image.value == b""
    quiet._on_train(quiet._button)
    assert list(quiet.results) == [4] and "depth 4: validation accuracy" in quiet._status.value
    assert quiet.move(8) is None and quiet.move(4) is quiet.results[4]


def test_a_second_explorer_prints_no_retracing_warning(model, capfd):
    for _ in range(3):
        freeze_depth_slider(model, DATA, [4, 8], steps=2, head_epochs=1, batch_size=8).train(4)
    assert "retracing" not in capfd.readouterr().err


def test_display_falls_back_to_a_static_summary(explorer):
    explorer.train(4)
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith(explorer.describe())
    assert "accuracy per freeze depth" in bundle["text/plain"]
    assert "<table>" in bundle["text/html"] and "background:" in bundle["text/html"]
