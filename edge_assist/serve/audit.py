"""One audit-log entry per HTTP request, as the CLI writes one per command — never patient text.

The entry's action is ``serve <route>`` (the route's template, e.g. ``serve /v1/chat/completions``;
``serve unmatched`` for a path no route has, whose text is not kept). Its details are numbers and
identifiers only: method, HTTP status, bytes read and sent, duration, the model used, whether it
streamed, and whether the client was on loopback. The entry is appended after the response, in a
worker thread (``append`` holds a file lock and fsyncs) and shielded from cancellation, so a
client that disconnects is still audited.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edge_assist.errors import EdgeAssistError
from edge_assist.offline import is_local_host
from edge_assist.serve.context import AUDIT_KEY, ServeContext
from edge_assist.serve.errors import exit_code

log = logging.getLogger("edge_assist.serve")


class AuditMiddleware:
    """Measure each request and append its audit entry (outermost middleware)."""

    def __init__(self, app: ASGIApp, ctx: ServeContext) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request, counting bytes and timing it; then audit it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        entry: dict[str, Any] = {}
        scope[AUDIT_KEY] = entry
        counts = {"status": 0, "in": 0, "out": 0}
        started = time.perf_counter()

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                counts["in"] += len(message.get("body", b""))
            return message

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                counts["status"] = int(message["status"])
            elif message["type"] == "http.response.body":
                counts["out"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, counting_receive, counting_send)
        finally:
            elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
            with anyio.CancelScope(shield=True):
                await self._record(scope, entry, counts, elapsed_ms)

    async def _record(self, scope: Scope, entry: dict[str, Any], counts: dict[str, int],
                      elapsed_ms: float) -> None:
        self.ctx.stats["requests"] += 1
        route = getattr(scope.get("route"), "path", None)
        status = counts["status"] or 500
        log.info("%s %s -> %d in %.1f ms", scope["method"], route or "unmatched", status, elapsed_ms)
        if not self.ctx.settings.audit.enabled:
            return
        client = scope.get("client") or ("", 0)
        details: dict[str, Any] = {
            "method": scope["method"], "status": status, "request_bytes": counts["in"],
            "response_bytes": counts["out"], "duration_ms": elapsed_ms,
            "client": "loopback" if is_local_host(client[0]) else "remote",
        }
        details.update({k: v for k, v in entry.items() if k in ("model", "stream", "items", "pieces")})
        if route is None:
            details["path_chars"] = len(scope.get("path", ""))
        outcome = entry.get("outcome") or ("ok" if status < 400 else f"http_{status}")
        error = entry.get("error")
        action = f"serve {route}" if route else "serve unmatched"
        try:
            await anyio.to_thread.run_sync(_append, Path(self.ctx.settings.audit_path), action, details,
                                           str(outcome)[:64], exit_code(error, status))
        except (EdgeAssistError, ValueError) as exc:
            self.ctx.stats["audit_failures"] += 1
            log.error("cannot write the audit entry of a request: %s", type(exc).__name__)


def _append(path: Path, action: str, details: dict[str, Any], outcome: str, code: int) -> None:
    from edge_assist.trust import audit

    audit.append(path, action, details, outcome, code)
