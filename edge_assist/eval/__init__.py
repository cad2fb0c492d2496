"""``edge-assist eval``: accuracy on public data sets, read in their upstream formats.

Each task is a module that registers an :class:`EvalTask`. A task reads the
data set exactly as published (never a converted copy), runs the capability
through the :class:`~edge_assist.assistant.Assistant`, and returns metrics.
Capabilities add their tasks here as they land.
"""

from __future__ import annotations

import time
from pathlib import Path

from edge_assist.assistant import Assistant
from edge_assist.errors import InputError
from edge_assist.eval.base import TASKS, EvalResult, EvalTask, Progress, read_csv_rows, register

__all__ = ["TASKS", "EvalResult", "EvalTask", "Progress", "available_tasks", "get_task", "read_csv_rows",
           "register", "run_task"]


def get_task(name: str) -> EvalTask:
    """The task called ``name``.

    Raises:
        InputError: unknown task; the message lists the known ones.
    """
    _load_builtin_tasks()
    try:
        return TASKS[name]
    except KeyError:
        raise InputError(f"unknown eval task {name!r}",
                         f"available tasks: {', '.join(sorted(TASKS))}") from None


def available_tasks() -> list[EvalTask]:
    """Every registered task, by name."""
    _load_builtin_tasks()
    return [TASKS[k] for k in sorted(TASKS)]


def run_task(name: str, data: Path, assistant: Assistant, limit: int | None = None,
             progress: Progress | None = None) -> EvalResult:
    """Run one task and time it."""
    task = get_task(name)
    if limit is not None and limit < 1:
        raise InputError("--limit must be at least 1")
    started = time.perf_counter()
    result = task.run(data, assistant, limit, progress)
    result.seconds = time.perf_counter() - started
    return result


def _load_builtin_tasks() -> None:
    from edge_assist.eval import (
        aci_bench,  # noqa: F401  (registers itself)
        clinical_qa,  # noqa: F401  (registers itself)
        glaucoma,  # noqa: F401  (registers itself)
        medcalc,  # noqa: F401  (registers itself)
        medmcqa,  # noqa: F401  (registers itself)
        mts_dialog,  # noqa: F401  (registers itself)
        negex,  # noqa: F401  (registers itself)
        note_facts,  # noqa: F401  (registers itself)
        phi,  # noqa: F401  (registers itself)
        pubmedqa,  # noqa: F401  (registers itself)
        qa_support,  # noqa: F401  (registers itself)
        retrieval,  # noqa: F401  (registers itself)
        speech,  # noqa: F401  (registers itself)
    )
