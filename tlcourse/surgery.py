"""Model surgery for transfer learning: clone, cut, add a head, freeze and unfreeze.

The course's recipe (Géron ch. 11, seed 003) in Keras 3 terms::

    model_A_clone = clone_with_weights(model_A)     # clone_model + set_weights: A stays untouched
    model_B = with_new_head(reuse_layers(model_A_clone), num_classes=2)  # layers[:-1] + Dense(1)
    freeze(model_B, upto=-1)                        # everything but the new head
    model_B.compile(optimizer=keras.optimizers.SGD(learning_rate=1e-2), loss="binary_crossentropy")
    model_B.fit(...)
    unfreeze(model_B)
    compile_again(model_B, learning_rate=1e-4)      # a change in `trainable` needs a compile
    model_B.fit(...)

Every cut goes through :func:`cut_model` (``reuse_layers`` is its lower part): a depth k is
``model.layers[:k]`` (negative and layer names too), and a model can be cut only where exactly
one tensor crosses, so a cut inside a residual block is refused, never silently simplified.

"Layers" always means ``model.layers`` at the top level, exactly as Keras lists them: a
functional model lists its ``InputLayer`` first (index 0), a ``Sequential`` model does not,
and a nested base model (for example a ``keras.applications`` network used as ``base(x)``)
counts as ONE layer. To reach a nested base's own layers, call the same function on the base
itself, e.g. ``set_freeze_depth(model.get_layer("mobilenetv2_0.35_32"), 100)``.

What the course measured about ``trainable`` and ``compile()`` (TensorFlow backend, default
graph mode; ``tests/test_surgery.py`` checks each line on every Keras the course tests: the
declared floor, the current release and a pinned ``keras-nightly``):

* ``compile(); fit(); freeze(); fit()`` -> the "frozen" weights STILL change: ``fit`` keeps the
  training function it traced on its first call, with the old list of trainable weights.
* ``compile(); fit(); unfreeze(); fit()`` -> the "unfrozen" weights do NOT change, same reason.
* Only ``compile()`` resets that function, so after every freeze/unfreeze: compile again.
  (``compile(); freeze(); fit()`` happens to work because the first ``fit`` traces afresh, but
  do not rely on it.) Nothing warns you reliably: use :func:`needs_recompile`.
* Re-compiling with the SAME optimizer object after the trainable set changed fails in ``fit``
  ("This optimizer can only be called for the variables it was originally built with"): give a
  new optimizer, which :func:`compile_again` does for you.
* ``base.trainable = True`` on a base that is already trainable does nothing on the TensorFlow
  backend (an ``x.attr = x.attr`` short cut in TF's attribute tracking), so layers frozen one by
  one inside it stay frozen; :func:`unfreeze` sets every inner layer explicitly.
* ``x = base(inputs, training=False)`` (the Keras guide's recipe) keeps a *trainable*
  BatchNormalization layer in inference mode during ``fit`` on some Keras versions and not on
  others (keras-team/keras#20285, #23364): :func:`outer_training_wins` measures which on yours.
  ``bn.trainable = False`` keeps BN in inference mode on every version, so the recipe that
  works everywhere is both: BN frozen AND the base called with ``training=False`` -- hence
  :func:`unfreeze`'s ``keep_batchnorm_frozen=True`` default and :func:`with_new_head`'s call.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import keras

from tlcourse._checks import (
    check_built,
    check_freeze_depth,
    check_int,
    check_model,
    check_one_in_one_out,
    is_int,
    layer_index,
)
from tlcourse._keras_graph import (
    POOLINGS,
    check_cut,
    classifier_head,
    count_params,
    cut_depth,
    cut_label,
    cut_tensor,
    head_units,
    is_input,
    shape_text,
    walk,
)
from tlcourse.tables import Table

__all__ = [
    "ModelCut",
    "TrainableReport",
    "check_input_size",
    "clone_with_weights",
    "compile_again",
    "current_learning_rate",
    "cut_model",
    "outer_training_wins",
    "freeze",
    "needs_recompile",
    "reuse_layers",
    "set_freeze_depth",
    "trainable_report",
    "unfreeze",
    "with_new_head",
]

#: What ``upto`` may be in :func:`freeze` / :func:`unfreeze`.
LayerSelection = None | int | str | Sequence[str]

# -------------------------------------------------------------------- which layers


def _select(model: keras.Model, upto: LayerSelection, func: str) -> list[keras.layers.Layer]:
    layers = model.layers
    if upto is None or (isinstance(upto, str) and upto == "all"):
        return list(layers)
    if isinstance(upto, (list, tuple)):
        for name in upto:
            if not isinstance(name, str):
                raise TypeError(f"{func}(): a list for upto must hold layer names (str), "
                                f"got {name!r}.")
        return [layers[layer_index(model, name, func)] for name in upto]
    return list(layers[: cut_depth(model, upto, func, "upto")])


# ------------------------------------------------------------------- clone and cut


def clone_with_weights(model: keras.Model) -> keras.Model:
    """A copy of ``model`` with its own layers and variables, holding the same weight values.

    ``keras.models.clone_model`` copies the architecture (new, randomly initialised
    variables); ``set_weights(model.get_weights())`` copies the values. Training the clone
    never touches ``model`` -- unlike ``keras.Sequential(model.layers[:-1])``, which reuses
    the very same layer objects and so trains the original too. Trainable flags are kept;
    the clone is not compiled.

    Args:
        model: a built Sequential or functional model (keras.applications models too).

    Returns:
        The independent copy.

    Example (``06_reusing_layers_in_keras``):
        >>> model_A_clone = clone_with_weights(model_A)  # doctest: +SKIP
    """
    check_model(model, "clone_with_weights")
    check_built(model, "clone_with_weights")
    clone = keras.models.clone_model(model)
    clone.set_weights(model.get_weights())
    return clone


@dataclass(frozen=True)
class ModelCut:
    """A model cut in two at one depth, from :func:`cut_model`; unpacks as ``below, above``.

    ``depth``: the cut as k in 0..len(model.layers) (a negative index or a layer name resolved):
    the first k layers are below it. ``layer``: the last layer below the cut ("(input)" for 0).
    ``below``: those k layers as a model taking the original input (None when nothing is below:
    depth 0, or only a functional model's InputLayer); a Sequential model's part stays
    Sequential. ``above``: the other layers as a functional model whose input is the one tensor
    that crosses the cut (None at the end). ``above(below(x))`` computes ``model(x)``.
    """

    depth: int
    layer: str
    below: keras.Model | None
    above: keras.Model | None

    def __iter__(self):
        return iter((self.below, self.above))


def cut_model(model: keras.Model, depth: int | str, *, share: bool = False) -> ModelCut:
    """Cut ``model`` after its first ``depth`` layers: the part below and the part above.

    The one rule for every cut in tlcourse (:func:`reuse_layers`, ``cut_points``, the
    activation cache, the freeze-depth slider): a model can be cut where exactly ONE tensor
    crosses from the layers below to the layers above. A chain of layers (every Sequential
    model) can be cut at every depth; inside a residual block (MobileNetV2, ResNet) the skip and
    the main path both cross, so the cut is refused; ``cut_points(model)`` lists the valid depths.

    Args:
        model: a built Sequential or functional model (keras.applications models too; a nested
            base counts as one layer).
        depth: an int works like ``model.layers[:depth]``: 3 keeps the first three layers below
            the cut, -1 all but the last (a functional model lists its InputLayer as layer 0).
            A layer name cuts right AFTER that layer.
        share: False (default): both parts are cut from ONE clone of ``model`` (its weights
            copied): they share layers with each other but not with ``model``, so training them
            never changes ``model``. True: both parts reuse ``model``'s own layer objects (no
            copy, fast): training either part changes ``model`` too.

    Returns:
        A :class:`ModelCut` ``(depth, layer, below, above)``; ``below, above = cut_model(...)``
        unpacks the two models. Neither is compiled.

    Raises:
        TypeError: not a keras.Model, a subclassed model (no graph), or a depth that is neither
            an int nor a layer name.
        ValueError: an unbuilt model, a depth out of range or an unknown layer name, or a cut
            where more than one tensor crosses (the message names the nearest valid depths).

    Example (``06_reusing_layers_in_keras``):
        >>> below, above = cut_model(model_A, -1)  # layers[:-1] and the output layer  # doctest: +SKIP
        >>> top = cut_model(base, "block_15_add", share=True).above  # MobileNetV2's last blocks  # doctest: +SKIP
    """
    k, source = _cut(model, depth, share, "cut_model", "depth")
    tensor = cut_tensor(source, k, "cut_model")          # the one tensor crossing, found once for both parts
    empty = k == 0 or is_input(source.layers[k - 1])
    below = None if empty else _below(source, k, model.name, tensor)
    return ModelCut(depth=k, layer=cut_label(source, k), below=below, above=_above(source, k, model.name, tensor))


def _cut(model: keras.Model, depth: int | str, share: bool, func: str, what: str,
         keep_some: bool = False) -> tuple[int, keras.Model]:
    """Check ``model`` and the cut (the rule), messages in ``func``'s name: ``(k, model or its clone)``.

    ``keep_some``: refuse a cut with no layer below it (reuse_layers).
    """
    check_model(model, func)
    if not isinstance(model, keras.Sequential) and not hasattr(model, "_nodes_by_depth"):
        raise TypeError(f"{func}(): '{model.name}' is a subclassed model, which has no layer "
                        "graph to cut; rebuild it as keras.Sequential or a functional keras.Model.")
    check_built(model, func)
    k = check_cut(model, depth, func, what)  # the one rule: refuses a cut inside a residual block
    if keep_some and (k == 0 or is_input(model.layers[k - 1])):
        raise ValueError(f"{func}(): cutting model '{model.name}' at {what}={depth!r} leaves no "
                         f"layers (it has {len(model.layers)}: {[l.name for l in model.layers]}); "
                         f"keep at least one layer, e.g. {what}=-1 drops only the output layer.")
    return k, (model if share else clone_with_weights(model))


def _below(source: keras.Model, k: int, name: str, tensor: Any) -> keras.Model:
    """``source.layers[:k]`` as a model with ``source``'s input, ending at ``tensor``, the one that
    crosses the cut (a Sequential model stays Sequential)."""
    name = f"{name}_upto_{source.layers[k - 1].name}"
    if isinstance(source, keras.Sequential):
        inp = source.inputs[0]
        return keras.Sequential([keras.Input(shape=tuple(inp.shape[1:]), dtype=inp.dtype),
                                 *source.layers[:k]], name=name)
    inputs = source.inputs[0] if len(source.inputs) == 1 else source.inputs  # model(x), not model([x])
    return keras.Model(inputs, tensor, name=name)


def _above(source: keras.Model, k: int, name: str, tensor: Any) -> keras.Model | None:
    """``source.layers[k:]`` as a functional model fed by ``tensor``, the one crossing the cut
    (None at the end)."""
    if k == len(source.layers):
        return None
    outputs = source.outputs[0] if len(source.outputs) == 1 else source.outputs
    if tensor is source.inputs[0]:
        return keras.Model(source.inputs[0], outputs, name=f"{name}_above_input")
    # Keras 3 accepts an intermediate tensor as input: it copies the graph nodes, not the layers.
    return keras.Model(tensor, outputs, name=f"{name}_above_{k}")


def reuse_layers(model: keras.Model, upto: int | str = -1, *, share: bool = False) -> keras.Model:
    """The layers below a cut, as a new model (Géron's ``Sequential(model_A.layers[:-1])``).

    The bottom part of :func:`cut_model`, with its rule: on a graph with skip connections only
    a depth where one tensor crosses can be cut (``cut_points(model)`` lists them), so no skip
    connection is silently dropped.

    Args:
        model: a built Sequential or functional model.
        upto: where to cut. An int works like ``model.layers[:upto]``: -1 (default) drops the
            output layer, -2 the last two, 3 keeps the first three. A layer name cuts AFTER that
            layer, i.e. the named layer is kept. (Functional models list their InputLayer as
            layer 0.)
        share: False (default) cuts a clone, so the new model shares no variables with
            ``model``. True reuses the very same layer objects: training the new model then
            changes ``model`` as well -- only do this on purpose.

    Returns:
        A new, uncompiled model with the same input as ``model`` (Sequential for a Sequential
        model).

    Raises:
        ValueError: a cut that keeps no layer, a cut inside a residual block (the message names
            the nearest valid depths), or anything :func:`cut_model` refuses.

    Example (``06_reusing_layers_in_keras``):
        >>> model_B = reuse_layers(model_A)          # all but the output layer  # doctest: +SKIP
        >>> features = reuse_layers(cnn, upto="pool2")                         # doctest: +SKIP
    """
    k, source = _cut(model, upto, share, "reuse_layers", "upto", keep_some=True)
    return _below(source, k, model.name, cut_tensor(source, k, "reuse_layers"))


def with_new_head(base: keras.Model, num_classes: int | None = None, *, units: int | None = None,
                  activation: str | None = None, dropout: float = 0.0, pooling: str = "avg",
                  name: str = "head") -> keras.Model:
    """``base`` + pooling (for feature maps) + optional Dropout + a new Dense classifier.

    The base is called as ``base(inputs, training=False)``, the Keras transfer-learning guide's
    recipe for keeping BatchNormalization in inference mode. That holds for ``model(x)`` and
    ``predict``; whether ``fit``'s ``training=True`` overrides it depends on the Keras version
    (:func:`outer_training_wins` measures yours), so also keep BN layers frozen when you
    fine-tune (:func:`unfreeze` does by default): a frozen BN layer uses its stored statistics
    on every version. In the new model the base counts as one layer.

    Args:
        base: a built model whose output is features (2-D, or 3/4/5-D feature maps).
        num_classes: 1 or 2 -> ``Dense(1, "sigmoid")`` (binary); k > 2 -> ``Dense(k, "softmax")``.
        units: instead of num_classes, the Dense size exactly (``activation`` default linear,
            e.g. logits for ``from_logits=True``).
        activation: overrides the Dense activation.
        dropout: rate of a Dropout layer before the Dense layer (0 = none).
        pooling: for feature maps: "avg" (GlobalAveragePooling), "max" or "flatten";
            ignored for 2-D outputs.
        name: name of the Dense layer; other head layers are ``{name}_pool``, ``{name}_dropout``.

    Returns:
        A new functional model (uncompiled) sharing ``base``'s layers.

    Example (``04_fine_tuning``):
        >>> model = with_new_head(mobilenet_base, num_classes=5, dropout=0.2)  # doctest: +SKIP
    """
    check_model(base, "with_new_head", "base")
    check_built(base, "with_new_head")
    if units is not None and num_classes is not None:
        raise ValueError("with_new_head(): give num_classes OR units, not both (units= and "
                         "activation= are the manual form of num_classes=).")
    if units is None:
        if num_classes is None:
            raise ValueError("with_new_head(): say how many classes: num_classes=10 "
                             "(or units=... with activation=... for full control).")
        num_classes = check_int(num_classes, "num_classes", "with_new_head", note=" (1 or 2 = binary)")
        units, default = head_units(num_classes)
    else:
        units, default = check_int(units, "units", "with_new_head"), None
    if not (isinstance(dropout, (int, float)) and 0.0 <= dropout < 1.0):
        raise ValueError(f"with_new_head(): dropout must be a rate in [0, 1), got {dropout!r}.")
    if pooling not in POOLINGS:
        raise ValueError(f"with_new_head(): pooling must be one of {POOLINGS}, got {pooling!r}.")
    check_one_in_one_out(base, "with_new_head", "base")

    spec = base.inputs[0]
    inputs = keras.Input(shape=tuple(spec.shape[1:]), dtype=spec.dtype)
    x = base(inputs, training=False)
    rank = len(x.shape)
    if rank > 5:
        raise ValueError(f"with_new_head(): base output {tuple(x.shape)} has rank {rank}; "
                         "only 2-D features or 3/4/5-D feature maps are supported.")
    outputs = classifier_head(x, units, activation or default, pooling=pooling, name=name, dropout=dropout)
    return keras.Model(inputs, outputs, name=f"{base.name}_with_{name}")


def check_input_size(model: keras.Model, image_shape: Sequence[int]) -> None:
    """Check that images of ``image_shape`` fit ``model``'s input; explain how to resize if not.

    Seed 003's warning: a model trained on 64x64 images cannot take 256x256 ones -- resize them
    first, best with ``keras.layers.Resizing(64, 64)`` as the new model's first layer.

    Args:
        model: a built model.
        image_shape: (H, W), (H, W, C) or a batch shape (N, H, W, C) -- what the data has.

    Returns:
        None when the sizes match (None dims in the model accept any size).

    Raises:
        ValueError: with the resize to apply, when a size differs.

    Example (``06_reusing_layers_in_keras``):
        >>> check_input_size(model_A, (256, 256, 3))  # doctest: +SKIP
        ValueError: ... add keras.layers.Resizing(64, 64) as the first layer ...
    """
    check_model(model, "check_input_size")
    check_built(model, "check_input_size")
    given = tuple(int(d) if is_int(d) else d for d in image_shape)
    if not given or not all(is_int(d) and d > 0 for d in given):
        raise TypeError(f"check_input_size(): image_shape must be positive ints like (256, 256, 3), "
                        f"got {image_shape!r}.")
    expected = tuple(model.inputs[0].shape[1:])
    if len(given) == len(expected) + 1:
        given = given[1:]  # a batch shape
    elif len(given) == len(expected) - 1 and len(expected) == 3:
        given = given + (expected[2],)  # (H, W) for an (H, W, C) model: channels not checked
    if len(given) != len(expected):
        raise ValueError(f"check_input_size(): image_shape {tuple(image_shape)} does not fit "
                         f"model '{model.name}', whose input is {expected} (per example).")
    if any(e is not None and e != g for e, g in zip(expected[:2], given[:2])):
        h, w = expected[0], expected[1]
        fix = (f"add keras.layers.Resizing({h}, {w}) as the first layer, e.g. "
               f"keras.Sequential([keras.Input(shape={given}), keras.layers.Resizing({h}, {w}), "
               f"model]), or resize the data with tf.image.resize(images, ({h}, {w}))"
               if len(expected) == 3 else
               f"give the images a channel axis and put keras.layers.Resizing({h}, {w}) and "
               f"keras.layers.Reshape({expected}) in front, e.g. keras.Sequential([keras.Input("
               f"shape={given[:2] + (1,)}), keras.layers.Resizing({h}, {w}), "
               f"keras.layers.Reshape({expected}), model])")
        raise ValueError(f"check_input_size(): images are {given[0]}x{given[1]} but model "
                         f"'{model.name}' was built for {h}x{w} inputs (input shape {expected}). Resize them "
                         f"first: {fix}.")
    if len(expected) == 3 and expected[2] is not None and expected[2] != given[2]:
        raise ValueError(f"check_input_size(): images have {given[2]} channel(s) but model "
                         f"'{model.name}' expects {expected[2]}: convert them first, e.g. "
                         "tf.image.grayscale_to_rgb for 1 -> 3 channels.")
    return None


# -------------------------------------------------------------- freeze and compile

# model -> (compile token, {layer: trainable flag}, model.trainable): the flags the next ``fit``
# trains with, recorded through public API only (Keras's own record of the flags at compile
# time is private, absent before Keras 3.5 and may change). A WeakKeyDictionary, not a model
# attribute: Keras would start tracking layers put on a model.
_SNAPSHOTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _compile_token(model: keras.Model):
    """The optimizer ``compile()`` installed: a new object on every compile with a new optimizer."""
    if not getattr(model, "compiled", False):
        return None
    return model.optimizer


def _flags(model: keras.Model) -> dict:
    return {layer: layer.trainable for layer in walk(model) if layer is not model}


def _snapshot(model: keras.Model) -> tuple[dict, bool] | None:
    """The flags the next ``fit`` trains with, if known; records them when they can be known now.

    Known when tlcourse saw them for the current compile (``freeze`` and friends record before
    changing anything, ``compile_again`` right after compiling), or when ``fit`` has not traced
    its training step since the last compile (``model.train_function is None``): the next ``fit``
    then traces with the flags as they are now, so they are recorded now.
    """
    token = _compile_token(model)
    if token is None:
        return None
    stored = _SNAPSHOTS.get(model)
    if stored is not None and stored[0] is token:
        return stored[1], stored[2]
    if getattr(model, "train_function", None) is None:
        _SNAPSHOTS[model] = (token, _flags(model), model.trainable)
        return _SNAPSHOTS[model][1], _SNAPSHOTS[model][2]
    return None


def _remember_before_change(model: keras.Model) -> None:
    token = _compile_token(model)
    if token is None:
        return
    state = _snapshot(model)
    flags, own = state if state is not None else (_flags(model), model.trainable)
    _SNAPSHOTS[model] = (token, dict(flags), own)


def _set(layers, value: bool, keep_batchnorm_frozen: bool) -> None:
    for layer in layers:
        # Every sub-layer explicitly: `base.trainable = True` on an already trainable base is a
        # no-op on the TensorFlow backend and would leave inner layers frozen.
        for sub in walk(layer):
            frozen_bn = value and keep_batchnorm_frozen and isinstance(
                sub, keras.layers.BatchNormalization)
            sub.trainable = False if frozen_bn else value


def _ensure_model_trainable(model: keras.Model) -> None:
    """``model.trainable = False`` hides every weight; lift it without changing any layer flag."""
    if not model.trainable:
        flags = _flags(model)  # parents come before their sub-layers, so restoring in this
        model.trainable = True  # order undoes the recursive setter exactly
        for layer, flag in flags.items():
            layer.trainable = flag


def freeze(model: keras.Model, upto: LayerSelection = None) -> keras.Model:
    """Set ``trainable = False`` on some top-level layers of ``model``.

    Args:
        model: any Keras model (need not be built).
        upto: which layers: None or "all" = every layer; an int like ``layers[:upto]`` (-1 =
            all but the output layer); a layer name = up to and including it; a list of names =
            exactly those. A nested base model counts as one layer (freezing it freezes all of
            it); call ``freeze(base, upto=100)`` on the base itself to reach its inner layers.

    Returns:
        ``model`` (changed in place). Compile again before ``fit`` -- see
        :func:`needs_recompile` for why.

    Example (``06_reusing_layers_in_keras``):
        >>> freeze(model_B, upto=-1)  # freeze the reused layers, train the new head  # doctest: +SKIP
    """
    check_model(model, "freeze")
    layers = _select(model, upto, "freeze")
    _remember_before_change(model)
    _set(layers, False, False)
    return model


def unfreeze(model: keras.Model, upto: LayerSelection = None, *,
             keep_batchnorm_frozen: bool = True) -> keras.Model:
    """Set ``trainable = True`` on some top-level layers of ``model`` (for fine-tuning).

    BatchNormalization layers stay frozen by default, as the Keras transfer-learning guide
    advises: a frozen BN layer runs in inference mode (its stored mean/variance, no updates),
    so the small, differently distributed batches of fine-tuning cannot overwrite the
    statistics learned on the big source data set -- which would wreck what the base learned
    and make the first fine-tuning epochs worse than the frozen model. In Keras 3 this flag,
    not ``base(x, training=False)``, is what protects them during ``fit`` (measured; see the
    module notes).

    Args:
        model: any Keras model.
        upto: which layers, as in :func:`freeze` (default: all).
        keep_batchnorm_frozen: leave every BatchNormalization layer (also inside nested
            models) with ``trainable=False``; pass False to fine-tune them too.

    Returns:
        ``model`` (changed in place). Compile again before ``fit``.

    Example (``06_reusing_layers_in_keras``):
        >>> unfreeze(model_B); compile_again(model_B, learning_rate=1e-4)  # doctest: +SKIP
    """
    check_model(model, "unfreeze")
    layers = _select(model, upto, "unfreeze")
    _remember_before_change(model)
    _ensure_model_trainable(model)
    _set(layers, True, keep_batchnorm_frozen)
    return model


def set_freeze_depth(model: keras.Model, k: int, *, keep_batchnorm_frozen: bool = True) -> keras.Model:
    """Freeze the first ``k`` top-level layers and make the rest trainable.

    Args:
        model: any Keras model; for a keras.applications base use the base itself
            (``set_freeze_depth(base, 100)`` = the Keras guide's "fine-tune from layer 100").
        k: 0 = all trainable ... ``len(model.layers)`` = all frozen.
        keep_batchnorm_frozen: as in :func:`unfreeze`, for the trainable part.

    Returns:
        ``model`` (changed in place). Compile again before ``fit``.

    Example (``07_choosing_what_to_freeze``):
        >>> for k in (0, 2, 4): set_freeze_depth(model, k)  # doctest: +SKIP
    """
    check_model(model, "set_freeze_depth")
    k = check_freeze_depth(model, k, "set_freeze_depth")
    _remember_before_change(model)
    _ensure_model_trainable(model)
    _set(model.layers[:k], False, False)
    _set(model.layers[k:], True, keep_batchnorm_frozen)
    return model


def needs_recompile(model: keras.Model) -> bool:
    """True unless the next ``fit`` is sure to train exactly the layers that are trainable now.

    In Keras 3 a change in ``trainable`` only reaches ``fit`` through ``compile()``: ``fit``
    keeps the training step it traced on its first call, so after ``compile(); fit();
    freeze(); fit()`` the "frozen" weights still change (measured on every Keras the course
    tests), with no warning. The answer uses public API only, the same way on every Keras:

    * never compiled -> True;
    * the flags tlcourse saw for the current compile (:func:`freeze`, :func:`unfreeze`,
      :func:`set_freeze_depth` record them before changing anything, :func:`compile_again`
      after compiling, and any call of this function while ``fit`` has not run since the last
      compile) -> True if any flag differs from them now;
    * otherwise (``fit`` has run since a compile tlcourse did not see, and flags may have been
      changed by hand) it cannot know what the traced step trains and answers True: compile
      again to be safe.

    Never warns.

    Args:
        model: any Keras model.

    Returns:
        True if ``model`` must (or may need to) be compiled before ``fit``; False if the last
        compile is known to be current.

    Example (``06_reusing_layers_in_keras``):
        >>> freeze(model_B, upto=-1); needs_recompile(model_B)  # doctest: +SKIP
        True
    """
    check_model(model, "needs_recompile")
    state = _snapshot(model)
    if state is None:  # never compiled, or trained since a compile whose flags nobody recorded
        return True
    flags, own = state
    if model.trainable != own:
        return True
    current = _flags(model)
    return any(layer not in flags or flags[layer] != flag for layer, flag in current.items())


def compile_again(model: keras.Model, **compile_kwargs: Any) -> keras.Model:
    """Compile ``model`` again with its last settings, a FRESH optimizer and your overrides.

    Needed after every freeze/unfreeze (see :func:`needs_recompile`). A fresh optimizer of the
    same class and config is required: Keras refuses to reuse an optimizer built for a different
    set of trainable variables.

    Args:
        model: a model compiled before.
        **compile_kwargs: anything ``model.compile`` takes, to change (e.g. ``loss=``), plus
            ``learning_rate=`` as a shortcut for "same optimizer type, new learning rate".

    Returns:
        ``model``, compiled.

    Example (``06_reusing_layers_in_keras``):
        >>> unfreeze(model_B); compile_again(model_B, learning_rate=1e-4)  # doctest: +SKIP
    """
    check_model(model, "compile_again")
    config = model.get_compile_config() if getattr(model, "compiled", False) else None
    if not config:
        raise ValueError(f"compile_again(): model '{model.name}' was never compiled, so there are "
                         "no settings to repeat: call model.compile(optimizer=..., loss=...) first.")
    kwargs = dict(keras.saving.deserialize_keras_object(config))
    learning_rate = compile_kwargs.pop("learning_rate", None)
    if "optimizer" not in compile_kwargs:
        optimizer = keras.optimizers.deserialize(keras.optimizers.serialize(model.optimizer))
        if learning_rate is not None:
            optimizer = type(optimizer).from_config({**optimizer.get_config(),
                                                     "learning_rate": learning_rate})
        compile_kwargs["optimizer"] = optimizer
    elif learning_rate is not None:
        raise ValueError("compile_again(): give learning_rate= or optimizer=, not both (set the "
                         "rate on the optimizer: keras.optimizers.Adam(learning_rate=1e-5)).")
    kwargs.update(compile_kwargs)
    model.compile(**kwargs)
    _SNAPSHOTS[model] = (_compile_token(model), _flags(model), model.trainable)
    return model


def outer_training_wins() -> bool:
    """Measure on this Keras: does ``fit``'s ``training=True`` override ``base(x, training=False)``?

    A functional model that calls its base with ``training=False`` (the Keras guide's recipe
    for keeping BatchNormalization in inference mode) is called with ``training=True`` by
    ``fit``. Which one wins changed between Keras versions (keras-team/keras#20285: the outer
    call won up to Keras 3.15; keras-team/keras#23364, in the 3.16 development builds, lets the
    argument written at construction win), so the course measures it instead of stating it:
    a tiny model with a trainable BatchNormalization is called once with ``training=True`` and
    the layer's moving mean is checked. ``bn.trainable = False`` keeps the statistics either
    way, which is why :func:`unfreeze` keeps BatchNormalization frozen by default.

    It builds its own two-layer probe, so it never touches your models.

    Returns:
        True if the outer ``training=True`` reached the inner BatchNormalization (its moving
        statistics changed), False if the construction-time ``training=False`` held.

    Example (``04_fine_tuning``):
        >>> outer_training_wins()  # doctest: +SKIP
        True
    """
    inner_in = keras.Input((2,))
    inner = keras.Model(inner_in, keras.layers.BatchNormalization(name="bn")(inner_in))
    outer_in = keras.Input((2,))
    outer = keras.Model(outer_in, inner(outer_in, training=False))
    before = keras.ops.convert_to_numpy(inner.get_layer("bn").moving_mean).copy()
    outer(keras.ops.convert_to_tensor([[5.0, -5.0], [7.0, -7.0]]), training=True)
    return bool((keras.ops.convert_to_numpy(inner.get_layer("bn").moving_mean) != before).any())


def current_learning_rate(model: keras.Model | keras.optimizers.Optimizer) -> float:
    """The learning rate the optimizer of ``model`` uses now, as a Python float.

    ``optimizer.learning_rate`` is a float on some Keras versions and a backend variable (or a
    schedule's value) on others, so ``float(optimizer.learning_rate)`` fails on some: this
    reads it the same way on every Keras 3.

    Args:
        model: a compiled model, or an optimizer.

    Returns:
        The learning rate (for a schedule: its value at the optimizer's current step), rounded
        to the 7 significant digits a float32 variable holds.

    Example (``04_fine_tuning``):
        >>> model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-4), loss="mse")  # doctest: +SKIP
        >>> current_learning_rate(model)  # doctest: +SKIP
        0.0001
    """
    optimizer = model if isinstance(model, keras.optimizers.Optimizer) else getattr(model, "optimizer", None)
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise TypeError(f"current_learning_rate() needs a compiled keras.Model or a keras optimizer, got "
                        f"{type(model).__name__}: call model.compile(optimizer=..., loss=...) first.")
    rate = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
    return float(f"{rate:.7g}")  # the digits a float32 holds: 1e-4, not 9.999999747378752e-05


# ---------------------------------------------------------------------------- report


@dataclass
class TrainableReport:
    """Per-layer trainability of a model: ``.rows`` (list of dicts) and ``.totals`` (dict).

    Row keys: index, name, type, output_shape, params, trainable_params, trainable (the
    layer's flag, False when the whole model is frozen). A nested base with only some layers
    frozen shows ``trainable`` True and fewer trainable_params than params (BatchNormalization's
    moving mean/variance never count as trainable). Totals: trainable, non_trainable, total
    (= ``model.count_params()``). ``print(report)`` gives a text table; Jupyter an HTML table.
    """

    model_name: str
    rows: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)

    _COLUMNS = ("#", "layer", "type", "output shape", "params", "trainable params", "trainable")

    def _cells(self) -> list[tuple[str, ...]]:
        return [(str(r["index"]), r["name"], r["type"], r["output_shape"], f"{r['params']:,}",
                 f"{r['trainable_params']:,}", "yes" if r["trainable"] else "no")
                for r in self.rows]

    def _totals_text(self) -> str:
        t = self.totals
        return (f"Total params: {t['total']:,}  |  trainable: {t['trainable']:,}  |  "
                f"non-trainable: {t['non_trainable']:,}")

    def _table(self) -> Table:
        """The rows as a :class:`~tlcourse.tables.Table`, frozen layers dimmed in HTML."""
        return Table(self._COLUMNS, self._cells(), align="rlllrrl", title=f"Model: {self.model_name}",
                     note=self._totals_text(),
                     dim_rows=[i for i, row in enumerate(self.rows) if not row["trainable"]])

    def __str__(self) -> str:
        return self._table().text()

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return self._table().html()


def trainable_report(model: keras.Model) -> TrainableReport:
    """Which top-level layers of ``model`` will train, with parameter counts.

    Args:
        model: a built model. A nested base counts as one row (compare its params and
            trainable params to see how much of it trains); ``trainable_report(base)`` lists
            its inner layers.

    Returns:
        A :class:`TrainableReport`; its totals match ``model.count_params()`` and Keras's
        trainable / non-trainable counts in ``model.summary()``.

    Example (``03_three_ways_to_transfer``):
        >>> trainable_report(model)  # doctest: +SKIP
    """
    check_model(model, "trainable_report")
    check_built(model, "trainable_report")
    rows = []
    for index, layer in enumerate(model.layers):
        rows.append({
            "index": index,
            "name": layer.name,
            "type": type(layer).__name__,
            "output_shape": shape_text(model, layer),
            "params": count_params(layer.weights),
            "trainable_params": count_params(layer.trainable_weights) if model.trainable else 0,
            "trainable": bool(layer.trainable and model.trainable),
        })
    trainable = count_params(model.trainable_weights)
    non_trainable = count_params(model.non_trainable_weights)
    totals = {"trainable": trainable, "non_trainable": non_trainable,
              "total": trainable + non_trainable}
    return TrainableReport(model.name, rows, totals)
