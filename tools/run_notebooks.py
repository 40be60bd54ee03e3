"""Re-execute the course notebooks in full mode and store their outputs.

Students read the committed outputs on GitHub and in slides, so they must come from a real
full-mode run of the current code. This script runs each notebook top to bottom with
``TLCOURSE_FAST`` unset, writes the outputs back, and stamps the notebook's metadata with
a hash of its code cells (``metadata.tlcourse.code_sha256``). ``tests/test_notebooks.py``
fails when a notebook's code changed but its outputs were not regenerated.

    python tools/run_notebooks.py                      # every notebook
    python tools/run_notebooks.py notebooks/00_start_here.ipynb
    make notebooks NB=notebooks/06_reusing_layers_in_keras.ipynb

``execute_full_mode`` (run without storing) is also what ``benchmarks/notebook12.py`` times.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def code_sha256(nb: nbformat.NotebookNode) -> str:
    """Hash of the notebook's code cells, in order (what the stored outputs depend on)."""
    digest = hashlib.sha256()
    for cell in nb.cells:
        if cell.cell_type == "code":
            digest.update(cell.source.encode() + b"\0")
    return digest.hexdigest()


def course_notebooks() -> list[Path]:
    """The numbered notebooks, in course order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def execute_full_mode(nb: Any, folder: str | os.PathLike, timeout: int = 3600) -> float:
    """Execute a notebook in place in full mode: ``TLCOURSE_FAST`` unset for the kernel, then restored.

    Shared by :func:`execute` (which stores the outputs) and ``benchmarks/notebook12.py``.

    Args:
        nb: an ``nbformat`` notebook node; its cells get their outputs.
        folder: the working directory of the kernel (the notebook's folder).
        timeout: seconds any one cell may take.

    Returns:
        The wall time of the run in seconds.

    Example (``12_project_sign_language``):
        >>> path = NOTEBOOKS / "12_project_sign_language.ipynb"
        >>> seconds = execute_full_mode(nbformat.read(path, as_version=4), path.parent)  # doctest: +SKIP
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


def execute(path: Path, timeout: int = 3600) -> float:
    """Run one notebook in full mode, store outputs and the code stamp; return seconds."""
    nb = nbformat.read(path, as_version=4)
    seconds = execute_full_mode(nb, path.parent, timeout)
    nb.metadata["tlcourse"] = {"code_sha256": code_sha256(nb), "mode": "full",
                               "seconds": round(seconds)}
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: all of notebooks/")
    args = parser.parse_args(argv)
    # Always the inline backend: with a shell-wide MPLBACKEND=Agg the figures would not be stored.
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # no TensorFlow start-up lines in outputs
    for path in args.notebooks or course_notebooks():
        print(f"{path.name}: running in full mode ...", flush=True)
        print(f"{path.name}: {execute(path.resolve()):.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
