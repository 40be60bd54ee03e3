"""Exercises of notebook 10_cnn_architectures: 10.1 (parameters of one 5 x 5 and two 3 x 3
convolutions, for any width), 10.2 (a residual block) and 10.3 (is degradation a vanishing gradient? measured).

Per exercise, its solution ``_solution_10_1`` (its body is the code ``solution("10.1")``
shows) and its checker ``_check_10_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from tlcourse._i18n import N_, _
from tlcourse.config import fast_or_full, seed_everything
from tlcourse.data import load_arrays
from tlcourse.exercises import exercise
from tlcourse.exercises._common import (
    gradient_norms,
    interval_side,
    is_function,
    leaf_layers,
    mnist_train_head,
    seed_answer,
)
from tlcourse.experiments import run_seeds
from tlcourse.models import resnet

__all__: list[str] = []

NOTEBOOK = "10_cnn_architectures"


def _counts(c: int) -> tuple[int, int]:
    # (one 5 x 5 convolution, two stacked 3 x 3 convolutions), c channels in, c filters each, biases included
    return 25 * c * c + c, 2 * (9 * c * c + c)


def _solution_10_1() -> Callable[[int], tuple[int, int]]:
    def conv_params(C):
        # C channels in = C filters out; weights + one bias per filter
        one_5x5 = 5 * 5 * C * C + C
        two_3x3 = 2 * (3 * 3 * C * C + C)
        return one_5x5, two_3x3

    print(conv_params(64))   # (102464, 73856): about 28 % fewer, the same 5 x 5 view, one more ReLU
    answer = conv_params
    return answer


@exercise("10.1", notebook=NOTEBOOK,
          task=N_("Write conv_params(C): the parameters (weights and biases) of one 5 x 5 convolution and of "
                  "two stacked 3 x 3 convolutions, C channels in and C filters each, as a pair (one_5x5, "
                  "two_3x3); answer the function."),
          hint=N_("A Conv2D layer has (kernel height x kernel width x input channels + 1) x filters "
                  "parameters; check with keras.layers.Conv2D(C, 5) called on keras.Input((32, 32, C)) "
                  "and count_params()."),
          solution=_solution_10_1)
def _check_10_1(answer: Any) -> str | None:
    if not is_function(answer):
        return _("the answer should be the function conv_params itself, without parentheses after its "
                 "name, not {type}").format(type=type(answer).__name__)
    rng = random.Random()
    for c in (64, rng.randrange(2, 33), rng.randrange(100, 513)):
        try:
            pair = answer(c)
            first, second = (float(v) for v in pair)
        except Exception:                              # the student's function: any failure is a wrong answer
            return _("conv_params({c}) should return a pair of numbers (one_5x5, two_3x3)").format(c=c)
        one, two = _counts(c)
        if (first, second) == (one, two):
            continue
        if c != 64 and (first, second) == _counts(64):
            return _("conv_params({c}) returns the numbers for 64 channels: compute them from C").format(c=c)
        if (first, second) == (two, one):
            return _("the order is swapped: first the single 5 x 5 convolution, then the two 3 x 3 ones")
        if first in (one, 25 * c * c) and second in (two, 18 * c * c):
            return _("the counts leave out the biases (one per filter)")
        if first == one and second == 9 * c * c + c:
            return _("the second number counts only one of the two 3 x 3 convolutions")
        if first == one:
            return _("conv_params({c}): the second number (two 3 x 3 convolutions, {c} channels in) is not "
                     "right").format(c=c)
        return _("conv_params({c}): the first number (one 5 x 5 convolution, {c} channels in, {c} filters) is not "
                 "right").format(c=c)
    return None


def _with_zero_convs(model: keras.Model, convs: list[Any], x: np.ndarray) -> np.ndarray:
    # the model's output on x with the given convolutions' weights set to zero (restored afterwards)
    saved = [layer.get_weights() for layer in convs]
    try:
        for layer, weights in zip(convs, saved):
            layer.set_weights([np.zeros_like(w) for w in weights])
        return keras.ops.convert_to_numpy(model(x, training=False))
    finally:
        for layer, weights in zip(convs, saved):
            layer.set_weights(weights)


def _solution_10_2() -> keras.Model:
    L = keras.layers
    x = keras.Input(shape=(8, 8, 16))
    f = L.Conv2D(16, 3, padding="same")(x)          # F(x): conv -> BN -> ReLU -> conv -> BN
    f = L.BatchNormalization()(f)
    f = L.Activation("relu")(f)
    f = L.Conv2D(16, 3, padding="same")(f)
    f = L.BatchNormalization()(f)
    y = L.Activation("relu")(L.Add()([f, x]))       # relu(F(x) + x): the identity shortcut
    answer = keras.Model(x, y, name="residual_block")
    return answer


@exercise("10.2", notebook=NOTEBOOK,
          task=N_("Build a residual block with an identity shortcut as a Keras model: input (8, 8, 16), "
                  "F(x) = two 3 x 3 convolutions with 16 filters, output relu(F(x) + x)."),
          hint=N_("Use the functional API: keep the input as x, compute F(x) with conv -> BatchNorm -> ReLU -> "
                  "conv -> BatchNorm (padding='same'), then keras.layers.Add()([F(x), x]) and a ReLU; "
                  "tlcourse.models.residual_block is one to compare with."),
          solution=_solution_10_2)
def _check_10_2(answer: Any) -> str | None:
    if not isinstance(answer, keras.Model):
        return _("the answer should be a Keras model: keras.Model(inputs, outputs)")
    if tuple(answer.input_shape[1:]) != (8, 8, 16):
        return _("the block takes inputs of shape {shape}, not (8, 8, 16)").format(shape=tuple(answer.input_shape[1:]))
    if tuple(answer.output_shape[1:]) != (8, 8, 16):
        return _("the block's output has shape {shape}: with an identity shortcut it keeps the input's shape "
                 "(8, 8, 16), so that x can be added").format(shape=tuple(answer.output_shape[1:]))
    convs = [layer for layer in leaf_layers(answer) if isinstance(layer, keras.layers.Conv2D)]
    if any(tuple(layer.kernel_size) == (1, 1) for layer in convs):
        return _("the block has a 1 x 1 convolution, a projection: when the shape does not change the "
                 "shortcut is the identity, x itself")
    convs = [layer for layer in convs if tuple(layer.kernel_size) == (3, 3)]
    if len(convs) < 2:
        return _("the residual path F(x) should have two 3 x 3 convolutions")
    x = np.random.default_rng(7).normal(size=(2, 8, 8, 16)).astype("float32")
    y = _with_zero_convs(answer, convs, x)                # F(x) = 0: every convolution outputs 0
    if np.allclose(y, np.maximum(x, 0), atol=1e-4):
        if not np.allclose(_with_zero_convs(answer, convs[:1], x), np.maximum(x, 0), atol=1e-4):
            return _("with only the first convolution set to zero, F(x) should be zero as well, because the "
                     "second convolution works on the first one's output; in this block it is not: stack the "
                     "two convolutions one after the other instead of side by side")
        return None
    if np.allclose(y, x, atol=1e-4):
        return _("with F(x) = 0 the block returns x, not relu(x): the ReLU after the addition is missing")
    if np.allclose(y, 0, atol=1e-4):
        return _("with its convolutions set to zero the block outputs zeros: nothing adds the input x "
                 "back (no shortcut)")
    return _("with its convolutions set to zero, F(x) = 0, the block should output relu(x), and it does "
             "not: add x itself to F(x), then apply the ReLU")


# 10.3: the first layer's gradient in plain-32 and resnet-32 at initialisation (section 6's networks)
_NETWORKS = {"plain-32": False, "resnet-32": True}         # name -> shortcuts
_PROBE = 64                                                # the first 64 MNIST training digits
_CONCLUSIONS = ("a", "b", "c")
_GRADIENTS: dict[tuple[str, int, bool], float] = {}        # (network, seed, training) -> norm, computed once


def _probe_07() -> tuple[np.ndarray, np.ndarray]:
    x, y = mnist_train_head(_PROBE)
    return x.reshape(-1, 14, 2, 14, 2).mean(axis=(2, 4))[..., None].astype("float32") / 255, y


def _first_layer_gradient(name: str, seed: int, training: bool = True) -> float:
    key = (name, seed, training)
    if key not in _GRADIENTS:
        seed_everything(seed)
        model = resnet((14, 14, 1), 10, blocks_per_stage=5, filters=(8, 16, 32), shortcuts=_NETWORKS[name])
        x, y = _probe_07()
        _GRADIENTS[key] = gradient_norms(model, x, y, [model.get_layer("stem_conv").kernel], training=training)[0]
    return _GRADIENTS[key]


def _close(value: float, reference: float, rel: float = 0.02) -> bool:
    return abs(value - reference) <= rel * abs(reference) + 1e-12


def _solution_10_3() -> tuple[Any, str]:
    # the probe batch: the first 64 MNIST training digits at 14 x 14, as section 6 shrinks them
    # (in the notebook x_train and y_train are already loaded, in section 2)
    (x_train, y_train), _ = load_arrays("mnist")
    x_probe = x_train[:64].reshape(-1, 14, 2, 14, 2).mean(axis=(2, 4))[..., None].astype("float32") / 255
    y_probe = y_train[:64]
    loss_fn = keras.losses.SparseCategoricalCrossentropy()

    def first_layer_gradients(seed):
        norms = {}
        for name, shortcuts in [("plain-32", False), ("resnet-32", True)]:
            seed_everything(seed)                     # the same start as section 6's build(name)
            model = resnet((14, 14, 1), 10, blocks_per_stage=5, filters=(8, 16, 32), shortcuts=shortcuts)
            with tf.GradientTape() as tape:           # training=True: BatchNorm as fit runs it
                loss = loss_fn(y_probe, model(x_probe, training=True))
            gradient = tape.gradient(loss, model.get_layer("stem_conv").kernel)
            norms[name] = float(tf.norm(gradient))
        return norms

    results = run_seeds(first_layer_gradients, range(fast_or_full(3, 5)))
    difference = results.paired_difference("plain-32", "resnet-32")
    print(results, difference, sep="\n")
    low, high = difference.ci95
    conclusion = "a" if high < 0 else "b" if low > 0 else "c"
    answer = (results, conclusion)
    return answer


@exercise("10.3", notebook=NOTEBOOK,
          task=N_("Measure the gradient norm at the first convolution (stem_conv) of plain-32 and resnet-32 at "
                  "initialisation, seeds 0..n-1 (n >= 3), on the first 64 MNIST training digits at 14 x 14; "
                  "answer (results of run_seeds, conclusion 'a', 'b' or 'c')."),
          hint=N_("For each seed and network: seed_everything(seed), build it as section 6's build(name) does, "
                  "then with tf.GradientTape() compute the mean cross-entropy of model(x_probe, training=True) and "
                  "tf.norm of the gradient of model.get_layer('stem_conv').kernel; return both norms in one dict "
                  "per seed. Read the conclusion off results.paired_difference('plain-32', 'resnet-32').ci95."),
          solution=_solution_10_3)
def _check_10_3(answer: Any) -> str | None:
    read = seed_answer(answer, tuple(_NETWORKS), _CONCLUSIONS)
    if isinstance(read, str):
        return read
    results, conclusion = read
    plain, res = results.values("plain-32"), results.values("resnet-32")
    if np.any(plain <= 0) or np.any(res <= 0):
        return _("gradient norms are positive, but some of your numbers are zero or negative")
    seed = random.choice(list(results.seeds))              # one seed, recomputed: a made-up table fails
    mine = {name: _first_layer_gradient(name, int(seed)) for name in _NETWORKS}
    theirs = {"plain-32": plain[int(seed)], "resnet-32": res[int(seed)]}
    if not all(_close(theirs[n], mine[n]) for n in _NETWORKS):
        if _close(theirs["plain-32"], mine["resnet-32"]) and _close(theirs["resnet-32"], mine["plain-32"]):
            return _("the two networks' numbers are swapped: plain-32 has no shortcuts (shortcuts=False)")
        if all(_close(theirs[n], _PROBE * mine[n]) for n in _NETWORKS):
            return _("the numbers are 64 times too large: the loss is summed over the batch, use the mean "
                     "(keras.losses.SparseCategoricalCrossentropy() averages)")
        if all(_close(theirs[n], _first_layer_gradient(n, int(seed), training=False)) for n in _NETWORKS):
            return _("these gradients were measured with training=False: BatchNorm then uses its initial moving "
                     "statistics, not the batch's as in fit; call model(x_probe, training=True)")
        return _("the numbers of seed {seed} are not what the described measurement gives (recomputed: "
                 "they differ by more than 2 %): call seed_everything(seed) right before building each "
                 "network, build it as section 6 does, and take the gradient of stem_conv's kernel on the "
                 "first 64 training digits at 14 x 14").format(seed=seed)
    side = interval_side(results, "plain-32", "resnet-32")
    right = {"below": "a", "above": "b", "across": "c"}[side]
    if conclusion != right:
        return _("conclusion {conclusion} does not follow from your numbers: look at where the 95 % interval "
                 "of the paired difference plain-32 - resnet-32 lies, all above 0, all below 0, or across 0").format(
                     conclusion=repr(conclusion))
    return None
