"""File to transcript: decode in chunks, bias with the clinical vocabulary, correct, lay out.

The flow per chunk (see :mod:`edge_assist.speech.audio` for why chunks):
Whisper with Silero VAD, the clinical ``hotwords`` and ``initial_prompt``, and
word timings → segments the hints broke decoded again without them
(:mod:`edge_assist.speech.guard`) → a guard against Whisper's known failure of
looping on a phrase after the speech ends → near-miss drug-name correction on the timed
words → dictation commands (when asked). Segments are yielded as soon as
they are ready, so a caller can show them live; progress and cancellation are
checked between segments.
"""

from __future__ import annotations

import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from edge_assist.errors import GenerationCancelled
from edge_assist.models.base import Segment, Transcriber
from edge_assist.speech.audio import is_ready_wav, iter_chunks, probe_duration
from edge_assist.speech.commands import apply_commands
from edge_assist.speech.correction import CorrectionOptions, DrugCorrector
from edge_assist.speech.crosscheck import decode_again, windows
from edge_assist.speech.guard import GuardOptions, guarded, tail_start, without_hints
from edge_assist.speech.redecode import RedecodeOptions, Redecoder
from edge_assist.speech.review import Reviewer, ReviewOptions
from edge_assist.speech.types import TimedWord, Transcript, TranscriptSegment
from edge_assist.speech.vocabulary import build_vocabulary, clinical_words, english_words, load_lexicon

Progress = Callable[[float, float], None]  # (seconds of audio done, total seconds)


@dataclass(frozen=True)
class DecodeOptions:
    """How Whisper searches (faster-whisper's arguments; chosen on the eval's tune half).

    Beam 5 with temperature fallback stays the default: greedy decoding (beam 1, no
    fallback) was about 20% faster but raised tiny.en's WER on the tune half from
    0.243 to 0.260 (both with correction, before biasing).

    Attributes:
        beam_size: beams of the search (1: greedy).
        fallback: re-decode at rising temperature when a segment looks like a loop or
            is improbable (Whisper's default); off, one pass at temperature 0.
        condition_on_previous_text: feed each window the text of the one before.
        without_timestamps: no timestamp tokens (segments then span whole windows; word
            timings still come from alignment).
        chunk_length: seconds per window (Whisper's 30 when None).
        vad_min_silence_ms: silence that splits speech for Silero VAD.
        vad_speech_pad_ms: audio kept either side of detected speech.
    """

    beam_size: int = 5
    fallback: bool = True
    condition_on_previous_text: bool = True
    without_timestamps: bool = False
    chunk_length: int | None = None
    vad_min_silence_ms: int = 2000
    vad_speech_pad_ms: int = 400

    def as_kwargs(self, vad: bool) -> dict[str, object]:
        """The faster-whisper keyword arguments (only those that differ from its defaults)."""
        out: dict[str, object] = {"beam_size": self.beam_size}
        if not self.fallback:
            out["temperature"] = 0.0
        if not self.condition_on_previous_text:
            out["condition_on_previous_text"] = False
        if self.without_timestamps:
            out["without_timestamps"] = True
        if self.chunk_length:
            out["chunk_length"] = self.chunk_length
        if vad and (self.vad_min_silence_ms, self.vad_speech_pad_ms) != (2000, 400):
            out["vad_parameters"] = {"min_silence_duration_ms": self.vad_min_silence_ms,
                                     "speech_pad_ms": self.vad_speech_pad_ms}
        return out


@dataclass
class SpeechOptions:
    """What the pipeline does beyond plain Whisper.

    Attributes:
        bias: send the clinical vocabulary as Whisper ``hotwords`` (about 30 common drugs).
            On the speech eval's tune half (54 clips, tiny.en, beam 5) it took WER from 0.253
            to 0.209 and drug names from 25% to 46%; ten drugs only: 0.219 and 42%.
        prompt: also send it as ``initial_prompt``. Off: a prompt of ten drugs gave 0.233
            and 40% at 1.6x the time, and prompt plus hotwords made tiny.en loop.
        correct: correct near-miss drug names against the lexicon.
        commands: turn spoken "period", "new paragraph" ... into layout.
        vad: skip silence with Silero VAD (faster-whisper's bundled model).
        user_words: extra words to bias towards (``settings.speech.vocabulary``).
        chunk_seconds: longest stretch decoded at once (bounds memory).
        correction: the confidence bar and limits of correction.
        decode: Whisper's search settings.
        redecode: the targeted second pass for suspected drug names (with ``correct``; off
            by default, see :mod:`edge_assist.speech.redecode`).
        guard: when a hinted segment is decoded again without hints (with ``bias``; see
            :mod:`edge_assist.speech.guard`).
        review: which numbers, doses and drug names are flagged for review
            (:mod:`edge_assist.speech.review`).
    """

    bias: bool = True
    prompt: bool = False
    correct: bool = True
    commands: bool = False
    vad: bool = True
    user_words: tuple[str, ...] = ()
    chunk_seconds: float = 600.0
    correction: CorrectionOptions = field(default_factory=CorrectionOptions)
    decode: DecodeOptions = field(default_factory=DecodeOptions)
    redecode: RedecodeOptions = field(default_factory=RedecodeOptions)
    guard: GuardOptions = field(default_factory=GuardOptions)
    review: ReviewOptions = field(default_factory=ReviewOptions)


