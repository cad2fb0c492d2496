"""Text boxes that refuse an oversized paste with a message, instead of freezing or dropping it silently.

Textual's ``Input(max_length=...)`` silently ignores a paste that would not
fit, and a ``TextArea`` takes any size: 1 MB arrives in under a second when
it has line breaks, but one soft-wrapped line is re-wrapped on every
keystroke (measured on 2 shared cores: 0.4 s a key at 100,000 characters in
one line, 4 s at 1 MB). So a paste is refused whole when the box would pass
its character limit or a pasted line is longer than ``LINE_LIMIT``, and a
warning says why and what to do instead. Refused, not truncated: a transcript
cut at an arbitrary point would give a note that looks complete.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Input, TextArea

EDITOR_LIMIT = 400_000
"""Characters a note or transcript box holds (the note writer's own limit; the longest ACI-Bench
transcript is about 15,000)."""
LINE_LIMIT = 10_000
"""Longest pasted line (about 40 ms of re-wrapping per keystroke on 2 cores)."""


def refusal(pasted: int, limit: int, fix: str) -> str:
    """The warning for a refused paste."""
    return f"Paste refused: {pasted:,} characters would pass this box's limit of {limit:,}. {fix}"


class BoundedTextArea(TextArea):
    """A soft-wrapped editor that refuses pastes over ``max_chars`` or with a line over ``LINE_LIMIT``.

    Args:
        max_chars: the most characters the box may hold.
        fix: what to tell the user to do instead (e.g. a CLI command for long files).
    """

    def __init__(self, *args: Any, max_chars: int = EDITOR_LIMIT, fix: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("soft_wrap", True)
        super().__init__(*args, **kwargs)
        self.max_chars = max_chars
        self.fix = fix

    async def _on_paste(self, event: events.Paste) -> None:
        """Refuse here (the base class's handler then does not run), or let TextArea insert it."""
        selected = len(self.selected_text)
        size = len(self.document.text) - selected + len(event.text)
        if size > self.max_chars:
            self._refuse(event, refusal(len(event.text), self.max_chars, self.fix))
        elif len(event.text) > LINE_LIMIT and max(map(len, event.text.splitlines())) > LINE_LIMIT:
            self._refuse(event, f"Paste refused: a line is longer than {LINE_LIMIT:,} characters "
                                f"(it would make typing slow). Paste text with line breaks. {self.fix}")

    def on_text_area_changed(self) -> None:
        self.border_subtitle = ""

    def _refuse(self, event: events.Paste, text: str) -> None:
        event.prevent_default()
        event.stop()
        self.border_subtitle = "paste refused: too long"
        self.notify(text.strip(), severity="warning", timeout=8, markup=False)


class BoundedInput(Input):
    """A one-line input whose ``max_length`` also refuses pastes, saying so."""

    def _on_paste(self, event: events.Paste) -> None:
        if not self.max_length or not event.text:
            return
        line = event.text.splitlines()[0] if event.text.splitlines() else ""
        start, end = sorted(self.selection)
        if len(self.value) - (end - start) + len(line) > self.max_length:
            event.prevent_default()
            event.stop()
            self.notify(refusal(len(line), self.max_length, "Shorten it and paste again."),
                        severity="warning", timeout=8, markup=False)
