"""The support checker's cues: polarity and direction flips, framing openers, echoed labels."""

from __future__ import annotations

import pytest

from edge_assist.qa.support import contradicts, parse_draft, unframe


@pytest.mark.parametrize(("sentence", "evidence"), [
    ("Colchicine did not reduce pain.", "Colchicine reduced pain by half."),
    ("Colchicine reduced pain.", "Colchicine failed to reduce pain."),
    ("Mortality increased with the drug.", "The drug decreased mortality."),
    ("Scores were higher after surgery.", "Scores were lower after surgery than before."),
])
def test_flipped_polarity_or_direction_contradicts(sentence: str, evidence: str) -> None:
    """Overlap and embeddings cannot see these; the cue check does."""
    assert contradicts(sentence, evidence)


@pytest.mark.parametrize(("sentence", "evidence"), [
    ("Colchicine reduced pain.", "Pain was reduced with colchicine."),
    ("No difference was found.", "There was no significant difference between the groups."),
    ("Mortality decreased.", "Mortality decreased while admissions increased."),
])
def test_faithful_paraphrase_does_not_contradict(sentence: str, evidence: str) -> None:
    """Same polarity and direction: no flag."""
    assert not contradicts(sentence, evidence)


@pytest.mark.parametrize(("sentence", "expected"), [
    ("This suggests that the drug is safe.", "The drug is safe."),
    ("The study found that SHSe is a risk.", "SHSe is a risk."),
    ("Therefore, colchicine is first-line.", "Colchicine is first-line."),
    ("Passage 1 states that X is Y.", "X is Y."),
    ("Colchicine is first-line.", "Colchicine is first-line."),
    ("Passages are quoted data.", "Passages are quoted data."),
])
def test_framing_openers_are_removed(sentence: str, expected: str) -> None:
    """An opening that claims a finding or an inference is not shown; the claim itself is checked."""
    assert unframe(sentence) == expected


def test_draft_loses_echoed_labels_and_empty_citations() -> None:
    """The prompt's "(Results)" label and "According to [2]," leave no trace in the sentence."""
    drafts = parse_draft("[1] (Results) Pain fell by half [1]. According to [2], flares were shorter.")
    assert [(d.text, d.cited) for d in drafts] == [("Pain fell by half.", [1]), ("Flares were shorter.", [2])]


@pytest.mark.parametrize(("sentence", "evidence"), [
    ("Tailored counselling is more effective than print.",
     "This study addressed the question: is tailored counselling more effective than print?"),
    ("Mutations influence the relationship between low HDL and atherosclerosis.",
     "Measurements were obtained to further evaluate the relationship between low HDL and atherosclerosis."),
])
def test_a_question_or_aim_stated_as_a_finding_is_not_support(sentence: str, evidence: str) -> None:
    """The evidence asks or sets out to determine it; the sentence asserts it."""
    assert contradicts(sentence, evidence)


def test_quoted_passage_keeps_its_words_without_the_frame() -> None:
    """'Passage 1 states: "..."' shows the quoted sentence itself."""
    quoted = 'Passage 1 states: "The objective was to determine X."'
    assert unframe(quoted) == "The objective was to determine X."


def test_a_number_inside_a_thousands_figure_is_not_support() -> None:
    """"25%" is not stated by "$25,000"; "25000" is."""
    from edge_assist.qa.support import numbers_supported

    assert not numbers_supported("The rate was 25%.", "Income was under $25,000.")
    assert numbers_supported("Income was under 25000 dollars.", "Income was under $25,000.")


def test_restating_the_question_is_an_echo() -> None:
    """A yes/no restatement adds no word of its own; an answer naming things does."""
    from edge_assist.qa.support import echoes

    question = "Is a mandatory general surgery rotation necessary in the surgical clerkship?"
    assert echoes(question, "A mandatory general surgery rotation is necessary in the surgical clerkship.")
    assert not echoes("What is first-line therapy for gout?",
                      "Colchicine, NSAIDs or glucocorticoids are first-line therapy for gout.")


def test_fragments_without_words_are_not_sentences() -> None:
    """A stray quote mark or a bare "Passage 1:" is not an answer sentence."""
    assert parse_draft('Pain fell [1]. " Passage 1:') == parse_draft("Pain fell [1].")
