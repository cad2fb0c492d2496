"""LLM polish of a facts section: kept only when it adds no number, drug or negation and drops none."""

from __future__ import annotations

import json

import pytest

from edge_assist.extract.dialogue.types import Fact
from edge_assist.models.fakes import FakeChatModel
from edge_assist.notes.facts_writer import write_section
from edge_assist.notes.polish import polish_section
from edge_assist.notes.templates import load_template

_FACTS = [Fact("complaint", "cough", attrs={"duration": "4 days"}, turns=[1]),
          Fact("complaint", "fever", "absent", turns=[2, 3]),
          Fact("medication", "salbutamol", attrs={"dose": "100 mcg"}, turns=[4])]
_SPEC = load_template("soap").sections[0]


@pytest.fixture
def llm(assistant):  # type: ignore[no-untyped-def]
    """The fake chat model of the fake Assistant."""
    return assistant.llm


def _polished(llm, *sentences: dict) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    FakeChatModel.enqueue(json.dumps({"sentences": list(sentences)}))
    section = write_section(_SPEC, _FACTS)
    result = polish_section(_SPEC, section, llm)
    return [s.text for s in section.sentences], [s.text for s in result.sentences]


def test_a_faithful_polish_is_kept_with_its_lines_turns(llm) -> None:  # type: ignore[no-untyped-def]
    """Same facts, smoother words: the polish replaces the lines and cites their turns."""
    FakeChatModel.enqueue(json.dumps({"sentences": [
        {"text": "Cough for 4 days without fever; uses salbutamol 100 mcg.", "lines": [1, 2, 3]}]}))
    section = write_section(_SPEC, _FACTS)
    result = polish_section(_SPEC, section, llm)
    assert [s.text for s in result.sentences] == ["Cough for 4 days without fever; uses salbutamol 100 mcg."]
    assert result.sentences[0].turns == [1, 2, 3, 4] and result.sentences[0].writer == "llm"


def test_an_invented_number_keeps_the_rules_lines(llm) -> None:  # type: ignore[no-untyped-def]
    """A dose the lines do not carry: the rewrite is refused."""
    rules, kept = _polished(llm, {"text": "Cough for 4 days, no fever; salbutamol 200 mcg.",
                                  "lines": [1, 2, 3]})
    assert kept == rules


def test_a_dropped_negation_keeps_the_rules_lines(llm) -> None:  # type: ignore[no-untyped-def]
    """A rewrite that loses "no fever" is refused."""
    rules, kept = _polished(llm, {"text": "Cough for 4 days; salbutamol 100 mcg.", "lines": [1, 3]})
    assert kept == rules


def test_an_added_negation_keeps_the_rules_lines(llm) -> None:  # type: ignore[no-untyped-def]
    """A rewrite that denies something the facts never mention is refused."""
    rules, kept = _polished(llm, {"text": "Cough for 4 days, no fever, no chest pain; salbutamol 100 mcg.",
                             "lines": [1, 2, 3]})
    assert kept == rules


def test_an_unusable_reply_keeps_the_rules_lines(llm) -> None:  # type: ignore[no-untyped-def]
    """An empty answer changes nothing."""
    rules, kept = _polished(llm)
    assert kept == rules
