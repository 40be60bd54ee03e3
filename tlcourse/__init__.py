"""tlcourse: the helpers behind the transfer-learning course's notebooks.

One module per idea: ``config`` (fast mode, data folder, seeds), ``data`` (data sets,
offline first), ``models`` (ImageNet backbones, the course's own source models),
``pretrain`` (how those source models were made), ``surgery`` (clone, cut, new heads,
freeze), ``plots`` (titled, labelled figures), ``experiments``
(several seeds, paired comparisons), ``exercises`` (checked exercises, hidden solutions),
``features`` (what layers learned, transferability per depth), ``widgets`` (the freeze-depth
slider). Each public function names the notebook that teaches it in its docstring.

The public API is declared once, in each module's ``__all__``; the package re-exports every
name listed there (``tlcourse.load`` is ``tlcourse.data.load``), and ``tlcourse.__all__`` is
their union. To add a public function, add it to its module's ``__all__``: nothing to change
here. ``pretrain`` is loaded on first use (see ``_LAZY_MODULES``).
"""

from __future__ import annotations

import os as _os

# Keras 3 on TensorFlow, with TensorFlow's C++ start-up chatter off (it would make
# notebook outputs differ from run to run).
_os.environ.setdefault("KERAS_BACKEND", "tensorflow")
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# The public modules, each re-exported by its __all__.
from tlcourse import config, data, exercises, experiments, features, models, plots, surgery, tables, widgets
from tlcourse.config import *
from tlcourse.data import *
from tlcourse.exercises import *
from tlcourse.experiments import *
from tlcourse.features import *
from tlcourse.models import *
from tlcourse.plots import *
from tlcourse.surgery import *
from tlcourse.tables import *
from tlcourse.widgets import *

__version__ = "0.1.0"

# Public modules loaded on first use of one of their names. tlcourse.pretrain is also a script
# (`python -m tlcourse.pretrain`): importing it here would make `-m` warn that the module was
# already imported. Its __all__ is read from its source, so the names are known without importing it.
_LAZY_MODULES = ("pretrain",)


def _declared_all(module: str) -> list[str]:
    """The ``__all__`` of ``tlcourse/<module>.py``, read from the source without importing it."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(__file__).with_name(f"{module}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise ImportError(f"tlcourse.{module} has no __all__ = [...]; every public module declares its names")


#: name -> the module that defines it, for the names of the lazy modules.
_LAZY = {name: f"tlcourse.{module}" for module in _LAZY_MODULES for name in _declared_all(module)}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tlcourse' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__: list[str] = []
__all__ += config.__all__
__all__ += data.__all__
__all__ += exercises.__all__
__all__ += experiments.__all__
__all__ += features.__all__
__all__ += models.__all__
__all__ += plots.__all__
__all__ += surgery.__all__
__all__ += tables.__all__
__all__ += widgets.__all__
__all__ += list(_LAZY)
