"""Benchmark: the sign-language project of ``12_project_sign_language``, timed on this machine.

The notebook is the benchmark: ``python benchmarks/notebook12.py`` runs
``notebooks/12_project_sign_language.ipynb`` top to bottom in full mode (``TLCOURSE_FAST``
unset) with nbclient (``execute_full_mode`` of ``tools/run_notebooks.py``, which also makes
the notebooks' stored outputs), without writing the notebook back, reads the ``project_result``
dictionary its last code cell leaves behind, and writes ``benchmarks/RESULTS.md``: the
machine, the versions, and the result (backbone, image size, test accuracy, the pipeline's
wall and CPU seconds). So the numbers in RESULTS.md come from exactly the code students read.

    python benchmarks/notebook12.py                          # about 10 minutes on 2 CPU cores
    python benchmarks/notebook12.py --output /tmp/RESULTS.md

``make bench`` runs it. Needs the test extras (``nbclient``, ``ipykernel``), the repository's
``notebooks/`` and ``tools/``, and the offline data (``TLCOURSE_DATA``). Not part of the
``tlcourse`` package: students install that without any of these.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tlcourse.config import environment_report
from tlcourse.tables import Table

ROOT = Path(__file__).resolve().parents[1]
# tools/ holds scripts, not a package: run_notebook() takes execute_full_mode from
# tools/run_notebooks.py.
if str(ROOT / "tools") not in sys.path:
    sys.path.insert(0, str(ROOT / "tools"))
#: The notebook whose full-mode run is the benchmark.
NOTEBOOK = ROOT / "notebooks" / "12_project_sign_language.ipynb"
#: Marks the line the appended cell prints: the JSON of the notebook's ``project_result``.
MARKER = "TLCOURSE_BENCH_RESULT "

_RESULT_ROWS = [  # (key in project_result, label in RESULTS.md)
    ("backbone", "backbone"),
    ("image_size", "image size (px)"),
    ("fine_tuned", "fine-tuned layers"),
    ("train_images", "training images"),
    ("test_images", "test images"),
    ("test_accuracy", "test accuracy (first seed: the saved model)"),
    ("test_accuracy_seeds", "test accuracy over seeds"),
    ("feature_extraction_accuracy", "feature extraction only (frozen backbone)"),
    ("pipeline_seconds", "pipeline wall time (s)"),
    ("pipeline_cpu_seconds", "pipeline user CPU time, all threads (s)"),
    ("notebook_seconds", "whole notebook wall time (s)"),
]


def machine_info() -> dict[str, str]:
    """What the benchmark ran on: CPU, cores, operating system, versions, date.

    The entries of ``tlcourse.config.environment_report(supported=False, machine=True)`` that
    a benchmark needs, plus the date. Imports TensorFlow and Keras only to read their versions
    (a second or two); trains nothing.

    Returns:
        An ordered ``{what: value}`` mapping of strings: ``"CPU"``, ``"CPU cores"``,
        ``"load average (1 min)"`` (other programs compete for the cores: wall times depend on
        it; "unknown" where the OS does not tell), ``"OS"``, ``"Python"``, ``"TensorFlow"``,
        ``"Keras"``, ``"date (UTC)"``.

    Example (``12_project_sign_language``):
        >>> machine_info()["CPU cores"]  # doctest: +SKIP
        '2'
    """
    report = environment_report(supported=False, machine=True)
    keys = ("CPU", "CPU cores", "load average (1 min)", "OS", "Python", "TensorFlow", "Keras")
    return {**{k: report[k] for k in keys},
            "date (UTC)": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M")}


def parse_result(lines: str | Sequence[str]) -> dict[str, Any]:
    """The ``project_result`` dictionary from the notebook's printed output.

    Args:
        lines: the text printed by the appended cell (a string or its lines); the line that
            starts with ``TLCOURSE_BENCH_RESULT`` holds the JSON.

    Returns:
        The decoded dictionary.

    Raises:
        ValueError: no such line (the notebook has no ``project_result``, or it failed).

    Example (``12_project_sign_language``):
        >>> parse_result('TLCOURSE_BENCH_RESULT {"test_accuracy": 0.99}')
        {'test_accuracy': 0.99}
    """
    text = lines.splitlines() if isinstance(lines, str) else list(lines)
    for line in text:
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    raise ValueError(f"no line starting with {MARKER.strip()!r} in the output; does the notebook's "
                     "last code cell define `project_result`?")


def _value(key: str, value: Any) -> str:
    if isinstance(value, float) and "accuracy" in key:
        return f"{value:.2%}"
    if isinstance(value, float):
        return f"{value:,.0f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(f"{v:.2%}" if isinstance(v, float) else str(v) for v in value)
    return str(value)


def format_results(machine: Mapping[str, str], result: Mapping[str, Any]) -> str:
    """``benchmarks/RESULTS.md``: a machine table and a result table, in Markdown.

    Args:
        machine: from :func:`machine_info`.
        result: the notebook's ``project_result`` (see :func:`parse_result`), plus
            ``notebook_seconds``. Known keys get readable labels; others are listed as they are.

    Returns:
        The Markdown text, ending with a newline.

    Example (``12_project_sign_language``):
        >>> text = format_results({"CPU cores": "2"}, {"test_accuracy": 0.9871})
        >>> "| test accuracy (first seed: the saved model) | 98.71% |" in text
        True
    """
    lines = ["# Benchmark: notebook 12, the sign-language project in full mode", "",
             "Made by `python benchmarks/notebook12.py`, which runs "
             "`notebooks/12_project_sign_language.ipynb` in full mode and reads its `project_result`.",
             "", "## Machine", "", Table(["", ""], machine.items()).markdown()]
    labels = dict(_RESULT_ROWS)
    keys = [k for k, _ in _RESULT_ROWS if k in result] + [k for k in result if k not in labels]
    lines += ["", "## Result", "", Table(["", ""], [(labels.get(k, k), _value(k, result[k])) for k in keys]).markdown()]
    return "\n".join(lines) + "\n"


def run_notebook(path: str | os.PathLike = NOTEBOOK, timeout: int = 3600) -> dict[str, Any]:
    """Run a notebook in full mode (outputs are not saved) and return its ``project_result``.

    Args:
        path: the notebook; its last code cell must define a JSON-serialisable dict
            ``project_result``.
        timeout: seconds any one cell may take.

    Returns:
        ``project_result`` plus ``notebook_seconds``, the wall time of the whole run.

    Raises:
        ValueError: the notebook left no ``project_result``.

    Example (``12_project_sign_language``):
        >>> run_notebook()["test_accuracy"]  # doctest: +SKIP
        0.98...
    """
    import nbformat
    from run_notebooks import execute_full_mode

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        f"import json\nprint({MARKER!r} + json.dumps(project_result))"))
    seconds = execute_full_mode(nb, path.parent, timeout)
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return {**parse_result(printed), "notebook_seconds": round(seconds, 1)}


def main(argv: Sequence[str] | None = None) -> int:
    """``python benchmarks/notebook12.py [--notebook PATH] [--output PATH]``: run, then write RESULTS.md.

    Args:
        argv: command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit code, 0.

    Example (``12_project_sign_language``):
        >>> main(["--output", "/tmp/RESULTS.md"])  # doctest: +SKIP
        0
    """
    parser = argparse.ArgumentParser(prog="python benchmarks/notebook12.py", description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default=str(NOTEBOOK), help="the notebook to run (default: 12)")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "RESULTS.md"),
                        help="where to write the Markdown (default: benchmarks/RESULTS.md)")
    args = parser.parse_args(argv)
    machine = machine_info()                          # the date is the start of the run
    result = run_notebook(args.notebook)
    text = format_results(machine, result)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    print(text)
    print(f"written to {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
