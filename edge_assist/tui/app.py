"""The terminal UI. For now one home screen; the capability screens come with the TUI issue.

The home screen is already honest about the product's state: it checks the
active profile's models in a thread worker (hashing can take seconds, and the
UI must never freeze) and posts the result back as a message.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Footer, Header, Static

from edge_assist.settings import Settings

WELCOME = """\
[b]edge-assist[/b] — an offline clinical assistant.
Everything runs on this machine; no patient data leaves it.

Ask, Note, Dictate, Calculators, Extract and Evidence screens arrive with their
capabilities. Until then, use the command line: [b]edge-assist --help[/b].
"""


@dataclass
class ModelsChecked(Message):
    """The worker finished checking the profile's models."""

    rows: list[tuple[str, str, str]]
    offline_guard: bool
    profile: str


class HomeScreenBody(Vertical):
    """Welcome text and the model status table."""

    def compose(self) -> ComposeResult:
        yield Static(WELCOME, id="welcome")
        yield Static("Checking models…", id="models-status")


class EdgeAssistApp(App[None]):
    """The edge-assist terminal application."""

    TITLE = "edge-assist"
    SUB_TITLE = "offline clinical assistant"
    CSS = """
    #welcome { padding: 1 2; }
    #models-status { padding: 0 2; }
    """
    BINDINGS = [Binding("q", "quit", "Quit"), Binding("r", "recheck", "Re-check models")]

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.theme = "textual-light" if settings.tui.theme == "light" else "textual-dark"

    def compose(self) -> ComposeResult:
        yield Header()
        yield HomeScreenBody()
        yield Footer()

    def on_mount(self) -> None:
        self.check_models()

    def action_recheck(self) -> None:
        self.query_one("#models-status", Static).update("Checking models…")
        self.check_models()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def check_models(self) -> None:
        """Verify the active profile's models off the UI thread."""
        from edge_assist import offline
        from edge_assist.models.diagnostics import diagnose

        report = diagnose(self.settings)
        rows = [(c.role, c.id, c.state) for c in report.models]
        self.post_message(ModelsChecked(rows, offline.is_enabled(), report.active_profile))

    @on(ModelsChecked)
    def show_models(self, message: ModelsChecked) -> None:
        profile = message.profile
        if self.settings.profile == "auto":
            profile = f"auto → {profile}"
        lines = [f"Profile models ({profile}):"]
        lines += [f"  {role:12} {model_id:40} {state}" for role, model_id, state in message.rows]
        lines.append(f"Offline guard: {'active' if message.offline_guard else 'OFF'}")
        self.query_one("#models-status", Static).update("\n".join(lines))


def make_app(settings: Settings) -> EdgeAssistApp:
    """Build the app; shared by the CLI, the tests and snapshot runs."""
    return EdgeAssistApp(settings)
