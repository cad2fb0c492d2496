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


def test_a_question_in_the_answer_states_nothing() -> None:
    """A title or question echoed back ("X: is Y?") is not a claim a passage could support."""
    from edge_assist.qa.support import asks

    assert asks("Nasal fractures: is closed reduction satisfying?")
    assert asks('Is it safe?"')
    assert not asks("Closed reduction was satisfying in 80% of patients.")


def test_question_words_grafted_onto_a_passage_sentence_are_caught() -> None:
    """The question's subject put on the passage's finding reads as an answer; the check sees it."""
    from edge_assist.qa.support import grafted

    question = "Can routine offering of influenza vaccination reduce racial disparities?"
    evidence = ("The frequency of missed opportunities for influenza vaccination was significantly "
                "higher among racial and ethnic minorities.")
    swapped = "Routine offering of influenza vaccination was significantly higher among racial minorities."
    faithful = "Missed opportunities for influenza vaccination were higher among racial minorities."
    assert grafted(swapped, question, evidence) == {"routin", "offeri"}
    assert grafted(faithful, question, evidence) == set()


@pytest.mark.parametrize(("sentence", "evidence"), [
    ("HTLV-I carriers of specified genotype had myelopathy.",
     "The odds that an HTLV-I carrier of specified genotype had myelopathy were calculated."),
    ("The S-phase fraction is a prognostic determinant in breast cancer.",
     "Prognostic evaluation of the S-phase fraction in breast cancer."),
    ("Endometrial polyps from pre- and post-menopausal women have similar receptor expression.",
     "Do endometrial polyps from pre- and post-menopausal women have similar receptor expression."),
    ("Contact with specialist care was associated with lifestyle.",
     "Main outcome measures were odds ratios for associations between specialist care and lifestyle."),
    ("Polyps from both groups have similar hormone receptors.",
     "Polyps from both groups had significant differences in hormone receptors."),
])
def test_a_method_a_question_or_a_difference_is_not_a_finding(sentence: str, evidence: str) -> None:
    """What was measured or asked, stated as what was found, and "similar" for "different", contradict."""
    assert contradicts(sentence, evidence)


def test_a_method_stated_as_a_method_is_not_flagged() -> None:
    """The same verb on both sides is a faithful copy."""
    assert not contradicts("Maximal oxygen uptake was assessed using an exercise test.",
                           "Maximal oxygen uptake was assessed using an incremental exercise test.")


def test_a_cut_off_restrictive_qualifier_is_caught() -> None:
    """Word for word the passage's start, but false without the "in which ..." that follows."""
    from edge_assist.qa.support import drops_qualifier

    evidence = "Most surgeons perform oophorectomy in girls with torsion in which the ovary appears necrotic."
    assert drops_qualifier("Most surgeons perform oophorectomy in girls with torsion.", evidence)
    assert not drops_qualifier("Most surgeons perform oophorectomy in girls with torsion in which the "
                               "ovary appears necrotic.", evidence)
    assert not drops_qualifier("Transurethral catheterisation is the most common method.",
                               "Transurethral catheterisation is the most common method, but it hurts.")


def test_an_effect_word_the_passage_lacks_is_unsupported() -> None:
    """ "Reverse", "prevent", "predict": claims of effect, checked like a comparison or a dose."""
    from edge_assist.qa.support import numbers_supported

    background = "The effect of inhaled corticosteroids on the perception of dyspnea is debated."
    assert not numbers_supported("Inhaled corticosteroids reverse the perception of dyspnea.", background)
    assert numbers_supported("Inhaled corticosteroids reverse airway inflammation.",
                             "Inhaled corticosteroids reversed airway inflammation.")


def test_sentences_do_not_split_before_a_lower_case_word() -> None:
    """ "s.c. anti-TNF" and "et al. found" are one sentence; "Pain fell. Fever rose." two."""
    from edge_assist.qa.support import split_sentences

    assert split_sentences("The aim was to study s.c. anti-TNF agents. Pain fell.") == [
        "The aim was to study s.c. anti-TNF agents.", "Pain fell."]


def test_a_cut_off_draft_is_unfinished() -> None:
    """A draft whose last sentence has no closing mark ran out of tokens mid-sentence."""
    from edge_assist.qa.support import unfinished

    assert unfinished("Pain fell [1]. However, otic drops did not cause hearing loss compared with")
    assert not unfinished("Pain fell [1].")
    assert not unfinished('Pain fell [1]."')


def test_passage_labels_and_specifically_openers_are_removed() -> None:
    """ "Passage 2 (Results) Of ..." and "Specifically, the passage states that ..." show the claim only."""
    assert unframe("Passage 2 (Results) Of the 43 genes analyzed, 6 were uniform.") == (
        "Of the 43 genes analyzed, 6 were uniform.")
    assert unframe("Specifically, the passage states that T2 cancers were subclassified.") == (
        "T2 cancers were subclassified.")
