"""The Whisper-style normaliser that WER is computed on."""

from __future__ import annotations

import pytest

from edge_assist.speech.normalize import normalize
from edge_assist.speech.synth import spoken_form


@pytest.mark.parametrize(("a", "b"), [
    ("Lisinopril 20 mg daily.", "lisinopril twenty milligrams daily"),
    ("500mg", "five hundred milligrams"),
    ("4,500", "four thousand five hundred"),
    ("He can't walk.", "he can not walk"),
    ("1.5 mg", "one point five milligram"),
    ("O2 sat 95%", "o2 sat ninety five percent"),
])
def test_equivalent_forms_normalise_the_same(a: str, b: str) -> None:
    """Digits and spelled numbers, units and contractions compare equal."""
    assert normalize(a) == normalize(b)


def test_separate_numbers_stay_separate() -> None:
    """"five, twenty-five" is two numbers."""
    assert normalize("two thousand and five, twenty-five years") == "2005 25 years"


def test_tags_dropped_parentheses_kept() -> None:
    """Non-speech tags go; words in parentheses are spoken, so they stay."""
    assert normalize("[inaudible] pain (left side)") == "pain left side"


def test_spoken_form_reads_units() -> None:
    """Synthesis reads mg and p.r.n. as a clinician would say them."""
    assert spoken_form("5mg p.r.n.") == "5 milligrams as needed"


@pytest.mark.parametrize(("a", "b"), [
    ("Seen on the 21st.", "seen on the twenty-first"),
    ("at 3 p.m.", "at three PM"),
    ("Metformin b.i.d.", "metformin BID"),
    ("Dr. Smith", "doctor smith"),
    ("Um, the oedema, uh, improved", "the edema improved"),
    ("Ferrous sulphate; hypokalaemia in coeliac disease", "ferrous sulfate hypokalemia in celiac disease"),
    ("2+ pitting edema", "two plus pitting edema"),
    ("BP 120/80 mmHg", "bp 120 80 millimeters of mercury"),
    ("She cannot", "she can't"),
    ("38.5°", "thirty eight point five degrees"),
])
def test_whisper_style_equivalences(a: str, b: str) -> None:
    """Ordinals, dotted abbreviations, titles, fillers, symbols and spellings compare equal."""
    assert normalize(a) == normalize(b)


def test_words_that_differ_still_differ() -> None:
    """Normalising never merges different drugs or doses."""
    assert normalize("lisinopril 20 mg") != normalize("lisinopril 40 mg")
    assert normalize("Lasix") != normalize("Losec")
    assert normalize("a second opinion") == "a 2nd opinion"  # both sides the same way


def test_spoken_form_says_intravenous_as_letters() -> None:
    """espeak-ng reads a bare "IV" as "roman four"; dotted it says "eye vee". Stages stay numerals."""
    assert spoken_form("given IV Norflex 60 mg") == "given I.V. Norflex 60 milligrams"
    assert spoken_form("Stage IV disease, grade IV, an iv line") == "Stage IV disease, grade IV, an iv line"
    assert normalize(spoken_form("IV fluids")) == normalize("IV fluids") == "iv fluids"
