"""Dictate: a plain no-microphone message, file access through the kiosk fence."""

from __future__ import annotations

from tests.tui.conftest import SIZE, settle


async def test_no_microphone_is_said_plainly(make) -> None:
    """Ctrl+R on a machine without a microphone says so, with the fix, and nothing hangs."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4", "ctrl+r")
        await settle(pilot)
        state = str(app.screen.query_one("#mic-state").render())
        assert state.startswith("NO MICROPHONE") and "transcribe a file" in state
        assert not app.screen.recording and app.screen.activity == ""


async def test_missing_audio_file_is_an_error_not_a_crash(make, tmp_path) -> None:
    """A path that does not exist is reported on screen."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        app.screen.query_one("#audio-file").value = str(tmp_path / "missing.wav")
        app.screen.query_one("#audio-file").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.transcript is None
        assert app.screen.activity == ""
