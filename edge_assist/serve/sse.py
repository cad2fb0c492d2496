"""Server-sent events over a model's blocking token stream, closed whatever the client does.

The model's ``stream`` is a blocking generator holding the model's generation lock from its
first piece until it is closed. Each piece is computed in a worker thread; the async wrapper's
``finally`` sets the generation's cancel event and closes the generator, and
:class:`EventStream` closes the wrapper whether the stream ended, the client went away
(Starlette cancels the response) or sending failed. So a client that disconnects mid-answer
frees the model at once instead of leaving a generation running for nobody.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import anyio
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from edge_assist.serve.gate import Gates

_END = object()


def event(data: Any) -> bytes:
    """One SSE ``data:`` event (JSON, or the literal ``[DONE]``)."""
    text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return f"data: {text}\n\n".encode()


def _next(pieces: Iterator[str]) -> Any:
    return next(pieces, _END)


async def pieces_of(gates: Gates, pieces: Iterator[str], on_close: Callable[[], None]) -> AsyncIterator[str]:
    """Iterate a blocking generator piece by piece in worker threads; close it on any exit.

    Args:
        gates: the worker-thread limiter.
        pieces: the model's stream.
        on_close: called once when iteration ends for any reason (sets the cancel event).
    """
    try:
        while True:
            piece = await gates.run(_next, pieces)
            if piece is _END:
                return
            yield piece
    finally:
        on_close()
        close = getattr(pieces, "close", None)
        if close is not None:
            close()  # no thread is inside it now: a cancelled run_sync waits for its thread


class EventStream(StreamingResponse):
    """A ``text/event-stream`` response that always closes its events and runs ``on_done``.

    Closing happens in ``__call__`` (the handler's own task), not in ``stream_response``: when the
    client is gone before the first byte, Starlette may cancel ``stream_response`` before it runs.

    Args:
        content: the events.
        on_done: called once after the response, however it ended (releases the model's lock).
    """

    media_type = "text/event-stream"

    def __init__(self, content: AsyncIterator[bytes], on_done: Callable[[], None] | None = None) -> None:
        super().__init__(content, headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        self._content = content
        self._on_done = on_done

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the events; then close them, shielded from a disconnect's cancellation."""
        try:
            await super().__call__(scope, receive, send)
        finally:
            with anyio.CancelScope(shield=True):
                aclose = getattr(self._content, "aclose", None)
                if aclose is not None:
                    await aclose()
            if self._on_done is not None:
                self._on_done()
