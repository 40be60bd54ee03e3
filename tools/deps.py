"""Print the course's pip requirements, read from pyproject.toml (the one source of truth).

Used by the Makefile to install the CPU build of TensorFlow on Linux machines without an
NVIDIA GPU (``--cpu`` swaps ``tensorflow`` for ``tensorflow-cpu`` with the same range), and
by ``tests/test_packaging.py`` to check that ``environment.yml`` agrees with pyproject.toml.
``make test-compat`` uses ``--floor`` (every dependency pinned to the lowest version its range
allows: the declared floor, tested) and ``--nightly`` (the ``keras-nightly`` build pinned in
``[tool.tlcourse.compat]``).

    python tools/deps.py --extras test --cpu    # one requirement per line
    python tools/deps.py --floor --extras test  # the dependencies at their floors, test tools as ranges
    python tools/deps.py --nightly              # keras-nightly==<the pinned dev build>
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pip vendors the same parser
    from pip._vendor import tomli as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _floor(requirement: str) -> str:
    """``name>=X`` -> ``name==X``: the lowest version the range allows."""
    pinned = re.sub(r"^([A-Za-z0-9_.-]+)\s*>=\s*([^,;\s]+)$", r"\1==\2", requirement.strip())
    if pinned == requirement.strip():
        raise SystemExit(f"tools/deps.py: {requirement!r} has no plain '>=' floor to pin")
    return pinned


def requirements(extras: list[str] | tuple[str, ...] = (), cpu: bool = False, floor: bool = False) -> list[str]:
    """The project's dependencies plus the named extras, in pyproject order.

    ``floor`` pins the dependencies (not the extras' tools) to the lowest version they allow.
    """
    project = _pyproject()["project"]
    reqs = [_floor(r) for r in project["dependencies"]] if floor else list(project["dependencies"])
    for extra in extras:
        reqs += project["optional-dependencies"][extra]
    if cpu:
        reqs = [re.sub(r"^tensorflow(?=[<>=!~ ;]|$)", "tensorflow-cpu", r) for r in reqs]
    return reqs


def nightly() -> str:
    """The pinned keras-nightly requirement of ``[tool.tlcourse.compat]``."""
    return f"keras-nightly=={_pyproject()['tool']['tlcourse']['compat']['keras-nightly']}"


def floor_python() -> str:
    """The lowest Python version ``requires-python`` allows, e.g. ``3.10``."""
    return _floor("python" + _pyproject()["project"]["requires-python"]).split("==")[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extras", default="", help="comma-separated extras, e.g. test,slides")
    parser.add_argument("--cpu", action="store_true", help="tensorflow -> tensorflow-cpu")
    parser.add_argument("--floor", action="store_true", help="pin the dependencies to their floors")
    parser.add_argument("--nightly", action="store_true", help="print the pinned keras-nightly only")
    parser.add_argument("--python-floor", action="store_true", help="print the lowest supported Python")
    args = parser.parse_args()
    if args.nightly:
        print(nightly())
        return
    if args.python_floor:
        print(floor_python())
        return
    extras = [e for e in args.extras.split(",") if e]
    print("\n".join(requirements(extras, cpu=args.cpu, floor=args.floor)))


if __name__ == "__main__":
    main()
