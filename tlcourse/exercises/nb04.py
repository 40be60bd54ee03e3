"""Exercises of notebook 04_fine_tuning: 04.1 (fine-tune block 16 and Conv_1 of MobileNetV2),
04.2 and 04.3.

Per exercise, its solution ``_solution_04_1`` (its body is the code ``solution("04.1")``
shows) and its checker ``_check_04_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

from typing import Any

import keras

from tlcourse.exercises import exercise

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
          task="Set the trainable flags of a MobileNetV2 base to fine-tune only block 16 and Conv_1 "
               "(from block_16_expand on), BatchNormalization kept frozen.",
          hint="Section ③'s unfreeze loop does this from block_13_expand; start it at another layer. "
               "set_freeze_depth(base, k), with k the index of block_16_expand in base.layers, does "
               "it in one line.",
          solution=_solution_04_1)
def _check_04_1(answer: Any) -> str | None:
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
