"""Help: every key binding, what each screen does, and kiosk mode."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from edge_assist.tui.screens.base import EdgeScreen

KEYS = (
    ("F2 … F9, F1", "Ask, Note, Dictate, Calculators, Extract, Evidence, Models, Settings, Help"),
    ("Ctrl+P", "command palette (screens, New patient, theme, quit)"),
    ("Ctrl+R", "run this screen's action: ask, draft, record/stop, compute, extract, verify"),
    ("Esc", "cancel the running job (generation stops at the next token)"),
    ("Ctrl+N", "New patient: clear every screen and drop every result"),
    ("Ctrl+O / J / T", "Note: export Markdown / JSON / FHIR · Extract: FHIR (O or T)"),
    ("Ctrl+F", "Calculators: fill the form from a pasted note"),
    ("Ctrl+S", "Dictate: send the transcript to Note · Settings: save"),
    ("Enter", "Note: edit the highlighted sentence"),
    ("Ctrl+Q", "quit (kiosk: needs the admin PIN)"),
)

ABOUT = ("Everything runs on this machine; no patient data leaves it. Answers cite local "
         "evidence or abstain; notes are drafts for clinician review; calculators are "
         "deterministic code with their source. Kiosk mode (edge-assist tui --kiosk): no "
         "suspend or exit without the admin PIN, files only in the configured folders, "
         "the session wiped after the idle timeout and on New patient.")


class HelpScreen(EdgeScreen):
    """Key bindings and a short guide."""

    NAME = "help"

    def compose_body(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, what in KEYS:
            table.add_row(key, what)
        with VerticalScroll(id="help-box"):
            yield Static(table, id="keys")
            yield Static(ABOUT, id="about")
