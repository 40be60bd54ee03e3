"""The public API is declared once: each public module's ``__all__``; ``tlcourse`` re-exports exactly that."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import tlcourse

#: The public modules: every module and subpackage of tlcourse whose name does not start with "_".
PUBLIC_MODULES = sorted(m.name for m in pkgutil.iter_modules(tlcourse.__path__) if not m.name.startswith("_"))
HOW = ("every public module is re-exported in tlcourse/__init__.py: `from tlcourse.{m} import *` and "
       "`__all__ += {m}.__all__`, or, for a module loaded on first use, its name in _LAZY_MODULES")


def _module(name: str):
    return importlib.import_module(f"tlcourse.{name}")


def test_the_public_modules_are_found():
    assert {"config", "data", "models", "pretrain", "surgery", "exercises", "widgets"} <= set(PUBLIC_MODULES)
    assert "bench" not in PUBLIC_MODULES, "the benchmark is benchmarks/notebook12.py, not package API"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_every_public_module_declares_its_names(name):
    module = _module(name)
    assert isinstance(getattr(module, "__all__", None), list), f"tlcourse.{name} has no __all__ = [...]"
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert not missing, f"tlcourse.{name}.__all__ lists names the module does not define: {missing}"
    assert len(set(module.__all__)) == len(module.__all__), f"tlcourse.{name}.__all__ repeats a name"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_every_name_in_a_module_all_is_reachable_as_tlcourse_name(name):
    module = _module(name)
    unreachable = [n for n in module.__all__ if getattr(tlcourse, n, None) is not getattr(module, n)]
    assert not unreachable, f"tlcourse.<name> is not tlcourse.{name}.<name> for {unreachable}; " + HOW.format(m=name)
    assert set(module.__all__) <= set(tlcourse.__all__), HOW.format(m=name)
    assert set(module.__all__) <= set(dir(tlcourse)), "dir(tlcourse) lists every public name"


def test_tlcourse_all_is_the_union_of_the_modules_all_and_nothing_else():
    declared = [n for name in PUBLIC_MODULES for n in _module(name).__all__]
    twice = sorted({n for n in declared if declared.count(n) > 1})
    assert not twice, f"names in the __all__ of two modules (one would hide the other in tlcourse): {twice}"
    assert sorted(tlcourse.__all__) == sorted(declared), (
        "tlcourse.__all__ is built from the modules' __all__ only; "
        f"extra: {sorted(set(tlcourse.__all__) - set(declared))}, "
        f"missing: {sorted(set(declared) - set(tlcourse.__all__))}")


def test_no_public_name_hides_a_module():
    assert not set(tlcourse.__all__) & set(PUBLIC_MODULES)
    for name in PUBLIC_MODULES:
        assert getattr(tlcourse, name) is _module(name)


def test_star_import_gives_tlcourse_all():
    namespace: dict = {}
    exec("from tlcourse import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(tlcourse.__all__)


def test_names_of_lazy_modules_resolve_and_unknown_names_say_so():
    assert set(tlcourse._LAZY) == set(_module("pretrain").__all__)
    assert tlcourse.GreedyStage is _module("pretrain").GreedyStage
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        _ = tlcourse.not_a_name


def test_pretrain_runs_as_a_script_without_being_imported_by_the_package():
    """Why pretrain is lazy: `python -m tlcourse.pretrain` warns when importing tlcourse already imported it."""
    done = subprocess.run([sys.executable, "-W", "error::RuntimeWarning", "-m", "tlcourse.pretrain", "--help"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "usage: python -m tlcourse.pretrain" in done.stdout
