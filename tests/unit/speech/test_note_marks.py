"""Notes keep the doubt: a drafted line built from a flagged dictation word carries a mark."""

from __future__ import annotations

from edge_assist.notes.fhir import note_to_fhir
from edge_assist.notes.review_flags import DoubtfulWords, from_transcript, mark
from edge_assist.notes.types import ClinicalNote, NoteSection, NoteSentence, Turn
from edge_assist.speech.types import ReviewFlag, TimedWord, Transcript, TranscriptSegment

TURNS = [Turn(0, "dictation", "Continue apixaban 7.5 milligrams twice daily."),
         Turn(1, "dictation", "Creatinine 1.4 today."), Turn(2, "dictation", "No chest pain.")]


def _note(*lines: tuple[str, list[int]]) -> ClinicalNote:
    sentences = [NoteSentence(text, turns) for text, turns in lines]
    return ClinicalNote("soap", [NoteSection("plan", "Plan", sentences)], TURNS)


def test_a_line_stating_the_flagged_dose_is_marked() -> None:
    """The line with the dose is marked (mg and milligrams are one unit); the others are not."""
    note = _note(("Apixaban 7.5 mg BD.", [0]), ("Creatinine 1.4.", [1]), ("No chest pain.", [2]))
    assert mark(note, [DoubtfulWords("7.5 milligrams", '"7.5 milligrams": changed_between_decodes')]) == 1
    flagged = [s.text for _key, s in note.flags]
    assert flagged == ["Apixaban 7.5 mg BD."]
    assert note.flags[0][1].flags[0].kind == "speech_review"


def test_a_rephrased_line_from_the_turn_is_still_marked() -> None:
    """When no line cites the flagged words, every line from the flagged turn is marked."""
    note = _note(("Anticoagulant continued.", [0]), ("No chest pain.", [2]))
    assert mark(note, [DoubtfulWords("apixaban", "unlisted_drug")]) == 1
    assert [s.text for _k, s in note.flags] == ["Anticoagulant continued."]


def test_words_the_clinician_corrected_are_no_longer_doubted() -> None:
    """A flag whose words are not in the (edited) transcript marks nothing."""
    note = _note(("Apixaban 5 mg BD.", [0]))
    assert mark(note, [DoubtfulWords("3.5 milligrams", "low_probability")]) == 0


def test_flags_come_from_the_transcript_and_reach_fhir() -> None:
    """from_transcript reads the speech flags; the FHIR Composition section carries the mark."""
    word = TimedWord(0.5, 0.9, " 1.4", 0.3)
    flag = ReviewFlag(1, 1, 0.5, 0.9, "1.4", "number", ("low_probability",))
    transcript = Transcript("a.wav", "m", 2.0, 0.1, [TranscriptSegment(
        0.0, 1.4, "Creatinine 1.4 today.", 0.9, (TimedWord(0, 0.4, " Creatinine", 0.9), word), (), (flag,))])
    note = _note(("Creatinine 1.4.", [1]))
    assert mark(note, from_transcript(transcript)) == 1
    bundle = note_to_fhir(note)
    section = bundle["entry"][0]["resource"]["section"][1]
    assert any("speech_review" in e["valueString"] and "1.4" in e["valueString"]
               for e in section["extension"])
    assert "speech_review" in section["text"]["div"]
