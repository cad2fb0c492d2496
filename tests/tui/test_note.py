"""Note: draft from a transcript, source turns of the highlighted sentence, edit, export."""

from __future__ import annotations

import json
from types import SimpleNamespace

from edge_assist.tui.screens.note import sentence_label
from tests.tui.conftest import SIZE, settle

TRANSCRIPT = """[doctor] what brings you in today ?
[patient] i have had a cough and fever for three days .
[doctor] any chest pain ?
[patient] no chest pain .
[doctor] let's start amoxicillin 500 mg three times a day ."""


async def _drafted(app, pilot) -> None:
    await pilot.press("f3")
    await settle(pilot)
    app.screen.query_one("#transcript").text = TRANSCRIPT
    await pilot.press("ctrl+r")
    await settle(pilot)


async def test_draft_lists_sentences_and_highlights_their_turns(make) -> None:
    """Each draft sentence is listed; moving onto one selects exactly its source turns."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _drafted(app, pilot)
        screen = app.screen
        assert screen.note is not None and screen.note.status == "draft for clinician review"
        draft = screen.query_one("#draft")
        sentences = [i for i in draft.children if getattr(i, "sentence", None) is not None]
        assert sentences
        draft.index = draft.children.index(sentences[0])
        await settle(pilot)
        assert screen.selected_turns == set(sentences[0].sentence.turns)
        assert "T1 patient" in str(screen.query_one("#turns").render())


async def test_flagged_sentence_shows_warning_and_reason() -> None:
    """A flagged sentence carries ⚠ with the flag's kind and detail."""
    flag = SimpleNamespace(kind="unsupported_dose", detail="900 mg not in transcript")
    label = sentence_label(SimpleNamespace(text="Start 900 mg.", turns=[2], flags=[flag]))
    assert "[T2]" in label.plain and "⚠ unsupported dose: 900 mg not in transcript" in label.plain


async def test_export_markdown_and_json(make, tmp_path) -> None:
    """Ctrl+O and Ctrl+J write the draft where the user says, labelled as a draft."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _drafted(app, pilot)
        for key, name in (("ctrl+o", "note.md"), ("ctrl+j", "note.json")):
            await pilot.press(key)
            await settle(pilot)
            app.screen.query_one("#export-path").value = str(tmp_path / name)
            await pilot.press("enter")
            await settle(pilot)
        assert "DRAFT for clinician review" in (tmp_path / "note.md").read_text()
        assert '"status": "draft for clinician review"' in (tmp_path / "note.json").read_text()


async def test_enter_edits_a_sentence(make) -> None:
    """Enter on a sentence opens an editor; the new text replaces it in the draft."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _drafted(app, pilot)
        draft = app.screen.query_one("#draft")
        item = next(i for i in draft.children if getattr(i, "sentence", None) is not None)
        draft.index = draft.children.index(item)
        draft.focus()
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#edit-text").value = "Edited by the clinician."
        await pilot.press("enter")
        await settle(pilot)
        assert item.sentence.text == "Edited by the clinician."


async def test_export_fhir_bundle_includes_edits(make, tmp_path) -> None:
    """Ctrl+T writes a FHIR document Bundle: a preliminary Composition carrying the edited sentence."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _drafted(app, pilot)
        draft = app.screen.query_one("#draft")
        item = next(i for i in draft.children if getattr(i, "sentence", None) is not None)
        item.sentence.text = "Edited by the clinician."
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "FHIR" in str(app.screen.query_one(".dialog-title").render())
        app.screen.query_one("#export-path").value = str(tmp_path / "note.fhir.json")
        await pilot.press("enter")
        await settle(pilot)
    bundle = json.loads((tmp_path / "note.fhir.json").read_text())
    composition = bundle["entry"][0]["resource"]
    assert bundle["type"] == "document" and composition["status"] == "preliminary"
    assert any("Edited by the clinician." in s["text"]["div"] for s in composition["section"])
    assert any(e["resource"]["resourceType"] == "Provenance" for e in bundle["entry"])


async def test_fhir_export_before_a_draft_is_refused_with_a_message(make) -> None:
    """Ctrl+T with no draft says what to do first and opens no dialog."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3", "ctrl+t")
        await settle(pilot)
        assert app.screen.name == "note"
        assert any("Draft a note first" in n.message for n in app._notifications)
