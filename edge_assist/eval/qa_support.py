"""Cited QA support: how many answer sentences does the cited evidence state, and how often abstain?

Uses PubMedQA's upstream JSON as a source of real questions with evidence
that answers them: the abstracts of the evaluated items (each labelled section
one document) go into a fresh in-memory index, so every question has its own
abstract to find and the others as distractors. Each question goes through
the full ``ask`` pipeline (retrieve, draft with citations, check support,
drop what fails, abstain). Reported:

* ``drafted_supported_share``: of every sentence the model drafted, the share
  the checker finds supported by its cited passage: how faithful the model is;
* ``shown_supported_share``: of the sentences shown in answers, the share the
  checker passed. The pipeline drops the rest, so this is 1.0 by construction
  and only as good as the checker: the README gives a hand-audit of it;
* ``dropped_share``: drafted sentences removed (flagged in ``Answer.sentences``);
* ``model_cited_share``: the share the model cited itself (the rest had a
  passage attached by the checker);
* ``abstention_rate`` and ``own_abstract_cited`` (answers citing the item's
  own abstract), and the median time to first token.

The yes/no verdict (:mod:`edge_assist.qa.verdict`) is switched off here: it
adds no sentence and does not change support, and the CPU is better spent on
more questions.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from edge_assist.assistant import Assistant
from edge_assist.errors import InputError
from edge_assist.eval.base import EvalResult, EvalTask, Progress, register
from edge_assist.eval.pubmedqa import read_items

COLLECTION = "eval"


class QASupportTask(EvalTask):
    """Supported-sentence share and abstention of ``ask`` on PubMedQA questions and abstracts."""

    name = "qa-support"
    description = "share of answer sentences supported by their citation, and abstention (PQA-L JSON)"
    data_file = "pqal_dev.json"

    def run(self, data: Path, assistant: Assistant, limit: int | None,
            progress: Progress | None = None) -> EvalResult:
        from edge_assist.index import Document, EvidenceIndex
        from edge_assist.index.ingest import add_documents

        items = list(read_items(self.locate(data)))[:limit]
        if not items:
            raise InputError("no items to evaluate")
        with EvidenceIndex() as index:
            add_documents(index, [doc for item in items for doc in _documents(item, Document)],
                          assistant.embedder, collection=COLLECTION)
            answers = []
            for item in items:
                answers.append((item, self._ask(assistant, index, item["question"])))
                if progress:
                    progress(1)
        return EvalResult(self.name, str(data), len(items), _metrics(answers),
                          model=assistant.model_id("llm"),
                          notes=[f"{len(items)} abstracts indexed; each is the others' distractor"])

    @staticmethod
    def _ask(assistant: Assistant, index: Any, question: str) -> Any:
        from edge_assist.qa import AskOptions, ask

        return ask(question, index, assistant.embedder, assistant.llm,
                   AskOptions(collection=COLLECTION, verdict=False, mode="draft"))


def _documents(item: dict[str, Any], document: Any) -> list[Any]:
    labels = item["labels"] if len(item["labels"]) == len(item["contexts"]) else [""] * len(item["contexts"])
    return [document(f"pmid:{item['pmid']}#{n}", text, title=label.title())
            for n, (label, text) in enumerate(zip(labels, item["contexts"], strict=True))]


def _metrics(answers: list[tuple[dict[str, Any], Any]]) -> dict[str, float]:
    """Sentence support over drafted and shown sentences; abstention and own-abstract citing per item."""
    sentences = [s for _, a in answers if a.mode == "generative" for s in a.sentences]
    answered = [(item, a) for item, a in answers if not a.abstained]
    shown = [s for _, a in answered if a.mode == "generative" for s in a.sentences if s.supported]
    own = sum(any(c.source.startswith(f"pmid:{item['pmid']}#") for c in a.citations)
              for item, a in answered)
    ttft = [a.timings["first_token"] for _, a in answers if "first_token" in a.timings]
    n = len(answers)

    def share(part: int, whole: int) -> float:
        return round(part / whole, 4) if whole else 0.0

    supported = sum(s.supported for s in sentences)
    return {
        "answer_sentences": len(sentences),
        "drafted_supported_share": share(supported, len(sentences)),
        "shown_sentences": len(shown),
        "shown_supported_share": share(sum(s.supported for s in shown), len(shown)),
        "dropped_share": share(len(sentences) - supported, len(sentences)),
        "model_cited_share": share(sum(s.cited_by_model for s in sentences), len(sentences)),
        "abstention_rate": round(sum(a.abstained for _, a in answers) / n, 4),
        "own_abstract_cited": share(own, len(answered)),
        "ttft_p50_s": round(statistics.median(ttft), 2) if ttft else 0.0,
    }


register(QASupportTask())
