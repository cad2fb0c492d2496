"""NegEx test kit: is the given concept negated or affirmed in its sentence?

Reads the upstream TSV unchanged (``Report No.``, ``Concept``, ``Sentence``,
``Negation`` = Affirmed/Negated). The concept is located in the sentence (the
kit writes it in capitals there), the sentence is split as any note would be,
and the extractor's ConText engine decides. Metrics: accuracy, and precision,
recall and F1 of the *Negated* class, over every row and over the held-out half.

Held-out half: the dev file holds odd-numbered reports only; rows of reports
3, 7, 11, ... (number % 4 == 3) are held out. Rule changes made after the first
run were checked only against errors on reports 1, 5, 9, ... (see the report
for this task), so ``heldout_*`` is the honest figure.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from edge_assist.assistant import Assistant
from edge_assist.errors import InputError
from edge_assist.eval.base import EvalResult, EvalTask, Progress, register

COLUMNS = ("Report No.", "Concept", "Sentence", "Negation")


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of the upstream TSV, checked for the four columns.

    Raises:
        InputError: not the NegEx test-kit format.
    """
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        if reader.fieldnames is None or any(c not in reader.fieldnames for c in COLUMNS):
            raise InputError(f"{path.name} is not a NegEx test-kit TSV",
                             f"expected tab-separated columns {', '.join(COLUMNS)}")
        for lineno, row in enumerate(reader, 2):
            label = (row.get("Negation") or "").strip()
            if label not in ("Affirmed", "Negated") or not row.get("Sentence"):
                raise InputError(f"{path.name} line {lineno}: Negation must be Affirmed or Negated")
            yield {k: (row.get(k) or "").strip() for k in COLUMNS}


def locate(concept: str, sentence: str) -> tuple[int, int] | None:
    """Where ``concept`` is in ``sentence``: its capitalised form first, then any case."""
    words = concept.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    match = re.search(pattern.upper(), sentence) or re.search(pattern, sentence, re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def binary_metrics(gold: list[bool], pred: list[bool]) -> dict[str, float]:
    """Accuracy, and precision/recall/F1 of the positive (Negated) class."""
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    correct = sum(g == p for g, p in zip(gold, pred, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"accuracy": round(correct / len(gold), 4) if gold else 0.0, "precision": round(precision, 4),
            "recall": round(recall, 4), "f1": round(f1, 4)}


def is_heldout(row: dict[str, str]) -> bool:
    """Whether the row belongs to the held-out half (report number % 4 == 3)."""
    digits = re.sub(r"\D", "", row["Report No."])
    return bool(digits) and int(digits) % 4 == 3


class NegexTask(EvalTask):
    """Negated-vs-affirmed accuracy and F1 of the ConText engine on the NegEx test kit."""

    name = "negex"
    description = "NegEx test kit: negated vs affirmed concept in its sentence (TSV), ConText rules"
    data_file = "negex_dev.tsv"

    def run(self, data: Path, assistant: Assistant, limit: int | None,
            progress: Progress | None = None) -> EvalResult:
        from edge_assist.extract import assert_concept

        path = self.locate(data)
        gold: list[bool] = []
        pred: list[bool] = []
        held: list[bool] = []
        missing = 0
        for row in read_rows(path):
            if limit is not None and len(gold) >= limit:
                break
            span = locate(row["Concept"], row["Sentence"])
            missing += span is None
            negated = span is not None and assert_concept(row["Sentence"], *span).is_negated
            gold.append(row["Negation"] == "Negated")
            pred.append(negated)
            held.append(is_heldout(row))
            if progress:
                progress(1)
        if not gold:
            raise InputError(f"{path.name} has no rows")
        metrics = binary_metrics(gold, pred)
        ho = [i for i, h in enumerate(held) if h]
        metrics.update({f"heldout_{k}": v for k, v in binary_metrics(
            [gold[i] for i in ho], [pred[i] for i in ho]).items()})
        metrics["heldout_n"] = float(len(ho))
        metrics["concept_not_found"] = float(missing)
        return EvalResult(self.name, str(path), len(gold), metrics, model="rules (ConText)",
                          notes=["heldout_* = reports with number % 4 == 3, never used to tune rules"])


register(NegexTask())
