"""The retrieval task: recall@k of each question's own abstract, on the fake embedder."""

from pathlib import Path

from edge_assist.eval import run_task

DATA = Path(__file__).parents[2] / "data" / "index" / "pubmedqa_tiny.json"


def test_recall_is_reported_for_hybrid_and_bm25(assistant) -> None:
    """Every question finds its own abstract in the top 3 of three."""
    result = run_task("retrieval", DATA, assistant)
    assert result.n == 3
    assert result.metrics["recall@3"] == 1.0 and result.metrics["bm25_recall@3"] == 1.0
    assert 0 < result.metrics["mrr"] <= 1


def test_medmcqa_with_retrieval_quotes_passages(assistant) -> None:
    """medmcqa-rag puts the index's top passages before the question."""
    from edge_assist.index.ingest import add_paths
    from edge_assist.models.fakes import FakeChatModel

    add_paths(assistant.open_index(create=True), [DATA.parent / "corpus"], assistant.embedder)
    FakeChatModel.enqueue('{"answer": "A"}')
    result = run_task("medmcqa-rag", DATA.parents[1] / "eval" / "medmcqa_tiny.jsonl", assistant, limit=1)
    assert result.n == 1
    user = assistant.llm.calls[-1][0][1].content
    assert user.startswith("Reference passages")
