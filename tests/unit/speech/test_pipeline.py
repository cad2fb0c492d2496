"""The pipeline and Assistant.transcribe on the fake transcriber (sidecar text as 'speech')."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from edge_assist.errors import AudioDecodeError, GenerationCancelled, InputError
from edge_assist.models.base import Segment, Word
from edge_assist.speech.pipeline import SpeechOptions, SpeechPipeline, _drop_loops
from edge_assist.speech.types import TimedWord

from .conftest import write_wav


def test_transcribe_corrects_and_reports(assistant, wav_with_text) -> None:
    """A near-miss drug name is corrected and the correction is on the transcript."""
    wav = wav_with_text("Continue lasics daily")
    transcript = assistant.transcribe(wav)
    assert transcript.text == "Continue Lasix daily"
    assert [c.replacement for c in transcript.corrections] == ["Lasix"]
    assert transcript.model == "fake-whisper" and transcript.duration == pytest.approx(3.0, abs=0.01)


def test_dictation_commands_on_request(assistant, wav_with_text) -> None:
    """commands=True turns "period" and "new paragraph" into layout."""
    wav = wav_with_text("no allergies period new paragraph plan rest period")
    assert assistant.transcribe(wav, commands=True).text == "No allergies.\n\nPlan rest."
    assert "period" in assistant.transcribe(wav).text


def test_segments_have_times_words_and_confidence(assistant, wav_with_text) -> None:
    """Each segment has start < end, a 0-1 confidence and timed words."""
    seg = assistant.transcribe(wav_with_text("The patient is well. Review in a week")).segments
    assert len(seg) == 2 and seg[0].start < seg[0].end <= seg[1].start
    assert 0.0 <= seg[0].confidence <= 1.0 and seg[0].words[0].text.strip() == "The"


def test_stereo_8khz_file_goes_through_chunks(assistant, tmp_path: Path) -> None:
    """A file that needs resampling is decoded into chunks and still transcribed."""
    wav = write_wav(tmp_path / "stereo.wav", rate=8000, channels=2)
    assert assistant.transcribe(wav).text  # the fake's fixed sentence: the path worked


def test_bad_inputs_raise_typed_errors(assistant, tmp_path: Path) -> None:
    """Missing, empty and non-audio files raise InputError subclasses."""
    with pytest.raises(InputError):
        assistant.transcribe(tmp_path / "missing.wav")
    (tmp_path / "empty.wav").write_bytes(b"")
    with pytest.raises(AudioDecodeError):
        assistant.transcribe(tmp_path / "empty.wav")
    (tmp_path / "text.wav").write_text("hello")
    with pytest.raises(AudioDecodeError):
        assistant.transcribe(tmp_path / "text.wav")


def test_cancel_stops_transcription(assistant, wav_with_text) -> None:
    """A set cancel event stops between segments."""
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(GenerationCancelled):
        assistant.transcribe(wav_with_text("One. Two. Three"), cancel=cancel)


def test_progress_is_reported(assistant, wav_with_text) -> None:
    """Progress reaches the end of the audio."""
    seen: list[tuple[float, float]] = []
    assistant.transcribe(wav_with_text("One. Two"), progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] == pytest.approx(seen[-1][1], abs=0.01)


class _Looping:
    """A transcriber that loops past the end of the audio, as Whisper can with a prompt."""

    id = "loop"

    def transcribe(self, audio, **kwargs):
        words = tuple(Word(0.1 * i, 0.1 * i + 0.1, " Lasix,", 0.9) for i in range(8))
        yield Segment(0.0, 0.8, "Takes Lasix.", 0.0, 0.0, (Word(0.0, 0.3, " Takes", 0.9),
                                                            Word(0.3, 0.8, " Lasix.", 0.9)))
        yield Segment(0.0, 0.9, " Lasix," * 8, 0.0, 0.0, words)
        yield Segment(5.0, 6.0, "Thanks for watching.", 0.0, 0.0, ())


def test_loops_and_text_past_the_audio_are_dropped(tone: Path) -> None:
    """Repeated phrases collapse and a segment starting after the audio is dropped."""
    pipe = SpeechPipeline(_Looping(), SpeechOptions(correct=False))  # type: ignore[arg-type]
    text = pipe.transcribe(tone).text
    assert text.count("Lasix") == 2 and "watching" not in text


def test_drop_loops_keeps_normal_repetition() -> None:
    """Twice is speech ("very very"); three times or more is a loop."""
    said = "very very good no no no no stop".split()  # noqa: SIM905
    words = [TimedWord(0, 0, f" {w}", 1.0) for w in said]
    assert "".join(w.text for w in _drop_loops(words)) == " very very good no stop"
