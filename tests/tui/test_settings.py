"""Settings: changes apply at once, Ctrl+S saves them to config.toml, kiosk mode saves nothing."""

from __future__ import annotations

import tomllib

import pytest

from edge_assist.settings import config_path, load_settings
from edge_assist.tui.kiosk import hash_pin
from tests.tui.conftest import SIZE, settle


async def _settings(app, pilot):
    await pilot.press("f9")
    await settle(pilot)
    return app.screen


def _state(screen) -> str:
    return str(screen.query_one("#settings-state").render())


async def test_changes_apply_now_and_ctrl_s_saves_only_them(make) -> None:
    """Theme, profile and idle timeout apply at once; Ctrl+S writes just those keys, comments kept."""
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("# written by IT\n[tui]\nkiosk_folders = []  # none yet\n")
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settings(app, pilot)
        assert "Ctrl+S saves" in _state(screen)
        screen.query_one("#theme").value = "light"
        screen.query_one("#profile-setting").value = "tiny"
        screen.query_one("#idle").value = "120"
        await settle(pilot)
        assert app.theme == "textual-light" and app.assistant.profile.name == "tiny"
        assert app.settings.tui.idle_timeout_s == 120
        assert "Unsaved: tui.theme, profile, tui.idle_timeout_s" in _state(screen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved to <user dir>/config.toml" in _state(screen)
    text = config_path().read_text()
    assert text.startswith("# written by IT\n") and "kiosk_folders = []  # none yet" in text
    assert tomllib.loads(text) == {"profile": "tiny", "tui": {
        "kiosk_folders": [], "theme": "light", "idle_timeout_s": 120}}
    saved = load_settings()
    assert (saved.profile, saved.tui.theme, saved.tui.idle_timeout_s) == ("tiny", "light", 120)


async def test_invalid_idle_timeout_is_refused_on_screen(make) -> None:
    """An idle timeout outside 5–86400 s is not applied and the screen says why."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settings(app, pilot)
        screen.query_one("#idle").value = "3"
        await settle(pilot)
        assert app.settings.tui.idle_timeout_s == 300 and "⚠ tui.idle_timeout_s" in _state(screen)
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert not config_path().exists()


async def test_history_without_a_key_is_switched_back_off_with_the_fix(make, monkeypatch) -> None:
    """Turning history on with no passphrase and no keyring leaves it off and names the fix."""
    monkeypatch.setattr("edge_assist.trust.crypto.keyring_key", lambda *a, **k: None)
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settings(app, pilot)
        screen.query_one("#history").value = True
        await settle(pilot)
        assert not app.settings.history.enabled and not app.assistant.settings.history.enabled
        assert not screen.query_one("#history").value
        assert "History left off" in _state(screen) and "EDGE_ASSIST_HISTORY_PASSPHRASE" in _state(screen)


async def test_history_with_a_passphrase_is_kept_on_and_saved(make, monkeypatch) -> None:
    """With a passphrase the history opens, stays on, records answers, and Ctrl+S saves it."""
    monkeypatch.setenv("EDGE_ASSIST_HISTORY_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setattr("edge_assist.trust.crypto.SCRYPT_N", 2**10)
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settings(app, pilot)
        screen.query_one("#history").value = True
        await settle(pilot)
        assert app.assistant.settings.history.enabled and app.assistant._history is not None
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert tomllib.loads(config_path().read_text()) == {"history": {"enabled": True}}


async def test_environment_override_is_named_after_saving(make, monkeypatch) -> None:
    """A saved key that an EDGE_ASSIST_* variable overrides is named on screen."""
    monkeypatch.setenv("EDGE_ASSIST_TUI__THEME", "dark")
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settings(app, pilot)
        screen.query_one("#theme").value = "high-contrast"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "EDGE_ASSIST_TUI__THEME set in the environment still wins" in _state(screen)


async def test_kiosk_changes_only_the_theme_and_saves_nothing(make, indexed) -> None:
    """In kiosk mode the screen says nothing is saved, locks the other settings, and Ctrl+S writes nothing."""
    tui = indexed.settings.tui.model_copy(update={"admin_pin_hash": hash_pin("2468", iterations=1000)})
    app = make(indexed.settings.model_copy(update={"tui": tui}), kiosk=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settings(app, pilot)
        assert "Kiosk mode" in _state(screen) and "nothing is saved" in _state(screen)
        for wid in ("#profile-setting", "#history", "#idle"):
            assert screen.query_one(wid).disabled
        screen.query_one("#theme").value = "high-contrast"
        await settle(pilot)
        assert app.theme == "edge-high-contrast"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("not saved" in n.message for n in app._notifications)
    assert not config_path().exists()


@pytest.mark.parametrize("bad", ['tui = { theme = "dark" }\n'])
async def test_unsafe_config_layout_is_reported_not_overwritten(make, bad: str) -> None:
    """A config.toml the screen cannot edit safely is left as it was, and the screen says so."""
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(bad)
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settings(app, pilot)
        screen.query_one("#theme").value = "light"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "cannot edit safely" in _state(screen)
    assert config_path().read_text() == bad


async def test_profile_switched_on_models_screen_shows_as_unsaved(make) -> None:
    """A profile chosen on the Models screen appears on Settings as an unsaved change Ctrl+S can keep."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _settings(app, pilot)
        await pilot.press("f8")
        await settle(pilot)
        app.screen.query_one("#profile").value = "tiny"
        await settle(pilot)
        screen = await _settings(app, pilot)
        assert screen.query_one("#profile-setting").value == "tiny"
        assert "Unsaved: profile" in _state(screen)
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert tomllib.loads(config_path().read_text()) == {"profile": "tiny"}
