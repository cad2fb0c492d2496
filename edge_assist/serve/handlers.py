"""The wrapper every route runs in: errors become JSON, and long work stops for a gone client.

No exception leaves a route: an :class:`~edge_assist.serve.errors.ApiError` or library error
becomes its status and one-line JSON body, anything else a 500 naming only its class (logged the
same way; ``EDGE_ASSIST_RAISE_ERRORS=1`` re-raises it for a traceback).
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from edge_assist.errors import EdgeAssistError
from edge_assist.serve.context import context, note
from edge_assist.serve.errors import ApiError, as_api_error

log = logging.getLogger("edge_assist.serve")
T = TypeVar("T")
Endpoint = Callable[[Request], Awaitable[Response]]


def endpoint(fn: Endpoint) -> Endpoint:
    """Run a route so that every failure is a JSON error response, recorded for the audit entry."""

    @functools.wraps(fn)
    async def run(request: Request) -> Response:
        try:
            return await fn(request)
        except ClientDisconnect:
            note(request, outcome="client_disconnected")
            return JSONResponse({}, status_code=499)
        except Exception as exc:
            if not isinstance(exc, ApiError | EdgeAssistError):
                log.error("unexpected %s in %s", type(exc).__name__, request.url.path[:64])
                if os.environ.get("EDGE_ASSIST_RAISE_ERRORS"):
                    raise
            error = as_api_error(exc)
            outcome = error.code if isinstance(exc, ApiError) else type(exc).__name__
            note(request, outcome=outcome, error=exc)
            return error.response()

    return run


async def until_disconnect(request: Request, work: Callable[[threading.Event], T]) -> T:
    """Run blocking ``work(cancel)`` in a worker thread; set ``cancel`` if the client disconnects.

    The body must have been read already: the next ASGI message is then the disconnect.

    Raises:
        GenerationCancelled: the client went away and the generation stopped early (a 499).
    """
    cancel = threading.Event()
    result: list[T] = []

    async def watch() -> None:
        while True:
            message = await request.receive()
            if message["type"] == "http.disconnect":
                cancel.set()
                return

    async with anyio.create_task_group() as group:
        group.start_soon(watch)
        try:
            result.append(await context(request).gates.run(work, cancel))
        finally:
            group.cancel_scope.cancel()
    return result[0]
