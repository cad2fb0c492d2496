"""Result and input types of the evidence index, shared by ingestion, search, QA and packs."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Quantization = Literal["float", "int8", "bit"]
METADATA_FIELDS = ("title", "date", "publisher", "licence", "doi", "url")


@dataclass
class Document:
    """One source text with its provenance, before chunking.

    Attributes:
        source: where it came from (a path, or ``pack:name/id``); unique per collection.
        text: the whole text, Markdown headings kept (they become section paths).
        title, date, publisher, licence, doi, url: provenance shown with every citation.
    """

    source: str
    text: str
    title: str = ""
    date: str = ""
    publisher: str = ""
    licence: str = ""
    doi: str = ""
    url: str = ""
    format: str = "markdown"

    @property
    def content_hash(self) -> str:
        """SHA-256 of the text with whitespace normalised: the de-duplication key."""
        return content_hash(self.text)

    def metadata(self) -> dict[str, str]:
        """The provenance fields as a dict."""
        return {k: getattr(self, k) for k in METADATA_FIELDS}


@dataclass(frozen=True)
class Chunk:
    """A retrievable piece of a document with the heading path it sits under."""

    section: str
    text: str


@dataclass
class SearchHit:
    """A chunk found by search, with its provenance and how it was found.

    Attributes:
        score: the reciprocal-rank-fusion score (higher is better).
        similarity: cosine similarity of the query and chunk vectors (0 when unknown).
        bm25_rank / vector_rank: 1-based rank in each list, or None if absent from it.
    """

    chunk_id: int
    text: str
    section: str
    source: str
    title: str = ""
    doi: str = ""
    url: str = ""
    date: str = ""
    publisher: str = ""
    licence: str = ""
    pack: str = ""
    pack_version: str = ""
    collection: str = ""
    score: float = 0.0
    similarity: float = 0.0
    bm25_rank: int | None = None
    vector_rank: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)


@dataclass
class IngestReport:
    """What an ``add`` did, file by file."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        data = asdict(self)
        data["failed"] = [{"source": s, "error": e} for s, e in self.failed]
        data["seconds"] = round(self.seconds, 3)
        return data


def content_hash(text: str) -> str:
    """SHA-256 hex of ``text`` with runs of whitespace collapsed."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()
