"""The terminal UI end to end in a real terminal (tmux), on the real default models.

Starts ``python -m edge_assist`` in a detached tmux session on its own socket,
drives it with ``send-keys`` and bracketed paste, and reads the screen with
``capture-pane``: ask a question, compute a calculator from a pasted note,
extract entities. Every wait is bounded; the session is killed at the end.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REAL_STORE

pytestmark = pytest.mark.real_models

TRANSCRIPT = ("[doctor] what brings you in today ?\n[patient] a cough and fever for three days .\n"
              "[doctor] any chest pain ?\n[patient] no chest pain .")
NOTE = ("78 year old woman with atrial fibrillation, hypertension and diabetes. "
        "Denies chest pain. Takes metformin 500 mg twice daily.")


class Tmux:
    """One detached tmux session running the app."""

    def __init__(self, name: str, command: str) -> None:
        self.base = ["tmux", "-L", name]
        self.target = f"{name}:0"
        subprocess.run([*self.base, "new-session", "-d", "-s", name, "-x", "100", "-y", "30", command],
                       check=True)

    def run(self, *args: str) -> str:
        return subprocess.run([*self.base, *args], check=True, capture_output=True, text=True).stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", self.target, *(["-l"] if literal else []), *keys)
        time.sleep(0.3)

    def paste(self, text: str) -> None:
        self.run("set-buffer", "--", text)
        self.run("paste-buffer", "-p", "-t", self.target)
        time.sleep(0.3)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.target)

    def wait_for(self, pattern: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.screen()
            if re.search(pattern, text):
                return text
            time.sleep(0.5)
        pytest.fail(f"{pattern!r} not on screen after {timeout:.0f} s:\n{self.screen()}")

    def kill(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True)


@pytest.fixture
def tui(need, tmp_path: Path) -> Iterator[Tmux]:
    """The app under tmux on the real default models (and the real index, when there is one)."""
    if not shutil.which("tmux"):
        pytest.skip("tmux is not installed (scripts/setup --dev installs it)")
    settings = need("qwen2.5-coder-0.5b-instruct-q4_k_m", "all-minilm-l6-v2-int8")
    env = {"EDGE_ASSIST_HOME": str(tmp_path / "home"), "EDGE_ASSIST_PROFILE": "default",
           "EDGE_ASSIST_MODELS__STORE_DIR": str(settings.model_store), "TERM": "xterm-256color"}
    index = REAL_STORE.parent / "index.db"
    if index.is_file():
        env["EDGE_ASSIST_INDEX__DB_PATH"] = str(index)
    command = " ".join(["env", *(f"{k}={shlex.quote(v)}" for k, v in env.items()),
                        shlex.quote(sys.executable), "-m", "edge_assist"])
    session = Tmux(f"edge-assist-e2e-{os.getpid()}", f"cd {shlex.quote(os.getcwd())} && {command}")
    try:
        session.wait_for("Ask a clinical question", 30)
        yield session
    finally:
        session.kill()


def test_ask_calculate_from_note_and_extract(tui: Tmux, tmp_path: Path) -> None:
    """A cited answer (or a plain abstention), CHA2DS2-VASc from a pasted note, findings with assertions,
    and a drafted note exported as a FHIR document Bundle."""
    tui.keys("What is the first-line treatment for an acute gout flare?", literal=True)
    tui.keys("Enter")
    screen = tui.wait_for(r"Answer, every sentence checked|NO ANSWER|no evidence index", 240)
    if "no evidence index" not in screen:
        assert re.search(r"\[1\] ", screen), screen

    tui.keys("F5")
    tui.keys("chads-vasc", literal=True)
    tui.keys("Enter")
    tui.wait_for("CHA2DS2-VASc Score", 20)
    tui.wait_for(r"age\s+years", 20)  # the form is mounted (slow on a loaded machine)
    tui.keys("C-f")
    tui.wait_for("Paste the note", 10)
    tui.paste(NOTE)
    tui.keys("C-r")
    screen = tui.wait_for(r"Stroke Risk: \d+ points", 60)
    assert "Stroke Risk: 5 points" in screen, screen

    tui.keys("F6")
    tui.wait_for("Ctrl\\+R extracts", 20)
    tui.paste(NOTE)
    tui.keys("C-r")
    screen = tui.wait_for(r"chest pain\s+negated", 60)
    assert re.search(r"medication\s+metformin\s+present", screen), screen

    tui.keys("F3")
    tui.wait_for(r"Transcript \(paste", 20)
    tui.paste(TRANSCRIPT)
    tui.keys("C-r")
    tui.wait_for(r"no flags|\d+ flagged", 60)
    tui.keys("C-t")
    tui.wait_for("FHIR R4 document Bundle", 20)
    out = tmp_path / "note.fhir.json"
    tui.keys("C-a")
    tui.keys("C-k")
    tui.keys(str(out), literal=True)
    tui.keys("Enter")
    tui.wait_for("Draft exported", 60)
    bundle = json.loads(out.read_text())
    assert bundle["type"] == "document" and bundle["entry"][0]["resource"]["status"] == "preliminary"
