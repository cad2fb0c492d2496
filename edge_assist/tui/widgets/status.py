"""The navigation line at the top and the status bar at the bottom of every screen."""

from __future__ import annotations

import os
import resource

from rich.text import Text
from textual.widgets import Static

NAV = (("f2", "ask", "Ask"), ("f3", "note", "Note"), ("f4", "dictate", "Dictate"),
       ("f5", "calculators", "Calc"), ("f6", "extract", "Extract"), ("f7", "evidence", "Evidence"),
       ("f8", "models", "Models"), ("f9", "settings", "Settings"), ("f1", "help", "Help"))
"""(key, screen name, label) of every screen, in nav order (Help is in the footer, not the nav line)."""


def current_rss_mb() -> float:
    """Resident memory of this process in MiB (peak RSS where /proc is missing)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class NavBar(Static):
    """One line naming every screen and its function key, the current one highlighted."""

    def __init__(self, current: str) -> None:
        super().__init__(self._line(current), classes="nav")

    @staticmethod
    def _line(current: str) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        for key, name, label in NAV[:-1]:
            style = "reverse bold" if name == current else ""
            text.append(f"{key.upper()}", style="bold")
            text.append(f" {label} ", style=style)
        return text


class StatusBar(Static):
    """Profile, chat model, offline indicator, memory, and KIOSK when locked down."""

    def show(self, profile: str, model: str, offline: bool, memory_mb: float, kiosk: bool,
             model_state: str = "", activity: str = "") -> None:
        """Redraw the bar from the app's current state and the screen's activity."""
        text = Text(no_wrap=True, overflow="ellipsis")
        if activity:
            text.append(f"⏳ {activity}", style="bold")
            text.append(" │ ")
        if kiosk:
            text.append(" KIOSK ", style="bold reverse")
            text.append(" ")
        text.append("● offline" if offline else "● GUARD OFF",
                    style="bold green" if offline else "bold red")
        text.append(" │ ")
        text.append(f"profile {profile}", style="bold")
        text.append(f" │ mem {memory_mb:.0f} MB │ ")
        if model_state and model_state != "ready":
            text.append(f"chat model {model_state} (F8)", style="bold red")
        else:
            text.append(model)
        self.update(text)
