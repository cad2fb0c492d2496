"""The in-memory vector matrix: exact like sqlite-vec, and never stale after a write."""

from __future__ import annotations

import numpy as np
import pytest

from edge_assist.index import Chunk, Document, EvidenceIndex
from edge_assist.index import search as _search
from edge_assist.index import vectors as _vectors
from edge_assist.index.ingest import add_documents

DIMS = 24


class RandomEmbedder:
    """Seeded random vectors, one per text, so exact rankings have no ties to hide behind."""

    id = "random-24"

    def __init__(self, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)

    def embed_batch(self, texts) -> list[list[float]]:
        return [list(v) for v in self.rng.standard_normal((len(texts), DIMS)).astype("float32")]


def _fill(index: EvidenceIndex, embedder: RandomEmbedder, quantization: str, docs: int = 20) -> None:
    index.ensure_collection("c", embedder, quantization)  # type: ignore[arg-type]
    for d in range(docs):
        chunks = [Chunk(f"s{i}", f"doc {d} chunk {i} word{(d * 7 + i) % 13}") for i in range(10)]
        index.add_document(Document(f"d{d}", "\n".join(c.text for c in chunks)), embedder, "c",
                           chunks=chunks)


@pytest.mark.parametrize("quantization", ["float", "int8", "bit"])
def test_knn_equals_exact_float_search(quantization) -> None:
    """The matrix ranks exactly as brute-force cosine over the stored float32 vectors."""
    embedder = RandomEmbedder()
    with EvidenceIndex() as index:
        _fill(index, embedder, quantization)
        coll = index.collection("c")
        matrix = index._vectors.matrix(coll.id, quantization)
        assert matrix is not None and len(matrix.ids) == 200
        stored = index.chunk_vectors("c", matrix.ids.tolist())
        for q in embedder.embed_batch(["q"] * 5):
            qv = np.asarray(q) / np.linalg.norm(q)
            exact = sorted(((cid, float(v @ qv / np.linalg.norm(v))) for cid, v in stored.items()),
                           key=lambda kv: -kv[1])[:10]
            got = matrix.knn(q, 10)
            assert [c for c, _ in got] == [c for c, _ in exact]
            assert np.allclose([s for _, s in got], [s for _, s in exact], atol=1e-5)


def test_float_matrix_agrees_with_sqlite_vec() -> None:
    """Same neighbours as sqlite-vec's exact float KNN, so hybrid results are unchanged."""
    embedder = RandomEmbedder(1)
    with EvidenceIndex() as index:
        _fill(index, embedder, "float")
        coll = index.collection("c")
        q = embedder.embed_batch(["q"])[0]
        reference = _search.vector_ids(index.conn, coll.id, "float", q, 20)
        got = index._vectors.matrix(coll.id, "float").knn(q, 20)
        assert [c for c, _ in got] == [c for c, _ in reference]
        assert np.allclose([s for _, s in got], [s for _, s in reference], atol=1e-5)


def test_matrix_follows_add_and_remove(embedder) -> None:
    """A search after add or remove sees the change: the matrix reloads on any write."""
    with EvidenceIndex() as index:
        gout = Document("gout.md", "# Gout\n\nColchicine treats a gout flare.")
        add_documents(index, [gout], embedder)
        coll = index.collection("guidelines")
        first = index._vectors.matrix(coll.id, "float")
        assert index._vectors.matrix(coll.id, "float") is first  # cached while nothing changes
        add_documents(index, [Document("cap.md", "# Pneumonia\n\nCURB-65 scores severity.")], embedder)
        second = index._vectors.matrix(coll.id, "float")
        assert second is not first and len(second.ids) == len(first.ids) + 1
        index.remove(source="gout.md")
        third = index._vectors.matrix(coll.id, "float")
        assert len(third.ids) == 1
        assert [h.source for h in index.search("colchicine gout pneumonia", embedder)] == ["cap.md"]


def test_matrix_sees_another_connections_write(tmp_path, embedder) -> None:
    """A write committed by another process (here: connection) drops the cached matrix."""
    path = tmp_path / "ix.db"
    with EvidenceIndex(path) as reader, EvidenceIndex(path) as writer:
        add_documents(writer, [Document("a.md", "# A\n\nAlpha text.")], embedder)
        reader.search("alpha", embedder)
        coll = reader.collection("guidelines")
        assert len(reader._vectors.matrix(coll.id, "float").ids) == 1
        add_documents(writer, [Document("b.md", "# B\n\nBeta text.")], embedder)
        assert len(reader._vectors.matrix(coll.id, "float").ids) == 2
        assert {h.source for h in reader.search("beta alpha", embedder)} == {"a.md", "b.md"}


def test_big_collection_falls_back_to_sqlite_vec(monkeypatch) -> None:
    """Above the size cap nothing is held in memory and search still returns the same hits."""
    embedder = RandomEmbedder(2)
    with EvidenceIndex() as index:
        _fill(index, embedder, "float", docs=5)
        q = embedder.embed_batch(["q"])[0]

        class Fixed:
            id = embedder.id

            def embed_batch(self, texts):
                return [q for _ in texts]

        cached = index.search("word3 chunk", Fixed(), "c", k=5)  # type: ignore[arg-type]
        monkeypatch.setattr(_vectors, "MAX_CACHED_CHUNKS", 10)
        index._vectors.clear()
        assert index._vectors.matrix(index.collection("c").id, "float") is None
        fallback = index.search("word3 chunk", Fixed(), "c", k=5)  # type: ignore[arg-type]
        assert [h.chunk_id for h in fallback] == [h.chunk_id for h in cached]
        assert [h.similarity for h in fallback] == pytest.approx([h.similarity for h in cached], abs=1e-4)


def test_cosines_skip_unknown_ids() -> None:
    """Similarities for ids the matrix does not hold are left out, not guessed."""
    ids = np.array([2, 5, 9], dtype=np.int64)
    rows = np.eye(3, dtype=np.float32)
    matrix = _vectors.Matrix(ids, rows)
    assert matrix.cosines([0, 1, 0], [5, 7, 1, 10]) == {5: 1.0}
    assert matrix.knn([0, 0, 2], 5) == [(9, 1.0), (2, 0.0), (5, 0.0)]


def test_big_collection_loads_on_its_second_search(monkeypatch) -> None:
    """A one-shot search on a big collection stays on sqlite-vec; the next one loads the matrix."""
    embedder = RandomEmbedder(3)
    monkeypatch.setattr(_vectors, "LOAD_ON_SECOND_ABOVE", 10)
    with EvidenceIndex() as index:
        _fill(index, embedder, "bit", docs=3)
        cid = index.collection("c").id
        assert index._vectors.matrix(cid, "bit") is None
        assert len(index._vectors.matrix(cid, "bit").ids) == 30
        _fill(index, embedder, "bit", docs=4)  # a write starts the count again
        assert index._vectors.matrix(cid, "bit") is None
        assert len(index._vectors.matrix(cid, "bit").ids) == 40
