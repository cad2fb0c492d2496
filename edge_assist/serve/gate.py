"""One generation at a time per model, a bounded queue, and a bounded pool of worker threads.

A native runtime holds one context per model; :class:`~edge_assist.models.base.ChatModel`
already serialises generations with a thread lock. Waiting on that lock would park a worker
thread per queued request, so the server queues *before* the thread: each model has an async
lock, requests wait on it in the event loop, and at most ``max_waiting`` may wait per model
(the next gets 503 with ``Retry-After``). Library calls run in at most ``workers`` threads.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from edge_assist.serve.errors import ApiError

T = TypeVar("T")


@dataclass
class _Slot:
    lock: anyio.Lock = field(default_factory=anyio.Lock)
    waiting: int = 0


class Gates:
    """Per-model generation locks with a queue limit, and the worker-thread limiter.

    Args:
        workers: library calls running at once (threads).
        max_waiting: requests queued per model before the server answers 503.
    """

    def __init__(self, workers: int = 4, max_waiting: int = 32) -> None:
        self.workers = workers
        self.max_waiting = max_waiting
        self._slots: dict[str, _Slot] = {}
        self._limiter: anyio.CapacityLimiter | None = None

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        """The worker-thread limiter (made in the event loop that first needs it)."""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.workers)
        return self._limiter

    async def acquire(self, model_id: str) -> None:
        """Wait for ``model_id``'s generation lock (release it with :meth:`release`, same task).

        Raises:
            ApiError: 503 when ``max_waiting`` requests already wait for this model.
        """
        slot = self._slots.setdefault(model_id, _Slot())
        if slot.lock.locked() and slot.waiting >= self.max_waiting:
            raise ApiError(503, f"{slot.waiting} requests are already waiting for model {model_id}",
                           "busy", "retry later", headers={"Retry-After": "2"})
        slot.waiting += 1
        try:
            await slot.lock.acquire()
        finally:
            slot.waiting -= 1

    def release(self, model_id: str) -> None:
        """Release what :meth:`acquire` took."""
        self._slots[model_id].lock.release()

    @contextlib.asynccontextmanager
    async def hold(self, model_id: str | None) -> AsyncIterator[None]:
        """Hold ``model_id``'s generation lock for a block (no-op for None).

        Raises:
            ApiError: 503 when ``max_waiting`` requests already wait for this model.
        """
        if model_id is None:
            yield
            return
        await self.acquire(model_id)
        try:
            yield
        finally:
            self.release(model_id)

    def busy(self, model_id: str) -> bool:
        """Whether a generation on ``model_id`` is running now."""
        slot = self._slots.get(model_id)
        return bool(slot and slot.lock.locked())

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker thread; the caller waits without blocking the event loop."""
        return await anyio.to_thread.run_sync(fn, *args, limiter=self.limiter)
