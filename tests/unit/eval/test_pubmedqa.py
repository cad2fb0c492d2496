"""PubMedQA task on the fake model: reading the upstream JSON, scoring, bad input."""

from pathlib import Path

import pytest

from edge_assist.errors import InputError
from edge_assist.eval import run_task
from edge_assist.eval.pubmedqa import prompt_for, read_items
from edge_assist.models.fakes import FakeChatModel

DATA = Path(__file__).parents[2] / "data" / "index" / "pubmedqa_tiny.json"


def test_accuracy_and_prediction_shares(assistant) -> None:
    """Two right of three; predicted shares add up to one."""
    FakeChatModel.enqueue('{"answer": "yes"}', '{"answer": "no"}', '{"answer": "yes"}')
    result = run_task("pubmedqa", DATA, assistant)
    assert result.n == 3
    assert result.metrics["accuracy"] == 0.6667
    assert result.metrics["predicted_yes"] + result.metrics["predicted_no"] == 1.0


def test_schema_is_a_yes_no_maybe_enum(assistant) -> None:
    """The request is constrained to the three labels."""
    FakeChatModel.enqueue('{"answer": "maybe"}')
    run_task("pubmedqa", DATA, assistant, limit=1)
    _, _, options = assistant.llm.calls[-1]
    assert options.json_schema["properties"]["answer"]["enum"] == ["yes", "no", "maybe"]


def test_long_answer_is_never_shown() -> None:
    """The abstract's conclusion (the label's source) stays out of the prompt."""
    item = next(read_items(DATA))
    user = prompt_for(item)[1].content
    assert "Methods: We randomised" in user and "Colchicine relieves flares" not in user


def test_invalid_output_counts(assistant) -> None:
    """Output that fails the schema is scored wrong and counted invalid."""
    FakeChatModel.enqueue("not json")
    assert run_task("pubmedqa", DATA, assistant, limit=1).metrics["invalid_rate"] == 1.0


def test_malformed_file_is_input_error(tmp_path) -> None:
    """A file that is not PQA-L JSON names the problem."""
    bad = tmp_path / "x.json"
    bad.write_text('{"1": {"QUESTION": "q"}}')
    with pytest.raises(InputError, match="not a PubMedQA item"):
        list(read_items(bad))
