"""Exercises of notebook 06_reusing_layers_in_keras: 06.1 (model B on A, the slides' way), 06.2
(a 28 x 28 model for 56 x 56 images) and 06.3 (does reusing A help B with 50 images? seeds and an
interval decide).

Per exercise, its solution ``_solution_06_1`` (its body is the code ``solution("06.1")``
shows) and its checker ``_check_06_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from typing import Any

import keras
import numpy as np
from sklearn.model_selection import train_test_split

from tlcourse._i18n import N_, _
from tlcourse.config import SEED, fast_or_full, seed_everything
from tlcourse.data import load_arrays
from tlcourse.exercises import exercise
from tlcourse.exercises._common import accuracies_per_seed, interval_verdict, is_function, is_model_pair, is_share_of
from tlcourse.experiments import run_seeds
from tlcourse.models import load_pretrained
from tlcourse.surgery import compile_again, freeze, reuse_layers, unfreeze

__all__: list[str] = []

NOTEBOOK = "06_reusing_layers_in_keras"


def _solution_06_1() -> tuple[keras.Model, keras.Model]:
    # a tiny model A (in the notebook: model_A = load_pretrained("fashion_mnist_model_a"))
    model_A = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                                keras.layers.Flatten(), keras.layers.Dense(8, activation="relu"),
                                keras.layers.Dense(8, activation="softmax")])

    model_A_clone = keras.models.clone_model(model_A)        # new layers ...
    model_A_clone.set_weights(model_A.get_weights())         # ... with A's weight values
    model_B_on_A = keras.Sequential([keras.Input(shape=(28, 28))] + model_A_clone.layers[:-1])
    model_B_on_A.add(keras.layers.Dense(1, activation="sigmoid"))
    for layer in model_B_on_A.layers[:-1]:
        layer.trainable = False                              # freeze the reused layers
    answer = (model_A, model_B_on_A)
    return answer


@exercise("06.1", notebook=NOTEBOOK,
          task=N_("Build model B on A the slides' way: a clone of model A with A's weights, all its layers "
                  "but the output layer, a new Dense(1, 'sigmoid'), the reused layers frozen; answer "
                  "(model_A, model_B_on_A)."),
          hint=N_("Section 2 does it step by step: clone_model, set_weights, "
                  "Sequential([keras.Input(shape=(28, 28))] + clone.layers[:-1]), add the new output "
                  "layer, then trainable = False on every layer but the last."),
          solution=_solution_06_1)
def _check_06_1(answer: Any) -> str | None:
    if not is_model_pair(answer):
        return _("the answer should be a pair of Keras models: (model_A, model_B_on_A)")
    model_a, model_b = answer
    if not model_b.built or not model_b.weights:
        return _("model B is not built yet, so nothing about it can be checked: start its layers with "
                 "keras.Input(shape=(28, 28)), the input model A has")
    a_layers, b_layers = list(model_a.layers), list(model_b.layers)
    if len(b_layers) != len(a_layers):
        return _("model B has {b} layers and model A {a}: B should reuse every "
                 "layer of A but the output layer, plus one new output layer").format(b=len(b_layers), a=len(a_layers))
    if any(w is v for w in model_b.weights for v in model_a.weights):
        return _("model B shares weight variables with model A, so training B would change A: build B from a clone")
    last = b_layers[-1]
    if not (isinstance(last, keras.layers.Dense) and last.units == 1
            and getattr(last.activation, "__name__", "") == "sigmoid"):
        return _("model B's last layer should be a new Dense(1, activation='sigmoid') for the two-class task B")
    for layer_a, layer_b in zip(a_layers[:-1], b_layers[:-1]):
        wa, wb = layer_a.get_weights(), layer_b.get_weights()
        if len(wa) != len(wb) or any(x.shape != y.shape or not np.array_equal(x, y) for x, y in zip(wa, wb)):
            return _("the weights of B's layer {b} differ from those of A's {a}: "
                     "did the clone get A's weight values (set_weights)?").format(b=repr(layer_b.name),
                                                                                  a=repr(layer_a.name))
    if any(layer.trainable for layer in b_layers[:-1] if layer.weights):
        return _("some reused layers of model B are still trainable: freeze them before the first compile")
    if not (model_b.trainable and last.trainable):
        return _("model B's new output layer is frozen: it is the one layer that must train")
    return None


def _solution_06_2() -> Callable[[keras.Model], keras.Model]:
    def for_56(model):
        # 56 x 56 x 1 images -> resized to 28 x 28 -> channel axis dropped -> the model's layers
        return keras.Sequential([keras.Input(shape=(56, 56, 1)),
                                 keras.layers.Resizing(28, 28),
                                 keras.layers.Reshape((28, 28)),
                                 *model.layers])

    answer = for_56          # in the notebook: for_56(model_B_on_A)
    return answer


@exercise("06.2", notebook=NOTEBOOK,
          task=N_("Write a function that takes a model for 28 x 28 images and returns a model for 56 x 56 x 1 "
                  "images that resizes them to 28 x 28 before the reused layers."),
          hint=N_("Section 5's model_B_56 puts a Resizing and a Reshape layer in front of the reused layers; "
                  "wrap that in a function of the model."),
          solution=_solution_06_2)
def _check_06_2(answer: Any) -> str | None:
    if not is_function(answer):
        return _("the answer should be a function that takes a 28 x 28 model and returns a new model")
    small = _probe_model()
    big = answer(small)
    if not isinstance(big, keras.Model):
        return _("the function returned a {type}, not a Keras model").format(type=type(big).__name__)
    if tuple(big.input_shape[1:]) != (56, 56, 1):
        return _("the new model takes inputs of shape {shape}, not (56, 56, 1)").format(
            shape=tuple(big.input_shape[1:]))
    rng = np.random.default_rng(4)
    x = rng.integers(0, 256, size=(6, 28, 28)).astype("float32")
    x_56 = x.repeat(2, axis=1).repeat(2, axis=2)[..., np.newaxis]          # each pixel 2 x 2
    expected = keras.ops.convert_to_numpy(small(x))
    got = keras.ops.convert_to_numpy(big(x_56))
    if got.shape != expected.shape:
        return _("the new model's output has shape {shape}, the original's {original}").format(
            shape=got.shape[1:], original=expected.shape[1:])
    if not any(np.allclose(got, reference, atol=1e-4)
               for reference in [expected, *_resized_references(small, x_56)]):
        return _("on 2x-upscaled images its predictions differ from the original model's on the 28 x 28 "
                 "images: resize the whole image to 28 x 28 in front of the reused layers")
    # 56 x 56 photos whose 2 x 2 blocks are NOT uniform: keeping one pixel per block (decimation,
    # nearest neighbour) now gives another image than a real resize, which blends each block
    photos = rng.integers(0, 256, size=(6, 56, 56, 1)).astype("float32")
    got = keras.ops.convert_to_numpy(big(photos))
    if any(np.allclose(got, reference, atol=1e-4) for reference in _resized_references(small, photos)):
        return None
    kept = [keras.ops.convert_to_numpy(small(photos[:, i::2, j::2, 0])) for i in (0, 1) for j in (0, 1)]
    if any(np.allclose(got, reference, atol=1e-4) for reference in kept):
        return _("it keeps one pixel of every 2 x 2 block and drops the other three (a stride-2 slice or "
                 "'nearest' interpolation): that only works on 2x-upscaled images. A resize blends the pixels "
                 "it merges; use keras.layers.Resizing with its default (bilinear) interpolation")
    return _("on 56 x 56 photos (not 2x-upscaled ones) its predictions match no resize to 28 x 28 of the "
             "photo: shrink the whole image with keras.layers.Resizing, not by max-pooling or cropping it")


def _probe_model() -> keras.Model:
    # a small 28 x 28 model whose output changes visibly when any pixel does
    # (seeded initialisers: the global random state of the student's notebook is left alone)
    init = keras.initializers.GlorotUniform
    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                             keras.layers.Flatten(),
                             keras.layers.Dense(16, activation="tanh", kernel_initializer=init(seed=4)),
                             keras.layers.Dense(3, activation="softmax", kernel_initializer=init(seed=5))])


def _resized_references(small: keras.Model, photos: np.ndarray) -> list[np.ndarray]:
    # the small model's predictions after every interpolating resize this Keras offers ('nearest' is
    # a decimation, so it is not one of them; older Keras versions lack 'area'), and after the mean of
    # each 2 x 2 block, which is what an area resize does for a 2x shrink, on every Keras version
    images = [np.asarray(photos).reshape(-1, 28, 2, 28, 2).mean(axis=(2, 4))]
    for method in ("bilinear", "area", "bicubic", "lanczos3", "lanczos5"):
        try:
            resized = keras.ops.image.resize(photos, (28, 28), interpolation=method)
        except ValueError:                       # an interpolation this Keras version does not have
            continue
        images.append(keras.ops.reshape(resized, (-1, 28, 28)))
    return [keras.ops.convert_to_numpy(small(image)) for image in images]


# --------------------------------------------------------------------------- 06.3

N_B_06_3 = 50                                   # task B's training images in 06.3 (section 7: 200)
CONCLUSIONS_06_3 = ("transfer better", "no clear difference", "transfer worse")


def _solution_06_3() -> dict[str, Any]:
    from tlcourse.pretrain import task_a_b_split

    # task B as in the notebook: a fixed validation set aside, the training images drawn per seed
    (x_train, y_train), (x_test, y_test) = load_arrays("fashion_mnist")
    _, (X_B, y_B) = task_a_b_split(x_train, y_train)
    _, (X_test_B, y_test_B) = task_a_b_split(x_test, y_test)
    X_pool_B, _, y_pool_B, _ = train_test_split(X_B, y_B, test_size=1_000, stratify=y_B, random_state=SEED)
    model_A = load_pretrained("fashion_mnist_model_a")
    epochs = fast_or_full((1, 3), (4, 16))                   # EPOCHS: (frozen, fine-tuning)

    def accuracy(model):
        return float(np.mean((keras.ops.convert_to_numpy(model(X_test_B))[:, 0] > 0.5) == y_test_B))

    def experiment(seed):
        _, X, _, y = train_test_split(X_pool_B, y_pool_B, test_size=50, stratify=y_pool_B,
                                      random_state=seed)             # draw_train_B(seed, n=50)
        seed_everything(seed)                                # model B on A: train_B_on_A(X, y, seed, EPOCHS)
        transfer = reuse_layers(model_A)
        transfer.add(keras.layers.Dense(1, activation="sigmoid"))
        freeze(transfer, upto=-1)
        transfer.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=1e-2))
        transfer.fit(X, y, epochs=epochs[0], batch_size=32, verbose=0)
        unfreeze(transfer)
        compile_again(transfer, learning_rate=1e-4)
        transfer.fit(X, y, epochs=epochs[1], batch_size=32, verbose=0)
        seed_everything(seed)                                # from scratch: scratch_accuracy(X, y, seed, 1e-2)
        hidden = [keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal") for _ in range(3)]
        scratch = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                                    keras.layers.Flatten(), *hidden, keras.layers.Dense(1, activation="sigmoid")])
        scratch.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=1e-2))
        scratch.fit(X, y, epochs=sum(epochs), batch_size=32, verbose=0)
        return {"transfer": accuracy(transfer), "scratch": accuracy(scratch)}

    results = run_seeds(experiment, range(fast_or_full(3, 6)))     # 6 seeds: about 40 s on 2 cores
    low, high = results.paired_difference("transfer", "scratch").ci95
    answer = {"transfer": list(results.values("transfer")), "scratch": list(results.values("scratch")),
              "conclusion": ("transfer better" if low > 0 else "transfer worse" if high < 0
                             else "no clear difference")}
    return answer


_SPOT_CHECK = random.Random()           # which seed the checker re-runs: not known in advance


@functools.lru_cache(maxsize=1)
def _task_b() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # (pool to draw training images from, its labels, test images, test labels), as the notebook builds them
    # imported here, not on top: importing tlcourse must not import pretrain (`python -m tlcourse.pretrain`)
    from tlcourse.pretrain import task_a_b_split
    (x_train, y_train), (x_test, y_test) = load_arrays("fashion_mnist")
    _, (x_b, y_b) = task_a_b_split(x_train, y_train)
    _, (x_test_b, y_test_b) = task_a_b_split(x_test, y_test)
    x_pool, _, y_pool, _ = train_test_split(x_b, y_b, test_size=1_000, stratify=y_b, random_state=SEED)
    return x_pool, y_pool, x_test_b, y_test_b


@functools.lru_cache(maxsize=32)
def _rerun_06_3(seed: int, epochs: tuple[int, int]) -> tuple[float, float]:
    # one seed of the described experiment, as the notebook's functions run it: (transfer, scratch)
    x_pool, y_pool, x_test, y_test = _task_b()
    _, x, _, y = train_test_split(x_pool, y_pool, test_size=N_B_06_3, stratify=y_pool, random_state=seed)

    def accuracy(model):
        return float(np.mean((keras.ops.convert_to_numpy(model(x_test))[:, 0] > 0.5) == y_test))

    model_a = load_pretrained("fashion_mnist_model_a")       # before seeding, as in the notebook: building
    seed_everything(seed)                                      # it draws random numbers
    transfer = reuse_layers(model_a)
    transfer.add(keras.layers.Dense(1, activation="sigmoid"))
    freeze(transfer, upto=-1)
    transfer.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=1e-2))
    transfer.fit(x, y, epochs=epochs[0], batch_size=32, verbose=0)
    unfreeze(transfer)
    compile_again(transfer, learning_rate=1e-4)
    transfer.fit(x, y, epochs=epochs[1], batch_size=32, verbose=0)
    seed_everything(seed)
    hidden = [keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal") for _ in range(3)]
    scratch = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                                keras.layers.Flatten(), *hidden, keras.layers.Dense(1, activation="sigmoid")])
    scratch.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=1e-2))
    scratch.fit(x, y, epochs=sum(epochs), batch_size=32, verbose=0)
    return accuracy(transfer), accuracy(scratch)


def _accuracies(values: Any, what: str) -> list[float] | str:
    # test accuracies on task B's 2,000 test images, one per seed, or what is wrong with them
    numbers = accuracies_per_seed(values, what)
    if isinstance(numbers, list) and not all(is_share_of(n, 2000) for n in numbers):
        return _("{key} holds a number that is no share of task B's 2,000 test images (right ones / "
                 "2,000): measure on X_test_B, and do not round").format(key=f"answer[{what!r}]")
    return numbers


@exercise("06.3", notebook=NOTEBOOK,
          task=N_("With 50 task-B training images, does reusing model A's layers beat training from scratch? Run "
                  "both over seeds 0..5 (fast mode 0..2), paired, and conclude from the 95 % interval of the "
                  "differences."),
          hint=N_("Section 7's experiment with draw_train_B(seed, n=50) and only two models, train_B_on_A(X, y, seed, "
                  "epochs=EPOCHS) and scratch_accuracy(X, y, seed, 1e-2); run_seeds, then paired_difference(...).ci95: "
                  "'transfer better' or 'transfer worse' only if the whole interval is on one side of 0."),
          solution=_solution_06_3)
def _check_06_3(answer: Any) -> str | None:
    keys = ("transfer", "scratch", "conclusion")
    if not isinstance(answer, dict) or any(k not in answer for k in keys):
        return _("the answer should be a dict with the keys {keys}").format(keys=", ".join(repr(k) for k in keys))
    transfer, scratch = _accuracies(answer["transfer"], "transfer"), _accuracies(answer["scratch"], "scratch")
    for problem in (transfer, scratch):
        if isinstance(problem, str):
            return problem
    if len(transfer) != len(scratch):
        return _("{transfer} transfer accuracies but {scratch} scratch ones: run both on the same seeds, "
                 "so each seed gives a pair").format(transfer=len(transfer), scratch=len(scratch))
    if not 3 <= len(transfer) <= 20:
        return _("{n} seed(s): an interval needs at least 3 seeds (range(fast_or_full(3, 6)); at most 20)").format(
            n=len(transfer))
    seed = _SPOT_CHECK.randrange(len(transfer))
    right_transfer, right_scratch = _rerun_06_3(seed, fast_or_full((1, 3), (4, 16)))
    if np.isclose(transfer[seed], right_scratch, atol=1e-4) and np.isclose(scratch[seed], right_transfer, atol=1e-4):
        return _("the two lists are swapped: 'transfer' is model B on A, 'scratch' model B from scratch")
    if not (np.isclose(transfer[seed], right_transfer, atol=1e-4) and np.isclose(scratch[seed], right_scratch,
                                                                                atol=1e-4)):
        return _("re-run here, seed {seed} (entry {entry} of each list) does not give your numbers: "
                 "seeds 0, 1, ... in order, {n} images from draw_train_B(seed, n={n}), "
                 "train_B_on_A with epochs=EPOCHS and scratch_accuracy at learning rate 1e-2, as the task "
                 "says").format(seed=seed, entry=seed + 1, n=N_B_06_3)
    conclusion = answer["conclusion"]
    if conclusion not in CONCLUSIONS_06_3:
        return _("answer['conclusion'] should be one of {conclusions}").format(
            conclusions=", ".join(repr(c) for c in CONCLUSIONS_06_3))
    low, high = run_seeds(lambda i: {"transfer": transfer[i], "scratch": scratch[i]},
                          range(len(transfer))).paired_difference("transfer", "scratch").ci95
    return interval_verdict(conclusion, low, high, ("transfer better", "transfer worse", "no clear difference"),
                            "transfer - scratch")
