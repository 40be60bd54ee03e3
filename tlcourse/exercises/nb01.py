"""Exercises of notebook 01_what_is_transfer_learning: 01.1 (the four terms in the circuit-board
story) and 01.2 (a verdict from five seeds).

Per exercise, its solution ``_solution_01_1`` (its body is the code ``solution("01.1")``
shows) and its checker ``_check_01_1``, registered with the task and the hint. Nothing here is
public: :mod:`tlcourse.exercises` reaches them through its registry.
"""

from __future__ import annotations

import re
from typing import Any

from tlcourse.exercises import exercise
from tlcourse.exercises._common import as_number
from tlcourse.experiments import SeedResults

__all__: list[str] = []

NOTEBOOK = "01_what_is_transfer_learning"


def _term(key: Any) -> str | None:
    # "Source task", "upstream", "fine_tuning", ... -> one of the four terms
    text = re.sub(r"[\s_\-]+", " ", str(key).lower()).strip().removesuffix(" task")
    return {"source": "source task", "upstream": "source task", "target": "target task",
            "downstream": "target task", "pretraining": "pretraining", "pre training": "pretraining",
            "fine tuning": "fine-tuning", "finetuning": "fine-tuning"}.get(text)


_TERMS = {"source task": "D", "target task": "B", "pretraining": "C", "fine-tuning": "A"}
_IS_TASK = {"A": False, "B": True, "C": False, "D": True}     # B and D are problems, A and C training steps


def _solution_01_1() -> dict[str, str]:
    # A: the start-up trains a new classifier on its 400 photos      -> fine-tuning
    # B: telling the 6 kinds of soldering defects apart              -> target (downstream) task
    # C: Google trains EfficientNetB0 on ImageNet's 1.2 million photos -> pretraining
    # D: telling ImageNet's 1,000 classes apart                      -> source (upstream) task
    answer = {"source task": "D", "target task": "B", "pretraining": "C", "fine-tuning": "A"}
    return answer


@exercise("01.1", notebook=NOTEBOOK,
          task="Match the four terms (source task, target task, pretraining, fine-tuning) to the "
               "letters A-D of the circuit-board story.",
          hint="Two letters name problems to solve and two name training steps; the seed 001 words "
               "above say where the knowledge comes from and which step runs first, on the large data set.",
          solution=_solution_01_1)
def _check_01_1(answer: Any) -> str | None:
    if not isinstance(answer, dict):
        return ("the answer should be a dict like {'source task': 'A', 'target task': 'B', "
                "'pretraining': 'C', 'fine-tuning': 'D'}")
    given = {}
    for key, value in answer.items():
        term = _term(key)
        if term is None:
            return f"{key!r} is not one of the four terms: source task, target task, pretraining, fine-tuning"
        letter = str(value).strip().upper()
        if letter not in _IS_TASK:
            return f"{term}: {value!r} is not one of the letters A, B, C, D"
        given[term] = letter
    missing = [term for term in _TERMS if term not in given]
    if missing:
        return f"the dict has no entry for {' and '.join(missing)}"
    if len(set(given.values())) < 4:
        return "a letter appears twice: each of A, B, C, D belongs to exactly one term"
    for term, letter in given.items():
        if letter == _TERMS[term]:
            continue
        if term.endswith("task") and not _IS_TASK[letter]:
            return f"the {term} is a problem to solve, but {letter} describes a training step"
        if not term.endswith("task") and _IS_TASK[letter]:
            return f"{term} is a training step, but {letter} describes a problem to solve"
        if term.endswith("task"):
            return ("source and target are swapped: the source task is where the knowledge is learned "
                    "from a lot of data, the target task is the new problem")
        return "pretraining and fine-tuning are swapped: which of the two runs first, on the large data set?"
    return None


def _verdict(text: Any) -> str | None:
    text = str(text).lower()
    if re.search(r"no clear|not clear|unclear|inconclusive|no (significant )?difference|can(no|')t tell|"
                 r"not (significantly )?(better|worse)", text):
        return "no clear difference"
    if "worse" in text:
        return "worse"
    if "better" in text:
        return "better"
    return None


_SCRATCH_01_2 = (0.712, 0.745, 0.690, 0.781, 0.733)
_TRANSFER_01_2 = (0.744, 0.760, 0.718, 0.741, 0.752)


