"""Hybrid search latency at 10k and 100k chunks, and ingestion chunks/s.

Latency is measured on synthetic chunks (60 words from a 5,000-word
vocabulary with Zipf-like frequencies, so BM25 posting lists look like real
text) with random unit vectors: search cost depends on sizes and
distributions, not on meaning, and a real encoder would spend minutes
embedding 100k chunks. Ingestion is measured twice: storage alone
(pre-computed vectors) and end to end on the open-medicine guidelines with the
profile's real encoder.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from edge_assist.bench.child import in_child

DIMS = 384
WORDS_PER_CHUNK = 60
CHUNKS_PER_DOC = 100


class _RandomEmbedder:
    """Random unit vectors: a 'fake-fast' embedder for latency runs."""

    id = "bench-random"

    def __init__(self, dims: int, seed: int = 0) -> None:
        import numpy as np

        self.rng = np.random.default_rng(seed)
        self.dims = dims

    def embed_batch(self, texts: Any) -> list[Any]:
        v = self.rng.standard_normal((len(texts), self.dims)).astype("float32")
        return list(v / (v ** 2).sum(axis=1, keepdims=True) ** 0.5)


def _vocabulary(rng: Any, size: int = 5000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(list(letters), size=int(rng.integers(4, 10)))) for _ in range(size)]


def _measure(n_chunks: int, quantization: str, queries: int) -> dict[str, Any]:
    import numpy as np

    from edge_assist.index import Chunk, Document, EvidenceIndex

    rng = np.random.default_rng(0)
    vocab = _vocabulary(rng)
    weights = 1.0 / np.arange(1, len(vocab) + 1)
    weights /= weights.sum()
    embedder = _RandomEmbedder(DIMS)
    stored: list[Any] = []
    with tempfile.TemporaryDirectory() as tmp, EvidenceIndex(Path(tmp) / "bench.db") as index:
        index.ensure_collection("bench", embedder, quantization)  # type: ignore[arg-type]
        started = time.perf_counter()
        for d in range(n_chunks // CHUNKS_PER_DOC):
            words = rng.choice(vocab, size=(CHUNKS_PER_DOC, WORDS_PER_CHUNK), p=weights)
            chunks = [Chunk(f"section {i}", " ".join(row)) for i, row in enumerate(words)]
            doc = Document(f"doc{d}", "\n".join(c.text for c in chunks), title=f"doc {d}")
            vectors = embedder.embed_batch(chunks)
            stored.extend(vectors)
            index.add_document(doc, embedder, "bench", chunks=chunks, vectors=vectors)
        ingest_s = time.perf_counter() - started
        qtexts = [" ".join(row) for row in rng.choice(vocab[50:2000], size=(queries, 4))]
        qvecs = embedder.embed_batch(qtexts)
        fixed = _FixedEmbedder(dict(zip(qtexts, qvecs, strict=True)))
        t = time.perf_counter()
        index.search(qtexts[0], fixed, "bench", k=5)  # big collections: sqlite-vec, then ...
        first_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        index.search(qtexts[1], fixed, "bench", k=5)  # ... loads the in-memory vectors: apart
        load_ms = (time.perf_counter() - t) * 1000
        times, hits = [], []
        for text in qtexts:
            t = time.perf_counter()
            hits.append(index.search(text, fixed, "bench", k=5))
            times.append((time.perf_counter() - t) * 1000)
        recall = _recall_vs_exact(index, np.asarray(stored, dtype=np.float32), qtexts, qvecs, hits)
    return {"chunks": n_chunks, "vectors": f"{quantization}[{DIMS}]", "queries": queries,
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(statistics.quantiles(times, n=20)[18], 2),
            "first_query_ms": round(first_ms, 1), "second_query_ms": round(load_ms, 1),
            "recall_at_5_vs_exact": recall,
            "store_chunks_s": round(n_chunks / ingest_s, 1)}


class _FixedEmbedder:
    """Returns the query vectors drawn up front, so the exact reference sees the same ones."""

    id = _RandomEmbedder.id

    def __init__(self, vectors: dict[str, Any]) -> None:
        self.vectors = vectors

    def embed_batch(self, texts: Any) -> list[Any]:
        return [self.vectors[t] for t in texts]


def _recall_vs_exact(index: Any, stored: Any, qtexts: list[str], qvecs: list[Any],
                     hits: list[Any]) -> float:
    """Share of the exact hybrid top 5 (brute-force float cosine fused with BM25) that search returned.

    The reference is computed here from the vectors the bench generated, independently of the
    index's own vector path, so a quantized or approximate path shows up as recall below 1.
    """
    import numpy as np

    from edge_assist.index import search as _search

    coll = index.collection("bench")
    ids = np.asarray([r[0] for r in index.conn.execute(
        "SELECT c.id FROM chunks c ORDER BY c.document_id, c.ord")], dtype=np.int64)
    unit = stored / np.linalg.norm(stored, axis=1, keepdims=True)
    found = total = 0
    for text, qvec, got in zip(qtexts, qvecs, hits, strict=True):
        sims = unit @ (np.asarray(qvec) / np.linalg.norm(qvec))
        top = np.argsort(-sims)[:20]
        exact = _search.fuse(_search.bm25_ids(index.conn, coll.id, text, 20),
                             [(int(ids[i]), float(sims[i])) for i in top], 5)
        want = {r.chunk_id for r in exact}
        found += len(want & {h.chunk_id for h in got})
        total += len(want)
    return round(found / total, 4) if total else 1.0


def _measure_ingest() -> dict[str, Any]:
    from edge_assist.assistant import Assistant
    from edge_assist.index import EvidenceIndex
    from edge_assist.index.defaults import guideline_documents
    from edge_assist.index.ingest import add_documents

    with Assistant() as assistant, EvidenceIndex() as index:
        embedder = assistant.embedder
        started = time.perf_counter()
        report = add_documents(index, guideline_documents(), embedder)
        seconds = time.perf_counter() - started
    return {"chunks": report.chunks, "vectors": f"float[{embedder.dimensions}] {embedder.id}",
            "ingest_chunks_s": round(report.chunks / seconds, 1), "ingest_s": round(seconds, 1)}


def bench_search(sizes: tuple[int, ...] = (10_000, 100_000),
                 quantizations: tuple[str, ...] = ("float", "bit"), queries: int = 50,
                 ingest: bool = True) -> list[dict[str, Any]]:
    """Rows of p50/p95 hybrid search latency per size and vector type, plus real ingestion speed."""
    rows = [in_child(_measure, n_chunks=n, quantization=q, queries=queries)
            for n in sizes for q in quantizations]
    if ingest:
        rows.append(in_child(_measure_ingest))
    return rows
