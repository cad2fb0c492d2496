"""Decoding files into bounded 16 kHz mono chunks, and refusing what is not audio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from edge_assist.errors import AudioDecodeError, InputError
from edge_assist.speech.audio import RATE, iter_chunks, probe_duration, quiet_cut

from .conftest import write_wav


def test_reads_a_one_second_wav(tone: Path) -> None:
    """A 1 s mono WAV is one chunk of 16,000 samples and a 1 s duration."""
    chunks = list(iter_chunks(tone))
    assert len(chunks) == 1 and len(chunks[0].samples) == RATE
    assert probe_duration(tone) == pytest.approx(1.0, abs=0.01)


def test_stereo_8khz_becomes_16khz_mono(tmp_path: Path) -> None:
    """Any rate and channel count is resampled to 16 kHz mono."""
    wav = write_wav(tmp_path / "s.wav", seconds=1.0, rate=8000, channels=2)
    samples = np.concatenate([c.samples for c in iter_chunks(wav)])
    assert abs(len(samples) - RATE) < 200


def test_long_file_is_cut_into_bounded_chunks(tmp_path: Path) -> None:
    """Chunks never exceed chunk_seconds, cover the whole file, and have increasing offsets."""
    wav = write_wav(tmp_path / "long.wav", seconds=5.0)
    chunks = list(iter_chunks(wav, chunk_seconds=2.0))
    assert all(c.duration <= 2.0 for c in chunks)
    assert sum(len(c.samples) for c in chunks) == 5 * RATE
    assert [c.offset for c in chunks] == sorted(c.offset for c in chunks)


def test_quiet_cut_finds_the_silence() -> None:
    """The cut lands in the quiet stretch, not in the loud one."""
    loud = np.full(RATE, 10_000, dtype=np.int16)
    samples = np.concatenate([loud, loud, np.zeros(RATE // 5, np.int16), loud[: RATE // 2]])
    cut = quiet_cut(samples)
    assert 2 * RATE <= cut <= 2 * RATE + RATE // 5


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    """A path that does not exist is an InputError naming the fix."""
    with pytest.raises(InputError, match="does not exist"):
        probe_duration(tmp_path / "nope.wav")


def test_empty_file_is_decode_error(tmp_path: Path) -> None:
    """A zero-byte file is refused before decoding."""
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(AudioDecodeError, match="empty"):
        probe_duration(empty)


def test_text_file_is_decode_error(tmp_path: Path) -> None:
    """A file that is not audio is an AudioDecodeError (exit code 7), not a traceback."""
    bad = tmp_path / "notes.mp3"
    bad.write_text("this is not audio at all\n" * 20)
    with pytest.raises(AudioDecodeError) as info:
        list(iter_chunks(bad))
    assert info.value.exit_code == 7


def test_truncated_wav_is_refused_or_short(tmp_path: Path, tone: Path) -> None:
    """A WAV cut mid-header is refused with a decode error."""
    broken = tmp_path / "broken.wav"
    broken.write_bytes(tone.read_bytes()[:20])
    with pytest.raises(AudioDecodeError):
        list(iter_chunks(broken))
