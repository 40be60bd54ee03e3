"""Benchmark: the sign-language project of ``09_project_sign_language``, timed on this machine.

The notebook is the benchmark: ``python -m tlcourse.bench`` runs
``notebooks/09_project_sign_language.ipynb`` top to bottom in full mode (``TLCOURSE_FAST``
unset) with nbclient, without writing the notebook back, reads the ``project_result``
dictionary its last code cell leaves behind, and writes ``benchmarks/RESULTS.md``: the
machine, the versions, and the result (backbone, image size, test accuracy, the pipeline's
wall and CPU seconds). So the numbers in RESULTS.md come from exactly the code students read.

    python -m tlcourse.bench                          # about 10 minutes on 2 CPU cores
    python -m tlcourse.bench --output /tmp/RESULTS.md

Needs the test extras (``nbclient``, ``ipykernel``) and the offline data (``TLCOURSE_DATA``).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["NOTEBOOK", "execute_full_mode", "format_results", "machine_info", "parse_result", "run_notebook"]

ROOT = Path(__file__).resolve().parents[1]
#: The notebook whose full-mode run is the benchmark.
NOTEBOOK = ROOT / "notebooks" / "09_project_sign_language.ipynb"
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


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except (AttributeError, OSError):  # Windows has no load average
        return "unknown"


def machine_info() -> dict[str, str]:
    """What the benchmark ran on: CPU, cores, operating system, versions, date.

    Imports TensorFlow and Keras only to read their versions (a second or two); trains nothing.

    Returns:
        An ordered ``{what: value}`` mapping of strings: ``"CPU"``, ``"CPU cores"``,
        ``"load average (1 min)"`` (other programs compete for the cores: wall times depend on
        it; "unknown" where the OS does not tell), ``"OS"``, ``"Python"``, ``"TensorFlow"``,
        ``"Keras"``, ``"date (UTC)"``.

    Example (``09_project_sign_language``):
        >>> machine_info()["CPU cores"]  # doctest: +SKIP
        '2'
    """
    import keras
    import tensorflow as tf

    return {
        "CPU": _cpu_model(),
        "CPU cores": str(os.cpu_count()),
        "load average (1 min)": _load_average(),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "TensorFlow": tf.__version__,
        "Keras": keras.__version__,
        "date (UTC)": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M"),
    }


def parse_result(lines: str | Sequence[str]) -> dict[str, Any]:
    """The ``project_result`` dictionary from the notebook's printed output.

    Args:
        lines: the text printed by the appended cell (a string or its lines); the line that
            starts with ``TLCOURSE_BENCH_RESULT`` holds the JSON.

    Returns:
        The decoded dictionary.

    Raises:
        ValueError: no such line (the notebook has no ``project_result``, or it failed).

    Example (``09_project_sign_language``):
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

    Example (``09_project_sign_language``):
        >>> text = format_results({"CPU cores": "2"}, {"test_accuracy": 0.9871})
        >>> "| test accuracy (first seed: the saved model) | 98.71% |" in text
        True
    """
    lines = ["# Benchmark: notebook 09, the sign-language project in full mode", "",
             "Made by `python -m tlcourse.bench`, which runs "
             "`notebooks/09_project_sign_language.ipynb` in full mode and reads its `project_result`.",
             "", "## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in machine.items()]
    lines += ["", "## Result", "", "| | |", "|---|---|"]
    labels = dict(_RESULT_ROWS)
    keys = [k for k, _ in _RESULT_ROWS if k in result] + [k for k in result if k not in labels]
    lines += [f"| {labels.get(k, k)} | {_value(k, result[k])} |" for k in keys]
    return "\n".join(lines) + "\n"


def execute_full_mode(nb: Any, folder: str | os.PathLike, timeout: int = 3600) -> float:
    """Execute a notebook in place in full mode: ``TLCOURSE_FAST`` unset for the kernel, then restored.

    Shared by this benchmark and ``tools/run_notebooks.py`` (which stores the outputs).

    Args:
        nb: an ``nbformat`` notebook node; its cells get their outputs.
        folder: the working directory of the kernel (the notebook's folder).
        timeout: seconds any one cell may take.

    Returns:
        The wall time of the run in seconds.

    Example (``09_project_sign_language``):
        >>> seconds = execute_full_mode(nbformat.read(NOTEBOOK, as_version=4), NOTEBOOK.parent)  # doctest: +SKIP
    """
    from nbclient import NotebookClient

    saved = os.environ.pop("TLCOURSE_FAST", None)
    start = time.perf_counter()
    try:
        # TensorFlow >= 2.19 writes start-up lines straight to file descriptor 2, whatever
        # TF_CPP_MIN_LOG_LEVEL says; ipykernel 7 would store them as cell output.
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       extra_arguments=["--IPKernelApp.capture_fd_output=False"],
                       resources={"metadata": {"path": str(folder)}}).execute()
    finally:
        if saved is not None:
            os.environ["TLCOURSE_FAST"] = saved
    return time.perf_counter() - start


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

    Example (``09_project_sign_language``):
        >>> run_notebook()["test_accuracy"]  # doctest: +SKIP
        0.98...
    """
    import nbformat

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        f"import json\nprint({MARKER!r} + json.dumps(project_result))"))
    seconds = execute_full_mode(nb, path.parent, timeout)
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return {**parse_result(printed), "notebook_seconds": round(seconds, 1)}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m tlcourse.bench [--notebook PATH] [--output PATH]``: run, then write RESULTS.md.

    Args:
        argv: command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit code, 0.

    Example (``09_project_sign_language``):
        >>> main(["--output", "/tmp/RESULTS.md"])  # doctest: +SKIP
        0
    """
    parser = argparse.ArgumentParser(prog="python -m tlcourse.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default=str(NOTEBOOK), help="the notebook to run (default: 09)")
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
