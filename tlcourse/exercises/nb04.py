"""Exercises of notebook 04_fine_tuning: 04.1 (fine-tune block 16 and Conv_1 of MobileNetV2),
04.2 (callbacks that keep the best validation epoch) and 04.3 (experiment: does the epoch the
checkpoint keeps beat the last epoch on the test photos, over seeds).

Per exercise, its solution ``_solution_04_1`` (its body is the code ``solution("04.1")``
shows) and its checker ``_check_04_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

import functools
import random
import tempfile
from pathlib import Path
from typing import Any

import keras
import numpy as np

from tlcourse import data
from tlcourse._i18n import N_, _
from tlcourse.config import fast_or_full, seed_everything
from tlcourse.exercises import exercise
from tlcourse.exercises._common import (
    imagenet_sign_features,
    interval_side,
    is_function,
    is_share_of,
    notebook_signs,
    seed_answer,
)
from tlcourse.experiments import run_seeds
from tlcourse.models import backbone_preprocess, imagenet_backbone

__all__: list[str] = []

NOTEBOOK = "04_fine_tuning"


def _model_with_layer(model: Any, name: str) -> Any:
    # the model itself, or the nested model, that has a layer called `name`; None if none has
    if name in [layer.name for layer in model.layers]:
        return model
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found = _model_with_layer(layer, name)
            if found is not None:
                return found
    return None


def _solution_04_1() -> keras.Model:
    # In the notebook: base = imagenet_backbone("mobilenet_v2", input_shape=(96, 96, 3)). The flags do
    # not depend on the weights, so here a MobileNetV2 without weights (weights=None) shows the same.
    base = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(96, 96, 3))
    first = [layer.name for layer in base.layers].index("block_16_expand")

    base.trainable = True                        # lift the freeze of the base as a whole ...
    for layer in base.layers[:first]:
        layer.trainable = False                  # ... keep everything below block 16 frozen ...
    for layer in base.layers[first:]:            # ... unfreeze the rest, except BatchNormalization
        layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)
    answer = base                                # the same: set_freeze_depth(base, first)
    return answer


@exercise("04.1", notebook=NOTEBOOK,
          task=N_("Set the trainable flags of a MobileNetV2 base to fine-tune only block 16 and Conv_1 "
                  "(from block_16_expand on), BatchNormalization kept frozen."),
          hint=N_("Section ③'s unfreeze loop does this from block_13_expand; start it at another layer. "
                  "set_freeze_depth(base, k), with k the index of block_16_expand in base.layers, does "
                  "it in one line."),
          solution=_solution_04_1)
def _check_04_1(answer: Any) -> str | None:
    if not isinstance(answer, keras.Model):
        return _("the answer should be the MobileNetV2 base (a Keras model), or a model that contains it")
    base = _model_with_layer(answer, "block_16_expand")
    if base is None:
        return _("no layer of the answer is called block_16_expand: is it a MobileNetV2 (imagenet_backbone)?")
    if not (answer.trainable and base.trainable):
        return _("the model as a whole is still frozen (its own `trainable` is False), so none of its "
                 "layers would train, whatever their flags say")
    first = [layer.name for layer in base.layers].index("block_16_expand")
    if any(layer.trainable and layer.weights for layer in base.layers[:first]):
        return _("some layers below block_16_expand are trainable: everything before it stays frozen")
    top = [layer for layer in base.layers[first:] if layer.weights]
    if any(layer.trainable for layer in top if isinstance(layer, keras.layers.BatchNormalization)):
        return _("BatchNormalization layers in the unfrozen part are trainable: keep them frozen, or "
                 "fit will overwrite their ImageNet statistics")
    if not all(layer.trainable for layer in top if not isinstance(layer, keras.layers.BatchNormalization)):
        return _("some convolutions from block_16_expand on are still frozen")
    return None


# --- 04.2: callbacks that keep the best epoch, run on a scripted training ------------------------

# per epoch: (validation accuracy, validation loss, training accuracy). The validation accuracy peaks
# at epoch 3 (index 2), the validation loss at epoch 4, the training accuracy keeps rising: each wrong
# quantity to watch keeps another epoch. With patience 2 the run stops after epoch 5.
_SCRIPT = ((0.70, 0.60, 0.70), (0.78, 0.50, 0.80), (0.84, 0.45, 0.85), (0.81, 0.42, 0.90),
           (0.80, 0.43, 0.93), (0.83, 0.47, 0.95), (0.79, 0.52, 0.97), (0.77, 0.55, 0.99))
_BEST, _STOPS_AFTER = 2, 5           # the epoch (index) to keep; epochs run with patience=2


def _solution_04_2() -> Any:
    def keep_best(path):
        return [
            keras.callbacks.ModelCheckpoint(path, monitor="val_accuracy", mode="max",   # the validation
                                            save_best_only=True, save_weights_only=True),  # accuracy, highest
            keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=2,
                                          restore_best_weights=True),   # and back into the model at the end
        ]

    answer = keep_best
    return answer


def _marker_model(compiled: bool = True) -> keras.Model:
    # a tiny model whose weights say which epoch they come from; compiled with its metrics built, so that
    # mode="auto" can look up the direction of "accuracy" as in a real fit (eagerly: no graph to trace)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid", name="marker")])
    if compiled:
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"], run_eagerly=True)
        model.evaluate(np.zeros((2, 2)), np.zeros((2, 1)), verbose=0)
    return model


def _epoch_of(weights: list) -> int:
    return int(round(float(np.asarray(weights[0]).flat[0]))) - 1


def _scripted_fit(callbacks: list, model: keras.Model) -> int:
    # what fit does with callbacks, epoch by epoch, with the scripted logs; returns the epochs run
    run = keras.callbacks.CallbackList(list(callbacks), model=model)
    model.stop_training = False
    run.on_train_begin()
    epochs = 0
    for epoch, (val_acc, val_loss, acc) in enumerate(_SCRIPT):
        run.on_epoch_begin(epoch)
        model.set_weights([np.full(w.shape, epoch + 1.0, "float32") for w in model.get_weights()])
        run.on_epoch_end(epoch, {"loss": 1.0 - acc, "accuracy": acc, "val_loss": val_loss, "val_accuracy": val_acc})
        epochs += 1
        if model.stop_training:
            break
    run.on_train_end()
    return epochs


def _wrong_epoch(what: str, epoch: int, ran: int, fix: str) -> str:
    # why `what` (the file or the model) holds `epoch` instead of the best validation epoch; `what` and
    # `fix` are N_() sentences, translated here
    val_acc, val_loss = [e[0] for e in _SCRIPT[:ran]], [e[1] for e in _SCRIPT[:ran]]
    if epoch == ran - 1:
        why = _("the last epoch run: it was saved or kept whatever its score, or it watched the TRAINING accuracy, "
                "which rises in every epoch as the model overfits; {fix}").format(fix=_(fix))
    elif epoch == int(np.argmin(val_loss)):
        why = _("the lowest validation LOSS: watch monitor='val_accuracy' (loss and accuracy can peak at "
                "different epochs)")
    elif epoch == int(np.argmin(val_acc)):
        why = _("the LOWEST validation accuracy: accuracy is better when higher, so mode='max'")
    else:
        why = _("not the one with the highest validation accuracy; {fix}").format(fix=_(fix))
    return _("after the run, {what} holds the weights of epoch {epoch}, but the highest validation accuracy "
             "was at epoch {best}: epoch {epoch} is {why}").format(what=_(what), epoch=epoch + 1, best=_BEST + 1,
                                                                   why=why)


@exercise("04.2", notebook=NOTEBOOK,
          task=N_("Write keep_best(path) returning the callbacks that save the best validation-accuracy epoch to "
                  "path (.weights.h5), put it back into the model, and stop after 2 epochs without improvement."),
          hint=N_("Section 'Keep the best epoch' does it: ModelCheckpoint(path, monitor=..., mode=..., "
                  "save_best_only=..., save_weights_only=...) and EarlyStopping(monitor=..., mode=..., patience=..., "
                  "restore_best_weights=...). Which quantity, which direction?"),
          solution=_solution_04_2)
def _check_04_2(answer: Any) -> str | None:
    if isinstance(answer, (list, tuple)):
        return _("the answer should be the function keep_best itself, not a list of callbacks: a callback "
                 "remembers its best value between runs, so every fit needs new ones (the check calls "
                 "keep_best(path) with its own path)")
    if not is_function(answer):
        return _("the answer should be a function keep_best(path) that returns a list of callbacks")
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "best.weights.h5")
        try:
            callbacks = answer(path)
        except Exception as error:  # e.g. ModelCheckpoint refusing a .weights.h5 path without save_weights_only
            return _("keep_best(path) raised {error_type}: {error}. The path ends in .weights.h5: "
                     "save the weights only").format(error_type=type(error).__name__, error=error)
        if not isinstance(callbacks, (list, tuple)) or not callbacks or not all(
                isinstance(c, keras.callbacks.Callback) for c in callbacks):
            return _("keep_best(path) should return a list of Keras callbacks, e.g. [ModelCheckpoint(...), ...]")
        model = _marker_model()
        try:
            ran = _scripted_fit(callbacks, model)
        except Exception as error:
            return _("the callbacks failed during the scripted training ({error_type}: {error})").format(
                error_type=type(error).__name__, error=error)
        kept = _epoch_of(model.get_weights())
        if not Path(path).exists():
            return _("nothing was written to `path`: add a ModelCheckpoint(path, ...) that saves there (the "
                     "file is what survives the run)")
        saved = _marker_model(compiled=False)
        try:
            saved.load_weights(path)
        except Exception:  # e.g. a whole model saved in the legacy .h5 format (save_weights_only=False)
            return _("the file at `path` is not a weights file that model.load_weights reads: with a .weights.h5 "
                     "path, ModelCheckpoint needs save_weights_only=True")
        in_file = _epoch_of(saved.get_weights())
    if in_file != _BEST:
        return _wrong_epoch(N_("the file"), in_file, ran, N_("ModelCheckpoint needs save_best_only=True on the "
                                                             "validation accuracy"))
    if ran == len(_SCRIPT):
        return _("the training never stopped: the validation accuracy did not improve after epoch {epoch}, "
                 "so an EarlyStopping on it with patience=2 ends the run two epochs later").format(epoch=_BEST + 1)
    if kept != _BEST:
        return _wrong_epoch(N_("the model in memory"), kept, ran, N_("EarlyStopping needs restore_best_weights=True"))
    if ran != _STOPS_AFTER:
        return _("the training stopped after {ran} epochs, {without} without improvement of the "
                 "validation accuracy; the task asks for patience=2").format(ran=ran, without=ran - _BEST - 1)
    return None


# --- 04.3: does keeping the best validation epoch pay on the test photos? Over seeds --------------

_VARIANTS = ("best epoch", "last epoch")
_LETTERS = ("a", "b", "c")
_SPOT_CHECK = random.Random()           # which seed the checker re-runs: not known in advance


def _solution_04_3() -> tuple[Any, str]:
    # In the notebook: signs and extractor are there already (section "Where ③ starts").
    signs = data.load("sign_language_digits", image_size=(96, 96), limit_per_class=fast_or_full(30, None))
    base = imagenet_backbone("mobilenet_v2", input_shape=(96, 96, 3))
    photo = keras.Input(shape=(96, 96, 3))
    features = keras.layers.GlobalAveragePooling2D()(base(backbone_preprocess("mobilenet_v2")(photo), training=False))
    extractor = keras.Model(photo, features)
    f = {part: extractor.predict(getattr(signs, f"x_{part}"), verbose=0) for part in ("train", "val", "test")}
    folder = Path(tempfile.mkdtemp())

    def experiment(seed):
        seed_everything(seed)
        head = keras.Sequential([keras.Input(shape=(1280,)), keras.layers.Dense(10, activation="softmax")])
        head.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy",
                     metrics=["accuracy"])
        path = str(folder / f"seed{seed}.weights.h5")
        keep = keras.callbacks.ModelCheckpoint(path, monitor="val_accuracy", mode="max", save_best_only=True,
                                               save_weights_only=True)
        head.fit(f["train"], signs.y_train, epochs=fast_or_full(10, 40), batch_size=32,
                 validation_data=(f["val"], signs.y_val), callbacks=[keep], verbose=0)
        last = head.evaluate(f["test"], signs.y_test, verbose=0)[1]      # the weights after the last epoch
        head.load_weights(path)                                          # the epoch chosen on validation
        return {"best epoch": head.evaluate(f["test"], signs.y_test, verbose=0)[1], "last epoch": last}

    results = run_seeds(experiment, range(fast_or_full(3, 5)))
    print(results)
    low, high = results.paired_difference("best epoch", "last epoch").ci95
    conclusion = "a" if low > 0 else "b" if high < 0 else "c"
    answer = (results, conclusion)
    return answer


class _TestEveryEpoch(keras.callbacks.Callback):
    """Records the test accuracy after every epoch (the checker's eyes only: nothing chooses on it)."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        super().__init__()
        self.x, self.y, self.accuracies = x, y, []

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        predicted = keras.ops.convert_to_numpy(self.model(self.x, training=False)).argmax(axis=1)
        self.accuracies.append(float(np.mean(predicted == self.y)))


@functools.lru_cache(maxsize=8)
def _rerun_04_3(seed: int) -> tuple[dict[str, float], tuple[float, ...]]:
    # one seed of the described experiment, as the solution runs it; and the test accuracy of every epoch
    f, signs = imagenet_sign_features(), notebook_signs()
    seed_everything(seed)
    head = keras.Sequential([keras.Input(shape=(1280,)), keras.layers.Dense(10, activation="softmax")])
    head.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy",
                 metrics=["accuracy"])
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "best.weights.h5")
        keep = keras.callbacks.ModelCheckpoint(path, monitor="val_accuracy", mode="max", save_best_only=True,
                                               save_weights_only=True)
        watch = _TestEveryEpoch(f["test"], signs.y_test)
        head.fit(f["train"], signs.y_train, epochs=fast_or_full(10, 40), batch_size=32,
                 validation_data=(f["val"], signs.y_val), callbacks=[keep, watch], verbose=0)
        last = float(head.evaluate(f["test"], signs.y_test, verbose=0)[1])
        head.load_weights(path)
        best = float(head.evaluate(f["test"], signs.y_test, verbose=0)[1])
    return {"best epoch": best, "last epoch": last}, tuple(watch.accuracies)


