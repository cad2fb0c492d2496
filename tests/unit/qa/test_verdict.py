"""The yes/no/maybe decider: label scoring, calibration, and its use in ``ask``."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from edge_assist.index.ingest import add_paths
from edge_assist.models.base import Message
from edge_assist.models.fakes import FakeChatModel
from edge_assist.qa import verdict

DATA = Path(__file__).parents[2] / "data" / "index"
QUESTION = [Message("system", "s"), Message("user", "Abstract: x\n\nQuestion: Does it work?")]


@pytest.mark.parametrize(("question", "expected"), [
    ("Is colchicine first-line for gout flares?", True),
    ("does CURB-65 predict mortality?", True),
    ("What is first-line therapy for gout?", False),
    ("Colchicine dose", False),
    ("Nasal fractures: is closed reduction satisfying?", True),
    ("Cold knife conization vs. LEEP. Are they the same procedure?", True),
    ("Gout flares: what is first-line therapy?", False),
])
def test_yes_no_questions_are_recognised(question: str, expected: bool) -> None:
    """Questions whose clause opens with an auxiliary verb ask for yes or no (titles included)."""
    assert verdict.is_yes_no(question) is expected


def test_spellings_are_pooled_and_renormalised(assistant) -> None:
    """"Yes" and "yes" add up; the three labels' probabilities sum to one."""
    FakeChatModel.enqueue_scores({"Yes": math.log(0.2), "yes": math.log(0.2), "No": math.log(0.1),
                                  "Maybe": math.log(0.05)})
    logprobs = verdict.label_logprobs(assistant.llm, QUESTION)
    probs = {k: math.exp(v) for k, v in logprobs.items()}
    assert sum(probs.values()) == pytest.approx(1.0)
    assert probs["yes"] == pytest.approx(0.4 / 0.55, rel=1e-3)


def test_bias_moves_a_close_call_and_ties_go_to_yes() -> None:
    """The calibration bias is added before the arg-max."""
    close = {"yes": math.log(0.45), "no": math.log(0.40), "maybe": math.log(0.15)}
    assert verdict.choose(close) == "yes"
    assert verdict.choose(close, {"no": 0.2}) == "no"
    assert verdict.choose({"yes": -1.0, "no": -1.0, "maybe": -1.0}) == "yes"


def test_direct_and_reasoned_use_their_own_bias(assistant) -> None:
    """The bias fitted for direct scoring is not applied after reasoning, and vice versa."""
    cal = verdict.Calibration(direct_bias={"no": 5.0}, reason_bias={"maybe": 5.0})
    FakeChatModel.enqueue_scores({"Yes": -0.5, "No": -1.0, "Maybe": -2.0},
                                 {"Yes": -0.5, "No": -1.0, "Maybe": -2.0})
    assert verdict.decide(assistant.llm, QUESTION, calibration=cal).label == "no"
    reasoned = verdict.decide(assistant.llm, QUESTION, reasoning="It works.", calibration=cal)
    assert reasoned.label == "maybe" and reasoned.reasoning == "It works."


def test_reason_first_generates_then_asks_in_a_follow_up(assistant) -> None:
    """With reason=True the model writes its reading, which is put before the label question."""
    FakeChatModel.enqueue("The results show it works.")
    FakeChatModel.enqueue_scores({"Yes": -0.1, "No": -3.0, "Maybe": -3.0})
    decided = verdict.decide(assistant.llm, QUESTION, calibration=verdict.Calibration(reason=True))
    messages, _, _ = assistant.llm.calls[-1]
    assert decided.label == "yes" and decided.reasoning == "The results show it works."
    assert messages[-1].content == verdict.FOLLOW_UP
    assert messages[-3].content.endswith(verdict.REASON_TURN)


@pytest.fixture
def indexed(assistant, monkeypatch):
    """The assistant with the five-passage corpus in its index, and a (neutral) calibration for the fake."""
    monkeypatch.setitem(verdict.CALIBRATION, assistant.llm.id, verdict.Calibration())
    add_paths(assistant.open_index(create=True), [DATA / "corpus"], assistant.embedder)
    return assistant


def test_no_verdict_for_a_model_without_calibration(assistant) -> None:
    """A model with no fitted calibration (no shown signal) answers without a verdict line."""
    add_paths(assistant.open_index(create=True), [DATA / "corpus"], assistant.embedder)
    FakeChatModel.enqueue("Colchicine, NSAIDs or glucocorticoids are first-line therapy for gout flares [1].")
    answer = assistant.ask("Is colchicine a first-line therapy for a gout flare?", draft=True)
    assert not answer.abstained and answer.verdict == "" and not answer.text.startswith("Yes")


def test_ask_leads_a_yes_no_answer_with_the_verdict(indexed) -> None:
    """A yes/no question gets the scored label first, read from the evidence prompt as in the eval."""
    FakeChatModel.enqueue("Colchicine, NSAIDs or glucocorticoids are first-line therapy for gout "
                          "flares [1]. Unicorn tears cure everything quickly [1].")
    FakeChatModel.enqueue_scores({"Yes": -0.2, "No": -2.0, "Maybe": -3.0})
    answer = indexed.ask("Is colchicine a first-line therapy for a gout flare?", draft=True)
    assert answer.verdict == "yes" and answer.text.startswith("Yes (the model's reading")
    assert "Unicorn" not in answer.text
    assert answer.verdict_probabilities["yes"] > 0.5
    (draft_prompt, _, _), (label_prompt, _, _) = indexed.llm.calls
    assert label_prompt[:-1] == draft_prompt[:-1]  # same evidence: the KV cache is reused
    assert label_prompt[-1].content == f"{draft_prompt[-1].content}\n\n{verdict.DIRECT_TURN}"
    assert answer.timings["first_token"] <= answer.timings["total"] and "verdict" in answer.timings


def test_open_questions_and_abstentions_get_no_verdict(indexed) -> None:
    """Only answered yes/no questions are scored."""
    FakeChatModel.enqueue("Colchicine, NSAIDs or glucocorticoids are first-line therapy for gout "
                          "flares [1].")
    assert indexed.ask("What is first-line therapy for a gout flare?", draft=True).verdict == ""
    FakeChatModel.enqueue("Gout is caused by eating too many strawberries at night [1].")
    answer = indexed.ask("Is colchicine a first-line therapy for a gout flare?", draft=True)
    assert answer.abstained and answer.verdict == "" and not FakeChatModel.scores
