"""Note: paste (or dictate) a transcript, get a draft note whose every sentence shows its source turns.

Flagged sentences (a number, dose or drug not in the transcript, a negated
finding the note affirms) are marked ⚠ with the reason; highlighting a
sentence highlights the turns it came from. The draft can be edited in place
(Enter on a sentence) and exported as Markdown, JSON or a FHIR document
Bundle (a Composition marked preliminary, with a Provenance pointing at the
numbered transcript turns); edits are in every export. Exports go through
the kiosk folder fence like every other file the TUI writes.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Label, ListItem, ListView, Static, TextArea

from edge_assist.tui.messages import JobDone, NoteReady
from edge_assist.tui.screens.base import EdgeScreen
from edge_assist.tui.widgets.bounded import BoundedTextArea
from edge_assist.tui.widgets.dialogs import EditDialog, ExportDialog, write_export

TRANSCRIPT_HINT = "[doctor] what brings you in ?\n[patient] chest pain since this morning ."


EXPORTS = {"md": ("Markdown", "note.md"), "json": ("JSON", "note.json"),
           "fhir": ("a FHIR R4 document Bundle", "note.fhir.json")}
"""Export format → (what the dialog calls it, default file name)."""


class SentenceItem(ListItem):
    """One sentence of the draft (``sentence`` None for a section title)."""

    def __init__(self, label: Text, sentence: Any = None) -> None:
        super().__init__(Label(label), disabled=sentence is None)
        self.sentence = sentence


def sentence_label(sentence: Any) -> Text:
    """The sentence, its turns as [T3], and ⚠ with each flag's reason."""
    text = Text(sentence.text)
    if sentence.turns:
        text.append(" " + " ".join(f"[T{i}]" for i in sentence.turns), style="dim")
    for flag in sentence.flags:
        text.append(f"  ⚠ {flag.kind.replace('_', ' ')}: {flag.detail}", style="bold red")
    return text


class NoteScreen(EdgeScreen):
    """Draft a clinical note from a conversation or dictation."""

    NAME = "note"
    BINDINGS = [Binding("escape", "cancel", "Cancel"),
                Binding("ctrl+r", "draft", "Draft note", priority=True),
                Binding("ctrl+o", "export('md')", "Markdown", priority=True),
                Binding("ctrl+j", "export('json')", "JSON", priority=True),
                Binding("ctrl+t", "export('fhir')", "FHIR", priority=True)]

    def __init__(self) -> None:
        super().__init__()
        self.note: Any = None
        self.pending_transcript = ""
        self.selected_turns: set[int] = set()

    def compose_body(self) -> ComposeResult:
        area = BoundedTextArea(id="transcript", placeholder=Content(TRANSCRIPT_HINT),
                               fix="For a longer transcript use `edge-assist note FILE`.")
        area.border_title = "Transcript (paste; Ctrl+R drafts)"
        yield area
        with Horizontal(id="note-panes"):
            draft = ListView(id="draft")
            draft.border_title = "Draft for clinician review"
            yield draft
            with VerticalScroll(id="turns-box") as box:
                box.border_title = "Source turns"
                yield Static("", id="turns")

    def on_mount(self) -> None:
        area = self.query_one("#transcript", TextArea)
        if self.pending_transcript:
            area.text, self.pending_transcript = self.pending_transcript, ""
        area.focus()

    def set_transcript(self, text: str) -> None:
        """Put a transcript (e.g. from Dictate) into the editor, now or when it is first shown."""
        if self.is_mounted:
            self.query_one("#transcript", TextArea).text = text
        else:
            self.pending_transcript = text

    def action_draft(self) -> None:
        """Write the draft from the transcript."""
        transcript = self.query_one("#transcript", TextArea).text
        if not transcript.strip():
            self.notify("Paste a transcript first", severity="warning")
            return
        assistant = self.assistant

        def job(cancel: threading.Event) -> NoteReady:
            return NoteReady(assistant.note(transcript))

        self.run_job(job, "Drafting note")

    @on(NoteReady)
    def drafted(self, message: NoteReady) -> None:
        self.set_activity("")
        self.note = message.note
        items: list[ListItem] = []
        for section in self.note.sections:
            if section.sentences:
                items.append(SentenceItem(Text(section.title.upper(), style="bold underline")))
                items += [SentenceItem(sentence_label(s), s) for s in section.sentences]
        view = self.query_one("#draft", ListView)
        view.clear()
        view.extend(items)
        flags = len(self.note.flags)
        view.border_subtitle = f"{flags} flagged" if flags else "no flags"
        self.show_turns(set())
        view.focus()

    @on(ListView.Highlighted, "#draft")
    def sentence_highlighted(self, event: ListView.Highlighted) -> None:
        sentence = getattr(event.item, "sentence", None)
        self.show_turns(set(sentence.turns) if sentence else set())

    @on(ListView.Selected, "#draft")
    def edit_sentence(self, event: ListView.Selected) -> None:
        item = event.item
        sentence = getattr(item, "sentence", None)
        if sentence is None:
            return

        def keep(text: str | None) -> None:
            if text and text != sentence.text:
                sentence.text = text
                item.query_one(Label).update(sentence_label(sentence).append(" ✎", style="bold"))

        self.app.push_screen(EditDialog(sentence.text), keep)

    def show_turns(self, selected: set[int]) -> None:
        """List the transcript's turns, the selected sentence's sources highlighted."""
        self.selected_turns = selected
        if self.note is None:
            self.query_one("#turns", Static).update("")
            return
        text = Text()
        for turn in self.note.turns:
            style = "bold reverse" if turn.index in selected else "dim" if selected else ""
            text.append(f"T{turn.index} {turn.speaker}: {turn.text}\n", style=style)
        self.query_one("#turns", Static).update(text)

    def action_export(self, fmt: str) -> None:
        """Export the draft as Markdown, JSON or a FHIR Bundle to a file the user names."""
        if self.note is None:
            self.notify("Draft a note first", severity="warning")
            return
        note = self.note
        title, name = EXPORTS[fmt]
        dialog = ExportDialog(f"Export the draft as {title} to:", name, self.edge_app.fence)
        self.app.push_screen(dialog, lambda path: self._write(path, note, fmt))

    def _write(self, path: Path | None, note: Any, fmt: str) -> None:
        if path is None:
            return

        assistant = self.assistant

        def job(cancel: threading.Event) -> JobDone:
            if fmt == "fhir":  # validated with fhir.resources (about 1 s to load): here, off the UI
                body = json.dumps(assistant.note_fhir(note), indent=2)
            else:
                body = note.markdown() if fmt == "md" else json.dumps(note.as_dict(), indent=2)
            write_export(path, body)
            return JobDone(f"Draft exported to {path}")

        self.run_job(job, "Exporting")

    def clear_session(self) -> None:
        self.note, self.pending_transcript = None, ""
        self.query_one("#transcript", TextArea).text = ""
        self.query_one("#draft", ListView).clear()
        self.query_one("#draft", ListView).border_subtitle = ""
        self.query_one("#turns", Static).update("")
