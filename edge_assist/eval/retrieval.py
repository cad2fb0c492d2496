"""Retrieval recall@k: does hybrid search put the passage that holds the answer in the top k?

Uses PubMedQA's upstream JSON as a retrieval benchmark: every item's
abstract goes into a fresh in-memory index (so the other abstracts are the
distractors), each question is a query, and a hit is any chunk of that
item's own abstract. Reported: recall@1/3/5/10 and mean reciprocal rank, for
the hybrid search and for BM25 alone, so the value of the vectors is visible.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from edge_assist.assistant import Assistant
from edge_assist.errors import InputError
from edge_assist.eval.base import EvalResult, EvalTask, Progress, register
from edge_assist.eval.pubmedqa import read_items

KS = (1, 3, 5, 10)


class RetrievalTask(EvalTask):
    """recall@k of the abstract that answers each PubMedQA question."""

    name = "retrieval"
    description = "recall@k and MRR of hybrid search vs BM25 on PubMedQA abstracts (PQA-L JSON)"
    data_file = "pqal_dev.json"

    def run(self, data: Path, assistant: Assistant, limit: int | None,
            progress: Progress | None = None) -> EvalResult:
        from edge_assist.index import Document, EvidenceIndex
        from edge_assist.index.ingest import add_documents

        items = list(read_items(self.locate(data)))
        if not items:
            raise InputError("no items to evaluate")
        with EvidenceIndex() as index:
            docs = [Document(f"pmid:{i['pmid']}", "\n\n".join(i["contexts"])) for i in items]
            add_documents(index, docs, assistant.embedder, collection="eval")
            queries = items[:limit] if limit else items
            hybrid = [self._rank(index, q, assistant.embedder, progress) for q in queries]
            bm25 = [self._rank(index, q, None, None) for q in queries]
        metrics = _metrics(hybrid, "") | _metrics(bm25, "bm25_")
        return EvalResult(self.name, str(data), len(queries), metrics, model=assistant.model_id("embedder"),
                          notes=[f"{len(items)} abstracts indexed as distractors"])

    @staticmethod
    def _rank(index: Any, item: dict[str, Any], embedder: Any, progress: Progress | None) -> int | None:
        hits = index.search(item["question"], embedder, collection="eval", k=max(KS))
        if progress:
            progress(1)
        for rank, hit in enumerate(hits, 1):
            if hit.source == f"pmid:{item['pmid']}":
                return rank
        return None


def _metrics(ranks: list[int | None], prefix: str) -> dict[str, float]:
    n = len(ranks)
    out = {f"{prefix}recall@{k}": round(sum(1 for r in ranks if r and r <= k) / n, 4) for k in KS}
    out[f"{prefix}mrr"] = round(sum(1 / r for r in ranks if r) / n, 4)
    return out


register(RetrievalTask())
