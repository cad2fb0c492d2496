"""Settings: the theme (applied now) and every other setting as configured, with where to change it.

Changes made here last for this session only: the TUI persists nothing
unless an administrator edits ``config.toml`` (or sets ``EDGE_ASSIST_*``).
"""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, Select, Static

from edge_assist.settings import config_path, user_dir
from edge_assist.tui.screens.base import EdgeScreen
from edge_assist.tui.themes import THEMES


def shown(path: Path) -> str:
    """A path, with the user directory written as ``<user dir>`` (short, and the same on every machine)."""
    try:
        return f"<user dir>/{path.relative_to(user_dir())}"
    except ValueError:
        return str(path)


class SettingsScreen(EdgeScreen):
    """Theme and a read-only view of the configuration."""

    NAME = "settings"

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="theme-row"):
            yield Label("Theme ")
            yield Select([(t, t) for t in THEMES], value=self.edge_app.settings.tui.theme,
                         allow_blank=False, id="theme")
        with VerticalScroll(id="settings-box"):
            yield Static(self.settings_table(), id="settings-table")

    def settings_table(self) -> Table:
        """Every setting that matters at the bedside, and the config file to change it in."""
        s = self.edge_app.settings
        table = Table(box=None, show_header=False, padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        rows = [("profile", s.profile), ("offline guard", "on" if s.offline_guard else "OFF"),
                ("patient text in logs", "allowed" if s.log_patient_text else "never"),
                ("model store", shown(s.model_store)), ("evidence index", shown(s.index_path)),
                ("kiosk folders", ", ".join(map(str, s.tui.kiosk_folders)) or "none"),
                ("kiosk idle timeout", f"{s.tui.idle_timeout_s} s"),
                ("admin PIN", "set" if s.tui.admin_pin_hash else "not set"),
                ("config file", shown(config_path()))]
        for key, value in rows:
            table.add_row(key, value)
        table.add_row("", "Changes here last for this session; edit the config file to keep them.")
        return table

    @on(Select.Changed, "#theme")
    def theme_changed(self, event: Select.Changed) -> None:
        if event.value in THEMES:
            self.app.theme = THEMES[str(event.value)]
