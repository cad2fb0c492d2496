"""Speech to text with faster-whisper on a CTranslate2 directory, int8 on CPU.

``local_files_only`` and a directory path mean faster-whisper never asks a hub;
the tokenizer comes from the model directory (every catalog entry ships one).
Decoding options beyond the :class:`~edge_assist.models.base.Transcriber`
interface (beam size, temperature fallback, VAD parameters ...) pass through
by name; only the ones in ``DECODE_OPTIONS`` are accepted.
"""

from __future__ import annotations

from collections.abc import Iterator
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


class WhisperTranscriber(Transcriber):
    """A faster-whisper model loaded from the store."""

    def __init__(self, manifest: ModelManifest, paths: dict[str, Path], settings: Settings) -> None:
        from faster_whisper import WhisperModel

        self.manifest = manifest
        self.language = manifest.runtime.get("language")
        directory = paths["model.bin"].parent
        try:
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
