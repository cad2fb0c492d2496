"""edge-assist's own JSON routes: ask, note, extract (FHIR too), calc and transcribe.

Each makes the same library call as its CLI command and returns the object ``--json`` prints
(``Answer.as_dict()``, ``ClinicalNote.as_dict()``, the extraction's ``model_dump``,
``CalcResult.as_dict()``, ``Transcript.as_dict()``), or the validated FHIR Bundle ``--fhir``
prints. Unlike the CLI, a note template is a built-in name only: a request must not make the
server read a file by path. Calls that use the chat model wait for its generation lock, like
``/v1/chat/completions``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from edge_assist import __version__, offline
from edge_assist.models.base import ChatModel, Transcriber
from edge_assist.serve import body as bodies
from edge_assist.serve.body import read_json
from edge_assist.serve.context import ServeContext, context, note
from edge_assist.serve.errors import ApiError
from edge_assist.serve.handlers import endpoint


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AskRequest(_Strict):
    """``POST /api/ask`` (``edge-assist ask``)."""

    question: str
    k: int = Field(default=3, ge=1, le=10)
    extractive: bool = False
    model: str | None = None
    collection: str | None = Field(default=None, max_length=64)


class NoteRequest(_Strict):
    """``POST /api/note`` (``edge-assist note``)."""

    transcript: str
    template: Literal["soap", "aci", "progress"] = "soap"
    writer: Literal["extractive", "llm", "hybrid"] = "extractive"
    format: Literal["json", "markdown", "fhir"] = "json"


class ExtractRequest(_Strict):
    """``POST /api/extract`` (``edge-assist extract``)."""

    note: str
    llm: bool = False
    format: Literal["json", "fhir"] = "json"


class CalcRequest(_Strict):
    """``POST /api/calc``: ``values`` (``calc run``) or ``note`` (``calc from-note``)."""

    name: str = Field(min_length=1, max_length=64)
    values: dict[str, Any] | None = None
    note: str | None = None
    llm: bool = False


async def _with_llm(request: Request, ctx: ServeContext, uses_llm: bool, fn: Any, *args: Any) -> Any:
    """``fn(*args)`` in a worker thread, holding the chat model's lock when it generates."""
    if not uses_llm:
        return await ctx.gates.run(fn, *args)
    model_id = ctx.assistant.model_id("llm")
    note(request, model=model_id)
    async with ctx.gates.hold(model_id):
        return await ctx.gates.run(fn, *args)


@endpoint
async def ask(request: Request) -> Response:
    """``POST /api/ask``: a cited answer from the local evidence, or an abstention."""
    ctx = context(request)
    req = await read_json(request, ctx.options.max_body_bytes, AskRequest)
    if req.model is not None and not req.extractive:
        own = ctx.assistant.model_id("llm")
        if ctx.pool.resolve(req.model, ChatModel) != own:
            raise ApiError(400, f"this server answers with {own}", "invalid_request",
                           "leave out model, or start the server with EDGE_ASSIST_MODELS__LLM set",
                           param="model")

    def run() -> dict[str, Any]:
        answer = ctx.assistant.ask(req.question, k=req.k, extractive=req.extractive,
                                   collection=req.collection)
        return answer.as_dict()

    return JSONResponse(await _with_llm(request, ctx, not req.extractive, run))


@endpoint
async def draft_note(request: Request) -> Response:
    """``POST /api/note``: a draft note (JSON, Markdown or a FHIR document Bundle)."""
    ctx = context(request)
    req = await read_json(request, ctx.options.max_body_bytes, NoteRequest)

    def run() -> Any:
        drafted = ctx.assistant.note(req.transcript, template=req.template, writer=req.writer)
        if req.format == "fhir":
            return ctx.assistant.note_fhir(drafted)
        if req.format == "markdown":
            return {"markdown": drafted.markdown()}
        return drafted.as_dict()

    return JSONResponse(await _with_llm(request, ctx, req.writer != "extractive", run))


@endpoint
async def extract(request: Request) -> Response:
    """``POST /api/extract``: findings with spans and assertions, or a FHIR collection Bundle."""
    ctx = context(request)
    req = await read_json(request, ctx.options.max_body_bytes, ExtractRequest)

    def run() -> Any:
        result = ctx.assistant.extract(req.note, use_llm=req.llm)
        if req.format == "fhir":
            return ctx.assistant.extraction_fhir(result, req.note)
        return result.model_dump(mode="json")

    return JSONResponse(await _with_llm(request, ctx, req.llm, run))


