"""The eval framework and the MedMCQA task on a fake model."""

from pathlib import Path

from edge_assist.eval import run_task
from edge_assist.models.fakes import FakeChatModel

DATA = Path(__file__).parents[2] / "data" / "eval" / "medmcqa_tiny.jsonl"


def test_accuracy_counts_correct_letters(assistant) -> None:
    """Two right, one wrong: accuracy 2/3, nothing invalid."""
    FakeChatModel.enqueue('{"answer": "A"}', '{"answer": "B"}', '{"answer": "D"}')
    result = run_task("medmcqa", DATA, assistant)
    assert result.n == 3
    assert result.metrics == {"accuracy": 0.6667, "invalid_rate": 0.0}
    assert result.model == "fake-chat"


def test_invalid_output_counts_as_wrong_and_invalid(assistant) -> None:
    """Output that fails the schema is scored wrong and counted."""
    FakeChatModel.enqueue("not json")
    result = run_task("medmcqa", DATA, assistant, limit=1)
    assert result.metrics == {"accuracy": 0.0, "invalid_rate": 1.0}


def test_schema_forces_a_letter(assistant) -> None:
    """The generation request carries the enum schema."""
    FakeChatModel.enqueue('{"answer": "A"}')
    run_task("medmcqa", DATA, assistant, limit=1)
    _, _, options = assistant.llm.calls[-1]
    assert options.json_schema["properties"]["answer"]["enum"] == ["A", "B", "C", "D"]


def test_data_root_with_one_folder_per_set_is_accepted(assistant, tmp_path) -> None:
    """``--data`` may name the folder holding each data set in its own subfolder."""
    (tmp_path / "medmcqa").mkdir()
    (tmp_path / "medmcqa" / "medmcqa_dev.jsonl").write_bytes(DATA.read_bytes())
    FakeChatModel.enqueue('{"answer": "A"}')
    assert run_task("medmcqa", tmp_path, assistant, limit=1).n == 1
