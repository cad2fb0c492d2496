"""Side-loading: register a site's own GGUF, ONNX or CTranslate2 model, hash recorded.

Air-gapped sites bring models on removable media. ``models add`` hashes the
files once, writes a manifest into the store and assembles the files (hard
link or copy), after which they are verified on every load exactly like the
catalog's models.
"""

from __future__ import annotations

import re
from pathlib import Path

from edge_assist.errors import InputError
from edge_assist.models.manifest import ModelFile, ModelManifest
from edge_assist.models.store import sha256_file

TASKS_BY_FORMAT = {"gguf": ("chat", "completion"), "onnx": ("embed",), "ct2": ("transcribe",)}
REQUIRED_FILES = {"onnx": ("model.onnx", "tokenizer.json"), "ct2": ("model.bin", "config.json")}


def detect_format(path: Path) -> str:
    """gguf, onnx or ct2, from the file or directory at ``path``.

    Raises:
        InputError: not a file or directory edge-assist can load.
    """
    if path.is_file():
        with path.open("rb") as fh:
            magic = fh.read(4)
        if magic == b"GGUF":
            return "gguf"
        raise InputError(f"{path.name} is not a GGUF file", "give a .gguf file or a model folder")
    if path.is_dir():
        if (path / "model.onnx").is_file():
            return "onnx"
        if (path / "model.bin").is_file():
            return "ct2"
        raise InputError(
            f"{path} holds neither model.onnx nor model.bin",
            "give an ONNX folder (model.onnx + tokenizer.json) or a CTranslate2 folder",
        )
    raise InputError(f"{path} does not exist or is not readable", "check the path")


def local_manifest(
    path: Path,
    task: str,
    model_id: str | None = None,
    licence: str = "unknown",
    aliases: list[str] | None = None,
    context_length: int = 4096,
) -> ModelManifest:
    """A manifest for the model at ``path`` with every file's SHA-256.

    Raises:
        InputError: unreadable path, unknown format, or a task the format cannot do.
    """
    path = path.expanduser().resolve()
    fmt = detect_format(path)
    if task not in TASKS_BY_FORMAT[fmt]:
        raise InputError(
            f"a {fmt} model cannot be a {task} model",
            f"use --task {' or --task '.join(TASKS_BY_FORMAT[fmt])}",
        )
    for required in REQUIRED_FILES.get(fmt, ()):
        if not (path / required).is_file():
            raise InputError(f"{path} has no {required}", f"a {fmt} model folder needs it")
    files = [path] if path.is_file() else sorted(p for p in path.iterdir() if p.is_file())
    model_id = model_id or _slug(path.stem if path.is_file() else path.name)
    try:
        entries = [
            ModelFile(name=f.name, sha256=sha256_file(f), size=f.stat().st_size,
                      parts=[f"file:{f}"])
            for f in files if f.stat().st_size > 0
        ]
    except PermissionError:
        raise InputError(f"cannot read files under {path}", "check permissions") from None
    return ModelManifest(
        id=model_id, name=model_id, aliases=aliases or [], task=task,  # type: ignore[arg-type]
        format=fmt,  # type: ignore[arg-type]
        licence=licence, context_length=context_length,
        chat_template="gguf" if task == "chat" else "none",
        files=entries, source="user",
        runtime={"dimensions": 384} if fmt == "onnx" else {},
    )


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return slug or "local-model"
