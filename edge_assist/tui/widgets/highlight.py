"""Render a note with character spans highlighted (findings, calculator inputs, turns)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

ASSERTION_STYLES = {
    "present": "bold green",
    "negated": "bold red",
    "possible": "bold yellow",
    "historical": "bold cyan",
    "family": "bold magenta",
    "hypothetical": "bold blue",
}
"""ConText assertion → colour, shared by the table and the highlighted note."""


def highlight_spans(note: str, spans: Iterable[tuple[int, int, str]], limit: int = 20_000) -> Text:
    """``note`` as rich text with each ``(start, end, style)`` applied; long notes are cut at ``limit``."""
    text = Text(note[:limit])
    for start, end, style in spans:
        if 0 <= start < end <= limit:
            text.stylize(style, start, end)
    if len(note) > limit:
        text.append(f"\n… ({len(note) - limit:,} more characters not shown)", style="dim")
    return text
