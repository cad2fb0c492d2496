"""Staging directories that become real only when complete, and file facts for model cards."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from edge_assist.models.store import sha256_file
from edge_assist.quantize.errors import disk_guard


@contextlib.contextmanager
def staged_dir(target: Path) -> Iterator[Path]:
    """Yield a fresh ``.NAME.partial`` directory next to ``target``; rename it onto ``target`` on success.

    On any error (or Ctrl-C) the partial directory is removed, so ``target``
    either holds a complete result or what it held before.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        with disk_guard(str(target)):
            yield staging
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def file_facts(path: Path) -> dict[str, object]:
    """Name, size in bytes and SHA-256 of one file."""
    return {"name": path.name, "size": path.stat().st_size, "sha256": sha256_file(path)}


def dir_size(path: Path) -> int:
    """Total bytes of the regular files directly inside ``path`` (or of ``path`` itself)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.iterdir() if p.is_file())
