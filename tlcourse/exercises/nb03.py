"""Exercises of notebook 03_three_ways_to_transfer: 03.1 (fine-tune block 16 and Conv_1 of
MobileNetV2) and 03.2 (which of the three ways fits).

Per exercise, its solution ``_solution_03_1`` (its body is the code ``solution("03.1")``
shows) and its checker ``_check_03_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras

from tlcourse.exercises import exercise
from tlcourse.exercises._common import is_function

__all__: list[str] = []

NOTEBOOK = "03_three_ways_to_transfer"


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


def _solution_03_1() -> keras.Model:
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


@exercise("03.1", notebook=NOTEBOOK,
          task="Set the trainable flags of a MobileNetV2 base to fine-tune only block 16 and Conv_1 "
               "(from block_16_expand on), BatchNormalization kept frozen.",
          hint="Section ③'s unfreeze loop does this from block_13_expand; start it at another layer. "
               "set_freeze_depth(base, k), with k the index of block_16_expand in base.layers, does "
               "it in one line.",
          solution=_solution_03_1)
def _check_03_1(answer: Any) -> str | None:
    if not isinstance(answer, keras.Model):
        return "the answer should be the MobileNetV2 base (a Keras model), or a model that contains it"
    base = _model_with_layer(answer, "block_16_expand")
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


FEW = 1000          # "few": fewer labelled photos per class than this (the notebook states it)

# the four situations of the notebook: (classes_in_source, like_source, photos_per_class) -> the way
_SITUATIONS = {"a": ((False, True, 150), 2), "b": ((True, True, 0), 1),
               "c": ((False, False, 4000), 3), "d": ((False, True, 40), 2)}


def _rule(classes_in_source: bool, like_source: bool, photos_per_class: int) -> int:
    # lecture 6-3's choice, with lecture 6-4's "little data": what the checker compares against
    if classes_in_source:
        return 1
    return 2 if like_source and photos_per_class < FEW else 3


def _cases() -> list[tuple[str, tuple[bool, bool, int]]]:
    # the notebook's four situations first, then every kind of situation, near the threshold too
    cases = [(f"situation ({key})", inputs) for key, (inputs, _) in _SITUATIONS.items()]
    for classes in (True, False):
        for like in (True, False):
            for photos in ((0,) if classes else ()) + (10, 300, FEW - 1, FEW, 20_000):
                cases.append(("a situation", (classes, like, photos)))
    return cases


def _solution_03_2() -> Callable[[bool, bool, int], int]:
    def choose_way(classes_in_source, like_source, photos_per_class):
        if classes_in_source:                    # the source network already answers with these classes
            return 1
        if like_source and photos_per_class < 1000:
            return 2                             # features fit, few photos: train only a new head
        return 3                                 # far from the source, or photos enough to adapt the top

    answer = choose_way          # (a) 2, (b) 1, (c) 3, (d) 2: choose_way(False, True, 40) for (d)
    return answer


def _why(inputs: tuple[bool, bool, int], given: Any, right: int) -> str:
    classes, like, photos = inputs
    if given == 1:
        return ("its classes are not all classes of the source network, so the network as it is cannot "
                "answer with them")
    if right == 1:
        return "every class is already a class of the source network: it answers as it is, nothing to train"
    if given == 3 and right == 2:
        return (f"{photos} photos per class, close to the source's: retraining pretrained layers on so few "
                "risks overfitting for little gain, while the frozen features already fit")
    if not like:
        return ("the images are far from the source's photos, so the high-level features must adapt, which "
                "a frozen feature extractor cannot do")
    return (f"{photos:,} labelled photos per class are enough to adapt the top layers safely, and adapting "
            "them usually pays (lecture 6-4: large data set, similar to the source: fine-tune)")


@exercise("03.2", notebook=NOTEBOOK,
          task="Write choose_way(classes_in_source, like_source, photos_per_class) -> 1, 2 or 3, lecture 6-3's "
               "choice between the three ways, and use it for situations (a)-(d).",
          hint="Ask the questions in order: are all the target's classes classes of the source network? If "
               "not, are the images like the source's AND the labelled photos few (under 1,000 per class)? "
               "The table at the top of this notebook, and lecture 6-4's four cases.",
          solution=_solution_03_2)
def _check_03_2(answer: Any) -> str | None:
    if not is_function(answer):
        return ("the answer should be a function choose_way(classes_in_source, like_source, photos_per_class) "
                "that returns 1, 2 or 3")
    for name, inputs in _cases():
        given = answer(*inputs)
        right = _rule(*inputs)
        if isinstance(given, bool) or given not in (1, 2, 3):
            return f"choose_way{inputs} returned {given!r}: it should return the number of a way, 1, 2 or 3"
        if given != right:
            classes, like, photos = inputs
            what = (f"{name}: classes {'all' if classes else 'not all'} in the source, images "
                    f"{'like' if like else 'unlike'} the source's, {photos:,} photos per class")
            return f"for {what}, your function says {given}, but {_why(inputs, given, right)}"
    return None
