"""Exercises of notebook 03_three_ways_to_transfer: 03.1 (fine-tune block 16 and Conv_1 of
MobileNetV2) and 03.2 (which of the three ways fits).

Per exercise, its solution ``_solution_03_1`` (its body is the code ``solution("03.1")``
shows) and its checker ``_check_03_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

from typing import Any

import keras

from tlcourse.exercises import exercise

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


_SITUATIONS = {"a": 2, "b": 1, "c": 3, "d": 2}        # situation -> approach ① ② ③
_APPROACH = {"1": 1, "2": 2, "3": 3, "①": 1, "②": 2, "③": 3}


def _approaches(answer: Any) -> dict[str, int] | str:
    # a list/tuple of four approaches, or a dict {"a": 2, ...}, -> {"a": 2, ...}; else a complaint
    if isinstance(answer, dict):
        items = {str(k).strip().strip("()").lower(): v for k, v in answer.items()}
    elif isinstance(answer, (list, tuple)) and len(answer) == len(_SITUATIONS):
        items = dict(zip(_SITUATIONS, answer))
    else:
        return "the answer should be a list of four approach numbers, one per situation (a) to (d), like [1, 1, 2, 3]"
    if sorted(items) != sorted(_SITUATIONS):
        return "the dict should have exactly the keys 'a', 'b', 'c' and 'd'"
    chosen = {}
    for key, value in items.items():
        number = _APPROACH.get(str(value).strip())
        if number is None:
            return f"situation ({key}): {value!r} is not one of the approaches 1, 2, 3"
        chosen[key] = number
    return chosen


def _solution_03_2() -> list[int]:
    # (a) long- vs short-haired pets, a few hundred photos: near ImageNet, new classes -> 2
    # (b) dog breeds that are all ImageNet classes, nothing to train on      -> 1
    # (c) 20,000 grayscale microscope images, far from ImageNet               -> 3
    # (d) 10 kinds of fruit photographed like ImageNet's, 400 photos          -> 2
    answer = [2, 1, 3, 2]
    return answer


@exercise("03.2", notebook=NOTEBOOK,
          task="For four situations (a)-(d), say which of the three ways fits: "
               "1 classifier as is, 2 frozen feature extractor, 3 fine-tuning.",
          hint="Ask two questions per situation: are the target's classes already classes of the source "
               "network? If not, how close are the images to ImageNet's photos, and how many are there "
               "(lecture 6-3, and the table at the top of this notebook)?",
          solution=_solution_03_2)
def _check_03_2(answer: Any) -> str | None:
    chosen = _approaches(answer)
    if isinstance(chosen, str):
        return chosen
    for key, right in _SITUATIONS.items():
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
