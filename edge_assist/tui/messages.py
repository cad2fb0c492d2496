"""Messages the thread workers post back to the UI thread.

Workers never touch widgets: they post one of these (thread-safe) and a
handler on the UI thread renders it. Every result carries nothing but the
capability's own typed result, so a screen's state is exactly what it was sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class ModelsChecked(Message):
    """The profile's models were checked (``rows``: role, model id, state)."""

    rows: list[tuple[str, str, str]]
    offline_guard: bool
    profile: str


@dataclass
class TokenStreamed(Message):
    """A piece of the answer draft arrived from the model."""

    text: str


@dataclass
class AnswerReady(Message):
    """The checked answer (or abstention) is ready."""

    answer: Any


@dataclass
class NoteReady(Message):
    """A draft note was written."""

    note: Any


@dataclass
class CalcFilled(Message):
    """A calculator was filled from a note and computed."""

    result: Any
    note: str


@dataclass
class ExtractReady(Message):
    """Entities were extracted from a note."""

    result: Any
    note: str


@dataclass
class PartialTranscript(Message):
    """Text heard so far while recording."""

    text: str


@dataclass
class TranscriptReady(Message):
    """A recording or audio file was transcribed."""

    transcript: Any


@dataclass
class IngestProgress(Message):
    """Files ingested so far out of ``total``."""

    done: int
    total: int


@dataclass
class IngestDone(Message):
    """Ingest finished."""

    report: Any


@dataclass
class IndexStats(Message):
    """Counts of the evidence index."""

    stats: dict[str, Any]


@dataclass
class SearchDone(Message):
    """Evidence search results."""

    hits: list[Any]


@dataclass
class CatalogChecked(Message):
    """The model catalog with each model's state (``verified``: files re-hashed)."""

    rows: list[dict[str, Any]]
    verified: bool


@dataclass
class AssistError(Message):
    """A worker failed; ``error`` is shown with its fix (never a traceback)."""

    error: BaseException


@dataclass
class WorkCancelled(Message):
    """A worker stopped because the user cancelled it."""


@dataclass
class JobDone(Message):
    """A worker finished something worth one line (an export written)."""

    text: str


@dataclass
class SettingsSaved(Message):
    """The Settings screen's changes were written to ``path``; ``overridden``: env vars that still win."""

    path: Any
    overridden: list[str]


@dataclass
class HistoryChecked(Message):
    """History was switched on: ``error`` is None when its key is available, else why not."""

    error: BaseException | None
