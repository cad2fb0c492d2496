"""The frame every screen shares, and the one way a screen runs blocking work.

``EdgeScreen.run_job(job)`` runs ``job(cancel)`` in a thread worker
(``@work(thread=True, exclusive=True, exit_on_error=False)``) and posts what it
returns, a :mod:`~edge_assist.tui.messages` message, back to the screen. A
failure becomes :class:`AssistError`, shown with its fix; Esc sets the
job's ``threading.Event`` (the capability stops at its next token or
segment). A result that arrives after the user cancelled, started something
else, or wiped the session is dropped, so no stale patient data reappears.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer

from edge_assist.errors import EdgeAssistError, GenerationCancelled
from edge_assist.tui.messages import AssistError, JobDone, WorkCancelled
from edge_assist.tui.widgets.status import NavBar, StatusBar

if TYPE_CHECKING:
    from edge_assist.assistant import Assistant
    from edge_assist.tui.app import EdgeAssistApp

log = logging.getLogger(__name__)
Job = Callable[[threading.Event], Message | None]


def describe(error: BaseException) -> str:
    """One line plus the fix for an expected error; the type and text for a bug."""
    if isinstance(error, EdgeAssistError):
        return f"{error.message}\n→ {error.hint}" if error.hint else error.message
    return f"Unexpected error ({type(error).__name__}): {str(error)[:200]}"


class EdgeScreen(Screen[None]):
    """A capability screen: nav line, body, status bar and footer."""

    NAME: ClassVar[str] = ""
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self) -> None:
        super().__init__(name=self.NAME, id=f"screen-{self.NAME}")
        self.cancel_event = threading.Event()
        self.activity = ""
        self._epoch = 0

    @property
    def edge_app(self) -> EdgeAssistApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    @property
    def assistant(self) -> Assistant:
        """The app's Assistant (the one way to the capabilities)."""
        return self.edge_app.assistant

    def compose(self) -> ComposeResult:
        yield NavBar(self.NAME)
        yield from self.compose_body()
        yield StatusBar(classes="status")
        yield Footer(compact=True)

    def compose_body(self) -> ComposeResult:
        """The screen's own widgets."""
        yield from ()

    def on_screen_resume(self) -> None:
        self.refresh_status()

    # -- background work ----------------------------------------------------------------
    def run_job(self, job: Job, activity: str) -> None:
        """Run ``job(cancel_event)`` off the UI thread; what it returns is posted here."""
        self.cancel_event.set()
        self.cancel_event = threading.Event()
        self.set_activity(f"{activity} (Esc cancels)")
        self._run(job, self.cancel_event, self._epoch)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _run(self, job: Job, cancel: threading.Event, epoch: int) -> None:
        try:
            message = job(cancel)
        except GenerationCancelled:
            message = WorkCancelled()
        except Exception as exc:  # shown to the user with its fix; bugs are logged too
            if not isinstance(exc, EdgeAssistError):
                log.exception("worker failed")
            message = AssistError(exc)
        if epoch != self._epoch or cancel is not self.cancel_event or message is None:
            return  # superseded, or the session was wiped: drop it
        if cancel.is_set() and not isinstance(message, AssistError):
            message = WorkCancelled()
        self.post_message(message)

    def action_cancel(self) -> None:
        """Stop the running job (Esc)."""
        if self.activity:
            self.cancel_event.set()
            self.set_activity("Cancelling…")

    def set_activity(self, text: str) -> None:
        """Show what the screen is doing in its status bar ('' when idle)."""
        self.activity = text
        self.refresh_status()

    def refresh_status(self) -> None:
        """Redraw this screen's status bar."""
        try:
            bar = self.query_one(StatusBar)
        except NoMatches:
            return
        self.edge_app.fill_status(bar, self.activity)

    @on(WorkCancelled)
    def _cancelled(self) -> None:
        self.set_activity("")
        self.notify("Cancelled", timeout=2)

    @on(JobDone)
    def _done(self, message: JobDone) -> None:
        self.set_activity("")
        self.notify(message.text, timeout=4, markup=False)

    @on(AssistError)
    def _failed(self, message: AssistError) -> None:
        self.set_activity("")
        text = describe(message.error)
        self.notify(text, severity="error", timeout=8, markup=False)
        self.show_error(text)

    def show_error(self, text: str) -> None:
        """Show an error in the screen's body too (where it has a place for one)."""

    # -- session wipe -------------------------------------------------------------------
    def wipe(self) -> None:
        """Drop every result and clear every widget (New patient, idle timeout)."""
        self._epoch += 1
        self.cancel_event.set()
        self.activity = ""
        with contextlib.suppress(NoMatches):  # never shown yet: its widgets do not exist
            self.clear_session()
        self.refresh_status()

    def clear_session(self) -> None:
        """Clear this screen's widgets and results."""
