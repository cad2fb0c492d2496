"""What every route shares: the server's options, the Assistant, the model pool and the gates.

Routes reach it through :func:`context`. What a route learns about its request for the audit
log (the model used, whether it streamed) goes in :func:`note`, never text from the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from edge_assist.serve.gate import Gates
from edge_assist.serve.pool import ModelPool

if TYPE_CHECKING:
    from edge_assist.assistant import Assistant
    from edge_assist.settings import Settings

AUDIT_KEY = "edge_assist.audit"
MiB = 2**20


@dataclass(frozen=True)
class ServeOptions:
    """How the server listens and what it accepts.

    Attributes:
        host: the address to bind (loopback unless ``allow_remote``).
        port: the TCP port; 0 picks a free one.
        allow_remote: permit a non-loopback address (a token must be configured too).
        max_body_bytes: largest JSON request body.
        max_audio_bytes: largest audio upload.
        workers: library calls running at once (threads).
        max_waiting: requests queued per model before 503.
        max_connections: open connections before new ones get 503 (uvicorn's limit).
    """

    host: str = "127.0.0.1"
    port: int = 8765
    allow_remote: bool = False
    max_body_bytes: int = 4 * MiB
    max_audio_bytes: int = 64 * MiB
    workers: int = 4
    max_waiting: int = 32
    max_connections: int = 128


@dataclass
class ServeContext:
    """The state of one running app (``app.state.ctx``)."""

    assistant: Assistant
    settings: Settings
    options: ServeOptions
    pool: ModelPool
    gates: Gates
    open_streams: int = 0
    stats: dict[str, int] = field(default_factory=lambda: {"requests": 0, "audit_failures": 0})

    @property
    def token(self) -> str | None:
        """The bearer token requests must carry, or None."""
        secret = self.settings.serve_token
        value = secret.get_secret_value() if secret is not None else ""
        return value or None


def context(request: Request) -> ServeContext:
    """The app's :class:`ServeContext`."""
    return request.app.state.ctx  # type: ignore[no-any-return]


def note(request: Request, **fields: Any) -> None:
    """Add safe facts (model id, stream flag, counts) to this request's audit entry."""
    entry = request.scope.get(AUDIT_KEY)
    if entry is not None:
        entry.update(fields)
