"""The course installs the way the README says: one source of truth for dependencies."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml
from toolbox import load_tool

ROOT = Path(__file__).resolve().parents[1]




def _environment_pip_lines() -> list[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return pip


def test_environment_yml_agrees_with_pyproject():
    pip = _environment_pip_lines()
    assert "-e ." in pip, "environment.yml must install the course from the checkout"
    assert [p for p in pip if p != "-e ."] == load_tool("deps").requirements(["lab", "test"])


def test_environment_yml_uses_conda_forge_python():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    assert any(str(d).startswith("python") for d in env["dependencies"] if isinstance(d, str))


def test_dependencies_are_ranges_not_pins():
    for req in load_tool("deps").requirements(["lab", "test", "slides"]):
        assert "==" not in req, f"{req} is pinned; use a range so Colab keeps its TensorFlow"
        assert re.search(r">=|<|~=", req), f"{req} has no lower bound"
    assert "tensorflow>=2.16.2" in load_tool("deps").requirements()


def test_cpu_flag_swaps_only_tensorflow():
    deps = load_tool("deps")
    plain, cpu = deps.requirements(["test"]), deps.requirements(["test"], cpu=True)
    changed = [(a, b) for a, b in zip(plain, cpu) if a != b]
    assert changed == [("tensorflow>=2.16.2", "tensorflow-cpu>=2.16.2")]


def test_deps_script_prints_one_requirement_per_line():
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "deps.py"), "--extras", "test", "--cpu"],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "tensorflow-cpu>=2.16.2" and "nbval>=0.11" in out


def test_ci_runs_the_readme_test_command_offline_in_fast_mode():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in ci and "make test" in readme and "make lab" in readme
    assert "TLCOURSE_DATA=" in ci and "TLCOURSE_FAST=1" in ci


def test_makefile_test_target_runs_units_and_every_notebook():
    makefile = (ROOT / "Makefile").read_text()
    test_recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "pytest tests notebooks" in test_recipe and "--nbval-lax" in test_recipe
    assert "--durations" in test_recipe


def _public_functions():
    import inspect

    import tlcourse

    for name in tlcourse.__all__:
        obj = getattr(tlcourse, name)
        if inspect.isfunction(obj):
            yield name, obj


def test_every_public_function_is_documented_the_house_way():
    """Args (when it takes any) / Returns / Example naming the notebook that teaches it; typed."""
    import inspect

    problems = []
    for name, func in _public_functions():
        doc = inspect.getdoc(func) or ""
        params = [p for p in inspect.signature(func).parameters.values() if p.name != "self"]
        wanted = ["Returns", "Example"] + (["Args"] if params else [])
        problems += [f"{name}: docstring has no {w}: section" for w in wanted if f"{w}" not in doc]
        if not re.search(r"\b\d\d_[a-z_]+\b", doc):
            problems.append(f"{name}: docstring names no notebook (NN_topic)")
        untyped = [p.name for p in params if p.annotation is inspect.Parameter.empty
                   and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        if untyped:
            problems.append(f"{name}: parameters without a type: {untyped}")
    assert not problems, "\n".join(problems)


def test_floor_pins_every_dependency_at_its_lowest_version():
    deps = load_tool("deps")
    plain, floor = deps.requirements(), deps.requirements(floor=True)
    assert [r.split(">=")[0] for r in plain] == [r.split("==")[0] for r in floor]
    assert all(f == p.replace(">=", "==") for p, f in zip(plain, floor)), "every floor must be a plain >="
    assert deps.requirements(["test"], floor=True)[len(floor):] == deps.requirements(["test"])[len(plain):]
    assert deps.floor_python() == "3.10"
    assert re.fullmatch(r"keras-nightly==3\.\d+\.\d+\.dev\d{10}", deps.nightly())


def test_makefile_tests_the_floor_and_the_nightly_from_ci():
    makefile, ci = (ROOT / "Makefile").read_text(), (ROOT / ".ci" / "run").read_text()
    assert "test-compat: test-floor test-nightly" in makefile
    assert "--floor --extras test" in makefile and "tools/deps.py --nightly" in makefile
    assert "make test\n" in ci and "make test-compat" in ci
