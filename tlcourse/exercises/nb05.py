"""Exercises of notebook 05_comparing_the_three_ways: 05.1 (which of the three ways fits, as a
rule), 05.2 (experiment: choose ② or ③ on validation photos, report the test accuracy) and 05.3
(experiment: with few photos per digit, does the scratch CNN still match frozen features?).

Per exercise, its solution ``_solution_05_1`` (its body is the code ``solution("05.1")``
shows) and its checker ``_check_05_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from tlcourse import data
from tlcourse._i18n import N_, _
from tlcourse.config import SEED, fast_or_full, seed_everything
from tlcourse.exercises import exercise
from tlcourse.exercises._common import (
    accuracies_per_seed,
    as_number,
    imagenet_sign_features,
    interval_verdict,
    is_function,
    is_share_of,
    notebook_signs,
)
from tlcourse.experiments import SeedResults
from tlcourse.models import backbone_preprocess, imagenet_backbone
from tlcourse.surgery import compile_again, freeze, set_freeze_depth, with_new_head

__all__: list[str] = []

NOTEBOOK = "05_comparing_the_three_ways"


FEW = 1000          # "few": fewer labelled photos per class than this (the notebook states it)

# the four situations of the notebook: (classes_in_source, like_source, photos_per_class) -> the way
_SITUATIONS = {"a": ((False, True, 150), 2), "b": ((True, True, 0), 1),
               "c": ((False, False, 4000), 3), "d": ((False, True, 40), 2)}


def _rule(classes_in_source: bool, like_source: bool, photos_per_class: int) -> int:
    # lecture 6-3's choice, with lecture 6-4's "little data": what the checker compares against
    if classes_in_source:
        return 1
    return 2 if like_source and photos_per_class < FEW else 3


def _cases() -> list[tuple[str, tuple[bool, bool, int]]]:
    # the notebook's four situations first, then every kind of situation, near the threshold too
    cases = [(_("situation ({key})").format(key=key), inputs) for key, (inputs, _way) in _SITUATIONS.items()]
    for classes in (True, False):
        for like in (True, False):
            for photos in ((0,) if classes else ()) + (10, 300, FEW - 1, FEW, 20_000):
                cases.append((_("a situation"), (classes, like, photos)))
    return cases


def _solution_05_1() -> Callable[[bool, bool, int], int]:
    def choose_way(classes_in_source, like_source, photos_per_class):
        if classes_in_source:                    # the source network already answers with these classes
            return 1
        if like_source and photos_per_class < 1000:
            return 2                             # features fit, few photos: train only a new head
        return 3                                 # far from the source, or photos enough to adapt the top

    answer = choose_way          # (a) 2, (b) 1, (c) 3, (d) 2: choose_way(False, True, 40) for (d)
    return answer


def _why(inputs: tuple[bool, bool, int], given: Any, right: int) -> str:
    classes, like, photos = inputs
    if given == 1:
        return _("its classes are not all classes of the source network, so the network as it is cannot "
                 "answer with them")
    if right == 1:
        return _("every class is already a class of the source network: once the inputs look like the "
                 "source's (section ①), it answers as it is, nothing to train")
    if given == 3 and right == 2:
        return _("{photos} photos per class, close to the source's: retraining pretrained layers on so few "
                 "risks overfitting for little gain, while the frozen features already fit").format(photos=photos)
    if not like:
        return _("the images are far from the source's photos, so the high-level features must adapt, which "
                 "a frozen feature extractor cannot do")
    return _("{photos:,} labelled photos per class are enough to adapt the top layers safely, and adapting "
             "them usually pays (lecture 6-4: large data set, similar to the source: fine-tune)").format(photos=photos)


@exercise("05.1", notebook=NOTEBOOK,
          task=N_("Write choose_way(classes_in_source, like_source, photos_per_class) -> 1, 2 or 3, lecture 6-3's "
                  "choice between the three ways, and use it for situations (a)-(d)."),
          hint=N_("Go down the 'when' column of notebook 03's table of the three ways: one question alone decides "
                  "①. For ② vs ③, lecture 6-4's 2 x 2 table: in which of its cells does the base stay frozen?"),
          solution=_solution_05_1)
def _check_05_1(answer: Any) -> str | None:
    if not is_function(answer):
        return _("the answer should be a function choose_way(classes_in_source, like_source, photos_per_class) "
                 "that returns 1, 2 or 3")
    for name, inputs in _cases():
        given = answer(*inputs)
        right = _rule(*inputs)
        if isinstance(given, bool) or given not in (1, 2, 3):
            return _("choose_way{inputs} returned {given}: it should return the number of a way, 1, 2 or 3").format(
                inputs=inputs, given=repr(given))
        if given != right:
            classes, like, photos = inputs
            what = _("{name}: {classes}, {images}, {photos:,} photos per class").format(
                name=name, photos=photos,
                classes=_("classes all in the source") if classes else _("classes not all in the source"),
                images=_("images like the source's") if like else _("images unlike the source's"))
            return _("for {what}, your function says {given}, but {why}").format(
                what=what, given=given, why=_why(inputs, given, right))
    return None


_WAYS = ("feature extraction", "fine-tuning")


def _pets_transfer_model() -> tuple[keras.Model, keras.Model]:
    # the notebook's transfer_model((96, 96, 3), 2): frozen ImageNet MobileNetV2 + a new head, and its base
    base = imagenet_backbone("mobilenet_v2", input_shape=(96, 96, 3))
    inputs = keras.Input(shape=(96, 96, 3), name="photo")
    front = keras.Model(inputs, base(backbone_preprocess("mobilenet_v2")(inputs)), name="imagenet_front")
    return with_new_head(freeze(front), num_classes=2, name="new_head"), base


@functools.lru_cache(maxsize=2)
def _ways_reference(seed: int) -> tuple[dict[str, dict[str, float]], dict[str, int]]:
    # ② and ③ of approaches_2_and_3(pets, ..., seed), measured on validation AND test photos; the parts' sizes
    pets = data.load("cats_vs_dogs", image_size=(96, 96), limit_per_class=fast_or_full(60, 250), verbose=False)
    model, _ = _pets_transfer_model()
    extractor = keras.Model(model.inputs, model.get_layer("new_head_pool").output)
    feats = {part: extractor.predict(getattr(pets, f"x_{part}"), verbose=0) for part in ("train", "val", "test")}
    seed_everything(seed)
    model, base = _pets_transfer_model()
    head = keras.Sequential([keras.Input(shape=(1280,)), model.get_layer("new_head")])
    head.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="binary_crossentropy", metrics=["accuracy"])
    head.fit(feats["train"], pets.y_train, epochs=fast_or_full(8, 30), batch_size=32, verbose=0)
    accuracy = {"feature extraction": {part: float(head.evaluate(feats[part], getattr(pets, f"y_{part}"), verbose=0)[1])
                                       for part in ("val", "test")}}
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="binary_crossentropy", metrics=["accuracy"])
    set_freeze_depth(base, [layer.name for layer in base.layers].index("block_13_expand"))
    compile_again(model, learning_rate=1e-4)
    model.fit(pets.x_train, pets.y_train, epochs=fast_or_full(1, 4), batch_size=32, verbose=0)
    accuracy["fine-tuning"] = {part: float(model.evaluate(getattr(pets, f"x_{part}"), getattr(pets, f"y_{part}"),
                                                          verbose=0)[1]) for part in ("val", "test")}
    return accuracy, {part: len(getattr(pets, f"y_{part}")) for part in ("val", "test")}


def _solution_05_2() -> dict[str, Any]:
    # In the notebook: pets, transfer_model, set_freeze_depth, compile_again and N_TOP are there already.
    seed = SEED                                                      # SEEDS[0]
    pets = data.load("cats_vs_dogs", image_size=(96, 96), limit_per_class=fast_or_full(60, 250))

    def transfer_model():
        base = imagenet_backbone("mobilenet_v2", input_shape=(96, 96, 3))
        inputs = keras.Input(shape=(96, 96, 3), name="photo")
        front = keras.Model(inputs, base(backbone_preprocess("mobilenet_v2")(inputs)), name="imagenet_front")
        return with_new_head(freeze(front), num_classes=2, name="new_head"), base

    model, _ = transfer_model()                                      # frozen features of every part, once
    extractor = keras.Model(model.inputs, model.get_layer("new_head_pool").output)
    feats = {part: extractor.predict(getattr(pets, f"x_{part}"), verbose=0) for part in ("train", "val", "test")}

    seed_everything(seed)                                            # approaches_2_and_3, with validation too
    model, base = transfer_model()
    head = keras.Sequential([keras.Input(shape=(1280,)), model.get_layer("new_head")])
    head.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="binary_crossentropy", metrics=["accuracy"])
    head.fit(feats["train"], pets.y_train, epochs=fast_or_full(8, 30), batch_size=32, verbose=0)
    way_2 = {part: head.evaluate(feats[part], getattr(pets, f"y_{part}"), verbose=0)[1] for part in ("val", "test")}
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="binary_crossentropy", metrics=["accuracy"])
    set_freeze_depth(base, [layer.name for layer in base.layers].index("block_13_expand"))   # len - N_TOP
    compile_again(model, learning_rate=1e-4)
    model.fit(pets.x_train, pets.y_train, epochs=fast_or_full(1, 4), batch_size=32, verbose=0)
    way_3 = {part: model.evaluate(getattr(pets, f"x_{part}"), getattr(pets, f"y_{part}"), verbose=0)[1]
             for part in ("val", "test")}

    measured = {"feature extraction": way_2, "fine-tuning": way_3}
    chosen = max(measured, key=lambda way: measured[way]["val"])     # chosen on validation photos only ...
    answer = {**measured, "chosen": chosen, "test accuracy": measured[chosen]["test"]}   # ... then tested once
    return answer


@exercise("05.2", notebook=NOTEBOOK,
          task=N_("For dogs vs cats and seed SEEDS[0], measure ② and ③ on the validation AND the test photos, "
                  "choose the way on validation, and report the chosen way's test accuracy."),
          hint=N_("Run approaches_2_and_3's steps for one seed, evaluating the head (on frozen features of "
                  "pets.x_val too) and the fine-tuned model on pets.x_val as well as pets.x_test. The test photos "
                  "decide nothing: they only measure the way the validation photos chose."),
          solution=_solution_05_2)
def _check_05_2(answer: Any) -> str | None:
    if not isinstance(answer, dict) or not {*_WAYS, "chosen", "test accuracy"} <= set(answer):
        return _("the answer should be a dict {'feature extraction': {'val': ..., 'test': ...}, 'fine-tuning': "
                 "{'val': ..., 'test': ...}, 'chosen': ..., 'test accuracy': ...}")
    measured = {}
    for way in _WAYS:
        parts = answer[way]
        if not isinstance(parts, dict) or not {"val", "test"} <= set(parts):
            return _("answer[{way}] should be a dict {{'val': accuracy, 'test': accuracy}}").format(way=repr(way))
        numbers = {part: as_number(parts[part], N_("an accuracy")) for part in ("val", "test")}
        for part, number in numbers.items():
            if isinstance(number, str):
                return f"answer[{way!r}][{part!r}]: {number}"
        measured[way] = numbers
    references, sizes = _ways_reference(SEED)
    reference = references["feature extraction"]
    way_2 = measured["feature extraction"]
    if abs(way_2["val"] - reference["test"]) < 1e-6 and abs(way_2["test"] - reference["val"]) < 1e-6 \
            and reference["val"] != reference["test"]:
        return _("the feature-extraction numbers are swapped: 'val' is measured on pets.x_val, 'test' on "
                 "pets.x_test")
    for way in _WAYS:
        for part in ("val", "test"):
            if not is_share_of(measured[way][part], sizes[part]):
                return _("answer[{way}][{part}] = {value} is not an accuracy on the {n} {name} photos (a whole "
                         "number of them, divided by their count)").format(
                    way=repr(way), part=repr(part), value=repr(measured[way][part]), n=sizes[part], name=part)
    way_2 = measured["feature extraction"]
    for part in ("val", "test"):
        if abs(way_2[part] - reference[part]) > 1.5 / sizes[part]:
            return _("the feature-extraction {part} accuracy is not what the head of approaches_2_and_3 gives for "
                     "seed SEEDS[0] (the check re-ran it): same seed, HEAD_EPOCHS, features of pets.x_{part}").format(
                part=part)
    chosen = str(answer["chosen"]).strip().lower()
    chosen = {"2": "feature extraction", "②": "feature extraction", "3": "fine-tuning", "③": "fine-tuning"}.get(
        chosen, chosen)
    if chosen not in _WAYS:
        return _("'chosen' should be 'feature extraction' or 'fine-tuning', not {chosen}").format(
            chosen=repr(answer["chosen"]))
    val = {way: measured[way]["val"] for way in _WAYS}
    test = {way: measured[way]["test"] for way in _WAYS}
    if val[chosen] < max(val.values()):
        if test[chosen] >= max(test.values()):
            return _("you chose the way with the better TEST accuracy: the test photos must not choose anything, "
                     "or the test accuracy you report is no longer an estimate for new photos. Choose on validation")
        return _("your own validation accuracies favour the other way: choose the one with the higher validation "
                 "accuracy")
    reported = as_number(answer["test accuracy"], N_("a number (the chosen way's test accuracy)"))
    if isinstance(reported, str):
        return f"'test accuracy': {reported}"
    if abs(reported - test[chosen]) > 1e-9:
        if abs(reported - val[chosen]) < 1e-9:
            return _("'test accuracy' is the chosen way's validation accuracy: report what it gets on the test "
                     "photos")
        if abs(reported - max(test.values())) < 1e-9:
            return _("'test accuracy' is the better of the two test accuracies, not the chosen way's: picking the "
                     "best test number after the fact is choosing on test")
        return _("'test accuracy' should be the chosen way's accuracy on the test photos, as you measured it")
    for part in ("val", "test"):                      # ③ last: the choice messages above teach more
        if abs(measured["fine-tuning"][part] - references["fine-tuning"][part]) > 2.5 / sizes[part]:
            return _("the fine-tuning {part} accuracy is not what ③ of approaches_2_and_3 gives for seed SEEDS[0] "
                     "(the check re-ran it): fine-tune the model whose head ② just trained (unfreeze_top, Adam at "
                     "1e-4, FT_EPOCHS epochs), then evaluate it on pets.x_{part}").format(part=part)
    return None


# --- 05.3: few photos per digit -----------------------------------------------------------------

_FEW_RANGE = (5, 20)            # photos per digit the student may choose: few, lecture 6-4's small data
_VERDICTS = ("transfer better", "scratch better", "not clearly apart")   # interval above / below / across 0


def _seeds() -> list[int]:
    # the notebook's SEEDS
    return fast_or_full([SEED, SEED + 1], [SEED, SEED + 1, SEED + 2])


def _small_cnn() -> keras.Model:
    # the notebook's small_cnn(): the from-scratch baseline (seed before calling)
    return keras.Sequential([
        keras.Input(shape=(96, 96, 3), name="photo"),
        keras.layers.Rescaling(1 / 255, name="rescale"),
        keras.layers.Conv2D(16, 3, strides=2, activation="relu", name="conv1"),
        keras.layers.MaxPooling2D(name="pool1"),
        keras.layers.Conv2D(32, 3, activation="relu", name="conv2"),
        keras.layers.MaxPooling2D(name="pool2"),
        keras.layers.Conv2D(64, 3, activation="relu", name="conv3"),
        keras.layers.MaxPooling2D(name="pool3"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(10, activation="softmax", name="output"),
    ], name="scratch_cnn")


def _few_photos_runs(x: np.ndarray, y: np.ndarray, feats: np.ndarray, x_test: np.ndarray, feats_test: np.ndarray,
                     y_test: np.ndarray) -> dict[str, list[float]]:
    # the experiment of 05.3 on given photos and features: per seed, the scratch CNN and ②'s head
    measured: dict[str, list[float]] = {"from scratch": [], "feature extraction": []}
    for seed in _seeds():
        seed_everything(seed)
        cnn = _small_cnn()
        cnn.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"])
        cnn.fit(x, y, epochs=fast_or_full(2, 10), batch_size=32, verbose=0)
        measured["from scratch"].append(float(cnn.evaluate(x_test, y_test, verbose=0)[1]))
        seed_everything(seed)
        head = keras.Sequential([keras.Input(shape=(1280,)), keras.layers.Dense(10, activation="softmax")])
        head.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy",
                     metrics=["accuracy"])
        head.fit(feats, y, epochs=fast_or_full(8, 30), batch_size=32, verbose=0)
        measured["feature extraction"].append(float(head.evaluate(feats_test, y_test, verbose=0)[1]))
    return measured


@functools.lru_cache(maxsize=2)
def _few_photos_reference(n: int) -> dict[str, list[float]]:
    # 05.3 re-measured for n photos per digit: the first n training photos of each digit, the notebook's recipes
    signs, features = notebook_signs(), imagenet_sign_features()       # the notebook's signs and sign_features
    few = np.concatenate([np.flatnonzero(signs.y_train == d)[:n] for d in range(10)])
    return _few_photos_runs(signs.x_train[few], signs.y_train[few], features["train"][few], signs.x_test,
                            features["test"], signs.y_test)


def _solution_05_3() -> dict[str, Any]:
    # In the notebook: signs, sign_features, small_cnn, SEEDS, SCRATCH_EPOCHS and HEAD_EPOCHS are there already.
    signs = data.load("sign_language_digits", image_size=(96, 96), limit_per_class=fast_or_full(30, None))
    seeds = fast_or_full([SEED, SEED + 1], [SEED, SEED + 1, SEED + 2])                # SEEDS
    base = imagenet_backbone("mobilenet_v2", input_shape=(96, 96, 3))                  # sign_features, as
    inputs = keras.Input(shape=(96, 96, 3), name="photo")                              # frozen_features has them
    front = keras.Model(inputs, base(backbone_preprocess("mobilenet_v2")(inputs)), name="imagenet_front")
    model = with_new_head(freeze(front), num_classes=10, name="new_head")
    extractor = keras.Model(model.inputs, model.get_layer("new_head_pool").output)
    sign_features = {part: extractor.predict(getattr(signs, f"x_{part}"), verbose=0) for part in ("train", "test")}

    def small_cnn():                                                                   # the notebook's baseline
        return keras.Sequential([
            keras.Input(shape=(96, 96, 3), name="photo"),
            keras.layers.Rescaling(1 / 255, name="rescale"),
            keras.layers.Conv2D(16, 3, strides=2, activation="relu", name="conv1"),
            keras.layers.MaxPooling2D(name="pool1"),
            keras.layers.Conv2D(32, 3, activation="relu", name="conv2"),
            keras.layers.MaxPooling2D(name="pool2"),
            keras.layers.Conv2D(64, 3, activation="relu", name="conv3"),
            keras.layers.MaxPooling2D(name="pool3"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(10, activation="softmax", name="output"),
        ], name="scratch_cnn")

    n = 10                                                                             # photos per digit
    few = np.concatenate([np.flatnonzero(signs.y_train == d)[:n] for d in range(10)])
    scratch, frozen = [], []
    for seed in seeds:
        seed_everything(seed)                                                          # small_cnn, as in from_scratch
        cnn = small_cnn()
        cnn.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"])
        cnn.fit(signs.x_train[few], signs.y_train[few], epochs=fast_or_full(2, 10), batch_size=32, verbose=0)
        scratch.append(cnn.evaluate(signs.x_test, signs.y_test, verbose=0)[1])
        seed_everything(seed)                                                          # ②'s head on the same photos
        head = keras.Sequential([keras.Input(shape=(1280,)), keras.layers.Dense(10, activation="softmax")])
        head.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy",
                     metrics=["accuracy"])
        head.fit(sign_features["train"][few], signs.y_train[few], epochs=fast_or_full(8, 30), batch_size=32, verbose=0)
        frozen.append(head.evaluate(sign_features["test"], signs.y_test, verbose=0)[1])

    results = SeedResults(tuple(seeds), [{"from scratch": s, "feature extraction": f} for s, f in zip(scratch, frozen)])
    low, high = results.paired_difference("feature extraction", "from scratch").ci95
    conclusion = "transfer better" if low > 0 else "scratch better" if high < 0 else "not clearly apart"
    answer = {"photos per digit": n, "from scratch": scratch, "feature extraction": frozen, "conclusion": conclusion}
    return answer


def _close(given: list[float], right: list[float], size: int) -> bool:
    # the same run, up to 2 test photos per seed (features computed in other batches differ in the last bits)
    return len(given) == len(right) and all(abs(g - r) <= 2 / size for g, r in zip(given, right))


@exercise("05.3", notebook=NOTEBOOK,
          task=N_("Train the scratch CNN and ②'s head on only n photos per digit (5 <= n <= 20) over SEEDS, "
                  "report their test accuracies per seed and say, from the 95 % interval of the per-seed "
                  "differences, whether transfer or scratch is better or neither clearly."),
          hint=N_("few = the first n photos of EACH digit (the line in the task); per seed: seed_everything(seed), "
                  "the scratch CNN on signs.x_train[few]; seed_everything(seed) again, the head on "
                  "sign_features['train'][few]; both evaluated on all the test photos. Then "
                  "SeedResults(...).paired_difference('feature extraction', 'from scratch').ci95 decides."),
          solution=_solution_05_3)
def _check_05_3(answer: Any) -> str | None:
    keys = ("photos per digit", "from scratch", "feature extraction", "conclusion")
    if not isinstance(answer, dict) or not set(keys) <= set(answer):
        return _("the answer should be a dict {'photos per digit': n, 'from scratch': [...], 'feature extraction': "
                 "[...], 'conclusion': ...}, with one test accuracy per seed of SEEDS in each list")
    n, low_n, high_n = answer["photos per digit"], *_FEW_RANGE
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not low_n <= n <= high_n:
        return _("'photos per digit' should be the whole number n of training photos per digit you used, "
                 "{low} to {high} (few photos, where lecture 6-4 expects the choice to change), not {n}").format(
            low=low_n, high=high_n, n=repr(n))
    seeds, signs = _seeds(), notebook_signs()
    measured = {}
    for way in ("from scratch", "feature extraction"):
        values = accuracies_per_seed(answer[way], way)
        if isinstance(values, str):
            return values
        if len(values) != len(seeds):
            return _("answer[{way}] should hold one test accuracy per seed of SEEDS ({seeds}), not {n}").format(
                way=repr(way), seeds=seeds, n=len(values))
        size = len(signs.y_test)
        if not all(is_share_of(v, size) for v in values):
            return _("answer[{way}] holds numbers that are not accuracies on the {size} test photos (a whole "
                     "number of them, divided by their count): evaluate on signs.x_test, all of it").format(
                way=repr(way), size=size)
        measured[way] = values
    reference = _few_photos_reference(int(n))
    size = len(signs.y_test)
    scratch, frozen = measured["from scratch"], measured["feature extraction"]
    if _close(scratch, reference["feature extraction"], size) and _close(frozen, reference["from scratch"], size) \
            and not _close(scratch, reference["from scratch"], size):
        return _("the two lists are swapped: 'from scratch' is the small CNN's, 'feature extraction' the head's")
    for way in ("from scratch", "feature extraction"):
        if _close(measured[way], reference[way], size):
            continue
        if _close(measured[way][::-1], reference[way], size):
            return _("answer[{way}] is in the wrong order: one accuracy per seed, in the order of SEEDS "
                     "({seeds})").format(way=repr(way), seeds=seeds)
        what = (_("the small CNN, SCRATCH_EPOCHS epochs") if way == "from scratch"
                else _("a new Dense(10, softmax) head on sign_features['train'][few], HEAD_EPOCHS epochs"))
        return _("answer[{way}] is not what the experiment gives for n = {n} (the check re-ran it): "
                 "seed_everything(seed), then {what}, trained on the first {n} photos of each digit only and "
                 "evaluated on all the test photos").format(way=repr(way), n=n, what=what)
    conclusion = str(answer["conclusion"]).strip().lower()
    if conclusion not in _VERDICTS:
        return _("'conclusion' should be one of {verdicts}, not {conclusion}").format(
            verdicts=", ".join(repr(v) for v in _VERDICTS), conclusion=repr(answer["conclusion"]))
    results = SeedResults(tuple(seeds), [{"s": s, "f": f} for s, f in zip(scratch, frozen)])
    low, high = results.paired_difference("f", "s").ci95
    return interval_verdict(conclusion, low, high, _VERDICTS, "feature extraction - from scratch")
