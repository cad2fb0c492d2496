"""Note-style rewriting: spoken numbers read as clinicians say them, run-on speech cut into clauses."""

from __future__ import annotations

import pytest

from edge_assist.notes.numbers import words_to_digits
from edge_assist.notes.rewrite import clauses, split_sentences, spoken_numbers


@pytest.mark.parametrize(("spoken", "written"), [
    ("forty five milligrams", "45 milligrams"),
    ("one twenty two over seventy", "122 over 70"),
    ("about one thirty fasting", "about 130 fasting"),
    ("eight thirty in the morning", "8:30 in the morning"),
    ("ninety eight point six", "98.6"),
    ("one hundred and twenty", "120"),
    ("three hundred twenty five", "325"),
    ("two two", "2 2"),
])
def test_number_words_become_the_number_said(spoken: str, written: str) -> None:
    """Adjacent number words are composed as spoken, never summed into a value nobody said."""
    assert words_to_digits(spoken) == written


def test_note_numbers_use_ratios_and_units() -> None:
    """Pressures and murmur grades are written as ratios, milligrams as mg."""
    assert spoken_numbers("blood pressure is one twenty two over seventy") == "blood pressure is 122/70"
    assert spoken_numbers("a two out of six murmur and forty milligrams") == "a 2/6 murmur and 40 mg"


def test_a_spaced_decimal_point_is_not_a_sentence_end() -> None:
    """ACI-Bench writes 98.2 as 'ninety eight . two': one sentence, read as a decimal."""
    assert split_sentences("your temperature is ninety eight . two . no fever") == [
        "your temperature is ninety eight point two.", "no fever"]


def test_short_sentences_are_not_cut() -> None:
    """Clause cutting only touches run-on speech."""
    assert clauses("so i have had knee pain for a week") == ["so i have had knee pain for a week"]
