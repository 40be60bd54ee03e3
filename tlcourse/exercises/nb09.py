"""Exercises of notebook 09_project_sign_language: 09.1 (test photos for a 2-point Wilson
interval) and 09.2 (the cut before block 13).

Per exercise, its solution ``_solution_09_1`` (its body is the code ``solution("09.1")``
shows) and its checker ``_check_09_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from tlcourse.exercises import exercise
from tlcourse.exercises._common import as_number

__all__: list[str] = []

NOTEBOOK = "09_project_sign_language"


def _wilson_width(correct: float, n: int, z: float = 1.96) -> float:
    # width (high - low) of the 95 % Wilson interval of `correct` right out of `n`
    p = correct / n
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return 2 * half


def _photos_needed(accuracy: float = 0.98, width: float = 0.02, step: int = 50) -> int:
    n = step
    while _wilson_width(round(accuracy * n), n) >= width:
        n += step
    return n


def _solution_09_1() -> int:
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
    return answer


@exercise("09.1", notebook=NOTEBOOK,
          task="The smallest number of test photos (a multiple of 50) for which a measured 98 % has a 95 % "
               "Wilson interval narrower than 2 points.",
          hint="Loop n = 50, 100, 150, ... and compute wilson_interval(round(0.98 * n), n) until "
               "high - low drops below 0.02.",
          solution=_solution_09_1)
def _check_09_1(answer: Any) -> str | None:
    right = _photos_needed()
    value = as_number(answer, "a number of photos")
    if isinstance(value, str):
        return value
    if math.isnan(value) or value <= 0 or value != int(value):
        return "the answer should be a whole, positive number of photos"
    n = int(value)
    if n == right:
        return None
    if n % 50:
        return "count in multiples of 50, so that 98 % of the photos is a whole number of photos"
    if n < right:
        return (f"with {n} photos the interval is still {100 * _wilson_width(round(0.98 * n), n):.1f} "
                "points wide")
    return "a smaller multiple of 50 already gives an interval narrower than 2 points"


_CUT = "block_12_add"                  # MobileNetV2: the layer just before block_13_expand


def _solution_09_2() -> str:
    # The cut is the last layer that stays frozen: the one just before block 13 starts. In the notebook:
    #     names = [layer.name for layer in base.layers]
    #     names[names.index("block_13_expand") - 1]
    answer = "block_12_add"  # block 12 ends by adding its input back (stride 1, same channels)
    return answer


@exercise("09.2", notebook=NOTEBOOK,
          task="To fine-tune only the last stage of MobileNetV2 (blocks 13-16 and Conv_1), which layer is "
               "the cut, the last frozen layer whose output `bottom` computes once? Answer its name.",
          hint="List the names with [layer.name for layer in base.layers] and look at what comes just "
               "before block_13_expand; section 5 chose CUT the same way for block 10.",
          solution=_solution_09_2)
def _check_09_2(answer: Any) -> str | None:
    name = getattr(answer, "name", answer)               # a layer object is fine too
    if not isinstance(name, str):
        return "the answer should be a layer name (a string) such as 'block_9_add'"
    name = name.strip()
    if name == _CUT:
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
    return (f"with that cut, layers of blocks {block + 1} to 12 would be fine-tuned too: the cut is the last "
            "layer before block 13")
