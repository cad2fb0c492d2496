"""Settings: change the theme, profile, history and idle timeout, and save them to ``config.toml``.

A change applies at once (the theme repaints, a new profile's models load on
first use); Ctrl+S writes the changed keys into the user's ``config.toml``
(:mod:`edge_assist.tui.config_file`: comments and other keys kept, atomic
replace). Switching history on first checks that its encryption key is
available, and switches it back off with the fix when not.

Kiosk mode persists nothing from here, and a kiosk user may change only the
theme (an accessibility need): the profile, history and idle timeout are an
administrator's choice, made in ``config.toml``. The screen says so.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, Input, Label, Select, Static

from edge_assist.errors import EdgeAssistError
from edge_assist.settings import Settings, config_path, reset_settings_cache, user_dir
from edge_assist.tui.config_file import Key, save_changes
from edge_assist.tui.messages import HistoryChecked, SettingsSaved
from edge_assist.tui.screens.base import EdgeScreen
from edge_assist.tui.screens.models import PROFILES
from edge_assist.tui.themes import THEMES
from edge_assist.tui.widgets.bounded import BoundedInput

EDITABLE: tuple[Key, ...] = (("tui", "theme"), ("profile",), ("history", "enabled"),
                             ("tui", "idle_timeout_s"))
"""The settings this screen changes, as paths into ``config.toml``."""
KIOSK_NOTE = ("Kiosk mode: only the theme can change here, for this session; nothing is saved. "
              "An administrator changes settings in the config file.")


def shown(path: Path) -> str:
    """A path, with the user directory written as ``<user dir>`` (short, and the same on every machine)."""
    try:
        return f"<user dir>/{path.relative_to(user_dir())}"
    except ValueError:
        return str(path)


def value_at(settings: Settings, key: Key) -> Any:
    """The value of ``key`` (e.g. ``("tui", "theme")``) in ``settings``."""
    node: Any = settings
    for part in key:
        node = getattr(node, part)
    return node


def with_value(settings: Settings, key: Key, value: Any) -> Settings:
    """A validated copy of ``settings`` with ``key`` set.

    Raises:
        ValidationError: the value is not allowed (e.g. an idle timeout under 5 s).
    """
    if len(key) == 1:
        checked = TypeAdapter(Settings.model_fields[key[0]].annotation).validate_python(value)
        return settings.model_copy(update={key[0]: checked})
    section = getattr(settings, key[0])
    checked = type(section).model_validate({**section.model_dump(), key[1]: value})
    return settings.model_copy(update={key[0]: checked})


def env_name(key: Key) -> str:
    """The environment variable that overrides ``key``."""
    return "EDGE_ASSIST_" + "__".join(key).upper()


class SettingsScreen(EdgeScreen):
    """Change settings now, and save them for next time."""

    NAME = "settings"
    BINDINGS = [Binding("escape", "cancel", "Cancel"),
                Binding("ctrl+s", "save", "Save to config.toml", priority=True)]

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[Key, Any] = {}
        self.pending: dict[Key, Any] = {}

    def compose_body(self) -> ComposeResult:
        s, kiosk = self.edge_app.settings, self.edge_app.kiosk
        self.saved = {key: value_at(self.edge_app.loaded_settings, key) for key in EDITABLE}
        yield self._row("Theme", Select([(t, t) for t in THEMES], value=s.tui.theme, allow_blank=False,
                                        id="theme", compact=True))
        yield self._row("Profile", Select([(p, p) for p in PROFILES], value=s.profile, allow_blank=False,
                                          id="profile-setting", compact=True, disabled=kiosk),
                        " models load on first use")
        yield self._row("History", Checkbox("keep an encrypted history", s.history.enabled,
                                            id="history", compact=True, disabled=kiosk))
        yield self._row("Idle timeout", BoundedInput(str(s.tui.idle_timeout_s), id="idle", compact=True,
                                                     type="integer", max_length=5, disabled=kiosk),
                        " s idle, then a kiosk wipes the session")
        yield Static(self.state_line(), id="settings-state")
        with VerticalScroll(id="settings-box"):
            yield Static(self.settings_table(), id="settings-table")

    def on_screen_resume(self) -> None:
        """Show changes made elsewhere (the Models screen's profile switch)."""
        super().on_screen_resume()
        select = self.query_one("#profile-setting", Select)
        if select.value != self.edge_app.settings.profile:
            with self.prevent(Select.Changed):
                select.value = self.edge_app.settings.profile
        self.show_state()

    @staticmethod
    def _row(label: str, widget: Any, hint: str = "") -> Horizontal:
        return Horizontal(Label(label, classes="setting-label"), widget, Label(hint, classes="hint"),
                          classes="setting-row")

    # -- what the screen says ----------------------------------------------------------------
    def changes(self) -> dict[Key, Any]:
        """Settings that differ from what was loaded or last saved."""
        s = self.edge_app.settings
        return {key: value_at(s, key) for key in EDITABLE if value_at(s, key) != self.saved[key]}

    def state_line(self, note: str = "", style: str = "") -> Text:
        """Kiosk notice, or unsaved changes and where Ctrl+S writes them; ``note`` replaces it."""
        if note:
            return Text(note, style=style or "bold")
        if self.edge_app.kiosk:
            return Text(KIOSK_NOTE, style="bold yellow")
        changed = self.changes()
        where = shown(config_path())
        if not changed:
            return Text(f"Changes apply at once · Ctrl+S saves them to {where}", style="dim")
        names = ", ".join(".".join(k) for k in changed)
        return Text(f"Unsaved: {names} · Ctrl+S saves to {where}", style="bold yellow")

    def show_state(self, note: str = "", style: str = "") -> None:
        """Redraw the state line."""
        self.query_one("#settings-state", Static).update(self.state_line(note, style))

    def settings_table(self) -> Table:
        """The settings an administrator changes in the config file."""
        s = self.edge_app.settings
        table = Table(box=None, show_header=False, padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        rows = [("offline guard", "on" if s.offline_guard else "OFF"),
                ("patient text in logs", "allowed" if s.log_patient_text else "never"),
                ("model store", shown(s.model_store)), ("evidence index", shown(s.index_path)),
                ("kiosk folders", ", ".join(map(str, s.tui.kiosk_folders)) or "none"),
                ("admin PIN", "set" if s.tui.admin_pin_hash else "not set"),
                ("config file", shown(config_path()))]
        for key, value in rows:
            table.add_row(key, value)
        return table

    # -- changes --------------------------------------------------------------------------
    def change(self, key: Key, value: Any) -> bool:
        """Apply one change now; False (and the reason shown) when the value is not allowed."""
        if value_at(self.edge_app.settings, key) == value:
            self.show_state()
            return True
        try:
            self.edge_app.apply_settings(with_value(self.edge_app.settings, key, value))
        except ValidationError as exc:
            self.show_state(f"⚠ {'.'.join(key)}: {exc.errors()[0]['msg']}", "bold red")
            return False
        self.show_state()
        return True

    @on(Select.Changed, "#theme")
    def theme_changed(self, event: Select.Changed) -> None:
        if event.value in THEMES:
            self.change(("tui", "theme"), str(event.value))

    @on(Select.Changed, "#profile-setting")
    def profile_changed(self, event: Select.Changed) -> None:
        if event.value in PROFILES:
            self.change(("profile",), str(event.value))

    @on(Input.Changed, "#idle")
    def idle_changed(self, event: Input.Changed) -> None:
        try:
            seconds = int(event.value)
        except ValueError:
            self.show_state("⚠ idle timeout: whole seconds, 5 to 86400", "bold red")
            return
        self.change(("tui", "idle_timeout_s"), seconds)

    @on(Checkbox.Changed, "#history")
    def history_changed(self, event: Checkbox.Changed) -> None:
        if not self.change(("history", "enabled"), event.value) or not event.value:
            return
        assistant = self.assistant

        def job(cancel: threading.Event) -> HistoryChecked:
            try:
                assistant.check_history()
            except EdgeAssistError as exc:
                return HistoryChecked(exc)
            return HistoryChecked(None)

        self.run_job(job, "Checking the history key")

    @on(HistoryChecked)
    def history_checked(self, message: HistoryChecked) -> None:
        self.set_activity("")
        if message.error is None:
            self.show_state()
            return
        with self.prevent(Checkbox.Changed):
            self.query_one("#history", Checkbox).value = False
        self.change(("history", "enabled"), False)
        error = message.error
        hint = f" → {error.hint}" if isinstance(error, EdgeAssistError) and error.hint else ""
        text = error.message if isinstance(error, EdgeAssistError) else str(error)
        self.show_state(f"History left off: {text}{hint}", "bold red")

    # -- saving ---------------------------------------------------------------------------
    def action_save(self) -> None:
        """Write the changed settings into config.toml (refused in kiosk mode)."""
        if self.edge_app.kiosk:
            self.notify("Kiosk mode: settings are not saved", severity="warning")
            self.show_state()
            return
        changed = self.changes()
        if not changed:
            self.notify("Nothing to save", timeout=2)
            return
        path = config_path()

        def job(cancel: threading.Event) -> SettingsSaved:
            save_changes(path, changed)
            reset_settings_cache()  # the next get_settings() reads the new file
            return SettingsSaved(path, [env_name(k) for k in changed if env_name(k) in os.environ])

        self.pending = changed
        self.run_job(job, "Saving settings")

    @on(SettingsSaved)
    def settings_saved(self, message: SettingsSaved) -> None:
        self.set_activity("")
        self.saved.update(self.pending)
        env = ", ".join(message.overridden)
        wins = f"; {env} set in the environment still wins" if env else ""
        self.show_state(f"Saved to {shown(message.path)}{wins}", "bold green")
        self.notify(f"Settings saved to {shown(message.path)}", timeout=3)

    def show_error(self, text: str) -> None:
        self.show_state(text, "bold red")
