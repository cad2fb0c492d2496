"""The Starlette app: the OpenAI-compatible routes and edge-assist's own, behind audit and security.

Middleware, outermost first: the audit entry of every request (refused ones included), then the
token, Host and Origin checks. Routes never raise: each answers its errors as one-line JSON.

Example:
    >>> from edge_assist import Assistant
    >>> from edge_assist.serve import make_app
    >>> app = make_app(Assistant.open())   # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from edge_assist.serve import openai, routes
from edge_assist.serve.audit import AuditMiddleware
from edge_assist.serve.context import ServeContext, ServeOptions
from edge_assist.serve.errors import ApiError
from edge_assist.serve.gate import Gates
from edge_assist.serve.pool import ModelPool
from edge_assist.serve.security import SecurityMiddleware

if TYPE_CHECKING:
    from edge_assist.assistant import Assistant
    from edge_assist.settings import Settings


def make_app(assistant: Assistant, settings: Settings | None = None,
             options: ServeOptions | None = None) -> Starlette:
    """The ASGI app serving ``assistant``'s models and capabilities.

    Args:
        assistant: the Assistant every route uses (its models load on first use).
        settings: the settings whose ``serve_token`` and audit log apply; default: the Assistant's.
        options: limits and workers; default: :class:`ServeOptions` ().

    Returns:
        A Starlette app; its :class:`ServeContext` is ``app.state.ctx``.
    """
    options = options or ServeOptions()
    ctx = ServeContext(assistant, settings or assistant.settings, options, ModelPool(assistant),
                       Gates(options.workers, options.max_waiting))
    app = Starlette(
        routes=[*openai.ROUTES, *routes.ROUTES],
        middleware=[Middleware(AuditMiddleware, ctx=ctx), Middleware(SecurityMiddleware, ctx=ctx)],
        exception_handlers={HTTPException: _http_error},
    )
    app.state.ctx = ctx
    return app


async def _http_error(request: Request, exc: Exception) -> Response:
    """The router's 404 and 405 in the JSON error shape."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 405:
        error = ApiError(405, f"{request.method} is not allowed here", "method_not_allowed",
                         "see docs/serve.md for each route's method")
    elif status == 404:
        error = ApiError(404, "no such route", "not_found", "the routes are under /v1/ and /api/")
    else:
        error = ApiError(status, "the request cannot be served", f"http_{status}")
    return error.response()
