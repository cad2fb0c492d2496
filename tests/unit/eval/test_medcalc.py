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


def _write_rows(path: Path, rows: list[tuple[str, ...]]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Calculator ID", "Category", "Output Type", "Patient Note", "Relevant Entities",
                         "Ground Truth Answer", "Lower Limit", "Upper Limit"])
        writer.writerows(rows)
    return path


BMI_ROW = ("6", "physical", "decimal", "A 40-year-old man weighs 80 kg and is 180 cm tall.",
           '{"weight": [80, "kg"], "height": [180, "cm"]}', "24.691", "23.456", "25.926")
# RCRI carries benchmark_label_issue; this row is right from gold inputs and from the note alike.
RCRI_ROW = ("17", "risk", "integer", "A 60-year-old man for knee surgery. Serum creatinine 1.0 mg/dL.",
            '{"creatinine": [1.0, "mg/dL"]}', "0", "0", "0")
# A gold weight of 900 kg is refused by the range check: a defect in the row, not in the formula.
REFUSED_ROW = ("6", "physical", "decimal", "A man weighs 80 kg and is 180 cm tall.",
               '{"weight": [900, "kg"], "height": [180, "cm"]}', "24.691", "23.456", "25.926")


def test_clean_figures_drop_every_row_of_a_flagged_calculator(assistant, tmp_path: Path) -> None:
    """A right answer on a flagged calculator is not kept as a win: the whole row leaves the clean figures."""
    data = _write_rows(tmp_path / "rows.csv", [BMI_ROW, RCRI_ROW, REFUSED_ROW])
    m = run_task("medcalc", data, assistant).metrics
    assert m["n"] == 3 and m["gold_accuracy"] == round(2 / 3, 4)
    assert m["rows_excluding_known_label_errors"] == 1
    assert m["gold_accuracy_excluding_known_label_errors"] == 1.0
    assert "gold_accuracy_excluding_known_label_errors/category/risk" not in m


def test_rows_fall_in_tune_or_check_by_the_hash_of_the_note(assistant, tmp_path: Path) -> None:
    """Each row is in exactly one part, fixed by its note's SHA-256; both parts report per category."""
    import hashlib

    from edge_assist.eval.medcalc import part_of

    first_byte = hashlib.sha256(BMI_ROW[3].encode()).digest()[0]
    assert part_of(BMI_ROW[3]) == ("tune" if first_byte < 128 else "check")
    data = _write_rows(tmp_path / "rows.csv", [BMI_ROW, RCRI_ROW, REFUSED_ROW])
    m = run_task("medcalc", data, assistant).metrics
    parts = {part_of(row[3]) for row in (BMI_ROW, RCRI_ROW, REFUSED_ROW)}
    assert sum(m.get(f"{p}_n", 0) for p in ("tune", "check")) == 3
    for p in parts:
        assert f"{p}_note_accuracy" in m and f"{p}_rows_excluding_known_label_errors" in m
        assert any(k.startswith(f"{p}_note_accuracy/category/") for k in m)
