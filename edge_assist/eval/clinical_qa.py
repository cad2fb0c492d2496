"""``eval clinical-qa``: does ``ask`` answer what the evidence states and refuse what it does not?

The data are hand-written questions (JSON Lines; ``tests/data/clinical_qa`` has the set this
project wrote by reading the default pack's guideline texts). An answerable item names the
facts a right answer must state, each as alternative surface forms, and the guideline section
that states them; an unanswerable item has ``"answerable": false``.

Each item falls in the ``tune`` or the ``check`` part by a hash of its id, fixed before any
output was read; thresholds are set on ``tune`` only, and every metric is reported for both.

Metrics (per part, and ``all``):

* ``answer_rate``: answerable questions answered; ``correct_rate``: answered with every fact;
* ``wrong_rate``: answered without every fact (a shown answer that misses the point);
* ``abstain_unanswerable``: unanswerable questions refused;
* ``gate_precision`` / ``gate_recall``: the relevance gate as a classifier of "answerable";
* ``cites_section``: answered answerable questions whose citations include the stating section;
* ``words_median`` / ``words_p90`` of the shown answers; ``latency_p50`` / ``latency_p95`` in s.
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
import time
from pathlib import Path
from typing import Any

from edge_assist.assistant import Assistant
from edge_assist.errors import InputError
from edge_assist.eval.base import EvalResult, EvalTask, Progress, register

PARTS = ("tune", "check")
_DASH = re.compile(r"[‐‑‒–—−]")
_MARKS = (("≥", ">="), ("≤", "<="), ("µg", "mcg"), ("μg", "mcg"), ("**", ""), ("`", ""))


def part(item_id: str) -> str:
    """``tune`` or ``check``: the first byte of the id's SHA-256, even or odd."""
    return PARTS[hashlib.sha256(item_id.encode("utf-8")).digest()[0] % 2]


def normalise(text: str) -> str:
    """Lower case, one kind of dash, >= for ≥, no Markdown marks, single spaces."""
    text = _DASH.sub("-", text.lower())
    for a, b in _MARKS:
        text = text.replace(a, b)
    return " ".join(text.split())


def has_fact(answer: str, alternatives: list[str]) -> bool:
    """Whether the answer states one of the fact's surface forms."""
    said = normalise(answer)
    return any(normalise(alt) in said for alt in alternatives)


def read_questions(path: Path) -> list[dict[str, Any]]:
    """Items of a JSON Lines file, or of every ``*.jsonl`` in a folder, checked.

    Raises:
        InputError: unreadable, not JSON, or an item without its fields.
    """
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files or not all(f.is_file() for f in files):
        raise InputError(f"no question file at {path}", "point --data at a .jsonl file or its folder")
    items = []
    for file in files:
        for n, line in enumerate(file.read_text("utf-8").splitlines(), 1):
            if line.strip():
                items.append(_item(file, n, line))
    ids = [i["id"] for i in items]
    if len(set(ids)) != len(ids):
        raise InputError(f"{path.name}: repeated item ids")
    return items


def _item(file: Path, n: int, line: str) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError:
        raise InputError(f"{file.name} line {n} is not JSON") from None
    need = ("id", "question", "answerable") + (("facts", "guideline", "section")
                                                if isinstance(item, dict) and item.get("answerable") else ())
    if not isinstance(item, dict) or any(k not in item for k in need):
        raise InputError(f"{file.name} line {n} lacks one of {', '.join(need)}")
    return item


def judge(item: dict[str, Any], answer: Any, seconds: float) -> dict[str, Any]:
    """One item's outcome: answered or not, right or not, cited where, how long."""
    answered = not answer.abstained
    shown = answer.text if answered else ""
    record = {"id": item["id"], "part": part(item["id"]), "answerable": bool(item["answerable"]),
              "answered": answered, "words": len(shown.split()) if answered else 0,
              "seconds": seconds, "reason": answer.reason,
              "cited": [c.source for c in answer.citations]}
    if item["answerable"]:
        stating = f"{item['guideline']}/{item['section']}"
        record["correct"] = answered and all(has_fact(shown, alts) for alts in item["facts"])
        record["cites_section"] = answered and any(src.endswith(stating) for src in record["cited"])
    return record


def run_items(assistant: Assistant, items: list[dict[str, Any]], progress: Progress | None = None,
              **ask: Any) -> list[dict[str, Any]]:
    """Ask every question (warm: the first question is asked once before timing) and judge it."""
    if items:
        assistant.ask(items[0]["question"], **ask)
    records = []
    for item in items:
        started = time.perf_counter()
        answer = assistant.ask(item["question"], **ask)
        records.append(judge(item, answer, time.perf_counter() - started))
        if progress:
            progress(1)
    return records


def metrics(records: list[dict[str, Any]], prefix: str = "") -> dict[str, float]:
    """The task's metrics over ``records``."""
    yes = [r for r in records if r["answerable"]]
    no = [r for r in records if not r["answerable"]]
    answered = [r for r in records if r["answered"]]
    words = sorted(r["words"] for r in answered) or [0]
    secs = sorted(r["seconds"] for r in records) or [0.0]
    out = {
        "answerable": len(yes), "unanswerable": len(no),
        "answer_rate": _share(sum(r["answered"] for r in yes), len(yes)),
        "correct_rate": _share(sum(r["correct"] for r in yes), len(yes)),
        "wrong_rate": _share(sum(r["answered"] and not r["correct"] for r in yes), len(yes)),
        "abstain_unanswerable": _share(sum(not r["answered"] for r in no), len(no)),
        "gate_precision": _share(sum(r["answerable"] for r in answered), len(answered)),
        "gate_recall": _share(sum(r["answered"] for r in yes), len(yes)),
        "cites_section": _share(sum(r["cites_section"] for r in yes if r["answered"]),
                                sum(r["answered"] for r in yes)),
        "words_median": float(statistics.median(words)),
        "words_p90": float(words[min(len(words) - 1, int(0.9 * len(words)))]),
        "latency_p50": round(statistics.median(secs), 3),
        "latency_p95": round(secs[min(len(secs) - 1, int(0.95 * len(secs)))], 3),
    }
    return {f"{prefix}{k}": v for k, v in out.items()}


def _share(n: int | float, d: int) -> float:
    return round(n / d, 4) if d else 0.0


class ClinicalQATask(EvalTask):
    """Answer, correctness and abstention of ``ask`` on hand-written guideline questions."""

    name = "clinical-qa"
    description = ("answer/correct rate, abstention, citations, words and latency of ask on hand-written "
                   "guideline questions (JSON Lines), tune and check parts")
    data_file = "questions.jsonl"

    def locate(self, data: Path) -> Path:
        """A .jsonl file, or a folder of them (``tests/data/clinical_qa``)."""
        if data.is_dir() and any(data.glob("*.jsonl")):
            return data
        return super().locate(data)

    def run(self, data: Path, assistant: Assistant, limit: int | None,
            progress: Progress | None = None) -> EvalResult:
        items = read_questions(self.locate(data))[:limit]
        if not items:
            raise InputError("no questions to evaluate")
        records = run_items(assistant, items, progress)
        result = metrics(records)
        for name in PARTS:
            result |= metrics([r for r in records if r["part"] == name], f"{name}_")
        return EvalResult(self.name, str(data), len(items), result, model=assistant.model_id("embedder"),
                          notes=[f"parts by SHA-256 of the item id: {', '.join(PARTS)}"])


register(ClinicalQATask())
