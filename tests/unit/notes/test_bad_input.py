"""Bad input through the whole note pipeline: a clear message or a warned draft, never a crash."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from edge_assist.errors import InputError
from edge_assist.notes import write_note
from edge_assist.notes.templates import load_template

_VISIT = ["[doctor] how long have you had the knee pain ?",
          "[patient] about three weeks , it hurts when i climb stairs and i take ibuprofen four hundred "
          "milligrams .",
          "[doctor] any fever or chills ?", "[patient] no .",
          "[doctor] on exam there is mild swelling of the right knee with tenderness .",
          "[doctor] i want to order an x-ray and start physical therapy ."]


@pytest.mark.parametrize("empty", ["", "  \n\t ", b"", "[doctor]\n[patient]",
                                   "<UNSURE></UNSURE> [inaudible]"])
def test_empty_transcripts_are_refused_with_a_fix(empty: str | bytes) -> None:
    """Nothing to write from: an InputError whose hint says what to give."""
    with pytest.raises(InputError) as info:
        write_note(empty, "soap")
    assert info.value.hint


def test_one_speaker_transcript_gives_a_warned_draft() -> None:
    """Only the doctor speaks: the draft is written and carries a warning about the speaker tags."""
    note = write_note("[doctor] patient reports knee pain for three weeks .\n"
                      "[doctor] on exam there is swelling of the right knee .\n"
                      "[doctor] plan is an x-ray of the right knee .", "soap")
    assert any("one speaker" in w for w in note.warnings)
    assert note.sections and note.as_dict()["warnings"]


def test_twenty_thousand_words_in_bounded_memory_and_time() -> None:
    """A 20,000-word encounter is written and checked; the draft stays within the template's budgets."""
    text = "\n".join(_VISIT[i % len(_VISIT)] for i in range(1900))
    assert len(text.split()) >= 20_000
    write_note("\n".join(_VISIT), "soap")  # load the checkers' lexicons outside the measurement
    tracemalloc.start()
    started = time.perf_counter()
    try:
        note = write_note(text, "soap")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 60
    assert peak < 64 * 2**20
    budget = sum(s.max_words for s in load_template("soap").sections)
    assert len(note.text(label=False).split()) <= budget + 50


def test_another_language_says_english_only() -> None:
    """A Spanish conversation is refused with a message that says notes are English only."""
    with pytest.raises(InputError, match="English"):
        write_note("[doctor] ¿desde cuándo tiene dolor en la rodilla derecha?\n"
                   "[patient] desde hace tres semanas, me duele cuando subo las escaleras.", "soap")


def test_timestamps_and_asr_markers_are_removed_and_reported() -> None:
    """Timestamps and <UNSURE>/[inaudible] markers never reach the note; the draft says they were there."""
    note = write_note("[00:00:01] [doctor] any fever or <UNSURE>chills</UNSURE> ?\n"
                      "[00:00:04] [patient] no [inaudible] .\n"
                      "00:00:09 --> 00:00:12 [patient] my right knee has hurt for three weeks .\n"
                      "[doctor] on exam there is swelling of the right knee .", "soap")
    text = note.text()
    assert "UNSURE" not in text and "inaudible" not in text and "00:00" not in text
    assert any("ASR marker" in w for w in note.warnings) and any("timestamp" in w for w in note.warnings)
    assert all(not f.kind.startswith("unsupported_number") for s in note.sections for x in s.sentences
               for f in x.flags)
