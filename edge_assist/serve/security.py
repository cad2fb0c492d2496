"""Who may talk to the server: the bearer token, and no browser page behind the user's back.

* With ``serve_token`` set, every request needs ``Authorization: Bearer <token>`` (compared in
  constant time); otherwise 401.
* Bound to loopback, the server also refuses a ``Host`` header that is not a loopback name
  (DNS rebinding: a web page whose name resolves to 127.0.0.1) and an ``Origin`` that is not a
  loopback page (a cross-site form post), with 403. CORS is never granted, so a browser cannot
  read an answer from another origin either.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from edge_assist.offline import is_local_host
from edge_assist.serve.context import AUDIT_KEY, ServeContext
from edge_assist.serve.errors import ApiError


class SecurityMiddleware:
    """Checks the token, Host and Origin of every HTTP request before any route runs."""

    def __init__(self, app: ASGIApp, ctx: ServeContext) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a refused request with its JSON error; pass the rest on."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        error = self.refusal(Headers(scope=scope))
        if error is None:
            await self.app(scope, receive, send)
            return
        entry = scope.get(AUDIT_KEY)
        if entry is not None:
            entry["outcome"] = error.code
        await error.response()(scope, receive, send)

    def refusal(self, headers: Headers) -> ApiError | None:
        """The error this request gets before reaching a route, or None."""
        if not self.ctx.options.allow_remote:
            host = _hostname(headers.get("host", ""))
            if not is_local_host(host):
                return ApiError(403, "the Host header is not a loopback name", "host_not_allowed",
                                "use http://127.0.0.1:PORT (this server only answers on loopback)")
            origin = headers.get("origin")
            if origin is not None and origin != "null" and not is_local_host(urlsplit(origin).hostname):
                return ApiError(403, "requests from web pages of other sites are refused",
                                "origin_not_allowed", "call the API from a program on this machine")
        token = self.ctx.token
        if token is not None and not _bearer_matches(headers.get("authorization", ""), token):
            return ApiError(401, "a valid bearer token is required", "invalid_token",
                            "send Authorization: Bearer <serve_token>",
                            headers={"WWW-Authenticate": "Bearer"})
        return None


def _bearer_matches(header: str, token: str) -> bool:
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def _hostname(host: str) -> str:
    """``127.0.0.1`` from ``127.0.0.1:8765``, ``::1`` from ``[::1]:8765``."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
