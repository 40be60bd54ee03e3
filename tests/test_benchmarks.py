"""benchmarks/: the cheap parts of notebook12.py (machine info, parsing, RESULTS.md, the runner)
without training, and the benchmarks' use of tlcourse (public names only)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from toolbox import load_benchmark

ROOT = Path(__file__).resolve().parents[1]
bench = load_benchmark("notebook12")


def test_machine_info_names_the_machine_and_the_versions():
    import keras
    import tensorflow as tf

    info = bench.machine_info()
    assert list(info) == ["CPU", "CPU cores", "load average (1 min)", "OS", "Python", "TensorFlow",
                          "Keras", "date (UTC)"]
    assert all(isinstance(v, str) and v for v in info.values())
    assert info["CPU cores"] == str(os.cpu_count())
    assert info["TensorFlow"] == tf.__version__ and info["Keras"] == keras.__version__
    assert len(info["date (UTC)"]) == len("2025-01-31 12:00")


def test_parse_result_reads_the_marker_line():
    printed = f"something else\n{bench.MARKER}{{\"test_accuracy\": 0.9871, \"image_size\": 128}}\n"
    assert bench.parse_result(printed) == {"test_accuracy": 0.9871, "image_size": 128}
    assert bench.parse_result(printed.splitlines()) == {"test_accuracy": 0.9871, "image_size": 128}


def test_parse_result_says_what_is_missing():
    with pytest.raises(ValueError, match="project_result"):
        bench.parse_result("no result here")


def test_format_results_is_a_markdown_report():
    machine = {"CPU": "Test CPU", "CPU cores": "2"}
    result = {"pipeline_seconds": 301.4, "test_accuracy": 0.98706, "backbone": "MobileNetV2",
              "test_accuracy_seeds": [0.987, 0.9935], "image_size": 128, "extra": "kept"}
    text = bench.format_results(machine, result)
    assert text.startswith("# Benchmark") and text.endswith("\n")
    assert "| CPU | Test CPU |" in text and "| CPU cores | 2 |" in text
    assert "| test accuracy (first seed: the saved model) | 98.71% |" in text
    assert "| test accuracy over seeds | 98.70%, 99.35% |" in text
    assert "| pipeline wall time (s) | 301 |" in text
    assert "| image size (px) | 128 |" in text
    assert "| extra | kept |" in text
    # known keys in the report's order, whatever the dictionary's order
    assert text.index("backbone") < text.index("image size") < text.index("test accuracy (first")


def test_run_notebook_runs_in_full_mode_and_reads_project_result(tmp_path, monkeypatch):
    monkeypatch.setenv("TLCOURSE_FAST", "1")          # as in CI: the benchmark must unset it
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os\nproject_result = {'fast': os.environ.get('TLCOURSE_FAST'), 'test_accuracy': 0.5}")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    result = bench.run_notebook(path, timeout=120)
    assert result["fast"] is None and result["test_accuracy"] == 0.5
    assert result["notebook_seconds"] > 0
    assert os.environ["TLCOURSE_FAST"] == "1"         # restored afterwards
    assert len(nbformat.read(path, as_version=4).cells) == 1   # the notebook file is not changed


def test_main_writes_results_md(tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "run_notebook", lambda path: {"test_accuracy": 0.99, "notebook_seconds": 5.0})
    out = tmp_path / "sub" / "RESULTS.md"
    assert bench.main(["--output", str(out)]) == 0
    text = out.read_text()
    assert "| test accuracy (first seed: the saved model) | 99.00% |" in text
    assert "| whole notebook wall time (s) | 5 |" in text


def test_module_runs_as_a_script():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "notebook12.py"), "--help"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "RESULTS.md" in done.stdout


def test_the_benchmark_runs_notebooks_with_tools_run_notebooks():
    """One full-mode runner: the benchmark times a notebook run exactly as `make notebooks` runs it."""
    import inspect

    import run_notebooks  # tools/ is on sys.path once notebook12.py is loaded, as when it runs as a script

    assert Path(run_notebooks.__file__) == ROOT / "tools" / "run_notebooks.py"
    assert "from run_notebooks import execute_full_mode" in inspect.getsource(bench.run_notebook)
    assert not hasattr(bench, "execute_full_mode"), "defined once, in tools/run_notebooks.py"


def test_make_bench_runs_the_benchmark_scripts():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nbench:", 1)[1].split("\n\n", 1)[0]
    assert "$(BIN)/python benchmarks/notebook12.py" in recipe
    assert "$(BIN)/python benchmarks/slider_latency.py" in recipe


@pytest.mark.parametrize("path", sorted((ROOT / "benchmarks").glob("*.py")), ids=lambda p: p.name)
def test_benchmarks_use_public_names_only(path):
    """A benchmark measures what students run: no private name, imported or as an attribute
    (``explorer._on_slider``); a public method says what the widget does (``explorer.move``)."""
    def private(name: str) -> bool:
        return name.startswith("_") and not name.endswith("__")

    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = [f"line {node.lineno}: .{node.attr}" for node in ast.walk(tree)
                if isinstance(node, ast.Attribute) and private(node.attr)]
    problems += [f"line {node.lineno}: import {alias.name} from {node.module}" for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) for alias in node.names if private(alias.name)]
    assert not problems, f"{path.name} uses private names:\n" + "\n".join(problems)
