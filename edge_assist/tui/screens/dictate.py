"""Dictate: record from the microphone (Ctrl+R starts and stops) or transcribe a file; send it to Note.

Where there is no microphone or no PortAudio library (servers, most
kiosks), the screen says so plainly with the fix, before anything is
recorded; a recording can still come in as a file.

Words flagged for review (a doubtful number, dose or drug name, see
:mod:`edge_assist.speech.review`) are highlighted in the transcript; Tab and
Shift+Tab move between them, and the line under the transcript says why the
current one is doubted and what else it may be. With nothing flagged, Tab
moves the focus as everywhere else.
"""

from __future__ import annotations

import threading
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from edge_assist.errors import EdgeAssistError
from edge_assist.tui.messages import AssistError, PartialTranscript, TranscriptReady, WorkCancelled
from edge_assist.tui.screens.base import EdgeScreen
from edge_assist.tui.widgets.bounded import BoundedInput
from edge_assist.tui.widgets.dialogs import PATH_LIMIT

IDLE = "Ctrl+R starts recording; Ctrl+R again stops and transcribes. Esc discards."
FLAGGED = "bold black on yellow"
CURRENT = "bold white on red"


def highlighted(transcript: Any, current: int = -1) -> Text:
    """The transcript's text with each flagged span styled, the ``current`` one (index) strongest."""
    text = Text(transcript.text or "(no speech found)")
    for n, (start, end, _flag) in enumerate(transcript.flag_spans()):
        text.stylize(CURRENT if n == current else FLAGGED, start, end)
    return text


class DictateScreen(EdgeScreen):
    """Speech to text with clinical vocabulary, live partial text and drug-name correction."""

    NAME = "dictate"
    BINDINGS = [Binding("escape", "cancel", "Cancel"),
                Binding("ctrl+r", "record", "Record/stop", priority=True),
                Binding("ctrl+s", "send_to_note", "Send to Note", priority=True),
                Binding("tab", "next_flag(1)", "Next flag", priority=True, show=False),
                Binding("shift+tab", "next_flag(-1)", "Previous flag", priority=True, show=False)]

    def __init__(self) -> None:
        super().__init__()
        self.transcript: Any = None
        self.stop_event: threading.Event | None = None
        self.current_flag = -1

    def compose_body(self) -> ComposeResult:
        yield Static(IDLE, id="mic-state")
        with VerticalScroll(id="dictation-box") as box:
            box.border_title = "Transcript"
            yield Static("", id="dictation")
        yield Static("", id="review")
        yield BoundedInput(placeholder="…or transcribe an audio file: type its path, Enter", id="audio-file",
                           max_length=PATH_LIMIT)

    @property
    def recording(self) -> bool:
        """Whether the microphone is being recorded."""
        return self.stop_event is not None and not self.stop_event.is_set()

    def action_record(self) -> None:
        """Start recording, or stop and transcribe."""
        if self.recording:
            assert self.stop_event is not None
            self.stop_event.set()
            self.set_activity("Transcribing the recording")
            return
        stop = self.stop_event = threading.Event()
        assistant = self.assistant

        def job(cancel: threading.Event) -> TranscriptReady:
            threading.Thread(target=lambda: (cancel.wait(), stop.set()), daemon=True).start()
            # No microphone: Assistant.dictate raises before any model loads.
            return TranscriptReady(assistant.dictate(
                stop, lambda text: self.post_message(PartialTranscript(text))))

        self.query_one("#mic-state", Static).update("Opening the microphone…")
        self.run_job(job, "Recording")

    @on(Input.Submitted, "#audio-file")
    def transcribe_file(self, event: Input.Submitted) -> None:
        try:
            path = self.edge_app.fence.check(event.value.strip())
        except EdgeAssistError as exc:
            self.show_error(f"{exc.message}\n→ {exc.hint}")
            return
        assistant = self.assistant

        def job(cancel: threading.Event) -> TranscriptReady:
            return TranscriptReady(assistant.transcribe(path, commands=True, cancel=cancel))

        self.query_one("#mic-state", Static).update(f"Transcribing {path.name}…")
        self.run_job(job, "Transcribing")

    @on(PartialTranscript)
    def partial(self, message: PartialTranscript) -> None:
        if self.recording:
            self.query_one("#mic-state", Static).update(
                Text("● RECORDING: Ctrl+R stops, Esc discards", style="bold red"))
            self.query_one("#dictation", Static).update(Text(message.text or "…", style="dim"))

    @on(TranscriptReady)
    def transcribed(self, message: TranscriptReady) -> None:
        self.set_activity("")
        self.stop_event = None
        self.transcript, self.current_flag = message.transcript, -1
        self.query_one("#dictation", Static).update(highlighted(self.transcript))
        flags = len(self.transcript.flags)
        self.query_one("#review", Static).update(
            Text(f"{flags} word(s) to review: Tab moves between them", style="bold") if flags else "")
        fixes = len(self.transcript.corrections)
        note = f"; {fixes} drug name(s) corrected" if fixes else ""
        self.query_one("#mic-state", Static).update(
            f"Done ({self.transcript.duration:.0f} s of audio{note}). Ctrl+S sends it to Note.")

    def action_next_flag(self, step: int) -> None:
        """Highlight the next (``step`` 1) or previous (-1) flagged word (without flags: move the focus)."""
        flags = self.transcript.flags if self.transcript is not None else []
        if not flags:
            (self.focus_next if step > 0 else self.focus_previous)()
            return
        self.current_flag = (self.current_flag + step) % len(flags)
        flag = flags[self.current_flag]
        self.query_one("#dictation", Static).update(highlighted(self.transcript, self.current_flag))
        self.query_one("#review", Static).update(
            Text(f"Review {self.current_flag + 1}/{len(flags)}: {flag.describe()}", style="bold"))

    @on(WorkCancelled)
    @on(AssistError)
    def stopped(self) -> None:
        if self.stop_event is not None:
            self.stop_event.set()
        self.stop_event = None

    def show_error(self, text: str) -> None:
        headline = "NO MICROPHONE: " if "microphone" in text or "audio input" in text else ""
        self.query_one("#mic-state", Static).update(Text(headline + text, style="bold red"))

    def action_send_to_note(self) -> None:
        """Open Note with this transcript as a dictation."""
        if self.transcript is None or not self.transcript.text:
            self.notify("Nothing transcribed yet", severity="warning")
            return
        self.app.get_screen("note").set_transcript(self.transcript.text)  # type: ignore[attr-defined]
        self.app.switch_screen("note")

    def clear_session(self) -> None:
        if self.stop_event is not None:
            self.stop_event.set()
        self.stop_event, self.transcript, self.current_flag = None, None, -1
        self.query_one("#mic-state", Static).update(IDLE)
        self.query_one("#dictation", Static).update("")
        self.query_one("#review", Static).update("")
        self.query_one("#audio-file", Input).value = ""
