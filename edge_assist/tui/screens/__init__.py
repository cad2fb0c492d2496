"""One module per screen; ``SCREENS`` maps each screen's name to its class, in nav order."""

from __future__ import annotations

from edge_assist.tui.screens.ask import AskScreen
from edge_assist.tui.screens.base import EdgeScreen
from edge_assist.tui.screens.calculators import CalculatorsScreen
from edge_assist.tui.screens.dictate import DictateScreen
from edge_assist.tui.screens.evidence import EvidenceScreen
from edge_assist.tui.screens.extract import ExtractScreen
from edge_assist.tui.screens.help import HelpScreen
from edge_assist.tui.screens.models import ModelsScreen
from edge_assist.tui.screens.note import NoteScreen
from edge_assist.tui.screens.settings import SettingsScreen

SCREENS: dict[str, type[EdgeScreen]] = {
    cls.NAME: cls for cls in (AskScreen, NoteScreen, DictateScreen, CalculatorsScreen, ExtractScreen,
                              EvidenceScreen, ModelsScreen, SettingsScreen, HelpScreen)
}

__all__ = ["SCREENS", "EdgeScreen"]