@endpoint
async def calc(request: Request) -> Response:
    """``POST /api/calc``: compute from ``values``, or fill from ``note`` with each input's span."""
    ctx = context(request)
    req = await read_json(request, ctx.options.max_body_bytes, CalcRequest)
    if (req.values is None) == (req.note is None):
        raise ApiError(400, "give exactly one of 'values' and 'note'", "invalid_request",
                       '{"name": "chads-vasc", "values": {...}} or {"name": "chads-vasc", "note": "..."}')
    if req.values is not None:
        values = req.values
        result = await ctx.gates.run(lambda: ctx.assistant.calculator(req.name).compute(values))
        return JSONResponse(result.as_dict())
    text = req.note or ""
    result = await _with_llm(request, ctx, req.llm, ctx.assistant.calc, text, req.name, req.llm)
    return JSONResponse(result.as_dict())


@endpoint
async def calculators(request: Request) -> Response:
    """``GET /api/calc``: every calculator (``calc list --json``)."""
    rows = [{"id": c.id, "category": c.spec.category, "name": c.spec.name}
            for c in context(request).assistant.calculators()]
    return JSONResponse(rows)


@endpoint
async def calculator(request: Request) -> Response:
    """``GET /api/calc/{name}``: a calculator's spec (``calc show --json``)."""
    spec = context(request).assistant.calculator(request.path_params["name"]).spec
    return JSONResponse(spec.model_dump(mode="json"))


@endpoint
async def transcribe(request: Request) -> Response:
    """``POST /api/transcribe``: an audio upload (multipart field ``file``, or the raw body) to text.

    Options come as query parameters (or form fields): ``model`` and ``commands``.
    """
    ctx = context(request)
    folder = ctx.settings.home / "tmp"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.TemporaryDirectory(dir=folder, prefix="upload-") as tmp:
        audio, fields = await _upload(request, ctx, Path(tmp))
        options = {**request.query_params, **fields}
        unknown = set(options) - {"model", "commands"}
        if unknown:
            raise ApiError(400, f"unknown option '{sorted(unknown)[0][:32]}'", "invalid_request",
                           "options: model, commands")
        name = options.get("model") or None
        model_id = ctx.pool.resolve(name, Transcriber) if name else ctx.assistant.model_id("transcriber")
        commands = str(options.get("commands", "")).lower() in ("1", "true", "yes", "on")
        note(request, model=model_id)
        async with ctx.gates.hold(model_id):
            transcript = await ctx.gates.run(lambda: ctx.assistant.transcribe(audio, model=name,
                                                                              commands=commands))
    if not transcript.segments:
        raise ApiError(400, "no speech found in the upload", "no_speech", "check the recording is not silent")
    result = transcript.as_dict()
    result["source"] = "upload"
    return JSONResponse(result)


async def _upload(request: Request, ctx: ServeContext, folder: Path) -> tuple[Path, dict[str, str]]:
    limit = ctx.options.max_audio_bytes
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        return await bodies.save_multipart(request, limit, folder)
    if kind.startswith("audio/") or kind in ("application/octet-stream", "video/mp4", "video/ogg"):
        target = folder / "upload.audio"
        await bodies.save_raw(request, limit, target)
        return target, {}
    raise ApiError(415, "send the audio as multipart/form-data (field 'file') or as an audio/* body",
                   "unsupported_media_type", "curl -F file=@recording.wav ...")


@endpoint
async def health(request: Request) -> Response:
    """``GET /api/health``: version, the models per role, the offline guard, open streams."""
    ctx = context(request)
    roles = {}
    for role in ("llm", "embedder", "transcriber"):
        try:
            roles[role] = ctx.assistant.model_id(role)
        except Exception:  # a profile without that role: say so, do not fail the check
            roles[role] = None
    return JSONResponse({"status": "ok", "version": __version__, "models": roles,
                         "offline_guard": offline.is_enabled(), "open_streams": ctx.open_streams})


ROUTES = [
    Route("/api/health", health, methods=["GET"]),
    Route("/api/ask", ask, methods=["POST"]),
    Route("/api/note", draft_note, methods=["POST"]),
    Route("/api/extract", extract, methods=["POST"]),
    Route("/api/calc", calc, methods=["POST"]),
    Route("/api/calc", calculators, methods=["GET"]),
    Route("/api/calc/{name}", calculator, methods=["GET"]),
    Route("/api/transcribe", transcribe, methods=["POST"]),
]
