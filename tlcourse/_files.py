"""Files on disk, for the course modules: content hashes, and where the source models live.

Internal: :mod:`tlcourse.data` hashes the data files it finds, :mod:`tlcourse.models` checks
the source models it loads against their manifest, and :mod:`tlcourse.pretrain` writes models
and manifest. The public constants are :data:`tlcourse.models.PACKAGE_MANIFEST` and
:data:`tlcourse.models.MANIFEST_NAME`. Not part of the public API; names here may change
without notice.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

#: The manifest of the committed source models, shipped as package data.
PACKAGE_MANIFEST = Path(__file__).with_name("pretrained_models.json")
#: The manifest name in any other folder of models (``python -m tlcourse.pretrain --out DIR``).
MANIFEST_NAME = "manifest.json"


def file_digests(path: str | os.PathLike, *algorithms: str) -> tuple[str, ...]:
    """The hex digests of a file, one per ``hashlib`` algorithm name, in one read."""
    digests = [hashlib.new(name) for name in algorithms]
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            for digest in digests:
                digest.update(chunk)
    return tuple(digest.hexdigest() for digest in digests)


def file_sha256(path: str | os.PathLike) -> str:
    """The sha256 hex digest of a file."""
    return file_digests(path, "sha256")[0]


def repo_models_dir() -> Path | None:
    """``data/models`` of the repository checkout this package runs from, or None (pip install)."""
    root = Path(__file__).resolve().parents[1]
    return root / "data" / "models" if (root / "pyproject.toml").is_file() else None


def manifest_path(models_dir: str | os.PathLike | None = None) -> Path:
    """The manifest that describes the models in ``models_dir`` (None: the committed ones)."""
    if models_dir is None:
        return PACKAGE_MANIFEST
    folder = Path(models_dir).resolve()
    repo = repo_models_dir()
    if repo is not None and folder == repo.resolve():
        return PACKAGE_MANIFEST
    return folder / MANIFEST_NAME


def read_manifest(models_dir: str | os.PathLike | None = None) -> dict[str, dict[str, Any]]:
    """The manifest entries by model name: ``models_dir``'s own if it has one, else the committed one."""
    path = manifest_path(models_dir)
    if not path.is_file():
        path = PACKAGE_MANIFEST
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))["models"]
