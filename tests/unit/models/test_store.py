"""The store: assemble split files, verify SHA-256 on every load, never leave half files."""

import hashlib
import os
from pathlib import Path

import pytest

from edge_assist.errors import ModelIntegrityError, ModelNotInstalledError
from edge_assist.models.manifest import ModelFile, ModelManifest
from edge_assist.models.store import ModelStore


def _manifest(tmp_path: Path, chunks: list[bytes], sha: str | None = None) -> ModelManifest:
    parts = []
    for i, chunk in enumerate(chunks):
        p = tmp_path / "src" / f"part{i}"
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(chunk)
        parts.append(f"file:{p}")
    whole = b"".join(chunks)
    return ModelManifest(
        id="m", name="m", task="chat", format="gguf", licence="x",
        files=[ModelFile(name="m.gguf", sha256=sha or hashlib.sha256(whole).hexdigest(),
                         size=len(whole), parts=parts)],
    )


def test_split_parts_are_concatenated_and_verified(tmp_path: Path) -> None:
    """Parts are joined in order into one file whose hash matches the manifest."""
    store = ModelStore(tmp_path / "store")
    m = _manifest(tmp_path, [b"GGUF", b"-part-two", b"-three"])
    folder = store.pull(m, install=False)
    assert (folder / "m.gguf").read_bytes() == b"GGUF-part-two-three"
    assert store.paths(m)["m.gguf"] == folder / "m.gguf"
    assert store.status(m).state == "ready"


def test_single_part_is_linked_not_copied(tmp_path: Path) -> None:
    """A one-part file is hard-linked (no second copy of the weights on disk)."""
    store = ModelStore(tmp_path / "store")
    m = _manifest(tmp_path, [b"GGUF whole file"])
    folder = store.pull(m, install=False)
    assert os.stat(folder / "m.gguf").st_ino == os.stat(tmp_path / "src" / "part0").st_ino


def test_hash_mismatch_leaves_no_file(tmp_path: Path) -> None:
    """Tampered parts fail assembly and leave neither the file nor a partial one."""
    store = ModelStore(tmp_path / "store")
    m = _manifest(tmp_path, [b"GGUF", b"x"], sha="0" * 64)
    with pytest.raises(ModelIntegrityError, match="expected"):
        store.pull(m, install=False)
    assert list((tmp_path / "store" / "m").iterdir()) == []


def test_truncated_file_is_caught_on_load(tmp_path: Path) -> None:
    """A file truncated after pulling is refused before any runtime opens it."""
    store = ModelStore(tmp_path / "store")
    m = _manifest(tmp_path, [b"GGUF", b"payload"])
    path = store.pull(m, install=False) / "m.gguf"
    path.write_bytes(b"GGUF")
    with pytest.raises(ModelIntegrityError, match="truncated or tampered"):
        store.paths(m)


def test_same_size_tamper_is_caught_when_mtime_changes(tmp_path: Path) -> None:
    """Editing bytes in place (same size) changes mtime, which forces a re-hash."""
    store = ModelStore(tmp_path / "store")
    m = _manifest(tmp_path, [b"GGUF", b"payload"])
    path = store.pull(m, install=False) / "m.gguf"
    store.paths(m)
    path.write_bytes(b"GGUFpayloaX")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000_000))
    with pytest.raises(ModelIntegrityError):
        store.paths(m)
    assert store.verify(m) is False


def test_missing_model_says_how_to_pull(tmp_path: Path) -> None:
    """A model that was never pulled names the command that fixes it."""
    store = ModelStore(tmp_path / "store")
    m = _manifest(tmp_path, [b"GGUF"])
    with pytest.raises(ModelNotInstalledError, match="not installed") as info:
        store.paths(m)
    assert "edge-assist models pull m" in info.value.hint


def test_missing_package_is_reported(tmp_path: Path) -> None:
    """A part in a distribution that is not installed is a clear error."""
    store = ModelStore(tmp_path / "store")
    m = ModelManifest(id="p", name="p", task="chat", format="gguf", licence="x",
                      files=[ModelFile(name="p.gguf", sha256="0" * 64, size=1,
                                       parts=["no-such-dist-xyz:data/p.bin"])])
    with pytest.raises(ModelNotInstalledError, match="no-such-dist-xyz is not installed"):
        store.pull(m, install=False)


def test_pull_is_idempotent(tmp_path: Path) -> None:
    """A second pull finds the verified file and leaves it alone."""
    store = ModelStore(tmp_path / "store")
    m = _manifest(tmp_path, [b"GGUF", b"two"])
    path = store.pull(m, install=False) / "m.gguf"
    before = path.stat().st_mtime_ns
    store.pull(m, install=False)
    assert path.stat().st_mtime_ns == before
