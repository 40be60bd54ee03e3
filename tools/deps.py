"""Print the course's pip requirements, read from pyproject.toml (the one source of truth).

Used by the Makefile to install the CPU build of TensorFlow on Linux machines without an
NVIDIA GPU (``--cpu`` swaps ``tensorflow`` for ``tensorflow-cpu`` with the same range), and
by ``tests/test_packaging.py`` to check that ``environment.yml`` agrees with pyproject.toml.

    python tools/deps.py --extras test --cpu    # one requirement per line
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


def requirements(extras: list[str] | tuple[str, ...] = (), cpu: bool = False) -> list[str]:
    """The project's dependencies plus the named extras, in pyproject order."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in extras:
        reqs += project["optional-dependencies"][extra]
    if cpu:
        reqs = [re.sub(r"^tensorflow(?=[<>=!~ ;]|$)", "tensorflow-cpu", r) for r in reqs]
    return reqs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extras", default="", help="comma-separated extras, e.g. test,slides")
    parser.add_argument("--cpu", action="store_true", help="tensorflow -> tensorflow-cpu")
    args = parser.parse_args()
    extras = [e for e in args.extras.split(",") if e]
    print("\n".join(requirements(extras, cpu=args.cpu)))


if __name__ == "__main__":
    main()