def _reference_01_2() -> tuple[float, float, float]:
    # the classmate's paired difference transfer - scratch, in points: mean, CI low, CI high
    results = SeedResults(tuple(range(5)), [{"scratch": s, "transfer": t}
                                            for s, t in zip(_SCRATCH_01_2, _TRANSFER_01_2)])
    diff = results.paired_difference("transfer", "scratch")
    return 100 * diff.mean, 100 * diff.ci95[0], 100 * diff.ci95[1]


def _solution_01_2() -> dict[str, Any]:
    scratch = [0.712, 0.745, 0.690, 0.781, 0.733]
    transfer = [0.744, 0.760, 0.718, 0.741, 0.752]
    results = SeedResults(tuple(range(5)), [{"scratch": s, "transfer": t} for s, t in zip(scratch, transfer)])
    diff = results.paired_difference("transfer", "scratch")
    print(diff.verdict())
    # transfer wins 4 of the 5 seeds, but the 95 % interval of the differences (about -2.5 to
    # +4.7 points) contains 0: one bad seed for transfer is enough to keep it open
    answer = {"mean": 100 * diff.mean, "ci95": (100 * diff.ci95[0], 100 * diff.ci95[1]),
              "verdict": "no clear difference"}
    return answer


@exercise("01.2", notebook=NOTEBOOK,
          task="From five seeds' test accuracies of scratch and transfer, compute the mean paired "
               "difference transfer - scratch and its 95 % interval (in points), and give the verdict: "
               "'better', 'worse' or 'no clear difference'.",
          hint="Put the five seeds into SeedResults and call paired_difference('transfer', 'scratch'), "
               "as section 7 does (its .mean and .ci95 are fractions: times 100 for points), or compute "
               "the mean of the five differences ± t * sd / sqrt(5) yourself, with t for 4 degrees of freedom.",
          solution=_solution_01_2)
def _check_01_2(answer: Any) -> str | None:
    if not isinstance(answer, dict) or not {"mean", "ci95", "verdict"} <= set(answer):
        return ("the answer should be a dict {'mean': ..., 'ci95': (low, high), 'verdict': ...}: the "
                "numbers that decide, and the verdict they give")
    mean = as_number(answer["mean"], "a number (points)")
    if isinstance(mean, str):
        return f"'mean': {mean}"
    try:
        low, high = (float(v) for v in answer["ci95"])
    except (TypeError, ValueError):
        return "'ci95' should be two numbers, (low, high), in points"
    ref_mean, ref_low, ref_high = _reference_01_2()
    if abs(mean * 100 - ref_mean) < 0.05 and abs(mean - ref_mean) > 0.05:
        return "'mean' looks like a fraction: give the difference in points (times 100), as the verdict line does"
    if abs(mean + ref_mean) < 0.05 and abs(mean - ref_mean) > 0.05:
        return "'mean' has the wrong sign: the difference is transfer - scratch, seed by seed"
    if abs(mean - ref_mean) > 0.05:
        return ("'mean' is not the mean of the five per-seed differences transfer - scratch (in points): "
                "subtract within each seed, then average")
    if abs(low - ref_low) > 0.05 or abs(high - ref_high) > 0.05:
        if abs((high - low) - (ref_high - ref_low)) > 0.05 and abs(low + high - 2 * ref_mean) < 0.1:
            return ("'ci95' is centred on the right mean but has the wrong width: the half-width is "
                    "t * sd / sqrt(n), with the sd of the five *differences* (a paired comparison) and t of "
                    "Student's distribution with 4 degrees of freedom (not 1.96: five seeds are few)")
        return "'ci95' is not the 95 % interval of the mean difference: mean ± t * sd / sqrt(5), in points"
    verdict = _verdict(answer["verdict"])
    if verdict is None:
        return f"'verdict': {answer['verdict']!r} is none of 'better', 'worse' or 'no clear difference'"
    if verdict == "better":
        return ("your own interval contains zero: winning most seeds is not enough, 'better' needs the "
                "whole 95 % interval above zero")
    if verdict == "worse":
        return "'worse' needs the whole 95 % interval below zero, and yours contains zero"
    return None
