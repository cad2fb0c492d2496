"""Reading request bodies within limits: JSON into typed requests, audio uploads onto disk.

A body over its limit is refused with 413 before it is parsed. When the client announces a
length over the limit nothing is buffered; the rest of the body is still read and thrown away
(up to :data:`DRAIN_CAP` bytes), so a client that writes its whole body before reading (httpx,
curl) gets the 413 instead of a reset connection. JSON endpoints require
``Content-Type: application/json``: a web page cannot send that cross-origin without a CORS
pre-flight, which this server never grants, so a page a clinician opens cannot drive the API.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from edge_assist.serve.errors import ApiError

T = TypeVar("T", bound=BaseModel)
DRAIN_CAP = 256 * 2**20
_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,5}$")


def too_large(limit: int) -> ApiError:
    """The 413 for a body over ``limit`` bytes."""
    return ApiError(413, f"the request body is over the limit of {limit:,} bytes", "body_too_large",
                    "send less, or start the server with a larger --max-body-mb / --max-audio-mb")


def declared_length(request: Request) -> int | None:
    """The Content-Length the client sent, or None."""
    raw = request.headers.get("content-length", "")
    return int(raw) if raw.isdigit() else None


async def drain(request: Request, already: int = 0) -> None:
    """Read and drop what is left of the body (up to :data:`DRAIN_CAP` bytes in all)."""
    total = already
    while total < DRAIN_CAP:
        message = await request.receive()
        if message["type"] != "http.request":
            return
        total += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, at most ``limit`` bytes.

    Raises:
        ApiError: 413 when the body is larger.
    """
    length = declared_length(request)
    if length is not None and length > limit:
        await drain(request)
        raise too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            await drain(request, size)
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def require_json(request: Request) -> None:
    """Refuse a body that is not declared as JSON (415).

    Raises:
        ApiError: 415 for any other content type.
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise ApiError(415, "the body must be JSON sent as Content-Type: application/json",
                       "unsupported_media_type", "add -H 'Content-Type: application/json'")


async def read_json(request: Request, limit: int, model: type[T]) -> T:
    """Parse the body as JSON and validate it into ``model``.

    Raises:
        ApiError: 415 not JSON, 413 too large, 400 malformed JSON or invalid fields.
    """
    require_json(request)
    raw = await read_body(request, limit)
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        where = f" at character {exc.pos}" if isinstance(exc, json.JSONDecodeError) else ""
        raise ApiError(400, f"the body is not valid JSON{where}", "invalid_json",
                       "send one JSON object") from None
    return validate(data, model)


def validate(data: Any, model: type[T]) -> T:
    """``data`` validated into ``model``; the error names the field, never its value.

    Raises:
        ApiError: 400 naming the first invalid field.
    """
    if not isinstance(data, dict):
        raise ApiError(400, "the body must be a JSON object", "invalid_request", "send {...}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        field = ".".join(str(p) for p in first["loc"]) or "body"
        raise ApiError(400, f"invalid field '{field}': {first['msg']}", "invalid_request",
                       "see docs/serve.md for the request fields", param=field) from None


def upload_suffix(filename: str | None) -> str:
    """A safe file-name suffix for an upload (``.wav``), or ``.audio``; decoders sniff the content."""
    suffix = Path(filename or "").suffix
    return suffix.lower() if _SUFFIX.match(suffix) else ".audio"


async def save_raw(request: Request, limit: int, target: Path) -> int:
    """Stream a raw (non-multipart) body into ``target`` (never all in memory); returns its size.

    Raises:
        ApiError: 413 over ``limit``; 400 empty.
    """
    length = declared_length(request)
    if length is not None and length > limit:
        await drain(request)
        raise too_large(limit)
    size = 0
    with target.open("wb") as fh:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                await drain(request, size)
                raise too_large(limit)
            fh.write(chunk)
    if size == 0:
        raise ApiError(400, "the audio upload is empty", "invalid_input", "send the audio file's bytes")
    return size


async def save_multipart(request: Request, limit: int, folder: Path) -> tuple[Path, dict[str, str]]:
    """Save the ``file`` part of a multipart form into ``folder``; returns its path and the other fields.

    Raises:
        ApiError: 413 over ``limit``; 400 no ``file`` part or a broken form.
    """
    length = declared_length(request)
    if length is not None and length > limit:
        await drain(request)
        raise too_large(limit)
    limited = Request(request.scope, _limited_receive(request, limit))
    try:
        form = await limited.form(max_files=1, max_fields=16, max_part_size=64 * 1024)
    except _Exceeded:
        await drain(request)
        raise too_large(limit) from None
    except Exception as exc:  # starlette's MultiPartException and HTTPException: a broken form
        raise ApiError(400, f"the multipart form cannot be read ({type(exc).__name__})", "invalid_form",
                       "send the audio as the form field 'file'") from None
    try:
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ApiError(400, "the form has no file field 'file'", "invalid_input",
                           "send the audio as -F file=@recording.wav", param="file")
        target = folder / f"upload{upload_suffix(upload.filename)}"
        with target.open("wb") as fh:
            while chunk := await upload.read(1 << 20):
                fh.write(chunk)
        if target.stat().st_size == 0:
            raise ApiError(400, "the audio upload is empty", "invalid_input", "send a non-empty file")
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        return target, fields
    finally:
        await form.close()


class _Exceeded(Exception):
    pass


def _limited_receive(request: Request, limit: int) -> Any:
    total = 0

    async def receive() -> Any:
        nonlocal total
        message = await request.receive()
        if message["type"] == "http.request":
            total += len(message.get("body", b""))
            if total > limit:
                raise _Exceeded
        return message

    return receive
