"""Ask: a question answered from local evidence, streamed, with its citations; abstention said plainly."""

from __future__ import annotations

import threading
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from edge_assist.errors import GenerationCancelled
from edge_assist.tui.messages import AnswerReady, AssistError, TokenStreamed, WorkCancelled
from edge_assist.tui.screens.base import EdgeScreen
from edge_assist.tui.widgets.bounded import BoundedInput

MAX_QUESTION = 2000
"""The question limit the QA pipeline enforces (a longer paste is refused with a message)."""
PLACEHOLDER = "Ask a clinical question · Enter asks · Esc cancels"
ABSTAIN_BANNER = ("NO ANSWER: the local evidence does not support one. "
                  "Closest passages below; judge them yourself.")


def render_citations(answer: Any) -> Text:
    """Numbered citations: title, section, DOI or URL, and the start of the passage."""
    text = Text()
    for c in answer.citations:
        text.append(f"[{c.number}] ", style="bold")
        text.append(c.title or c.source, style="bold")
        if c.section:
            text.append(f" — {c.section}")
        ref = f"doi:{c.doi}" if c.doi else c.url
        if ref:
            text.append(f"  {ref}", style="italic")
        text.append(f"\n    {' '.join(c.snippet.split())[:160]}\n", style="dim")
    return text


class AskScreen(EdgeScreen):
    """Cited question answering over the evidence index."""

    NAME = "ask"
    BINDINGS = [Binding("escape", "cancel", "Cancel"),
                Binding("ctrl+r", "ask", "Ask", priority=True)]

    def __init__(self) -> None:
        super().__init__()
        self.answer: Any = None
        self.draft = ""

    def compose_body(self) -> ComposeResult:
        yield BoundedInput(placeholder=PLACEHOLDER, id="question", max_length=MAX_QUESTION)
        yield Static("", id="answer-state")
        with VerticalScroll(id="answer-box"):
            yield Static("", id="answer")
        with VerticalScroll(id="citations-box"):
            yield Static("Citations appear here.", id="citations", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#question", Input).focus()

    @on(Input.Submitted, "#question")
    def action_ask(self) -> None:
        """Answer the question in the input."""
        question = self.query_one("#question", Input).value.strip()
        if not question:
            return
        self.answer, self.draft = None, ""
        self.query_one("#answer-state", Static).update("Retrieving evidence…")
        self.query_one("#answer", Static).update("")
        self.query_one("#citations", Static).update("")
        assistant = self.assistant

        def job(cancel: threading.Event) -> AnswerReady:
            def on_token(piece: str) -> None:
                if cancel.is_set():
                    raise GenerationCancelled("the answer was cancelled")
                self.post_message(TokenStreamed(piece))

            return AnswerReady(assistant.ask(question, on_token=on_token, draft=True))

        self.run_job(job, "Answering")

    @on(TokenStreamed)
    def streamed(self, message: TokenStreamed) -> None:
        if not self.activity:
            return  # cancelled or wiped: late tokens are dropped
        self.draft += message.text
        self.query_one("#answer-state", Static).update("Drafting (checked against the evidence when done)…")
        self.query_one("#answer", Static).update(Text(self.draft, style="dim"))

    @on(AnswerReady)
    def answered(self, message: AnswerReady) -> None:
        self.set_activity("")
        answer = self.answer = message.answer
        state = self.query_one("#answer-state", Static)
        if answer.abstained:
            state.update(Text(ABSTAIN_BANNER, style="bold reverse yellow"))
            self.query_one("#answer", Static).update(Text(answer.text))
        else:
            dropped = sum(1 for s in answer.sentences if not s.supported)
            note = f" ({dropped} unsupported sentence(s) removed)" if dropped else ""
            state.update(Text(f"Answer, every sentence checked against its citation{note}:",
                              style="bold green"))
            self.query_one("#answer", Static).update(Text(answer.text))
        self.query_one("#citations", Static).update(render_citations(answer))

    @on(WorkCancelled)
    def cancelled(self) -> None:
        self.query_one("#answer-state", Static).update("Cancelled.")

    @on(AssistError)
    def failed(self) -> None:
        self.query_one("#answer", Static).update("")

    def show_error(self, text: str) -> None:
        self.query_one("#answer-state", Static).update(Text(text, style="bold red"))

    def clear_session(self) -> None:
        self.answer, self.draft = None, ""
        self.query_one("#question", Input).value = ""
        for wid in ("#answer-state", "#answer", "#citations"):
            self.query_one(wid, Static).update("")
