"""Models: the catalog with each model's state here, verification by re-hashing, and the profile switch.

A missing model says how to get it (``edge-assist models pull ID``): the
TUI itself never downloads anything.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Label, Select, Static

from edge_assist.tui.messages import CatalogChecked
from edge_assist.tui.screens.base import EdgeScreen

if TYPE_CHECKING:
    from edge_assist.assistant import Assistant

PROFILES = ("auto", "tiny", "default", "quality")
STATE_STYLES = {"ready": "bold green", "missing": "bold red", "corrupt": "bold red"}


def profile_model_rows(assistant: Assistant) -> list[tuple[str, str, str]]:
    """(role, model id, state) for the profile's chat, embedding and speech models."""
    by_role = {r["role"]: r for r in assistant.model_catalog() if r["role"]}
    return [(role, by_role[role]["id"], by_role[role]["state"]) if role in by_role else (role, "?", "unknown")
            for role in ("llm", "embedder", "transcriber")]


def _size(n: int) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{n / 1024:.0f} kB"


class ModelsScreen(EdgeScreen):
    """The model catalog and profile."""

    NAME = "models"
    BINDINGS = [Binding("escape", "cancel", "Cancel"),
                Binding("ctrl+r", "verify", "Verify (re-hash)", priority=True)]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="profile-row"):
            yield Label("Profile ")
            yield Select([(p, p) for p in PROFILES], value=self.edge_app.settings.profile,
                         allow_blank=False, id="profile")
        table: DataTable[Any] = DataTable(id="catalog", cursor_type="row")
        table.add_columns("Model", "Task", "Size", "State", "Role")
        yield table
        yield Static("", id="models-hint")

    def on_mount(self) -> None:
        self.check(verify=False)

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        select = self.query_one("#profile", Select)
        if select.value != self.edge_app.settings.profile:  # changed on the Settings screen
            with self.prevent(Select.Changed):
                select.value = self.edge_app.settings.profile
            self.check(verify=False)

    def action_verify(self) -> None:
        """Re-hash every installed model's files (SHA-256)."""
        self.check(verify=True)

    def check(self, verify: bool) -> None:
        """Read the catalog's states in a worker."""
        assistant = self.assistant

        def job(cancel: threading.Event) -> CatalogChecked:
            return CatalogChecked(assistant.model_catalog(verify), verify)

        self.run_job(job, "Verifying SHA-256" if verify else "Reading the model store")

    @on(CatalogChecked)
    def checked(self, message: CatalogChecked) -> None:
        self.set_activity("")
        self.rows = message.rows
        table = self.query_one("#catalog", DataTable)
        table.clear()
        for r in self.rows:
            style = STATE_STYLES.get(r["state"], "yellow")
            table.add_row(r["id"], r["task"], _size(r["size"]), Text(r["state"], style=style),
                          r["role"])
        missing = [r["id"] for r in self.rows if r["role"] and r["state"] != "ready"]
        hint = (Text(f"Missing for this profile: edge-assist models pull {' '.join(missing)}",
                     style="bold red") if missing else
                Text("All of this profile's models are ready"
                     + (" and verified." if message.verified else ". Ctrl+R re-hashes them."),
                     style="green"))
        self.query_one("#models-hint", Static).update(hint)

    @on(Select.Changed, "#profile")
    def profile_changed(self, event: Select.Changed) -> None:
        if event.value in PROFILES and event.value != self.edge_app.settings.profile:
            self.edge_app.switch_profile(str(event.value))
            self.notify(f"Profile {event.value}: models load on first use")
            self.check(verify=False)

    def show_error(self, text: str) -> None:
        self.query_one("#models-hint", Static).update(Text(text, style="bold red"))
