"""Ingest files and folders into an :class:`EvidenceIndex`, one transaction per document.

A folder may hold files of every kind; unsupported ones are listed as
skipped, and a file that cannot be read is reported with its reason while
the rest go in. Files named explicitly are different: an unsupported or
unreadable one is a failure the caller sees.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from edge_assist.errors import InputError
from edge_assist.index.readers import SUPPORTED, iter_files, read_file
from edge_assist.index.store import DEFAULT_COLLECTION, EmbedderLike, EvidenceIndex
from edge_assist.index.types import Document, IngestReport

Progress = Callable[[int], None]


def add_paths(index: EvidenceIndex, paths: Iterable[Path], embedder: EmbedderLike,
              collection: str = DEFAULT_COLLECTION, pack: str = "", pack_version: str = "1",
              licence: str = "", progress: Progress | None = None) -> IngestReport:
    """Add every supported file under ``paths``.

    Args:
        progress: called with 1 after each file (a progress bar's ``update``).

    Raises:
        InputError: a named path does not exist.
    """
    started = time.perf_counter()
    report = IngestReport()
    files = list(iter_files(list(paths)))
    if pack:
        index.set_pack(pack, pack_version, licence)
    for path, explicit in files:
        if not explicit and path.suffix.lower() not in SUPPORTED:
            report.skipped.append(str(path))
        else:
            _add_file(index, path, embedder, collection, pack, pack_version, licence, report)
        if progress:
            progress(1)
    report.seconds = time.perf_counter() - started
    return report


def count_files(paths: Iterable[Path]) -> int:
    """How many files :func:`add_paths` will visit (for a progress bar's length)."""
    return sum(1 for _ in iter_files(list(paths)))


def _add_file(index: EvidenceIndex, path: Path, embedder: EmbedderLike, collection: str, pack: str,
              pack_version: str, licence: str, report: IngestReport) -> None:
    try:
        docs = read_file(path)
    except InputError as exc:
        report.failed.append((str(path), exc.message))
        return
    for doc in docs:
        if licence and not doc.licence:
            doc.licence = licence
        add_documents(index, [doc], embedder, collection, pack, pack_version, report)


def add_documents(index: EvidenceIndex, docs: Iterable[Document], embedder: EmbedderLike,
                  collection: str = DEFAULT_COLLECTION, pack: str = "", pack_version: str = "1",
                  report: IngestReport | None = None) -> IngestReport:
    """Add already-read documents, recording what happened to each in ``report``."""
    report = report if report is not None else IngestReport()
    lists = {"added": report.added, "updated": report.updated, "unchanged": report.unchanged,
             "duplicate": report.duplicates}
    for doc in docs:
        outcome = index.add_document(doc, embedder, collection, pack, pack_version)
        lists[outcome].append(doc.source)
        if outcome in ("added", "updated"):
            report.chunks += _chunks_of(index, collection, doc.source)
    return report


def _chunks_of(index: EvidenceIndex, collection: str, source: str) -> int:
    row = index.conn.execute(
        "SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id "
        "JOIN collections co ON co.id = d.collection_id WHERE co.name = ? AND d.source = ?",
        (collection, source)).fetchone()
    return int(row[0])
