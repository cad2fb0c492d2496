"""Speech fixtures: tiny WAVs written with the ``wave`` module (no committed audio)."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

import pytest


def write_wav(path: Path, seconds: float = 1.0, rate: int = 16_000, channels: int = 1,
              freq: float = 440.0, amplitude: float = 0.3) -> Path:
    """A sine tone (or silence with ``amplitude=0``) as 16-bit PCM WAV."""
    frames = bytearray()
    for i in range(int(seconds * rate)):
        value = int(amplitude * 32767 * math.sin(2 * math.pi * freq * i / rate))
        frames += struct.pack("<h", value) * channels
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return path


@pytest.fixture
def tone(tmp_path: Path) -> Path:
    """A one-second 16 kHz mono tone."""
    return write_wav(tmp_path / "tone.wav")


@pytest.fixture
def wav_with_text(tmp_path: Path):
    """A three-second WAV whose sidecar .txt is what the fake transcriber 'hears'.

    The fake gives sentence i the times i..i+1 s, so three sentences fit.
    """

    def make(text: str, name: str = "clip") -> Path:
        wav = write_wav(tmp_path / f"{name}.wav", seconds=3.0)
        wav.with_suffix(".txt").write_text(text, "utf-8")
        return wav

    return make
