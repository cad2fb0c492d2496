"""The aci-bench eval task: reads the upstream CSV, scores ROUGE per note and per section group."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge_assist.errors import InputError
from edge_assist.eval import get_task, run_task
from edge_assist.eval.aci_bench import rouge_scores, split_groups

DATA = Path(__file__).parents[2] / "data" / "notes"


def test_split_groups_maps_headers_to_the_four_groups() -> None:
    """Headers of ACI-Bench notes fall into subjective / exam / results / assessment and plan."""
    groups = split_groups("CHIEF COMPLAINT\n\nCough.\n\nPHYSICAL EXAM\n\nClear.\n\nRESULTS\n\nNormal.\n\n"
                          "PLAN\n\nRest.")
    assert "Cough." in groups["subjective"] and "Clear." in groups["objective_exam"]
    assert "Normal." in groups["objective_results"] and "Rest." in groups["assessment_and_plan"]


def test_rouge_of_identical_text_is_one() -> None:
    """ROUGE is the rouge-score package's F1."""
    assert rouge_scores("the cat sat", "the cat sat")["rouge1"] == pytest.approx(1.0)


def test_task_runs_on_a_mini_csv_without_a_model(assistant) -> None:
    """The extractive task scores every encounter and every group present in the reference."""
    result = run_task("aci-bench", DATA / "aci_mini.csv", assistant, limit=1)
    assert result.n == 1 and 0 < result.metrics["rouge1"] <= 1
    assert {"subjective_rouge1", "objective_exam_rouge1", "assessment_and_plan_rouge1"} <= set(result.metrics)


def test_task_refuses_a_csv_without_the_columns(assistant, tmp_path: Path) -> None:
    """A CSV that is not ACI-Bench is an input error naming the missing columns."""
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n", "utf-8")
    with pytest.raises(InputError, match="column"):
        run_task("aci-bench", bad, assistant)


def test_tasks_are_registered() -> None:
    """aci-bench and mts-dialog are listed by eval."""
    assert get_task("aci-bench").data_file == "valid.csv"
    assert get_task("mts-dialog").name == "mts-dialog"
