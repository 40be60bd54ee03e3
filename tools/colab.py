"""Write the "Open in Colab" badge and the Colab-only setup cell into the course notebooks.

The repository URL lives in one place, ``[project.urls] Repository`` in ``pyproject.toml``;
this script derives both from it:

- the badge, first line of each notebook's first (title) cell, opens the notebook from
  GitHub in Colab;
- the setup cell, second cell (slide type ``skip``: not part of the deck), installs the course
  with ``pip install "tlcourse @ git+<repository>"`` when it runs in Colab, and does nothing
  anywhere else (JupyterLab, nbval, CI).

    python tools/colab.py                                  # every notebook
    python tools/colab.py notebooks/06_reusing_layers_in_keras.ipynb
    python tools/colab.py --check                          # exit 1 if a notebook disagrees

``tests/test_colab.py`` fails when a notebook disagrees with ``pyproject.toml``. This script
edits the .ipynb files: copy them into their text sources (``make sources``), then, as the setup
cell is code, re-run them (``make notebooks``).
"""

from __future__ import annotations

import argparse
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pip vendors the same parser
    from pip._vendor import tomli as tomllib  # type: ignore[no-redef]
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
SETUP_FIRST_LINE = "# Colab only: install the course from its repository (does nothing elsewhere)."


def repository_url(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The course's repository, from ``[project.urls] Repository``, without a trailing slash."""
    urls = tomllib.loads(pyproject.read_text())["project"].get("urls", {})
    if "Repository" not in urls or not urls["Repository"].startswith("https://github.com/"):
        raise ValueError(f"{pyproject} needs [project.urls] Repository = \"https://github.com/<owner>/<repo>\"")
    return urls["Repository"].rstrip("/")


def badge(notebook: str, repository: str, branch: str = "main") -> str:
    """The Markdown badge line that opens ``notebooks/<notebook>`` from GitHub in Colab."""
    path = repository.removeprefix("https://github.com/")
    return (f"[![Open In Colab]({BADGE_IMAGE})](https://colab.research.google.com/github/"
            f"{path}/blob/{branch}/notebooks/{notebook})")


def setup_source(repository: str) -> str:
    """The setup cell's code: pip-installs the course in Colab, nothing elsewhere."""
    return "\n".join([
        SETUP_FIRST_LINE,
        "import sys",
        "",
        'if "google.colab" in sys.modules:',
        "    import subprocess",
        '    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",',
        f'                    "tlcourse @ git+{repository}"], check=True)',
    ])


def sync(nb: nbformat.NotebookNode, name: str, repository: str) -> bool:
    """Put the badge and the setup cell into ``nb`` (in place); True if anything changed."""
    wanted_badge, wanted_setup = badge(name, repository), setup_source(repository)
    first = nb.cells[0]
    if (first.source.startswith(wanted_badge + "\n") and len(nb.cells) > 1
            and nb.cells[1].source == wanted_setup
            and not any(c.source.startswith(SETUP_FIRST_LINE) for c in nb.cells[2:])):
        return False
    lines = [line for line in first.source.splitlines() if not line.startswith("[![Open In Colab]")]
    while lines and not lines[0].strip():
        lines.pop(0)
    first.source = "\n".join([wanted_badge, "", *lines])
    nb.cells = [c for c in nb.cells if not c.source.startswith(SETUP_FIRST_LINE)]
    cell = nbformat.v4.new_code_cell(wanted_setup)
    cell.metadata["slideshow"] = {"slide_type": "skip"}
    nb.cells.insert(1, cell)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to update (default: every notebooks/NN_*.ipynb)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if any disagrees")
    args = parser.parse_args(argv)
    repository = repository_url()
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    stale = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if sync(nb, path.name, repository):
            stale.append(path)
            if not args.check:
                nbformat.write(nb, path)
    verb = "disagree with pyproject.toml" if args.check else "updated (re-run them: make notebooks)"
    for path in stale:
        print(f"{path.name}: {verb}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
