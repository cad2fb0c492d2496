"""Glaucoma medication extraction (OHSU, Chen et al. 2022): span P/R/F1 per label and micro.

Reads the upstream JSONL unchanged (``text``, ``labels`` = [[start, end, label]]).
Each row's text goes through the extractor's medication tagger; its labels are
mapped to the data set's (drug -> DRUG, start/continue/use -> DRUG USE, ...).
A predicted span is correct *exactly* when start, end and label all match, and
*overlapping* when the label matches and the spans share a character. The
``***`` label (side effects, outside the task) is ignored.

Held-out half: rows whose text has an odd CRC-32; rules were tuned only by
looking at errors on the even half, so ``heldout_*`` is the honest figure.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from edge_assist.assistant import Assistant
from edge_assist.errors import InputError
from edge_assist.eval.base import EvalResult, EvalTask, Progress, register

LABELS = ("DRUG", "ROUTE", "FREQUENCY", "DOSAGE", "STRENGTH", "DURATION", "DRUG USE", "DRUG STOP",
          "ADHERENCE")
TAG_TO_LABEL = {"drug": "DRUG", "route": "ROUTE", "frequency": "FREQUENCY", "dose": "DOSAGE",
                "strength": "STRENGTH", "duration": "DURATION", "start": "DRUG USE",
                "continue": "DRUG USE", "use": "DRUG USE", "change": "DRUG USE", "header": "DRUG USE",
                "stop": "DRUG STOP", "adherence": "ADHERENCE"}
Spans = set[tuple[int, int, str]]


def read_rows(path: Path) -> Iterator[tuple[str, Spans]]:
    """(text, gold spans) per row of the upstream JSONL.

    Raises:
        InputError: a row without ``text`` and ``labels``.
    """
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text = str(row["text"])
                gold = {(int(s), int(e), str(lb)) for s, e, lb in row["labels"] if lb in LABELS}
            except (ValueError, KeyError, TypeError):
                raise InputError(f"{path.name} line {lineno} is not a glaucoma-med row",
                                 "expected JSONL with text and labels [[start, end, label]]") from None
            yield text, gold


def is_heldout(text: str) -> bool:
    """Whether a row is in the held-out half (odd CRC-32 of its text)."""
    return zlib.crc32(text.encode("utf-8")) % 2 == 1


def predict(text: str) -> Spans:
    """The tagger's spans for one row, in the data set's labels."""
    from edge_assist.extract.medications import default_tagger
    from edge_assist.extract.text import read_note

    if not text.strip():
        return set()
    note = read_note(text)
    return {(t.start, t.end, TAG_TO_LABEL[t.label]) for t in default_tagger().tag(note)}


@dataclass
class Counts:
    """True/false positives and false negatives, exact and overlapping, for one label."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    otp: int = 0
    ofp: int = 0
    ofn: int = 0

    def add(self, gold: Spans, pred: Spans) -> None:
        """Count one row's spans (already filtered to this label)."""
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)
        self.otp += sum(any(_overlap(p, g) for g in gold) for p in pred)
        self.ofp += sum(not any(_overlap(p, g) for g in gold) for p in pred)
        self.ofn += sum(not any(_overlap(g, p) for p in pred) for g in gold)

    def prf(self, overlap: bool = False) -> tuple[float, float, float]:
        """Precision, recall and F1."""
        tp, fp, fn = (self.otp, self.ofp, self.ofn) if overlap else (self.tp, self.fp, self.fn)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _overlap(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return a[2] == b[2] and a[0] < b[1] and b[0] < a[1]


def score(rows: list[tuple[Spans, Spans]], prefix: str = "") -> dict[str, float]:
    """Per-label and micro P/R/F1, exact and overlapping, keyed like ``DRUG_f1``."""
    counts = {label: Counts() for label in LABELS}
    micro = Counts()
    for gold, pred in rows:
        for label, c in counts.items():
            c.add({s for s in gold if s[2] == label}, {s for s in pred if s[2] == label})
        micro.add(gold, pred)
    metrics: dict[str, float] = {}
    for name, c in [("micro", micro), *counts.items()]:
        for kind, overlap in (("", False), ("overlap_", True)):
            p, r, f = c.prf(overlap)
            key = f"{prefix}{name.replace(' ', '_')}_{kind}"
            metrics.update({f"{key}precision": round(p, 4), f"{key}recall": round(r, 4),
                            f"{key}f1": round(f, 4)})
    return metrics


class GlaucomaMedsTask(EvalTask):
    """Medication span extraction on the glaucoma notes."""

    name = "glaucoma-meds"
    description = "Glaucoma notes: medication span P/R/F1 per label and micro, exact and overlap (JSONL)"
    data_file = "glaucoma_dev.jsonl"

    def run(self, data: Path, assistant: Assistant, limit: int | None,
            progress: Progress | None = None) -> EvalResult:
        path = self.locate(data)
        rows: list[tuple[Spans, Spans]] = []
        held: list[tuple[Spans, Spans]] = []
        for text, gold in read_rows(path):
            if limit is not None and len(rows) >= limit:
                break
            pair = (gold, predict(text))
            rows.append(pair)
            if is_heldout(text):
                held.append(pair)
            if progress:
                progress(1)
        if not rows:
            raise InputError(f"{path.name} has no rows")
        metrics = score(rows)
        metrics.update({k: v for k, v in score(held, "heldout_").items()
                        if k.startswith("heldout_micro")})
        metrics["heldout_n"] = float(len(held))
        return EvalResult(self.name, str(path), len(rows), metrics, model="rules",
                          notes=["heldout_* = rows with odd CRC-32 of text, never used to tune rules"])


register(GlaucomaMedsTask())
