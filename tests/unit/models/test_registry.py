"""The registry: ids and aliases, helpful unknown-model errors, task checks, fakes."""

import pytest

from edge_assist.errors import ModelTaskError, UnknownModelError
from edge_assist.models import ChatModel, Embedder, Transcriber, get_model
from edge_assist.models.registry import make_default_registry


def test_aliases_resolve_case_insensitively() -> None:
    """'Qwen-0.5B' and the full id name the same model."""
    registry = make_default_registry()
    assert registry.get("Qwen-0.5B").id == "qwen2.5-coder-0.5b-instruct-q4_k_m"
    assert registry.get("tiny.en").id == "whisper-tiny.en"


def test_unknown_model_lists_what_exists() -> None:
    """The error names the models that do exist."""
    with pytest.raises(UnknownModelError) as info:
        make_default_registry().get("gpt-5")
    assert "qwen2.5-coder-0.5b-instruct-q4_k_m" in info.value.hint
    assert "whisper-tiny.en" in info.value.hint


def test_wrong_task_is_refused(fake_env) -> None:
    """Asking an embedder to chat is a ModelTaskError naming the chat models."""
    registry, settings = fake_env
    with pytest.raises(ModelTaskError) as info:
        get_model("fake-embed", ChatModel, settings, registry)
    assert "fake-chat" in info.value.hint


def test_fakes_load_through_the_real_registry(fake_env) -> None:
    """Fakes are registered and loaded exactly like real models (verified store files)."""
    registry, settings = fake_env
    assert get_model("fake-chat-alias", ChatModel, settings, registry).chat("hi") == "echo: hi"
    assert len(get_model("fake-embed", Embedder, settings, registry).embed("a b")) == 16
    assert isinstance(get_model("fake-whisper", Transcriber, settings, registry), Transcriber)


def test_duplicate_alias_is_rejected() -> None:
    """Two models cannot share a name."""
    from edge_assist.errors import InputError

    registry = make_default_registry()
    clash = registry.get("minilm").model_copy(update={"id": "other", "aliases": ["minilm"]})
    with pytest.raises(InputError, match="already used"):
        registry.register(clash)
