"""Safety checks: invented facts and contradicted negations are flagged on their sentence."""

from __future__ import annotations

import pytest

from edge_assist.notes import safety
from edge_assist.notes.transcript import parse
from edge_assist.notes.types import NoteSection, NoteSentence

TRANSCRIPT = ("[doctor] any chest pain or fever ?\n[patient] no .\n"
              "[patient] i take forty milligrams of lisinopril every day for 3 years .\n"
              "[doctor] you have no swelling in your legs .")


def _flags(*sentences: str) -> list[list[str]]:
    facts = safety.transcript_facts(parse(TRANSCRIPT).turns)
    section = NoteSection("s", "S", [NoteSentence(s) for s in sentences])
    safety.check_sections([section], facts)
    return [[f.kind for f in s.flags] for s in section.sentences]


def test_supported_facts_pass() -> None:
    """Numbers, spelled-out doses and drugs that were said are not flagged."""
    assert _flags("She takes lisinopril 40 mg daily for 3 years.", "Denies chest pain.") == [[], []]


def test_an_invented_number_is_flagged() -> None:
    """A number nobody said is flagged on that sentence."""
    assert _flags("Symptoms for 5 years.") == [["unsupported_number"]]


def test_an_invented_dose_is_flagged() -> None:
    """A dose that differs from the transcript is flagged as a dose and a number."""
    assert set(_flags("Lisinopril 80 mg daily.")[0]) == {"unsupported_dose", "unsupported_number"}


def test_an_invented_drug_is_flagged() -> None:
    """A drug never mentioned is flagged."""
    assert "unsupported_drug" in _flags("Started metformin.")[0]


@pytest.mark.parametrize("sentence", ["She reports chest pain.", "Fever since Monday.",
                                      "There is swelling in her legs."])
def test_a_negated_finding_affirmed_in_the_note_is_flagged(sentence: str) -> None:
    """Negated in the transcript (by ConText or a 'no' answer), affirmed in the note: flagged."""
    assert "contradicts_negation" in _flags(sentence)[0]


def test_a_negation_kept_negated_is_not_flagged() -> None:
    """The note denying what the transcript denies is fine."""
    assert _flags("No fever. Denies chest pain.") == [[]]


def test_number_words_count_as_digits() -> None:
    """'forty five' in speech supports 45 in the note."""
    assert safety.words_to_digits("forty five milligrams") == "45 milligrams"
    assert ("45", "mg") in safety.doses_in("45 milligrams")
