"""What this machine has: cores, memory, CPU features, and the profile that fits.

llama.cpp defaults to half the logical cores; on the small machines edge-assist
targets the physical core count is the right number of threads (SMT siblings
share the vector units llama.cpp saturates), so every backend asks here.
"""

from __future__ import annotations

import contextlib
import os
import platform
import resource
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

# CPU features llama.cpp and onnxruntime use for speed, in the order people ask about.
INTERESTING_FLAGS = ("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512_vnni",
                     "avx_vnni", "amx_tile", "neon", "asimd", "sve")


@dataclass(frozen=True)
class Hardware:
    """A snapshot of this machine's compute resources."""

    machine: str
    logical_cores: int
    physical_cores: int
    ram_bytes: int
    available_bytes: int
    cpu_flags: tuple[str, ...]
    cpu_model: str

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly form."""
        data = asdict(self)
        data["cpu_flags"] = list(self.cpu_flags)
        return data


def physical_cores() -> int:
    """Physical CPU cores this process may use (at least 1)."""
    import psutil

    physical = psutil.cpu_count(logical=False) or os.cpu_count() or 1
    try:
        allowed = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        allowed = physical
    return max(1, min(physical, allowed))


def _cpu_info() -> tuple[tuple[str, ...], str]:
    text = ""
    with contextlib.suppress(OSError):
        text = Path("/proc/cpuinfo").read_text("utf-8", "replace")
    flags: set[str] = set()
    model = platform.processor() or platform.machine()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key in ("flags", "features") and not flags:
            flags = set(value.split())
        elif key == "model name" and value.strip():
            model = value.strip()
    return tuple(f for f in INTERESTING_FLAGS if f in flags), model


def detect() -> Hardware:
    """Read this machine's cores, memory and CPU flags."""
    import psutil

    mem = psutil.virtual_memory()
    flags, model = _cpu_info()
    return Hardware(
        machine=platform.machine(),
        logical_cores=os.cpu_count() or 1,
        physical_cores=physical_cores(),
        ram_bytes=mem.total,
        available_bytes=mem.available,
        cpu_flags=flags,
        cpu_model=model,
    )


def peak_rss_bytes() -> int:
    """Peak resident memory of this process so far."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024
