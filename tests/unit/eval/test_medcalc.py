"""The ``medcalc`` and ``medcalc-llm`` eval tasks on two synthetic rows in the upstream columns."""

from pathlib import Path

from edge_assist.eval import run_task
from edge_assist.models.fakes import FakeChatModel

DATA = Path(__file__).parents[2] / "data" / "eval" / "medcalc_tiny.csv"


def test_rules_score_gold_and_note_with_timing(assistant) -> None:
    """Gold inputs are right on both rows; the rules read the BMI note but not 'pressures 120 and 80'."""
    result = run_task("medcalc", DATA, assistant)
    m = result.metrics
    assert (result.n, result.model) == (2, "rules")
    assert m["gold_accuracy"] == 1.0 and m["note_accuracy"] == 0.5
    assert m["note_misses_no_value"] == 1
    assert m["llm_asked_rows"] == 0 and "llm_row_ms_p50" not in m
    assert 0 <= m["note_ms_p50"] <= m["note_ms_p95"] <= m["note_ms_max"]


def test_llm_fallback_is_counted_and_timed_per_row(assistant) -> None:
    """The model is asked only for the row the rules missed; its numbers occur in the note, so they count."""
    FakeChatModel.enqueue('{"sbp": 120, "dbp": 80}')
    result = run_task("medcalc-llm", DATA, assistant)
    m = result.metrics
    assert m["note_accuracy"] == 1.0 and m["llm_asked_rows"] == 1
    assert len(assistant.llm.calls) == 1
    assert m["llm_row_ms_max"] >= m["llm_row_ms_p50"] >= 0
    assert result.model == "fake-chat"
