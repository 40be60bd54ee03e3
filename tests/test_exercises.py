"""tlcourse.exercises: every check passes its hidden solution and rejects wrong answers helpfully."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tlcourse.exercises import check, list_exercises, run_solution, solution

ROOT = Path(__file__).resolve().parents[1]
from tlcourse import exercises as ex
ALL = [e.id for e in list_exercises()]


def _rejects(exercise_id, answer, capsys, *fragments):
    """The answer is rejected, the message says why (fragments) and prints the hint."""
    assert check(exercise_id, answer) is False
    out = capsys.readouterr().out
    assert f"{exercise_id} not yet:" in out and "Hint:" in out, out
    for fragment in fragments:
        assert fragment.lower() in out.lower(), out


# The core ------------------------------------------------------------------------------

def test_every_notebook_01_to_09_has_at_least_two_exercises():
    for number in [f"{n:02d}" for n in range(1, 10)]:
        assert len(list_exercises(number)) >= 2, f"notebook {number} has fewer than two exercises"


@pytest.mark.parametrize("exercise_id", ALL)
def test_every_hidden_solution_passes(exercise_id, capsys):
    assert check(exercise_id, run_solution(exercise_id)) is True
    assert f"{exercise_id} correct" in capsys.readouterr().out


@pytest.mark.parametrize("exercise_id", ALL)
def test_the_placeholder_is_not_answered_yet_never_an_error(exercise_id, capsys):
    assert check(exercise_id, ...) is False
    out = capsys.readouterr().out
    assert "not answered yet" in out and "Hint:" in out


@pytest.mark.parametrize("exercise_id", ALL)
def test_an_answer_of_the_wrong_kind_is_rejected_not_raised(exercise_id, capsys):
    assert check(exercise_id, object()) is False
    assert f"{exercise_id} not yet:" in capsys.readouterr().out


def test_every_exercise_is_asked_in_its_notebook():
    for e in list_exercises():
        path = ROOT / "notebooks" / f"{e.notebook}.ipynb"
        assert path.exists(), f"{e.id} names {e.notebook}, which is not a notebook"
        code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                         if c["cell_type"] == "code")
        assert f'check("{e.id}", answer)' in code, f"{e.notebook} never calls check({e.id!r}, answer)"


def test_solution_prints_and_returns_the_code(capsys):
    code = solution(ALL[0])
    assert "answer" in code and code in capsys.readouterr().out


def test_quiet_check_prints_nothing(capsys):
    assert check(ALL[0], run_solution(ALL[0]), quiet=True) is True
    assert capsys.readouterr().out == ""


def test_unknown_id_lists_the_notebooks_exercises():
    with pytest.raises(ValueError, match=r"no exercise '04.9'.*04\.1"):
        check("04.9", 1)
    with pytest.raises(TypeError, match="string like '04.1'"):
        solution(4.1)


def test_registering_rejects_bad_ids_duplicates_and_wrong_notebooks():
    with pytest.raises(ValueError, match="must look like '04.1'"):
        ex.exercise("4.1", notebook="04_x", task="t", hint="h", solution="answer = 1")
    with pytest.raises(ValueError, match="registered twice"):
        ex.exercise(ALL[0], notebook=list_exercises()[0].notebook, task="t", hint="h", solution="answer = 1")
    with pytest.raises(ValueError, match="starts with 05_"):
        ex.exercise("05.9", notebook="04_x", task="t", hint="h", solution="answer = 1")


def test_a_solution_without_answer_is_reported(monkeypatch):
    def no_answer():
        x = 1
        return x

    monkeypatch.setitem(ex._REGISTRY, "99.1", ex.Exercise("99.1", "99_x", "t", "h", no_answer, lambda a: None))
    with pytest.raises(ValueError, match="assigns no `answer`"):
        run_solution("99.1")


# Wrong answers, exercise by exercise (realistic mistakes, helpful messages) --------------

# ── 01 ──

def test_01_1_rejects_swapped_terms_and_a_step_named_as_a_task(capsys):
    _rejects("01.1", {"source task": "B", "target task": "D", "pretraining": "C", "fine-tuning": "A"},
             capsys, "swapped")
    _rejects("01.1", {"upstream": "C", "downstream": "B", "pre-training": "D", "fine_tuning": "A"},
             capsys, "C describes a training step")
    _rejects("01.1", {"source task": "D", "target task": "B", "pretraining": "A", "fine-tuning": "C"},
             capsys, "runs first")
    assert check("01.1", {"Upstream task": "d", "downstream": "b", "Pre-training": "c", "finetuning": "a"},
                 quiet=True)


def test_01_2_rejects_better_from_a_win_count(capsys):
    _rejects("01.2", "better", capsys, "95 % interval", "above zero")
    _rejects("01.2", "transfer is worse", capsys, "below zero")
    assert check("01.2", "No clear difference", quiet=True)
    assert check("01.2", "transfer is not clearly better: no clear difference", quiet=True)

# ── end 01 ──

# ── 02 ──

def test_02_1_rejects_too_few_outputs_random_weights_and_sequential_input(capsys):
    import keras

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

    _rejects("02.1", last_only, capsys, "one output per convolution layer")
    _rejects("02.1", conv2d_only, capsys, "depthwise ones count too")
    _rejects("02.1", from_a_clone, capsys, "other values", "no clone_model")
    _rejects("02.1", with_input, capsys, "could not use this answer", ".inputs")
    _rejects("02.1", keras.Sequential(), capsys, "should be a function")


def test_02_2_rejects_a_dropped_top_unfrozen_or_unreset_layers_and_a_frozen_source(capsys):
    import keras

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

    _rejects("02.2", lambda s, k, n: build(s, k, n, drop_top=True), capsys, "layers with weights")
    _rejects("02.2", lambda s, k, n: build(s, k, n, freeze=False), capsys, "still trainable")
    _rejects("02.2", lambda s, k, n: build(s, k, n, reset=False), capsys, "kept the source's weights")
    _rejects("02.2", lambda s, k, n: build(s, 2, n), capsys, "k=4", "below the cut")
    _rejects("02.2", lambda s, k, n: build(s, k, n, share=True), capsys, "froze layers of the source")
# ── end 02 ──

# ── 03 ──

def _fake_mobilenet_v2_top():
    # the top layers of a MobileNetV2, by name only: enough for the 03.1 checker, built at once
    import keras

    x = inputs = keras.Input((4,))
    for name in ("block_15_add", "block_16_expand", "block_16_expand_BN", "Conv_1", "Conv_1_bn"):
        bn = name.lower().endswith("_bn")
        x = (keras.layers.BatchNormalization(name=name) if bn else keras.layers.Dense(4, name=name))(x)
    return keras.Model(inputs, x)


def test_03_1_rejects_trainable_batchnorm_a_frozen_base_and_a_deeper_unfreeze(capsys):
    import keras

    base = _fake_mobilenet_v2_top()
    for layer in base.layers:                            # right: block 16 and Conv_1, BN frozen
        layer.trainable = (layer.name in ("block_16_expand", "Conv_1"))
    assert check("03.1", base, quiet=True)
    wrapped = keras.Sequential([keras.Input((4,)), base, keras.layers.Dense(2, name="head")])
    assert check("03.1", wrapped, quiet=True)            # the whole model is fine too
    base.get_layer("Conv_1_bn").trainable = True         # forgot to keep BN frozen
    _rejects("03.1", base, capsys, "BatchNormalization", "trainable")
    base.get_layer("Conv_1_bn").trainable = False
    base.get_layer("block_15_add").trainable = True      # unfroze too deep
    _rejects("03.1", base, capsys, "below block_16_expand")
    base.trainable = False                               # the base as a whole frozen
    _rejects("03.1", base, capsys, "still frozen")


def test_03_2_rejects_a_classifier_as_is_for_new_classes_and_wrong_freezing(capsys):
    _rejects("03.2", [1, 1, 3, 2], capsys, "situation (a)", "not exactly classes")
    _rejects("03.2", [2, 1, 2, 2], capsys, "situation (c)", "frozen feature extractor cannot")
    _rejects("03.2", [2, 1, 3, 3], capsys, "situation (d)", "overfitting")
    _rejects("03.2", [2, 2, 3, 2], capsys, "situation (b)", "no labelled photos")
    assert check("03.2", {"a": "②", "b": 1, "c": "3", "(d)": 2}, quiet=True)

# ── end 03 ──

# ── 04 ──

def _model_a_04():
    import keras

    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                             keras.layers.Dense(4, activation="relu"), keras.layers.Dense(3, activation="softmax")])


def _b_on_04(layers):
    # model B from the given reused layers: + Dense(1, sigmoid), reused layers frozen
    import keras

    model_b = keras.Sequential([keras.Input(shape=(28, 28))] + layers)
    model_b.add(keras.layers.Dense(1, activation="sigmoid"))
    for layer in model_b.layers[:-1]:
        layer.trainable = False
    return model_b


def test_04_1_rejects_no_clone_no_weights_no_input_and_no_freeze(capsys):
    import keras

    model_a = _model_a_04()
    _rejects("04.1", (model_a, _b_on_04(model_a.layers[:-1])), capsys, "shares weight variables")
    model_a = _model_a_04()
    clone = keras.models.clone_model(model_a)            # the architecture only: no set_weights
    _rejects("04.1", (model_a, _b_on_04(clone.layers[:-1])), capsys, "set_weights")
    clone.set_weights(model_a.get_weights())
    slide = keras.Sequential(clone.layers[:-1])          # the slide's line, no keras.Input
    slide.add(keras.layers.Dense(1, activation="sigmoid"))
    _rejects("04.1", (model_a, slide), capsys, "not built")
    model_a, model_b = run_solution("04.1")
    for layer in model_b.layers:
        layer.trainable = True                           # forgot to freeze
    _rejects("04.1", (model_a, model_b), capsys, "still trainable")


def test_04_2_rejects_an_unchanged_input_and_a_crop_instead_of_a_resize(capsys):
    import keras

    _rejects("04.2", lambda model: model, capsys, "not (56, 56, 1)")

    def crop(model):                                     # crops the middle instead of resizing
        return keras.Sequential([keras.Input(shape=(56, 56, 1)), keras.layers.CenterCrop(28, 28),
                                 keras.layers.Reshape((28, 28)), *model.layers])

    def resize_then_call(model):                         # another right answer: the functional API
        photo = keras.Input(shape=(56, 56, 1))
        return keras.Model(photo, model(keras.layers.Reshape((28, 28))(keras.layers.Resizing(28, 28)(photo))))

    _rejects("04.2", crop, capsys, "predictions differ")
    assert check("04.2", resize_then_call, quiet=True)

# ── end 04 ──

# ── 05 ──
def _bn_model_05():
    import keras

    return keras.Sequential([keras.Input(shape=(8, 8, 3)), keras.layers.Conv2D(4, 3),
                             keras.layers.BatchNormalization(), keras.layers.ReLU(),
                             keras.layers.GlobalAveragePooling2D(),
                             keras.layers.Dense(10, activation="softmax")])


def _compiled_05(model, rate=1e-4):
    import keras

    model.compile(optimizer=keras.optimizers.Adam(learning_rate=rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_05_1_rejects_swapped_flags_and_a_missing_compile(capsys):
    import keras
    from tlcourse.models import load_pretrained

    model = load_pretrained("mnist_cnn")
    for layer in model.layers:                  # seed 002's wording: "Frozen (trainable = True)"
        layer.trainable = not isinstance(layer, keras.layers.Dense)
    _rejects("05.1", _compiled_05(model), capsys, "wrong way round", "trainable = False")

    model = load_pretrained("mnist_cnn")        # compiled on load ...
    for layer in model.layers[:5]:
        layer.trainable = False                 # ... right flags, but no compile after the change
    _rejects("05.1", model, capsys, "compile again")


def test_05_1_accepts_the_helper_way():
    from tlcourse.models import load_pretrained
    from tlcourse.surgery import compile_again, set_freeze_depth

    model = set_freeze_depth(load_pretrained("mnist_cnn"), 5)
    assert check("05.1", compile_again(model, learning_rate=1e-4), quiet=True)


def test_05_2_rejects_a_high_rate_and_trainable_batchnorm(capsys):
    from tlcourse.surgery import unfreeze

    _rejects("05.2", _compiled_05(unfreeze(_bn_model_05()), rate=1e-2), capsys, "too high")
    _rejects("05.2", _compiled_05(unfreeze(_bn_model_05(), keep_batchnorm_frozen=False)), capsys,
             "BatchNormalization", "trainable = False")


def test_05_2_accepts_the_raw_loop_and_another_low_rate():
    import keras

    model = _bn_model_05()
    for layer in model.layers:
        layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)
    assert check("05.2", _compiled_05(model, rate=1e-5), quiet=True)
# ── end 05 ──

# ── 06 ──

def test_06_1_rejects_a_class_seen_only_in_validation_and_a_short_list(capsys):
    _rejects("06.1", [9, 10, 11], capsys, "does not contain")
    _rejects("06.1", [11], capsys, "missing")
    _rejects("06.1", [8, 10, 11], capsys, "training part does contain")
    assert check("06.1", (11, 10), quiet=True)


def test_06_2_rejects_a_near_duplicate_count_and_a_pixel_count(capsys):
    import numpy as np

    def within_one_level(x_train, x_test):               # "copies" up to one gray level: too loose
        return sum(any(np.abs(a.astype(int) - b).max() <= 1 for b in x_train) for a in x_test)

    _rejects("06.2", within_one_level, capsys, "only exact copies count")
    _rejects("06.2", lambda x_train, x_test: int(np.isin(x_test, x_train).sum()), capsys,
             "count images, not pixels")
    _rejects("06.2", lambda x_train, x_test: 0, capsys, "returns 0")

# ── end 06 ──

# ── 07 ──

def test_07_1_rejects_counts_without_biases_swapped_or_one_conv(capsys):
    _rejects("07.1", (102_400, 73_728), capsys, "biases")
    _rejects("07.1", (73_856, 102_464), capsys, "swapped")
    _rejects("07.1", (102_464, 36_928), capsys, "only one of the two")


def test_07_1_solution_agrees_with_keras():
    import keras

    one, three = keras.layers.Conv2D(64, 5), keras.layers.Conv2D(64, 3)
    one.build((None, 32, 32, 64))
    three.build((None, 32, 32, 64))
    assert tuple(run_solution("07.1")) == (one.count_params(), 2 * three.count_params())


def test_07_2_accepts_other_blocks_and_rejects_no_shortcut_or_no_final_relu(capsys):
    import keras
    from tlcourse.models import residual_block

    L = keras.layers

    def block(shortcut, relu):
        x = keras.Input(shape=(8, 8, 16))
        f = L.Conv2D(16, 3, padding="same")(L.Conv2D(16, 3, padding="same", activation="relu")(x))
        y = L.Add()([f, x]) if shortcut else f
        return keras.Model(x, L.Activation("relu")(y) if relu else y)

    assert check("07.2", block(True, True), quiet=True)                   # without BatchNorm: fine
    inputs = keras.Input(shape=(8, 8, 16))
    assert check("07.2", keras.Model(inputs, residual_block(inputs, 16)), quiet=True)  # the course's
    _rejects("07.2", block(False, True), capsys, "no shortcut")
    _rejects("07.2", block(True, False), capsys, "relu after the addition is missing")

# ── end 07 ──

# ── 08 ──

def test_08_1_rejects_an_unfrozen_layer_the_old_head_and_copied_layers(capsys):
    import keras

    stage2, stage3 = run_solution("08.1")
    stem, hidden1, hidden2, head2 = stage2.layers[:2], *stage2.layers[2:]
    hidden2.trainable = True                             # forgot to freeze what stage 2 trained
    _rejects("08.1", (stage2, stage3), capsys, "hidden2 is still trainable")
    hidden2.trainable = False
    old_head = keras.Sequential([keras.Input((28, 28)), *stem, hidden1, hidden2,
                                 keras.layers.Dense(128, activation="sigmoid"), head2])
    _rejects("08.1", (stage2, old_head), capsys, "stage 2's output layer")
    copies = keras.Sequential([keras.Input((28, 28)), *stem]
                              + [keras.layers.Dense(128, activation="sigmoid", trainable=i == 2) for i in range(3)]
                              + [keras.layers.Dense(10, activation="softmax")])
    _rejects("08.1", (stage2, copies), capsys, "same layer objects")


def test_08_2_rejects_a_sum_and_a_wrong_number_of_factors(capsys):
    _rejects("08.2", 0.25 * 5, capsys, "multiply")
    _rejects("08.2", 0.25 ** 4, capsys, "five sigmoid layers")
    assert check("08.2", 1 / 1024, quiet=True) and check("08.2", 0.001, quiet=True)

# ── end 08 ──

# ── 09 ──

def test_09_1_rejects_too_few_too_many_and_odd_counts(capsys):
    _rejects("09.1", 750, capsys, "still 2.1 points wide")
    _rejects("09.1", 1000, capsys, "a smaller multiple of 50")
    _rejects("09.1", 780, capsys, "multiples of 50")


def test_09_2_rejects_the_first_fine_tuned_layer_and_a_cut_inside_a_block(capsys):
    _rejects("09.2", "block_13_expand", capsys, "first layer to fine-tune")
    _rejects("09.2", "block_12_project_BN", capsys, "adds the block's input back")
    _rejects("09.2", "block_9_add", capsys, "blocks 10 to 12")


def test_09_2_cut_is_the_layer_before_block_13_in_keras_mobilenet_v2():
    import keras

    names = [layer.name for layer in keras.applications.MobileNetV2(
        include_top=False, weights=None, input_shape=(128, 128, 3)).layers]
    assert names[names.index("block_13_expand") - 1] == run_solution("09.2")

# ── end 09 ──
