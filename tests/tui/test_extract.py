"""Extract: table with assertions, highlighted spans, FHIR export."""

from __future__ import annotations

import json

from tests.tui.conftest import SIZE, settle

NOTE = "Denies chest pain. History of hypertension. Taking metformin 500 mg twice daily."


async def _extracted(app, pilot) -> None:
    await pilot.press("f6")
    await settle(pilot)
    app.screen.query_one("#note").text = NOTE
    await pilot.press("ctrl+r")
    await settle(pilot)


async def test_table_lists_findings_with_assertions(make) -> None:
    """Chest pain is negated, metformin is a medication; the note view shows the spans."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _extracted(app, pilot)
        rows = {f.text.lower(): (kind, f.assertion.label) for kind, f in app.screen.rows}
        assert rows["chest pain"] == ("problem", "negated")
        assert any(kind == "medication" for kind, _ in rows.values())
        table = app.screen.query_one("#entities")
        assert table.row_count == len(app.screen.rows)
        view = app.screen.query_one("#note-view").render()
        assert any(span.style and "red" in str(span.style) for span in view.spans)


async def test_fhir_export_writes_a_bundle(make, tmp_path) -> None:
    """Ctrl+O writes a validated FHIR Bundle where the user says."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _extracted(app, pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        app.screen.query_one("#export-path").value = str(tmp_path / "b.json")
        await pilot.press("enter")
        await settle(pilot)
        bundle = json.loads((tmp_path / "b.json").read_text())
        assert bundle["resourceType"] == "Bundle" and bundle["entry"]
