"""The OpenAI-compatible routes, driven by the official ``openai`` client over real loopback HTTP."""

from __future__ import annotations

import math

import httpx
import openai
import pytest

from edge_assist.models.fakes import FakeChatModel

from .conftest import TOKEN


@pytest.fixture
def oa(server) -> openai.OpenAI:
    """The OpenAI client pointed at the server (no token configured: any key is accepted)."""
    with openai.OpenAI(base_url=server.url + "/v1", api_key="unused", max_retries=0, timeout=30) as c:
        yield c


def test_chat_completion_returns_the_models_reply(oa: openai.OpenAI) -> None:
    """A non-streamed chat completion carries the fake's reply, finish reason and token usage."""
    FakeChatModel.enqueue("Metformin is first line.")
    reply = oa.chat.completions.create(model="fake-chat", messages=[
        {"role": "system", "content": "Be brief."}, {"role": "user", "content": "First line for T2DM?"}])
    assert reply.choices[0].message.content == "Metformin is first line."
    assert reply.choices[0].finish_reason == "stop"
    assert reply.model == "fake-chat"
    assert reply.usage is not None and reply.usage.completion_tokens > 0


def test_chat_completion_by_alias_and_text_parts(oa: openai.OpenAI) -> None:
    """A model alias resolves to its id; list-of-parts content is joined."""
    reply = oa.chat.completions.create(model="fake-chat-alias", messages=[
        {"role": "user", "content": [{"type": "text", "text": "hello "}, {"type": "text", "text": "there"}]}])
    assert reply.model == "fake-chat"
    assert reply.choices[0].message.content == "echo: hello there"


def test_streamed_chat_arrives_piece_by_piece(oa: openai.OpenAI) -> None:
    """stream=True gives server-sent chunks whose deltas add up to the reply, then usage."""
    FakeChatModel.enqueue("Give fluids and reassess in one hour.")
    stream = oa.chat.completions.create(model="fake-chat", stream=True,
                                        stream_options={"include_usage": True},
                                        messages=[{"role": "user", "content": "Plan?"}])
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Give fluids and reassess in one hour."
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) == 7  # one per word
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_max_tokens_and_json_schema_reach_the_model(oa: openai.OpenAI, assistant) -> None:
    """max_tokens, stop and a json_schema response_format become the generation's options."""
    schema = {"type": "object", "properties": {"dose": {"type": "integer"}}, "required": ["dose"]}
    reply = oa.chat.completions.create(
        model="fake-chat", messages=[{"role": "user", "content": "dose?"}], max_tokens=32, stop=["\n"],
        response_format={"type": "json_schema", "json_schema": {"name": "d", "schema": schema}})
    assert reply.choices[0].message.content == '{"dose": 0}'  # the fake's minimal valid instance
    _, _, options = assistant.llm.calls[-1]
    assert options.max_tokens == 32 and options.stop == ["\n"] and options.json_schema == schema


def test_embeddings_as_floats_and_base64_agree(oa: openai.OpenAI, assistant) -> None:
    """The client's default (base64) and encoding_format=float give the fake's vectors, in order."""
    texts = ["chest pain on exertion", "no fever"]
    default = oa.embeddings.create(model="fake-embed", input=texts)
    floats = oa.embeddings.create(model="fake-embed", input=texts, encoding_format="float")
    expected = assistant.embed(texts)
    for got in (default, floats):
        assert [d.index for d in got.data] == [0, 1]
        for vector, want in zip((d.embedding for d in got.data), expected, strict=True):
            assert len(vector) == 16
            assert all(math.isclose(a, b, abs_tol=1e-6) for a, b in zip(vector, want, strict=True))


def test_models_lists_the_installed_chat_and_embedding_models(oa: openai.OpenAI) -> None:
    """/v1/models lists the ready fakes (the catalog's models are not pulled in the test store)."""
    ids = {m.id for m in oa.models.list()}
    assert ids == {"fake-chat", "fake-embed"}
    assert oa.models.retrieve("fake-embed").id == "fake-embed"


def test_unknown_model_is_404_with_an_openai_error(oa: openai.OpenAI, client: httpx.Client) -> None:
    """An unknown model raises the client's NotFoundError; the body is one OpenAI-style JSON line."""
    with pytest.raises(openai.NotFoundError) as caught:
        oa.chat.completions.create(model="gpt-9", messages=[{"role": "user", "content": "hi"}])
    assert caught.value.code == "model_not_found"
    raw = client.post("/v1/embeddings", json={"model": "gpt-9", "input": "x"})
    assert raw.status_code == 404
    assert "\n" not in raw.text
    assert raw.json()["error"]["type"] == "not_found_error"
    assert client.get("/v1/models/gpt-9").status_code == 404


def test_a_model_of_another_task_is_400(oa: openai.OpenAI) -> None:
    """Chatting with the embedder is refused as a bad request, not a crash."""
    with pytest.raises(openai.BadRequestError) as caught:
        oa.chat.completions.create(model="fake-embed", messages=[{"role": "user", "content": "hi"}])
    assert caught.value.code == "model_task"


def test_unsupported_requests_are_refused_not_ignored(oa: openai.OpenAI) -> None:
    """n > 1, tools and image parts get 400 instead of a silently different answer."""
    message = [{"role": "user", "content": "hi"}]
    with pytest.raises(openai.BadRequestError):
        oa.chat.completions.create(model="fake-chat", messages=message, n=2)
    with pytest.raises(openai.BadRequestError):
        oa.chat.completions.create(model="fake-chat", messages=message, tools=[
            {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}])
    with pytest.raises(openai.BadRequestError):
        oa.chat.completions.create(model="fake-chat", messages=[{"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}])


def test_the_client_works_with_the_token(serve) -> None:
    """With serve_token set, the OpenAI client's api_key is the bearer token; a wrong key is 401."""
    server = serve(token=TOKEN)
    with openai.OpenAI(base_url=server.url + "/v1", api_key=TOKEN, max_retries=0) as good:
        assert good.chat.completions.create(
            model="fake-chat", messages=[{"role": "user", "content": "ok"}]).choices[0].message.content
    with openai.OpenAI(base_url=server.url + "/v1", api_key="wrong", max_retries=0) as bad, \
            pytest.raises(openai.AuthenticationError):
        bad.models.list()
