"""Train the course's own source models, deterministically: ``python -m tlcourse.pretrain``.

Two small models serve as "upstream" networks that the notebooks reuse instead of
retraining them:

- ``fashion_mnist_model_a``: Geron's model A (*Hands-On Machine Learning*, 3rd ed., ch. 11),
  an MLP on the 8 Fashion-MNIST classes other than sandal and shirt;
- ``mnist_cnn``: a small LeNet-style CNN on MNIST, for the small-CNN lessons.

Each run is seeded (:func:`tlcourse.config.seed_everything`) with TensorFlow's op determinism
on, so the same command on the same versions gives the same weights; the manifest records
a sha256 of the weights to check that (the ``.weights.npz`` archive holds file dates, so
its own sha256 changes from run to run). The architectures are code in
:mod:`tlcourse.models` (:func:`~tlcourse.models.build_model_a`,
:func:`~tlcourse.models.build_mnist_cnn`); only the weights are files, so every Keras 3 loads them.
Files go to ``data/models/`` of the checkout; the manifest of the committed models is package
data (``tlcourse/pretrained_models.json``), the manifest of any other ``--out DIR`` is
``DIR/manifest.json``.

Usage::

    python -m tlcourse.pretrain                      # both models into data/models/
    python -m tlcourse.pretrain --only mnist_cnn     # one of them
    python -m tlcourse.pretrain --quick --out /tmp/m # a 1-epoch smoke run on a tiny subset
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import keras
import numpy as np

from tlcourse import data
from tlcourse._files import file_sha256, manifest_path, read_manifest, repo_models_dir
from tlcourse.config import SEED, environment_report, seed_everything
from tlcourse.models import MANIFEST_NAME, build_mnist_cnn, build_model_a, save_weights_npz
from tlcourse.tables import Table

# What `tlcourse` re-exports. The rest (train_source_model, main, ...) is the script
# `python -m tlcourse.pretrain`, used as tlcourse.pretrain.<name>.
__all__ = ["GreedyStage", "greedy_layerwise", "task_a_b_split"]

#: The source models this module trains, with a short description.
SOURCE_MODELS: dict[str, str] = {
    "fashion_mnist_model_a": "Geron's model A: an MLP (3 x Dense 100, ReLU) on the 8 Fashion-MNIST classes "
                             "other than sandal and shirt, labels 0..7; reused for sandal vs shirt in notebook 06",
    "mnist_cnn": "a small LeNet-style CNN (conv-pool-conv-pool-dense) on MNIST's 10 digits; "
                 "the source of the small-CNN lessons",
}

#: TensorFlow intra-op threads for training: CPU results are bit-identical only for the same count.
THREADS: int = 2

#: Fashion-MNIST labels of Geron's task B: sandal (5) and shirt (6).
TASK_B_CLASSES: tuple[int, int] = (5, 6)
#: The Fashion-MNIST labels of task A, in their new order 0..7.
TASK_A_CLASSES: tuple[int, ...] = (0, 1, 2, 3, 4, 7, 8, 9)


def task_a_b_split(x: np.ndarray, y: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray],
                                                           tuple[np.ndarray, np.ndarray]]:
    """Geron's split of Fashion-MNIST into task A (8 classes) and task B (sandal vs shirt).

    Args:
        x: Fashion-MNIST images, one per row.
        y: their labels 0..9.

    Returns:
        ``((x_a, y_a), (x_b, y_b))``: task A holds every image that is neither sandal (5) nor
        shirt (6), relabelled 0..7 (7, 8, 9 become 5, 6, 7; int64); task B holds the sandals
        and shirts with binary labels, shirt = 1.0 and sandal = 0.0 (float32, as in the book).

    Example (``06_reusing_layers_in_keras``):
        >>> (x_train, y_train), _ = tlcourse.data.load_arrays("fashion_mnist")  # doctest: +SKIP
        >>> (x_a, y_a), (x_b, y_b) = task_a_b_split(x_train, y_train)  # doctest: +SKIP
        >>> x_b_200, y_b_200 = x_b[:200], y_b[:200]  # model B's 200 training images  # doctest: +SKIP
    """
    x, y = np.asarray(x), np.asarray(y).reshape(-1)
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} images but y has {len(y)} labels")
    in_b = np.isin(y, TASK_B_CLASSES)
    y_a = y[~in_b].astype(np.int64)
    y_a = np.where(y_a > 6, y_a - 2, y_a)
    y_b = (y[in_b] == 6).astype(np.float32)
    return (x[~in_b], y_a), (x[in_b], y_b)


@dataclass(frozen=True)
class _Recipe:
    build: Callable[[], keras.Model]
    dataset: str
    classes: tuple[int, ...] | None  # data.load's classes (relabelled 0..k-1 in this order)
    optimizer: str
    learning_rate: float
    epochs: int
    batch_size: int
    channel_axis: bool  # add a trailing channel axis to the images


_RECIPES: dict[str, _Recipe] = {
    "fashion_mnist_model_a": _Recipe(build_model_a, "fashion_mnist", TASK_A_CLASSES, "SGD", 1e-3, 20, 32, False),
    "mnist_cnn": _Recipe(build_mnist_cnn, "mnist", None, "Adam", 1e-3, 6, 128, True),
}


def _recipe(name: str) -> _Recipe:
    if name not in _RECIPES:
        raise ValueError(f"unknown source model {name!r}; valid names: {', '.join(SOURCE_MODELS)}")
    return _RECIPES[name]


def weights_sha256(model: keras.Model) -> str:
    """A sha256 of all the model's weights concatenated: equal for two models iff bit-identical.

    Args:
        model: any Keras model.

    Returns:
        The hex digest over ``model.get_weights()``, in order, as raw bytes.

    Example (``00_start_here``):
        >>> model = tlcourse.load_pretrained("mnist_cnn")  # doctest: +SKIP
        >>> weights_sha256(model) == tlcourse.pretrained_info("mnist_cnn")["weights_sha256"]  # doctest: +SKIP
        True
    """
    digest = hashlib.sha256()
    for w in model.get_weights():
        digest.update(np.ascontiguousarray(w).tobytes())
    return digest.hexdigest()


def _command(name: str, seed: int, quick: bool) -> str:
    parts = ["python -m tlcourse.pretrain", f"--only {name}"]
    parts += [f"--seed {seed}"] if seed != SEED else []
    parts += ["--quick --out DIR"] if quick else []
    return " ".join(parts)


def _dataset_source(name: str) -> dict[str, str]:
    """Which copy of the data set was used (the offline Fashion-MNIST copy is in another order)."""
    path = data.locate(name)
    source = {"file": path.name}
    if path.is_file():
        source["sha256"] = file_sha256(path)
    return source


def _load(recipe: _Recipe, seed: int, quick: bool) -> data.Split:
    split = data.load(recipe.dataset, classes=recipe.classes, limit_per_class=60 if quick else None,
                      seed=seed, verbose=not quick)
    if not recipe.channel_axis:
        return split
    return replace(split, **{f"x_{p}": getattr(split, f"x_{p}")[..., np.newaxis] for p in ("train", "val", "test")})


def _compile(model: keras.Model, recipe: _Recipe) -> None:
    optimizer = getattr(keras.optimizers, recipe.optimizer)(learning_rate=recipe.learning_rate)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])


def _pin_threads() -> int:
    """Use :data:`THREADS` intra-op threads if TensorFlow has not started yet; return the count in use."""
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(THREADS)
    except RuntimeError:  # TensorFlow already runs (a notebook, a test session): keep its setting
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return tf.config.threading.get_intra_op_parallelism_threads() or cores


def _versions() -> dict[str, str]:
    """The versions a manifest entry records, from :func:`tlcourse.config.environment_report`."""
    report = environment_report(supported=False)
    return {f"{what.lower()}_version": report[what] for what in ("Keras", "TensorFlow", "NumPy", "Python")}


def _write_manifest(out_dir: Path, name: str, entry: dict[str, Any]) -> Path:
    models = read_manifest(out_dir) if manifest_path(out_dir).is_file() else {}
    models[name] = entry
    path = manifest_path(out_dir)
    body = {"about": "The course's own pretrained source models: made by `python -m tlcourse.pretrain`, "
                     "files in data/models/ (see its README.md); load with tlcourse.load_pretrained(name).",
            "models": dict(sorted(models.items()))}
    path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    return path


def _fit(recipe: _Recipe, seed: int, quick: bool) -> tuple[keras.Model, data.Split, dict[str, Any]]:
    """Seeded, deterministic training and test evaluation: (model, split, results)."""
    import tensorflow as tf

    threads = _pin_threads()
    seed_everything(seed)
    tf.config.experimental.enable_op_determinism()
    split = _load(recipe, seed, quick)
    model = recipe.build()
    _compile(model, recipe)
    epochs = 1 if quick else recipe.epochs
    start = time.perf_counter()
    history = model.fit(split.x_train, split.y_train, validation_data=(split.x_val, split.y_val),
                        epochs=epochs, batch_size=recipe.batch_size, verbose=0 if quick else 2)
    seconds = time.perf_counter() - start
    test_loss, test_accuracy = model.evaluate(split.x_test, split.y_test, verbose=0)
    return model, split, {
        "epochs": epochs, "intra_op_threads": threads,
        "val_accuracy": round(float(history.history["val_accuracy"][-1]), 6),
        "test_accuracy": round(float(test_accuracy), 6), "test_loss": round(float(test_loss), 6),
        "train_seconds": round(seconds, 1)}


def train_source_model(name: str, out_dir: str | Path, *, seed: int = SEED, quick: bool = False) -> dict[str, Any]:
    """Train one source model deterministically, save ``<out_dir>/<name>.weights.npz``, record it.

    Seeds everything and turns on TensorFlow's op determinism for the rest of the process
    (and :data:`THREADS` intra-op threads if TensorFlow has not started yet: CPU results
    depend on the thread count), trains with validation from :func:`tlcourse.data.load`,
    evaluates on the official test set, saves the weights (:func:`tlcourse.models.save_weights_npz`;
    the architecture is code) and adds its entry to the manifest of ``out_dir``.

    Args:
        name: a key of :data:`SOURCE_MODELS`.
        out_dir: the folder for the ``.weights.npz`` file (created if needed).
        seed: the seed of the data split, weight initialisation and shuffling.
        quick: a smoke run: 60 images per class and 1 epoch (for tests; not a usable model).

    Returns:
        The manifest entry: file, sha256, weights_sha256, command, dataset, classes, seed,
        epochs, optimizer, accuracies, sizes, seconds, versions.

    Example (``00_start_here``):
        >>> entry = train_source_model("mnist_cnn", "/tmp/models", quick=True)  # doctest: +SKIP
        >>> entry["test_accuracy"]  # doctest: +SKIP
    """
    recipe = _recipe(name)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model, split, results = _fit(recipe, seed, quick)
    path = save_weights_npz(model, out / f"{name}.weights.npz")
    entry = {
        "file": path.name, "sha256": file_sha256(path), "weights_sha256": weights_sha256(model),
        "description": SOURCE_MODELS[name], "command": _command(name, seed, quick),
        "dataset": recipe.dataset, "dataset_source": _dataset_source(recipe.dataset),
        "classes": list(split.class_names),
        "original_labels": list(recipe.classes or range(len(split.class_names))),
        "input_shape": list(model.input_shape[1:]), "parameters": model.count_params(),
        "sizes": split.sizes(), "seed": seed, "batch_size": recipe.batch_size,
        "optimizer": {"name": recipe.optimizer, "learning_rate": recipe.learning_rate},
        "loss": "sparse_categorical_crossentropy", "op_determinism": True, "quick": quick,
        **results, **_versions(),
    }
    _write_manifest(out, name, entry)
    return entry


# ------------------------------------------------------- greedy layer-wise pretraining


@dataclass(frozen=True)
class GreedyStage:
    """One stage of :func:`greedy_layerwise`: which layer was trained, and how it went.

    Attributes: ``stage`` (1-based), ``layer`` (name of the layer trained), ``depth``
    (hidden layers in the model), ``trainable_params`` (new layer + new head),
    ``seconds`` (fit wall time), ``accuracy`` / ``val_accuracy`` (last epoch; NaN without
    validation data or an "accuracy" metric).
    """

    stage: int
    layer: str
    depth: int
    trainable_params: int
    seconds: float
    accuracy: float
    val_accuracy: float


def _check_greedy_args(stem: Sequence[keras.layers.Layer], hidden: Sequence[keras.layers.Layer],
                       head: Callable[[], keras.layers.Layer], optimizer: Callable[[], Any],
                       x: np.ndarray, y: np.ndarray, epochs: int) -> None:
    if not hidden:
        raise ValueError("greedy_layerwise(): hidden is empty; give the layers to stack one by one, "
                         "e.g. [keras.layers.Dense(128, activation='relu') for _ in range(4)]")
    for layer in [*stem, *hidden]:
        if not isinstance(layer, keras.layers.Layer):
            raise TypeError(f"greedy_layerwise(): stem and hidden must hold Keras layers, got "
                            f"{type(layer).__name__}")
    built = [layer.name for layer in hidden if layer.built]
    if built:
        raise ValueError(f"greedy_layerwise(): hidden layers {built} are already built (trained or "
                         "used elsewhere); pass new, unbuilt layers so every stage starts fresh")
    for what, value, example in (("head", head, "lambda: keras.layers.Dense(10, activation='softmax')"),
                                 ("optimizer", optimizer, "lambda: keras.optimizers.SGD(learning_rate=0.1)")):
        if not callable(value) or isinstance(value, (keras.layers.Layer, keras.optimizers.Optimizer)):
            raise TypeError(f"greedy_layerwise(): {what} must be a function that makes a new one per "
                            f"stage (Keras cannot reuse it once built), e.g. {example}; got "
                            f"{type(value).__name__}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"greedy_layerwise(): epochs must be an int >= 1 (per stage), got {epochs!r}")
    if len(x) != len(y):
        raise ValueError(f"greedy_layerwise(): x has {len(x)} examples but y has {len(y)}; they must match")


def greedy_layerwise(stem: Sequence[keras.layers.Layer], hidden: Sequence[keras.layers.Layer],
                     head: Callable[[], keras.layers.Layer], x: np.ndarray, y: np.ndarray, *,
                     epochs: int, optimizer: Callable[[], Any],
                     loss: str = "sparse_categorical_crossentropy", batch_size: int = 32,
                     validation_data: tuple[np.ndarray, np.ndarray] | None = None,
                     verbose: bool = False) -> tuple[keras.Sequential, list[GreedyStage]]:
    """Greedy supervised layer-wise pretraining (lecture seed 001): stack, freeze, repeat.

    Stage k builds ``Input -> stem -> hidden[0..k] -> head()``, freezes ``hidden[0..k-1]``
    (trained in earlier stages), compiles with a new ``optimizer()`` and fits: only the new
    hidden layer and the new head learn. Each stage's head is thrown away by the next one.
    Fine-tune afterwards (unfreeze everything, compile again, fit): the lecture calls that
    step essential, because no stage optimised the layers together.

    Args:
        stem: weight-free input layers kept in every stage (e.g. Rescaling, Flatten); may be [].
        hidden: new, unbuilt layers, stacked one per stage, in order.
        head: makes a new output layer, e.g. ``lambda: keras.layers.Dense(10, activation="softmax")``.
        x: training inputs; ``y``: their labels.
        epochs: epochs per stage.
        optimizer: makes a new optimizer per stage (Keras cannot reuse a built one).
        loss: the loss to compile with.
        batch_size: the fit batch size.
        validation_data: ``(x_val, y_val)`` to record ``val_accuracy`` per stage.
        verbose: print one line per stage.

    Returns:
        ``(model, stages)``: the last stage's model (all hidden layers, the last head; every
        hidden layer but the last still frozen) and one :class:`GreedyStage` per stage.

    Raises:
        ValueError: no hidden layers, hidden layers already built, epochs < 1, x/y lengths differ.
        TypeError: a non-layer in stem/hidden, or head/optimizer given as an object, not a function.

    Example (``11_greedy_layerwise_pretraining``):
        >>> model, stages = greedy_layerwise(  # doctest: +SKIP
        ...     [keras.layers.Rescaling(1 / 255), keras.layers.Flatten()],
        ...     [keras.layers.Dense(128, activation="sigmoid") for _ in range(5)],
        ...     lambda: keras.layers.Dense(10, activation="softmax"), x, y, epochs=4,
        ...     optimizer=lambda: keras.optimizers.SGD(learning_rate=0.1))
    """
    _check_greedy_args(stem, hidden, head, optimizer, x, y, epochs)
    stages: list[GreedyStage] = []
    model = None
    for k, layer in enumerate(hidden):
        model = keras.Sequential([keras.Input(x.shape[1:]), *stem, *hidden[:k + 1], head()],
                                 name=f"greedy_stage_{k + 1}")
        for lower in hidden[:k]:
            lower.trainable = False
        layer.trainable = True
        model.compile(optimizer=optimizer(), loss=loss, metrics=["accuracy"])
        start = time.perf_counter()
        history = model.fit(x, y, epochs=epochs, batch_size=batch_size,
                            validation_data=validation_data, verbose=0).history
        nan = [float("nan")]
        stage = GreedyStage(k + 1, layer.name, k + 1,
                            int(sum(np.prod(w.shape) for w in model.trainable_weights)),
                            time.perf_counter() - start, float(history.get("accuracy", nan)[-1]),
                            float(history.get("val_accuracy", nan)[-1]))
        stages.append(stage)
        if verbose:
            print(f"stage {stage.stage}: trained {stage.layer} ({stage.trainable_params:,} params) "
                  f"in {stage.seconds:.1f} s, accuracy {stage.accuracy:.4f}, "
                  f"val_accuracy {stage.val_accuracy:.4f}", flush=True)
    return model, stages


def _readme(out_dir: Path) -> str:
    models = read_manifest(out_dir)
    table = Table(("file", "model", "data", "epochs", "test accuracy", "weights sha256"),
                  [(f"`{e['file']}`", e["description"], f"{e['dataset']} ({len(e['classes'])} classes)", e["epochs"],
                    f"{e['test_accuracy']:.2%}", f"{e['weights_sha256'][:12]}...") for e in models.values()])
    packaged = manifest_path(out_dir) == manifest_path()
    shown = ("`tlcourse/pretrained_models.json` (package data, so a `pip install` without this folder "
             "can still check and download the files)") if packaged else f"`{MANIFEST_NAME}` beside the files"
    return "\n".join([
        "# The course's own pretrained source models",
        "",
        "Made by `python -m tlcourse.pretrain` (or `make pretrain`), deterministically: seeded "
        "(`tlcourse.config.SEED`) with TensorFlow's op determinism on, data from `tlcourse.data.load` "
        "(offline: `TLCOURSE_DATA` pointing at the course's data folder). Notebooks load them with "
        "`tlcourse.load_pretrained(name)`, which checks each file's sha256 against the manifest first.",
        "",
        table.markdown(),
        "",
        f"The manifest is {shown}. For each model it records the file's sha256, the exact command, "
        "the data set, its classes and copy, seed, epochs, optimizer, accuracies, the Keras and TensorFlow "
        "versions, and `weights_sha256`, a sha256 of the concatenated weights: re-run the command and "
        "compare it to check determinism: bit-identical for the same Keras and TensorFlow versions, CPU "
        "type and `intra_op_threads` (the `.npz` archive holds file dates, so its own sha256 changes "
        "from run to run; retraining updates the manifest).",
        "",
        "Only the weights are files: `<name>.weights.npz` holds the arrays of `model.get_weights()`, and "
        "the architecture is code (`tlcourse.models.SOURCE_ARCHITECTURES`). Unlike a `.keras` file, "
        "whose layer configs a newer Keras writes with arguments an older one rejects, this loads on every "
        "Keras 3 the course supports.",
        "",
        "If a file does not match the manifest: `git checkout data/models tlcourse/pretrained_models.json`, "
        "or retrain it with `python -m tlcourse.pretrain --only NAME`.",
        "",
    ])


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: train the source models into ``data/models/`` (or ``--out``).

    Args:
        argv: the arguments (default: ``sys.argv[1:]``): ``--only NAME``, ``--out DIR``,
            ``--quick`` (needs ``--out``: never overwrite the committed models with a smoke
            run), ``--seed N``.

    Returns:
        0 on success (argparse exits with 2 on bad arguments).

    Example (``00_start_here``):
        >>> main(["--only", "mnist_cnn", "--quick", "--out", "/tmp/models"])  # doctest: +SKIP
        0
    """
    parser = argparse.ArgumentParser(prog="python -m tlcourse.pretrain", description=__doc__.split("\n\n")[0],
                                     epilog="Models: " + "; ".join(f"{k}: {v}" for k, v in SOURCE_MODELS.items()))
    parser.add_argument("--only", choices=sorted(SOURCE_MODELS), help="train only this model")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: data/models of the checkout)")
    parser.add_argument("--quick", action="store_true", help="1 epoch on 60 images per class, a smoke run")
    parser.add_argument("--seed", type=int, default=SEED, help=f"seed (default {SEED})")
    args = parser.parse_args(argv)
    out = args.out or repo_models_dir()
    if out is None:
        parser.error("no course checkout found: pass --out DIR")
    if args.quick and args.out is None:
        parser.error("--quick makes throw-away models: pass --out DIR so data/models keeps the committed ones")
    for name in [args.only] if args.only else list(SOURCE_MODELS):
        print(f"== {name}: {SOURCE_MODELS[name]}", flush=True)
        entry = train_source_model(name, out, seed=args.seed, quick=args.quick)
        print(f"== {name}: test accuracy {entry['test_accuracy']:.4f}, {entry['train_seconds']:.0f} s, "
              f"{out / entry['file']} ({(out / entry['file']).stat().st_size / 1e6:.2f} MB)", flush=True)
    (Path(out) / "README.md").write_text(_readme(Path(out)), encoding="utf-8")
    print(f"manifest: {manifest_path(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
