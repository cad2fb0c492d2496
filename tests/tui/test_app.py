"""The TUI home screen: starts, checks models in a worker, quits on q."""

from pathlib import Path

from edge_assist.settings import load_settings
from edge_assist.tui.app import ModelsChecked, make_app

APP = Path(__file__).parent / "snapshot_app.py"


async def test_home_screen_reports_model_state() -> None:
    """The worker posts ModelsChecked and the status shows each role's model."""
    app = make_app(load_settings(profile="default"))
    messages = []
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        checked = [m for m in messages if isinstance(m, ModelsChecked)]
        assert checked and {r[0] for r in checked[0].rows} == {"llm", "embedder", "transcriber"}
        status = str(app.query_one("#models-status").render())
        assert "qwen2.5-coder-0.5b-instruct-q4_k_m" in status and "Offline guard: active" in status
        await pilot.press("q")
    assert app.return_code == 0 or app.return_code is None


def test_home_screen_snapshot(snap_compare) -> None:
    """The home screen at 80x24 looks as recorded."""
    assert snap_compare(APP, terminal_size=(80, 24), run_before=_settle)


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
