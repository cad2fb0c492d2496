"""TUI fixtures: an app on fake models with a five-passage index, and non-determinism removed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from edge_assist.models.fakes import FakeChatModel

DATA = Path(__file__).parents[1] / "data" / "index"
SIZE = (80, 24)


@pytest.fixture(autouse=True)
def fixed_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """The status bar shows this process's memory, which differs on every run: pin it to 100 MB."""
    monkeypatch.setattr("edge_assist.tui.app.current_rss_mb", lambda: 100.0)


@pytest.fixture(autouse=True)
def no_microphone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test machines may or may not have a sound card: make every run see none."""
    from edge_assist.errors import AudioDeviceError

    def none(device: object = None) -> None:
        raise AudioDeviceError("no microphone found", "connect a microphone, or transcribe a file")

    monkeypatch.setattr("edge_assist.speech.microphone.input_device", none)


@pytest.fixture
def indexed(assistant: Any) -> Any:
    """The fake-model assistant with the five-passage corpus in its temporary index."""
    from edge_assist.index.ingest import add_paths

    add_paths(assistant.open_index(create=True), [DATA / "corpus"], assistant.embedder)
    return assistant


@pytest.fixture
def make(indexed: Any) -> Callable[..., Any]:
    """Build the app on the indexed fake assistant (``kiosk=True`` etc. as keywords)."""
    from edge_assist.tui.app import make_app

    def build(settings: Any = None, **kwargs: Any) -> Any:
        return make_app(settings or indexed.settings, assistant=indexed, **kwargs)

    return build


@pytest.fixture
def canned() -> Callable[..., None]:
    """Queue replies for the fake chat model."""
    return FakeChatModel.enqueue


async def settle(pilot: Any) -> None:
    """Wait for every worker and repaint; stop cursors blinking so snapshots are stable."""
    app = pilot.app
    for _ in range(3):  # a finished worker's message may start another (ingest → stats)
        await app.workers.wait_for_complete()
        await pilot.pause()
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    await pilot.pause()
