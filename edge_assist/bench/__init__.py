"""``edge-assist bench``: speed and memory, measured, never asserted in unit tests.

Each benchmark runs its measurements in a fresh child process so that peak
RSS belongs to that measurement alone (``ru_maxrss`` never goes down within a
process). Results are rows of numbers, printed as a table and written as JSON.
"""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass, field
from typing import Any

from edge_assist.errors import InputError


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
