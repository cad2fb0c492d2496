"""Kiosk mode: PIN to leave, no suspend, folder fence, session wipe on New patient and when idle."""

from __future__ import annotations

import pytest

from edge_assist.errors import ConfigError, InputError
from edge_assist.tui.kiosk import FileFence, hash_pin, verify_pin
from tests.tui.conftest import SIZE, settle

PIN = "2468"


@pytest.fixture
def kiosk_settings(indexed, tmp_path):
    """Settings with a PIN hash, one allowed folder and a 60 s idle timeout."""
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    tui = indexed.settings.tui.model_copy(update={
        "admin_pin_hash": hash_pin(PIN, iterations=1000), "kiosk_folders": [allowed],
        "idle_timeout_s": 60})
    return indexed.settings.model_copy(update={"tui": tui})


def test_pin_hash_is_salted_and_verifies() -> None:
    """The stored hash never contains the PIN, differs per salt, and only the PIN matches."""
    a, b = hash_pin(PIN, iterations=1000), hash_pin(PIN, iterations=1000)
    assert a != b and PIN not in a
    assert verify_pin(PIN, a) and not verify_pin("1357", a) and not verify_pin(PIN, "garbage")
    with pytest.raises(InputError):
        hash_pin("12")


def test_fence_allows_only_configured_folders(tmp_path) -> None:
    """Inside the folder is allowed; outside, `..` escapes and no folders at all are refused."""
    fence = FileFence(True, [tmp_path / "ok"])
    assert fence.check(tmp_path / "ok" / "a.md") == (tmp_path / "ok" / "a.md").resolve()
    for bad in (tmp_path / "other.md", tmp_path / "ok" / ".." / "x.md"):
        with pytest.raises(InputError):
            fence.check(bad)
    with pytest.raises(InputError, match="file access is off"):
        FileFence(True, []).check(tmp_path)
    assert FileFence(False, []).check(tmp_path / "any") == (tmp_path / "any").resolve()


def test_kiosk_without_pin_refuses_to_start(make) -> None:
    """A kiosk nobody could leave is a configuration error."""
    with pytest.raises(ConfigError, match="admin PIN"):
        make(kiosk=True)


async def test_quit_needs_the_admin_pin(make, kiosk_settings) -> None:
    """Ctrl+Q asks for the PIN; a wrong PIN keeps the kiosk running, the right one exits."""
    app = make(kiosk_settings, kiosk=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "PinDialog"
        await pilot.press(*"1111", "enter")
        await settle(pilot)
        assert app.is_running and "Wrong PIN" in str(app.screen.query_one("#pin-error").render())
        await pilot.press("escape", "ctrl+q")
        await settle(pilot)
        assert app.screen.failures == 1  # reopening the dialog does not reset the count
        await pilot.press(*PIN, "enter")
        await settle(pilot)
    assert app.return_code == 0


async def test_palette_has_no_quit_and_suspend_is_refused(make, kiosk_settings, monkeypatch) -> None:
    """The palette offers 'Leave kiosk' (PIN) instead of Quit; suspend sends no signal."""
    app = make(kiosk_settings, kiosk=True)
    sent: list[object] = []
    monkeypatch.setattr("os.kill", lambda *a: sent.append(a))
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Quit" not in titles and "Leave kiosk" in titles
        app.action_suspend_process()
        await settle(pilot)
        assert sent == [] and "KIOSK" in str(app.screen.query_one(".status").render())


async def test_export_outside_kiosk_folders_is_refused(make, kiosk_settings, tmp_path) -> None:
    """An export path outside tui.kiosk_folders is refused in the dialog."""
    app = make(kiosk_settings, kiosk=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        app.screen.query_one("#note").text = "Denies chest pain."
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert app.screen.query_one("#export-path").value.startswith(str(tmp_path / "allowed"))
        app.screen.query_one("#export-path").value = str(tmp_path / "outside.json")
        await pilot.press("enter")
        await settle(pilot)
        assert "only in the configured folders" in str(app.screen.query_one("#export-error").render())
        assert not (tmp_path / "outside.json").exists()


async def _fill_session(app, pilot, canned) -> None:
    canned("Colchicine, NSAIDs or glucocorticoids are first-line therapy for gout flares [1].")
    await pilot.press(*"gout flare first-line therapy", "enter")
    await settle(pilot)
    await pilot.press("f6")
    await settle(pilot)
    app.screen.query_one("#note").text = "Denies chest pain."
    await pilot.press("ctrl+r")
    await settle(pilot)
    assert app.get_screen("ask").answer is not None and app.screen.result is not None


async def test_new_patient_wipes_every_screen(make, canned) -> None:
    """Ctrl+N clears widgets and drops results on every screen and returns to Ask."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _fill_session(app, pilot, canned)
        await pilot.press("ctrl+n")
        await settle(pilot)
        ask, extract = app.get_screen("ask"), app.get_screen("extract")
        assert app.screen is ask and ask.answer is None and extract.result is None
        assert str(ask.query_one("#answer").render()) == "" and ask.query_one("#question").value == ""
        assert extract.query_one("#note").text == "" and extract.query_one("#entities").row_count == 0


async def test_idle_timeout_wipes_session_and_frees_models(make, kiosk_settings, canned) -> None:
    """After idle_timeout_s without input the kiosk wipes the session and closes the models."""
    app = make(kiosk_settings, kiosk=True)
    async with app.run_test(size=SIZE) as pilot:
        await _fill_session(app, pilot, canned)
        assert app.assistant._models
        assert not app.check_kiosk_idle(app.last_activity + 30)
        assert app.check_kiosk_idle(app.last_activity + 61)
        await settle(pilot)
        assert app.get_screen("ask").answer is None and app.get_screen("extract").result is None
        assert app.assistant._models == {}


async def test_note_fhir_export_obeys_the_kiosk_folders(make, kiosk_settings, tmp_path) -> None:
    """The note's FHIR export is refused outside tui.kiosk_folders and written inside them."""
    app = make(kiosk_settings, kiosk=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        app.screen.query_one("#transcript").text = "[doctor] any fever ?\n[patient] no fever ."
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        path = app.screen.query_one("#export-path")
        assert path.value == str(tmp_path / "allowed" / "note.fhir.json")
        path.value = str(tmp_path / "outside.fhir.json")
        await pilot.press("enter")
        await settle(pilot)
        assert "only in the configured folders" in str(app.screen.query_one("#export-error").render())
        path.value = str(tmp_path / "allowed" / "note.fhir.json")
        await pilot.press("enter")
        await settle(pilot)
    assert not (tmp_path / "outside.fhir.json").exists()
    assert (tmp_path / "allowed" / "note.fhir.json").read_text().count('"Composition"') == 1
