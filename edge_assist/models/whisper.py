"""Speech to text with faster-whisper on a CTranslate2 directory, int8 on CPU.

``local_files_only`` and a directory path mean faster-whisper never asks a hub;
the tokenizer comes from the model directory (every catalog entry ships one).
Decoding options beyond the :class:`~edge_assist.models.base.Transcriber`
interface (beam size, temperature fallback, VAD parameters ...) pass through
by name; only the ones in ``DECODE_OPTIONS`` are accepted.

One change to faster-whisper's search (:func:`_model_class`): the last, part-filled
window of a file is not decoded again from the last word's end. With word timings on,
faster-whisper rewinds to the last word and decodes the fraction of a second left
(padded to 30 s of silence); with the clinical ``hotwords`` in the prompt, tiny.en
fills that silence with "Thank you.", a drug name or a loop, and the temperature
fallback makes it slow. On 20 speech-eval clips (210 s of audio, 2 cores) this took
the real-time factor from 0.12 to 0.073 and removed every hallucinated tail.

Sampling is seeded (:data:`SEED`). Whisper's temperature fallback samples, and
CTranslate2 seeds each worker thread's generator from the device's entropy on first
use, so the same clip came out as "mepation tylenetic" in one run of the speech eval
and clean in the next. With a fixed seed set before the model's threads start, a
process that transcribes the same files in the same order writes the same text:
``transcribe FILE`` is repeatable and the eval measures changes, not luck.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from edge_assist.errors import InputError, ModelLoadError
from edge_assist.models.base import Segment, Transcriber, Word
from edge_assist.models.hardware import physical_cores
from edge_assist.models.manifest import ModelManifest
from edge_assist.settings import Settings

# faster-whisper ``transcribe`` arguments a caller may set; others are fixed here.
DECODE_OPTIONS = frozenset({
    "beam_size", "best_of", "patience", "temperature", "condition_on_previous_text",
    "without_timestamps", "vad_parameters", "chunk_length", "no_speech_threshold",
    "log_prob_threshold", "compression_ratio_threshold", "repetition_penalty",
    "no_repeat_ngram_size", "hallucination_silence_threshold", "suppress_blank",
})  # fmt: skip
DEFAULT_BEAM = 5
SEED = 1234


class WhisperTranscriber(Transcriber):
    """A faster-whisper model loaded from the store."""

    def __init__(self, manifest: ModelManifest, paths: dict[str, Path], settings: Settings) -> None:
        WhisperModel = _model_class()
        self.manifest = manifest
        self.language = manifest.runtime.get("language")
        directory = paths["model.bin"].parent
        try:
            _seed_sampling()
            self._model: Any = WhisperModel(
                str(directory),
                device="cpu",
                compute_type="int8",
                cpu_threads=settings.models.n_threads or physical_cores(),
                local_files_only=True,
            )
        except Exception as exc:  # CTranslate2 raises RuntimeError/ValueError with no subclass
            raise ModelLoadError(f"could not load {manifest.id}: {exc}".splitlines()[0]) from None

    def transcribe(
        self,
        audio: Path,
        language: str | None = None,
        initial_prompt: str | None = None,
        hotwords: str | None = None,
        word_timestamps: bool = False,
        vad_filter: bool = True,
        **options: Any,
    ) -> Iterator[Segment]:
        """Yield segments of ``audio`` as they are decoded.

        Args:
            options: faster-whisper decoding options named in ``DECODE_OPTIONS``.

        Raises:
            InputError: missing file, not audio.
            ValueError: an option faster-whisper does not take here.
        """
        path = Path(audio)
        if not path.is_file():
            raise InputError(f"audio file {path} does not exist", "check the path")
        unknown = set(options) - DECODE_OPTIONS
        if unknown:
            raise ValueError(f"unknown decoding option(s): {', '.join(sorted(unknown))}")
        options.setdefault("beam_size", DEFAULT_BEAM)
        try:
            segments, _info = self._model.transcribe(
                str(path),
                language=language or self.language,
                initial_prompt=initial_prompt,
                hotwords=hotwords,
                word_timestamps=word_timestamps,
                vad_filter=vad_filter,
                **options,
            )
        except Exception as exc:  # PyAV raises InvalidDataError and friends
            raise InputError(
                f"cannot decode {path.name} as audio ({type(exc).__name__})",
                "use wav, mp3, m4a, flac or ogg",
            ) from None
        for seg in segments:
            words = tuple(Word(w.start, w.end, w.word, w.probability) for w in (seg.words or ()))
            yield Segment(seg.start, seg.end, seg.text, seg.avg_logprob, seg.no_speech_prob, words)

    def close(self) -> None:
        """Free the CTranslate2 model."""
        self._model = None


def _seed_sampling() -> None:
    """Fix CTranslate2's sampling seed; its threads read it when they first sample."""
    import ctranslate2

    ctranslate2.set_random_seed(SEED)


@cache
def _model_class() -> type:
    """faster-whisper's ``WhisperModel``, except that the final window is decoded once (see above).

    faster-whisper 1.2.1 (pinned) decides where the next window starts in
    ``_split_segments_by_timestamps``; when that has consumed the whole window it returns
    ``single_timestamp_ending=False`` unless the model closed on one timestamp, and the
    word-timing step then moves the start back to the last word. For the last,
    part-filled window (fewer frames than a full window) we report the window as
    finished, so nothing after the final word is decoded again. Full windows keep the
    rewind: there a word may really be cut at the boundary.
    """
    from faster_whisper import WhisperModel

    class FinalWindowOnce(WhisperModel):  # type: ignore[misc]
        def _split_segments_by_timestamps(self, tokenizer: Any, tokens: list[int], time_offset: float,
                                          segment_size: int, segment_duration: float,
                                          seek: int) -> tuple[list[dict[str, Any]], int, bool]:
            segments, next_seek, single_ending = super()._split_segments_by_timestamps(
                tokenizer, tokens, time_offset, segment_size, segment_duration, seek)
            final = segment_size < self.feature_extractor.nb_max_frames
            if final and next_seek >= seek + segment_size:
                single_ending = True
            return segments, next_seek, single_ending

    return FinalWindowOnce
