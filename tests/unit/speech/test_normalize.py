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
