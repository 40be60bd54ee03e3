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


def _verdict(text: str) -> str | None:
    text = text.lower()
    if re.search(r"no clear|not clear|unclear|inconclusive|no (significant )?difference|can(no|')t tell|"
                 r"not (significantly )?(better|worse)", text):
        return "no clear difference"
    if "worse" in text:
        return "worse"
    if "better" in text:
        return "better"
    return None


def _solution_01_2() -> str:
    scratch = [0.712, 0.745, 0.690, 0.781, 0.733]
    transfer = [0.744, 0.760, 0.718, 0.741, 0.752]
    results = SeedResults(tuple(range(5)), [{"scratch": s, "transfer": t} for s, t in zip(scratch, transfer)])
    print(results.paired_difference("transfer", "scratch").verdict())
    # transfer wins 4 of the 5 seeds, but the 95 % interval of the differences (about -2.6 to
    # +4.7 points) contains 0: one bad seed for transfer is enough to keep it open
    answer = "no clear difference"
    return answer


@exercise("01.2", notebook=NOTEBOOK,
          task="From five seeds' test accuracies of scratch and transfer, give the verdict: "
               "'better', 'worse' or 'no clear difference'.",
          hint="Put the five seeds into SeedResults and call paired_difference('transfer', 'scratch'), "
               "as section 7 does, or compute the mean of the five differences ± t * sd / sqrt(5) with "
               "t = 2.78 yourself.",
          solution=_solution_01_2)
def _check_01_2(answer: Any) -> str | None:
    if not isinstance(answer, str):
        return "the answer should be a string: 'better', 'worse' or 'no clear difference'"
    verdict = _verdict(answer)
    if verdict is None:
        return f"{answer!r} is none of 'better', 'worse' or 'no clear difference'"
    if verdict == "better":
        return ("winning most seeds is not enough: 'better' needs the whole 95 % interval of the "
                "per-seed differences above zero; compute it")
    if verdict == "worse":
        return ("'worse' needs the whole 95 % interval of the per-seed differences below zero, "
                "and transfer is ahead on average")
    return None
