"""The safety checks against their own case set: no planted violation may pass unflagged.

``safety_cases.toml`` holds hand-written transcript/sentence pairs with the
flags each must raise (none for supported sentences). The issue's target is
"zero flagged contradictions left unflagged in the safety checks' own test
cases"; the summary test asserts exactly that, and every case also runs on
its own so a failure names it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from edge_assist.notes import safety
from edge_assist.notes.transcript import parse
from edge_assist.notes.types import NoteSection, NoteSentence

CASES: list[dict[str, Any]] = tomllib.loads((Path(__file__).parent / "safety_cases.toml").read_text("utf-8"))[
    "cases"]


def _kinds(case: dict[str, Any]) -> set[str]:
    facts = safety.transcript_facts(parse(case["transcript"]).turns)
    section = NoteSection("s", "S", [NoteSentence(case["sentence"])])
    safety.check_sections([section], facts)
    return {flag.kind for flag in section.sentences[0].flags}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_each_case_gets_exactly_its_flags(case: dict[str, Any]) -> None:
    """Planted violations are flagged with their kind; supported sentences are not flagged."""
    assert _kinds(case) == set(case["expect"])


def test_no_contradiction_in_the_case_set_is_left_unflagged() -> None:
    """The issue's target: every planted negation contradiction is flagged (and the set has enough)."""
    planted = [c for c in CASES if "contradicts_negation" in c["expect"]]
    missed = [c["name"] for c in planted if "contradicts_negation" not in _kinds(c)]
    assert len(planted) >= 10 and missed == []


def test_supported_sentences_in_the_case_set_raise_no_flag() -> None:
    """The checks do not cry wolf on what the transcript does say."""
    supported = [c for c in CASES if not c["expect"]]
    assert len(supported) >= 8 and all(_kinds(c) == set() for c in supported)
