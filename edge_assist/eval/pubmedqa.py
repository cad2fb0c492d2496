"""PubMedQA (PQA-L): a research question and its abstract → yes / no / maybe.

Reads the upstream ``pqal_dev.json``/``test_set.json`` unchanged: a JSON object
keyed by PMID with ``QUESTION``, ``CONTEXTS`` (the abstract's sections, minus
its conclusion) and ``final_decision``. This is the reasoning-required setting
(human single annotator 0.78): ``LONG_ANSWER`` is the abstract's own
conclusion and is never shown to the model.

The label is not parsed from generated text: the product's yes/no decider
(:mod:`edge_assist.qa.verdict`, the one ``ask`` uses on yes/no questions)
scores the three labels from the model's next-token probabilities and applies
the model's fitted calibration. Fitting used dev rows ``[0, fit_rows)``, so the
metrics are reported for those rows, for the rows after them (held out) and
overall, calibrated and uncalibrated, so over-fitting shows.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from edge_assist.assistant import Assistant
from edge_assist.errors import EdgeAssistError, ExitCode, InputError
from edge_assist.eval.base import EvalResult, EvalTask, Progress, register
from edge_assist.models.base import Message
from edge_assist.qa import verdict

LABELS = verdict.LABELS
SYSTEM = ("You are a biomedical researcher. Answer the research question from the abstract, judging "
          "only from the results it reports. Say maybe only when the results are mixed or inconclusive.")


def read_items(path: Path) -> Iterator[dict[str, Any]]:
    """Items of the upstream JSON, checked for the fields this task needs.

    Raises:
        InputError: not JSON, or an item without QUESTION, CONTEXTS or final_decision.
    """
    try:
        data = json.loads(path.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InputError(f"{path.name} is not PubMedQA JSON",
                         "expected the PQA-L JSON keyed by PMID") from None
    if not isinstance(data, dict):
        raise InputError(f"{path.name} is not PubMedQA JSON", "expected an object keyed by PMID")
    for pmid, row in data.items():
        try:
            answer = str(row["final_decision"]).lower()
            item = {"pmid": str(pmid), "question": str(row["QUESTION"]),
                    "contexts": [str(c) for c in row["CONTEXTS"]], "labels": list(row.get("LABELS", [])),
                    "answer": answer}
        except (KeyError, TypeError):
            raise InputError(f"{path.name}: item {pmid} is not a PubMedQA item",
                             "each item needs QUESTION, CONTEXTS and final_decision") from None
        if answer not in LABELS:
            raise InputError(f"{path.name}: item {pmid} has final_decision {answer!r}")
        yield item


def prompt_for(item: dict[str, Any], system: str = SYSTEM) -> list[Message]:
    """The chat messages for one item: the abstract's sections, labelled, then the question.

    A "question, abstract, question again" layout was tried and dropped: on the 0.5B model it
    answered "no" to 85% of the first 20 dev items (accuracy 0.35; 0.55 was reported for this one).
    """
    labels = item["labels"] if len(item["labels"]) == len(item["contexts"]) else [""] * len(item["contexts"])
    abstract = "\n".join(f"{label.title()}: {text}" if label else text
                         for label, text in zip(labels, item["contexts"], strict=True))
    return [Message("system", system),
            Message("user", f"Abstract:\n{abstract}\n\nQuestion: {item['question']}")]


class PubMedQATask(EvalTask):
    """Accuracy on PubMedQA with the abstract (majority class 'yes' is 0.55 on the dev rows).

    ``pubmedqa`` decides as the product does (the model's calibration chooses direct or
    reason-first); ``pubmedqa-direct`` and ``pubmedqa-reason`` force one way, to compare.
    """

    name = "pubmedqa"
    description = "PubMedQA yes/no/maybe accuracy from the abstract, label log-probabilities (PQA-L JSON)"
    data_file = "pqal_dev.json"
    reason: bool | None = None  # None: as the model's calibration says

    def run(self, data: Path, assistant: Assistant, limit: int | None,
            progress: Progress | None = None) -> EvalResult:
        path = self.locate(data)
        llm = assistant.llm
        fitted = verdict.calibration_for(llm.id)
        reason = fitted.reason if self.reason is None else self.reason
        cal = verdict.Calibration(reason, fitted.direct_bias, fitted.reason_bias, fitted.fit_rows)
        rows: list[tuple[int, str, str | None, str | None]] = []  # row, gold, calibrated, raw
        for row, item in enumerate(read_items(path)):
            if limit is not None and row >= limit:
                break
            rows.append((row, item["answer"], *self._decide(llm, item, cal)))
            if progress:
                progress(1)
        if not rows:
            raise InputError(f"{path.name} has no items")
        notes = [f"{'reason first' if reason else 'direct'}; calibration "
                 + (f"fitted on rows 0-{cal.fit_rows - 1}, later rows held out" if cal.fit_rows else "none")]
        return EvalResult(self.name, str(path), len(rows), _metrics(rows, cal.fit_rows), model=llm.id,
                          notes=notes)

    @staticmethod
    def _decide(llm: Any, item: dict[str, Any], cal: verdict.Calibration) -> tuple[str | None, str | None]:
        """(calibrated label, uncalibrated label), or (None, None) when the model failed on the item."""
        try:
            decided = verdict.decide(llm, prompt_for(item), calibration=cal)
        except EdgeAssistError as exc:
            if exc.exit_code == ExitCode.INTERRUPTED:
                raise
            return None, None
        raw = {label: math.log(max(p, 1e-12)) for label, p in decided.probabilities.items()}
        return decided.label, verdict.choose(raw)


def _metrics(rows: list[tuple[int, str, str | None, str | None]], fit_rows: int) -> dict[str, float]:
    """Accuracy overall, on the fitting rows and on the held-out rows; prediction shares; invalid rate."""
    def accuracy(subset: list[tuple[int, str, str | None, str | None]], column: int) -> float:
        return round(sum(r[column] == r[1] for r in subset) / len(subset), 4) if subset else 0.0

    fit = [r for r in rows if r[0] < fit_rows]
    held = [r for r in rows if r[0] >= fit_rows]
    n = len(rows)
    metrics = {"accuracy": accuracy(rows, 2), "accuracy_uncalibrated": accuracy(rows, 3),
               "accuracy_fit_rows": accuracy(fit, 2), "accuracy_held_out": accuracy(held, 2),
               "accuracy_held_out_uncalibrated": accuracy(held, 3), "held_out_n": len(held),
               "invalid_rate": round(sum(r[2] is None for r in rows) / n, 4)}
    shares = {f"predicted_{label}": round(sum(r[2] == label for r in rows) / n, 4) for label in LABELS}
    return metrics | shares


class PubMedQADirectTask(PubMedQATask):
    """PubMedQA with the label scored right after the abstract and question."""

    name = "pubmedqa-direct"
    description = "PubMedQA accuracy, label scored directly after the abstract (PQA-L JSON)"
    reason = False


class PubMedQAReasonTask(PubMedQATask):
    """PubMedQA with the label scored after the model's one-sentence reading of the results."""

    name = "pubmedqa-reason"
    description = "PubMedQA accuracy, label scored after a one-sentence reading of the results (PQA-L JSON)"
    reason = True


register(PubMedQATask())
register(PubMedQADirectTask())
register(PubMedQAReasonTask())