class SpeechPipeline:
    """Transcribes files with one speech model and the clinical vocabulary.

    Args:
        transcriber: the speech model.
        options: biasing, correction, commands.
        tokenizer_json: the model's ``tokenizer.json`` (its whole words are the
            English guard of correction); None disables the guard.
    """

    def __init__(self, transcriber: Transcriber, options: SpeechOptions | None = None,
                 tokenizer_json: Path | None = None) -> None:
        self.transcriber = transcriber
        self.options = options or SpeechOptions()
        self.vocabulary = build_vocabulary(self.options.user_words)
        self._tokenizer_json = tokenizer_json
        self._corrector: DrugCorrector | None = None

    @property
    def corrector(self) -> DrugCorrector:
        """The drug-name corrector (built on first use: the lexicon takes seconds to read)."""
        if self._corrector is None:
            self._corrector = _corrector(self._tokenizer_json, self.options.correction)
        return self._corrector

    def transcribe(self, path: Path, progress: Progress | None = None,
                   cancel: threading.Event | None = None) -> Transcript:
        """The whole transcript of ``path`` with timings.

        Raises:
            InputError: missing file.
            AudioDecodeError: empty, corrupt or not audio.
            GenerationCancelled: ``cancel`` was set.
        """
        path = Path(path)
        duration = probe_duration(path)
        started = time.perf_counter()
        transcript = Transcript(path.name, self.transcriber.id, duration)
        for segment in self.stream(path, progress, cancel, duration):
            transcript.segments.append(segment)
            transcript.duration = max(transcript.duration, segment.end)
        transcript.seconds = time.perf_counter() - started
        return transcript

    def stream(self, path: Path, progress: Progress | None = None,
               cancel: threading.Event | None = None,
               duration: float | None = None) -> Iterator[TranscriptSegment]:
        """Yield segments of ``path`` as they are decoded (same errors as :meth:`transcribe`)."""
        path = Path(path)
        total = probe_duration(path) if duration is None else duration
        if is_ready_wav(path, self.options.chunk_seconds):  # no copy for what Whisper reads as is
            yield from self._segments(path, 0.0, total, progress, cancel)
            if progress:
                progress(total, total)
            return
        with tempfile.TemporaryDirectory(prefix="edge-assist-speech-") as tmp:
            for n, chunk in enumerate(iter_chunks(path, self.options.chunk_seconds)):
                wav = chunk.write_wav(Path(tmp) / f"chunk{n}.wav")
                yield from self._segments(wav, chunk.offset, chunk.duration, progress, cancel)
                wav.unlink()
                if progress:
                    progress(min(total, chunk.offset + chunk.duration), total)

    def _segments(self, wav: Path, offset: float, duration: float, progress: Progress | None,
                  cancel: threading.Event | None) -> Iterator[TranscriptSegment]:
        previous = ""
        for raw in self._decoded(wav, duration):
            _check(cancel)
            if raw.start >= duration or raw.text.strip() == previous:
                continue  # Whisper talking past the audio, or repeating itself
            previous = raw.text.strip()
            segment = self._finish(raw, offset, wav)
            if segment.text:
                yield segment
            if progress:
                progress(offset + min(raw.end, duration), offset + duration)
        _check(cancel)

    def _decoded(self, wav: Path, duration: float) -> Iterator[Segment]:
        """The checked segments of ``wav``, then those of any tail the decoder stopped short of."""
        seen: list[Segment] = []
        for raw in self._checked(self._decode(wav), wav):
            seen.append(raw)
            yield raw
        start = tail_start(seen, duration, self.options.guard) if self.options.vad else None
        if start is not None:
            # Without hints, as the guard re-decodes: given the drug list, the decode that
            # already stopped early once filled a tail with "gabapentin" no one said.
            yield from without_hints(self.transcriber, wav, start, duration,
                                     self.options.decode.as_kwargs(vad=True), vad_filter=True)

    def _decode(self, wav: Path) -> Iterator[Segment]:
        hints = self.vocabulary if self.options.bias else None
        return self.transcriber.transcribe(
            wav, initial_prompt=hints.initial_prompt if hints and self.options.prompt else None,
            hotwords=hints.hotwords if hints else None, word_timestamps=True,
            vad_filter=self.options.vad, **self.options.decode.as_kwargs(self.options.vad))

    def _checked(self, segments: Iterator[Segment], wav: Path) -> Iterator[Segment]:
        if not self.options.bias:  # the guard undoes what the hints broke; nothing to undo
            yield from segments
            return
        decode = self.options.decode.as_kwargs(vad=False)
        for raw in segments:
            yield from guarded(self.transcriber, wav, raw, decode, self.options.guard)

    def _finish(self, raw: Segment, offset: float, wav: Path | None = None) -> TranscriptSegment:
        confidence = TranscriptSegment.confidence_of(raw.avg_logprob)
        words = [TimedWord(w.start + offset, w.end + offset, w.word, w.probability)
                 for w in raw.words] or _untimed(raw, offset, confidence)
        words = _drop_loops(words)
        corrections: list = []
        if self.options.correct:
            words, corrections = self.corrector.correct_words(words)
            if wav is not None and self.options.redecode.enabled:
                redecoder = Redecoder(self.transcriber, self.corrector, self.options.redecode)
                decode = self.options.decode.as_kwargs(vad=False)
                words, more = redecoder.fix(words, wav, offset, decode)
                corrections = sorted(corrections + more, key=lambda c: c.start)
        flags = self._review(words, corrections, wav, offset, timed=bool(raw.words))
        text = "".join(w.text for w in words).strip()
        if self.options.commands:
            text = apply_commands(text)
        return TranscriptSegment(round(raw.start + offset, 3), round(raw.end + offset, 3), text,
                                 confidence, tuple(words), tuple(corrections), flags)

    def _review(self, words: list[TimedWord], corrections: list, wav: Path | None, offset: float,
                timed: bool) -> tuple:
        """The segment's review flags; the audio around its numbers is decoded once more when
        its words have real timings (without them nothing can be lined up)."""
        options = self.options.review
        if not options.enabled:
            return ()
        reviewer = Reviewer(self.corrector, options)
        other = None
        if options.crosscheck and timed and wav is not None:
            wanted = [reviewer.kind(w) is not None or self.corrector.is_cue(w.text) for w in words]
            spans = windows(words, wanted)
            other = decode_again(self.transcriber, wav, offset, spans,
                                 self.options.decode.as_kwargs(vad=False)) if spans else []
        return reviewer.flag(words, corrections, other)


