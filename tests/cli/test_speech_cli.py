"""`edge-assist transcribe` and `edge-assist dictate` through the CLI, on the fake transcriber."""

from __future__ import annotations

import json
import math
import struct
import wave
from pathlib import Path

import pytest
from click.testing import CliRunner

from edge_assist.cli import cli


@pytest.fixture
def speech_cli(fake_env, monkeypatch):
    """The CLI with the fakes' registry and the fake transcriber selected."""
    from edge_assist.models import registry as registry_module

    registry, _ = fake_env
    monkeypatch.setattr(registry_module, "_default", registry)
    monkeypatch.setenv("EDGE_ASSIST_MODELS__TRANSCRIBER", "fake-whisper")
    monkeypatch.setenv("EDGE_ASSIST_PROFILE", "default")

    def run(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return run


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """A three-second WAV whose sidecar text is what the fake hears (sentence i at i..i+1 s)."""
    wav = tmp_path / "clip.wav"
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 5))) for i in range(48_000)))
    wav.with_suffix(".txt").write_text("The patient takes lasics. Review in a week", "utf-8")
    return wav


def test_transcribe_text(speech_cli, clip: Path) -> None:
    """Default output is the corrected text; the correction is reported on stderr."""
    result = speech_cli("transcribe", str(clip))
    assert result.exit_code == 0
    assert result.stdout == "The patient takes Lasix Review in a week\n"  # the fake splits on ". "
    assert "lasics" in result.stderr and "Lasix" in result.stderr


def test_transcribe_json(speech_cli, clip: Path) -> None:
    """--json has segments, corrections and the real-time factor."""
    data = json.loads(speech_cli("transcribe", str(clip), "--json").stdout)
    assert data["corrections"][0]["replacement"] == "Lasix"
    assert len(data["segments"]) == 2 and "real_time_factor" in data


def test_transcribe_srt_and_vtt(speech_cli, clip: Path) -> None:
    """--srt and --vtt render subtitles."""
    assert speech_cli("transcribe", str(clip), "--srt").stdout.startswith("1\n00:00:00,000 --> ")
    assert speech_cli("transcribe", str(clip), "--vtt").stdout.startswith("WEBVTT\n")


def test_transcribe_to_output_file(speech_cli, clip: Path, tmp_path: Path) -> None:
    """--output writes the file whole and leaves no partial file behind."""
    out = tmp_path / "out.srt"
    assert speech_cli("transcribe", str(clip), "--srt", "-o", str(out)).exit_code == 0
    assert out.read_text().startswith("1\n")
    assert not list(tmp_path.glob(".partial-*"))


@pytest.mark.parametrize("content", [None, b"", b"not audio at all " * 10])
def test_transcribe_bad_input_exits_7(speech_cli, tmp_path: Path, content: bytes | None) -> None:
    """Missing, empty and non-audio files: one-line error, exit 7, nothing on stdout."""
    path = tmp_path / "bad.mp3"
    if content is not None:
        path.write_bytes(content)
    result = speech_cli("transcribe", str(path))
    assert result.exit_code == 7 and result.stdout == ""
    assert "Error:" in result.stderr and "Traceback" not in result.stderr


def test_transcribe_unknown_model_is_usage_error(speech_cli, clip: Path) -> None:
    """--model accepts only the catalog's speech models."""
    assert speech_cli("transcribe", str(clip), "--model", "large").exit_code == 2


def test_dictate_without_audio_device_exits_cleanly(speech_cli, monkeypatch) -> None:
    """No PortAudio or no microphone (as on CI): a clear message, exit 7, no traceback."""
    from edge_assist.errors import AudioDeviceError
    from edge_assist.speech import microphone

    def no_device(device=None):
        raise AudioDeviceError("no microphone found", "connect a microphone")

    monkeypatch.setattr(microphone, "input_device", no_device)
    result = speech_cli("dictate")
    assert result.exit_code == 7
    assert "no microphone found" in result.stderr and result.stdout == ""


@pytest.fixture
def fake_mic(monkeypatch, clip: Path):
    """A microphone that 'records' the clip: the real pipeline transcribes it with the fake model."""
    from edge_assist.speech import microphone

    calls: list[str] = []

    def record(pipeline, stop, on_partial=None, device=None):
        calls.append("recorded")
        transcript = pipeline.transcribe(clip)
        transcript.source = "microphone"
        return transcript

    monkeypatch.setattr(microphone, "input_device", lambda device=None: {"name": "fake"})
    monkeypatch.setattr(microphone, "dictate", record)
    return calls


def test_dictate_note_drafts_a_note_from_the_dictation(speech_cli, fake_mic) -> None:
    """--note: microphone -> transcript (drug name corrected) -> a draft note on stdout."""
    result = speech_cli("dictate", "--seconds", "1", "--note")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("DRAFT for clinician review")
    assert "Lasix" in result.stdout and "lasics" not in result.stdout


def test_dictate_note_json_has_transcript_and_note(speech_cli, fake_mic) -> None:
    """--note --json: the transcript (with its correction) and the note's sections together."""
    data = json.loads(speech_cli("dictate", "--seconds", "1", "--note", "--json").stdout)
    assert data["transcript"]["source"] == "microphone"
    assert data["transcript"]["corrections"][0]["replacement"] == "Lasix"
    assert data["note"]["sections"] and "Lasix" in json.dumps(data["note"])


def test_dictate_note_bad_template_fails_before_recording(speech_cli, fake_mic) -> None:
    """An unknown template is reported before the clinician dictates, not after."""
    result = speech_cli("dictate", "--seconds", "1", "--note", "--template", "nosuch")
    assert result.exit_code == 7 and "Traceback" not in result.stderr
    assert fake_mic == [] and result.stdout == ""


def test_dictate_note_keeps_the_transcript_when_drafting_fails(speech_cli, fake_mic, monkeypatch) -> None:
    """A draft that fails still prints the dictation, so nothing said is lost."""
    from edge_assist.assistant import Assistant
    from edge_assist.errors import InputError

    def fail(self, *args, **kwargs):
        raise InputError("the transcript does not look like English", "dictate in English")

    monkeypatch.setattr(Assistant, "note", fail)
    result = speech_cli("dictate", "--seconds", "1", "--note")
    assert result.exit_code == 7
    assert "Lasix" in result.stdout and "could not be drafted" in result.stderr
