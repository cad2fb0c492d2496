"""The glaucoma-meds task on a hand-made JSONL in the upstream format."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge_assist.errors import InputError
from edge_assist.eval import run_task
from edge_assist.eval.glaucoma import Counts, predict

DATA = Path(__file__).parents[2] / "data" / "extract"


def test_glaucoma_task_scores_the_tiny_file(assistant) -> None:
    """The tagger gets the hand-made rows right; the '***' label is ignored."""
    result = run_task("glaucoma-meds", DATA / "glaucoma_tiny.jsonl", assistant)
    assert result.n == 5
    assert result.metrics["micro_f1"] == 1.0
    assert result.metrics["DRUG_f1"] == 1.0 and result.metrics["ADHERENCE_f1"] == 1.0
    assert "heldout_micro_f1" in result.metrics


def test_row_without_drug_yields_nothing() -> None:
    """'twice a day' about warm compresses is not a medication frequency."""
    assert predict("Warm compresses twice a day") == set()


def test_overlap_counts_partial_spans() -> None:
    """A span that shares characters counts for overlap, not exact."""
    c = Counts()
    c.add({(0, 10, "DRUG")}, {(0, 8, "DRUG")})
    assert (c.tp, c.fp, c.fn, c.otp, c.ofn) == (0, 1, 1, 1, 0)


def test_bad_row_is_an_input_error(tmp_path: Path, assistant) -> None:
    """A row without labels is refused clearly."""
    bad = tmp_path / "g.jsonl"
    bad.write_text('{"text": "x"}\n')
    with pytest.raises(InputError, match="glaucoma"):
        run_task("glaucoma-meds", bad, assistant)
