"""Exercises with checks: every notebook asks, ``check`` answers, ``solution`` reveals.

Each notebook has at least two exercises: a task in markdown, a code cell the student fills
in, and a call ``check("04.1", answer)`` that says *correct*, or *what is wrong* plus a hint.
A cell left as it is (``answer = ...``) prints "not answered yet" and the hint, never an
exception, so every notebook still runs top to bottom. Instructors reveal the code of a
solution with ``solution("04.1")``.

The solutions live here, not in the notebooks. Each checker is a small function that
returns ``None`` for a right answer and one sentence saying what is wrong otherwise; it
needs nothing from the notebook (it builds what it needs) so a unit test can run it alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Exercise", "check", "exercise", "list_exercises", "run_solution", "solution"]

Checker = Callable[[Any], "str | None"]


@dataclass(frozen=True)
class Exercise:
    """One exercise: where it is, what it asks, how it is checked, its hidden solution.

    Attributes: ``id`` ("04.1": notebook number, exercise number), ``notebook`` (file stem),
    ``task`` (one line), ``hint``, ``solution`` (code that sets ``answer``), ``checker``.
    """

    id: str
    notebook: str
    task: str
    hint: str
    solution: str
    checker: Checker


_REGISTRY: dict[str, Exercise] = {}


def exercise(exercise_id: str, *, notebook: str, task: str, hint: str,
             solution: str) -> Callable[[Checker], Checker]:
    """Register a checker as the exercise ``exercise_id`` (a decorator).

    Args:
        exercise_id: ``"NN.i"``, the notebook's number and the exercise's number.
        notebook: the notebook's file stem, e.g. ``"04_reusing_layers_in_keras"``.
        task: the task in one line (shown by :func:`exercises`).
        hint: a hint that helps without giving the answer away.
        solution: Python code that assigns the right ``answer``.

    Returns:
        The decorator; it returns the checker unchanged.

    Raises:
        ValueError: a malformed or already registered id, or a notebook that does not match it.

    Example (``00_start_here``):
        >>> @exercise("99.1", notebook="99_demo", task="Give 42.", hint="6 x 7",
        ...           solution="answer = 42")  # doctest: +SKIP
        ... def _(answer):
        ...     return None if answer == 42 else "that is not 42"
    """
    if not re.fullmatch(r"\d\d\.\d+", exercise_id):
        raise ValueError(f"exercise id {exercise_id!r} must look like '04.1' (notebook number, a dot, "
                         "the exercise number)")
    if exercise_id in _REGISTRY:
        raise ValueError(f"exercise {exercise_id!r} is registered twice")
    if not notebook.startswith(exercise_id[:2] + "_"):
        raise ValueError(f"exercise {exercise_id!r} belongs to a notebook whose name starts with "
                         f"{exercise_id[:2]}_, not {notebook!r}")

    def register(checker: Checker) -> Checker:
        _REGISTRY[exercise_id] = Exercise(exercise_id, notebook, task, hint, solution.strip(), checker)
        return checker

    return register


def _get(exercise_id: str) -> Exercise:
    if not isinstance(exercise_id, str):
        raise TypeError(f"an exercise id is a string like '04.1', not {type(exercise_id).__name__}")
    if exercise_id not in _REGISTRY:
        same = sorted(k for k in _REGISTRY if k[:2] == exercise_id[:2]) or sorted(_REGISTRY)
        raise ValueError(f"there is no exercise {exercise_id!r}; this notebook's are: {', '.join(same)}")
    return _REGISTRY[exercise_id]


def check(exercise_id: str, answer: Any, *, quiet: bool = False) -> bool:
    """Check an answer and say what is right or wrong; never raises for a wrong answer.

    Args:
        exercise_id: e.g. ``"04.1"``.
        answer: the student's answer; ``...`` (the placeholder) means "not answered yet".
        quiet: print nothing, only return the result (for tests).

    Returns:
        True if the answer is right, False otherwise (wrong or not answered yet).

    Raises:
        ValueError: no exercise with that id (the message lists the notebook's exercises).

    Example (``01_what_is_transfer_learning``):
        >>> check("01.1", ...)  # doctest: +SKIP
        01.1 not answered yet: replace `...` with your answer and run the cell again.
        Hint: ...
        False
    """
    ex = _get(exercise_id)
    if answer is Ellipsis:
        verdict, ok = "not answered yet: replace `...` with your answer and run the cell again.", False
    else:
        try:
            problem = ex.checker(answer)
        except Exception as error:  # a student's odd answer must not crash the notebook
            problem = f"the check could not use this answer ({type(error).__name__}: {error})"
        ok = problem is None
        verdict = "correct. Well done." if ok else f"not yet: {problem}"
    if not quiet:
        print(f"{exercise_id} {verdict}")
        if not ok:
            print(f"Hint: {ex.hint}")
    return ok


def solution(exercise_id: str) -> str:
    """The hidden solution's code, for instructors (printed and returned).

    Args:
        exercise_id: e.g. ``"04.1"``.

    Returns:
        Python code that assigns the right ``answer``.

    Raises:
        ValueError: no exercise with that id.

    Example (``04_reusing_layers_in_keras``):
        >>> code = solution("04.1")  # doctest: +SKIP
    """
    code = _get(exercise_id).solution
    print(code)
    return code


def run_solution(exercise_id: str) -> Any:
    """Execute the hidden solution and return its ``answer`` (used by the unit tests).

    Args:
        exercise_id: e.g. ``"04.1"``.

    Returns:
        The value the solution code assigns to ``answer``.

    Raises:
        ValueError: no exercise with that id, or a solution that assigns no ``answer``.

    Example (``04_reusing_layers_in_keras``):
        >>> check("04.1", run_solution("04.1"), quiet=True)  # doctest: +SKIP
        True
    """
    namespace: dict[str, Any] = {}
    exec(_get(exercise_id).solution, namespace)  # noqa: S102 - the package's own code
    if "answer" not in namespace:
        raise ValueError(f"the solution of {exercise_id!r} assigns no `answer`")
    return namespace["answer"]


def list_exercises(notebook: str | None = None) -> list[Exercise]:
    """The registered exercises, in id order, optionally of one notebook.

    Args:
        notebook: a notebook number ("04") or file stem; None for all.

    Returns:
        A list of :class:`Exercise`.

    Example (``00_start_here``):
        >>> [e.id for e in list_exercises("04")]  # doctest: +SKIP
        ['04.1', '04.2']
    """
    chosen = [e for e in _REGISTRY.values()
              if notebook is None or e.notebook == notebook or e.id[:2] == notebook]
    return sorted(chosen, key=lambda e: (e.id[:2], int(e.id[3:])))


# Small helpers for checkers --------------------------------------------------------------

def _close(answer: Any, expected: float, tol: float, what: str) -> str | None:
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return f"{what} should be a number, not {type(answer).__name__}"
    if math.isnan(value) or abs(value - expected) > tol:
        return f"{value:g} is not the right {what}"
    return None


# ── 01 ──
def _term_01(key: Any) -> str | None:
    # "Source task", "upstream", "fine_tuning", ... -> one of the four terms
    text = re.sub(r"[\s_\-]+", " ", str(key).lower()).strip().removesuffix(" task")
    return {"source": "source task", "upstream": "source task", "target": "target task",
            "downstream": "target task", "pretraining": "pretraining", "pre training": "pretraining",
            "fine tuning": "fine-tuning", "finetuning": "fine-tuning"}.get(text)


_TERMS_01 = {"source task": "D", "target task": "B", "pretraining": "C", "fine-tuning": "A"}
_IS_TASK_01 = {"A": False, "B": True, "C": False, "D": True}     # B and D are problems, A and C training steps


@exercise("01.1", notebook="01_what_is_transfer_learning",
          task="Match the four terms (source task, target task, pretraining, fine-tuning) to the "
               "letters A-D of the circuit-board story.",
          hint="Two letters name problems to solve and two name training steps; the seed 001 words "
               "above say where the knowledge comes from and which step runs first, on the large data set.",
          solution='''
# A: the start-up trains a new classifier on its 400 photos      -> fine-tuning
# B: telling the 6 kinds of soldering defects apart              -> target (downstream) task
# C: Google trains EfficientNetB0 on ImageNet's 1.2 million photos -> pretraining
# D: telling ImageNet's 1,000 classes apart                      -> source (upstream) task
answer = {"source task": "D", "target task": "B", "pretraining": "C", "fine-tuning": "A"}
''')
def _check_01_1(answer: Any) -> str | None:
    if not isinstance(answer, dict):
        return ("the answer should be a dict like {'source task': 'A', 'target task': 'B', "
                "'pretraining': 'C', 'fine-tuning': 'D'}")
    given = {}
    for key, value in answer.items():
        term = _term_01(key)
        if term is None:
            return f"{key!r} is not one of the four terms: source task, target task, pretraining, fine-tuning"
        letter = str(value).strip().upper()
        if letter not in _IS_TASK_01:
            return f"{term}: {value!r} is not one of the letters A, B, C, D"
        given[term] = letter
    missing = [term for term in _TERMS_01 if term not in given]
    if missing:
        return f"the dict has no entry for {' and '.join(missing)}"
    if len(set(given.values())) < 4:
        return "a letter appears twice: each of A, B, C, D belongs to exactly one term"
    for term, letter in given.items():
        if letter == _TERMS_01[term]:
            continue
        if term.endswith("task") and not _IS_TASK_01[letter]:
            return f"the {term} is a problem to solve, but {letter} describes a training step"
        if not term.endswith("task") and _IS_TASK_01[letter]:
            return f"{term} is a training step, but {letter} describes a problem to solve"
        if term.endswith("task"):
            return ("source and target are swapped: the source task is where the knowledge is learned "
                    "from a lot of data, the target task is the new problem")
        return "pretraining and fine-tuning are swapped: which of the two runs first, on the large data set?"
    return None


_SEEDS_01_2 = {"scratch": [0.712, 0.745, 0.690, 0.781, 0.733],
               "transfer": [0.744, 0.760, 0.718, 0.741, 0.752]}


def _verdict_01(text: str) -> str | None:
    text = text.lower()
    if re.search(r"no clear|not clear|unclear|inconclusive|no (significant )?difference|can(no|')t tell|"
                 r"not (significantly )?(better|worse)", text):
        return "no clear difference"
    if "worse" in text:
        return "worse"
    if "better" in text:
        return "better"
    return None


@exercise("01.2", notebook="01_what_is_transfer_learning",
          task="From five seeds' test accuracies of scratch and transfer, give the verdict: "
               "'better', 'worse' or 'no clear difference'.",
          hint="Put the five seeds into SeedResults and call paired_difference('transfer', 'scratch'), "
               "as section 7 does, or compute the mean of the five differences ± t * sd / sqrt(5) with "
               "t = 2.78 yourself.",
          solution='''
from tlcourse.experiments import SeedResults

scratch = [0.712, 0.745, 0.690, 0.781, 0.733]
transfer = [0.744, 0.760, 0.718, 0.741, 0.752]
results = SeedResults(tuple(range(5)), [{"scratch": s, "transfer": t} for s, t in zip(scratch, transfer)])
print(results.paired_difference("transfer", "scratch").verdict())
# transfer wins 4 of the 5 seeds, but the 95 % interval of the differences (about -2.6 to
# +4.7 points) contains 0: one bad seed for transfer is enough to keep it open
answer = "no clear difference"
''')
def _check_01_2(answer: Any) -> str | None:
    if not isinstance(answer, str):
        return "the answer should be a string: 'better', 'worse' or 'no clear difference'"
    verdict = _verdict_01(answer)
    if verdict is None:
        return f"{answer!r} is none of 'better', 'worse' or 'no clear difference'"
    if verdict == "better":
        return ("winning most seeds is not enough: 'better' needs the whole 95 % interval of the "
                "per-seed differences above zero; compute it")
    if verdict == "worse":
        return ("'worse' needs the whole 95 % interval of the per-seed differences below zero, "
                "and transfer is ahead on average")
    return None
# ── end 01 ──

# ── 02 ──
def _tiny_cnn_02():
    # a small functional CNN shaped like MobileNetV2's first block: conv, BN, depthwise, 1x1 conv, add
    import keras

    inputs = keras.Input(shape=(16, 16, 3), name="pixels")
    x = keras.layers.Conv2D(4, 3, strides=2, padding="same", name="stem")(inputs)
    x = keras.layers.BatchNormalization(name="stem_bn")(x)
    x = keras.layers.ReLU(name="stem_relu")(x)
    y = keras.layers.DepthwiseConv2D(3, padding="same", name="dw")(x)
    y = keras.layers.Conv2D(4, 1, name="project")(y)
    x = keras.layers.Add(name="skip_add")([x, y])
    x = keras.layers.Conv2D(6, 3, strides=2, name="last")(x)
    return keras.Model(inputs, x, name="tiny_cnn")


def _tiny_sequential_02():
    # a small Sequential CNN shaped like mnist_cnn: rescale, conv, pool, conv, pool, flatten, dense,
    # output; its weights are set from a seeded generator, like a trained model's (not its initialisers')
    import keras
    import numpy as np

    model = keras.Sequential([
        keras.Input(shape=(14, 14, 1)), keras.layers.Rescaling(1 / 255, name="rescale"),
        keras.layers.Conv2D(3, 3, activation="relu", name="conv1"), keras.layers.MaxPooling2D(name="pool1"),
        keras.layers.Conv2D(4, 3, activation="relu", name="conv2"), keras.layers.MaxPooling2D(name="pool2"),
        keras.layers.Flatten(name="flatten"), keras.layers.Dense(5, activation="relu", name="dense"),
        keras.layers.Dense(6, activation="softmax", name="output")], name="tiny_sequential")
    rng = np.random.default_rng(2)
    model.set_weights([rng.normal(0, 0.3, size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def _outputs_02(model, x) -> list:
    import warnings

    import keras

    with warnings.catch_warnings():      # a model built from model.inputs (a list) warns on one array
        warnings.simplefilter("ignore", UserWarning)
        out = model(x, training=False)
    return [keras.ops.convert_to_numpy(o) for o in (out if isinstance(out, (list, tuple)) else [out])]


@exercise("02.1", notebook="02_why_it_works_features",
          task="Write conv_extractor(model): ONE keras.Model whose outputs are the feature maps of every "
               "convolution layer of `model` (Conv2D, DepthwiseConv2D, ...), in model.layers order.",
          hint="Section 4's raw cell does it for MobileNetV2 with a list of names; get the names from "
               "the model itself (isinstance with keras.layers.Conv2D and keras.layers.DepthwiseConv2D, "
               "or tlcourse.features.conv_layers) and start the model from model.inputs: a Sequential "
               "model has no .input until it has been called.",
          solution='''
import keras

def conv_extractor(model):
    # one model, one forward pass: the output of every convolution layer, in model.layers order
    convs = (keras.layers.Conv2D, keras.layers.DepthwiseConv2D, keras.layers.SeparableConv2D)
    names = [layer.name for layer in model.layers if isinstance(layer, convs)]
    return keras.Model(model.inputs, [model.get_layer(name).output for name in names])

answer = conv_extractor          # try it: conv_extractor(base) has 52 outputs
''')
def _check_02_1(answer: Any) -> str | None:
    import keras
    import numpy as np

    if not callable(answer) or isinstance(answer, (keras.layers.Layer, keras.Model)):
        return "the answer should be a function that takes a model and returns a new keras.Model"
    for source, wanted in ((_tiny_cnn_02(), ["stem", "dw", "project", "last"]),
                           (_tiny_sequential_02(), ["conv1", "conv2"])):
        kind = "Sequential" if isinstance(source, keras.Sequential) else "functional"
        extractor = answer(source)
        if not isinstance(extractor, keras.Model):
            return f"for a {kind} model the function returned a {type(extractor).__name__}, not a keras.Model"
        x = np.random.default_rng(0).uniform(0, 255, size=(2, *source.inputs[0].shape[1:])).astype("float32")
        got = _outputs_02(extractor, x)
        expected = [_outputs_02(keras.Model(source.inputs, source.get_layer(n).output), x)[0] for n in wanted]
        if len(got) != len(expected):
            return (f"a test {kind} model with {len(wanted)} convolution layers ({', '.join(wanted)}) got "
                    f"{len(got)} output(s): one output per convolution layer (depthwise ones count too)")
        for name, g, e in zip(wanted, got, expected):
            if g.shape != e.shape:
                shapes = [tuple(o.shape[1:]) for o in got]
                return (f"on a test {kind} model the outputs have shapes {shapes}, but the convolution "
                        f"layers {wanted} output {[tuple(o.shape[1:]) for o in expected]}: take exactly "
                        "the convolution layers, in model.layers order")
            if not np.allclose(g, e, rtol=1e-4, atol=1e-5):
                return (f"on a test {kind} model the output for {name!r} has the right shape but other "
                        "values: the extractor must share the model's layers and weights (no clone_model)")
    return None


@exercise("02.2", notebook="02_why_it_works_features",
          task="Write reuse_first_k(source, k, num_classes): the first k layers of `source` with their "
               "weights and frozen, the layers above re-initialised and trainable, a new softmax output.",
          hint="Section 5's raw cell builds it for k = 4: a clone with the source's weights for layers[:k], "
               "a second clone_model (new random weights) for layers[k:-1], a new Dense(num_classes, "
               "'softmax') with a name of its own, then trainable = False on the first k layers.",
          solution='''
import keras

def reuse_first_k(source, k, num_classes):
    pretrained = keras.models.clone_model(source)        # a copy with the source's weights ...
    pretrained.set_weights(source.get_weights())         # ... so the source is never touched
    fresh = keras.models.clone_model(source)             # the same layers with new random weights
    model = keras.Sequential([keras.Input(shape=source.input_shape[1:]),
                              *pretrained.layers[:k],    # reused (transferred) ...
                              *fresh.layers[k:-1],       # ... re-initialised above the cut
                              keras.layers.Dense(num_classes, activation="softmax", name="new_output")])
    for layer in model.layers[:k]:
        layer.trainable = False                          # freeze the first k layers
    return model

answer = reuse_first_k           # try it: reuse_first_k(load_pretrained("mnist_cnn"), 2, 10)
''')
def _check_02_2(answer: Any) -> str | None:
    import keras
    import numpy as np

    if not callable(answer) or isinstance(answer, (keras.layers.Layer, keras.Model)):
        return "the answer should be a function reuse_first_k(source, k, num_classes) that returns a model"
    source = _tiny_sequential_02()
    before = [w.copy() for w in source.get_weights()]
    flags = [layer.trainable for layer in source.layers]
    own = [layer for layer in source.layers if layer.weights]            # conv1, conv2, dense, output
    for k in (2, 4):
        model = answer(source, k, 3)
        if not isinstance(model, keras.Model):
            return f"the function returned a {type(model).__name__}, not a keras.Model"
        if [layer.trainable for layer in source.layers] != flags:
            return ("the function froze layers of the source model itself (they are shared): clone the "
                    "source first, keras.models.clone_model + set_weights")
        x = np.random.default_rng(1).uniform(0, 255, size=(2, 14, 14, 1)).astype("float32")
        y = _outputs_02(model, x)[0]
        if y.shape != (2, 3):
            return (f"with num_classes=3 the model outputs shape {y.shape[1:]}, not (3,): end with a new "
                    "Dense(num_classes, activation='softmax')")
        if not np.allclose(y.sum(axis=1), 1, atol=1e-4) or (y < 0).any():
            return "the outputs are not probabilities: the new output layer needs activation='softmax'"
        weighted = [layer for layer in _walk_02(model) if layer.weights]
        frozen_names = [layer.name for layer in source.layers[:k] if layer.weights]
        if len(weighted) != len(own):
            return (f"for k={k} the model has {len(weighted)} layers with weights; it needs "
                    f"{len(own)}: the reused ones, the source's other layers above the cut (they stay, "
                    "re-initialised) but not its old output layer, and one new output layer")
        for layer, original in zip(weighted[:-1], own[:-1]):
            same = all(np.array_equal(a, b) for a, b in zip(layer.get_weights(), original.get_weights()))
            reused = original.name in frozen_names
            if reused and not same:
                return (f"for k={k} layer {original.name!r} is below the cut but does not hold the source's "
                        "weights: copy them (set_weights) into the reused layers")
            if reused and layer.trainable:
                return f"for k={k} the reused layer {original.name!r} is still trainable: freeze it"
            if not reused and same:
                return (f"for k={k} layer {original.name!r} is above the cut but kept the source's weights: "
                        "above the cut the layers start again from new random weights (clone_model)")
            if not reused and not layer.trainable:
                return f"for k={k} layer {original.name!r} is above the cut, so it must be trainable"
        if not weighted[-1].trainable:
            return "the new output layer is frozen: it must train"
    if any(not np.array_equal(a, b) for a, b in zip(before, source.get_weights())):
        return "the function changed the source model's weights: work on clones"
    return None


def _walk_02(model) -> list:
    # every layer, nested models opened, in order
    import keras

    layers = []
    for layer in model.layers:
        layers.extend(_walk_02(layer) if isinstance(layer, keras.Model) else [layer])
    return layers
# ── end 02 ──

# ── 03 ──
def _model_with_layer_03(model: Any, name: str) -> Any:
    # the model itself, or the nested model, that has a layer called `name`; None if none has
    import keras

    if name in [layer.name for layer in model.layers]:
        return model
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found = _model_with_layer_03(layer, name)
            if found is not None:
                return found
    return None


@exercise("03.1", notebook="03_three_ways_to_transfer",
          task="Set the trainable flags of a MobileNetV2 base to fine-tune only block 16 and Conv_1 "
               "(from block_16_expand on), BatchNormalization kept frozen.",
          hint="Section ③'s unfreeze loop does this from block_13_expand; start it at another layer. "
               "set_freeze_depth(base, k), with k the index of block_16_expand in base.layers, does "
               "it in one line.",
          solution='''
import keras

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
''')
def _check_03_1(answer: Any) -> str | None:
    import keras

    if not isinstance(answer, keras.Model):
        return "the answer should be the MobileNetV2 base (a Keras model), or a model that contains it"
    base = _model_with_layer_03(answer, "block_16_expand")
    if base is None:
        return "no layer of the answer is called block_16_expand: is it a MobileNetV2 (imagenet_backbone)?"
    if not (answer.trainable and base.trainable):
        return ("the model as a whole is still frozen (its own `trainable` is False), so none of its "
                "layers would train, whatever their flags say")
    first = [layer.name for layer in base.layers].index("block_16_expand")
    if any(layer.trainable and layer.weights for layer in base.layers[:first]):
        return "some layers below block_16_expand are trainable: everything before it stays frozen"
    top = [layer for layer in base.layers[first:] if layer.weights]
    if any(layer.trainable for layer in top if isinstance(layer, keras.layers.BatchNormalization)):
        return ("BatchNormalization layers in the unfrozen part are trainable: keep them frozen, or "
                "fit will overwrite their ImageNet statistics")
    if not all(layer.trainable for layer in top if not isinstance(layer, keras.layers.BatchNormalization)):
        return "some convolutions from block_16_expand on are still frozen"
    return None


_SITUATIONS_03 = {"a": 2, "b": 1, "c": 3, "d": 2}        # situation -> approach ① ② ③
_APPROACH_03 = {"1": 1, "2": 2, "3": 3, "①": 1, "②": 2, "③": 3}


def _approaches_03(answer: Any) -> dict[str, int] | str:
    # a list/tuple of four approaches, or a dict {"a": 2, ...}, -> {"a": 2, ...}; else a complaint
    if isinstance(answer, dict):
        items = {str(k).strip().strip("()").lower(): v for k, v in answer.items()}
    elif isinstance(answer, (list, tuple)) and len(answer) == len(_SITUATIONS_03):
        items = dict(zip(_SITUATIONS_03, answer))
    else:
        return "the answer should be a list of four approach numbers, one per situation (a) to (d), like [1, 1, 2, 3]"
    if sorted(items) != sorted(_SITUATIONS_03):
        return "the dict should have exactly the keys 'a', 'b', 'c' and 'd'"
    chosen = {}
    for key, value in items.items():
        number = _APPROACH_03.get(str(value).strip())
        if number is None:
            return f"situation ({key}): {value!r} is not one of the approaches 1, 2, 3"
        chosen[key] = number
    return chosen


@exercise("03.2", notebook="03_three_ways_to_transfer",
          task="For four situations (a)-(d), say which of the three ways fits: "
               "1 classifier as is, 2 frozen feature extractor, 3 fine-tuning.",
          hint="Ask two questions per situation: are the target's classes already classes of the source "
               "network? If not, how close are the images to ImageNet's photos, and how many are there "
               "(lecture 6-3, and the table at the top of this notebook)?",
          solution='''
# (a) cats vs dogs, a few hundred pet photos: near ImageNet, new classes  -> 2 (lecture 6-3's own example)
# (b) dog breeds that are all ImageNet classes, nothing to train on      -> 1
# (c) 20,000 grayscale microscope images, far from ImageNet               -> 3
# (d) 10 kinds of fruit photographed like ImageNet's, 400 photos          -> 2
answer = [2, 1, 3, 2]
''')
def _check_03_2(answer: Any) -> str | None:
    chosen = _approaches_03(answer)
    if isinstance(chosen, str):
        return chosen
    for key, right in _SITUATIONS_03.items():
        given = chosen[key]
        if given == right:
            continue
        if given == 1:
            return (f"situation ({key}): its classes are not exactly classes of the source network, "
                    "so the network as it is cannot answer with them")
        if right == 1:
            return (f"situation ({key}): there are no labelled photos to train anything on, and the "
                    "source network already knows every class")
        if given == 3:
            return (f"situation ({key}): the photos are few and close to ImageNet's, so retraining "
                    "pretrained layers risks overfitting for little gain")
        return (f"situation ({key}): the images are far from ImageNet's photos, so the high-level "
                "features must adapt, which a frozen feature extractor cannot do")
    return None
# ── end 03 ──

# ── 04 ──
@exercise("04.1", notebook="04_reusing_layers_in_keras",
          task="Build model B on A the slides' way: a clone of model A with A's weights, all its layers "
               "but the output layer, a new Dense(1, 'sigmoid'), the reused layers frozen; answer "
               "(model_A, model_B_on_A).",
          hint="Section 2 does it step by step: clone_model, set_weights, "
               "Sequential([keras.Input(shape=(28, 28))] + clone.layers[:-1]), add the new output "
               "layer, then trainable = False on every layer but the last.",
          solution='''
import keras

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
''')
def _check_04_1(answer: Any) -> str | None:
    import keras
    import numpy as np

    if not (isinstance(answer, (tuple, list)) and len(answer) == 2
            and all(isinstance(m, keras.Model) for m in answer)):
        return "the answer should be a pair of Keras models: (model_A, model_B_on_A)"
    model_a, model_b = answer
    if not model_b.built or not model_b.weights:
        return ("model B is not built yet, so nothing about it can be checked: start its layers with "
                "keras.Input(shape=(28, 28)), the input model A has")
    a_layers, b_layers = list(model_a.layers), list(model_b.layers)
    if len(b_layers) != len(a_layers):
        return (f"model B has {len(b_layers)} layers and model A {len(a_layers)}: B should reuse every "
                "layer of A but the output layer, plus one new output layer")
    if any(w is v for w in model_b.weights for v in model_a.weights):
        return "model B shares weight variables with model A, so training B would change A: build B from a clone"
    last = b_layers[-1]
    if not (isinstance(last, keras.layers.Dense) and last.units == 1
            and getattr(last.activation, "__name__", "") == "sigmoid"):
        return "model B's last layer should be a new Dense(1, activation='sigmoid') for the two-class task B"
    for layer_a, layer_b in zip(a_layers[:-1], b_layers[:-1]):
        wa, wb = layer_a.get_weights(), layer_b.get_weights()
        if len(wa) != len(wb) or any(x.shape != y.shape or not np.array_equal(x, y) for x, y in zip(wa, wb)):
            return (f"the weights of B's layer {layer_b.name!r} differ from those of A's {layer_a.name!r}: "
                    "did the clone get A's weight values (set_weights)?")
    if any(layer.trainable for layer in b_layers[:-1] if layer.weights):
        return "some reused layers of model B are still trainable: freeze them before the first compile"
    if not (model_b.trainable and last.trainable):
        return "model B's new output layer is frozen: it is the one layer that must train"
    return None


@exercise("04.2", notebook="04_reusing_layers_in_keras",
          task="Write a function that takes a model for 28 x 28 images and returns a model for 56 x 56 x 1 "
               "images that resizes them to 28 x 28 before the reused layers.",
          hint="Section 5's model_B_56 puts a Resizing and a Reshape layer in front of the reused layers; "
               "wrap that in a function of the model.",
          solution='''
import keras

def for_56(model):
    # 56 x 56 x 1 images -> resized to 28 x 28 -> channel axis dropped -> the model's layers
    return keras.Sequential([keras.Input(shape=(56, 56, 1)),
                             keras.layers.Resizing(28, 28),
                             keras.layers.Reshape((28, 28)),
                             *model.layers])

answer = for_56          # in the notebook: for_56(model_B_on_A)
''')
def _check_04_2(answer: Any) -> str | None:
    import keras
    import numpy as np

    if not callable(answer) or isinstance(answer, keras.layers.Layer):
        return "the answer should be a function that takes a 28 x 28 model and returns a new model"
    small = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                              keras.layers.Flatten(), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    big = answer(small)
    if not isinstance(big, keras.Model):
        return f"the function returned a {type(big).__name__}, not a Keras model"
    if tuple(big.input_shape[1:]) != (56, 56, 1):
        return f"the new model takes inputs of shape {tuple(big.input_shape[1:])}, not (56, 56, 1)"
    x = np.random.default_rng(4).integers(0, 256, size=(6, 28, 28)).astype("float32")
    x_56 = x.repeat(2, axis=1).repeat(2, axis=2)[..., np.newaxis]          # each pixel 2 x 2
    expected = keras.ops.convert_to_numpy(small(x))
    got = keras.ops.convert_to_numpy(big(x_56))
    if got.shape != expected.shape:
        return f"the new model's output has shape {got.shape[1:]}, the original's {expected.shape[1:]}"
    if not np.allclose(got, expected, atol=1e-4):
        return ("on 2x-upscaled images its predictions differ from the original model's on the 28 x 28 "
                "images: resize the whole image to 28 x 28 in front of the reused layers")
    return None
# ── end 04 ──

# ── 05 ──
def _weighted_layers_05(model: Any) -> list:
    """Every layer with weights, nested models (a base used as one layer) opened up."""
    import keras

    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found += _weighted_layers_05(layer)
        elif layer.weights:
            found.append(layer)
    return found


def _compile_problem_05(model: Any) -> str | None:
    from tlcourse.surgery import needs_recompile

    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        return "the model is not compiled yet: compile it after setting the flags, so fit knows what to train"
    if needs_recompile(model):
        return ("the trainable flags changed after the last compile(): compile again, or fit keeps "
                "training the old set of layers")
    return None


@exercise("05.1", notebook="05_choosing_what_to_freeze",
          task="Set up the MNIST CNN for 'fine-tune top': its convolution layers frozen, its Dense layers "
               "trainable, compiled so the change takes effect; answer = the model.",
          hint="Frozen means trainable = False. Loop over model.layers as section 1 does (or use "
               "set_freeze_depth with the number of layers up to the last pooling layer), then compile: "
               "fit only sees the trainable changes made before compile().",
          solution='''
import keras
from tlcourse.models import load_pretrained

model = load_pretrained("mnist_cnn")       # rescale, conv1, pool1, conv2, pool2, flatten, dense, output
for layer in model.layers[:5]:
    layer.trainable = False                # frozen: the convolutional part is kept as it is
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-4),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
answer = model
''')
def _check_05_1(answer: Any) -> str | None:
    import keras

    if not isinstance(answer, keras.Model):
        return "the answer should be the Keras model itself: the MNIST CNN with its flags set and compiled"
    layers = _weighted_layers_05(answer)
    convs = [layer for layer in layers if isinstance(layer, keras.layers.Conv2D)]
    denses = [layer for layer in layers if isinstance(layer, keras.layers.Dense)]
    if not convs or not denses:
        return "this model lacks Conv2D or Dense layers: use the MNIST CNN, load_pretrained('mnist_cnn')"
    if not answer.trainable:
        return "the whole model is frozen (model.trainable = False), so nothing would train: freeze layer by layer"
    thawed = [layer.name for layer in convs if layer.trainable]
    frozen_dense = [layer.name for layer in denses if not layer.trainable]
    if thawed and frozen_dense:
        return ("the flags are the wrong way round: frozen means trainable = False, re-trained means "
                "trainable = True (the lecture text that writes 'Frozen (trainable = True)' has them swapped)")
    if thawed:
        return (f"{', '.join(thawed)} still trainable: the convolution layers are the part kept as it is, "
                "so they need trainable = False")
    if frozen_dense:
        return (f"{', '.join(frozen_dense)} frozen, but 'fine-tune top' re-trains the Dense layers "
                "(trainable = True)")
    return _compile_problem_05(answer)


@exercise("05.2", notebook="05_choosing_what_to_freeze",
          task="Prepare a model for fine-tuning all its layers: every layer trainable except "
               "BatchNormalization, compiled with a learning rate low enough to keep the pretrained "
               "features; answer = the model.",
          hint="Section 4 fine-tuned the same start at three rates: take the one that did not hurt. "
               "tlcourse.surgery.unfreeze(model) keeps BatchNormalization frozen for you; compile after it.",
          solution='''
import keras
from tlcourse.surgery import unfreeze

# a small stand-in with BatchNormalization (in the notebook: MobileNetV2's layers above the cut + a head)
model = keras.Sequential([keras.Input(shape=(8, 8, 3)), keras.layers.Conv2D(4, 3),
                          keras.layers.BatchNormalization(), keras.layers.ReLU(),
                          keras.layers.GlobalAveragePooling2D(),
                          keras.layers.Dense(10, activation="softmax")])
unfreeze(model)                            # every layer trainable, BatchNormalization kept frozen
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-4),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
answer = model
''')
def _check_05_2(answer: Any) -> str | None:
    import keras

    if not isinstance(answer, keras.Model):
        return "the answer should be a Keras model, compiled for fine-tuning"
    if not answer.trainable:
        return "the model is frozen as a whole (model.trainable = False): fine-tuning needs its layers trainable"
    layers = _weighted_layers_05(answer)
    batchnorms = [layer for layer in layers if isinstance(layer, keras.layers.BatchNormalization)]
    frozen = [layer.name for layer in layers if layer not in batchnorms and not layer.trainable]
    if frozen:
        more = " ..." if len(frozen) > 3 else ""
        return (f"{', '.join(frozen[:3])}{more} still frozen: fine-tuning all layers needs trainable = True "
                "on every layer but BatchNormalization")
    live = [layer.name for layer in batchnorms if layer.trainable]
    if live:
        return (f"BatchNormalization layer {live[0]!r} is trainable: keep BatchNormalization frozen "
                "(trainable = False), so the small fine-tuning batches cannot overwrite the statistics "
                "it learned on the source data")
    problem = _compile_problem_05(answer)
    if problem:
        return problem
    from tlcourse.surgery import current_learning_rate

    try:
        rate = current_learning_rate(answer)
    except (TypeError, ValueError):
        return "give the optimizer a constant learning rate (a number), so it can be checked"
    if rate > 1.001e-4:
        return (f"a learning rate of {rate:g} is too high for pretrained layers: section 4 measured what "
                "rates of this size do to them; go lower")
    if rate < 1e-6:
        return (f"a learning rate of {rate:g} barely moves the weights in a few epochs, so fine-tuning "
                "would change nothing: low, but not vanishing")
    return None
# ── end 05 ──

# ── 06 ──
def _naive_parts_06(per_class: int = 100, classes: int = 12) -> dict[str, set[int]]:
    # section 4's naive slice of a sorted folder: first 75 % train, next 10 % validation, last 15 % test
    y = [c for c in range(classes) for _ in range(per_class)]
    n = len(y)
    n_val, n_test = round(0.10 * n), round(0.15 * n)
    a, b = n - n_val - n_test, n - n_test
    return {"train": set(y[:a]), "val": set(y[a:b]), "test": set(y[b:])}


@exercise("06.1", notebook="06_open_datasets",
          task="12 classes x 100 images, sorted by class, split by section 4's naive slice: which classes "
               "of the test part never appear in the training part?",
          hint="Build the labels with np.repeat(np.arange(12), 100), cut them where section 4's naive "
               "split cuts (round(0.10 * n), round(0.15 * n)), and compare the sets of labels of the parts.",
          solution='''
import numpy as np

y = np.repeat(np.arange(12), 100)                  # a folder read class by class: sorted labels
n = len(y)
n_val, n_test = round(0.10 * n), round(0.15 * n)
a, b = n - n_val - n_test, n - n_test              # the naive slice's cut points
answer = sorted(set(y[b:].tolist()) - set(y[:a].tolist()))    # [10, 11]
''')
def _check_06_1(answer: Any) -> str | None:
    import numpy as np

    if isinstance(answer, (str, bytes, dict)) or not hasattr(answer, "__iter__"):
        return "the answer should be a list of class numbers, like [3, 4]"
    try:
        given = {int(c) for c in np.asarray(list(answer)).ravel()}
    except (TypeError, ValueError):
        return "the answer should be a list of class numbers, like [3, 4]"
    parts = _naive_parts_06()
    right = parts["test"] - parts["train"]
    if given == right:
        return None
    extra = given - right
    if any(c not in range(12) for c in extra):
        return "the classes are numbered 0 to 11"
    if extra & parts["train"]:
        return "your list has a class that the training part does contain"
    if extra:
        return "your list has a class that the test part does not contain: look where the validation part ends"
    return "a class of the test part that the training part never sees is missing from your list"


@exercise("06.2", notebook="06_open_datasets",
          task="Write leaked(x_train, x_test): the number of test images that have an exact copy "
               "in the training part.",
          hint="Hash every image's bytes, hashlib.sha256(image.tobytes()), as section 5 does, then count "
               "the test images whose hash is among the training images' hashes.",
          solution='''
import hashlib

def leaked(x_train, x_test):
    # test images with an exact copy in the training part, by content hash
    seen = {hashlib.sha256(image.tobytes()).hexdigest() for image in x_train}
    return sum(hashlib.sha256(image.tobytes()).hexdigest() in seen for image in x_test)

answer = leaked          # in the notebook: leaked(copied.x_train, copied.x_test)
''')
def _check_06_2(answer: Any) -> str | None:
    import numpy as np

    if not callable(answer):
        return "the answer should be a function leaked(x_train, x_test) that returns a number"
    rng = np.random.default_rng(6)
    for shape in ((8, 8, 3), (12, 12)):                  # colour photos and gray images
        x_train = rng.integers(0, 256, size=(40, *shape), dtype=np.uint8)
        x_test = rng.integers(0, 256, size=(15, *shape), dtype=np.uint8)
        copied = x_test.copy()
        copied[[1, 4, 9]] = x_train[[0, 7, 30]]          # 3 exact copies
        near = copied.copy()
        near[12] = x_train[5]
        near[12].flat[0] ^= 1                            # a twin that differs in one pixel value
        for x, right in ((x_test, 0), (copied, 3), (near, 3)):
            count = answer(x_train.copy(), x.copy())
            if isinstance(count, bool) or not isinstance(count, (int, np.integer)):
                return f"the function should return a whole number of test images, not {type(count).__name__}"
            if count == right:
                continue
            if count > len(x):
                return f"it returns {count} for a test part of {len(x)} images: count images, not pixels"
            if x is x_test:
                return f"on a split with no copies at all it returns {count}, not 0"
            if x is near and count == right + 1:
                return ("it counts a test image that differs from its training twin in one pixel: only "
                        "exact copies count here (near-duplicates need the distance check)")
            return f"with 3 test images copied from the training part it returns {count}"
    return None
# ── end 06 ──

# ── 07 ──
_C_07 = 64                                                    # channels in = filters out


@exercise("07.1", notebook="07_cnn_architectures",
          task="Count by hand the parameters (weights and biases) of one 5 x 5 convolution and of two "
               "stacked 3 x 3 convolutions, 64 channels in and 64 filters each; answer (one_5x5, two_3x3).",
          hint="A Conv2D layer has (kernel height x kernel width x input channels + 1) x filters "
               "parameters; check with keras.layers.Conv2D(64, 5) called on keras.Input((32, 32, 64)) "
               "and count_params().",
          solution='''
C = 64                                   # channels in = filters out
one_5x5 = 5 * 5 * C * C + C              # weights + one bias per filter: 102,464
two_3x3 = 2 * (3 * 3 * C * C + C)        # 73,856: about 28 % fewer, the same 5 x 5 view, one more ReLU
answer = (one_5x5, two_3x3)
''')
def _check_07_1(answer: Any) -> str | None:
    c = _C_07
    one, two = 25 * c * c + c, 2 * (9 * c * c + c)
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 2:
        return "the answer should be a pair of numbers: (one_5x5, two_3x3)"
    try:
        first, second = (float(v) for v in answer)
    except (TypeError, ValueError):
        return "the answer should be a pair of numbers: (one_5x5, two_3x3)"
    if (first, second) == (one, two):
        return None
    if (first, second) == (two, one):
        return "the order is swapped: first the single 5 x 5 convolution, then the two 3 x 3 ones"
    if (first, second) == (25 * c * c, 18 * c * c):
        return "both counts leave out the biases (one per filter)"
    if first != one:
        if first == 25 * c * c:
            return "the 5 x 5 count leaves out the biases (one per filter)"
        return "the first number (one 5 x 5 convolution, 64 channels in, 64 filters) is not right"
    if second == 18 * c * c:
        return "the count of the two 3 x 3 convolutions leaves out the biases (one per filter)"
    if second == 9 * c * c + c:
        return "the second number counts only one of the two 3 x 3 convolutions"
    return "the second number (two 3 x 3 convolutions, 64 channels in and 64 filters each) is not right"


def _leaf_layers_07(model: Any) -> list[Any]:
    # the layers of a model, nested models opened up
    import keras

    layers = []
    for layer in model.layers:
        layers += _leaf_layers_07(layer) if isinstance(layer, keras.Model) else [layer]
    return layers


@exercise("07.2", notebook="07_cnn_architectures",
          task="Build a residual block with an identity shortcut as a Keras model: input (8, 8, 16), "
               "F(x) = two 3 x 3 convolutions with 16 filters, output relu(F(x) + x).",
          hint="Use the functional API: keep the input as x, compute F(x) with conv -> BatchNorm -> ReLU -> "
               "conv -> BatchNorm (padding='same'), then keras.layers.Add()([F(x), x]) and a ReLU; "
               "tlcourse.models.residual_block is one to compare with.",
          solution='''
import keras

L = keras.layers
x = keras.Input(shape=(8, 8, 16))
f = L.Conv2D(16, 3, padding="same")(x)          # F(x): conv -> BN -> ReLU -> conv -> BN
f = L.BatchNormalization()(f)
f = L.Activation("relu")(f)
f = L.Conv2D(16, 3, padding="same")(f)
f = L.BatchNormalization()(f)
y = L.Activation("relu")(L.Add()([f, x]))       # relu(F(x) + x): the identity shortcut
answer = keras.Model(x, y, name="residual_block")
''')
def _check_07_2(answer: Any) -> str | None:
    import keras
    import numpy as np

    if not isinstance(answer, keras.Model):
        return "the answer should be a Keras model: keras.Model(inputs, outputs)"
    if tuple(answer.input_shape[1:]) != (8, 8, 16):
        return f"the block takes inputs of shape {tuple(answer.input_shape[1:])}, not (8, 8, 16)"
    if tuple(answer.output_shape[1:]) != (8, 8, 16):
        return (f"the block's output has shape {tuple(answer.output_shape[1:])}: with an identity "
                "shortcut it keeps the input's shape (8, 8, 16), so that x can be added")
    convs = [layer for layer in _leaf_layers_07(answer) if isinstance(layer, keras.layers.Conv2D)]
    if any(tuple(layer.kernel_size) == (1, 1) for layer in convs):
        return ("the block has a 1 x 1 convolution, a projection: when the shape does not change the "
                "shortcut is the identity, x itself")
    convs = [layer for layer in convs if tuple(layer.kernel_size) == (3, 3)]
    if len(convs) < 2:
        return "the residual path F(x) should have two 3 x 3 convolutions"
    x = np.random.default_rng(7).normal(size=(2, 8, 8, 16)).astype("float32")
    saved = [layer.get_weights() for layer in convs]
    try:                                                  # F(x) = 0: every convolution outputs 0
        for layer, weights in zip(convs, saved):
            layer.set_weights([np.zeros_like(w) for w in weights])
        y = keras.ops.convert_to_numpy(answer(x, training=False))
    finally:
        for layer, weights in zip(convs, saved):
            layer.set_weights(weights)
    if np.allclose(y, np.maximum(x, 0), atol=1e-4):
        return None
    if np.allclose(y, x, atol=1e-4):
        return "with F(x) = 0 the block returns x, not relu(x): the ReLU after the addition is missing"
    if np.allclose(y, 0, atol=1e-4):
        return ("with its convolutions set to zero the block outputs zeros: nothing adds the input x "
                "back (no shortcut)")
    return ("with its convolutions set to zero, F(x) = 0, the block should output relu(x), and it does "
            "not: add x itself to F(x), then apply the ReLU")
# ── end 07 ──

# ── 08 ──
def _dense_layers_08(model: Any) -> list[Any]:
    import keras

    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


@exercise("08.1", notebook="08_greedy_layerwise_pretraining",
          task="Build greedy stage 3 from stage 2: freeze stage 2's hidden layers, reuse the same layer "
               "objects, add one new hidden layer and a new output layer; answer (stage2, stage3).",
          hint="Do what section 3 did for stage 2, one level up: trainable = False on the hidden layer "
               "stage 2 trained, then a Sequential with the same stem and hidden layer objects, one new "
               "Dense(128, sigmoid) and a new Dense(10, softmax) head.",
          solution='''
import keras

# stages 1 and 2 as in section 3 (there they are trained before the next stage is built)
stem = [keras.layers.Rescaling(1 / 255), keras.layers.Flatten()]
hidden = [keras.layers.Dense(128, activation="sigmoid", name=f"hidden{i + 1}") for i in range(3)]
hidden[0].trainable = False                                   # frozen after stage 1
stage2 = keras.Sequential([keras.Input((28, 28)), *stem, hidden[0], hidden[1],
                           keras.layers.Dense(10, activation="softmax", name="head2")])

hidden[1].trainable = False                                   # freeze what stage 2 learned
stage3 = keras.Sequential([keras.Input((28, 28)), *stem, hidden[0], hidden[1], hidden[2],
                           keras.layers.Dense(10, activation="softmax", name="head3")])   # a new head
answer = (stage2, stage3)
''')
def _check_08_1(answer: Any) -> str | None:
    import keras

    if not (isinstance(answer, (tuple, list)) and len(answer) == 2
            and all(isinstance(m, keras.Model) for m in answer)):
        return "the answer should be a pair of Keras models: (stage2, stage3)"
    before, after = answer
    if not after.built or not after.weights:
        return "stage 3 is not built yet: start its layers with keras.Input((28, 28)), as stage 2 does"
    old, new = _dense_layers_08(before), _dense_layers_08(after)
    if len(old) != 3:
        return (f"the first model has {len(old)} Dense layers; stage 2 has three: two hidden layers "
                "and its output layer")
    hidden, old_head = old[:-1], old[-1]
    if any(layer is old_head for layer in new):
        return "stage 3 still contains stage 2's output layer: it was trained for a shallower network, give stage 3 a new one"
    if not all(any(layer is h for layer in new) for h in hidden):
        return "stage 3 must reuse stage 2's trained hidden layers themselves (the same layer objects), not copies or new layers"
    if [layer for layer in new[:len(hidden)]] != hidden:
        return "stage 3 should start with stage 2's hidden layers, in the same order"
    added = new[len(hidden):]
    if len(added) != 2:
        return (f"stage 3 adds {len(added)} Dense layers to stage 2's hidden layers: a greedy stage adds "
                "exactly one new hidden layer and one new output layer")
    still = [layer.name for layer in hidden if layer.trainable]
    if still:
        return (f"{', '.join(still)} is still trainable: every hidden layer an earlier stage trained "
                "stays frozen")
    if not (after.trainable and all(layer.trainable for layer in added)):
        return "the two new layers of stage 3 must be trainable: they are the ones this stage trains"
    head = added[-1]
    if head.units != old_head.units or (getattr(head.activation, "__name__", "")
                                        != getattr(old_head.activation, "__name__", "")):
        return "the new output layer should match stage 2's: the same number of units and activation"
    if {id(w) for w in after.trainable_weights} != {id(w) for layer in added for w in layer.weights}:
        return "stage 3 would train weights outside its two new layers: check the stem's trainable flags"
    return None


@exercise("08.2", notebook="08_greedy_layerwise_pretraining",
          task="At most, what fraction of the gradient is left after passing back through the derivatives "
               "of five sigmoid layers (weights aside)?",
          hint="Each sigmoid layer contributes one factor of at most 0.25, and along a chain (the chain "
               "rule) the factors multiply.",
          solution='''
# sigmoid'(z) = sigmoid(z) * (1 - sigmoid(z)) is at most 0.25 (at z = 0); the chain rule multiplies
# one such factor per sigmoid layer on the way down to hidden1's weights
answer = 0.25 ** 5       # 1/1024, about 0.001: at most a thousandth of the signal (weights aside)
''')
def _check_08_2(answer: Any) -> str | None:
    right = 0.25 ** 5
    if isinstance(answer, bool):
        return "the answer should be a number, not True or False"
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return f"the answer should be a number, not {type(answer).__name__}"
    if math.isnan(value):
        return "the answer should be a number, not NaN"
    if abs(value - right) <= 0.03 * right:
        return None
    if abs(value - 0.25 * 5) < 1e-6:
        return "the five factors multiply, they do not add"
    if any(abs(value - 0.25 ** k) <= 0.03 * 0.25 ** k for k in (1, 2, 3, 4, 6, 7)):
        return "count one factor for each of the five sigmoid layers the gradient passes"
    if not 0 < value <= 1:
        return "a product of factors between 0 and 0.25 lies between 0 and 1"
    return f"{value:g} is not the largest possible product of five sigmoid derivatives"
# ── end 08 ──

# ── 09 ──
def _wilson_width_09(correct: float, n: int, z: float = 1.96) -> float:
    # width (high - low) of the 95 % Wilson interval of `correct` right out of `n`
    p = correct / n
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return 2 * half


def _photos_needed_09(accuracy: float = 0.98, width: float = 0.02, step: int = 50) -> int:
    n = step
    while _wilson_width_09(round(accuracy * n), n) >= width:
        n += step
    return n


@exercise("09.1", notebook="09_project_sign_language",
          task="The smallest number of test photos (a multiple of 50) for which a measured 98 % has a 95 % "
               "Wilson interval narrower than 2 points.",
          hint="Loop n = 50, 100, 150, ... and compute wilson_interval(round(0.98 * n), n) until "
               "high - low drops below 0.02.",
          solution='''
import numpy as np

def wilson_interval(correct, n, z=1.96):
    # 95 % confidence interval of an accuracy measured as `correct` out of `n` (as in the notebook)
    p = correct / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half

n = 50
while True:
    low, high = wilson_interval(round(0.98 * n), n)
    if high - low < 0.02:
        break
    n += 50
answer = n               # 800: sixteen times the book's 50 test photos
''')
def _check_09_1(answer: Any) -> str | None:
    right = _photos_needed_09()
    if isinstance(answer, bool):
        return "the answer should be a number of photos, not True or False"
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return f"the answer should be a number of photos, not {type(answer).__name__}"
    if math.isnan(value) or value <= 0 or value != int(value):
        return "the answer should be a whole, positive number of photos"
    n = int(value)
    if n == right:
        return None
    if n % 50:
        return "count in multiples of 50, so that 98 % of the photos is a whole number of photos"
    if n < right:
        return (f"with {n} photos the interval is still {100 * _wilson_width_09(round(0.98 * n), n):.1f} "
                "points wide")
    return "a smaller multiple of 50 already gives an interval narrower than 2 points"


_CUT_09 = "block_12_add"                  # MobileNetV2: the layer just before block_13_expand


@exercise("09.2", notebook="09_project_sign_language",
          task="To fine-tune only the last stage of MobileNetV2 (blocks 13-16 and Conv_1), which layer is "
               "the cut, the last frozen layer whose output `bottom` computes once? Answer its name.",
          hint="List the names with [layer.name for layer in base.layers] and look at what comes just "
               "before block_13_expand; section 5 chose CUT the same way for block 10.",
          solution='''
# The cut is the last layer that stays frozen: the one just before block 13 starts. In the notebook:
#     names = [layer.name for layer in base.layers]
#     names[names.index("block_13_expand") - 1]
answer = "block_12_add"  # block 12 ends by adding its input back (stride 1, same channels)
''')
def _check_09_2(answer: Any) -> str | None:
    name = getattr(answer, "name", answer)               # a layer object is fine too
    if not isinstance(name, str):
        return "the answer should be a layer name (a string) such as 'block_9_add'"
    name = name.strip()
    if name == _CUT_09:
        return None
    if name == "block_13_expand":
        return "block_13_expand is the first layer to fine-tune; the cut is the last layer that stays frozen"
    if name in ("Conv_1", "Conv_1_bn", "out_relu"):
        return "that layer is at the very top, which is fine-tuned"
    match = re.fullmatch(r"block_(\d+)_\w+", name)
    if match is None:
        return ("that is not the name of the last layer before block 13 of MobileNetV2 (list them with "
                "[layer.name for layer in base.layers])")
    block = int(match.group(1))
    if block >= 13:
        return f"that layer belongs to block {block}, which is fine-tuned: the cut comes before block 13 starts"
    if block == 12:
        return ("block 12 does not end there: its last layer adds the block's input back, and the cut "
                "must come after it")
    return f"with that cut, layers of blocks {block + 1} to 12 would be fine-tuned too: the cut is the last layer before block 13"
# ── end 09 ──
