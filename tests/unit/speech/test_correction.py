"""Near-miss drug names are corrected by spelling and sound, above a bar, and reported."""

from __future__ import annotations

import pytest

from edge_assist.speech.correction import CorrectionOptions, DrugCorrector
from edge_assist.speech.phonetic import sound_key
from edge_assist.speech.types import TimedWord
from edge_assist.speech.vocabulary import DrugLexicon, load_lexicon

_SAID = ("the patient takes and met for in liquids start at daily was placed an "
         "incubator for three weeks of with a plan")
ENGLISH = frozenset(_SAID.split())


@pytest.fixture(scope="module")
def corrector() -> DrugCorrector:
    """A corrector on a small lexicon (fast, and independent of the installed one)."""
    names = {n: n for n in ("lisinopril", "metformin", "eliquis", "atorvastatin", "xarelto",
                            "benadryl", "amoxicillin", "adomet")}
    names.update({"lasix": "Lasix", "eliquis": "Eliquis", "xarelto": "Xarelto", "benadryl": "Benadryl"})
    common = ("lisinopril", "metformin", "eliquis", "atorvastatin", "xarelto", "benadryl",
              "amoxicillin", "lasix")
    return DrugCorrector(DrugLexicon(names, common), ENGLISH)


@pytest.mark.parametrize(("heard", "fixed"), [
    ("the patient takes lasics", "the patient takes Lasix"),
    ("continue synopril daily", "continue lisinopril daily"),
    ("and met for in twice", "and metformin twice"),
    ("started zarelto, and", "started Xarelto, and"),
    ("plus ben a drill", "plus Benadryl"),
])
def test_near_misses_are_corrected(corrector: DrugCorrector, heard: str, fixed: str) -> None:
    """Misspellings, sound-alikes and names split into words become the lexicon name."""
    text, corrections = corrector.correct_text(heard, probability=0.5)
    assert text == fixed
    assert len(corrections) == 1


def test_each_correction_is_reported_with_timing(corrector: DrugCorrector) -> None:
    """A correction records the original words, the name, times, score and method."""
    words = [TimedWord(0.0, 0.4, " takes", 0.9), TimedWord(0.5, 1.2, " lasics.", 0.4)]
    fixed, corrections = corrector.correct_words(words)
    assert fixed[-1].text == " Lasix."
    c = corrections[0]
    assert (c.original, c.replacement, c.start, c.end) == ("lasics.", "Lasix", 0.5, 1.2)
    assert c.score >= corrector.options.min_score and c.method in ("spelling", "phonetic")


def test_confident_english_is_never_changed(corrector: DrugCorrector) -> None:
    """A common word heard with confidence stays, however close a drug name is."""
    text, corrections = corrector.correct_text("the patient takes liquids", probability=0.95)
    assert text == "the patient takes liquids" and corrections == []


def test_plain_sentence_is_untouched(corrector: DrugCorrector) -> None:
    """Ordinary clinical prose with unsure words gains no drug names."""
    sentence = "was placed in an incubator for three weeks"
    assert corrector.correct_text(sentence, probability=0.4) == (sentence, [])


def test_rare_names_need_a_higher_bar(corrector: DrugCorrector) -> None:
    """"and met" is not turned into the rarely prescribed "adomet"."""
    text, _ = corrector.correct_text("and met", probability=0.4)
    assert "adomet" not in text


def test_bar_can_be_raised() -> None:
    """With the bar at 1.0 only exact names would pass, so nothing is corrected."""
    lex = DrugLexicon({"lasix": "Lasix"}, ("lasix",))
    strict = DrugCorrector(lex, frozenset(), CorrectionOptions(min_score=1.0))
    assert strict.correct_text("lasics") == ("lasics", [])


def test_sound_key_merges_sound_alikes() -> None:
    """Spellings that sound the same share a key."""
    assert sound_key("Lasix") == sound_key("lasics")
    assert sound_key("phenytoin") == sound_key("fenitoin")
    assert sound_key("Xarelto") == sound_key("zarelto")


def test_installed_lexicon_has_drugs() -> None:
    """The drug-named-entity-recognition data file is read: thousands of names, brands capitalised."""
    lexicon = load_lexicon()
    assert len(lexicon.names) > 10_000
    assert "metformin" in lexicon and lexicon.display("lasix") == "Lasix"


@pytest.fixture(scope="module")
def tiered() -> DrugCorrector:
    """A lexicon with the three tiers: common, prescribed (MedlinePlus) and the rest."""
    names = {n: n for n in ("lisinopril", "oxaprozin", "hemoglobins", "peroxides")}
    names.update({"lasix": "Lasix", "daypro": "Daypro"})
    lexicon = DrugLexicon(names, ("lisinopril", "lasix"), frozenset({"oxaprozin", "daypro"}))
    return DrugCorrector(lexicon, frozenset({"he", "said", "takes", "the", "was", "low"}))


def test_dose_nearby_lowers_the_bar(tiered: DrugCorrector) -> None:
    """The same near miss is corrected beside a dose or a prescribing verb, not in passing."""
    assert tiered.correct_text("he takes lasics 40 mg", probability=0.5)[0] == "he takes Lasix 40 mg"
    assert tiered.correct_text("he said lasics yesterday", probability=0.5)[1] == []


def test_only_prescribed_drugs_are_targets(tiered: DrugCorrector) -> None:
    """A MedlinePlus drug is a target; the lexicon's chemical classes are not."""
    assert tiered.correct_text("daypra 600 mg daily", probability=0.5)[0] == "Daypro 600 mg daily"
    text, corrections = tiered.correct_text("the hemoglobin was low, 9 mg", probability=0.4)
    assert "hemoglobins" not in text and corrections == []


def test_installed_lexicon_marks_prescribed_drugs() -> None:
    """Names of drugs with a MedlinePlus page are the prescribed tier; reagents are not."""
    lexicon = load_lexicon()
    assert {"norvasc", "metformin", "levaquin"} <= lexicon.prescribed
    assert "hemoglobins" not in lexicon.prescribed and 5_000 < len(lexicon.prescribed) < len(lexicon.names)


def test_known_medical_words_are_guarded_like_english() -> None:
    """A clearly heard "palpation" stays: it is a word, not a misheard "palpitin" (a prescribed drug)."""
    lexicon = DrugLexicon({"palpitin": "palpitin"}, (), frozenset({"palpitin"}))
    english = frozenset({"tender", "to", "for", "days"})
    bare = DrugCorrector(lexicon, english)
    guarded = DrugCorrector(lexicon, english, known=frozenset({"palpation"}))
    said = "tender to palpation for 2 days"  # the number is the context that lowers the bar
    assert bare.correct_text(said)[1], "without the guard the near miss is taken"
    text, corrections = guarded.correct_text(said)
    assert text == said and corrections == []
    assert guarded.is_word("palpation") and not bare.is_word("palpation")


def test_installed_clinical_words_are_medical_and_not_drugs() -> None:
    """The shipped list holds examination and disease words and none of the lexicon's drug names."""
    from edge_assist.speech.vocabulary import clinical_words

    words = clinical_words()
    assert {"palpation", "auscultation", "myasthenia", "contusion"} <= words
    assert not words & load_lexicon().names.keys()
