"""The OpenAI-compatible routes: chat completions (streamed or not), embeddings and models.

Any OpenAI client pointed at ``http://127.0.0.1:PORT/v1`` works with the catalog's installed
models. What edge-assist cannot honour is refused with 400 rather than ignored: ``n`` > 1,
tools, non-text message parts. Sampling is greedy unless ``temperature`` is given, so the same
request gives the same answer. Token counts in ``usage`` come from the model's tokenizer.
"""

from __future__ import annotations

import base64
import contextlib
import struct
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from edge_assist.models.base import ChatModel, Embedder, GenerationOptions, Message
from edge_assist.serve.body import read_json
from edge_assist.serve.context import ServeContext, context, note
from edge_assist.serve.errors import ApiError, as_api_error
from edge_assist.serve.handlers import endpoint, until_disconnect
from edge_assist.serve.sse import EventStream, event, pieces_of

MAX_INPUTS = 2048
_ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant"}


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ChatMessage(_Loose):
    """One message of a chat request."""

    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(_Loose):
    """``POST /v1/chat/completions``; fields edge-assist does not use are ignored."""

    model: str = Field(min_length=1, max_length=200)
    messages: list[ChatMessage] = Field(min_length=1, max_length=1000)
    stream: bool = False
    stream_options: dict[str, Any] | None = None
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, gt=0, le=1)
    stop: str | list[str] | None = None
    seed: int | None = None
    n: int | None = Field(default=None, ge=1, le=1)
    response_format: dict[str, Any] | None = None
    tools: list[Any] | None = None


class EmbeddingRequest(_Loose):
    """``POST /v1/embeddings``."""

    model: str = Field(min_length=1, max_length=200)
    input: str | list[str]
    encoding_format: Literal["float", "base64"] = "float"
    dimensions: int | None = Field(default=None, ge=1)


# -- chat -------------------------------------------------------------------------------------
def to_messages(messages: Sequence[ChatMessage]) -> list[Message]:
    """OpenAI messages as edge-assist's (text only; ``developer`` is a system message).

    Raises:
        ApiError: 400 for tool messages or non-text parts.
    """
    out = []
    for i, m in enumerate(messages):
        role = _ROLES.get(m.role)
        if role is None:
            raise ApiError(400, f"message role '{m.role[:20]}' is not supported", "invalid_request",
                           "use system, user or assistant messages", param=f"messages.{i}.role")
        out.append(Message(role, _text(m.content, i)))  # type: ignore[arg-type]
    return out


def _text(content: str | list[dict[str, Any]] | None, i: int) -> str:
    if content is None or isinstance(content, str):
        return content or ""
    parts = []
    for part in content:
        if part.get("type") != "text" or not isinstance(part.get("text"), str):
            raise ApiError(400, "only text message parts are supported", "invalid_request",
                           "send text content", param=f"messages.{i}.content")
        parts.append(part["text"])
    return "".join(parts)


def to_options(body: ChatRequest, ctx: ServeContext) -> GenerationOptions:
    """The request's sampling as :class:`GenerationOptions`.

    Raises:
        ApiError: 400 for tools, a bad ``response_format`` or too many stop strings.
    """
    if body.tools:
        raise ApiError(400, "tools are not supported", "invalid_request", "leave out tools", param="tools")
    stop = [body.stop] if isinstance(body.stop, str) else list(body.stop or [])
    if len(stop) > 4:
        raise ApiError(400, "at most 4 stop strings", "invalid_request", "send fewer", param="stop")
    limit = ctx.settings.models.n_ctx
    max_tokens = min(body.max_completion_tokens or body.max_tokens or 512, limit)
    return GenerationOptions(max_tokens=max_tokens, temperature=body.temperature or 0.0,
                             top_p=body.top_p or 1.0, stop=stop, json_schema=_schema(body.response_format),
                             seed=body.seed if body.seed is not None else ctx.settings.models.seed)


def _schema(fmt: dict[str, Any] | None) -> dict[str, Any] | None:
    kind = (fmt or {}).get("type", "text")
    if kind == "text":
        return None
    if kind == "json_object":
        return {"type": "object"}
    schema = (fmt or {}).get("json_schema", {}).get("schema") if kind == "json_schema" else None
    if not isinstance(schema, dict):
        raise ApiError(400, "response_format must be text, json_object or json_schema with a schema",
                       "invalid_request", "see docs/serve.md", param="response_format")
    return schema


def _usage(model: ChatModel, messages: Sequence[Message], text: str) -> dict[str, int]:
    prompt = sum(model.count_tokens(m.content) for m in messages if m.content)
    completion = model.count_tokens(text) if text else 0
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _head(model_id: str, kind: str) -> dict[str, Any]:
    return {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": kind, "created": int(time.time()),
            "model": model_id}


