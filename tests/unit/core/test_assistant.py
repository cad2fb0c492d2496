"""The Assistant facade: lazy models, profile choice, guard on."""

from edge_assist import offline
from edge_assist.assistant import Assistant
from edge_assist.models.fakes import FakeChatModel


def test_open_loads_no_model_until_used(fake_env) -> None:
    """Opening is instant; the first chat loads the model once."""
    registry, settings = fake_env
    loads: list[str] = []

    def counting(manifest, paths, settings_):  # type: ignore[no-untyped-def]
        loads.append(manifest.id)
        return FakeChatModel(manifest)

    registry.register_backend("chat", "fake", counting)
    a = Assistant(settings, registry)
    assert a._models == {} and loads == []
    assert a.chat("hello") == "echo: hello"
    assert a.chat("again") == "echo: again"
    assert len(a.llm.calls) == 2 and loads == ["fake-chat"]  # two chats, one load
    assert set(a._models) == {"llm"}
    a.close()
    assert a._models == {}
    assert a.chat("after close") == "echo: after close" and loads == ["fake-chat", "fake-chat"]
    a.close()


def test_profile_picks_models_and_overrides_win(fake_env) -> None:
    """settings.models.* override the profile's choice."""
    registry, settings = fake_env
    a = Assistant(settings, registry)
    assert a.profile.name == "default"
    assert a.model_id("llm") == "fake-chat"
    assert a.model_id("embedder") == "fake-embed"


def test_open_turns_on_the_offline_guard(fake_env) -> None:
    """The Python API is offline by default too."""
    registry, settings = fake_env
    Assistant(settings, registry)
    assert offline.is_enabled()


def test_embed_and_transcribe_primitives(assistant, tmp_path) -> None:
    """embed() gives one vector per text; transcribe_segments() streams segments."""
    assert len(assistant.embed(["a", "b", "c"])) == 3
    audio = tmp_path / "clip.wav"
    audio.write_bytes(b"RIFF")
    audio.with_suffix(".txt").write_text("Chest pain. No fever")
    assert [s.text for s in assistant.transcribe_segments(audio)] == ["Chest pain", "No fever"]
