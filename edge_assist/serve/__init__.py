"""``edge-assist serve``: a local HTTP API over the Assistant — OpenAI-compatible and edge-assist's own.

* :mod:`~edge_assist.serve.openai` — ``/v1/chat/completions`` (streamed as server-sent events or
  not), ``/v1/embeddings``, ``/v1/models``, for any OpenAI client.
* :mod:`~edge_assist.serve.routes` — ``/api/ask``, ``/api/note``, ``/api/extract``, ``/api/calc``,
  ``/api/transcribe``: the same result objects as the CLI's ``--json``.
* :mod:`~edge_assist.serve.security` and :mod:`~edge_assist.serve.audit` — the bearer token,
  loopback-only Host/Origin checks, and one audit entry per request (never patient text).
* :mod:`~edge_assist.serve.server` — binding (loopback unless ``--allow-remote`` with a token) and
  running on uvicorn.

It is a front end, beside the TUI: it uses the Assistant and the capabilities below it, and
nothing below imports it.
"""

from __future__ import annotations

from edge_assist.serve.app import make_app
from edge_assist.serve.context import ServeOptions

__all__ = ["ServeOptions", "make_app"]
