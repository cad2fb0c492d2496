"""ConText assertion: each attribute, scope termination, pseudo-triggers and the rules loader."""

from __future__ import annotations

import pytest

from edge_assist.errors import ConfigError
from edge_assist.extract import assert_concept
from edge_assist.extract.context import ConText
from edge_assist.extract.lexicon import ContextRule, phrase_regex


def _assert(sentence: str, target: str):
    start = sentence.index(target)
    return assert_concept(sentence, start, start + len(target))


@pytest.mark.parametrize(("sentence", "target", "attribute"), [
    ("The patient denies chest pain.", "chest pain", "is_negated"),
    ("Pneumonia was ruled out.", "Pneumonia", "is_negated"),
    ("Findings are suspicious for pneumonia.", "pneumonia", "is_uncertain"),
    ("She has a history of stroke.", "stroke", "is_historical"),
    ("Her mother had breast cancer.", "breast cancer", "is_family"),
    ("Return if you develop fever.", "fever", "is_hypothetical"),
])
def test_each_attribute_is_set_by_its_trigger(sentence: str, target: str, attribute: str) -> None:
    """Every ConText category sets its own named attribute and no other."""
    assertion = _assert(sentence, target)
    assert getattr(assertion, attribute)
    others = {"is_negated", "is_uncertain", "is_historical", "is_family", "is_hypothetical"} - {attribute}
    assert not any(getattr(assertion, name) for name in others)
    assert assertion.triggers and sentence[assertion.triggers[0].start:assertion.triggers[0].end]


def test_plain_mention_is_present() -> None:
    """A finding with no trigger is present, about the patient, now."""
    assert _assert("Patient has chest pain.", "chest pain").label == "present"


def test_scope_stops_at_a_terminator() -> None:
    """'but' ends a negation scope: the finding after it is affirmed."""
    sentence = "No fever but has a cough."
    assert _assert(sentence, "fever").is_negated
    assert not _assert(sentence, "cough").is_negated


def test_scope_covers_a_list() -> None:
    """A forward trigger reaches every item of a list, 'and' included."""
    sentence = "Denies nausea, vomiting and diarrhea."
    assert all(_assert(sentence, t).is_negated for t in ("nausea", "vomiting", "diarrhea"))


def test_scope_stops_at_the_sentence_end() -> None:
    """Negation does not leak into the next sentence."""
    text = "No fever. Cough is present."
    assert not _assert(text, "Cough").is_negated


def test_pseudo_trigger_blocks_negation() -> None:
    """'no change' is a pseudo-trigger: the finding after it is not negated."""
    assert not _assert("No change in the effusion.", "effusion").is_negated
    assert not _assert("Gram negative rods grew.", "rods").is_negated


def test_hyphenated_word_is_not_a_trigger() -> None:
    """'heme-negative' does not negate what precedes it."""
    assert not _assert("Diarrhea, stool heme-negative.", "Diarrhea").is_negated


def test_max_scope_limits_one_word_triggers() -> None:
    """A rule with max_scope only reaches that many tokens."""
    rule = ContextRule.from_dict({"literal": "prior", "category": "historical", "direction": "forward",
                                  "max_scope": 2})
    ctx = ConText([rule])
    text = "prior stroke and then much later an unrelated fracture"
    triggers = ctx.triggers(text)
    assert ctx.assert_span(triggers, text, (0, len(text)), 6, 12).is_historical
    assert not ctx.assert_span(triggers, text, (0, len(text)), 45, 53).is_historical


def test_rule_with_unknown_key_is_rejected() -> None:
    """A misspelt key is an error naming the allowed keys, as in medspaCy."""
    with pytest.raises(ConfigError) as info:
        ContextRule.from_dict({"literal": "no", "category": "negated", "direction": "forward",
                               "scope": 3})
    assert "allowed keys" in info.value.hint


def test_rule_with_unknown_category_is_rejected() -> None:
    """Categories are a closed set."""
    with pytest.raises(ConfigError):
        ContextRule.from_dict({"literal": "no", "category": "absent", "direction": "forward"})


def test_phrase_regex_allows_spacing_and_symbols() -> None:
    """Phrases match across extra spaces; symbol-edged literals need no word boundary."""
    import re

    assert re.search(phrase_regex("rule out"), "rule   out mi")
    assert re.search(phrase_regex("?"), "pneumonia?")