@cache
def _corrector(tokenizer_json: Path | None, options: CorrectionOptions) -> DrugCorrector:
    return DrugCorrector(load_lexicon(), english_words(tokenizer_json), options, clinical_words())


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise GenerationCancelled("transcription cancelled")


def _untimed(raw: Segment, offset: float, probability: float) -> list[TimedWord]:
    # Backends without word timings: spread the words evenly over the segment.
    parts = raw.text.split()
    step = (raw.end - raw.start) / max(1, len(parts))
    return [TimedWord(offset + raw.start + i * step, offset + raw.start + (i + 1) * step,
                      " " + p, probability) for i, p in enumerate(parts)]


def _drop_loops(words: list[TimedWord], max_repeats: int = 2) -> list[TimedWord]:
    """Cut a phrase of one to four words repeated more than ``max_repeats`` times in a row.

    Whisper sometimes loops ("Lasix, Lasix, Lasix, ...") when a prompt primes it
    and the speech ends; real dictation does not repeat a phrase three times.
    """
    keys = [re.sub(r"\W", "", w.text.lower()) for w in words]
    out_idx: list[int] = []
    i = 0
    while i < len(words):
        for size in range(1, 5):
            phrase = keys[i:i + size]
            reps = 1
            while keys[i + reps * size:i + (reps + 1) * size] == phrase:
                reps += 1
            if reps > max_repeats and any(phrase):
                out_idx.extend(range(i, i + size))
                i += reps * size
                break
        else:
            out_idx.append(i)
            i += 1
    return [words[i] for i in out_idx]
