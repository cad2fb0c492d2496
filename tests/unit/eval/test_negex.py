"""The negex task on a hand-made five-row TSV in the upstream format."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge_assist.errors import InputError
from edge_assist.eval import run_task
from edge_assist.eval.negex import binary_metrics, locate

DATA = Path(__file__).parents[2] / "data" / "extract"


def test_negex_task_scores_the_tiny_kit(assistant) -> None:
    """All five rows right: accuracy and F1 are 1."""
    result = run_task("negex", DATA / "negex_tiny.tsv", assistant)
    assert result.n == 5
    assert result.metrics["accuracy"] == 1.0 and result.metrics["f1"] == 1.0
    assert result.metrics["heldout_n"] == 2


def test_concept_is_found_in_capitals_first() -> None:
    """The kit capitalises the concept; that occurrence is the one scored."""
    assert locate("fever", "fever was low. FEVER again") == (15, 20)


def test_binary_metrics() -> None:
    """Precision, recall and F1 of the positive class."""
    m = binary_metrics([True, True, False, False], [True, False, True, False])
    assert m == {"accuracy": 0.5, "precision": 0.5, "recall": 0.5, "f1": 0.5}


def test_wrong_format_is_an_input_error(tmp_path: Path, assistant) -> None:
    """A TSV without the kit's columns is refused clearly."""
    bad = tmp_path / "x.tsv"
    bad.write_text("a\tb\n1\t2\n")
    with pytest.raises(InputError, match="NegEx"):
        run_task("negex", bad, assistant)
