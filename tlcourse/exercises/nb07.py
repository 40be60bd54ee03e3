"""Exercises of notebook 07_choosing_what_to_freeze: 07.1 ('fine-tune top' on the MNIST CNN),
07.2 (fine-tune all layers at a low rate) and 07.3 (choose a freeze depth on validation data,
report its test accuracy).

Per exercise, its solution ``_solution_07_1`` (its body is the code ``solution("07.1")``
shows) and its checker ``_check_07_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

import functools
from typing import Any

import keras
import numpy as np
from sklearn.model_selection import train_test_split

from tlcourse._i18n import N_, _
from tlcourse.config import SEED, fast_or_full, seed_everything
from tlcourse.data import load_arrays
from tlcourse.exercises import exercise
from tlcourse.exercises._common import as_number, weighted_layers
from tlcourse.models import load_pretrained
from tlcourse.surgery import (
    clone_with_weights,
    current_learning_rate,
    needs_recompile,
    reuse_layers,
    set_freeze_depth,
    unfreeze,
)

__all__: list[str] = []

NOTEBOOK = "07_choosing_what_to_freeze"


def _compile_problem(model: Any) -> str | None:
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        return _("the model is not compiled yet: compile it after setting the flags, so fit knows what to train")
    if needs_recompile(model):
        return _("the trainable flags changed after the last compile(): compile again, or fit keeps "
                 "training the old set of layers")
    return None


def _solution_07_1() -> keras.Model:
    model = load_pretrained("mnist_cnn")       # rescale, conv1, pool1, conv2, pool2, flatten, dense, output
    for layer in model.layers[:5]:
        layer.trainable = False                # frozen: the convolutional part is kept as it is
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-4),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    answer = model
    return answer


@exercise("07.1", notebook=NOTEBOOK,
          task=N_("Set up the MNIST CNN for 'fine-tune top': its convolution layers frozen, its Dense layers "
                  "trainable, compiled so the change takes effect; answer = the model."),
          hint=N_("Frozen means trainable = False. Loop over model.layers as section 1 does (or use "
                  "set_freeze_depth with the number of layers up to the last pooling layer), then compile: "
                  "fit only sees the trainable changes made before compile()."),
          solution=_solution_07_1)
def _check_07_1(answer: Any) -> str | None:
    if not isinstance(answer, keras.Model):
        return _("the answer should be the Keras model itself: the MNIST CNN with its flags set and compiled")
    layers = weighted_layers(answer)
    convs = [layer for layer in layers if isinstance(layer, keras.layers.Conv2D)]
    denses = [layer for layer in layers if isinstance(layer, keras.layers.Dense)]
    if not convs or not denses:
        return _("this model lacks Conv2D or Dense layers: use the MNIST CNN, load_pretrained('mnist_cnn')")
    pretrained = [w for w in _pretrained_kernels() if w.ndim == 4]          # conv1's and conv2's kernels
    kernels = [layer.get_weights()[0] for layer in convs]
    if len(kernels) != len(pretrained) or any(k.shape != w.shape for k, w in zip(kernels, pretrained)):
        return _("this is not the MNIST CNN (its convolution layers differ): use load_pretrained('mnist_cnn')")
    if not all(np.array_equal(k, w) for k, w in zip(kernels, pretrained)):
        return _("the convolution layers do not hold the MNIST CNN's trained weights, so there is nothing to keep: "
                 "load_pretrained('mnist_cnn') has them (clone_model alone gives new random weights; "
                 "clone_with_weights, or set_weights after it, copies them)")
    if not answer.trainable:
        return _("the whole model is frozen (model.trainable = False), so nothing would train: freeze layer by "
                 "layer")
    thawed = [layer.name for layer in convs if layer.trainable]
    frozen_dense = [layer.name for layer in denses if not layer.trainable]
    if thawed and frozen_dense:
        return _("the flags are the wrong way round: frozen means trainable = False, re-trained means "
                 "trainable = True (the lecture text that writes 'Frozen (trainable = True)' has them swapped)")
    if thawed:
        return _("{names} still trainable: the convolution layers are the part kept as it is, "
                 "so they need trainable = False").format(names=", ".join(thawed))
    if frozen_dense:
        return _("{names} frozen, but 'fine-tune top' re-trains the Dense layers "
                 "(trainable = True)").format(names=", ".join(frozen_dense))
    return _compile_problem(answer)


def _solution_07_2() -> keras.Model:
    # a small stand-in with BatchNormalization (in the notebook: MobileNetV2's layers above the cut + a head)
    model = keras.Sequential([keras.Input(shape=(8, 8, 3)), keras.layers.Conv2D(4, 3),
                              keras.layers.BatchNormalization(), keras.layers.ReLU(),
                              keras.layers.GlobalAveragePooling2D(),
                              keras.layers.Dense(10, activation="softmax")])
    unfreeze(model)                            # every layer trainable, BatchNormalization kept frozen
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-4),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    answer = model
    return answer


@exercise("07.2", notebook=NOTEBOOK,
          task=N_("Prepare a model for fine-tuning all its layers: every layer trainable except "
                  "BatchNormalization, compiled with a learning rate low enough to keep the pretrained "
                  "features; answer = the model."),
          hint=N_("Section 4 fine-tuned the same start at three rates: keep the pretrained features means the "
                  "rate whose weights moved least and whose accuracy did not drop after epoch 1. "
                  "tlcourse.surgery.unfreeze(model) keeps BatchNormalization frozen for you; compile after it."),
          solution=_solution_07_2)
def _check_07_2(answer: Any) -> str | None:
    if not isinstance(answer, keras.Model):
        return _("the answer should be a Keras model, compiled for fine-tuning")
    if not answer.trainable:
        return _("the model is frozen as a whole (model.trainable = False): fine-tuning needs its layers trainable")
    layers = weighted_layers(answer)
    batchnorms = [layer for layer in layers if isinstance(layer, keras.layers.BatchNormalization)]
    if not batchnorms:
        return _("this model has no BatchNormalization layer, so the check cannot see it kept frozen: use a "
                 "model that has some, e.g. MobileNetV2's layers above a cut as in section 3")
    frozen = [layer.name for layer in layers if layer not in batchnorms and not layer.trainable]
    if frozen:
        more = " ..." if len(frozen) > 3 else ""
        return _("{names}{more} still frozen: fine-tuning all layers needs trainable = True "
                 "on every layer but BatchNormalization").format(names=", ".join(frozen[:3]), more=more)
    live = [layer.name for layer in batchnorms if layer.trainable]
    if live:
        return _("BatchNormalization layer {name} is trainable: keep BatchNormalization frozen "
                 "(trainable = False), so the small fine-tuning batches cannot overwrite the statistics "
                 "it learned on the source data").format(name=repr(live[0]))
    problem = _compile_problem(answer)
    if problem:
        return problem
    try:
        rate = current_learning_rate(answer)
    except (TypeError, ValueError):
        return _("give the optimizer a constant learning rate (a number), so it can be checked")
    if rate > 1.001e-4:
        return _("a learning rate of {rate:g} is above 1e-4, the lowest rate section 4 tried: there the higher "
                 "rates moved the pretrained weights further (the 'moved' numbers it printed), which re-learns "
                 "the pretrained layers instead of keeping them; go lower").format(rate=rate)
    if rate < 1e-6:
        return _("a learning rate of {rate:g} barely moves the weights in a few epochs, so fine-tuning "
                 "would change nothing: low, but not vanishing").format(rate=rate)
    return None


# --------------------------------------------------------------------------- 07.3

DEPTHS_07_3 = (7, 5, 3, 0)             # feature extraction, fine-tune top, from conv2 on, fine-tune all
CONCLUSIONS_07_3 = ("same depth", "another depth")


def _solution_07_3() -> dict[str, Any]:
    # the notebook's "different" target: Fashion-MNIST, a pool of 5,000 and a fixed test set of 500
    (x_fashion, y_fashion), (x_fashion_test, y_fashion_test) = load_arrays("fashion_mnist")
    _, x_pool, _, y_pool = train_test_split(x_fashion[..., np.newaxis], y_fashion.astype("int64"),
                                            test_size=5_000, stratify=y_fashion, random_state=SEED)
    _, x_test, _, y_test = train_test_split(x_fashion_test[..., np.newaxis], y_fashion_test.astype("int64"),
                                            test_size=500, stratify=y_fashion_test, random_state=SEED)
    # 100 training and 500 validation images from the pool, no image in both
    train, val = train_test_split(np.arange(len(y_pool)), train_size=100, test_size=500,
                                  stratify=y_pool, random_state=SEED)
    x, y, x_val, y_val = x_pool[train], y_pool[train], x_pool[val], y_pool[val]

    source = reuse_layers(load_pretrained("mnist_cnn"))       # the MNIST CNN without its output layer

    def accuracy(model, images, labels):
        return float(np.mean(model.predict(images, verbose=0).argmax(axis=1) == labels))

    models, val_acc, test_acc = {}, {}, {}
    for k in (7, 5, 3, 0):
        seed_everything(SEED)
        model = keras.Sequential([keras.Input(shape=(28, 28, 1)), *clone_with_weights(source).layers,
                                  keras.layers.Dense(10, activation="softmax", name="new_head")])
        set_freeze_depth(model, k)                            # the first k layers frozen
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                      loss="sparse_categorical_crossentropy")
        passes = fast_or_full(10, 40)
        model.fit(np.concatenate([x] * passes), np.concatenate([y] * passes), batch_size=32, verbose=0)
        models[k], val_acc[k], test_acc[k] = model, accuracy(model, x_val, y_val), accuracy(model, x_test, y_test)

    depth = max(val_acc, key=val_acc.get)                     # chosen on validation, never on test
    best_on_test = max(test_acc.values())
    answer = {"models": models, "val": val_acc, "test": test_acc, "depth": depth,
              "test_accuracy": test_acc[depth],
              "conclusion": "same depth" if test_acc[depth] == best_on_test else "another depth"}
    return answer


@functools.lru_cache(maxsize=1)
def _fashion_parts() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    # the exercise's train, validation and test images, as its markdown and the solution draw them
    (x_all, y_all), (x_all_test, y_all_test) = load_arrays("fashion_mnist")
    _, x_pool, _, y_pool = train_test_split(x_all[..., np.newaxis], y_all.astype("int64"), test_size=5_000,
                                            stratify=y_all, random_state=SEED)
    _, x_test, _, y_test = train_test_split(x_all_test[..., np.newaxis], y_all_test.astype("int64"),
                                            test_size=500, stratify=y_all_test, random_state=SEED)
    train, val = train_test_split(np.arange(len(y_pool)), train_size=100, test_size=500,
                                  stratify=y_pool, random_state=SEED)
    return {"train": (x_pool[train], y_pool[train]), "val": (x_pool[val], y_pool[val]), "test": (x_test, y_test)}


@functools.lru_cache(maxsize=1)
def _pretrained_kernels() -> tuple[np.ndarray, ...]:
    # the MNIST CNN's kernels below its output layer: conv1, conv2, dense
    return tuple(layer.get_weights()[0] for layer in weighted_layers(load_pretrained("mnist_cnn"))[:-1])


def _measured(model: keras.Model) -> dict[str, float]:
    # the model's accuracy on each part of the exercise's data, measured here
    scores = {}
    for part, (x, y) in _fashion_parts().items():
        p = np.concatenate([keras.ops.convert_to_numpy(model(x[i:i + 250], training=False))
                            for i in range(0, len(x), 250)])
        scores[part] = float(np.mean(p.argmax(axis=1) == y))
    return scores


def _freeze_problem(k: int, model: Any) -> str | None:
    # behaviour: below the cut the pretrained kernels are untouched, above it they moved
    if not isinstance(model, keras.Model):
        return _("answer['models'][{k}] should be the Keras model you trained at depth {k}").format(k=k)
    if tuple(model.input_shape[1:]) != (28, 28, 1):
        return _("the model for depth {k} takes inputs of shape {shape}: give the whole "
                 "network, which takes the 28 x 28 x 1 images (the check measures it on them)").format(
                     k=k, shape=tuple(model.input_shape[1:]))
    layers, pretrained = weighted_layers(model), _pretrained_kernels()
    if len(layers) != len(pretrained) + 1 or any(layer.get_weights()[0].shape != w.shape
                                                  for layer, w in zip(layers, pretrained)):
        return _("the model for depth {k} is not the MNIST CNN's layers plus a new 10-class head: build it from "
                 "clone_with_weights(source).layers as section 1 does").format(k=k)
    below = {7: 3, 5: 2, 3: 1, 0: 0}[k]                       # kernels under the cut: conv1, conv2, dense
    for i, (layer, w) in enumerate(zip(layers[:-1], pretrained)):
        same = np.array_equal(layer.get_weights()[0], w)
        if i < below and not same:
            return _("at depth {k} layer {name} sits below the cut but its weights changed: freeze the "
                     "first {k} layers (set_freeze_depth(model, {k})) and compile before fit").format(
                         k=k, name=repr(layer.name))
        if i >= below and same:
            return _("at depth {k} layer {name} sits above the cut but kept its pretrained weights: "
                     "it never trained (compile after setting the flags, then fit)").format(k=k, name=repr(layer.name))
    return None


def _choice_problem(val: dict[int, float], test: dict[int, float], depth: Any, reported: Any,
                    conclusion: Any) -> str | None:
    # the depth must win on validation; the test accuracy reported is that depth's; the conclusion
    # says whether that depth also wins on test
    best_val, best_test = max(val.values()), max(test.values())
    if depth not in val:
        return _("answer['depth'] should be one of the depths tried, {depths}").format(
            depths=", ".join(map(str, DEPTHS_07_3)))
    if val[depth] < best_val:
        if test[depth] == best_test:
            return _("depth {depth} is the best on the test set, not on validation: choosing by test accuracy "
                     "makes the test set part of the training, and its score is no longer an honest estimate. "
                     "Choose by validation accuracy").format(depth=depth)
        return _("depth {depth} does not have the highest validation accuracy of your models: choose the one that "
                 "does").format(depth=depth)
    number = as_number(reported, N_("a number"))
    if isinstance(number, str):
        return f"answer['test_accuracy']: {number}"
    if not np.isclose(number, test[depth], atol=1e-6):
        if np.isclose(number, best_test, atol=1e-6) or np.isclose(number, best_val, atol=1e-6):
            return _("report the test accuracy of the depth you chose ({depth}), measured once: not the best test "
                     "score of all depths and not its validation score").format(depth=depth)
        return _("answer['test_accuracy'] is not the test accuracy of depth {depth} in your 'test' numbers").format(
            depth=depth)
    if conclusion not in CONCLUSIONS_07_3:
        return _("answer['conclusion'] should be one of {conclusions}").format(
            conclusions=", ".join(repr(c) for c in CONCLUSIONS_07_3))
    right = "same depth" if test[depth] == best_test else "another depth"
    if conclusion != right:
        if right == "same depth":
            return _("by your own numbers no depth beats depth {depth} on test, so {conclusion} is not what they "
                     "show").format(depth=depth, conclusion=repr(conclusion))
        return _("by your own numbers another depth scores higher on test than depth {depth}: {conclusion} "
                 "is not what they show (and that depth's test score is still not the one to report)").format(
                     depth=depth, conclusion=repr(conclusion))
    return None


@exercise("07.3", notebook=NOTEBOOK,
          task=N_("Train the MNIST CNN + a new head at freeze depths 7, 5, 3 and 0 on 100 Fashion-MNIST images, "
                  "choose the depth on validation data, report its test accuracy and whether it is also best on "
                  "test."),
          hint=N_("Per depth: a Sequential of keras.Input((28, 28, 1)), clone_with_weights(source).layers and a new "
                  "Dense(10, 'softmax', name='new_head'); set_freeze_depth(model, k), compile, fit on the 100 training "
                  "images; then "
                  "accuracy on x_val and on x_test. Choose with max(val, key=val.get): the test numbers only "
                  "report."),
          solution=_solution_07_3)
def _check_07_3(answer: Any) -> str | None:
    keys = ("models", "val", "test", "depth", "test_accuracy", "conclusion")
    if not isinstance(answer, dict) or any(k not in answer for k in keys):
        return _("the answer should be a dict with the keys {keys}").format(keys=", ".join(repr(k) for k in keys))
    parts = [answer[k] for k in ("models", "val", "test")]
    if not all(isinstance(part, dict) and set(part) == set(DEPTHS_07_3) for part in parts):
        return _("answer['models'], answer['val'] and answer['test'] should be dicts with one entry per depth, "
                 "keyed {depths}").format(depths=", ".join(map(str, DEPTHS_07_3)))
    if len({id(model) for model in answer["models"].values()}) != len(DEPTHS_07_3):
        return _("each depth needs a model of its own: the same model object appears under two depths")
    for k in DEPTHS_07_3:
        problem = _freeze_problem(k, answer["models"][k])
        if problem:
            return problem
    val, test = {}, {}
    for k in DEPTHS_07_3:
        for part, given in (("val", answer["val"][k]), ("test", answer["test"][k])):
            number = as_number(given, N_("an accuracy"))
            if isinstance(number, str):
                return f"answer[{part!r}][{k}]: {number}"
            (val if part == "val" else test)[k] = number
    if any(not 0 <= v <= 1 for v in [*val.values(), *test.values()]):
        return _("give the accuracies as fractions between 0 and 1, like 0.71, not percentages")
    for k in DEPTHS_07_3:
        measured = _measured(answer["models"][k])
        if abs(val[k] - measured["val"]) > 0.0021:      # one image of 500, and some float slack
            if abs(val[k] - measured["test"]) <= 0.0021:
                return _("your validation accuracy of depth {k} is its test accuracy: the test set then chooses "
                         "the depth. Measure validation on x_val, the 500 pool images set aside").format(k=k)
            if abs(val[k] - measured["train"]) <= 0.0021:
                return _("your validation accuracy of depth {k} is its accuracy on the training images, which it "
                         "has learned: measure on x_val, the 500 images it never trained on").format(k=k)
            return _("answer['val'][{k}] is not what your depth-{k} model scores on the validation images").format(k=k)
        if abs(test[k] - measured["test"]) > 0.0021:
            return _("answer['test'][{k}] is not what your depth-{k} model scores on the 500 test images").format(k=k)
    return _choice_problem(val, test, answer["depth"], answer["test_accuracy"], answer["conclusion"])
