"""Side-loading a site's own model: format detection, task checks, hash recorded."""

from pathlib import Path

import pytest

from edge_assist.errors import InputError
from edge_assist.models.sideload import local_manifest


def test_gguf_file_gets_a_hashed_manifest(tmp_path: Path) -> None:
    """A .gguf becomes a chat model with its SHA-256 and size recorded."""
    gguf = tmp_path / "My Model.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 60)
    m = local_manifest(gguf, "chat")
    assert m.id == "My-Model" and m.format == "gguf" and m.source == "user"
    assert m.files[0].size == 64 and len(m.files[0].sha256) == 64


def test_wrong_task_for_format(tmp_path: Path) -> None:
    """A GGUF cannot be an embedder; the hint names the tasks it can do."""
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF....")
    with pytest.raises(InputError, match="cannot be a embed model"):
        local_manifest(gguf, "embed")


def test_not_a_gguf(tmp_path: Path) -> None:
    """A file without the GGUF magic is refused."""
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    with pytest.raises(InputError, match="not a GGUF"):
        local_manifest(bad, "chat")


def test_onnx_folder_needs_a_tokenizer(tmp_path: Path) -> None:
    """An ONNX folder without tokenizer.json is refused before hashing."""
    (tmp_path / "model.onnx").write_bytes(b"onnx")
    with pytest.raises(InputError, match=r"no tokenizer\.json"):
        local_manifest(tmp_path, "embed")


def test_missing_path(tmp_path: Path) -> None:
    """A path that does not exist is an InputError."""
    with pytest.raises(InputError, match="does not exist"):
        local_manifest(tmp_path / "nope.gguf", "chat")
