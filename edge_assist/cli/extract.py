"""``edge-assist extract [FILE|-]``: findings from a clinical note, as text, JSON or FHIR."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from edge_assist.cli._common import State, echo_json, table
from edge_assist.errors import InputError


def read_input(source: str) -> str:
    """The note from a file or stdin (``-``), decoded strictly as UTF-8.

    Raises:
        InputError: unreadable, binary or not UTF-8.
    """
    from edge_assist.extract.text import MAX_CHARS, decode

    if source == "-":
        data = sys.stdin.buffer.read(MAX_CHARS * 4 + 1)
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(f"no such file: {source}", "give a text file, or - for stdin")
        data = path.read_bytes()
    return decode(data)


@click.command("extract")
@click.argument("source", metavar="[FILE|-]", default="-")
@click.option("--json", "as_json", is_flag=True, help="Print the typed result as JSON.")
@click.option("--fhir", "as_fhir", is_flag=True, help="Print a FHIR R4 (R4B) Bundle, validated.")
@click.option("--llm", "use_llm", is_flag=True,
              help="Let the chat model fill medication details the rules missed (slower).")
@click.pass_obj
def extract_command(state: State, source: str, as_json: bool, as_fhir: bool, use_llm: bool) -> None:
    """Extract problems, medications, allergies, vitals, labs and procedures from a note."""
    from edge_assist.assistant import Assistant

    if as_json and as_fhir:
        raise click.UsageError("choose one of --json and --fhir")
    note = read_input(source)
    with Assistant(state.settings) as assistant:
        result = assistant.extract(note, use_llm=use_llm)
    if as_fhir:
        from edge_assist.extract.fhir import to_fhir

        echo_json(to_fhir(result, note))
    elif as_json:
        echo_json(result.model_dump(mode="json"))
    else:
        click.echo(render(result))


def render(result: object) -> str:
    """A plain table of the findings, in note order."""
    from edge_assist.extract.fhir import finding_kind
    from edge_assist.extract.types import ExtractionResult

    assert isinstance(result, ExtractionResult)
    rows = [[f"{f.start}-{f.end}", finding_kind(f), f.text.replace("\n", " ")[:40],
             f.assertion.label, f.section] for f in result.findings()]
    lines = [table(["SPAN", "KIND", "TEXT", "ASSERTION", "SECTION"], rows) if rows else "No findings."]
    lines += [f"Note: {w}" for w in result.warnings]
    return "\n".join(lines)
