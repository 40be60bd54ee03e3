"""Exercises of notebook 05_choosing_what_to_freeze: 05.1 ('fine-tune top' on the MNIST CNN) and
05.2 (fine-tune all layers at a low rate).

Per exercise, its solution ``_solution_05_1`` (its body is the code ``solution("05.1")``
shows) and its checker ``_check_05_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

from typing import Any

import keras

from tlcourse.exercises import exercise
from tlcourse.exercises._common import weighted_layers
from tlcourse.models import load_pretrained
from tlcourse.surgery import current_learning_rate, needs_recompile, unfreeze

__all__: list[str] = []

NOTEBOOK = "05_choosing_what_to_freeze"


def _compile_problem(model: Any) -> str | None:
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        return "the model is not compiled yet: compile it after setting the flags, so fit knows what to train"
    if needs_recompile(model):
        return ("the trainable flags changed after the last compile(): compile again, or fit keeps "
                "training the old set of layers")
    return None


def _solution_05_1() -> keras.Model:
    model = load_pretrained("mnist_cnn")       # rescale, conv1, pool1, conv2, pool2, flatten, dense, output
    for layer in model.layers[:5]:
        layer.trainable = False                # frozen: the convolutional part is kept as it is
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-4),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    answer = model
    return answer


@exercise("05.1", notebook=NOTEBOOK,
          task="Set up the MNIST CNN for 'fine-tune top': its convolution layers frozen, its Dense layers "
               "trainable, compiled so the change takes effect; answer = the model.",
          hint="Frozen means trainable = False. Loop over model.layers as section 1 does (or use "
               "set_freeze_depth with the number of layers up to the last pooling layer), then compile: "
               "fit only sees the trainable changes made before compile().",
          solution=_solution_05_1)
def _check_05_1(answer: Any) -> str | None:
    if not isinstance(answer, keras.Model):
        return "the answer should be the Keras model itself: the MNIST CNN with its flags set and compiled"
    layers = weighted_layers(answer)
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
    return _compile_problem(answer)


def _solution_05_2() -> keras.Model:
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


@exercise("05.2", notebook=NOTEBOOK,
          task="Prepare a model for fine-tuning all its layers: every layer trainable except "
               "BatchNormalization, compiled with a learning rate low enough to keep the pretrained "
               "features; answer = the model.",
          hint="Section 4 fine-tuned the same start at three rates: keep the pretrained features means the "
               "rate whose weights moved least and whose accuracy did not drop after epoch 1. "
               "tlcourse.surgery.unfreeze(model) keeps BatchNormalization frozen for you; compile after it.",
          solution=_solution_05_2)
def _check_05_2(answer: Any) -> str | None:
    if not isinstance(answer, keras.Model):
        return "the answer should be a Keras model, compiled for fine-tuning"
    if not answer.trainable:
        return "the model is frozen as a whole (model.trainable = False): fine-tuning needs its layers trainable"
    layers = weighted_layers(answer)
    batchnorms = [layer for layer in layers if isinstance(layer, keras.layers.BatchNormalization)]
    if not batchnorms:
        return ("this model has no BatchNormalization layer, so the check cannot see it kept frozen: use a "
                "model that has some, e.g. MobileNetV2's layers above a cut as in section 3")
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
    problem = _compile_problem(answer)
    if problem:
        return problem
    try:
        rate = current_learning_rate(answer)
    except (TypeError, ValueError):
        return "give the optimizer a constant learning rate (a number), so it can be checked"
    if rate > 1.001e-4:
        return (f"a learning rate of {rate:g} re-learns the pretrained layers instead of keeping them: in "
                "section 4 a rate of this size moved their weights by a large part of their own size and cost "
                "accuracy in the first epoch, even where later epochs won it back; go lower")
    if rate < 1e-6:
        return (f"a learning rate of {rate:g} barely moves the weights in a few epochs, so fine-tuning "
                "would change nothing: low, but not vanishing")
    return None
