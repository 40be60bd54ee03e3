"""Shared by the tests: load a script of tools/ or benchmarks/ as a module (neither is a package),
and GitHub's anchor of a Markdown heading (the links the documents and notebooks name)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def load_script(path: Path, name: str) -> ModuleType:
    """The script at ``path`` imported as the module ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses in the script look their module up there
    spec.loader.exec_module(module)
    return module


def load_tool(name: str) -> ModuleType:
    """``tools/<name>.py`` imported as the module ``name``."""
    return load_script(ROOT / "tools" / f"{name}.py", name)


def load_benchmark(name: str) -> ModuleType:
    """``benchmarks/<name>.py`` imported as the module ``name``."""
    return load_script(ROOT / "benchmarks" / f"{name}.py", name)


def github_anchor(heading: str) -> str:
    """GitHub's anchor for a heading: formatting and punctuation dropped, lower case, spaces -> "-"."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = re.sub(r"[`*]|<[^>]+>", "", text).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
