"""A GGUF that hashes fine but is not a loadable model fails with ModelLoadError, not a crash."""

from pathlib import Path

import pytest

from edge_assist.errors import ModelLoadError
from edge_assist.models import ChatModel, get_model
from edge_assist.models.registry import make_default_registry
from edge_assist.models.sideload import local_manifest
from edge_assist.models.store import ModelStore
from edge_assist.settings import load_settings


def test_truncated_gguf_is_a_model_load_error(tmp_path: Path) -> None:
    """llama.cpp refuses the file; the user sees which model and how to check it."""
    pytest.importorskip("llama_cpp")
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\x00" * 56)
    settings = load_settings()
    store = ModelStore(settings.model_store)
    registry = make_default_registry(store)
    manifest = local_manifest(broken, "chat")
    registry.register(manifest)
    store.add_local(manifest)
    with pytest.raises(ModelLoadError, match=r"llama\.cpp could not load broken") as info:
        get_model("broken", ChatModel, settings, registry)
    assert "models verify broken" in info.value.hint
