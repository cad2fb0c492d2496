"""Bad input, end to end on fakes: huge pastes, a tiny terminal, keys while a model loads, missing models.

The issue's list: pasting 1 MB, resizing to 40x12, pressing keys while a model
loads, a missing model (the screen says how to pull it) and no microphone
(``test_dictate.py``), each without a crash or a frozen screen.
"""

from __future__ import annotations

import threading
import time

import pytest
from textual import events

from edge_assist.settings import load_settings
from edge_assist.tui.app import make_app
from edge_assist.tui.widgets.bounded import EDITOR_LIMIT, LINE_LIMIT
from tests.tui.conftest import SIZE, settle

MEGABYTE = ("[patient] no chest pain , no fever .\n" * 30_000)[:1_000_000]
GOUT = "Colchicine, NSAIDs or glucocorticoids are first-line therapy for gout flares [1]."


def _warnings(app) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "warning"]


async def _paste(pilot, text: str) -> float:
    """Paste as a terminal does (bracketed paste to the focused widget); seconds until handled."""
    started = time.perf_counter()
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()
    return time.perf_counter() - started


@pytest.mark.parametrize(("key", "box"), [("f3", "#transcript"), ("f6", "#note")])
async def test_pasting_a_megabyte_into_a_note_box_is_refused_with_a_message(make, key: str, box: str) -> None:
    """1 MB pasted into Note or Extract is refused at once, the screen says why, typing still works."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await settle(pilot)
        assert await _paste(pilot, MEGABYTE) < 2.0
        area = app.screen.query_one(box)
        assert area.text == "" and area.border_subtitle == "paste refused: too long"
        assert any("Paste refused: 1,000,000 characters" in w and f"{EDITOR_LIMIT:,}" in w
                   for w in _warnings(app))
        await pilot.press(*"ok")
        assert area.text == "ok" and area.border_subtitle == ""


async def test_a_long_single_line_is_refused_but_a_normal_paste_goes_in(make) -> None:
    """A pasted line over LINE_LIMIT (slow to re-wrap on every key) is refused; a real note is accepted."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        await _paste(pilot, "x" * (LINE_LIMIT + 1))
        area = app.screen.query_one("#note")
        assert area.text == "" and any("line is longer than" in w for w in _warnings(app))
        note = "Denies chest pain.\nHistory of hypertension.\n" * 200
        await _paste(pilot, note)
        assert area.text == note


async def test_pasting_a_megabyte_into_the_question_is_refused_with_a_message(make) -> None:
    """The question box holds 2,000 characters; a 1 MB paste is refused and says so (not dropped silently)."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await _paste(pilot, "why " * 250_000) < 2.0
        question = app.screen.query_one("#question")
        assert question.value == "" and any("limit of 2,000" in w for w in _warnings(app))
        await _paste(pilot, "gout flare first-line therapy?")
        assert question.value == "gout flare first-line therapy?"


async def test_pasting_a_megabyte_into_the_calculator_note_dialog_is_refused(make) -> None:
    """The fill-from-note dialog is bounded the same way."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5", *"chads-vasc", "enter", "ctrl+f")
        await settle(pilot)
        await _paste(pilot, MEGABYTE)
        assert app.screen.query_one("#note-text").text == "" and _warnings(app)


async def test_every_screen_and_dialog_survive_40x12(make, canned) -> None:
    """Started at 40x12, every screen, a dialog and a result render; back at 80x24 all still works."""
    canned(GOUT)
    app = make()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.press(*"gout flare first-line therapy", "enter")
        await settle(pilot)
        assert app.get_screen("ask").answer is not None
        for key in ("f3", "f4", "f5", "f6", "f7", "f8", "f9", "f1", "f2"):
            await pilot.press(key)
            await settle(pilot)
        await pilot.press("f5", *"chads-vasc", "enter", "ctrl+f")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "NoteDialog"
        await pilot.press("escape")
        for size in ((80, 24), (40, 12), (20, 5), (80, 24)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
        await pilot.press("f2", "ctrl+a", *"ok")
        assert app.is_running and app.screen.name == "ask"


async def test_keys_work_while_a_model_loads(make, canned, monkeypatch) -> None:
    """While the chat model loads (blocked here), typing and switching screens respond at once."""
    from edge_assist.models.fakes import FakeChatModel

    loading, release = threading.Event(), threading.Event()
    original = FakeChatModel.__init__

    def slow_load(self, manifest) -> None:
        loading.set()
        release.wait(30)
        original(self, manifest)

    monkeypatch.setattr(FakeChatModel, "__init__", slow_load)
    canned(GOUT)
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"gout flare first-line therapy", "enter")
        for _ in range(100):
            if loading.is_set():
                break
            await pilot.pause(0.02)
        assert loading.is_set() and app.screen.activity.startswith("Answering")
        started = time.perf_counter()
        await pilot.press("f3", *"abc", "f2", "end", *"?")
        elapsed = time.perf_counter() - started
        assert app.get_screen("note").query_one("#transcript").text == "abc"
        assert app.screen.query_one("#question").value.endswith("?")
        assert elapsed < 3.0, f"{elapsed:.2f} s for 7 keys while the model loaded"
        release.set()
        await settle(pilot)
        assert app.screen.answer is not None and app.screen.activity == ""


async def test_missing_chat_model_on_ask_says_how_to_pull_it(edge_home) -> None:
    """Asking with the chat model not pulled shows the pull command on the Ask screen, no traceback."""
    app = make_app(load_settings(profile="default"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"gout flare?", "enter")
        await settle(pilot)
        state = str(app.screen.query_one("#answer-state").render())
        assert "edge-assist models pull" in state and "Traceback" not in state
        assert app.screen.activity == ""
