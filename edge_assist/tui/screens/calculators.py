"""Calculators: search the list, fill a form (units and plausible ranges checked), or fill it from a note.

The arithmetic is the calculators package's deterministic, cited code; this
screen only collects values. Each field's placeholder shows its unit and
plausible range; a value in another unit ("88 umol/L") is converted, and an
implausible one is refused next to its field. "Fill from note" (Ctrl+F)
reads the inputs from a pasted note through the Assistant, fills the form and
shows the note with every value's source span highlighted.
"""

from __future__ import annotations

import threading
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from edge_assist.errors import EdgeAssistError
from edge_assist.tui.messages import CalcFilled
from edge_assist.tui.screens.base import EdgeScreen
from edge_assist.tui.widgets.bounded import BoundedInput
from edge_assist.tui.widgets.dialogs import NoteDialog
from edge_assist.tui.widgets.highlight import highlight_spans


def hint_for(spec: Any) -> str:
    """Placeholder text: unit and plausible range, or the accepted format."""
    if spec.type == "date":
        return "MM/DD/YYYY"
    low = "" if spec.min is None else f"{spec.min:g}"
    high = "" if spec.max is None else f"{spec.max:g}"
    span = f" ({low}–{high})" if low or high else ""
    optional = "" if spec.required else f", optional, default {spec.default}"
    return f"{spec.unit or 'number'}{span}{optional}"


def field_for(spec: Any) -> Widget:
    """The form widget for one input: Checkbox, Select or Input."""
    wid = f"in-{spec.name}"
    if spec.type == "bool":
        return Checkbox("present", id=wid, compact=True)
    if spec.type == "choice":
        options = [(c.label or c.value, c.value) for c in spec.choices]
        return Select(options, id=wid, prompt="choose…", compact=True)
    return Input(placeholder=hint_for(spec), id=wid, compact=True)


def render_result(result: Any) -> Text:
    """Value, band, steps, assumptions, warnings and the citation."""
    text = Text()
    text.append(f"{result.name}: {result.display}\n", style="bold")
    if result.band:
        text.append(f"{result.band}\n", style="bold")
    if result.missing:
        text.append(f"Missing: {', '.join(result.missing)}\n", style="bold red")
    for step in result.steps:
        text.append(f"  • {step}\n")
    for line in result.assumptions:
        text.append(f"  assumption: {line}\n", style="yellow")
    for line in (*result.conflicts, *result.warnings):
        text.append(f"  ⚠ {line}\n", style="bold red")
    text.append(f"Source: {result.source}", style="italic")
    if result.doi:
        text.append(f" doi:{result.doi}", style="italic")
    text.append(f" (formula {result.formula_version})\n", style="dim")
    return text


def render_sources(result: Any, note: str) -> Text:
    """Each input read from the note with its span, then the note with the spans highlighted."""
    text = Text("Read from the note:\n", style="bold")
    spans = []
    for value in result.inputs.values():
        if value.span is None:
            continue
        spans.append((value.span.start, value.span.end, "bold reverse"))
        text.append(f"  {value.name} = {value.value} {value.unit}".rstrip())
        text.append(f'  ← "{value.span.text}" [{value.span.start}–{value.span.end}]\n', style="dim")
    return text.append_text(highlight_spans(note, spans))


