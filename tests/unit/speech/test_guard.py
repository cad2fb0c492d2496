"""The guard on hinted decodes: broken segments are decoded again without hints."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from edge_assist.models.base import Segment, Transcriber, Word
from edge_assist.speech.audio import RATE, read_span
from edge_assist.speech.guard import GuardOptions, failure, guarded, mean_logprob, tail_start
from edge_assist.speech.pipeline import SpeechOptions, SpeechPipeline
from edge_assist.speech.review import ReviewOptions

from .conftest import write_wav


def _segment(text: str, logprob: float = -0.3, start: float = 0.0, step: float = 0.5,
             gap_after: int | None = None, gap: float = 0.0) -> Segment:
    words, at = [], start
    for i, w in enumerate(text.split()):
        words.append(Word(at, at + step, " " + w, 0.9))
        at += step + (gap if i == gap_after else 0.0)
    return Segment(start, at, " " + text, logprob, 0.0, tuple(words))


class _Hinted(Transcriber):
    """With hotwords it hears ``hinted``; without, ``plain`` (times in the clip it is given)."""

    def __init__(self, hinted: Segment, plain: list[Segment]) -> None:
        self.hinted, self.plain = hinted, plain
        self.calls: list[dict[str, Any]] = []
        self.durations: list[float] = []
        self.manifest = SimpleNamespace(id="fake-hinted")  # type: ignore[assignment]

    def transcribe(self, audio: Path, **kwargs: Any) -> Iterator[Segment]:  # type: ignore[override]
        self.calls.append(kwargs)
        self.durations.append(len(read_span(Path(audio), 0.0, 1e9)) / RATE)
        yield from ([self.hinted] if kwargs.get("hotwords") else self.plain)


def test_failures_whisper_itself_reports() -> None:
    """Improbable (below faster-whisper's log-probability threshold) or with skipped speech."""
    options = GuardOptions()
    assert failure(_segment("the patient is well"), options) is None
    assert failure(_segment("metformin amlodipine amlodipine", logprob=-1.09), options) == "improbable"
    skipped = _segment("packs per day since", gap_after=2, gap=5.7)
    assert failure(skipped, options) == "skipped"
    assert failure(_segment("packs per day since", gap_after=2, gap=1.5), options) is None
    words = (Word(6.0, 7.4, " per", 0.9), Word(7.4, 7.8, " day", 0.9), Word(8.0, 14.0, " since", 0.4))
    stretched = Segment(0.0, 14.0, " per day since", -0.3, 0.0, words)
    assert failure(stretched, options) == "skipped"


def test_mean_logprob_weighs_segments_by_words() -> None:
    """A long confident segment outweighs a short unsure one; nothing decoded is -inf."""
    both = [_segment("a b c", logprob=-0.2), _segment("d", logprob=-1.0)]
    assert mean_logprob(both) == pytest.approx(-0.4)
    assert mean_logprob([]) == float("-inf")


def test_broken_segment_is_replaced_by_the_more_probable_plain_decode(tmp_path: Path) -> None:
    """The plain decode of the segment's own audio wins, with times moved into the file's frame."""
    wav = write_wav(tmp_path / "a.wav", seconds=6.0)
    broken = _segment("deumentory metformin amlodipine", logprob=-1.09, start=2.0)
    plain = [_segment("integumentary examination", logprob=-0.4)]
    model = _Hinted(broken, plain)
    [kept] = guarded(model, wav, broken, {"beam_size": 5}, GuardOptions())
    assert kept.text == " integumentary examination"
    assert (kept.start, kept.words[0].start) == (2.0, 2.0)
    assert model.calls == [{"word_timestamps": True, "vad_filter": False, "beam_size": 5}]
    assert model.durations == [pytest.approx(broken.end - broken.start)]


def test_hinted_decode_kept_when_the_plain_one_is_no_better(tmp_path: Path) -> None:
    """Decoded again, but the plain result is less probable: the hinted one stays."""
    wav = write_wav(tmp_path / "a.wav", seconds=3.0)
    broken = _segment("lasix twice daily", logprob=-1.2)
    model = _Hinted(broken, [_segment("la six twice daily", logprob=-1.5)])
    assert guarded(model, wav, broken, {}, GuardOptions()) == [broken]
    assert guarded(model, wav, broken, {}, GuardOptions(enabled=False)) == [broken]
    assert len(model.calls) == 1


def test_pipeline_guards_only_hinted_decodes(tmp_path: Path) -> None:
    """With hints a skipped stretch is decoded again; without hints there is nothing to undo."""
    wav = write_wav(tmp_path / "a.wav", seconds=8.0)
    skipped = _segment("packs per day since", gap_after=2, gap=5.0)
    plain = [_segment("packs per day since being started on chantix", logprob=-0.2, step=1.0)]
    hinted = _Hinted(skipped, plain)
    quiet = ReviewOptions(crosscheck=False)  # counted calls are the guard's, not the review's
    text = SpeechPipeline(hinted, SpeechOptions(correct=False, review=quiet), None).transcribe(wav).text
    assert text == "packs per day since being started on chantix"
    assert len(hinted.calls) == 2 and hinted.calls[0]["hotwords"]
    unhinted = _Hinted(skipped, [skipped])
    SpeechPipeline(unhinted, SpeechOptions(correct=False, bias=False, review=quiet), None).transcribe(wav)
    assert len(unhinted.calls) == 1


def test_tail_start_where_the_decode_stopped_short() -> None:
    """The last word ends over 2 s before the audio: that is where undecoded audio starts."""
    options = GuardOptions()
    early = [_segment("packs per day", step=1.0)]  # last word ends at 3 s
    assert tail_start(early, 14.4, options) == 3.0
    assert tail_start(early, 4.5, options) is None  # a short pause at the end is not speech skipped
    assert tail_start([], 14.4, options) is None  # nothing heard: a silent file, not a cut one
    assert tail_start(early, 14.4, GuardOptions(enabled=False)) is None
    stretched = [Segment(0.0, 14.0, " day since", -0.3, 0.0,
                         (Word(7.4, 7.8, " day", 0.9), Word(8.0, 14.0, " since", 0.4)))]
    assert tail_start(stretched, 14.4, options) == 9.0  # the stretched word was said in about a second


class _StopsEarly(Transcriber):
    """Stops after the first words of a long clip; given the rest alone, hears the rest."""

    def __init__(self) -> None:
        self.durations: list[float] = []
        self.manifest = SimpleNamespace(id="fake-early")  # type: ignore[assignment]

    def transcribe(self, audio: Path, **kwargs: Any) -> Iterator[Segment]:  # type: ignore[override]
        seconds = len(read_span(Path(audio), 0.0, 1e9)) / RATE
        self.durations.append(seconds)
        if seconds > 10:
            yield _segment("packs per day", step=1.0)
        elif seconds > 2:
            yield _segment("since being started on chantix", start=0.5, step=1.0)


def test_pipeline_decodes_the_tail_the_decoder_stopped_short_of(tmp_path: Path) -> None:
    """A decode that ends at 3 s of a 12 s clip: the rest is decoded on its own, times in the file's frame."""
    wav = write_wav(tmp_path / "a.wav", seconds=12.0)
    model = _StopsEarly()
    quiet = ReviewOptions(crosscheck=False)  # the durations listed are the guard's decodes
    transcript = SpeechPipeline(model, SpeechOptions(correct=False, review=quiet), None).transcribe(wav)
    assert transcript.text == "packs per day since being started on chantix"
    assert model.durations == [pytest.approx(12.0), pytest.approx(9.0)]
    assert transcript.segments[1].start == pytest.approx(3.5)
    no_vad = _StopsEarly()
    SpeechPipeline(no_vad, SpeechOptions(correct=False, vad=False, review=quiet), None).transcribe(wav)
    assert len(no_vad.durations) == 1  # without the VAD a silent tail would be filled with words


def test_a_decode_that_skipped_speech_gives_way_to_a_clean_one(tmp_path: Path) -> None:
    """Skipping speech costs no log-probability, so a clean plain decode wins even if a hair less probable."""
    wav = write_wav(tmp_path / "a.wav", seconds=8.0)
    skipped = _segment("packs per day since", logprob=-0.38, gap_after=2, gap=5.0)
    whole = [_segment("packs per day since being started on chantix", logprob=-0.39)]
    [kept] = guarded(_Hinted(skipped, whole), wav, skipped, {}, GuardOptions())
    assert kept.text == " packs per day since being started on chantix"
    broken = [_segment("packs per day", logprob=-1.3)]  # a plain decode that is itself improbable
    assert guarded(_Hinted(skipped, broken), wav, skipped, {}, GuardOptions()) == [skipped]