@exercise("04.3", notebook=NOTEBOOK,
          task=N_("Over seeds 0..n-1 (n = fast_or_full(3, 5)), train ②'s head on the frozen sign features with a "
                  "ModelCheckpoint on val_accuracy; test accuracy of the checkpoint ('best epoch') and of the last "
                  "epoch; answer (results of run_seeds, 'a', 'b' or 'c')."),
          hint=N_("experiment(seed): seed_everything(seed), a new head Sequential([Input((1280,)), Dense(10, "
                  "'softmax')]), Adam 1e-3, a ModelCheckpoint(save_best_only=True, save_weights_only=True) per seed, "
                  "fit with validation_data on the validation features; evaluate on the test features, then "
                  "load_weights(path) and evaluate again. Then read where results.paired_difference('best epoch', "
                  "'last epoch').ci95 lies."),
          solution=_solution_04_3)
def _check_04_3(answer: Any) -> str | None:
    read = seed_answer(answer, _VARIANTS, _LETTERS)
    if isinstance(read, str):
        return read
    results, conclusion = read
    n_test = len(notebook_signs().y_test)
    for variant in _VARIANTS:
        if not all(is_share_of(float(v), n_test) for v in results.values(variant)):
            return _("some {variant} numbers are no share of the {n_test} test photos (right ones / {n_test}): "
                     "measure on the test features, and do not round").format(variant=repr(variant), n_test=n_test)
    seeds = [int(s) for s in results.seeds]
    seed = _SPOT_CHECK.choice(seeds)
    theirs = {v: float(results.values(v)[seeds.index(seed)]) for v in _VARIANTS}
    mine, per_epoch = _rerun_04_3(seed)
    tolerance = 0.5 / n_test                             # the same photos right: same seed, same numbers
    if all(abs(theirs[v] - mine[v]) <= tolerance for v in _VARIANTS):
        side = interval_side(results, "best epoch", "last epoch")
        right = {"above": "a", "below": "b", "across": "c"}[side]
        if conclusion == right:
            return None
        low, high = results.paired_difference("best epoch", "last epoch").ci95
        values = {"low": 100 * low, "high": 100 * high, "conclusion": repr(conclusion)}
        if right == "c":
            return _("the 95 % interval of your paired differences best epoch - last epoch, {low:+.1f} to "
                     "{high:+.1f} points, includes 0: {conclusion} claims more than your seeds show (a "
                     "mean or a win count alone does not decide)").format(**values)
        if side == "above":
            return _("the whole 95 % interval of your paired differences best epoch - last epoch ({low:+.1f} to "
                     "{high:+.1f} points) lies above 0, so {conclusion} contradicts your own numbers").format(**values)
        return _("the whole 95 % interval of your paired differences best epoch - last epoch ({low:+.1f} to "
                 "{high:+.1f} points) lies below 0, so {conclusion} contradicts your own numbers").format(**values)
    if abs(theirs["best epoch"] - mine["last epoch"]) <= tolerance and \
            abs(theirs["last epoch"] - mine["best epoch"]) <= tolerance:
        return _("the 'best epoch' and 'last epoch' numbers are swapped")
    if abs(theirs["best epoch"] - max(per_epoch)) <= tolerance and abs(theirs["last epoch"] - mine["last epoch"]) \
            <= tolerance:
        return _("your 'best epoch' is the epoch that did best on the TEST photos: the checkpoint must choose on the "
                 "validation accuracy (monitor='val_accuracy'), or the test accuracy you report is no longer an "
                 "estimate for new photos")
    return _("re-run here, seed {seed} does not give your numbers: seed_everything(seed) right before building the "
             "head, Adam at 1e-3, the epochs and batch size of the task, the checkpoint on val_accuracy, both "
             "accuracies on the test features").format(seed=seed)
