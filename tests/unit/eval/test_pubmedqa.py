"""PubMedQA task on the fake model: reading the upstream JSON, label scoring, calibration, bad input."""

from pathlib import Path

import pytest

from edge_assist.errors import InputError
from edge_assist.eval import run_task
from edge_assist.eval.pubmedqa import prompt_for, read_items
from edge_assist.models.fakes import FakeChatModel
from edge_assist.qa import verdict

DATA = Path(__file__).parents[2] / "data" / "index" / "pubmedqa_tiny.json"


def _scores(label: str) -> dict[str, float]:
    """Log-probabilities that make ``label`` the model's clear first choice."""
    return {s: (-0.1 if lab == label else -4.0) for lab, spellings in verdict.SPELLINGS.items()
            for s in spellings}


def test_accuracy_and_prediction_shares(assistant) -> None:
    """Two right of three; predicted shares add up to one; no generated text is parsed."""
    FakeChatModel.enqueue_scores(_scores("yes"), _scores("no"), _scores("yes"))
    result = run_task("pubmedqa-direct", DATA, assistant)
    assert result.n == 3
    assert result.metrics["accuracy"] == 0.6667
    assert result.metrics["predicted_yes"] + result.metrics["predicted_no"] == 1.0
    assert result.metrics["held_out_n"] == 3  # no calibration for the fake: every row is held out


def test_the_label_question_follows_the_abstract(assistant) -> None:
    """Direct scoring appends the one-word instruction to the abstract and question."""
    run_task("pubmedqa-direct", DATA, assistant, limit=1)
    messages, _, _ = assistant.llm.calls[-1]
    assert "Methods: We randomised" in messages[-1].content
    assert messages[-1].content.endswith(verdict.DIRECT_TURN)


def test_reason_variant_scores_after_the_models_reading(assistant) -> None:
    """pubmedqa-reason generates a reading of the results, then scores the label in a follow-up."""
    FakeChatModel.enqueue("The trial shows colchicine relieves flares.")
    FakeChatModel.enqueue_scores(_scores("yes"))
    result = run_task("pubmedqa-reason", DATA, assistant, limit=1)
    messages, _, _ = assistant.llm.calls[-1]
    assert [m.role for m in messages[-2:]] == ["assistant", "user"]
    assert messages[-2].content.startswith("The trial shows")
    assert result.metrics["accuracy"] == 1.0


def test_calibration_bias_changes_the_label(assistant, monkeypatch) -> None:
    """A fitted bias for "maybe" turns a close call into maybe; the uncalibrated label is kept."""
    cal = verdict.Calibration(direct_bias={"maybe": 3.0})
    monkeypatch.setitem(verdict.CALIBRATION, assistant.llm.id, cal)
    FakeChatModel.enqueue_scores(*[{"Yes": -0.9, "No": -1.2, "Maybe": -1.5}] * 3)
    result = run_task("pubmedqa", DATA, assistant)
    assert result.metrics["predicted_maybe"] == 1.0
    assert result.metrics["accuracy"] == 0.3333 and result.metrics["accuracy_uncalibrated"] == 0.3333


def test_long_answer_is_never_shown() -> None:
    """The abstract's conclusion (the label's source) stays out of the prompt."""
    item = next(read_items(DATA))
    user = prompt_for(item)[1].content
    assert "Methods: We randomised" in user and "Colchicine relieves flares" not in user


def test_model_that_cannot_score_counts_invalid(assistant, monkeypatch) -> None:
    """A backend without token scores is counted invalid, not crashed on."""
    from edge_assist.errors import ModelTaskError

    def refuse(*args: object) -> list[float]:
        raise ModelTaskError("cannot score")

    monkeypatch.setattr(type(assistant.llm), "_choice_logprobs", refuse)
    assert run_task("pubmedqa-direct", DATA, assistant, limit=1).metrics["invalid_rate"] == 1.0


def test_malformed_file_is_input_error(tmp_path) -> None:
    """A file that is not PQA-L JSON names the problem."""
    bad = tmp_path / "x.json"
    bad.write_text('{"1": {"QUESTION": "q"}}')
    with pytest.raises(InputError, match="not a PubMedQA item"):
        list(read_items(bad))
