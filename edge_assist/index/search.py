"""Hybrid search: FTS5 BM25 and sqlite-vec nearest neighbours, fused by reciprocal rank.

BM25 is a strong baseline for clinical queries (drug names, scores, codes
match exactly) and dense vectors catch paraphrase; reciprocal rank fusion
(Cormack et al. 2009, ``1 / (60 + rank)``) combines the two lists without
calibrating their incomparable scores. The vector side normally runs on the
in-memory matrix of :mod:`edge_assist.index.vectors` (exact cosine); the
sqlite-vec functions here serve collections too big to hold in memory, and
there, with int8 or binary vectors, candidates are re-ranked by exact cosine
on the stored float32 blobs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from edge_assist.index.db import deserialize, serialize

RRF_K = 60
MAX_QUERY_TERMS = 32
_STOP_TEXT = (
    "a an and are as at be by can do does for from has have how i in is it its may of on or should "
    "the this that to was were what when which who why will with patient patients you your"
)
STOPWORDS = frozenset(_STOP_TEXT.split())
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass
class Ranked:
    """A chunk id with its fused score and the ranks it came from."""

    chunk_id: int
    score: float = 0.0
    bm25_rank: int | None = None
    vector_rank: int | None = None
    similarity: float = 0.0


def terms(text: str) -> list[str]:
    """Lower-cased content words of ``text`` (stop words dropped, order kept, no repeats)."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if word not in STOPWORDS and (len(word) > 1 or word.isdigit()):
            seen.setdefault(word, None)
    return list(seen)


def fts_query(text: str) -> str | None:
    """An FTS5 query OR-ing the quoted content words of ``text`` (quoting defuses FTS syntax)."""
    words = terms(text)[:MAX_QUERY_TERMS]
    return " OR ".join(f'"{w}"' for w in words) if words else None


def bm25_ids(conn: Any, collection_id: int, query: str, limit: int) -> list[int]:
    """Chunk ids by BM25 (title and section weigh more than body text)."""
    match = fts_query(query)
    if match is None:
        return []
    rows = conn.execute(
        f"SELECT rowid FROM fts_{collection_id} WHERE fts_{collection_id} MATCH ? "
        f"ORDER BY bm25(fts_{collection_id}, 2.0, 2.0, 1.0) LIMIT ?", (match, limit))
    return [r[0] for r in rows]


def vector_ids(conn: Any, collection_id: int, quantization: str, qvec: Any,
               limit: int) -> list[tuple[int, float]]:
    """(chunk id, cosine similarity) of the nearest chunks, exact-re-ranked when quantized."""
    table = f"vec_{collection_id}"
    probe = {"float": "?", "int8": "vec_quantize_int8(?, 'unit')",
             "bit": "vec_quantize_binary(?)"}[quantization]
    fetch = limit if quantization == "float" else limit * 4
    rows = conn.execute(f"SELECT rowid, distance FROM {table} WHERE embedding MATCH {probe} "
                        f"AND k = ?", (serialize(qvec), fetch)).fetchall()
    if quantization == "float":
        return [(rowid, 1.0 - float(distance)) for rowid, distance in rows]
    sims = cosine_many(conn, collection_id, quantization, qvec, [r[0] for r in rows])
    return sorted(sims.items(), key=lambda kv: -kv[1])[:limit]


def float_vectors(conn: Any, collection_id: int, quantization: str,
                  chunk_ids: list[int]) -> dict[int, Any]:
    """Float32 vectors of chunks: from vec0 for float collections, else from the chunk blobs."""
    if not chunk_ids:
        return {}
    marks = ",".join("?" * len(chunk_ids))
    sql = (f"SELECT rowid, embedding FROM vec_{collection_id} WHERE rowid IN ({marks})"
           if quantization == "float" else f"SELECT id, vector FROM chunks WHERE id IN ({marks})")
    return {cid: deserialize(blob) for cid, blob in conn.execute(sql, chunk_ids)}


def cosine_many(conn: Any, collection_id: int, quantization: str, qvec: Any,
                chunk_ids: list[int]) -> dict[int, float]:
    """Exact cosine of ``qvec`` with each chunk's stored float32 vector."""
    import numpy as np

    q = np.asarray(qvec, dtype=np.float32)
    q = q / (np.linalg.norm(q) or 1.0)
    vectors = float_vectors(conn, collection_id, quantization, chunk_ids)
    return {cid: float(np.dot(q, v) / (np.linalg.norm(v) or 1.0)) for cid, v in vectors.items()}


def fuse(bm25: list[int], vectors: list[tuple[int, float]], k: int) -> list[Ranked]:
    """Reciprocal rank fusion of the two lists; the best ``k``."""
    ranked: dict[int, Ranked] = {}
    for rank, cid in enumerate(bm25, 1):
        hit = ranked.setdefault(cid, Ranked(cid))
        hit.bm25_rank = rank
        hit.score += 1.0 / (RRF_K + rank)
    for rank, (cid, sim) in enumerate(vectors, 1):
        hit = ranked.setdefault(cid, Ranked(cid))
        hit.vector_rank = rank
        hit.similarity = sim
        hit.score += 1.0 / (RRF_K + rank)
    return sorted(ranked.values(), key=lambda h: -h.score)[:k]
