"""``edge-assist calc``: list, show and run the clinical calculators, or fill one from a note."""

from __future__ import annotations

import sys
from typing import Any

import click

from edge_assist.cli._common import State, echo_json, json_option, table


@click.group("calc")
def calc() -> None:
    """Clinical calculators with cited formulas, units and step-by-step explanations."""


@calc.command("list")
@json_option
def list_command(as_json: bool) -> None:
    """List every calculator."""
    from edge_assist import calculators

    rows = [(c.id, c.spec.category, c.spec.name) for c in calculators.available()]
    if as_json:
        echo_json([{"id": i, "category": cat, "name": n} for i, cat, n in rows])
    else:
        click.echo(table(["ID", "CATEGORY", "NAME"], rows))


@calc.command("show")
@click.argument("name")
@json_option
def show_command(name: str, as_json: bool) -> None:
    """Show a calculator's inputs, formula version, source and bands."""
    from edge_assist import calculators

    spec = calculators.get(name).spec
    if as_json:
        echo_json(spec.model_dump())
        return
    click.echo(f"{spec.name} ({spec.id})\nformula: {spec.formula_version}\nsource: {spec.source.citation}"
               + (f" doi:{spec.source.doi}" if spec.source.doi else ""))
    rows = [(f"--{i.name.replace('_', '-')}", i.type, i.unit, _range(i.min, i.max),
             "required" if i.required else f"default {i.default}",
             ", ".join(c.value for c in i.choices)) for i in spec.inputs]
    click.echo(table(["OPTION", "TYPE", "UNIT", "RANGE", "", "CHOICES"], rows))


@calc.command("run", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("name")
@json_option
@click.pass_context
def run_command(ctx: click.Context, name: str, as_json: bool) -> None:
    """Compute NAME from options, e.g. `calc run chads-vasc --age 72 --sex F --hypertension yes`.

    A number may carry its unit: --creatinine "88 umol/L".
    """
    from edge_assist import calculators

    result = calculators.get(name).compute(_parse_options(ctx.args))
    _render(result, as_json)


@calc.command("from-note")
@click.argument("name")
@click.option("--llm", "use_llm", is_flag=True, help="Ask the chat model for inputs the rules miss.")
@json_option
@click.pass_obj
def from_note_command(state: State, name: str, use_llm: bool, as_json: bool) -> None:
    """Fill NAME from a note read on stdin, showing where each input came from."""
    from edge_assist.assistant import Assistant
    from edge_assist.extract.text import decode

    note = decode(sys.stdin.buffer.read())  # binary or non-UTF-8 input: InputError, not a crash
    with Assistant(state.settings) as assistant:
        result = assistant.calc(note, name, use_llm=use_llm)
    _render(result, as_json)


def _parse_options(args: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    key: str | None = None
    for arg in args:
        if arg.startswith("--"):
            if key is not None:
                values[key] = "yes"  # a bare flag: the criterion is present
            key, _, inline = arg[2:].partition("=")
            key = key.replace("-", "_")
            if inline:
                values[key], key = inline, None
        elif key is not None:
            values[key], key = arg, None
        else:
            raise click.UsageError(f"unexpected argument {arg!r}; use --input VALUE")
    if key is not None:
        values[key] = "yes"
    return values


def _range(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return ""
    return f"{low:g}–{high:g}"


def _render(result: Any, as_json: bool) -> None:
    if as_json:
        echo_json(result.as_dict())
        return
    click.echo(f"{result.name}: {result.display}" + (f" ({result.band})" if result.band else ""))
    for step in result.steps:
        click.echo(f"  {step}")
    for label, items in (("missing", result.missing), ("conflict", result.conflicts),
                         ("warning", result.warnings), ("assumed", result.assumptions)):
        for item in items:
            click.echo(f"  {label}: {item}")
    click.echo(f"  source: {result.source}" + (f" doi:{result.doi}" if result.doi else ""))
