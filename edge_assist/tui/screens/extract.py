"""Extract: findings of a note in a table coloured by assertion, their spans highlighted, FHIR export.

Colours follow ConText: present green, negated red, possible yellow,
historical cyan, family magenta, hypothetical blue; the highlighted note uses
the same colours, and the row under the cursor is shown reversed in the note.
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
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static, TextArea

from edge_assist.tui.messages import ExtractReady, JobDone
from edge_assist.tui.screens.base import EdgeScreen
from edge_assist.tui.widgets.bounded import BoundedTextArea
from edge_assist.tui.widgets.dialogs import ExportDialog, write_export
from edge_assist.tui.widgets.highlight import ASSERTION_STYLES, highlight_spans

COLUMNS = ("Kind", "Finding", "Assertion", "Section", "Detail")


def rows_of(result: Any) -> list[tuple[str, Any]]:
    """(kind, finding) for every finding, in note order."""
    kinds = (("problem", result.problems), ("medication", result.medications),
             ("allergy", result.allergies), ("vital", result.vitals), ("lab", result.labs),
             ("procedure", result.procedures))
    rows = [(kind, f) for kind, items in kinds for f in items]
    return sorted(rows, key=lambda row: (row[1].start, row[1].end))


def detail_of(kind: str, finding: Any) -> str:
    """One short column: ICD-10 code, drug id and signature, value and unit."""
    if kind == "problem" and finding.icd10:
        return f"ICD-10 {finding.icd10[0].code}"
    if kind == "medication":
        parts = [finding.name, finding.drug_id] + [
            getattr(finding, p).text for p in ("strength", "route", "frequency") if getattr(finding, p)]
        return " ".join(p for p in parts if p)
    if kind in ("vital", "lab"):
        return f"{finding.display or finding.name} {finding.value:g} {finding.unit}".strip()
    if kind == "allergy":
        return finding.substance
    return ""


class ExtractScreen(EdgeScreen):
    """Clinical entity extraction with assertions."""

    NAME = "extract"
    BINDINGS = [Binding("escape", "cancel", "Cancel"),
                Binding("ctrl+r", "extract", "Extract", priority=True),
                Binding("ctrl+o", "export", "Export FHIR", priority=True),
                Binding("ctrl+t", "export", "Export FHIR", show=False, priority=True)]

    def __init__(self) -> None:
        super().__init__()
        self.result: Any = None
        self.note = ""
        self.rows: list[tuple[str, Any]] = []

    def compose_body(self) -> ComposeResult:
        area = BoundedTextArea(id="note", fix="For a longer note use `edge-assist extract FILE`.",
                               placeholder="Paste a note; Ctrl+R extracts problems, medications, vitals…")
        area.border_title = "Note"
        yield area
        table: DataTable[Any] = DataTable(id="entities", cursor_type="row", zebra_stripes=True)
        table.add_columns(*COLUMNS)
        yield table
        with VerticalScroll(id="note-view-box"):
            yield Static("", id="note-view")

    def on_mount(self) -> None:
        self.query_one("#note", TextArea).focus()

    def action_extract(self) -> None:
        """Extract from the note in the editor."""
        note = self.query_one("#note", TextArea).text
        if not note.strip():
            self.notify("Paste a note first", severity="warning")
            return
        assistant = self.assistant

        def job(cancel: threading.Event) -> ExtractReady:
            return ExtractReady(assistant.extract(note), note)

        self.run_job(job, "Extracting")

    @on(ExtractReady)
    def extracted(self, message: ExtractReady) -> None:
        self.set_activity("")
        self.result, self.note = message.result, message.note
        self.rows = rows_of(self.result)
        table = self.query_one("#entities", DataTable)
        table.clear()
        for kind, finding in self.rows:
            label = finding.assertion.label
            style = ASSERTION_STYLES.get(label, "")
            table.add_row(Text(kind), Text(finding.text[:40], style=style), Text(label, style=style),
                          Text(finding.section), Text(detail_of(kind, finding)[:40]))
        table.border_title = f"{len(self.rows)} findings"
        self.show_note(None)
        if self.rows:
            table.focus()

    @on(DataTable.RowHighlighted, "#entities")
    def row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_note(event.cursor_row)

    def show_note(self, current: int | None) -> None:
        """The note with every finding coloured by assertion; the current one reversed."""
        spans = [(f.start, f.end, ASSERTION_STYLES.get(f.assertion.label, "")) for _k, f in self.rows]
        if current is not None and 0 <= current < len(self.rows):
            finding = self.rows[current][1]
            spans.append((finding.start, finding.end, "reverse"))
        self.query_one("#note-view", Static).update(highlight_spans(self.note, spans))

    def action_export(self) -> None:
        """Write a validated FHIR R4 Bundle of the findings."""
        if self.result is None:
            self.notify("Extract first", severity="warning")
            return
        result, note = self.result, self.note
        dialog = ExportDialog("Export the findings as a FHIR R4 Bundle to:", "findings.fhir.json",
                              self.edge_app.fence)
        self.app.push_screen(dialog, lambda path: self._write(path, result, note))

    def _write(self, path: Path | None, result: Any, note: str) -> None:
        if path is None:
            return
        assistant = self.assistant

        def job(cancel: threading.Event) -> JobDone:
            # the FHIR validation models load in about 1 s: here, in the worker
            write_export(path, json.dumps(assistant.extraction_fhir(result, note), indent=2))
            return JobDone(f"FHIR Bundle written to {path}")

        self.run_job(job, "Writing FHIR Bundle")

    def show_error(self, text: str) -> None:
        self.query_one("#note-view", Static).update(Text(text, style="bold red"))

    def clear_session(self) -> None:
        self.result, self.note, self.rows = None, "", []
        self.query_one("#note", TextArea).text = ""
        self.query_one("#entities", DataTable).clear()
        self.query_one("#entities", DataTable).border_title = ""
        self.query_one("#note-view", Static).update("")