class CalculatorsScreen(EdgeScreen):
    """Clinical calculators with explanation and citation."""

    NAME = "calculators"
    BINDINGS = [Binding("escape", "cancel", "Cancel"),
                Binding("ctrl+r", "compute", "Compute", priority=True),
                Binding("ctrl+f", "from_note", "Fill from note", priority=True)]

    def __init__(self) -> None:
        super().__init__()
        self.calculator: Any = None
        self.result: Any = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="calc-panes"):
            with Vertical(id="calc-left"):
                yield BoundedInput(placeholder="search calculators", id="calc-search", max_length=200)
                yield OptionList(id="calc-list")
            with VerticalScroll(id="calc-form"):
                yield Static("Pick a calculator on the left.", id="calc-title")
                yield Vertical(id="calc-fields")
                yield Static("", id="calc-result")

    def on_mount(self) -> None:
        self.fill_list("")
        self.query_one("#calc-search", Input).focus()

    @on(Input.Changed, "#calc-search")
    def search(self, event: Input.Changed) -> None:
        self.fill_list(event.value)

    def fill_list(self, query: str) -> None:
        """Show calculators whose id, name, alias or category contains the query."""
        q = query.lower().strip()
        options = [Option(c.spec.name, id=c.id) for c in self.assistant.calculators()
                   if not q or q in " ".join((c.id, c.spec.name, c.spec.category,
                                              *c.spec.aliases)).lower()]
        listing = self.query_one("#calc-list", OptionList)
        listing.clear_options()
        listing.add_options(options)

    @on(Input.Submitted, "#calc-search")
    async def pick_first(self) -> None:
        listing = self.query_one("#calc-list", OptionList)
        if listing.option_count:
            await self.select(listing.get_option_at_index(0).id or "")

    @on(OptionList.OptionSelected, "#calc-list")
    async def picked(self, event: OptionList.OptionSelected) -> None:
        await self.select(event.option.id or "")

    async def select(self, calc_id: str) -> None:
        """Show the form of calculator ``calc_id``."""
        calc = self.calculator = self.assistant.calculator(calc_id)
        self.result = None
        spec = calc.spec
        self.query_one("#calc-title", Static).update(
            Text.assemble((spec.name, "bold"), f"\n{spec.description}".rstrip()))
        fields = self.query_one("#calc-fields", Vertical)
        await fields.remove_children()
        rows = []
        for item in spec.inputs:
            label = item.label or item.name.replace("_", " ")
            rows.append(Horizontal(Label(label[:24], classes="field-label"), field_for(item),
                                   classes="field-row"))
            rows.append(Static("", id=f"err-{item.name}", classes="field-error"))
        await fields.mount_all(rows)
        if self.result is None:  # a fill that finished while mounting keeps its result
            self.query_one("#calc-result", Static).update(
                Text("Ctrl+R computes · Ctrl+F fills from a note", style="dim"))

    def raw_values(self) -> dict[str, Any]:
        """What the form holds, by input name (empty fields left out)."""
        values: dict[str, Any] = {}
        for spec in self.calculator.spec.inputs:
            widget = self.query_one(f"#in-{spec.name}")
            if isinstance(widget, Checkbox):
                values[spec.name] = widget.value
            elif isinstance(widget, Select):
                if widget.value is not Select.BLANK:
                    values[spec.name] = widget.value
            elif isinstance(widget, Input) and widget.value.strip():
                values[spec.name] = widget.value.strip()
        return values

    def action_compute(self) -> None:
        """Validate every field, then compute (deterministic, milliseconds: no worker needed)."""
        if self.calculator is None:
            self.notify("Pick a calculator first", severity="warning")
            return
        parsed, bad = {}, 0
        for name, raw in self.raw_values().items():
            try:
                parsed[name] = self.calculator.coerce(name, raw)
                self.field_error(name, "")
            except EdgeAssistError as exc:
                bad += 1
                self.field_error(name, f"⚠ {exc.message}")
        if bad:
            self.query_one("#calc-result", Static).update(
                Text(f"{bad} value(s) refused: fix them above.", style="bold red"))
            return
        try:
            self.result = self.calculator.evaluate(parsed)
        except EdgeAssistError as exc:
            self.show_error(f"{exc.message}\n→ {exc.hint}")
            return
        self.show_result(render_result(self.result))

    def field_error(self, name: str, text: str) -> None:
        """Show (or hide, when ``text`` is empty) the message under one field."""
        error = self.query_one(f"#err-{name}", Static)
        error.update(Text(text, style="bold red"))
        error.set_class(bool(text), "-shown")

    def action_from_note(self) -> None:
        """Paste a note; the Assistant reads this calculator's inputs from it."""
        if self.calculator is None:
            self.notify("Pick a calculator first", severity="warning")
            return
        self.app.push_screen(NoteDialog(), self.fill_from_note)

    def fill_from_note(self, note: str | None) -> None:
        """Fill and compute from ``note`` in a worker."""
        if not note or not note.strip():
            return
        assistant, calc_id = self.assistant, self.calculator.id

        def job(cancel: threading.Event) -> CalcFilled:
            return CalcFilled(assistant.calc(note, calc_id), note)

        self.run_job(job, "Reading the note")

    @on(CalcFilled)
    def filled(self, message: CalcFilled) -> None:
        self.set_activity("")
        result = self.result = message.result
        for value in result.inputs.values():
            widget = self.query_one(f"#in-{value.name}")
            if isinstance(widget, Checkbox):
                widget.value = bool(value.value)
            elif isinstance(widget, Select):
                widget.value = value.value
            elif isinstance(widget, Input):
                widget.value = f"{value.value} {value.unit}".strip() if value.unit else str(value.value)
        self.show_result(render_result(result).append_text(render_sources(result, message.note)))

    def show_result(self, text: Text) -> None:
        """Show the result and scroll it into view (the form may be taller than the screen)."""
        result = self.query_one("#calc-result", Static)
        result.update(text)
        # Scroll once the new text has been laid out: right after update() the result
        # still has its old height, so scrolling then stops short of it.
        self.call_after_refresh(
            lambda: self.call_after_refresh(result.scroll_visible, animate=False, top=True))
        self.set_timer(0.2, lambda: result.scroll_visible(animate=False, top=True))

    def show_error(self, text: str) -> None:
        self.query_one("#calc-result", Static).update(Text(text, style="bold red"))

    def clear_session(self) -> None:
        self.result = None
        for widget in self.query("#calc-fields Input, #calc-fields Checkbox, #calc-fields Select"):
            if isinstance(widget, Input):
                widget.value = ""
            elif isinstance(widget, Checkbox):
                widget.value = False
            elif isinstance(widget, Select):
                widget.clear()
        for spec in self.calculator.spec.inputs if self.calculator else ():
            self.field_error(spec.name, "")
        self.query_one("#calc-result", Static).update("")
