"""qa-support task on fakes: supported-sentence share and abstention through the real ask pipeline."""

from pathlib import Path

from edge_assist.eval import run_task
from edge_assist.models.fakes import FakeChatModel

DATA = Path(__file__).parents[2] / "data" / "index" / "pubmedqa_tiny.json"


def test_support_share_and_abstention(assistant) -> None:
    """A faithful answer counts as supported; an invented one is unsupported and abstains."""
    FakeChatModel.enqueue("Adults with gout flares were randomised to colchicine or placebo.",
                          "Unicorn tears cure sepsis overnight.")
    result = run_task("qa-support", DATA, assistant, limit=2)
    m = result.metrics
    assert result.n == 2
    assert m["answer_sentences"] == 2
    assert m["drafted_supported_share"] == 0.5 and m["dropped_share"] == 0.5
    assert m["shown_sentences"] == 1 and m["shown_supported_share"] == 1.0
    assert m["abstention_rate"] == 0.5
    assert m["own_abstract_cited"] == 1.0
    assert m["model_cited_share"] == 0.0  # no [n] markers: the checker attached the passages


def test_questions_see_abstracts_as_quoted_passages(assistant) -> None:
    """The model is asked from the indexed abstract sections, numbered, never from the label."""
    FakeChatModel.enqueue("Pain fell more with colchicine than placebo [1].")
    run_task("qa-support", DATA, assistant, limit=1)
    _, user = assistant.llm.calls[-1][0]
    assert "[1] (" in user.content and "colchicine" in user.content
    assert "Colchicine relieves flares" not in user.content
