"""PHI redaction on the synthetic PHI set: how many identifiers are removed, how much else is.

``--data synthetic`` generates the set in memory (:mod:`edge_assist.trust.phi_synth`,
seed 0, ``--limit`` notes, default 500); ``--data FILE.jsonl`` reads lines of
``{"text": ..., "spans": [[start, end, category], ...]}`` (the generator's
``write_jsonl`` output, or a site's own annotated notes).

Safe Harbor asks that identifiers be *removed*, so a gold identifier counts as
caught when every one of its characters lies inside some redacted span,
whatever category the redactor gave it (``recall``); ``recall_partial`` counts
any overlap. ``precision`` is the share of redacted spans that overlap a gold
identifier; ``char_precision`` the share of redacted characters that were PHI.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from edge_assist.assistant import Assistant
from edge_assist.errors import InputError
from edge_assist.eval.base import EvalResult, EvalTask, Progress, register
from edge_assist.trust.phi_synth import SyntheticNote, generate
from edge_assist.trust.redact import find_phi

DEFAULT_N = 500


def load(data: Path, limit: int | None) -> list[SyntheticNote]:
    """The notes to score: generated for ``synthetic``, else read from JSONL.

    Raises:
        InputError: missing file or a line that is not ``{"text", "spans"}``.
    """
    if str(data) == "synthetic":
        return generate(limit or DEFAULT_N, seed=0)
    if not data.is_file():
        raise InputError(f"no PHI data at {data}", "use --data synthetic, or a JSONL of {text, spans}")
    notes = []
    with data.open(encoding="utf-8", errors="strict") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                notes.append(_note(line, data.name, lineno))
            if limit and len(notes) >= limit:
                break
    return notes


def _note(line: str, name: str, lineno: int) -> SyntheticNote:
    try:
        rec = json.loads(line)
        text = rec["text"]
        spans = [(int(s), int(e), str(c)) for s, e, c in rec["spans"]]
    except (ValueError, KeyError, TypeError):
        raise InputError(f"{name} line {lineno}: not a PHI record",
                         'expected {"text": ..., "spans": [[start, end, category], ...]}') from None
    if not isinstance(text, str) or any(not 0 <= s < e <= len(text) for s, e, _ in spans):
        raise InputError(f"{name} line {lineno}: a span lies outside the text")
    return SyntheticNote(text, spans)


def score(notes: list[SyntheticNote]) -> dict[str, float]:
    """Recall, precision and F1 of :func:`~edge_assist.trust.redact.find_phi` on ``notes``."""
    c: Counter[str] = Counter()
    for note in notes:
        pred = find_phi(note.text)
        covered = set().union(*(range(p.start, p.end) for p in pred)) if pred else set()
        gold_chars = set().union(*(range(s, e) for s, e, _ in note.spans)) if note.spans else set()
        for s, e, cat in note.spans:
            full = all(i in covered for i in range(s, e))
            c["gold"] += 1
            c[f"gold_{cat}"] += 1
            c["full"] += full
            c[f"full_{cat}"] += full
            c["partial"] += any(i in covered for i in range(s, e))
        c["pred"] += len(pred)
        c["pred_hit"] += sum(any(i in gold_chars for i in range(p.start, p.end)) for p in pred)
        c["chars_pred"] += len(covered)
        c["chars_hit"] += len(covered & gold_chars)
        c["chars_gold"] += len(gold_chars)
    return _metrics(c)


def _metrics(c: Counter[str]) -> dict[str, float]:
    def ratio(a: float, b: float) -> float:
        return round(a / b, 4) if b else 0.0

    recall, precision = ratio(c["full"], c["gold"]), ratio(c["pred_hit"], c["pred"])
    metrics = {"identifiers": float(c["gold"]), "redacted_spans": float(c["pred"]),
               "recall": recall, "recall_partial": ratio(c["partial"], c["gold"]),
               "precision": precision,
               "f1": ratio(2 * recall * precision, recall + precision),
               "char_recall": ratio(c["chars_hit"], c["chars_gold"]),
               "char_precision": ratio(c["chars_hit"], c["chars_pred"])}
    for key in sorted(k for k in c if k.startswith("gold_")):
        cat = key[5:]
        metrics[f"recall_{cat}"] = ratio(c[f"full_{cat}"], c[key])
    return metrics


class PhiTask(EvalTask):
    """Safe Harbor redaction recall and precision on the synthetic PHI set."""

    name = "phi"
    description = "PHI redaction (HIPAA Safe Harbor) on the generated synthetic PHI set (--data synthetic)"

    def locate(self, data: Path) -> Path:
        """``synthetic`` or an existing JSONL file."""
        return data

    def run(self, data: Path, assistant: Assistant, limit: int | None,
            progress: Progress | None = None) -> EvalResult:
        """Score the redactor (no model is loaded)."""
        notes = load(data, limit)
        if not notes:
            raise InputError(f"{data} holds no notes")
        metrics = score(notes)
        if progress:
            progress(len(notes))
        return EvalResult(self.name, str(data), len(notes), metrics, model="rules",
                          notes=["synthetic set: seed 0; names half from the redactor's lexicon, "
                                 "half not"] if str(data) == "synthetic" else [])


register(PhiTask())
