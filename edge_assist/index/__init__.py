"""The local evidence index: SQLite FTS5 BM25 plus sqlite-vec vectors in one file.

``EvidenceIndex`` is the facade; ``connect`` the one way to open the database;
``add_paths`` ingests files and folders; ``export_pack``/``import_pack`` move
evidence between machines; ``build_default`` makes the pack built at setup.
Nothing here imports a model runtime: callers pass an embedder in.
"""

from __future__ import annotations

from edge_assist.index.db import connect
from edge_assist.index.store import DEFAULT_COLLECTION, Collection, EvidenceIndex
from edge_assist.index.types import Chunk, Document, IngestReport, SearchHit

__all__ = ["DEFAULT_COLLECTION", "Chunk", "Collection", "Document", "EvidenceIndex", "IngestReport",
           "SearchHit", "connect"]
