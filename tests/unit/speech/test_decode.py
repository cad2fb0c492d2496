"""Decoding options: what the pipeline asks of Whisper, and what the adapter passes on."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from edge_assist.models.whisper import WhisperTranscriber
from edge_assist.speech.pipeline import DecodeOptions, SpeechOptions, SpeechPipeline


class _Recorder:
    """Stands in for faster-whisper's WhisperModel and records the arguments."""

    def __init__(self) -> None:
        self.kwargs: dict = {}

    def transcribe(self, path: str, **kwargs):
        self.kwargs = kwargs
        seg = SimpleNamespace(start=0.0, end=1.0, text=" Hello.", avg_logprob=-0.1, no_speech_prob=0.0,
                              words=[SimpleNamespace(start=0.0, end=1.0, word=" Hello.", probability=0.9)])
        return iter([seg]), None


def _adapter() -> tuple[WhisperTranscriber, _Recorder]:
    adapter = WhisperTranscriber.__new__(WhisperTranscriber)
    adapter.language = "en"
    adapter.manifest = SimpleNamespace(id="whisper-test")  # type: ignore[assignment]
    recorder = _Recorder()
    adapter._model = recorder
    return adapter, recorder


def test_defaults_keep_whisper_defaults() -> None:
    """Beam 5 with fallback: only the beam is sent; VAD parameters only when changed."""
    assert DecodeOptions().as_kwargs(vad=True) == {"beam_size": 5}
    greedy = DecodeOptions(beam_size=1, fallback=False, without_timestamps=True, vad_min_silence_ms=500)
    kwargs = greedy.as_kwargs(vad=True)
    assert kwargs["temperature"] == 0.0 and kwargs["without_timestamps"] is True
    assert kwargs["vad_parameters"]["min_silence_duration_ms"] == 500
    assert "vad_parameters" not in greedy.as_kwargs(vad=False)


def test_adapter_passes_options_through(tmp_path: Path) -> None:
    """The pipeline's decoding options reach faster-whisper by name."""
    wav = tmp_path / "a.wav"
    wav.write_bytes(b"RIFF")
    adapter, recorder = _adapter()
    options = SpeechOptions(bias=False, correct=False, decode=DecodeOptions(beam_size=2, fallback=False))
    segments = list(SpeechPipeline(adapter, options)._decode(wav))
    assert segments[0].text == " Hello." and segments[0].words[0].probability == 0.9
    assert recorder.kwargs["beam_size"] == 2 and recorder.kwargs["temperature"] == 0.0
    assert recorder.kwargs["word_timestamps"] is True and recorder.kwargs["hotwords"] is None


def test_adapter_rejects_unknown_options(tmp_path: Path) -> None:
    """A misspelt option is an error, not silently ignored."""
    wav = tmp_path / "a.wav"
    wav.write_bytes(b"RIFF")
    adapter, _ = _adapter()
    with pytest.raises(ValueError, match="beam_sise"):
        list(adapter.transcribe(wav, beam_sise=3))
