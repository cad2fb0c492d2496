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
    FakeChatModel.enqueue(*(f'{{"conclusion": "c", "answer": "{a}"}}' for a in ("yes", "no", "yes")))
    result = run_task("pubmedqa", DATA, assistant)
    assert result.n == 3
    assert result.metrics["accuracy"] == 0.6667
    assert result.metrics["predicted_yes"] + result.metrics["predicted_no"] == 1.0


def test_schema_is_a_yes_no_maybe_enum(assistant) -> None:
    """The request is constrained to the three labels."""
    FakeChatModel.enqueue('{"conclusion": "Results were mixed.", "answer": "maybe"}')
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


def test_conclusion_comes_before_the_label(assistant) -> None:
    """The model states the conclusion first, so the label follows from it; both are required."""
    run_task("pubmedqa", DATA, assistant, limit=1)
    _, _, options = assistant.llm.calls[-1]
    assert list(options.json_schema["properties"]) == ["conclusion", "answer"]
    assert options.json_schema["required"] == ["conclusion", "answer"]
    assert options.max_tokens >= 60


def test_direct_variant_asks_for_the_label_only(assistant) -> None:
    """pubmedqa-direct keeps the bare yes/no/maybe schema."""
    FakeChatModel.enqueue('{"answer": "no"}')
    result = run_task("pubmedqa-direct", DATA, assistant, limit=1)
    _, _, options = assistant.llm.calls[-1]
    assert list(options.json_schema["properties"]) == ["answer"]
    assert result.task == "pubmedqa-direct" and result.metrics["predicted_no"] == 1.0
