"""Evidence (stats, ingest with progress, search) and Models (catalog, verify, profile switch)."""

from __future__ import annotations

from edge_assist.tui.messages import CatalogChecked, IngestDone, IngestProgress
from tests.tui.conftest import SIZE, settle


async def test_evidence_search_and_ingest(make, tmp_path) -> None:
    """Search finds the gout passage; ingesting a folder reports progress and adds pack 'local'."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "asthma.md").write_text("# Asthma\n\nInhaled corticosteroids control asthma.\n")
    app = make()
    messages: list[object] = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await pilot.press("f7")
        await settle(pilot)
        assert "guidelines:" in str(app.screen.query_one("#index-stats").render())
        await pilot.press(*"gout flare colchicine", "enter")
        await settle(pilot)
        assert "Gout" in str(app.screen.query_one("#hits").render())
        app.screen.query_one("#ingest-path").value = str(docs)
        app.screen.query_one("#ingest-path").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert any(isinstance(m, IngestProgress) and m.done == m.total == 1 for m in messages)
        report = next(m.report for m in messages if isinstance(m, IngestDone))
        assert len(report.added) == 1
        assert "local v1" in str(app.screen.query_one("#index-stats").render())


async def test_models_catalog_verify_and_profile_switch(make) -> None:
    """The catalog shows the fakes ready; Ctrl+R re-hashes; a new profile takes effect."""
    app = make()
    messages: list[object] = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await pilot.press("f8")
        await settle(pilot)
        rows = {r["id"]: r for r in app.screen.rows}
        assert rows["fake-chat"]["state"] == "ready" and rows["fake-chat"]["role"] == "llm"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert any(isinstance(m, CatalogChecked) and m.verified for m in messages)
        app.screen.query_one("#profile").value = "tiny"
        await settle(pilot)
        assert app.assistant.profile.name == "tiny" and app.settings.profile == "tiny"
        assert "profile tiny" in str(app.screen.query_one(".status").render())
