"""The mts-dialog eval task and the header rules it measures."""

from __future__ import annotations

from pathlib import Path

from edge_assist.eval import run_task
from edge_assist.notes.headers import classify_header

DATA = Path(__file__).parents[2] / "data" / "notes"


def test_allergy_and_surgery_exchanges_get_their_headers() -> None:
    """Cue phrases name the header of a short exchange."""
    assert classify_header("Doctor: Any allergies?\nPatient: Penicillin.") == "ALLERGY"
    assert classify_header("Doctor: Have you had any surgeries?\nPatient: Appendix out.") == "PASTSURGICAL"


def test_nothing_matched_falls_back_to_genhx() -> None:
    """No cue at all: history of present illness."""
    assert classify_header("Doctor: Hello.\nPatient: Hi.") == "GENHX"


def test_task_reports_accuracy_and_rouge(assistant) -> None:
    """The task scores header accuracy and ROUGE-1 on the upstream columns."""
    result = run_task("mts-dialog", DATA / "mts_mini.csv", assistant)
    assert result.n == 2 and result.metrics["header_accuracy"] == 1.0 and result.metrics["rouge1"] > 0
