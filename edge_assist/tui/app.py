"""The edge-assist terminal app: every capability one key away, and a locked-down kiosk mode.

``make_app(settings, assistant)`` is the one way to build it (the CLI, the
tests and the snapshot app all call it); tests inject an :class:`Assistant`
on fake models. Screens are installed once and switched with F1–F9, so each
keeps its state until "New patient" (Ctrl+N) or the kiosk idle timeout wipes
every screen and, in kiosk mode, frees the models (a chat model's context
cache holds the last prompt). All inference runs in thread workers
(:mod:`edge_assist.tui.screens.base`); the UI thread only renders messages.

Kiosk mode (``edge-assist tui --kiosk``): no suspend, no quit without the
admin PIN (key bindings and command palette alike), no screenshot command,
file access only inside ``tui.kiosk_folders``, nothing written except
exports the user asks for into those folders.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from edge_assist.settings import Settings
from edge_assist.tui.kiosk import FileFence, check_kiosk_config
from edge_assist.tui.messages import ModelsChecked
from edge_assist.tui.screens import SCREENS
from edge_assist.tui.themes import HIGH_CONTRAST, THEMES
from edge_assist.tui.widgets.status import NAV, StatusBar, current_rss_mb

if TYPE_CHECKING:
    from edge_assist.assistant import Assistant

__all__ = ["EdgeAssistApp", "ModelsChecked", "make_app"]

_ACTIVITY = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp, events.Paste)


def _nav_bindings() -> list[Binding]:
    return [Binding(key, f"goto('{name}')", label, show=name == "help", priority=True)
            for key, name, label in NAV]


class EdgeAssistApp(App[None]):
    """The edge-assist terminal application.

    Args:
        settings: configuration (theme, kiosk folders, idle timeout, PIN hash).
        assistant: the capabilities; default: a new ``Assistant(settings)``.
        kiosk: lock the app down for a shared machine.
    """

    TITLE = "edge-assist"
    SUB_TITLE = "offline clinical assistant"
    CSS_PATH = "app.tcss"
    # Under 20 rows (a 40x12 split pane) the fixed-height panes shrink (app.tcss `.-short`),
    # so the nav line, status bar and footer stay on screen.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (20, "-tall")]
    BINDINGS = [
        *_nav_bindings(),
        Binding("ctrl+n", "new_patient", "New patient", priority=True),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, settings: Settings, assistant: Assistant | None = None,
                 kiosk: bool = False) -> None:
        super().__init__()
        if kiosk:
            check_kiosk_config(settings.tui.admin_pin_hash)
        self.settings = settings
        self.loaded_settings = settings  # what the Settings screen compares against to save
        self.kiosk = kiosk
        if assistant is None:
            from edge_assist.assistant import Assistant

            assistant = Assistant(settings)
        self.assistant = assistant
        self.fence = FileFence(kiosk, settings.tui.kiosk_folders)
        self.model_state = ""
        self.pin_failures = [0]
        self.last_activity = time.monotonic()
        self.register_theme(HIGH_CONTRAST)
        self.theme = THEMES[settings.tui.theme]

    # -- start-up -----------------------------------------------------------------------
    def on_mount(self) -> None:
        for name, screen_cls in SCREENS.items():
            self.install_screen(screen_cls(), name)
        self.push_screen("ask")
        self.check_models()
        self.set_interval(2.0, self.tick)

    @work(thread=True, exclusive=True, exit_on_error=False, group="models")
    def check_models(self) -> None:
        """Check the profile's models off the UI thread (the store reads file metadata)."""
        from edge_assist import offline
        from edge_assist.tui.screens.models import profile_model_rows

        rows = profile_model_rows(self.assistant)
        self.post_message(ModelsChecked(rows, offline.is_enabled(), self.assistant.profile.name))

    @on(ModelsChecked)
    def models_checked(self, message: ModelsChecked) -> None:
        self.model_state = next((state for role, _id, state in message.rows if role == "llm"), "")
        self.refresh_status()

    # -- status bar ---------------------------------------------------------------------
    def fill_status(self, bar: StatusBar, activity: str = "") -> None:
        """Draw a status bar from the app's state plus a screen's activity."""
        from edge_assist import offline
        from edge_assist.errors import EdgeAssistError

        try:
            model = self.assistant.model_id("llm")
        except EdgeAssistError:
            model = "no chat model"
        bar.show(self.assistant.profile.name, model, offline.is_enabled(), current_rss_mb(),
                 self.kiosk, self.model_state, activity)

    def refresh_status(self) -> None:
        """Redraw the current screen's status bar."""
        refresh = getattr(self.screen, "refresh_status", None)
        if refresh:
            refresh()

    def tick(self) -> None:
        """Every two seconds: memory in the status bar; kiosk idle check."""
        if not self.screen_stack:  # the timer can fire while the app is closing: nothing to draw
            return
        if not getattr(self.screen, "activity", ""):
            self.refresh_status()
        if self.kiosk:
            self.check_kiosk_idle()

    # -- navigation ---------------------------------------------------------------------
    def action_goto(self, name: str) -> None:
        """Show screen ``name`` (F1–F9)."""
        if isinstance(self.screen, Screen) and self.screen.is_modal:
            return
        if self.screen.name != name:
            self.switch_screen(name)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Command palette entries; kiosk mode offers no way out without the PIN."""
        for key, name, label in NAV:
            yield SystemCommand(f"Go to {label}", f"Open the {label} screen ({key.upper()})",
                                partial(self.action_goto, name))
        yield SystemCommand("New patient", "Clear every screen and drop all results (Ctrl+N)",
                            self.action_new_patient)
        yield SystemCommand("Theme", "Change the colour theme", self.action_change_theme)
        if self.kiosk:
            yield SystemCommand("Leave kiosk", "Needs the admin PIN", self.action_quit)
            return
        yield SystemCommand("Quit", "Quit edge-assist (Ctrl+Q)", self.action_quit)

    # -- session, kiosk -------------------------------------------------------------------
    def action_new_patient(self) -> None:
        """Wipe the session: every screen cleared, every result dropped."""
        self.wipe_session("New patient: session cleared")

    def wipe_session(self, reason: str) -> None:
        """Clear every screen and drop results; in kiosk mode free the models too."""
        for name in SCREENS:
            self.get_screen(name).wipe()
        self.clear_notifications()
        if self.kiosk:
            self.free_models()
        gc.collect()
        self.last_activity = time.monotonic()
        if not self.screen.is_modal and self.screen.name != "ask":
            self.switch_screen("ask")
        self.notify(reason, timeout=4)

    @work(thread=True, exclusive=True, exit_on_error=False, group="free")
    def free_models(self) -> None:
        """Close the loaded models (their caches may hold patient text)."""
        self.assistant.close()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, _ACTIVITY):
            self.last_activity = time.monotonic()
        await super().on_event(event)

    def check_kiosk_idle(self, now: float | None = None) -> bool:
        """Wipe the session if the kiosk has been idle too long; True when it did."""
        now = time.monotonic() if now is None else now
        if now - self.last_activity < self.settings.tui.idle_timeout_s:
            return False
        self.wipe_session("Session cleared after inactivity")
        return True

    async def action_quit(self) -> None:
        """Quit; in kiosk mode only after the admin PIN."""
        if not self.kiosk:
            self.exit()
            return
        from edge_assist.tui.widgets.dialogs import PinDialog

        def leave(ok: bool | None) -> None:
            if ok:
                self.wipe_session("Leaving kiosk mode")
                self.exit()

        self.push_screen(PinDialog(self.settings.tui.admin_pin_hash, self.pin_failures), leave)

    def action_suspend_process(self) -> None:
        """Suspend to the shell (refused in kiosk mode)."""
        if self.kiosk:
            self.notify("Suspend is disabled in kiosk mode", severity="warning")
            return
        super().action_suspend_process()

    def switch_profile(self, profile: str) -> None:
        """Use another model profile from now on (the old models are freed)."""
        self.apply_settings(self.settings.model_copy(update={"profile": profile}))

    def apply_settings(self, settings: Settings) -> None:
        """Use ``settings`` from now on: the theme at once, a new profile's models on first use.

        Nothing is written here; saving is the Settings screen's Ctrl+S.
        """
        from edge_assist.assistant import Assistant

        old, self.settings = self.settings, settings
        self.theme = THEMES[settings.tui.theme]
        if settings.profile == old.profile:
            self.assistant.settings = settings  # history on/off is read at each call
            return
        previous = self.assistant
        self.assistant = Assistant(settings, registry=previous.registry)
        self._close_assistant(previous)
        self.check_models()

    @work(thread=True, exit_on_error=False, group="free")
    def _close_assistant(self, assistant: Assistant) -> None:
        assistant.close()


def make_app(settings: Settings, assistant: Assistant | None = None,
             kiosk: bool = False) -> EdgeAssistApp:
    """Build the app; shared by the CLI, the tests and snapshot runs.

    Args:
        settings: configuration.
        assistant: inject one (tests pass an Assistant on fake models).
        kiosk: kiosk mode (needs ``tui.admin_pin_hash``).

    Raises:
        ConfigError: kiosk mode without an admin PIN hash.

    Examples:
        >>> make_app(load_settings()).run()   # doctest: +SKIP
    """
    return EdgeAssistApp(settings, assistant, kiosk)
