"""Modal dialogs: export a file, paste a note, enter the admin PIN."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from edge_assist.errors import EdgeAssistError
from edge_assist.tui.kiosk import FileFence
from edge_assist.tui.widgets.bounded import BoundedInput, BoundedTextArea

PATH_LIMIT = 4096
"""Longest path a path box takes (Linux PATH_MAX)."""


def write_export(path: Path, body: str) -> None:
    """Write an export the user asked for (the only files the TUI writes).

    Raises:
        InputError: the file cannot be written.
    """
    from edge_assist.errors import InputError

    try:
        path.write_text(body, "utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}", "pick another folder") from None


class ExportDialog(ModalScreen[Path | None]):
    """Ask where to write an export; the path must pass the kiosk folder fence."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, title: str, default_name: str, fence: FileFence) -> None:
        super().__init__()
        self.title_text = title
        self.fence = fence
        self.default = fence.default_dir() / default_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield BoundedInput(str(self.default), id="export-path", max_length=PATH_LIMIT)
            yield Static("Enter writes the file · Esc cancels", id="export-error", classes="hint")

    @on(Input.Submitted, "#export-path")
    def submit(self, event: Input.Submitted) -> None:
        try:
            path = self.fence.check(event.value.strip())
        except EdgeAssistError as exc:
            self.query_one("#export-error", Static).update(f"{exc.message} ({exc.hint})")
            return
        self.dismiss(path)


class NoteDialog(ModalScreen[str | None]):
    """Paste a note (for a calculator to read its inputs from)."""

    BINDINGS = [Binding("ctrl+r", "submit", "Use note", priority=True),
                Binding("escape", "dismiss(None)", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Paste the note · Ctrl+R reads the inputs · Esc cancels",
                        classes="dialog-title")
            yield BoundedTextArea(id="note-text",
                                  fix="For a longer note use `edge-assist calc from-note NAME < FILE`.")

    def action_submit(self) -> None:
        """Return the pasted note."""
        self.dismiss(self.query_one("#note-text", TextArea).text)


class PinDialog(ModalScreen[bool]):
    """The admin PIN, needed to leave kiosk mode; five wrong tries lock it until a restart.

    ``failures`` is a shared one-item list so closing and reopening the dialog does not reset it.
    """

    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel")]
    MAX_TRIES = 5

    def __init__(self, pin_hash: str, failures: list[int] | None = None) -> None:
        super().__init__()
        self.pin_hash = pin_hash
        self.failures_box = failures if failures is not None else [0]

    @property
    def failures(self) -> int:
        """Wrong PINs so far in this session."""
        return self.failures_box[0]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Admin PIN to leave kiosk mode", classes="dialog-title")
            yield Input(password=True, id="pin")
            yield Static("Esc returns to the kiosk", id="pin-error", classes="hint")

    @on(Input.Submitted, "#pin")
    def check(self, event: Input.Submitted) -> None:
        from edge_assist.tui.kiosk import verify_pin

        pin, event.input.value = event.value, ""
        if self.failures < self.MAX_TRIES and verify_pin(pin, self.pin_hash):
            self.dismiss(True)
            return
        self.failures_box[0] += 1
        left = max(self.MAX_TRIES - self.failures, 0)
        self.query_one("#pin-error", Static).update(
            f"Wrong PIN ({left} tries left)" if left else "Locked: restart needs an administrator")


class EditDialog(ModalScreen[str | None]):
    """Edit one sentence of a draft."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Edit the sentence · Enter keeps it · Esc cancels", classes="dialog-title")
            yield BoundedInput(self.text, id="edit-text", max_length=5000)

    @on(Input.Submitted, "#edit-text")
    def submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)
