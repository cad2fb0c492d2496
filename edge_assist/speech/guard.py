"""A guard on the hinted decode: segments the hints broke are decoded again without them.

The clinical hints (``hotwords``) bias Whisper towards drug names, which is why
drug names come out right twice as often. But a small model given a list of
drug names sometimes writes them where none was said, or stops early: on the
speech eval, tiny.en heard a skin examination as "metformin amlodipine
amlodipine" and dropped the last eight words of a 14-second dictation after
"Since". A drug name in a note that no one said is worse than a misspelt one.

Both failures leave a trace Whisper itself reports, so no transcript is needed
to spot them:

* the segment is improbable: its mean token log-probability is below -1.0,
  faster-whisper's own ``log_prob_threshold`` for a failed decode (its
  temperature fallback could not find a better one);
* speech was skipped: two consecutive words of one segment are more than
  ``max_gap`` seconds apart, or one word is stretched over more than ``max_gap``
  seconds (alignment gives the last word the audio no word was decoded for).
  Silero VAD has already removed pauses longer than its
  ``min_silence_duration_ms`` (2 s here), so such a gap inside a segment is
  audio the decoder passed over.

And one failure leaves no trace in any segment: the decoder ends the last window
early (end of text after "Since" at 7.8 s of a 14.4 s clip) and, because the last,
part-filled window is decoded once (:mod:`edge_assist.models.whisper`), the rest is
never read. So where the last word ends more than ``max_gap`` seconds before the
audio does, the pipeline decodes that tail once more (:func:`tail_start`); with the
VAD on, a silent tail costs only the VAD pass and yields nothing.

Only those segments are decoded again, without hints, from the same audio. An
improbable one is replaced if the new decode is more probable; one that skipped
speech is replaced if the new decode is clean (see :func:`_better`). Both thresholds are
faster-whisper's and the VAD's own settings, not fitted to the eval. On the
speech eval (tiny.en, ``edge-assist eval speech``) it took WER from 0.208 to
0.198 (test half 0.222 to 0.203, tune half unchanged at 0.193) and drug names
from 60.4% to 61.3%, and the real-time factor from about 0.083 to 0.091: on the
test half 5 of 59 clips were decoded twice, and 4 of the 5 came out better.
"""

from __future__ import annotations

import itertools
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from edge_assist.models.base import Segment, Transcriber, Word
from edge_assist.speech.audio import AudioChunk, read_span

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GuardOptions:
    """When a hinted segment is decoded again without hints.

    Attributes:
        enabled: check hinted segments at all.
        min_logprob: below this mean token log-probability a segment failed
            (faster-whisper's ``log_prob_threshold``).
        max_gap: seconds between two words of one segment that mean speech was skipped
            (no less than the VAD's minimum silence, which already split longer pauses).
    """

    enabled: bool = True
    min_logprob: float = -1.0
    max_gap: float = 2.0


def failure(segment: Segment, options: GuardOptions) -> str | None:
    """Why ``segment`` looks broken by the hints (``improbable``, ``skipped``), or None."""
    if segment.avg_logprob < options.min_logprob:
        return "improbable"
    words = segment.words
    if any(b.start - a.end > options.max_gap for a, b in itertools.pairwise(words)):
        return "skipped"
    if any(w.end - w.start > options.max_gap for w in words):
        return "skipped"  # one word stretched over seconds of audio the decoder did not read
    return None


def tail_start(segments: list[Segment], duration: float, options: GuardOptions) -> float | None:
    """Where undecoded audio starts if the decode stopped over ``max_gap`` seconds before the end."""
    if not options.enabled or not segments:  # nothing heard at all: a silent file, not a cut one
        return None
    ends = [_spoken_end(s.words[-1], options) if s.words else s.end for s in segments]
    end = max(ends, default=0.0)
    return end if duration - end > options.max_gap else None


def _spoken_end(word: Word, options: GuardOptions) -> float:
    """Where ``word`` was really said to end: a word stretched over more than ``max_gap``
    seconds ("Since" from 8.0 to 14.0 s) was given the audio the decoder skipped; spoken
    words last about a second (the longest in 25 speech-eval clips: 1.04 s)."""
    return min(word.end, word.start + options.max_gap / 2)


def mean_logprob(segments: list[Segment]) -> float:
    """The segments' mean log-probability, weighted by their words (-inf when empty)."""
    weights = [max(1, len(s.words)) for s in segments]
    if not segments:
        return float("-inf")
    return sum(s.avg_logprob * w for s, w in zip(segments, weights, strict=True)) / sum(weights)


def without_hints(transcriber: Transcriber, wav: Path, start: float, end: float,
                  decode: dict[str, object], vad_filter: bool = False) -> list[Segment]:
    """Seconds ``start``..``end`` of ``wav`` decoded again with no hints, times in ``wav``'s frame.

    ``decode`` must match ``vad_filter`` (``DecodeOptions.as_kwargs(vad_filter)``).
    """
    samples = read_span(wav, start, end)
    if not len(samples):
        return []
    with tempfile.TemporaryDirectory(prefix="edge-assist-guard-") as tmp:
        clip = AudioChunk(0.0, samples).write_wav(Path(tmp) / "span.wav")
        found = list(transcriber.transcribe(clip, word_timestamps=True, vad_filter=vad_filter, **decode))
    return [_shifted(s, start) for s in found]


def guarded(transcriber: Transcriber, wav: Path, segment: Segment, decode: dict[str, object],
            options: GuardOptions) -> list[Segment]:
    """``[segment]``, or its unhinted decode where the hints broke it and that one is better
    (:func:`_better`)."""
    reason = failure(segment, options) if options.enabled else None
    if reason is None:
        return [segment]
    plain = without_hints(transcriber, wav, segment.start, segment.end, decode)
    if plain and _better(plain, segment, reason, options):
        log.debug("segment %.1f-%.1f s decoded again without hints (%s): kept", segment.start,
                  segment.end, reason)
        return plain
    log.debug("segment %.1f-%.1f s decoded again without hints (%s): hinted decode kept",
              segment.start, segment.end, reason)
    return [segment]


def _better(plain: list[Segment], hinted: Segment, reason: str, options: GuardOptions) -> bool:
    """Whether the unhinted decode replaces the hinted one.

    An improbable decode gives way to a more probable one. A decode that skipped speech
    gives way to any clean one (nothing skipped, nothing improbable): its mean
    log-probability counts only the words it kept, so dropping half the audio cost it
    nothing (-0.38 for "... per day. Since" against -0.38 for the whole dictation).
    """
    if reason == "skipped":
        return not any(failure(s, options) for s in plain)
    return mean_logprob(plain) > hinted.avg_logprob


def _shifted(segment: Segment, by: float) -> Segment:
    """``segment`` with its times moved ``by`` seconds (a clip's times into its file's)."""
    words = tuple(Word(w.start + by, w.end + by, w.word, w.probability) for w in segment.words)
    return Segment(segment.start + by, segment.end + by, segment.text, segment.avg_logprob,
                   segment.no_speech_prob, words)
