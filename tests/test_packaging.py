"""The course installs the way the README says: one source of truth for dependencies."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
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


def test_every_subpackage_of_tlcourse_is_installed():
    """[tool.setuptools] packages is an explicit list: a package folder missing from it would be
    left out of the wheel (pip install . would then fail on `import tlcourse.exercises`)."""
    folders = sorted(".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "tlcourse").rglob("__init__.py"))
    listed = load_tool("deps")._pyproject()["tool"]["setuptools"]["packages"]
    code = sorted(p for p in listed if list(ROOT.joinpath(*p.split(".")).glob("*.py")))
    assert folders == code, f"pyproject.toml [tool.setuptools] packages = {listed}, the folders are {folders}"
    data = [p for p in listed if p not in code]     # data-only folders (tlcourse/locale): they exist
    assert all(ROOT.joinpath(*p.split(".")).is_dir() for p in data), data


def test_makefile_test_target_runs_units_and_every_notebook():
    makefile = (ROOT / "Makefile").read_text()
    test_recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "pytest tests notebooks" in test_recipe and "--nbval-lax" in test_recipe
    assert "--durations" in test_recipe


def _exercise_modules():
    """tlcourse.exercises and its modules for readers (nb01 ...; _common is internal)."""
    import importlib
    import pkgutil

    import tlcourse.exercises as package

    yield package
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_"):
            yield importlib.import_module(f"{package.__name__}.{info.name}")


def _public_functions():
    import inspect

    import tlcourse

    for name in tlcourse.__all__:
        obj = getattr(tlcourse, name)
        if inspect.isfunction(obj):
            yield name, obj
    for module in _exercise_modules():      # what a package's own __all__ exports, e.g. a notebook's module
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) and name not in tlcourse.__all__:
                yield f"{module.__name__}.{name}", obj


def test_exercise_modules_say_what_is_public():
    """Each module of tlcourse.exercises lists its public functions in __all__ (the docstring test
    reads that list); the rest, checkers and solutions, is underscored and reached via the registry."""
    import inspect

    for module in _exercise_modules():
        assert isinstance(getattr(module, "__all__", None), list), f"{module.__name__} has no __all__"
        public = [name for name, obj in vars(module).items() if inspect.isfunction(obj)
                  and obj.__module__ == module.__name__ and not name.startswith("_")]
        assert set(public) <= set(module.__all__), f"{module.__name__}: public but not in __all__: {public}"


def test_every_public_function_is_documented_the_house_way():
    """Args (when it takes any) / Returns / Example naming the notebook that teaches it; typed.

    tlcourse's __all__ and the __all__ of each module of tlcourse.exercises."""
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


def test_ci_installs_chromium_before_make_test_only_where_missing():
    ci = (ROOT / ".ci" / "run").read_text()
    install = ci.index("apt-get install -y -qq chromium")
    assert ci.index("command -v chromium") < install < ci.index("make test\n")
    assert ci.index("apt-get update") < install


def test_make_lab_and_make_test_install_the_course_jupyterlab_settings():
    makefile = (ROOT / "Makefile").read_text()
    recipe = lambda target: makefile.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0]  # noqa: E731
    assert "$(LAB_SETTINGS)" in recipe("lab").splitlines()[0]
    assert "$(VENV)/.installed-lab" in recipe("test").splitlines()[0] and "$(LAB_SETTINGS)" in recipe("test")
    assert "LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json" in makefile
    assert "tools/lab_settings.py" in recipe("$(LAB_SETTINGS)")
    assert 'JUPYTER_CONFIG_PATH="$(CURDIR)/tools/lab' in recipe("lab")
    compat = makefile.split("COMPAT_PYTEST =", 1)[1].split("\n\n", 1)[0]
    assert '-m "not browser and not experiment"' in compat, "the browser test and the experiment exercises run once"
    lab = load_tool("deps").requirements(["lab"])
    assert any(r.startswith("jupyterlab-rise") for r in lab), "Alt+R (RISE) in make lab"
    assert any(r.startswith("playwright") for r in load_tool("deps").requirements(["test"]))


def test_lab_settings_merge_into_what_is_there(tmp_path):
    settings = load_tool("lab_settings")
    (tmp_path / "overrides.json").write_text(json.dumps({
        "@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": False, "mine": 1},
        "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}))
    written = json.loads(settings.install(tmp_path).read_text())
    assert written["@jupyter-widgets/jupyterlab-manager:plugin"] == {"saveState": True, "mine": 1}
    assert written["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}, "the user's kept"
    assert written["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    fresh = settings.install(tmp_path / "new" / "settings")
    assert json.loads(fresh.read_text()) == json.loads(settings.COURSE_OVERRIDES.read_text())
    assert settings.settings_dir("/venv") == Path("/venv/share/jupyter/lab/settings")


def test_course_overrides_name_real_jupyterlab_settings():
    """Each override names a plugin and a setting its schema has, with an allowed value."""
    pytest.importorskip("jupyterlab", reason="JupyterLab not installed (the lab extra)")
    schemas = [Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas",
               Path(sys.prefix) / "share" / "jupyter" / "labextensions"]
    overrides = json.loads((ROOT / "tools" / "lab" / "overrides.json").read_text())
    for plugin, values in overrides.items():
        package, name = plugin.split(":")
        found = [p for base in schemas for p in base.glob(f"**/{package}/{name}.json")]
        assert found, f"no schema for {plugin} in {schemas}"
        properties = json.loads(found[0].read_text())["properties"]
        for key, value in values.items():
            assert key in properties, f"{plugin} has no setting {key!r}"
            allowed = [o["const"] for o in properties[key].get("oneOf", [])]
            assert not allowed or value in allowed, f"{plugin}.{key}: {value!r} not in {allowed}"


def test_make_lab_prints_the_token_it_was_given(monkeypatch):
    """With JUPYTER_TOKEN set, Jupyter prints `?token=...`; make lab's config prints the real one."""
    from traitlets.config import Config

    source = (ROOT / "tools" / "lab" / "jupyter_server_config.py").read_text()
    for token, shown in (("s3cret", "?token=s3cret"), ("a b&c", "?token=a+b%26c"), (None, None)):
        if token is None:
            monkeypatch.delenv("JUPYTER_TOKEN", raising=False)
        else:
            monkeypatch.setenv("JUPYTER_TOKEN", token)
        config = Config()
        exec(compile(source, "jupyter_server_config.py", "exec"), {"get_config": lambda config=config: config})
        assert config.ServerApp.get("custom_display_url") == shown
