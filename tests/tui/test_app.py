"""The app frame: start-up, navigation, status bar, command palette, themes, bad input."""

from __future__ import annotations

from edge_assist.settings import load_settings
from edge_assist.tui.app import make_app
from edge_assist.tui.messages import ModelsChecked
from edge_assist.tui.screens import SCREENS
from tests.tui.conftest import SIZE, settle


async def test_starts_on_ask_and_reports_models(make) -> None:
    """The first screen is Ask; a worker posts ModelsChecked; the status bar names profile and model."""
    app = make()
    messages: list[object] = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await settle(pilot)
        assert app.screen.name == "ask"
        checked = [m for m in messages if isinstance(m, ModelsChecked)]
        assert checked and {r[0] for r in checked[0].rows} == {"llm", "embedder", "transcriber"}
        status = str(app.screen.query_one(".status").render())
        assert "profile default" in status and "fake-chat" in status and "● offline" in status
        assert "mem 100 MB" in status


async def test_function_keys_reach_every_screen(make) -> None:
    """F1–F9 switch screens, even from inside a text editor."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        keys = {"note": "f3", "dictate": "f4", "calculators": "f5", "extract": "f6",
                "evidence": "f7", "models": "f8", "settings": "f9", "help": "f1", "ask": "f2"}
        for name, key in keys.items():
            await pilot.press(key)
            await settle(pilot)
            assert app.screen.name == name
        assert set(keys) == set(SCREENS)


async def test_command_palette_offers_screens_new_patient_and_quit(make) -> None:
    """The palette's system commands list every screen, New patient and Quit."""
    app = make()
    async with app.run_test(size=SIZE):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Go to Calc" in titles and "New patient" in titles and "Quit" in titles
        assert "Leave kiosk" not in titles


async def test_high_contrast_theme_from_settings(indexed) -> None:
    """tui.theme = high-contrast selects the high-contrast theme."""
    settings = indexed.settings.model_copy(update={"tui": indexed.settings.tui.model_copy(
        update={"theme": "high-contrast"})})
    app = make_app(settings, indexed)
    async with app.run_test(size=SIZE):
        assert app.theme == "edge-high-contrast"


async def test_settings_screen_switches_theme_live(make) -> None:
    """Choosing light in Settings re-themes the running app."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f9")
        await settle(pilot)
        app.screen.query_one("#theme").value = "light"
        await settle(pilot)
        assert app.theme == "textual-light"


async def test_small_terminal_and_huge_paste_do_not_crash(make) -> None:
    """Resizing to 40x12 and pasting 1 MB into a note keep the app alive and responsive."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.resize_terminal(40, 12)
        for key in ("f3", "f5", "f6", "f2"):
            await pilot.press(key)
            await settle(pilot)
        await pilot.press("f6")
        await pilot.resize_terminal(80, 24)
        area = app.screen.query_one("#note")
        area.text = ("Denies chest pain. " * 55_000)[:1_000_000]
        await settle(pilot)
        await pilot.press("f2", *"ok")
        assert app.screen.query_one("#question").value == "ok"


async def test_missing_model_says_how_to_pull_it(edge_home) -> None:
    """With an empty model store the status bar and Models screen name the pull command."""
    app = make_app(load_settings(profile="default"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "not pulled" in str(app.screen.query_one(".status").render())
        await pilot.press("f8")
        await settle(pilot)
        hint = str(app.screen.query_one("#models-hint").render())
        assert "edge-assist models pull qwen2.5-coder-0.5b-instruct-q4_k_m" in hint


def test_the_status_timer_firing_with_no_screen_does_nothing(make) -> None:
    """The two-second timer can fire while the app is closing (no screen left): no traceback."""
    app = make()
    assert app.screen_stack == []  # not started: the same state as after the last screen closed
    app.tick()
