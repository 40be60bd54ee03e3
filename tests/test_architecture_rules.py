"""Module boundaries inside tlcourse: one home for each shared idea (issue #14).

A private name (leading underscore) belongs to its module. What several modules share lives
in an internal module whose file name starts with ``_`` (``_checks``, ``_keras_graph``,
``_files``): the one place other modules may take private helpers from. Internal modules are
leaves: they import no public tlcourse module, so they never close an import cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tlcourse"
MODULES = sorted(PACKAGE.glob("*.py"))
INTERNAL = sorted(p.stem for p in MODULES if p.stem.startswith("_") and p.stem != "__init__")


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _is_internal(target: str) -> bool:
    """``tlcourse._checks`` and the like: a module of the package whose file name starts with ``_``."""
    parts = target.split(".")
    return len(parts) == 2 and parts[0] == "tlcourse" and _is_private(parts[1])


def _import_target(node: ast.ImportFrom) -> str | None:
    """The tlcourse module ``node`` imports from ("tlcourse" for the package itself), or None."""
    if node.level:  # relative, from a module directly inside tlcourse/
        return "tlcourse" + (f".{node.module}" if node.module else "")
    module = node.module or ""
    return module if module == "tlcourse" or module.startswith("tlcourse.") else None


def _dotted(node: ast.expr, modules: dict[str, str]) -> str | None:
    """The tlcourse module an expression like ``surgery`` or ``tlcourse.surgery`` names, or None."""
    if isinstance(node, ast.Name):
        return modules.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, modules)
        return f"{base}.{node.attr}" if base is not None else None
    return None


def tlcourse_imports(source: str) -> list[tuple[str, str]]:
    """``(module, name)`` for every name ``source`` takes from a tlcourse module; ``name`` is "" for
    a whole module (``import tlcourse.x``); ``module.name`` attribute reads count as well."""
    tree = ast.parse(source)
    found: list[tuple[str, str]] = []
    modules: dict[str, str] = {}  # local name -> the tlcourse module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (target := _import_target(node)):
            for alias in node.names:
                found.append((target, alias.name))
                if target == "tlcourse":  # `from tlcourse import surgery`: maybe a module
                    modules[alias.asname or alias.name] = f"tlcourse.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "tlcourse" or alias.name.startswith("tlcourse."):
                    found.append((alias.name, ""))
                    if alias.asname:
                        modules[alias.asname] = alias.name
                    else:
                        modules["tlcourse"] = "tlcourse"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and (target := _dotted(node.value, modules)):
            found.append((target, node.attr))
    return found


def private_imports(source: str, module: str) -> list[str]:
    """"<module>: <name> from <tlcourse module>" for each private name ``module`` takes from
    another tlcourse module that is not internal."""
    problems = []
    for target, name in tlcourse_imports(source):
        if target == "tlcourse" and name in INTERNAL:
            continue  # `from tlcourse import _files`: the internal module itself
        if _is_private(name) and not _is_internal(target) and target != f"tlcourse.{module}":
            problems.append(f"{module}: {name} from {target}")
    return problems


# ------------------------------------------------------------------------------ the rules


def test_the_package_has_internal_modules_to_share_through():
    assert {"_checks", "_keras_graph", "_files"} <= set(INTERNAL)
    assert len(MODULES) > len(INTERNAL) + 5, "the glob found the package's modules"


@pytest.mark.parametrize("path", MODULES, ids=[p.stem for p in MODULES])
def test_no_private_name_crosses_a_module_boundary(path):
    problems = private_imports(path.read_text(encoding="utf-8"), path.stem)
    assert not problems, ("private names taken from another tlcourse module; move what is shared to an "
                          "internal module (tlcourse/_*.py):\n" + "\n".join(problems))


@pytest.mark.parametrize("name", INTERNAL)
def test_internal_modules_import_only_internal_modules(name):
    source = (PACKAGE / f"{name}.py").read_text(encoding="utf-8")
    public = sorted({target if target != "tlcourse" else f"tlcourse.{imported}"
                     for target, imported in tlcourse_imports(source)
                     if not _is_internal(target) and not (target == "tlcourse" and imported in INTERNAL)})
    assert not public, f"{name} imports {public}: an internal module must not depend on a public one"


# ---------------------------------------------------- the checker catches what it should


def test_the_checker_flags_what_the_package_did_before_issue_14():
    widgets_before = ("from tlcourse.features import (ActivationCache, _cut_tensor, _depth, cut_points)\n"
                      "from tlcourse.surgery import TrainableReport, _check_built, _walk\n")
    assert private_imports(widgets_before, "widgets") == [
        "widgets: _cut_tensor from tlcourse.features", "widgets: _depth from tlcourse.features",
        "widgets: _check_built from tlcourse.surgery", "widgets: _walk from tlcourse.surgery"]


@pytest.mark.parametrize("source, flagged", [
    ("from .surgery import _count\n", ["m: _count from tlcourse.surgery"]),
    ("from tlcourse import surgery\nsurgery._walk(model)\n", ["m: _walk from tlcourse.surgery"]),
    ("import tlcourse.features\ntlcourse.features._top(model, 3)\n", ["m: _top from tlcourse.features"]),
    ("import tlcourse.models as tm\ntm._verify(p, e, n)\n", ["m: _verify from tlcourse.models"]),
    ("from tlcourse import _os\n", ["m: _os from tlcourse"]),
    ("from tlcourse._keras_graph import walk\nfrom tlcourse._checks import _nested_hint\n", []),
    ("from tlcourse import _files\n_files.repo_models_dir()\n", []),
    ("from tlcourse.surgery import freeze, __all__\nimport tlcourse\ntlcourse.__version__\n", []),
    ("from tlcourse.m import _own\n", []),  # a module's own private names are its business
    ("from keras.src import _private\nx._y\n", []),
])
def test_the_checker_on_small_examples(source, flagged):
    assert private_imports(source, "m") == flagged
