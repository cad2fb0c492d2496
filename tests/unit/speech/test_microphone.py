"""The microphone: a clear error, never a crash, where there is no device or no PortAudio."""

from __future__ import annotations

import builtins
import threading
from types import SimpleNamespace

import numpy as np
import pytest

from edge_assist.errors import AudioDeviceError
from edge_assist.speech import microphone


def test_missing_portaudio_is_a_device_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """sounddevice raising OSError on import (no libportaudio) becomes AudioDeviceError."""
    real_import = builtins.__import__

    def fake_import(name: str, *args, **kwargs):
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(AudioDeviceError, match="PortAudio") as info:
        microphone.load_sounddevice()
    assert info.value.exit_code == 7


class _FakeSD:
    """A sounddevice stand-in with no input devices."""

    class PortAudioError(Exception):
        pass

    def query_devices(self, device=None, kind=None):
        raise ValueError("No input device matching")


def test_no_input_device_is_a_device_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """No microphone: AudioDeviceError with a fix, before anything is recorded."""
    monkeypatch.setattr(microphone, "load_sounddevice", lambda: _FakeSD())
    with pytest.raises(AudioDeviceError, match="no microphone"):
        microphone.input_device()


def test_recorder_collects_callback_blocks() -> None:
    """Blocks from PortAudio's callback are kept, bounded by max_seconds."""
    rec = microphone.Recorder(max_seconds=1.0)
    block = np.ones((8000, 1), dtype=np.int16)
    for _ in range(3):
        rec._callback(block, 8000, None, None)
    assert len(rec.audio().samples) == 16_000


def test_dictate_records_then_transcribes(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """dictate() records until stopped, then runs the full pipeline on the recording."""
    monkeypatch.setattr(microphone, "input_device", lambda device=None: {"max_input_channels": 1})
    chunk = microphone.AudioChunk(0.0, np.zeros(16_000, np.int16))
    monkeypatch.setattr(microphone.Recorder, "record", lambda self, stop, on_audio=None: chunk)
    seen = []
    pipeline = SimpleNamespace(transcribe=lambda path: seen.append(path.read_bytes()[:4])
                               or SimpleNamespace(source=""))
    transcript = microphone.dictate(pipeline, threading.Event())
    assert transcript.source == "microphone" and seen == [b"RIFF"]
