"""Install the course's JupyterLab settings: widget state saved with notebooks, no news pop-up.

JupyterLab takes default settings from ``overrides.json`` in its application settings folder,
``<prefix>/share/jupyter/lab/settings/`` (the documented place for an installation's
defaults; the user can still change each one in Settings). The course's defaults are in
``tools/lab/overrides.json``:

- ``@jupyter-widgets/jupyterlab-manager:plugin`` ``saveState: true``: saving a notebook also
  saves the state of its widgets, so a reopened notebook shows the freeze-depth slider of
  notebook 07 as it was left, instead of "Error displaying widget: model not found" (the
  widget's model lived only in the kernel that is gone);
- ``@jupyterlab/apputils-extension:notification`` ``fetchNews: "false"``: no "get notified about
  Jupyter news?" pop-up over the notebook on the first visit (the course runs offline).

``make lab`` and ``make test`` run this script with the venv's Python; the browser test
(``tests/test_lab_browser.py``) installs the same file into the folder its JupyterLab uses.
Settings already in an ``overrides.json`` there are kept; the course's keys win.

    .venv/bin/python tools/lab_settings.py                   # into this Python's prefix
    .venv/bin/python tools/lab_settings.py --settings-dir DIR
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COURSE_OVERRIDES = ROOT / "tools" / "lab" / "overrides.json"


def settings_dir(prefix: str | Path = sys.prefix) -> Path:
    """JupyterLab's application settings folder of the installation at ``prefix``."""
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings"


def install(folder: Path | None = None) -> Path:
    """Merge the course's overrides into ``folder/overrides.json``; return that file."""
    target = (folder or settings_dir()) / "overrides.json"
    merged = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
    for plugin, values in json.loads(COURSE_OVERRIDES.read_text(encoding="utf-8")).items():
        merged.setdefault(plugin, {}).update(values)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(merged, indent=2) + "\n", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings-dir", type=Path, default=None,
                        help=f"default: {settings_dir()} (this Python's JupyterLab)")
    args = parser.parse_args(argv)
    print(f"JupyterLab settings: {install(args.settings_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
