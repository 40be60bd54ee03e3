"""Exercises of notebook 03_three_ways_to_transfer: 03.1 (① paper scans made to look like MNIST),
03.2 (② the frozen feature extractor with a new head, as a function of input shape and classes)
and 03.3 (experiment: the same head on ImageNet features and on a random MobileNetV2's).

Per exercise, its solution ``_solution_03_1`` (its body is the code ``solution("03.1")``
shows) and its checker ``_check_03_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from tlcourse import data
from tlcourse._i18n import N_, _
from tlcourse.config import fast_or_full, seed_everything
from tlcourse.exercises import exercise
from tlcourse.exercises._common import (
    imagenet_sign_features,
    interval_verdict,
    is_function,
    is_share_of,
    notebook_signs,
    pooled_features,
    seed_answer,
    weighted_layers,
)
from tlcourse.experiments import run_seeds
from tlcourse.models import backbone_preprocess, imagenet_backbone, load_pretrained

__all__: list[str] = []

NOTEBOOK = "03_three_ways_to_transfer"


# --- 03.1: ① needs inputs that look like the source's -------------------------------------------

def _paper_reference(x: np.ndarray) -> np.ndarray:
    # paper scans (0 = black ink, 1 = white paper, any square size) -> MNIST's layout, as the notebook's
    # digits_as_mnist does it: white ink on black, 0..255, the digit in a 20 x 20 box centred in 28 x 28
    ink = (1 - np.asarray(x, dtype="float32"))[..., np.newaxis] * 255
    ink = keras.ops.convert_to_numpy(keras.ops.image.resize(ink, (20, 20), interpolation="bilinear"))
    return np.clip(np.pad(ink, ((0, 0), (4, 4), (4, 4), (0, 0))), 0, 255)


@functools.lru_cache(maxsize=1)
def _paper_digits() -> tuple[np.ndarray, np.ndarray]:
    # all 1,797 scikit-learn digits as the notebook's paper scans: 1 - x / 16, and their labels
    digits = data.load("digits", verbose=False)
    x = np.concatenate([digits.x_train, digits.x_val, digits.x_test]).astype("float32")
    y = np.concatenate([digits.y_train, digits.y_val, digits.y_test])
    return 1 - x / 16, y


@functools.lru_cache(maxsize=1)
def _mnist_cnn() -> keras.Model:
    return load_pretrained("mnist_cnn")


def _accuracy_as_is(x28: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(_mnist_cnn().predict(x28, verbose=0).argmax(axis=1) == y))


def _solution_03_1() -> Callable[[np.ndarray], np.ndarray]:
    def paper_as_mnist(x):
        # paper scans: 0 = black ink, 1 = white paper, any square size -> MNIST: white ink on black,
        # 0..255, the digit in a 20 x 20 box centred in 28 x 28 (4 black pixels on every side)
        ink = (1 - x.astype("float32"))[..., np.newaxis] * 255        # invert, then 0..1 -> 0..255
        ink = keras.ops.convert_to_numpy(keras.ops.image.resize(ink, (20, 20), interpolation="bilinear"))
        return np.clip(np.pad(ink, ((0, 0), (4, 4), (4, 4), (0, 0))), 0, 255)

    # try it: accuracy_as_is(paper_as_mnist(x_paper)); digits_as_mnist((1 - x) * 16) does the same
    answer = paper_as_mnist
    return answer


def _convert(answer: Any, x: np.ndarray) -> np.ndarray | str:
    # the student's conversion of x as a float array (n, 28, 28, 1), or the sentence saying what is wrong
    size = x.shape[1]
    given = x.copy()
    try:
        out = answer(given)
    except Exception as error:  # noqa: BLE001 - a student's function may raise anything: say which
        return _("on {n} paper scans of {size} x {size} pixels your function raised {error}: {message}. It should "
                 "work for square scans of any size (resize them to the 20 x 20 box)").format(
                     n=len(x), size=size, error=type(error).__name__, message=_short(error))
    if not np.array_equal(given, x):
        return _("your function changed the scans it was given (in place): work on a copy, x.astype('float32')")
    try:
        out = np.asarray(keras.ops.convert_to_numpy(out), dtype="float32")
    except Exception:  # noqa: BLE001
        return _("your function returned a {type}, not an array of images").format(type=type(out).__name__)
    if out.shape == (len(x), 28, 28):
        return _("the images have shape (n, 28, 28): mnist_cnn takes (n, 28, 28, 1), add the channel axis "
                 "(x[..., np.newaxis])")
    if out.shape != (len(x), 28, 28, 1):
        return _("on {n} scans of {size} x {size} your function returned shape {shape}: MNIST's layout "
                 "is ({n}, 28, 28, 1)").format(n=len(x), size=size, shape=out.shape)
    if not np.all(np.isfinite(out)):
        return _("some pixels are NaN or infinite")
    return out


def _layout_problem(answer: Any, size: int) -> str | None:
    # polarity, value range and box, probed with blank paper and with a scan that is all ink
    blank = _convert(answer, np.ones((2, size, size), "float32"))
    if isinstance(blank, str):
        return blank
    full = _convert(answer, np.zeros((2, size, size), "float32"))
    if isinstance(full, str):
        return full
    inside, top = full[:, 4:24, 4:24], full.max()
    if blank[:, 4:24, 4:24].mean() >= inside.mean():
        return _("blank white paper came out at least as bright as a scan full of ink: to mnist_cnn a bright pixel "
                 "is ink. MNIST is white ink on black, the scans are black ink on white: invert them")
    if blank.max() > 1:
        return _("blank paper should come out all black (0): there is no ink on it")
    if top <= 1.01:
        return _("a scan that is all ink comes out at most 1: mnist_cnn's first layer divides by 255 itself, so it "
                 "wants MNIST's raw 0..255 values, ink = 255")
    if top < 250:
        return _("a scan that is all ink comes out at most {top:.1f}, but MNIST's ink is 255: stretch the scans' "
                 "0..1 (not 0..16 as the scikit-learn digits) to 0..255").format(top=top)
    if top > 255.5:
        return _("full ink comes out as {top:.0f}, above MNIST's 255").format(top=top)
    rows, cols = (np.flatnonzero((full[0, ..., 0] > 127).any(axis=a)) for a in (1, 0))
    height, width = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
    if (height, width) == (28, 28):
        return _("the ink fills the whole 28 x 28 image: MNIST digits sit in a 20 x 20 box centred in 28 x 28, "
                 "with 4 black pixels on every side")
    if (height, width) != (20, 20):
        return _("a scan full of ink becomes a {height} x {width} box of ink: MNIST's box is 20 x 20").format(
            height=height, width=width)
    if (rows[0], cols[0]) != (4, 4):
        return _("the 20 x 20 box is not centred: it starts at row {row}, column {column}; MNIST's has 4 black "
                 "pixels on every side").format(row=rows[0], column=cols[0])
    if inside.min() < 250:
        return _("full ink should be 255 all over the box, but parts of it are only {low:.0f}").format(
            low=inside.min())
    return None


def _orientation_problem(answer: Any) -> str | None:
    # ink in the first two columns (then rows) of the scan must land left (then top) in the image
    for axis, where in ((2, N_("left")), (1, N_("top"))):
        scan = np.ones((1, 8, 8), "float32")
        if axis == 1:
            scan[:, :2, :] = 0
        else:
            scan[:, :, :2] = 0
        out = _convert(answer, scan)
        if isinstance(out, str):
            return out
        profile = out[0, ..., 0].sum(axis=0 if axis == 2 else 1)     # ink per column (or per row)
        if profile.sum() <= 0 or np.average(np.arange(28), weights=profile) >= 11:    # the box's centre: 13.5
            return _("ink at the {where} of a scan ends up elsewhere: the digits are flipped or transposed; keep "
                     "rows and columns as they are").format(where=_(where))
    return None


@exercise("03.1", notebook=NOTEBOOK,
          task=N_("Write paper_as_mnist(x): paper scans (n, s, s) with 0 = black ink and 1 = white paper, any size "
                  "s, -> MNIST's layout (n, 28, 28, 1), so that mnist_cnn reads them as is."),
          hint=N_("List what differs from MNIST: ink colour (which of the two is bright?), value range (what does "
                  "mnist_cnn's first layer divide by?), size and box. digits_as_mnist above does all but one of "
                  "the steps, for scans in 0..16."),
          solution=_solution_03_1)
def _check_03_1(answer: Any) -> str | None:
    if not is_function(answer):
        return _("the answer should be a function paper_as_mnist(x) that returns the converted images")
    for size in (8, 12):
        problem = _layout_problem(answer, size)
        if problem is not None:
            return problem if size == 8 else _("for scans of 12 x 12 pixels: {problem}").format(problem=problem)
    problem = _orientation_problem(answer)
    if problem is not None:
        return problem
    x, y = _paper_digits()
    converted = _convert(answer, x)
    if isinstance(converted, str):
        return converted
    theirs, mine = _accuracy_as_is(converted, y), _accuracy_as_is(_paper_reference(x), y)
    if theirs < mine - 0.02:
        return _("mnist_cnn gets {accuracy:.1%} of the 1,797 paper digits right in your layout, clearly less than "
                 "MNIST's own layout gives: ink 255 on black 0, the whole scan resized smoothly into the "
                 "20 x 20 box, centred").format(accuracy=theirs)
    return None


# --- 03.2: ② in raw Keras, for any input shape and number of classes -------------------------------

_CASES = (((96, 96, 3), 10), ((64, 64, 1), 3))        # the checker's two calls: RGB, and grayscale


def _probe(shape: tuple[int, int, int]) -> np.ndarray:
    return np.random.default_rng(3).uniform(0, 255, size=(2, *shape)).astype("float32")


@functools.lru_cache(maxsize=2)
def _reference_base(size: tuple[int, int]) -> keras.Model:
    return imagenet_backbone("mobilenet_v2", (*size, 3))


@functools.lru_cache(maxsize=8)
def _probe_features(shape: tuple[int, int, int], variant: str) -> np.ndarray:
    # the ImageNet base's features of the probe photos: "right" (preprocess, average pooling) or a mistake
    x = _probe(shape)
    x = np.repeat(x, 3, axis=-1) if shape[-1] == 1 else x
    preprocessed = variant in ("right", "max")
    x = backbone_preprocess("mobilenet_v2")(x.copy()) if preprocessed else x / 255 if variant == "0..1" else x
    maps = keras.ops.convert_to_numpy(_reference_base(shape[:2])(x, training=False))
    return maps.max(axis=(1, 2)) if variant == "max" else maps.mean(axis=(1, 2))


def _short(error: Exception) -> str:
    # the line of an error message that says what went wrong (Keras wraps it in colour codes and context)
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in str(error).splitlines()]
    lines = [line for line in lines if line] or [""]
    return next((line for line in lines if "incompatible" in line or "expected" in line), lines[0])[:300]


def _softmax(z: np.ndarray) -> np.ndarray:
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def _solution_03_2() -> Callable[[tuple[int, int, int], int], keras.Model]:
    def frozen_classifier(input_shape, num_classes):
        # ② in raw Keras: ImageNet base without its top, frozen; preprocessing, pooling, a new head
        height, width, channels = input_shape
        base = imagenet_backbone("mobilenet_v2", input_shape=(height, width, 3))
        base.trainable = False                                     # nothing of the base trains
        inputs = keras.Input(shape=input_shape, name="photo")      # raw 0..255 photos
        x = inputs
        if channels == 1:                                          # grayscale: the base wants 3 channels
            x = keras.layers.Concatenate(name="gray_to_rgb")([x, x, x])
        x = backbone_preprocess("mobilenet_v2")(x)                 # 0..255 -> -1..1, as in ImageNet training
        x = base(x, training=False)                                # BatchNormalization in inference mode
        x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
        outputs = keras.layers.Dense(num_classes, activation="softmax", name="new_head")(x)
        return keras.Model(inputs, outputs)

    answer = frozen_classifier       # try it: print(trainable_report(frozen_classifier((96, 96, 1), 3)))
    return answer


def _trainable_problem(model: keras.Model, shape: tuple[int, int, int], k: int) -> str | None:
    count = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    head = 1280 * k + k
    if count == head:
        return None
    if count == 0:
        return _("nothing in the model trains: the base stays frozen, but the new head must train")
    cells = (-(-shape[0] // 32)) * (-(-shape[1] // 32))
    if count == 1280 * cells * k + k:
        return _("the head's Dense layer sees every position of the last feature maps (Flatten): pool each map to "
                 "one number first (GlobalAveragePooling2D), as section ② does")
    if count > 2_000_000:
        return _("{count:,} weights are trainable: the base is not frozen (base.trainable = False), so fit would "
                 "overwrite its ImageNet weights").format(count=count)
    return _("{count:,} weights are trainable, not the {head:,} of one new Dense({k}) on the 1,280 pooled "
             "features: the new head is a single Dense layer").format(count=count, head=head, k=k)


def _model_problem(model: Any, shape: tuple[int, int, int], k: int) -> str | None:
    called = f"frozen_classifier({shape}, {k})"
    if not isinstance(model, keras.Model):
        return _("{called} returned a {type}, not a keras.Model").format(called=called, type=type(model).__name__)
    if tuple(model.input_shape[1:]) != shape:
        return _("{called} takes inputs of shape {given}, not the {shape} it was asked for").format(
            called=called, given=tuple(model.input_shape[1:]), shape=shape)
    try:
        out = keras.ops.convert_to_numpy(model(_probe(shape), training=False))
    except Exception as error:  # noqa: BLE001 - a model built wrongly may fail only when called
        return _("the model of {called} raised {error} on photos of shape {shape}: {message}").format(
            called=called, error=type(error).__name__, shape=shape, message=_short(error))
    if out.shape != (2, k):
        return _("{called} outputs shape {given}, not ({k},): the new head has one unit per class").format(
            called=called, given=out.shape[1:], k=k)
    if not np.allclose(out.sum(axis=1), 1, atol=1e-4) or (out < 0).any():
        return _("the outputs are not probabilities: the new head needs activation='softmax'")
    problem = _trainable_problem(model, shape, k)
    if problem is not None:
        return problem
    layers = weighted_layers(model)
    weights = [w for layer in layers[:-1] for w in layer.get_weights()]
    reference = _reference_base(shape[:2]).get_weights()
    if len(weights) != len(reference) or any(a.shape != b.shape for a, b in zip(weights, reference)):
        return _("below the head the model is not MobileNetV2 without its top: build the base with "
                 "imagenet_backbone('mobilenet_v2', ...) (include_top=False)")
    if any(not np.array_equal(a, b) for a, b in zip(weights, reference)):
        return _("the base does not hold the ImageNet weights (weights=None gives random ones): "
                 "imagenet_backbone loads them from the offline file")
    kernel, bias = layers[-1].get_weights()

    def gives(variant: str) -> bool:         # the student's outputs = the base's features (variant) + their head
        return np.allclose(out, _softmax(_probe_features(shape, variant) @ kernel + bias), atol=1e-4)

    if gives("right"):
        return None
    if gives("raw"):
        return _("the photos reach the base as raw 0..255 values: the ImageNet weights expect -1..1, so apply "
                 "backbone_preprocess('mobilenet_v2') inside the model, before the base")
    if gives("0..1"):
        return _("the photos reach the base scaled to 0..1, but MobileNetV2's ImageNet weights expect -1..1: "
                 "use backbone_preprocess('mobilenet_v2'), the network's own preprocessing")
    if gives("max"):
        return _("the head pools with the maximum: section ②'s head averages each feature map "
                 "(GlobalAveragePooling2D), the pooling MobileNetV2's top was trained with")
    return _("on probe photos the model's outputs differ from a frozen ImageNet MobileNetV2 + preprocessing + "
             "average pooling + your head's weights: the photo (0..255, gray repeated to 3 channels) goes "
             "through backbone_preprocess, the base, GlobalAveragePooling2D and the head, nothing else")


@exercise("03.2", notebook=NOTEBOOK,
          task=N_("Write frozen_classifier(input_shape, num_classes): approach ② as one Keras model for raw 0..255 "
                  "photos of that shape (RGB or grayscale), a frozen ImageNet MobileNetV2 and a new softmax head."),
          hint=N_("Section ②'s raw cell does it for (96, 96, 3) and 10 classes; make the shape and the classes "
                  "arguments. The ImageNet base takes 3 channels only: give a grayscale photo its channel three "
                  "times (keras.layers.Concatenate()([x, x, x])) before the preprocessing."),
          solution=_solution_03_2)
def _check_03_2(answer: Any) -> str | None:
    if not is_function(answer):
        return _("the answer should be a function frozen_classifier(input_shape, num_classes) that returns a model")
    for shape, k in _CASES:
        try:
            model = answer(shape, k)
        except Exception as error:  # noqa: BLE001 - a student's function may raise anything: say which
            return _("frozen_classifier({shape}, {k}) raised {error}: {message}").format(
                shape=shape, k=k, error=type(error).__name__, message=_short(error))
        problem = _model_problem(model, shape, k)
        if problem is not None:
            return problem
    return None


# --- 03.3: experiment, how much of ② is the pretrained features' merit ------------------------------

_FEATURES = ("imagenet", "random")
_CONCLUSIONS = ("a", "b", "c")      # interval of imagenet - random above 0, below 0, across 0


def _head_accuracy(features: dict[str, np.ndarray], signs: Any, seed: int, *, standardise: bool = True) -> float:
    # the 03.3 recipe: standardise with the training photos' mean and sd, then a new head, seeded
    train, test = features["train"], features["test"]
    if standardise:
        mean, sd = train.mean(axis=0), train.std(axis=0)
        sd = np.where(sd > 0, sd, 1)
        train, test = (train - mean) / sd, (test - mean) / sd
    seed_everything(seed)
    head = keras.Sequential([keras.Input(shape=(1280,)), keras.layers.Dense(10, activation="softmax")])
    head.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy",
                 metrics=["accuracy"])
    head.fit(train, signs.y_train, epochs=fast_or_full(8, 30), batch_size=32, verbose=0)
    return float(head.evaluate(test, signs.y_test, verbose=0)[1])


@functools.lru_cache(maxsize=4)
def _reference_03_3(seed: int, fast: bool) -> tuple[dict[str, float], dict[str, Any], Any]:
    # both metrics of one seed, recomputed; the random features too (for the diagnosis of a mismatch)
    # `fast` keys the cache: the photos and their features differ between fast and full mode
    signs = notebook_signs()
    imagenet = imagenet_sign_features()
    seed_everything(seed)
    random_features = pooled_features(signs, weights=None)
    accuracies = {"imagenet": _head_accuracy(imagenet, signs, seed),
                  "random": _head_accuracy(random_features, signs, seed)}
    return accuracies, {"imagenet": imagenet, "random": random_features}, signs


def _solution_03_3() -> tuple[Any, str]:
    # In the notebook: signs and sign_features (section ②) are there already; HEAD_EPOCHS = fast_or_full(8, 30)
    signs = data.load("sign_language_digits", image_size=(96, 96), limit_per_class=fast_or_full(30, None))
    head_epochs = fast_or_full(8, 30)

    def features_of(base):
        # section ②'s extractor on another base: preprocess, base in inference mode, average pooling
        inputs = keras.Input(shape=(96, 96, 3), name="photo")
        x = base(backbone_preprocess("mobilenet_v2")(inputs), training=False)
        extractor = keras.Model(inputs, keras.layers.GlobalAveragePooling2D(name="pool")(x))
        return {part: extractor.predict(getattr(signs, f"x_{part}"), verbose=0) for part in ("train", "test")}

    def head_accuracy(features, seed):
        mean, sd = features["train"].mean(axis=0), features["train"].std(axis=0)
        sd = np.where(sd > 0, sd, 1)                                 # a feature that never varies stays 0
        train, test = (features["train"] - mean) / sd, (features["test"] - mean) / sd   # training photos' stats
        seed_everything(seed)
        head = keras.Sequential([keras.Input(shape=(1280,)), keras.layers.Dense(10, activation="softmax")])
        head.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy",
                     metrics=["accuracy"])
        head.fit(train, signs.y_train, epochs=head_epochs, batch_size=32, verbose=0)
        return float(head.evaluate(test, signs.y_test, verbose=0)[1])

    imagenet = features_of(imagenet_backbone("mobilenet_v2", input_shape=(96, 96, 3)))   # = sign_features

    def imagenet_vs_random(seed):
        seed_everything(seed)                                        # this seed's random weights ...
        random_base = imagenet_backbone("mobilenet_v2", input_shape=(96, 96, 3), weights=None)
        return {"imagenet": head_accuracy(imagenet, seed),           # ... and the same head recipe on both
                "random": head_accuracy(features_of(random_base), seed)}

    results = run_seeds(imagenet_vs_random, range(3), verbose=True)
    difference = results.paired_difference("imagenet", "random")
    print(results, difference, sep="\n")
    low, high = difference.ci95
    conclusion = "a" if low > 0 else "b" if high < 0 else "c"
    answer = (results, conclusion)
    return answer


@exercise("03.3", notebook=NOTEBOOK,
          task=N_("Train the same head (features standardised, HEAD_EPOCHS) on ImageNet features and on the "
                  "features of a randomly initialised MobileNetV2, seeds 0..n-1 (n >= 3), test accuracy on the signs; "
                  "answer (results of run_seeds, conclusion 'a', 'b' or 'c')."),
          hint=N_("Per seed: seed_everything(seed), then imagenet_backbone('mobilenet_v2', (96, 96, 3), "
                  "weights=None) and section ②'s extractor on it (preprocess, base(x, training=False), "
                  "GlobalAveragePooling2D) for the train and test photos; sign_features serve for ImageNet. For "
                  "both: standardise with the training photos' mean and sd, seed_everything(seed), a new "
                  "Dense(10, softmax), Adam 1e-3, HEAD_EPOCHS, batch 32, evaluate on the test photos. Read the "
                  "conclusion off results.paired_difference('imagenet', 'random').ci95."),
          solution=_solution_03_3)
def _check_03_3(answer: Any) -> str | None:
    read = seed_answer(answer, _FEATURES, _CONCLUSIONS)
    if isinstance(read, str):
        return read
    results, conclusion = read
    signs = notebook_signs()
    n_test = len(signs.y_test)
    for name in _FEATURES:
        if not all(is_share_of(float(v), n_test) for v in results.values(name)):
            return _("the {name} numbers are not accuracies on the {n_test} test photos (a whole number of them "
                     "divided by their count): evaluate each head on the test photos' features, as "
                     "fractions").format(name=repr(name), n_test=n_test)
    seed = random.choice(list(results.seeds))                # one seed, recomputed: a made-up table fails
    mine, features, signs = _reference_03_3(int(seed), fast_or_full(True, False))
    theirs = {name: float(results.values(name)[int(seed)]) for name in _FEATURES}
    tolerance = 1.5 / n_test                                 # one photo either way
    if not all(abs(theirs[n] - mine[n]) <= tolerance for n in _FEATURES):
        swapped = {"imagenet": theirs["random"], "random": theirs["imagenet"]}
        if all(abs(swapped[n] - mine[n]) <= tolerance for n in _FEATURES):
            return _("the 'imagenet' and 'random' numbers are swapped")
        if abs(theirs["imagenet"] - mine["imagenet"]) <= tolerance:
            raw = _head_accuracy(features["random"], signs, int(seed), standardise=False)
            if abs(theirs["random"] - raw) <= tolerance and abs(raw - mine["random"]) > tolerance:
                return _("the random features were not standardised: a random MobileNetV2's pooled features are "
                         "tiny (its BatchNormalization statistics were never fitted), so the head barely moves. "
                         "Standardise both feature sets with the training photos' mean and sd")
            return _("the 'random' number of seed {seed} is not what the described experiment gives (recomputed): "
                     "call seed_everything(seed) right before imagenet_backbone(..., weights=None), use section ②'s "
                     "extractor on it, and the same standardised head as for the ImageNet features").format(seed=seed)
        return _("the 'imagenet' number of seed {seed} is not what the described experiment gives (recomputed): "
                 "section ②'s features of the train and test photos, standardised with the training photos' mean "
                 "and sd, seed_everything(seed), a new Dense(10, softmax), Adam 1e-3, HEAD_EPOCHS epochs, "
                 "batch 32").format(seed=seed)
    low, high = results.paired_difference("imagenet", "random").ci95
    return interval_verdict(conclusion, low, high, _CONCLUSIONS, "imagenet - random")
