"""Every screen at 80x24 as recorded (``pytest tests/tui --snapshot-update`` after a deliberate change).

The app runs on fake models with the five-passage index; memory is pinned
(conftest), cursors stop blinking and toasts are cleared before the shot.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from edge_assist.tui.kiosk import hash_pin
from tests.tui.conftest import SIZE, settle

APP = Path(__file__).parent / "snapshot_app.py"
GOUT = "Colchicine, NSAIDs or glucocorticoids are first-line therapy for gout flares [1]."
TRANSCRIPT = ("[doctor] what brings you in today ?\n[patient] i have had a cough and fever for three days .\n"
              "[doctor] any chest pain ?\n[patient] no chest pain .\n"
              "[doctor] let's start amoxicillin 500 mg three times a day .")
NOTE = "Denies chest pain. History of hypertension. Taking metformin 500 mg twice daily. BP 150/95."

Steps = Callable[[Any], Awaitable[None]]


def _then(*steps: Steps) -> Callable[[Any], Awaitable[None]]:
    async def run(pilot: Any) -> None:
        await settle(pilot)
        for step in steps:
            await step(pilot)
            await settle(pilot)
        pilot.app.clear_notifications()
        await settle(pilot)

    return run


def keys(*k: str) -> Steps:
    async def step(pilot: Any) -> None:
        await pilot.press(*k)

    return step


def paste(text: str) -> Steps:
    async def step(pilot: Any) -> None:
        from textual import events

        pilot.app.post_message(events.Paste(text))
        await pilot.pause()

    return step


def setting(selector: str, attr: str, value: Any) -> Steps:
    async def step(pilot: Any) -> None:
        setattr(pilot.app.screen.query_one(selector), attr, value)

    return step


def test_first_start_without_models(snap_compare) -> None:
    """A fresh install: Ask, and the status bar says the chat model is not pulled."""
    assert snap_compare(APP, terminal_size=SIZE, run_before=_then())


SCREENS = [
    ("ask_answered", [keys(*"first-line therapy for a gout flare?", "enter")]),
    ("ask_abstained", [keys(*"zebra quantum xylophone", "enter")]),
    # "down" only after the draft is in (settled between steps): pressed at once it raced the worker
    ("note_drafted", [keys("f3"), setting("#transcript", "text", TRANSCRIPT), keys("ctrl+r"), keys("down")]),
    ("dictate_no_microphone", [keys("f4", "ctrl+r")]),
    ("calculators_computed", [keys("f5", *"chads-vasc", "enter"), setting("#in-age", "value", "72"),
                              setting("#in-sex", "value", "female"),
                              setting("#in-hypertension", "value", True), keys("ctrl+r")]),
    ("calculators_from_note", [keys("f5", *"chads-vasc", "enter", "ctrl+f"),
                               setting("#note-text", "text", "72 year old woman with hypertension."),
                               keys("ctrl+r")]),
    ("extract_results", [keys("f6"), setting("#note", "text", NOTE), keys("ctrl+r")]),
    ("evidence_search", [keys("f7", *"gout flare colchicine", "enter")]),
    ("models", [keys("f8")]),
    ("settings", [keys("f9")]),
    ("settings_unsaved", [keys("f9"), setting("#idle", "value", "120"),
                          setting("#profile-setting", "value", "tiny")]),
    ("note_paste_refused", [keys("f3"), paste("[patient] no chest pain .\n" * 40_000)]),
    ("help", [keys("f1")]),
]


@pytest.mark.parametrize(("name", "steps"), [pytest.param(n, s, id=n) for n, s in SCREENS])
def test_screen(snap_compare, make, canned, name: str, steps: list[Steps]) -> None:
    """Each screen after a typical action."""
    canned(GOUT)
    assert snap_compare(make(), terminal_size=SIZE, run_before=_then(*steps))


def test_high_contrast_answer(snap_compare, indexed, canned) -> None:
    """The high-contrast theme on an answered question."""
    from edge_assist.tui.app import make_app

    canned(GOUT)
    tui = indexed.settings.tui.model_copy(update={"theme": "high-contrast"})
    app = make_app(indexed.settings.model_copy(update={"tui": tui}), indexed)
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=_then(keys(*"first-line therapy for a gout flare?", "enter")))


def test_kiosk_pin_dialog(snap_compare, make, indexed) -> None:
    """Kiosk mode: KIOSK in the status bar and the PIN dialog on Ctrl+Q."""
    tui = indexed.settings.tui.model_copy(update={"admin_pin_hash": hash_pin("2468", iterations=1000)})
    app = make(indexed.settings.model_copy(update={"tui": tui}), kiosk=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then(keys("ctrl+q")))


def test_settings_in_kiosk_mode(snap_compare, make, indexed) -> None:
    """Kiosk mode: the Settings screen says nothing is saved and locks all but the theme."""
    tui = indexed.settings.tui.model_copy(update={"admin_pin_hash": hash_pin("2468", iterations=1000)})
    app = make(indexed.settings.model_copy(update={"tui": tui}), kiosk=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then(keys("f9")))


def test_answer_at_40x12(snap_compare, make, canned) -> None:
    """The smallest terminal the issue names: an answered question at 40x12."""
    canned(GOUT)
    assert snap_compare(make(), terminal_size=(40, 12),
                        run_before=_then(keys(*"first-line therapy for a gout flare?", "enter")))
