"""Reading audio files in bounded memory: decode with PyAV, cut into chunks at quiet points.

faster-whisper decodes a whole file into one float array before it starts, so a
two-hour dictation would need about 460 MB just for samples. Here the file is
decoded as a stream (PyAV, the decoder faster-whisper itself uses, so every
format it reads works: wav, mp3, m4a, flac, ogg, any rate, any channels),
resampled to 16 kHz mono 16-bit, and handed on in chunks of at most
``chunk_seconds``. Each chunk ends at the quietest 100 ms near its end, so a
cut rarely splits a word, and is written to a temporary WAV that the
transcriber reads; memory stays at one chunk whatever the file's length.
"""

from __future__ import annotations

import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from edge_assist.errors import AudioDecodeError, InputError

RATE = 16_000
_WINDOW = RATE // 10  # 100 ms: the resolution at which a quiet cut point is searched


@dataclass(frozen=True)
class AudioChunk:
    """16 kHz mono int16 samples and where they start in the file (seconds)."""

    offset: float
    samples: np.ndarray

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / RATE

    def write_wav(self, path: Path) -> Path:
        """Write the chunk as a 16 kHz mono 16-bit WAV (what the transcriber reads)."""
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(self.samples.astype("<i2").tobytes())
        return path


def check_file(path: Path) -> None:
    """Fail early, with a clear message, on a missing, empty or unreadable file.

    Raises:
        InputError: the path does not exist or is not a file.
        AudioDecodeError: the file is empty.
    """
    if not path.exists():
        raise InputError(f"audio file {path} does not exist", "check the path")
    if not path.is_file():
        raise InputError(f"{path} is not a file", "give the path of one audio file")
    if path.stat().st_size == 0:
        raise AudioDecodeError(f"{path.name} is empty (0 bytes)", "record or export the audio again")


def probe_duration(path: Path) -> float:
    """The file's duration in seconds from its header (0.0 where the header has none).

    Raises:
        AudioDecodeError: not audio, corrupt, or with no audio stream.
    """
    with _open(path) as container:
        stream = _audio_stream(container, path)
        if stream.duration is not None and stream.time_base is not None:
            return float(stream.duration * stream.time_base)
        return float(container.duration or 0) / 1_000_000


def iter_chunks(path: Path, chunk_seconds: float = 600.0) -> Iterator[AudioChunk]:
    """Decode ``path`` lazily into 16 kHz mono chunks of at most ``chunk_seconds``.

    Raises:
        AudioDecodeError: not audio, corrupt, or with no audio stream.
    """
    limit = int(chunk_seconds * RATE)
    pending: list[np.ndarray] = []
    size = 0
    offset = 0
    for block in _iter_pcm(path):
        pending.append(block)
        size += len(block)
        if size >= limit:
            samples = np.concatenate(pending)
            cut = quiet_cut(samples[:limit])
            yield AudioChunk(offset / RATE, samples[:cut])
            offset += cut
            pending, size = [samples[cut:]], len(samples) - cut
    if size:
        yield AudioChunk(offset / RATE, np.concatenate(pending))


def is_ready_wav(path: Path, chunk_seconds: float) -> bool:
    """Whether ``path`` is already a 16 kHz mono 16-bit WAV short enough to read as is."""
    try:
        with wave.open(str(path), "rb") as wav:
            return (wav.getframerate() == RATE and wav.getnchannels() == 1
                    and wav.getsampwidth() == 2 and wav.getnframes() <= chunk_seconds * RATE)
    except (OSError, EOFError, wave.Error):
        return False


def read_span(path: Path, start: float, end: float) -> np.ndarray:
    """Samples ``start``..``end`` seconds of a 16 kHz mono 16-bit WAV (clipped to the file)."""
    with wave.open(str(path), "rb") as wav:
        total = wav.getnframes()
        first = min(total, max(0, int(start * RATE)))
        wav.setpos(first)
        count = max(0, min(total, int(end * RATE)) - first)
        return np.frombuffer(wav.readframes(count), dtype="<i2").copy()


def quiet_cut(samples: np.ndarray, search_seconds: float = 20.0) -> int:
    """The sample index of the quietest 100 ms window in the last ``search_seconds``."""
    start = max(0, len(samples) - int(min(search_seconds * RATE, len(samples) / 3)))
    tail = samples[start:].astype(np.float32)
    n = len(tail) // _WINDOW
    if n < 2:
        return len(samples)
    energy = np.square(tail[: n * _WINDOW]).reshape(n, _WINDOW).mean(axis=1)
    return start + int(np.argmin(energy)) * _WINDOW + _WINDOW // 2


def _iter_pcm(path: Path) -> Iterator[np.ndarray]:
    import av

    with _open(path) as container:
        stream = _audio_stream(container, path)
        resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    yield out.to_ndarray().reshape(-1)
            for out in resampler.resample(None):
                yield out.to_ndarray().reshape(-1)
        except av.error.FFmpegError as exc:
            raise _decode_error(path, exc) from None


def _open(path: Path) -> Any:
    import av

    check_file(path)
    try:
        return av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise _decode_error(path, exc) from None


def _audio_stream(container: Any, path: Path) -> Any:
    if not container.streams.audio:
        raise AudioDecodeError(f"{path.name} has no audio stream", "use wav, mp3, m4a, flac or ogg")
    return container.streams.audio[0]


def _decode_error(path: Path, exc: BaseException) -> AudioDecodeError:
    return AudioDecodeError(f"cannot decode {path.name} as audio ({type(exc).__name__})",
                            "use wav, mp3, m4a, flac or ogg; the file may be corrupt")
