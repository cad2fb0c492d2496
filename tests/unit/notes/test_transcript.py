"""Turn parsing: speaker formats, dictation, markers, and bad input."""

from __future__ import annotations

import pytest

from edge_assist.errors import InputError
from edge_assist.notes.transcript import MAX_CHARS, parse


def test_aci_bracket_tags_become_turns() -> None:
    """ACI-Bench ``[doctor]``/``[patient]`` lines are parsed into indexed turns."""
    t = parse("[doctor] any pain ?\n[patient] no .\n[patient_guest] she is fine .")
    assert [(x.index, x.speaker) for x in t.turns] == [(0, "doctor"), (1, "patient"), (2, "other")]
    assert t.turns[0].text == "any pain ?"


def test_colon_prefixes_become_turns() -> None:
    """MTS-Dialog ``Doctor:``/``Patient:`` lines parse the same way."""
    t = parse("Doctor: Any allergies?\nPatient: Penicillin.\nGuest_family: He gets a rash.")
    assert [x.speaker for x in t.turns] == ["doctor", "patient", "other"]


def test_text_without_tags_is_a_dictation() -> None:
    """No speaker tags: one turn per sentence, and a warning says so."""
    t = parse("Patient seen for cough. Lungs clear. Start amoxicillin 500 mg.")
    assert t.is_dictation and len(t.turns) == 3
    assert any("dictation" in w for w in t.warnings)


def test_asr_markers_and_timestamps_are_removed_and_counted() -> None:
    """``<UNSURE>``, ``[inaudible]`` and timestamps leave the text but are reported."""
    t = parse("[doctor] [00:01:02] any <UNSURE>fever</UNSURE> ?\n[patient] [inaudible] no .")
    assert "UNSURE" not in t.turns[0].text and "inaudible" not in t.turns[1].text
    assert t.markers == 3 and t.timestamps == 1
    assert any("ASR marker" in w for w in t.warnings)


def test_one_speaker_is_warned() -> None:
    """A transcript with only the doctor's turns is read but flagged."""
    assert any("one speaker" in w for w in parse("[doctor] lungs clear .\n[doctor] plan rest .").warnings)


@pytest.mark.parametrize("bad", ["", "   \n", b"\xff\xfe\x00bin", b"caf\xe9 au lait"])
def test_empty_binary_and_non_utf8_are_refused(bad: str | bytes) -> None:
    """Empty, binary and non-UTF-8 input raise InputError, never a traceback."""
    with pytest.raises(InputError):
        parse(bad)


def test_huge_input_is_refused_with_a_limit() -> None:
    """Input over MAX_CHARS is refused with a message naming the limit."""
    with pytest.raises(InputError, match="limit"):
        parse("[doctor] " + "word " * (MAX_CHARS // 5 + 10))


def test_twenty_thousand_words_are_accepted() -> None:
    """A long (20,000-word) encounter is within the limit."""
    line = "i have had the pain for a week ."
    text = "\n".join(f"[{'doctor' if i % 2 else 'patient'}] {line}" for i in range(2500))
    assert len(parse(text).turns) == 2500


def test_other_language_is_refused() -> None:
    """A non-English transcript says notes are English only."""
    with pytest.raises(InputError, match="English"):
        parse("[doctor] ¿tiene dolor de pecho desde cuándo?\n[patient] sí, desde hace tres días, doctora.")


def test_error_messages_carry_no_patient_text() -> None:
    """The refusal message never quotes the transcript."""
    with pytest.raises(InputError) as info:
        parse("[doctor] ¿tiene dolor de pecho hoy señora García?\n[patient] sí, mucho dolor.")
    assert "García" not in str(info.value)


def test_terse_foreign_dictation_is_still_refused() -> None:
    """The clinical-word allowance does not let a German dictation through."""
    import pytest

    from edge_assist.errors import InputError

    with pytest.raises(InputError, match="English"):
        parse("Der Patient hat seit zwei Tagen Brustschmerzen und Fieber, Aspirin wurde gegeben.")
