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


def _wav_with_text(tmp_path, text: str):
    from tests.unit.speech.conftest import write_wav

    wav = write_wav(tmp_path / "dictation.wav", seconds=3.0)
    wav.with_suffix(".txt").write_text(text, "utf-8")
    return wav


async def _transcribe(app, pilot, wav) -> None:
    await pilot.press("f4")
    await settle(pilot)
    app.screen.query_one("#audio-file").value = str(wav)
    app.screen.query_one("#audio-file").focus()
    await pilot.press("enter")
    await settle(pilot)


async def test_flagged_words_are_highlighted_and_tab_moves_between_them(make, tmp_path) -> None:
    """Two implausible doses are highlighted; Tab and Shift+Tab step through them with the reason."""
    def look(style: object) -> str:  # the screen's colours: flagged on yellow, the current one on red
        said = str(style)
        return "current" if "on ansi_red" in said else "flagged" if "on ansi_yellow" in said else ""

    CURRENT, FLAGGED = "current", "flagged"

    wav = _wav_with_text(tmp_path, "Continue apixaban 75 milligrams twice daily. Start warfarin 150 mg daily")
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _transcribe(app, pilot, wav)
        screen = app.screen
        assert "2 word(s) to review" in str(screen.query_one("#review").render())
        styled = [(s.start, s.end, look(s.style)) for s in screen.query_one("#dictation").render().spans]
        text = screen.transcript.text
        assert [(text[a:b], s) for a, b, s in styled] == [("75 milligrams", FLAGGED), ("150 mg", FLAGGED)]
        await pilot.press("tab")
        review = str(screen.query_one("#review").render())
        assert review.startswith("Review 1/2") and "apixaban: usual adult dose 2.5-10 mg" in review
        spans = screen.query_one("#dictation").render().spans
        assert [look(s.style) for s in spans] == [CURRENT, FLAGGED]
        await pilot.press("tab")
        assert str(screen.query_one("#review").render()).startswith("Review 2/2")
        await pilot.press("shift+tab")
        assert str(screen.query_one("#review").render()).startswith("Review 1/2")


async def test_tab_moves_focus_when_nothing_is_flagged(make, tmp_path) -> None:
    """A clean transcript has no review line, and Tab keeps its usual meaning."""
    wav = _wav_with_text(tmp_path, "No chest pain today")
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _transcribe(app, pilot, wav)
        assert str(app.screen.query_one("#review").render()) == ""
        before = app.focused
        await pilot.press("tab")
        assert app.focused is not before and app.screen.current_flag == -1
