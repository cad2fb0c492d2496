"""``edge-assist bench``: speed and memory, measured, never asserted in unit tests.

Each benchmark runs its measurements in a fresh child process so that peak
RSS belongs to that measurement alone (``ru_maxrss`` never goes down within a
process). Results are rows of numbers, printed as a table and written as JSON.
"""

from __future__ import annotations

import multiprocessing
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from edge_assist.errors import InputError

Measure = Callable[..., dict[str, Any]]


@dataclass
class BenchResult:
    """One benchmark's rows plus the machine it ran on."""

    name: str
    rows: list[dict[str, Any]]
    machine: dict[str, Any] = field(default_factory=dict)
    started: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"benchmark": self.name, "started": self.started, "machine": self.machine,
                "rows": self.rows}


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


def machine_info() -> dict[str, Any]:
    """The hardware a result was measured on."""
    from edge_assist.models.hardware import detect

    hw = detect()
    return {"cpu": hw.cpu_model, "physical_cores": hw.physical_cores,
            "ram_gb": round(hw.ram_bytes / 2**30, 1), "python": platform.python_version()}


BENCHMARKS = ("llm", "encoder", "search", "ask", "speech", "note", "tui", "extract")


def run(name: str, **options: Any) -> BenchResult:
    """Run the benchmark called ``name``.

    Raises:
        InputError: unknown benchmark.
    """
    if name == "llm":
        from edge_assist.bench.llm import bench_llm as fn
    elif name == "encoder":
        from edge_assist.bench.encoder import bench_encoder as fn
    elif name == "search":
        from edge_assist.bench.search import bench_search as fn
    elif name == "ask":
        from edge_assist.bench.ask import bench_ask as fn
    elif name == "speech":
        from edge_assist.bench.speech import bench_speech as fn
    elif name == "note":
        from edge_assist.bench.note import bench_note as fn
    elif name == "tui":
        from edge_assist.bench.tui import bench_tui as fn
    elif name == "extract":
        from edge_assist.bench.extract import bench_extract as fn
    elif name == "load":  # not in BENCHMARKS: it runs for an hour on the defaults, so only on request
        from edge_assist.bench.load import bench_load as fn
    else:
        raise InputError(f"unknown benchmark {name!r}", f"available: {', '.join(BENCHMARKS)}, load")
    started = time.strftime("%Y-%m-%dT%H:%M:%S")
    rows = fn(**options)
    return BenchResult(name, rows, machine_info(), started)