@endpoint
async def chat_completions(request: Request) -> Response:
    """``POST /v1/chat/completions``: one reply, or its pieces as server-sent events."""
    ctx = context(request)
    body = await read_json(request, ctx.options.max_body_bytes, ChatRequest)
    model_id = ctx.pool.resolve(body.model, ChatModel)
    note(request, model=model_id, stream=body.stream)
    messages, options = to_messages(body.messages), to_options(body, ctx)
    model = await ctx.gates.run(ctx.pool.get, model_id, ChatModel)
    if body.stream:
        include_usage = bool((body.stream_options or {}).get("include_usage"))
        return await _stream(request, ctx, model, model_id, messages, options, include_usage)
    async with ctx.gates.hold(model_id):

        def work(cancel: threading.Event) -> tuple[str, dict[str, int]]:
            options.cancel = cancel
            text = model.chat(messages, options)
            return text, _usage(model, messages, text)

        text, usage = await until_disconnect(request, work)
    finish = "length" if usage["completion_tokens"] >= options.max_tokens else "stop"
    return JSONResponse({**_head(model_id, "chat.completion"), "choices": [
        {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish,
         "logprobs": None}], "usage": usage})


async def _stream(request: Request, ctx: ServeContext, model: ChatModel, model_id: str,
                  messages: list[Message], options: GenerationOptions, include_usage: bool) -> Response:
    cancel = threading.Event()
    options.cancel = cancel
    pieces = model.stream(messages, options)  # a wrong task fails here, as a plain JSON error
    await ctx.gates.acquire(model_id)
    try:
        events = _chat_events(request, ctx, model, model_id, messages, options, pieces, cancel,
                              include_usage)
        return EventStream(events, on_done=lambda: ctx.gates.release(model_id))
    except BaseException:
        ctx.gates.release(model_id)
        raise


async def _chat_events(request: Request, ctx: ServeContext, model: ChatModel, model_id: str,
                       messages: list[Message], options: GenerationOptions, pieces: Iterator[str],
                       cancel: threading.Event, include_usage: bool) -> AsyncIterator[bytes]:
    head = _head(model_id, "chat.completion.chunk")
    ctx.open_streams += 1
    parts: list[str] = []
    try:
        yield event({**head, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                                          "finish_reason": None}]})
        try:
            async with contextlib.aclosing(pieces_of(ctx.gates, pieces, cancel.set)) as stream:
                async for piece in stream:
                    parts.append(piece)
                    yield event({**head, "choices": [{"index": 0, "delta": {"content": piece},
                                                      "finish_reason": None}]})
        except Exception as exc:  # a failure mid-stream: an error event, then the end
            note(request, outcome=type(exc).__name__, error=exc)
            yield event(as_api_error(exc).body())
            yield event("[DONE]")
            return
        usage = await ctx.gates.run(_usage, model, messages, "".join(parts))
        finish = "length" if usage["completion_tokens"] >= options.max_tokens else "stop"
        yield event({**head, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
        if include_usage:
            yield event({**head, "choices": [], "usage": usage})
        yield event("[DONE]")
    finally:
        ctx.open_streams -= 1
        note(request, pieces=len(parts))


# -- embeddings and models ----------------------------------------------------------------------
@endpoint
async def embeddings(request: Request) -> Response:
    """``POST /v1/embeddings``: one vector per input, as floats or base64 float32."""
    ctx = context(request)
    body = await read_json(request, ctx.options.max_body_bytes, EmbeddingRequest)
    model_id = ctx.pool.resolve(body.model, Embedder)
    texts = [body.input] if isinstance(body.input, str) else body.input
    note(request, model=model_id, items=len(texts))
    if not texts or len(texts) > MAX_INPUTS:
        raise ApiError(400, f"input must hold 1 to {MAX_INPUTS} texts", "invalid_request",
                       "send fewer texts per request", param="input")
    model = await ctx.gates.run(ctx.pool.get, model_id, Embedder)
    if body.dimensions is not None and body.dimensions != model.dimensions:
        raise ApiError(400, f"model {model_id} gives {model.dimensions} dimensions", "invalid_request",
                       "leave out dimensions", param="dimensions")
    async with ctx.gates.hold(model_id):
        vectors = await ctx.gates.run(lambda: list(model.embed_multi(texts)))
    data = [{"object": "embedding", "index": i, "embedding": _encode(v, body.encoding_format)}
            for i, v in enumerate(vectors)]
    tokens = sum(max(1, len(t) // 4) for t in texts)
    return JSONResponse({"object": "list", "data": data, "model": model_id,
                         "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})


def _encode(vector: Sequence[float], fmt: str) -> list[float] | str:
    if fmt == "float":
        return [float(x) for x in vector]
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")


@endpoint
async def list_models(request: Request) -> Response:
    """``GET /v1/models``: the installed chat and embedding models."""
    ctx = context(request)
    return JSONResponse({"object": "list", "data": await ctx.gates.run(ctx.pool.listing)})


@endpoint
async def get_model(request: Request) -> Response:
    """``GET /v1/models/{model}``: one installed model, or 404."""
    ctx = context(request)
    name = request.path_params["model"]
    for row in await ctx.gates.run(ctx.pool.listing):
        if name == row["id"]:
            return JSONResponse(row)
    raise ApiError(404, f"The model '{name[:64]}' does not exist", "model_not_found",
                   "GET /v1/models lists the models served here", param="model")


ROUTES = [
    Route("/v1/chat/completions", chat_completions, methods=["POST"]),
    Route("/v1/embeddings", embeddings, methods=["POST"]),
    Route("/v1/models", list_models, methods=["GET"]),
    Route("/v1/models/{model:path}", get_model, methods=["GET"]),
]
