"""`doctor` and `eval` through the CLI."""

import json
from pathlib import Path

from click.testing import CliRunner

from edge_assist.cli import cli

DATA = Path(__file__).parents[1] / "data"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_doctor_json_reports_hardware_profile_models_and_guard() -> None:
    """doctor --json has the sections a hospital IT team checks."""
    result = run("--profile", "default", "doctor", "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["hardware"]["physical_cores"] >= 1
    assert report["recommended_profile"] in ("tiny", "default", "quality")
    assert report["active_profile"] == "default"
    assert {m["role"] for m in report["models"]} == {"llm", "embedder", "transcriber"}
    assert report["offline"]["guard_active"] is True
    assert report["offline"]["guard_blocked_probe"] is True


def test_doctor_text_lists_problems_with_fixes() -> None:
    """Models that are not pulled are listed with the command that fixes them."""
    result = run("doctor")
    assert "Offline guard  active" in result.output
    assert "edge-assist models pull" in result.output


def test_eval_list_names_tasks() -> None:
    """eval --list shows the registered tasks."""
    assert "medmcqa" in run("eval", "--list").output


def test_eval_unknown_task_exits_7() -> None:
    """An unknown task lists the known ones."""
    result = run("eval", "nope", "--data", str(DATA))
    assert result.exit_code == 7
    assert "medmcqa" in result.output


def test_eval_missing_data_exits_7(tmp_path: Path) -> None:
    """--data that holds no data file is an input error."""
    result = run("eval", "medmcqa", "--data", str(tmp_path))
    assert result.exit_code == 7
    assert "medmcqa_dev.jsonl" in result.output


def test_eval_malformed_rows_exit_7(tmp_path: Path) -> None:
    """A file that is not MedMCQA JSONL names the bad line."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "q"}\n')
    result = run("eval", "medmcqa", "--data", str(bad))
    assert result.exit_code == 7
    assert "line 1" in result.output
