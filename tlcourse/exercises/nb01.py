"""Exercises of notebook 01_what_is_transfer_learning: 01.1 (the four terms in the circuit-board
story), 01.2 (a verdict from five seeds, with the numbers that decide it) and 01.3 (experiment:
fine-tuning vs frozen features at 100 photos, read from the 95 % interval).

Per exercise, its solution ``_solution_01_1`` (its body is the code ``solution("01.1")``
shows) and its checker ``_check_01_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

import functools
import re
import time
from typing import Any

import keras
import numpy as np

from tlcourse import data
from tlcourse._i18n import N_, _
from tlcourse.config import SEED, fast_or_full, seed_everything
from tlcourse.exercises import exercise
from tlcourse.exercises._common import as_number, is_share_of
from tlcourse.experiments import SeedResults, run_seeds
from tlcourse.models import backbone_preprocess, imagenet_backbone

__all__: list[str] = []

NOTEBOOK = "01_what_is_transfer_learning"


def _term(key: Any) -> str | None:
    # "Source task", "upstream", "fine_tuning", ... -> one of the four terms
    text = re.sub(r"[\s_\-]+", " ", str(key).lower()).strip().removesuffix(" task")
    return {"source": "source task", "upstream": "source task", "target": "target task",
            "downstream": "target task", "pretraining": "pretraining", "pre training": "pretraining",
            "fine tuning": "fine-tuning", "finetuning": "fine-tuning"}.get(text)


_TERMS = {"source task": "D", "target task": "B", "pretraining": "C", "fine-tuning": "A"}
_IS_TASK = {"A": False, "B": True, "C": False, "D": True}     # B and D are problems, A and C training steps


def _solution_01_1() -> dict[str, str]:
    # A: the start-up trains a new classifier on its 400 photos      -> fine-tuning
    # B: telling the 6 kinds of soldering defects apart              -> target (downstream) task
    # C: Google trains EfficientNetB0 on ImageNet's 1.2 million photos -> pretraining
    # D: telling ImageNet's 1,000 classes apart                      -> source (upstream) task
    answer = {"source task": "D", "target task": "B", "pretraining": "C", "fine-tuning": "A"}
    return answer


@exercise("01.1", notebook=NOTEBOOK,
          task=N_("Match the four terms (source task, target task, pretraining, fine-tuning) to the "
                  "letters A-D of the circuit-board story."),
          hint=N_("Two letters name problems to solve and two name training steps; the seed 001 words "
                  "above say where the knowledge comes from and which step runs first, on the large data set."),
          solution=_solution_01_1)
def _check_01_1(answer: Any) -> str | None:
    if not isinstance(answer, dict):
        return _("the answer should be a dict like {'source task': 'A', 'target task': 'B', "
                 "'pretraining': 'C', 'fine-tuning': 'D'}")
    given = {}
    for key, value in answer.items():
        term = _term(key)
        if term is None:
            return _("{key} is not one of the four terms: source task, target task, pretraining, "
                     "fine-tuning").format(key=repr(key))
        letter = str(value).strip().upper()
        if letter not in _IS_TASK:
            return _("{term}: {value} is not one of the letters A, B, C, D").format(term=term, value=repr(value))
        given[term] = letter
    missing = [term for term in _TERMS if term not in given]
    if missing:
        return _("the dict has no entry for {terms}").format(terms=" and ".join(missing))
    if len(set(given.values())) < 4:
        return _("a letter appears twice: each of A, B, C, D belongs to exactly one term")
    for term, letter in given.items():
        if letter == _TERMS[term]:
            continue
        if term.endswith("task") and not _IS_TASK[letter]:
            return _("the {term} is a problem to solve, but {letter} describes a training step").format(
                term=term, letter=letter)
        if not term.endswith("task") and _IS_TASK[letter]:
            return _("{term} is a training step, but {letter} describes a problem to solve").format(
                term=term, letter=letter)
        if term.endswith("task"):
            return _("source and target are swapped: the source task is where the knowledge is learned "
                     "from a lot of data, the target task is the new problem")
        return _("pretraining and fine-tuning are swapped: which of the two runs first, on the large data set?")
    return None


def _verdict(text: Any) -> str | None:
    text = str(text).lower()
    if re.search(r"no clear|not clear|unclear|inconclusive|no (significant )?difference|can(no|')t tell|"
                 r"not (significantly )?(better|worse)", text):
        return "no clear difference"
    if "worse" in text:
        return "worse"
    if "better" in text:
        return "better"
    return None


_SCRATCH_01_2 = (0.712, 0.745, 0.690, 0.781, 0.733)
_TRANSFER_01_2 = (0.744, 0.760, 0.718, 0.741, 0.752)


def _reference_01_2() -> tuple[float, float, float]:
    # the classmate's paired difference transfer - scratch, in points: mean, CI low, CI high
    results = SeedResults(tuple(range(5)), [{"scratch": s, "transfer": t}
                                            for s, t in zip(_SCRATCH_01_2, _TRANSFER_01_2)])
    diff = results.paired_difference("transfer", "scratch")
    return 100 * diff.mean, 100 * diff.ci95[0], 100 * diff.ci95[1]


def _solution_01_2() -> dict[str, Any]:
    scratch = [0.712, 0.745, 0.690, 0.781, 0.733]
    transfer = [0.744, 0.760, 0.718, 0.741, 0.752]
    results = SeedResults(tuple(range(5)), [{"scratch": s, "transfer": t} for s, t in zip(scratch, transfer)])
    diff = results.paired_difference("transfer", "scratch")
    print(diff.verdict())
    # transfer wins 4 of the 5 seeds, but the 95 % interval of the differences (about -2.5 to
    # +4.7 points) contains 0: one bad seed for transfer is enough to keep it open
    answer = {"mean": 100 * diff.mean, "ci95": (100 * diff.ci95[0], 100 * diff.ci95[1]),
              "verdict": "no clear difference"}
    return answer


@exercise("01.2", notebook=NOTEBOOK,
          task=N_("From five seeds' test accuracies of scratch and transfer, compute the mean paired "
                  "difference transfer - scratch and its 95 % interval (in points), and give the verdict: "
                  "'better', 'worse' or 'no clear difference'."),
          hint=N_("Put the five seeds into SeedResults and call paired_difference('transfer', 'scratch'), "
                  "as section 7 does (its .mean and .ci95 are fractions: times 100 for points), or compute "
                  "the mean of the five differences ± t * sd / sqrt(5) yourself, with t for 4 degrees of "
                  "freedom."),
          solution=_solution_01_2)
def _check_01_2(answer: Any) -> str | None:
    if not isinstance(answer, dict) or not {"mean", "ci95", "verdict"} <= set(answer):
        return _("the answer should be a dict {'mean': ..., 'ci95': (low, high), 'verdict': ...}: the "
                 "numbers that decide, and the verdict they give")
    mean = as_number(answer["mean"], N_("a number (points)"))
    if isinstance(mean, str):
        return f"'mean': {mean}"
    try:
        low, high = (float(v) for v in answer["ci95"])
    except (TypeError, ValueError):
        return _("'ci95' should be two numbers, (low, high), in points")
    ref_mean, ref_low, ref_high = _reference_01_2()
    if abs(mean * 100 - ref_mean) < 0.05 and abs(mean - ref_mean) > 0.05:
        return _("'mean' looks like a fraction: give the difference in points (times 100), as the verdict line "
                 "does")
    if abs(mean + ref_mean) < 0.05 and abs(mean - ref_mean) > 0.05:
        return _("'mean' has the wrong sign: the difference is transfer - scratch, seed by seed")
    if abs(mean - ref_mean) > 0.05:
        return _("'mean' is not the mean of the five per-seed differences transfer - scratch (in points): "
                 "subtract within each seed, then average")
    if abs(low - ref_low) > 0.05 or abs(high - ref_high) > 0.05:
        if abs((high - low) - (ref_high - ref_low)) > 0.05 and abs(low + high - 2 * ref_mean) < 0.1:
            return _("'ci95' is centred on the right mean but has the wrong width: the half-width is "
                     "t * sd / sqrt(n), with the sd of the five *differences* (a paired comparison) and t of "
                     "Student's distribution with 4 degrees of freedom (not 1.96: five seeds are few)")
        return _("'ci95' is not the 95 % interval of the mean difference: mean ± t * sd / sqrt(5), in points")
    verdict = _verdict(answer["verdict"])
    if verdict is None:
        return _("'verdict': {verdict} is none of 'better', 'worse' or 'no clear difference'").format(
            verdict=repr(answer["verdict"]))
    if verdict == "better":
        return _("your own interval contains zero: winning most seeds is not enough, 'better' needs the "
                 "whole 95 % interval above zero")
    if verdict == "worse":
        return _("'worse' needs the whole 95 % interval below zero, and yours contains zero")
    return None


_PHOTOS_01_3 = 100               # a size between the curve's 50 and 200 that it did not run


def _pets_pool() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # section 3's photos in this mode: the pool (training + validation photos) and the test photos
    pets = data.load("cats_vs_dogs", image_size=(96, 96), limit_per_class=fast_or_full(150, None), verbose=False)
    return (np.concatenate([pets.x_train, pets.x_val]), np.concatenate([pets.y_train, pets.y_val]),
            pets.x_test, pets.y_test)


def _draw(y_pool: np.ndarray, n: int, seed: int) -> np.ndarray:
    # section 4's draw(n, seed): n photos of the pool, half of each class
    rng = np.random.default_rng(seed)
    return rng.permutation(np.concatenate([rng.choice(np.flatnonzero(y_pool == c), n // 2, replace=False)
                                           for c in (0, 1)]))


def _fit_head(features: np.ndarray, y: np.ndarray, seed: int) -> keras.Model:
    # section 4's way 2: a new Dense(2) head, Adam 1e-3, EPOCHS_NEW epochs of at least 256 photos, batch 32
    times = -(-256 // len(y))
    seed_everything(seed)
    head = keras.Sequential([keras.Input(shape=features.shape[1:]),
                             keras.layers.Dense(2, activation="softmax", name="new_head")])
    head.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy")
    head.fit(np.concatenate([features] * times), np.concatenate([y] * times), epochs=fast_or_full(5, 15),
             batch_size=32, verbose=0)
    return head


@functools.lru_cache(maxsize=2)
def _features_reference(n: int, seeds: tuple[int, ...]) -> tuple[dict[int, float], int]:
    # what three_ways(n, seed) gives for "features", per seed (the cheap way), and the number of test photos
    x_pool, y_pool, x_test, y_test = _pets_pool()
    base = imagenet_backbone("mobilenet_v2", (96, 96, 3))
    inputs = keras.Input(shape=(96, 96, 3))
    cut = base.get_layer("block_12_add").output
    bottom = keras.Model(inputs, keras.Model(base.input, cut)(backbone_preprocess("mobilenet_v2")(inputs)))
    pooled_top = keras.Sequential([keras.Input(cut.shape[1:]), keras.Model(cut, base.output),
                                   keras.layers.GlobalAveragePooling2D()])

    def features(x):
        return pooled_top.predict(bottom.predict(x, verbose=0), verbose=0)

    f_test, accuracy = features(x_test), {}
    for seed in seeds:
        idx = _draw(y_pool, n, seed)
        head = _fit_head(features(x_pool[idx]), y_pool[idx], seed)
        probabilities = keras.ops.convert_to_numpy(head(f_test, training=False))
        accuracy[seed] = float(np.mean(np.argmax(probabilities, axis=1) == y_test))
    return accuracy, len(y_test)


def _solution_01_3() -> dict[str, Any]:
    # In the notebook: results = run_seeds(lambda seed: three_ways(100, seed), SEEDS). Here the same
    # two transfer ways of three_ways, written out (scratch left out: the question does not need it).
    n, seeds = 100, [SEED + i for i in range(fast_or_full(2, 3))]
    pets = data.load("cats_vs_dogs", image_size=(96, 96), limit_per_class=fast_or_full(150, None))
    x_pool, y_pool = np.concatenate([pets.x_train, pets.x_val]), np.concatenate([pets.y_train, pets.y_val])
    base = imagenet_backbone("mobilenet_v2", (96, 96, 3))
    inputs = keras.Input(shape=(96, 96, 3))
    cut = base.get_layer("block_12_add").output
    bottom = keras.Model(inputs, keras.Model(base.input, cut)(backbone_preprocess("mobilenet_v2")(inputs)))
    top = keras.Model(cut, base.output)
    pooled_top = keras.Sequential([keras.Input(cut.shape[1:]), top, keras.layers.GlobalAveragePooling2D()])
    a_test = bottom.predict(pets.x_test, verbose=0)
    f_test = pooled_top.predict(a_test, verbose=0)
    top_weights = top.get_weights()

    def fit(model, x, y, epochs, learning_rate):
        times = -(-256 // len(y))                           # one epoch shows at least 256 photos
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                      loss="sparse_categorical_crossentropy")
        start = time.perf_counter()
        model.fit(np.concatenate([x] * times), np.concatenate([y] * times), epochs=epochs, batch_size=32, verbose=0)
        return time.perf_counter() - start

    def accuracy(model, x):
        return float(np.mean(np.argmax(keras.ops.convert_to_numpy(model(x, training=False)), axis=1) == pets.y_test))

    def two_ways(seed):
        rng = np.random.default_rng(seed)                   # draw(n, seed): half cats, half dogs
        idx = rng.permutation(np.concatenate([rng.choice(np.flatnonzero(y_pool == c), n // 2, replace=False)
                                              for c in (0, 1)]))
        a, y = bottom.predict(x_pool[idx], verbose=0), y_pool[idx]
        seed_everything(seed)
        head = keras.Sequential([keras.Input(shape=(1280,)), keras.layers.Dense(2, activation="softmax",
                                                                                name="new_head")])
        s_head = fit(head, pooled_top.predict(a, verbose=0), y, fast_or_full(5, 15), 1e-3)
        seed_everything(seed)
        top.set_weights(top_weights)                        # every fine-tuning starts from ImageNet's weights
        for layer in top.layers:
            layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)
        a_in = keras.Input(shape=a.shape[1:])
        new_head = keras.layers.Dense(2, activation="softmax", name="new_head")
        tuned = keras.Model(a_in, new_head(keras.layers.GlobalAveragePooling2D()(top(a_in, training=False))))
        new_head.set_weights(head.get_layer("new_head").get_weights())
        s_tune = fit(tuned, a, y, fast_or_full(2, 5), 1e-4)
        row = {"features": accuracy(head, f_test), "fine-tuning": accuracy(tuned, a_test),
               "features s": s_head, "fine-tuning s": s_head + s_tune}
        for layer in top.layers:
            layer.trainable = False
        top.set_weights(top_weights)
        return row

    results = run_seeds(two_ways, seeds)
    diff = results.paired_difference("fine-tuning", "features")
    print(diff.verdict())
    conclusion = "better" if diff.ci95[0] > 0 else "worse" if diff.ci95[1] < 0 else "no clear difference"
    answer = {"photos": n, "results": results, "conclusion": conclusion}
    return answer


@exercise("01.3", notebook=NOTEBOOK,
          task=N_("Run the three ways at 100 photos (a size the curve did not run) over the notebook's seeds, "
                  "and say from the paired difference's 95 % interval whether fine-tuning is 'better', 'worse' "
                  "or 'no clear difference' than frozen features there."),
          hint=N_("results = run_seeds(lambda seed: three_ways(100, seed), SEEDS) runs it (about a minute); "
                  "results.paired_difference('fine-tuning', 'features') gives the interval, and its verdict() "
                  "sentence says what it means. Answer with the SeedResults itself, not numbers copied from it."),
          solution=_solution_01_3)
def _check_01_3(answer: Any) -> str | None:
    if not isinstance(answer, dict) or not {"photos", "results", "conclusion"} <= set(answer):
        return _("the answer should be a dict {'photos': 100, 'results': <what run_seeds returned>, "
                 "'conclusion': ...}")
    if answer["photos"] != _PHOTOS_01_3:
        return _("'photos' is {photos}: the exercise asks for {n} photos, between the curve's 50 and 200, a size "
                 "it did not run").format(photos=repr(answer["photos"]), n=_PHOTOS_01_3)
    results = answer["results"]
    if not isinstance(results, SeedResults):
        return _("'results' should be what run_seeds returned (a SeedResults), with every seed's row")
    seeds = tuple(SEED + i for i in range(fast_or_full(2, 3)))
    if tuple(results.seeds) != seeds:
        return _("'results' has the seeds {given}, not the notebook's SEEDS {seeds}: one row per seed, all of "
                 "them, or the interval is not the one the curve's verdicts use").format(
                     given=list(results.seeds), seeds=list(seeds))
    missing = [m for m in ("features", "fine-tuning", "features s", "fine-tuning s") if m not in results.metrics]
    if missing:
        return _("'results' has no {metrics}: run three_ways(100, seed) for each seed").format(
            metrics=", ".join(map(repr, missing)))
    if any(row["fine-tuning s"] <= row["features s"] for row in results.rows):
        return _("in some row fine-tuning took no longer than the head alone, but three_ways' fine-tuning clock "
                 "starts where the head's stopped: these rows are not what three_ways measured")
    reference, n_test = _features_reference(_PHOTOS_01_3, seeds)
    for row, seed in zip(results.rows, seeds):
        for way in ("features", "fine-tuning"):
            if not is_share_of(row[way], n_test):
                return _("seed {seed}: {way} = {value} is not an accuracy on the {n_test:,} test photos (a whole "
                         "number of them, divided by their count)").format(
                             seed=seed, way=way, value=repr(row[way]), n_test=n_test)
        if abs(row["features"] - reference[seed]) > 2.5 / n_test:
            return _("seed {seed}: the frozen-features accuracy {accuracy:.4f} is not what three_ways(100, {seed}) "
                     "gives; the check re-ran that way and gets another number: same photos (draw(100, seed)), "
                     "same seed, same recipe").format(seed=seed, accuracy=row["features"])
    diff = results.paired_difference("fine-tuning", "features")
    low, high = diff.ci95
    right = "better" if low > 0 else "worse" if high < 0 else "no clear difference"
    given = _verdict(answer["conclusion"])
    if given is None:
        return _("'conclusion': {conclusion} is none of 'better', 'worse' or 'no clear difference'").format(
            conclusion=repr(answer["conclusion"]))
    if given != right:
        needs = {"better": N_("the whole interval above zero"), "worse": N_("the whole interval below zero"),
                 "no clear difference": N_("an interval that contains zero")}[given]
        return _("your own interval for fine-tuning - features is {low:+.2f} to {high:+.2f} points (fine-tuning "
                 "higher in {wins} of {n} seeds): '{given}' needs {needs}").format(
                     low=100 * low, high=100 * high, wins=diff.wins, n=diff.n, given=given, needs=_(needs))
    return None
