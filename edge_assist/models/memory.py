"""The C allocator's memory under many threads: cap glibc's malloc arenas, hand freed memory back.

glibc gives each new thread that allocates its own malloc arena (up to 8 per
core) and keeps what it freed in them, so the first time several callers share
one :class:`~edge_assist.assistant.Assistant` (each running the tokenizer, the
ONNX encoder and numpy) resident memory steps up and stays up. Capping the
arenas, as ``MALLOC_ARENA_MAX=2`` does, keeps that step small. The cap only
binds arenas created after it, so it is set when the Assistant is constructed,
before its callers' threads exist.

Only the standard library is used (ctypes), and nothing here raises: on
anything but Linux with glibc, each function does nothing and says so.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

M_ARENA_MAX = -8  # glibc <malloc.h>
ENV = "MALLOC_ARENA_MAX"

_lock = threading.Lock()
_applied: int | None = None


def _libc() -> Any | None:
    """glibc's handle, or None where this is not Linux with glibc (musl has no mallopt arenas)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.gnu_get_libc_version  # noqa: B018 - glibc only; AttributeError elsewhere
        return libc
    except (OSError, AttributeError):
        return None


def cap_malloc_arenas(n: int = 2) -> int | None:
    """Limit glibc to ``n`` malloc arenas for the rest of this process (idempotent, never raises).

    An explicit ``MALLOC_ARENA_MAX`` in the environment wins: glibc already read it at start-up,
    so nothing is changed and its value is returned.

    Returns:
        The arena limit now in force, or None where it could not be set (not glibc, a bad ``n``,
        or ``mallopt`` refused).
    """
    global _applied
    explicit = os.environ.get(ENV, "").strip()
    if explicit:
        return int(explicit) if explicit.isdigit() else None
    if n < 1:
        return None
    with _lock:
        if _applied == n:
            return n
        libc = _libc()
        if libc is None:
            return None
        try:
            ok = libc.mallopt(ctypes.c_int(M_ARENA_MAX), ctypes.c_int(n))
        except (AttributeError, OSError):
            return None
        if ok != 1:  # mallopt returns 1 on success, 0 on error
            return None
        _applied = n
        return n


def trim() -> bool:
    """Return the C heap's free memory to the system (``malloc_trim(0)``, all arenas).

    Returns:
        True if glibc released some memory, False if none or where ``malloc_trim`` is missing.
    """
    libc = _libc()
    if libc is None:
        return False
    try:
        return bool(libc.malloc_trim(ctypes.c_size_t(0)))
    except (AttributeError, OSError):
        return False


class TrimWhenIdle:
    """Hand the C heap's free memory back to the system whenever the last call in progress ends.

    Why: glibc keeps what threads freed for reuse. After 8 callers had shared one
    Assistant, about 180 MB of its resident memory was such free memory, so RSS
    stayed ~20 % above the one-caller level although nothing was in use.
    ``malloc_trim(0)`` costs about 0.2 ms when there is little to hand back (23 ms
    the first time after a burst), small beside any call worth counting here, so
    it runs each time the process goes idle rather than on a timer.

    Use ``with trimmer.call(): ...`` around each top-level call.
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.trims = 0
        self._running = 0
        self._lock = threading.Lock()

    @contextmanager
    def call(self) -> Iterator[None]:
        """Count one call in progress for the ``with`` block; trim if it was the last one."""
        with self._lock:
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                idle = self._running == 0
            if idle and self.enabled:
                trim()
                self.trims += 1
