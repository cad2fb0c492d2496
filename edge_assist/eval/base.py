"""What every eval task is made of: the task base class, its result, and the registry.

Each task module registers itself here; the package ``__init__`` loads the built-in
modules and re-exports these names. They live apart from the ``__init__`` so the task
modules depend on this one, and nothing here depends on them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edge_assist.assistant import Assistant
from edge_assist.errors import InputError

Progress = Callable[[int], None]


@dataclass
class EvalResult:
    """Metrics of one task run; ``metrics`` holds only numbers."""

    task: str
    data: str
    n: int
    metrics: dict[str, float]
    model: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON form (the CLI's ``--json`` output)."""
        return {"task": self.task, "data": self.data, "n": self.n, "model": self.model,
                "seconds": round(self.seconds, 2), "metrics": self.metrics, "notes": self.notes}


class EvalTask(ABC):
    """One evaluation: a data format, a capability, and metrics."""

    name: str = ""
    description: str = ""
    data_file: str = ""  # the upstream file name, found inside a folder given as --data

    def locate(self, data: Path) -> Path:
        """The data file: ``data`` itself, ``data/<data_file>``, or the one ``data/*/<data_file>``.

        The last form lets ``--data`` name the folder that holds every data set in its own
        subfolder (``../shared/data``), as ``eval speech`` already takes it.

        Raises:
            InputError: missing or unreadable.
        """
        path = data / self.data_file if data.is_dir() else data
        if data.is_dir() and self.data_file and not path.is_file():
            found = sorted(data.glob(f"*/{self.data_file}"))
            path = found[0] if len(found) == 1 else path
        if not path.is_file():
            raise InputError(
                f"no {self.data_file or 'data file'} at {data}",
                f"point --data at the {self.name} file or its folder",
            )
        return path

    @abstractmethod
    def run(self, data: Path, assistant: Assistant, limit: int | None,
            progress: Progress | None = None) -> EvalResult:
        """Evaluate on ``data`` (at most ``limit`` items) and return the metrics."""


def read_csv_rows(path: Path, columns: tuple[str, ...] | list[str], hint: str) -> Iterator[dict[str, str]]:
    """Rows of an upstream CSV as dicts, after checking it has ``columns``.

    Raises:
        InputError: a column is missing (``hint`` names the expected file) or the file is not UTF-8.
    """
    import csv
    import sys

    csv.field_size_limit(sys.maxsize)  # dialogues and notes exceed csv's 128 kB default
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"{path.name} lacks column(s) {missing}", hint)
            yield from reader
    except UnicodeDecodeError:
        raise InputError(f"{path.name} is not UTF-8 text") from None


TASKS: dict[str, EvalTask] = {}


def register(task: EvalTask) -> EvalTask:
    """Make ``task`` available to ``edge-assist eval``."""
    TASKS[task.name] = task
    return task
