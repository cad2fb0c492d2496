"""Ask: streaming, citations, plain abstention, cancellation, a missing index."""

from __future__ import annotations

import time

from edge_assist.models.fakes import FakeChatModel
from edge_assist.tui.app import make_app
from edge_assist.tui.messages import AnswerReady, TokenStreamed, WorkCancelled
from tests.tui.conftest import SIZE, settle

GOUT = "Colchicine, NSAIDs or glucocorticoids are first-line therapy for gout flares [1]."


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_answer_streams_then_shows_checked_text_and_citations(make, canned) -> None:
    """Tokens arrive as TokenStreamed messages; the checked answer and its citation follow."""
    canned(GOUT)
    app = make()
    messages: list[object] = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await pilot.press(*"first-line therapy for a gout flare?", "enter")
        await settle(pilot)
        assert sum(isinstance(m, TokenStreamed) for m in messages) > 3
        assert any(isinstance(m, AnswerReady) for m in messages)
        assert "first-line therapy for gout flares" in _text(app, "#answer")
        assert "checked against its citation" in _text(app, "#answer-state")
        assert "[1] Gout Management" in _text(app, "#citations")


async def test_abstention_is_shown_plainly(make) -> None:
    """No supporting evidence: a NO ANSWER banner, the abstention text, the closest passages."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"zebra quantum xylophone", "enter")
        await settle(pilot)
        assert _text(app, "#answer-state").startswith("NO ANSWER")
        assert "does not answer this question" in _text(app, "#answer")
        assert app.screen.answer.abstained


async def test_escape_cancels_generation_and_input_stays_live(make, canned, monkeypatch) -> None:
    """While a slow model streams, typing still works and Esc stops it at the next token."""
    original = FakeChatModel._stream

    def slow(self, messages, prompt, options):
        for piece in original(self, messages, prompt, options):
            time.sleep(0.05)
            yield piece

    monkeypatch.setattr(FakeChatModel, "_stream", slow)
    canned(GOUT + " More words follow here to keep the stream going for a while [1]." * 4)
    app = make()
    messages: list[object] = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await pilot.press(*"gout flare first-line therapy", "enter")
        for _ in range(100):
            await pilot.pause(0.05)
            if any(isinstance(m, TokenStreamed) for m in messages):
                break
        await pilot.press(*" typed")
        assert app.screen.query_one("#question").value.endswith(" typed")
        await pilot.press("escape")
        await settle(pilot)
        assert any(isinstance(m, WorkCancelled) for m in messages)
        assert not any(isinstance(m, AnswerReady) for m in messages)
        assert _text(app, "#answer-state") == "Cancelled."


async def test_missing_index_says_how_to_build_it(assistant) -> None:
    """Without an index the screen shows the error and its fix, not a traceback."""
    app = make_app(assistant.settings, assistant)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"gout?", "enter")
        await settle(pilot)
        state = _text(app, "#answer-state")
        assert "no evidence index" in state and "build-default" in state
