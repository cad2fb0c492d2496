"""Real-model fixtures: loaded once per module, from the store scripts/setup filled."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from edge_assist.models.registry import make_default_registry
from edge_assist.models.store import ModelStore


def _need(settings, model_id: str) -> None:
    m = make_default_registry().get(model_id)
    if not ModelStore(settings.model_store).status(m).assembled:
        pytest.skip(f"{model_id} not pulled; run scripts/setup --dev")


@pytest.fixture
def need(real_settings):
    """Skip unless the named models are in the real store."""

    def check(*model_ids: str):
        for model_id in model_ids:
            _need(real_settings, model_id)
        return real_settings

    return check


@pytest.fixture
def speech_clip(tmp_path: Path) -> tuple[Path, str]:
    """A 16 kHz mono WAV of a dictated sentence, synthesised with espeak-ng."""
    if not (shutil.which("espeak-ng") and shutil.which("sox")):
        pytest.skip("espeak-ng and sox are needed (scripts/setup --dev installs them)")
    text = "The patient has a cough and a fever. Start amoxicillin five hundred milligrams."
    raw = tmp_path / "raw.wav"
    wav = tmp_path / "clip.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", str(wav)], check=True)
    return wav, text
