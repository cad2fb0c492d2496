"""``EvidenceIndex``: the small facade over the evidence database.

A collection is a set of documents embedded with one model; its model id
and vector width are stored with it, and adding to or searching it with a
different embedder is refused (mixing vector spaces silently ruins search).
Each document is written in one transaction (row, chunks, FTS rows, vectors),
so an ingestion killed at any point leaves whole documents only, and the
next ``add`` skips them by content hash and carries on.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from edge_assist.errors import IndexNotBuiltError, IndexSchemaError, InputError
from edge_assist.index import search as _search
from edge_assist.index.chunking import CHUNKER_VERSION, chunk_markdown
from edge_assist.index.db import Tracer, connect, serialize
from edge_assist.index.types import Chunk, Document, Quantization, SearchHit
from edge_assist.index.vectors import VectorCache

DEFAULT_COLLECTION = "guidelines"
_HIT_COLUMNS = ("c.id, c.text, c.section, d.source, d.title, d.doi, d.url, d.date, d.publisher, "
                "d.licence, d.pack, d.pack_version")


class EmbedderLike(Protocol):
    """What the index needs of an embedder (``edge_assist.models.base.Embedder`` fits)."""

    @property
    def id(self) -> str: ...

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]: ...


@dataclass(frozen=True)
class Collection:
    """A named set of documents embedded with one model."""

    id: int
    name: str
    model: str
    dimensions: int
    quantization: str

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)


class EvidenceIndex:
    """Local evidence: documents, chunks, BM25 and vectors in one SQLite file.

    Args:
        db: database path; default in-memory (tests, benchmarks).
        tracer: called with each SQL statement (debugging).

    Examples:
        >>> index = EvidenceIndex()                       # doctest: +SKIP
        >>> index.add([Document("a.md", "# Gout\\n...")], embedder)   # doctest: +SKIP
        >>> index.search("gout flare", embedder)[0].section          # doctest: +SKIP
    """

    def __init__(self, db: str | Path | None = None, tracer: Tracer | None = None) -> None:
        self.path = str(db) if db is not None else ":memory:"
        self.conn = connect(self.path, tracer)
        self._vectors = VectorCache(self.conn)  # exact KNN in memory; reloads after any write

    @classmethod
    def open_existing(cls, path: Path) -> EvidenceIndex:
        """Open an index that must already exist.

        Raises:
            IndexNotBuiltError: there is no index file at ``path``.
        """
        if not Path(path).is_file():
            raise IndexNotBuiltError(f"no evidence index at {path}",
                                     "build it: edge-assist index build-default")
        return cls(path)

    # -- collections -------------------------------------------------------------------
    def collections(self) -> list[Collection]:
        """Every collection, by name."""
        rows = self.conn.execute("SELECT id, name, model, dimensions, quantization FROM collections "
                                 "ORDER BY name").fetchall()
        return [Collection(*row) for row in rows]

    def collection(self, name: str) -> Collection:
        """The collection called ``name``.

        Raises:
            IndexNotBuiltError: no such collection.
        """
        row = self.conn.execute("SELECT id, name, model, dimensions, quantization FROM collections "
                                "WHERE name = ?", (name,)).fetchone()
        if row is None:
            known = ", ".join(c.name for c in self.collections()) or "none"
            raise IndexNotBuiltError(f"no collection {name!r} in the index (have: {known})",
                                     "add documents: edge-assist index add PATH --pack NAME")
        return Collection(*row)

    def ensure_collection(self, name: str, embedder: EmbedderLike,
                          quantization: Quantization = "float") -> Collection:
        """The collection ``name``, created for ``embedder`` if new.

        Raises:
            IndexSchemaError: it exists and was built with another model.
        """
        try:
            coll = self.collection(name)
        except IndexNotBuiltError:
            return self._create_collection(name, embedder, quantization)
        self.check_model(coll, embedder)
        return coll

    def check_model(self, coll: Collection, embedder: EmbedderLike) -> None:
        """Refuse to mix embedding models in one collection.

        Raises:
            IndexSchemaError: ``embedder`` is not the collection's model.
        """
        if embedder.id != coll.model:
            raise IndexSchemaError(
                f"collection {coll.name!r} was embedded with {coll.model}, not {embedder.id}",
                f"use --embedder {coll.model}, or remove and rebuild the collection")

    def _create_collection(self, name: str, embedder: EmbedderLike,
                           quantization: Quantization) -> Collection:
        if quantization not in ("float", "int8", "bit"):
            raise InputError(f"unknown quantization {quantization!r}", "use float, int8 or bit")
        dims = len(embedder.embed_batch(["dimension probe"])[0])
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            cur = self.conn.execute("INSERT INTO collections (name, model, dimensions, quantization) "
                                    "VALUES (?, ?, ?, ?)", (name, embedder.id, dims, quantization))
            cid = cur.lastrowid
            column = {"float": f"float[{dims}] distance_metric=cosine", "int8": f"int8[{dims}]",
                      "bit": f"bit[{dims}]"}[quantization]
            self.conn.execute(f"CREATE VIRTUAL TABLE vec_{cid} USING vec0(embedding {column})")
            self.conn.execute(f"CREATE VIRTUAL TABLE fts_{cid} USING fts5(title, section, text, "
                              "content='', contentless_delete=1, "
                              "tokenize='porter unicode61 remove_diacritics 2')")
            self.conn.execute("COMMIT")
        except Exception:
            self.conn.execute("ROLLBACK")
            raise
        return self.collection(name)

    # -- writing --------------------------------------------------------------------------
    def add_document(self, doc: Document, embedder: EmbedderLike, collection: str = DEFAULT_COLLECTION,
                     pack: str = "", pack_version: str = "",
                     chunks: list[Chunk] | None = None, vectors: list[Any] | None = None) -> str:
        """Chunk, embed and store one document; returns what happened.

        Returns:
            ``"added"``, ``"updated"`` (same source, new text), ``"unchanged"``
            or ``"duplicate"`` (same text under another source).
        """
        coll = self.ensure_collection(collection, embedder)
        # Text this store cut itself is keyed with the chunker's version, so a better chunker
        # re-cuts it on the next build; chunks given by the caller (packs, ICD codes) are not.
        digest = doc.content_hash if chunks is not None else f"{doc.content_hash}:c{CHUNKER_VERSION}"
        prior = self.conn.execute("SELECT id, content_hash FROM documents WHERE collection_id = ? "
                                  "AND source = ?", (coll.id, doc.source)).fetchone()
        if prior and prior[1] == digest:
            return "unchanged"
        if not prior and self.conn.execute(
                "SELECT 1 FROM documents WHERE collection_id = ? AND content_hash = ?",
                (coll.id, digest)).fetchone():
            return "duplicate"
        chunks = chunks if chunks is not None else chunk_markdown(doc.text)
        if vectors is None:
            vectors = _embed(embedder, [_embed_text(doc, c) for c in chunks])
        self._write(coll, doc, digest, chunks, vectors, pack, pack_version, prior[0] if prior else None)
        return "updated" if prior else "added"

    def _write(self, coll: Collection, doc: Document, digest: str, chunks: list[Chunk],
               vectors: list[Any], pack: str, pack_version: str, replace: int | None) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            if replace is not None:
                self._delete_documents(coll.id, [replace])
            doc_id = self.conn.execute(
                "INSERT INTO documents (collection_id, pack, pack_version, source, content_hash, title, "
                "date, publisher, licence, doi, url) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (coll.id, pack, pack_version, doc.source, digest, doc.title, doc.date, doc.publisher,
                 doc.licence, doc.doi, doc.url)).lastrowid
            for ord_, (chunk, vector) in enumerate(zip(chunks, vectors, strict=True)):
                self._insert_chunk(coll, doc_id, ord_, doc.title, chunk, serialize(vector))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def _insert_chunk(self, coll: Collection, doc_id: int, ord_: int, title: str, chunk: Chunk,
                      blob: bytes) -> None:
        cid = self.conn.execute("INSERT INTO chunks (document_id, ord, section, text, vector) "
                                "VALUES (?,?,?,?,?)", (doc_id, ord_, chunk.section, chunk.text,
                                                       None if coll.quantization == "float" else blob)
                                ).lastrowid
        self.conn.execute(f"INSERT INTO fts_{coll.id} (rowid, title, section, text) VALUES (?,?,?,?)",
                          (cid, title, chunk.section, chunk.text))
        probe = {"float": "?", "int8": "vec_quantize_int8(?, 'unit')",
                 "bit": "vec_quantize_binary(?)"}[coll.quantization]
        self.conn.execute(f"INSERT INTO vec_{coll.id} (rowid, embedding) VALUES (?, {probe})",
                          (cid, blob))

    def _delete_documents(self, collection_id: int, doc_ids: list[int]) -> None:
        for doc_id in doc_ids:
            ids = [r[0] for r in self.conn.execute("SELECT id FROM chunks WHERE document_id = ?",
                                                   (doc_id,))]
            for table in (f"fts_{collection_id}", f"vec_{collection_id}"):
                self.conn.executemany(f"DELETE FROM {table} WHERE rowid = ?", [(i,) for i in ids])
            self.conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    def remove(self, collection: str | None = None, pack: str | None = None,
               source: str | None = None) -> int:
        """Remove documents by pack and/or source (a whole collection if only it is given).

        Returns:
            The number of documents removed.

        Raises:
            InputError: nothing to select by.
        """
        if not (collection or pack or source):
            raise InputError("say what to remove", "give --pack NAME, --source PATH or --collection NAME")
        colls = [self.collection(collection)] if collection else self.collections()
        removed = 0
        for coll in colls:
            removed += self._remove_from(coll, pack, source)
            if not pack and not source:
                self._drop_collection(coll)
        return removed

    def _remove_from(self, coll: Collection, pack: str | None, source: str | None) -> int:
        sql, args = "SELECT id FROM documents WHERE collection_id = ?", [coll.id]
        if pack:
            sql, args = sql + " AND pack = ?", [*args, pack]
        if source:
            sql, args = sql + " AND (source = ? OR source LIKE ? ESCAPE '\\')", [
                *args, source, _like_prefix(source)]
        ids = [r[0] for r in self.conn.execute(sql, args)]
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self._delete_documents(coll.id, ids)
            if pack:
                self.conn.execute("DELETE FROM packs WHERE name = ? AND NOT EXISTS "
                                  "(SELECT 1 FROM documents WHERE pack = ?)", (pack, pack))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return len(ids)

    def _drop_collection(self, coll: Collection) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute(f"DROP TABLE IF EXISTS vec_{coll.id}")
        self.conn.execute(f"DROP TABLE IF EXISTS fts_{coll.id}")
        self.conn.execute("DELETE FROM collections WHERE id = ?", (coll.id,))
        self.conn.execute("COMMIT")

    def set_pack(self, name: str, version: str = "1", licence: str = "", description: str = "") -> None:
        """Record (or update) a pack's version, licence and description."""
        self.conn.execute("INSERT INTO packs (name, version, licence, description) VALUES (?,?,?,?) "
                          "ON CONFLICT(name) DO UPDATE SET version = excluded.version, "
                          "licence = excluded.licence, description = excluded.description",
                          (name, version, licence, description))

    # -- reading ------------------------------------------------------------------------
    def search(self, query: str, embedder: EmbedderLike | None = None,
               collection: str = DEFAULT_COLLECTION, k: int = 5,
               candidates: int | None = None) -> list[SearchHit]:
        """Hybrid BM25 + vector search, fused by reciprocal rank; BM25 only without an embedder.

        Raises:
            InputError: empty query or ``k`` < 1.
            IndexNotBuiltError: no such collection.
            IndexSchemaError: ``embedder`` is not the collection's model.
        """
        if not query.strip():
            raise InputError("the search query is empty", "type what to look for")
        if k < 1:
            raise InputError("k must be at least 1")
        coll = self.collection(collection)
        n = candidates or max(4 * k, 20)
        vectors: list[tuple[int, float]] = []
        qvec = None
        matrix = None
        if embedder is not None:
            self.check_model(coll, embedder)
            qvec = embedder.embed_batch([query])[0]
            matrix = self._vectors.matrix(coll.id, coll.quantization)
            vectors = (matrix.knn(qvec, n) if matrix is not None else
                       _search.vector_ids(self.conn, coll.id, coll.quantization, qvec, n))
        ranked = _search.fuse(_search.bm25_ids(self.conn, coll.id, query, n), vectors, k)
        if qvec is not None:
            missing = [r.chunk_id for r in ranked if r.vector_rank is None]
            sims = (matrix.cosines(qvec, missing) if matrix is not None else
                    _search.cosine_many(self.conn, coll.id, coll.quantization, qvec, missing))
            for r in ranked:
                r.similarity = sims.get(r.chunk_id, r.similarity)
        return self._hits(ranked, coll.name)

    def _hits(self, ranked: list[_search.Ranked], collection: str) -> list[SearchHit]:
        if not ranked:
            return []
        marks = ",".join("?" * len(ranked))
        rows = {r[0]: r for r in self.conn.execute(
            f"SELECT {_HIT_COLUMNS} FROM chunks c JOIN documents d ON d.id = c.document_id "
            f"WHERE c.id IN ({marks})", [r.chunk_id for r in ranked])}
        return [SearchHit(*rows[r.chunk_id], collection=collection, score=round(r.score, 6),
                          similarity=round(r.similarity, 4), bm25_rank=r.bm25_rank,
                          vector_rank=r.vector_rank) for r in ranked if r.chunk_id in rows]

    def section_text(self, chunk_id: int) -> str:
        """The whole section a chunk belongs to: its document's chunks under the same heading path.

        A long section is stored as several chunks; a table cut between two of them keeps
        its header row only in the first, so answers are built from the section as written.
        """
        row = self.conn.execute("SELECT document_id, section FROM chunks WHERE id = ?", (chunk_id,)).fetchone()  # noqa: E501
        if row is None:
            return ""
        parts = self.conn.execute("SELECT text FROM chunks WHERE document_id = ? AND section = ? ORDER BY ord",  # noqa: E501
                                  row).fetchall()
        return "\n\n".join(p[0] for p in parts)

    def chunk_texts(self, collection: str) -> Iterator[str]:
        """Title, heading path and text of every chunk of a collection (for term statistics)."""
        coll = self.collection(collection)
        yield from (f"{t} {s} {x}" for t, s, x in self.conn.execute(
            "SELECT d.title, c.section, c.text FROM chunks c JOIN documents d ON d.id = c.document_id "
            "WHERE d.collection_id = ?", (coll.id,)))

    def revision(self, collection: str) -> tuple[int, int]:
        """(chunk count, highest chunk id) of a collection: changes whenever its content does."""
        coll = self.collection(collection)
        count, top = self.conn.execute(
            "SELECT count(c.id), coalesce(max(c.id), 0) FROM chunks c JOIN documents d "
            "ON d.id = c.document_id WHERE d.collection_id = ?", (coll.id,)).fetchone()
        return int(count), int(top)

    def chunk_vectors(self, collection: str, chunk_ids: Sequence[int]) -> dict[int, Any]:
        """The stored float32 vectors of chunks, as numpy arrays."""
        coll = self.collection(collection)
        return _search.float_vectors(self.conn, coll.id, coll.quantization, list(chunk_ids))

    def documents(self, collection: str | None = None, pack: str | None = None) -> list[dict[str, Any]]:
        """Documents with their provenance and chunk counts."""
        sql = ("SELECT co.name, d.pack, d.pack_version, d.source, d.title, d.doi, d.licence, "
               "(SELECT count(*) FROM chunks c WHERE c.document_id = d.id), d.content_hash "
               "FROM documents d JOIN collections co ON co.id = d.collection_id WHERE 1=1")
        args: list[str] = []
        if collection:
            sql, args = sql + " AND co.name = ?", [*args, collection]
        if pack:
            sql, args = sql + " AND d.pack = ?", [*args, pack]
        keys = ("collection", "pack", "pack_version", "source", "title", "doi", "licence", "chunks",
                "content_hash")
        return [dict(zip(keys, row, strict=True))
                for row in self.conn.execute(sql + " ORDER BY co.name, d.pack, d.source", args)]

    def stats(self) -> dict[str, Any]:
        """Counts per collection and pack, and the file size."""
        colls = []
        for c in self.collections():
            docs, chunks = self.conn.execute(
                "SELECT count(DISTINCT d.id), count(c.id) FROM documents d LEFT JOIN chunks c "
                "ON c.document_id = d.id WHERE d.collection_id = ?", (c.id,)).fetchone()
            colls.append(c.as_dict() | {"documents": docs, "chunks": chunks})
        packs = [dict(zip(("name", "version", "licence", "description", "documents"), r, strict=True))
                 for r in self.conn.execute(
                     "SELECT p.name, p.version, p.licence, p.description, "
                     "(SELECT count(*) FROM documents d WHERE d.pack = p.name) FROM packs p "
                     "ORDER BY p.name")]
        size = Path(self.path).stat().st_size if self.path != ":memory:" else 0
        return {"path": self.path, "bytes": size, "collections": colls, "packs": packs}

    def close(self) -> None:
        """Close the database (checkpointing the WAL)."""
        self.conn.close()

    def __enter__(self) -> EvidenceIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _embed_text(doc: Document, chunk: Chunk) -> str:
    """What gets embedded: the heading path gives a short chunk its topic."""
    head = " > ".join(x for x in (doc.title, chunk.section) if x)
    return f"{head}\n{chunk.text}" if head else chunk.text


def _embed(embedder: EmbedderLike, texts: list[str]) -> list[Any]:
    multi = getattr(embedder, "embed_multi", None)
    return list(multi(texts)) if multi else embedder.embed_batch(texts)


def _like_prefix(source: str) -> str:
    escaped = source.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.rstrip("/") + "/%"
