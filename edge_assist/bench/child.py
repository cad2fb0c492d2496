"""Running one measurement in a fresh child process, so that its peak RSS is its own.

``ru_maxrss`` never goes down within a process, so every benchmark module measures
through :func:`in_child`. It lives here, below those modules, rather than in the
package ``__init__`` that loads them.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any

Measure = Callable[..., dict[str, Any]]


def _child(measure: Measure, kwargs: dict[str, Any], queue: Any) -> None:
    from edge_assist import offline
    from edge_assist.models.hardware import peak_rss_bytes

    offline.enable()
    try:
        row = measure(**kwargs)
        row["peak_rss_mb"] = round(peak_rss_bytes() / 2**20, 1)
        queue.put(("ok", row))
    except Exception as exc:  # reported to the parent, which raises a typed error
        queue.put(("error", f"{type(exc).__name__}: {exc}"))


def in_child(measure: Measure, **kwargs: Any) -> dict[str, Any]:
    """Run ``measure(**kwargs)`` in a spawned process; return its row with ``peak_rss_mb``."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(measure, kwargs, queue))
    proc.start()
    status, payload = queue.get()
    proc.join()
    if status != "ok":
        from edge_assist.errors import EdgeAssistError

        raise EdgeAssistError(f"benchmark step failed: {payload}".splitlines()[0])
    return payload  # type: ignore[no-any-return]
