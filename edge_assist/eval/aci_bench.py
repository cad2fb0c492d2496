"""ACI-Bench: full visit notes from doctor-patient conversations, scored by ROUGE.

Reads the upstream CSV unchanged (``dataset, encounter_id, dialogue, note``;
Yim et al. 2023, CC BY 4.0) and writes each note with the ``aci`` template.
Scores are ROUGE-1/2/L F1 (Google's ``rouge-score``, no stemming, as the
Hugging Face ``evaluate`` default the upstream scripts call) of the whole
note, and of the four section groups the paper reports (subjective, objective
exam, objective results, assessment and plan), each averaged over the
encounters whose reference has that group. Headers are mapped to groups the
way the ACI-Bench evaluation divides notes; the note's draft label is not scored.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from edge_assist.assistant import Assistant
from edge_assist.errors import InputError
from edge_assist.eval.base import EvalResult, EvalTask, Progress, read_csv_rows, register

GROUPS = ("subjective", "objective_exam", "objective_results", "assessment_and_plan")
_HEADER_GROUP = {
    "CHIEF COMPLAINT": "subjective", "HISTORY OF PRESENT ILLNESS": "subjective", "HPI": "subjective",
    "REVIEW OF SYSTEMS": "subjective", "SOCIAL HISTORY": "subjective", "FAMILY HISTORY": "subjective",
    "MEDICAL HISTORY": "subjective", "PAST HISTORY": "subjective", "PAST MEDICAL HISTORY": "subjective",
    "SURGICAL HISTORY": "subjective", "MEDICATIONS": "subjective", "CURRENT MEDICATIONS": "subjective",
    "ALLERGIES": "subjective", "BIRTH HISTORY": "subjective", "INTERVAL HISTORY": "subjective",
    "SUBJECTIVE": "subjective",
    "PHYSICAL EXAM": "objective_exam", "PHYSICAL EXAMINATION": "objective_exam", "EXAM": "objective_exam",
    "EXAMINATION": "objective_exam", "VITALS": "objective_exam", "VITALS REVIEWED": "objective_exam",
    "VITAL SIGNS": "objective_exam", "OBJECTIVE": "objective_exam",
    "RESULTS": "objective_results", "IMAGING": "objective_results", "LABS": "objective_results",
    "ASSESSMENT AND PLAN": "assessment_and_plan", "ASSESSMENT": "assessment_and_plan",
    "PLAN": "assessment_and_plan", "IMPRESSION": "assessment_and_plan",
    "INSTRUCTIONS": "assessment_and_plan", "PROCEDURE": "assessment_and_plan",
}
_HEADER = re.compile(r"^[A-Z][A-Z /&]{1,40}$")
_COLUMNS = ("dataset", "encounter_id", "dialogue", "note")


def read_encounters(path: Path) -> Iterator[dict[str, str]]:
    """Rows of an ACI-Bench CSV, checked for the columns this task needs.

    Raises:
        InputError: not a CSV with ``dataset, encounter_id, dialogue, note``.
    """
    yield from read_csv_rows(path, _COLUMNS,
                             "give an ACI-Bench challenge_data CSV (train.csv, valid.csv)")


def split_groups(note: str) -> dict[str, str]:
    """The note's text per section group; text before any known header counts as subjective."""
    parts: dict[str, list[str]] = {g: [] for g in GROUPS}
    group = "subjective"
    for line in note.splitlines():
        stripped = line.strip()
        if _HEADER.match(stripped) and stripped in _HEADER_GROUP:
            group = _HEADER_GROUP[stripped]
        parts[group].append(line)
    return {g: "\n".join(lines).strip() for g, lines in parts.items()}


def rouge_scores(prediction: str, reference: str) -> dict[str, float]:
    """ROUGE-1/2/L F1 of ``prediction`` against ``reference``."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False)
    return {k: v.fmeasure for k, v in scorer.score(reference, prediction).items()}


class AciBenchTask(EvalTask):
    """ROUGE of the ``aci`` template's notes against ACI-Bench reference notes."""

    name = "aci-bench"
    description = "ACI-Bench visit notes: ROUGE-1/2/L, full note and per section group (CSV)"
    data_file = "valid.csv"
    writer = "extractive"

    def run(self, data: Path, assistant: Assistant, limit: int | None,
            progress: Progress | None = None) -> EvalResult:
        path = self.locate(data)
        full: list[dict[str, float]] = []
        groups: dict[str, list[float]] = {g: [] for g in GROUPS}
        seconds: list[float] = []
        for row in read_encounters(path):
            if limit is not None and len(full) >= limit:
                break
            note = assistant.note(row["dialogue"], template="aci", writer=self.writer)
            seconds.append(note.timings.get("total", 0.0))
            self._score(note.text(label=False), row["note"], full, groups)
            if progress:
                progress(1)
        if not full:
            raise InputError(f"{path.name} has no encounters")
        return EvalResult(self.name, str(path), len(full), self._metrics(full, groups, seconds),
                          model=assistant.model_id("llm") if self.writer != "extractive" else "rules",
                          notes=[f"writer={self.writer}; ROUGE F1, no stemming; group scores over "
                                 "encounters whose reference has the group"])

    @staticmethod
    def _score(prediction: str, reference: str, full: list[dict[str, float]],
               groups: dict[str, list[float]]) -> None:
        full.append(rouge_scores(prediction, reference))
        pred_groups, ref_groups = split_groups(prediction), split_groups(reference)
        for group in GROUPS:
            if ref_groups[group]:
                groups[group].append(rouge_scores(pred_groups[group], ref_groups[group])["rouge1"])

    @staticmethod
    def _metrics(full: list[dict[str, float]], groups: dict[str, list[float]],
                 seconds: list[float]) -> dict[str, Any]:
        metrics = {k: round(statistics.mean(s[k] for s in full), 4) for k in ("rouge1", "rouge2", "rougeL")}
        for group, values in groups.items():
            if values:
                metrics[f"{group}_rouge1"] = round(statistics.mean(values), 4)
        metrics["seconds_per_encounter"] = round(statistics.mean(seconds), 2)
        return metrics


class AciBenchLlmTask(AciBenchTask):
    """The same, with every section written by the profile's chat model."""

    name = "aci-bench-llm"
    description = "ACI-Bench with the LLM writing each section under a JSON schema (slow on CPU)"
    writer = "llm"


register(AciBenchTask())
register(AciBenchLlmTask())
