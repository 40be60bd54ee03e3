"""Input checks shared by the course modules: one place for each check and its message.

Internal (the scikit-learn ``utils.validation`` pattern): the public functions call these
first, so every module says the same thing the same way. Every message starts with the
caller's name, ``"{func}(): ..."``, so the student sees which call to fix. Not part of the
public API; names here may change without notice.
"""

from __future__ import annotations

import difflib
import numbers
from typing import Any

import keras


def is_int(value: Any) -> bool:
    """Python and NumPy integers, not bools."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_int(value: Any, name: str, func: str, *, low: int = 1, note: str = "") -> int:
    """``value`` as an int >= ``low``, else ``ValueError("{func}(): {name} must be an int >= low...")``."""
    if not is_int(value) or value < low:
        raise ValueError(f"{func}(): {name} must be an int >= {low}{note}, got {value!r}.")
    return int(value)


def out_of_range(func: str, what: str, model: keras.Model, use: str) -> ValueError:
    """The one message for a layer index or count outside ``model``'s layers (raise it)."""
    return ValueError(f"{func}(): {what} is out of range for model '{model.name}' with "
                      f"{len(model.layers)} layers: use {use}.")


def check_freeze_depth(model: keras.Model, k: Any, func: str) -> int:
    """``k`` as a freeze depth of ``model``: an int in 0..len(model.layers)."""
    n = len(model.layers)
    if not is_int(k) or not 0 <= k <= n:
        raise out_of_range(func, f"k={k!r}", model, f"an int in 0..{n} (0 = all trainable, {n} = all frozen)")
    return int(k)


def check_model(model: Any, func: str, what: str = "model") -> None:
    """TypeError unless ``model`` is a keras.Model (a single layer gets its own hint)."""
    if isinstance(model, keras.Model):
        return
    hint = ""
    if isinstance(model, keras.layers.Layer):
        hint = (" It is a single layer: set `layer.trainable = False` on it directly, or wrap it "
                "in a model, e.g. keras.Sequential([keras.Input(shape=...), layer]).")
    raise TypeError(f"{func}() needs a keras.Model as `{what}`, got {type(model).__name__}.{hint}")


def check_built(model: keras.Model, func: str) -> None:
    """ValueError unless ``model`` is built (has inputs and weights), saying how to build it."""
    try:
        ok = model.built and len(model.inputs) > 0
    except (AttributeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(
            f"{func}(): model '{model.name}' is not built yet, so it has no input shape or weights. "
            "Build it first: start it with keras.Input(shape=...) "
            "(e.g. keras.Sequential([keras.Input(shape=(28, 28)), ...])), "
            "call model.build((None, ...)), or call it once on a batch of data.")


def check_one_in_one_out(model: keras.Model, func: str, what: str = "model") -> None:
    """ValueError unless ``model`` has exactly one input and one output."""
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise ValueError(f"{func}(): {what} '{model.name}' has {len(model.inputs)} inputs and "
                         f"{len(model.outputs)} outputs; it needs exactly one of each.")


def layer_index(model: keras.Model, name: str, func: str) -> int:
    """The index of top-level layer ``name``; else ValueError with close names and nested hits."""
    names = [layer.name for layer in model.layers]
    if name in names:
        return names.index(name)
    message = f"{func}(): model '{model.name}' has no layer named {name!r} at the top level."
    close = difflib.get_close_matches(name, names, n=5, cutoff=0.5)
    if close:
        message += f" Did you mean: {', '.join(repr(c) for c in close)}?"
    message += _nested_hint(model, name, func)
    shown = names if len(names) <= 12 else names[:6] + ["..."] + names[-3:]
    raise ValueError(message + f" Its layers are: {shown} "
                     "(all of them: [layer.name for layer in model.layers]).")


def _nested_hint(model: keras.Model, name: str, func: str) -> str:
    """Where ``name`` (or a close name) is inside a nested model, and how to reach it; or ''."""
    for layer in model.layers:
        if not isinstance(layer, keras.Model):
            continue
        inner = [sub.name for sub in layer.layers]
        inner_close = [name] if name in inner else difflib.get_close_matches(name, inner, 3, 0.8)
        if inner_close:
            return (f" Layer(s) {', '.join(repr(c) for c in inner_close)} are inside the nested "
                    f"model {layer.name!r}, which counts as ONE layer here: call {func}() on "
                    f"model.get_layer({layer.name!r}) to address its own layers.")
    return ""
