"""Conveniences on the base classes: streaming, cancellation, validated JSON, batching."""

import threading

import pytest

from edge_assist.errors import GenerationCancelled, ModelTaskError, OutputValidationError
from edge_assist.models import ChatModel, Embedder, GenerationOptions, get_model
from edge_assist.models.fakes import FakeChatModel

SCHEMA = {"type": "object", "properties": {"drug": {"type": "string"}}, "required": ["drug"]}


@pytest.fixture
def llm(fake_env):
    registry, settings = fake_env
    FakeChatModel.replies.clear()
    yield get_model("fake-chat", ChatModel, settings, registry)
    FakeChatModel.replies.clear()


def test_stream_yields_pieces_that_join_to_the_reply(llm) -> None:
    """stream() and chat() agree."""
    FakeChatModel.enqueue("one two three")
    assert list(llm.stream("x")) == ["one", " two", " three"]


def test_cancel_event_stops_generation(llm) -> None:
    """Setting the cancel event mid-stream raises GenerationCancelled."""
    FakeChatModel.enqueue("one two three four")
    cancel = threading.Event()
    stream = llm.stream("x", GenerationOptions(cancel=cancel))
    assert next(stream) == "one"
    cancel.set()
    with pytest.raises(GenerationCancelled):
        next(stream)


def test_generate_json_validates_against_the_schema(llm) -> None:
    """Valid JSON comes back parsed; wrong shapes and non-JSON are typed errors."""
    FakeChatModel.enqueue('{"drug": "metformin"}', '{"dose": 5}', "not json")
    assert llm.generate_json("x", SCHEMA) == {"drug": "metformin"}
    with pytest.raises(OutputValidationError, match="'required'"):
        llm.generate_json("x", SCHEMA)
    with pytest.raises(OutputValidationError, match="not valid JSON"):
        llm.generate_json("x", SCHEMA)


def test_validation_error_never_quotes_the_value(llm) -> None:
    """Errors name the rule and path, not the (possibly patient) text."""
    FakeChatModel.enqueue('{"drug": 12345678}')
    with pytest.raises(OutputValidationError) as info:
        llm.generate_json("x", SCHEMA)
    assert "12345678" not in str(info.value)


def test_completion_model_cannot_chat(fake_env) -> None:
    """A base (completion) model refuses chat with a clear error."""
    registry, settings = fake_env
    chat = registry.get("fake-chat")
    registry.register(chat.model_copy(update={"id": "fake-base", "aliases": [],
                                               "task": "completion"}))
    registry.register_backend("completion", "fake", lambda m, p, s: FakeChatModel(m))
    from edge_assist.models.store import ModelStore

    ModelStore(settings.model_store).pull(registry.get("fake-base"), install=False)
    base = get_model("fake-base", ChatModel, settings, registry)
    with pytest.raises(ModelTaskError, match="no chat template"):
        base.chat("hello")
    assert base.complete("Once") == "echo: Once"


def test_embed_multi_batches_lazily(fake_env) -> None:
    """embed_multi yields one vector per text, whatever the batch size."""
    registry, settings = fake_env
    emb = get_model("fake-embed", Embedder, settings, registry)
    texts = [f"text {i}" for i in range(7)]
    whole = emb.embed_batch(texts)
    for size in (1, 3, 7, 32):  # batches of one, a ragged last batch, exactly one, fewer than one
        assert list(emb.embed_multi(texts, batch_size=size)) == whole
    assert len({tuple(v) for v in whole}) == 7  # seven texts, seven vectors: none dropped or repeated
    assert emb.embed("text 4") == whole[4]
