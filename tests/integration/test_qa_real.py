"""Cited QA and retrieval on the real encoder and LLM (skipped when they are not pulled)."""

from __future__ import annotations

import pytest

from edge_assist.assistant import Assistant
from edge_assist.index.defaults import build_default

pytestmark = pytest.mark.real_models


@pytest.fixture
def real_assistant(need, tmp_path, monkeypatch):
    """An Assistant on the default profile's real models with the guideline pack in a temp index."""
    need("qwen2.5-coder-0.5b-instruct-q4_k_m", "all-minilm-l6-v2-int8")
    monkeypatch.setenv("EDGE_ASSIST_INDEX__DB_PATH", str(tmp_path / "index.db"))
    from edge_assist.settings import load_settings

    with Assistant(load_settings(profile="default")) as assistant:
        build_default(assistant.open_index(create=True), assistant.embedder, icd=False)
        yield assistant


def test_real_search_finds_the_gout_guideline(real_assistant) -> None:
    """Hybrid search with MiniLM puts the ACR gout flare section first."""
    hits = real_assistant.open_index().search("first-line treatment of an acute gout flare",
                                              real_assistant.embedder, k=3)
    assert "acr_gout_2020" in hits[0].source and hits[0].doi


def test_real_ask_cites_or_abstains_honestly(real_assistant) -> None:
    """The 0.5B model's answer is either supported and cited, or an abstention with passages."""
    answer = real_assistant.ask("What is the first-line treatment for an acute gout flare?")
    assert answer.citations
    if not answer.abstained:
        assert all(s.supported for s in answer.sentences if s.text in answer.text)
        assert "[" in answer.text
    assert answer.timings["total"] > 0


def test_real_ask_abstains_off_topic(real_assistant) -> None:
    """A question the guidelines do not cover is not answered from model memory."""
    answer = real_assistant.ask("What is the boiling point of liquid nitrogen in a dewar?")
    assert answer.abstained or all(s.supported for s in answer.sentences if s.text in answer.text)
