"""Recording from the microphone with sounddevice (PortAudio), with live partial text.

sounddevice loads the PortAudio C library when imported and raises ``OSError``
where it is missing (many servers and CI runners); a machine may also have the
library but no input device. Both become one :class:`AudioDeviceError` with a
fix, raised before anything is recorded, never a traceback.

Recording runs in PortAudio's callback thread into a bounded buffer; the
caller's thread re-transcribes what has been heard every few seconds and
reports it as partial text, then the final transcript goes through the full
pipeline (vocabulary, correction, dictation commands).
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from edge_assist.errors import AudioDeviceError
from edge_assist.speech.audio import RATE, AudioChunk


def load_sounddevice() -> Any:
    """The sounddevice module.

    Raises:
        AudioDeviceError: sounddevice or the PortAudio library is not installed.
    """
    try:
        import sounddevice
    except (ImportError, OSError):
        raise AudioDeviceError("no audio input: the PortAudio library is not installed",
                               "install libportaudio2 (apt-get install libportaudio2) "
                               "or transcribe a file with edge-assist transcribe FILE") from None
    return sounddevice


def input_device(device: int | str | None = None) -> dict[str, Any]:
    """The input device to record from (the system default if ``device`` is None).

    Raises:
        AudioDeviceError: no input device, or ``device`` is not one.
    """
    sd = load_sounddevice()
    try:
        info = sd.query_devices(device, kind="input")
    except (ValueError, sd.PortAudioError):
        raise AudioDeviceError(
            "no microphone found" if device is None else f"no input device {device!r}",
            "connect a microphone, or transcribe a recording with edge-assist transcribe FILE",
        ) from None
    if int(info.get("max_input_channels", 0)) < 1:
        raise AudioDeviceError(f"device {info.get('name')!r} has no input channels",
                               "pick another device with --device")
    return dict(info)


@dataclass
class Recorder:
    """Records 16 kHz mono 16-bit audio until stopped or ``max_seconds`` is reached.

    Args:
        device: PortAudio device index or name (default input if None).
        max_seconds: the most that is kept (bounds memory: 10 minutes is 19 MB).
    """

    device: int | str | None = None
    max_seconds: float = 600.0
    _blocks: list[np.ndarray] = field(default_factory=list, repr=False)
    _size: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, stop: threading.Event, on_audio: Callable[[AudioChunk], None] | None = None,
               every: float = 3.0) -> AudioChunk:
        """Record until ``stop`` is set; call ``on_audio`` with all audio so far every ``every`` s.

        Raises:
            AudioDeviceError: no usable input device.
        """
        sd = load_sounddevice()
        input_device(self.device)
        try:
            stream = sd.InputStream(samplerate=RATE, channels=1, dtype="int16",
                                    device=self.device, callback=self._callback)
        except sd.PortAudioError as exc:
            raise AudioDeviceError(f"cannot open the microphone ({exc})".splitlines()[0],
                                   "check the device is free and permitted") from None
        with stream:
            last = time.monotonic()
            while not stop.wait(0.1) and self._size < self.max_seconds * RATE:
                if on_audio and time.monotonic() - last >= every:
                    on_audio(self.audio())
                    last = time.monotonic()
        return self.audio()

    def audio(self) -> AudioChunk:
        """Everything recorded so far."""
        with self._lock:
            samples = np.concatenate(self._blocks) if self._blocks else np.zeros(0, np.int16)
        return AudioChunk(0.0, samples)

    def _callback(self, indata: np.ndarray, frames: int, _time: Any, _status: Any) -> None:
        with self._lock:
            if self._size < self.max_seconds * RATE:
                self._blocks.append(indata[:, 0].copy())
                self._size += frames


def partial_text(chunk: AudioChunk, transcribe: Callable[[Path], str]) -> str:
    """Transcribe recorded audio so far (written to a temporary WAV) for live display."""
    if chunk.duration < 0.5:
        return ""
    with tempfile.TemporaryDirectory(prefix="edge-assist-mic-") as tmp:
        return transcribe(chunk.write_wav(Path(tmp) / "partial.wav"))


def dictate(pipeline: Any, stop: threading.Event, on_partial: Callable[[str], None] | None = None,
            device: int | str | None = None, max_seconds: float = 600.0) -> Any:
    """Record until ``stop`` is set, showing partial text, then transcribe it in full.

    Args:
        pipeline: a :class:`~edge_assist.speech.pipeline.SpeechPipeline` (commands on).
        stop: set it (Enter, a key release in the TUI) to end the recording.
        on_partial: called with the text heard so far, every few seconds.
        device: input device index or name.
        max_seconds: recording stops by itself after this long.

    Returns:
        The :class:`~edge_assist.speech.types.Transcript` of the recording.

    Raises:
        AudioDeviceError: no microphone or no PortAudio.
    """
    input_device(device)
    recorder = Recorder(device, max_seconds)

    def show(chunk: AudioChunk) -> None:
        if on_partial:
            on_partial(partial_text(chunk, pipeline.transcriber.transcribe_text))

    chunk = recorder.record(stop, show if on_partial else None)
    with tempfile.TemporaryDirectory(prefix="edge-assist-mic-") as tmp:
        transcript = pipeline.transcribe(chunk.write_wav(Path(tmp) / "dictation.wav"))
    transcript.source = "microphone"
    return transcript
