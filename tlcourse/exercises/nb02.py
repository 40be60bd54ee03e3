"""Exercises of notebook 02_why_it_works_features: 02.1 (one model for every convolution's feature
maps), 02.2 (reuse the first k layers) and 02.3 (experiment: a linear probe at two depths on a
near and a far target).

Per exercise, its solution ``_solution_02_1`` (its body is the code ``solution("02.1")``
shows) and its checker ``_check_02_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from tlcourse import data
from tlcourse._i18n import N_, _
from tlcourse.config import SEED, fast_or_full
from tlcourse.exercises import exercise
from tlcourse.exercises._common import as_number, is_function, weighted_layers
from tlcourse.features import ActivationCache, CutResult, train_above_cut
from tlcourse.models import backbone_preprocess, imagenet_backbone

__all__: list[str] = []

NOTEBOOK = "02_why_it_works_features"


def _tiny_cnn():
    # a small functional CNN shaped like MobileNetV2's first block: conv, BN, depthwise, 1x1 conv, add
    inputs = keras.Input(shape=(16, 16, 3), name="pixels")
    x = keras.layers.Conv2D(4, 3, strides=2, padding="same", name="stem")(inputs)
    x = keras.layers.BatchNormalization(name="stem_bn")(x)
    x = keras.layers.ReLU(name="stem_relu")(x)
    y = keras.layers.DepthwiseConv2D(3, padding="same", name="dw")(x)
    y = keras.layers.Conv2D(4, 1, name="project")(y)
    x = keras.layers.Add(name="skip_add")([x, y])
    x = keras.layers.Conv2D(6, 3, strides=2, name="last")(x)
    return keras.Model(inputs, x, name="tiny_cnn")


def _tiny_sequential():
    # a small Sequential CNN shaped like mnist_cnn: rescale, conv, pool, conv, pool, flatten, dense,
    # output; its weights are set from a seeded generator, like a trained model's (not its initialisers')
    model = keras.Sequential([
        keras.Input(shape=(14, 14, 1)), keras.layers.Rescaling(1 / 255, name="rescale"),
        keras.layers.Conv2D(3, 3, activation="relu", name="conv1"), keras.layers.MaxPooling2D(name="pool1"),
        keras.layers.Conv2D(4, 3, activation="relu", name="conv2"), keras.layers.MaxPooling2D(name="pool2"),
        keras.layers.Flatten(name="flatten"), keras.layers.Dense(5, activation="relu", name="dense"),
        keras.layers.Dense(6, activation="softmax", name="output")], name="tiny_sequential")
    rng = np.random.default_rng(2)
    model.set_weights([rng.normal(0, 0.3, size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def _outputs(model, x) -> list:
    with warnings.catch_warnings():      # a model built from model.inputs (a list) warns on one array
        warnings.simplefilter("ignore", UserWarning)
        out = model(x, training=False)
    return [keras.ops.convert_to_numpy(o) for o in (out if isinstance(out, (list, tuple)) else [out])]


def _solution_02_1() -> Callable[[keras.Model], keras.Model]:
    def conv_extractor(model):
        # one model, one forward pass: the output of every convolution layer, in model.layers order
        convs = (keras.layers.Conv2D, keras.layers.DepthwiseConv2D, keras.layers.SeparableConv2D)
        names = [layer.name for layer in model.layers if isinstance(layer, convs)]
        return keras.Model(model.inputs, [model.get_layer(name).output for name in names])

    answer = conv_extractor          # try it: conv_extractor(base) has 52 outputs
    return answer


@exercise("02.1", notebook=NOTEBOOK,
          task=N_("Write conv_extractor(model): ONE keras.Model whose outputs are the feature maps of every "
                  "convolution layer of `model` (Conv2D, DepthwiseConv2D, ...), in model.layers order."),
          hint=N_("Section 4's raw cell does it for MobileNetV2 with a list of names; get the names from "
                  "the model itself (isinstance with keras.layers.Conv2D and keras.layers.DepthwiseConv2D, "
                  "or tlcourse.features.conv_layers) and start the model from model.inputs: a Sequential "
                  "model has no .input until it has been called."),
          solution=_solution_02_1)
def _check_02_1(answer: Any) -> str | None:
    if not is_function(answer):
        return _("the answer should be a function that takes a model and returns a new keras.Model")
    for source, wanted in ((_tiny_cnn(), ["stem", "dw", "project", "last"]),
                           (_tiny_sequential(), ["conv1", "conv2"])):
        kind = "Sequential" if isinstance(source, keras.Sequential) else "functional"
        extractor = answer(source)
        if not isinstance(extractor, keras.Model):
            return _("for a {kind} model the function returned a {type}, not a keras.Model").format(
                kind=kind, type=type(extractor).__name__)
        x = np.random.default_rng(0).uniform(0, 255, size=(2, *source.inputs[0].shape[1:])).astype("float32")
        got = _outputs(extractor, x)
        expected = [_outputs(keras.Model(source.inputs, source.get_layer(n).output), x)[0] for n in wanted]
        if len(got) != len(expected):
            return _("a test {kind} model with {n} convolution layers ({names}) got {got} output(s): one output "
                     "per convolution layer (depthwise ones count too)").format(
                         kind=kind, n=len(wanted), names=", ".join(wanted), got=len(got))
        for name, g, e in zip(wanted, got, expected):
            if g.shape != e.shape:
                shapes = [tuple(o.shape[1:]) for o in got]
                return _("on a test {kind} model the outputs have shapes {shapes}, but the convolution layers "
                         "{names} output {expected}: take exactly the convolution layers, in model.layers "
                         "order").format(kind=kind, shapes=shapes, names=wanted,
                                         expected=[tuple(o.shape[1:]) for o in expected])
            if not np.allclose(g, e, rtol=1e-4, atol=1e-5):
                return _("on a test {kind} model the output for {name} has the right shape but other values: the "
                         "extractor must share the model's layers and weights (no clone_model)").format(
                             kind=kind, name=repr(name))
    return None


def _solution_02_2() -> Callable[[keras.Model, int, int], keras.Model]:
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
    return answer


@exercise("02.2", notebook=NOTEBOOK,
          task=N_("Write reuse_first_k(source, k, num_classes): the first k layers of `source` with their "
                  "weights and frozen, the layers above re-initialised and trainable, a new softmax output."),
          hint=N_("Section 5's raw cell builds it for k = 4: a clone with the source's weights for layers[:k], "
                  "a second clone_model (new random weights) for layers[k:-1], a new Dense(num_classes, "
                  "'softmax') with a name of its own, then trainable = False on the first k layers."),
          solution=_solution_02_2)
def _check_02_2(answer: Any) -> str | None:
    if not is_function(answer):
        return _("the answer should be a function reuse_first_k(source, k, num_classes) that returns a model")
    source = _tiny_sequential()
    before = [w.copy() for w in source.get_weights()]
    flags = [layer.trainable for layer in source.layers]
    own = [layer for layer in source.layers if layer.weights]            # conv1, conv2, dense, output
    for k in (2, 4):
        model = answer(source, k, 3)
        if not isinstance(model, keras.Model):
            return _("the function returned a {type}, not a keras.Model").format(type=type(model).__name__)
        if [layer.trainable for layer in source.layers] != flags:
            return _("the function froze layers of the source model itself (they are shared): clone the "
                     "source first, keras.models.clone_model + set_weights")
        x = np.random.default_rng(1).uniform(0, 255, size=(2, 14, 14, 1)).astype("float32")
        y = _outputs(model, x)[0]
        if y.shape != (2, 3):
            return _("with num_classes=3 the model outputs shape {shape}, not (3,): end with a new "
                     "Dense(num_classes, activation='softmax')").format(shape=y.shape[1:])
        if not np.allclose(y.sum(axis=1), 1, atol=1e-4) or (y < 0).any():
            return _("the outputs are not probabilities: the new output layer needs activation='softmax'")
        weighted = weighted_layers(model)
        frozen_names = [layer.name for layer in source.layers[:k] if layer.weights]
        if len(weighted) != len(own):
            return _("for k={k} the model has {n} layers with weights; it needs {needed}: the reused ones, the "
                     "source's other layers above the cut (they stay, re-initialised) but not its old output "
                     "layer, and one new output layer").format(k=k, n=len(weighted), needed=len(own))
        for layer, original in zip(weighted[:-1], own[:-1]):
            same = all(np.array_equal(a, b) for a, b in zip(layer.get_weights(), original.get_weights()))
            reused = original.name in frozen_names
            if reused and not same:
                return _("for k={k} layer {name} is below the cut but does not hold the source's weights: copy "
                         "them (set_weights) into the reused layers").format(k=k, name=repr(original.name))
            if reused and layer.trainable:
                return _("for k={k} the reused layer {name} is still trainable: freeze it").format(
                    k=k, name=repr(original.name))
            if not reused and same:
                return _("for k={k} layer {name} is above the cut but kept the source's weights: above the cut "
                         "the layers start again from new random weights (clone_model)").format(
                             k=k, name=repr(original.name))
            if not reused and not layer.trainable:
                return _("for k={k} layer {name} is above the cut, so it must be trainable").format(
                    k=k, name=repr(original.name))
        if not weighted[-1].trainable:
            return _("the new output layer is frozen: it must train")
    if any(not np.array_equal(a, b) for a, b in zip(before, source.get_weights())):
        return _("the function changed the source model's weights: work on clones")
    return None



_DEPTHS = (54, 154)           # block_5_add (the middle) and out_relu (the top) of MobileNetV2 at 96 px


def _probe_settings() -> dict[str, int]:
    # section 6's probe recipe as the notebook sets it in this mode (SIGNS_PER_CLASS, PROBE_EPOCHS, SEEDS[0])
    return {"per_class": fast_or_full(30, 80), "epochs": fast_or_full(5, 10), "seed": SEED}


def _probe_cache(name: str, per_class: int, **split: float) -> Any:
    # section 6's recipe on another data set: a stratified draw, preprocessed, one pass at both depths
    photos = data.load(name, image_size=(96, 96), limit_per_class=per_class, verbose=False, **split)
    preprocess = backbone_preprocess("mobilenet_v2")
    return ActivationCache(imagenet_backbone("mobilenet_v2", (96, 96, 3)),
                           (preprocess(photos.x_train.astype("float32")), photos.y_train,
                            preprocess(photos.x_val.astype("float32")), photos.y_val))


@functools.lru_cache(maxsize=2)
def _near_reference(per_class: int, epochs: int, seed: int) -> tuple[dict[int, float], dict[int, int]]:
    # the near-target probes as the notebook's recipe gives them: {depth: accuracy}, {depth: params}
    cache = _probe_cache("cats_vs_dogs", per_class, val_size=0.4)
    runs = {d: train_above_cut(cache, d, mode="head", pooling="flatten", epochs=epochs, seed=seed) for d in _DEPTHS}
    return {d: r.val_accuracy for d, r in runs.items()}, {d: r.trainable_params for d, r in runs.items()}


def _solution_02_3() -> dict[str, Any]:
    per_class, epochs = fast_or_full(30, 80), fast_or_full(5, 10)     # SIGNS_PER_CLASS, PROBE_EPOCHS
    pretrained = imagenet_backbone("mobilenet_v2", (96, 96, 3))
    preprocess = backbone_preprocess("mobilenet_v2")

    def probes(split):
        # section 6's linear probe at k = 54 (block_5_add) and k = 154 (out_relu), seed SEED
        cache = ActivationCache(pretrained, (preprocess(split.x_train.astype("float32")), split.y_train,
                                             preprocess(split.x_val.astype("float32")), split.y_val))
        return {k: train_above_cut(cache, k, mode="head", pooling="flatten", epochs=epochs, seed=SEED)
                for k in (54, 154)}

    pets = data.load("cats_vs_dogs", image_size=(96, 96), limit_per_class=per_class, val_size=0.4)
    near = probes(pets)
    # the far target: in the notebook, take section 6's rows instead: probe_runs[0].rows at k = 54, 154
    signs = data.load("sign_language_digits", image_size=(96, 96), limit_per_class=per_class,
                      val_size=0.4, test_size=0.1)
    far = probes(signs)
    gain_near = near[154].val_accuracy - near[54].val_accuracy        # what the top adds, near target
    gain_far = far[154].val_accuracy - far[54].val_accuracy           # ... and far target
    print(f"near: {gain_near:+.3f}, far: {gain_far:+.3f}")
    answer = {"near": near, "far": far, "conclusion": "near" if gain_near > gain_far else "far"}
    return answer


def _accuracies(results: Any, target: str) -> dict[int, tuple[float, Any]] | str:
    # {54: (accuracy, the CutResult or None), 154: ...} from the student's dict, or what is wrong with it
    if not isinstance(results, dict) or sorted(results) != list(_DEPTHS):
        return _("{key} should be a dict with the keys 54 and 154 (the depths k), each a probe's result").format(
            key=f"answer[{target!r}]")
    out = {}
    for depth, value in results.items():
        key = f"answer[{target!r}][{depth}]"
        if isinstance(value, CutResult):
            if value.depth != depth:
                return _("{key} is the probe of depth {depth}: measure at k = {k}, train_above_cut(cache, k, "
                         "...)").format(key=key, depth=value.depth, k=depth)
            if value.mode != "head":
                return _("{key} was trained with mode={mode}: a linear probe trains nothing but the new "
                         "classifier, mode='head'").format(key=key, mode=repr(value.mode))
            out[depth] = (value.val_accuracy, value)
        else:
            number = as_number(value, N_("a probe's result (CutResult) or its validation accuracy"))
            if isinstance(number, str):
                return f"{key}: {number}"
            out[depth] = (number, None)
    return out


@exercise("02.3", notebook=NOTEBOOK,
          task=N_("Measure section 6's linear probe at k = 54 and k = 154 on a NEAR target (dogs vs cats), "
                  "compare what the top adds there with what it adds for the hand signs, and say for which "
                  "target the top layer helps more ('near' or 'far')."),
          hint=N_("Load dogs vs cats as section 6 loads the signs (same size, limit_per_class=SIGNS_PER_CLASS, "
                  "val_size=0.4), preprocess, build an ActivationCache of `pretrained`, then "
                  "train_above_cut(cache, k, mode='head', pooling='flatten', epochs=PROBE_EPOCHS, seed=SEEDS[0]) "
                  "for k = 54 and 154; the signs' rows are in probe_runs[0].rows. Compare the two gains "
                  "accuracy(154) - accuracy(54)."),
          solution=_solution_02_3)
def _check_02_3(answer: Any) -> str | None:
    if not isinstance(answer, dict) or not {"near", "far", "conclusion"} <= set(answer):
        return _("the answer should be a dict {'near': {54: ..., 154: ...}, 'far': {54: ..., 154: ...}, "
                 "'conclusion': 'near' or 'far'}")
    near, far = _accuracies(answer["near"], "near"), _accuracies(answer["far"], "far")
    for problem in (near, far):
        if isinstance(problem, str):
            return problem
    settings = _probe_settings()
    reference, params = _near_reference(settings["per_class"], settings["epochs"], settings["seed"])
    for target, results, classes in (("near", near, 2), ("far", far, 10)):
        for depth, (_accuracy, result) in results.items():
            if result is None:
                continue
            key = f"answer[{target!r}][{depth}]"
            if result.epochs != settings["epochs"]:
                return _("{key} trained {epochs} epochs; section 6's probes train PROBE_EPOCHS = {probe_epochs}: the "
                         "same recipe for both targets").format(key=key, epochs=result.epochs,
                                                                probe_epochs=settings["epochs"])
            expected = params[depth] if classes == 2 else (params[depth] - 1) * 10 + 10
            if result.trainable_params != expected:
                other = N_("dogs vs cats (2 classes)") if classes == 10 else N_("the hand signs (10 classes)")
                if result.trainable_params == (params[depth] if classes == 10 else (params[depth] - 1) * 10 + 10):
                    return _("{key} is a probe on {other}: near is dogs vs cats, far the signs").format(
                        key=key, other=_(other))
                return _("{key}'s classifier has {params:,} weights, not the {expected:,} of a linear probe on the "
                         "flattened maps: use pooling='flatten' as section 6").format(
                             key=key, params=result.trainable_params, expected=expected)
    for depth in _DEPTHS:
        if abs(near[depth][0] - reference[depth]) > 1e-6:
            return _("the dogs-vs-cats accuracy at k = {depth} is not what section 6's recipe gives ({accuracy:.3f}): "
                     "same photos (limit_per_class=SIGNS_PER_CLASS, val_size=0.4), preprocessed with `preprocess` "
                     "as in section 6, seed=SEEDS[0], PROBE_EPOCHS epochs, validation accuracy").format(
                         depth=depth, accuracy=near[depth][0])
    for depth in _DEPTHS:
        if not 0.0 <= far[depth][0] <= 1.0:
            return _("{key} = {value} is no accuracy (between 0 and 1)").format(
                key=f"answer['far'][{depth}]", value=far[depth][0])
    gain_near = near[154][0] - near[54][0]
    gain_far = far[154][0] - far[54][0]
    conclusion = str(answer["conclusion"]).strip().lower()
    if conclusion not in ("near", "far"):
        return _("'conclusion' should be 'near' or 'far', not {conclusion}").format(
            conclusion=repr(answer["conclusion"]))
    if conclusion != ("near" if gain_near > gain_far else "far"):
        return _("your numbers say otherwise: from k = 54 to k = 154 the near target gains {near:+.1f} points and "
                 "the far one {far:+.1f}; the conclusion names the target that gains more").format(
                     near=100 * gain_near, far=100 * gain_far)
    return None
