"""``edge-assist note``: a draft clinical note from a transcript or dictation, with sources and flags."""

from __future__ import annotations

import sys

import click

from edge_assist.cli._common import State, echo_json, json_option


@click.command("note")
@click.argument("source", default="-", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--template", default="soap", show_default=True,
              help="soap, aci, progress, or a path to a TOML template.")
@click.option("--writer", type=click.Choice(["extractive", "llm", "hybrid"]), default="extractive",
              show_default=True, help="extractive: rules, no model; llm: the chat model writes each section.")
@click.option("--markdown", "as_markdown", is_flag=True, help="Markdown with [T#] source turns and flags.")
@click.option("--fhir", "as_fhir", is_flag=True,
              help="A validated FHIR R4 document Bundle: Composition (preliminary), Provenance, transcript.")
@json_option
@click.pass_obj
def note_command(state: State, source: str, template: str, writer: str, as_markdown: bool,
                 as_fhir: bool, as_json: bool) -> None:
    """Draft a note from FILE (or '-' for stdin): [doctor]/[patient] turns or a dictation.

    The draft is labelled for clinician review; every sentence names its source
    turns, and numbers, doses or drugs not in the transcript are flagged.
    """
    from edge_assist.assistant import Assistant

    data = sys.stdin.buffer.read() if source == "-" else _read(source)
    with Assistant(state.settings) as assistant:
        note = assistant.note(data, template=template, writer=writer)
        bundle = assistant.note_fhir(note) if as_fhir else None
    if bundle is not None:
        echo_json(bundle)
    elif as_json:
        echo_json(note.as_dict())
    elif as_markdown:
        click.echo(note.markdown())
    else:
        click.echo(note.text())
        for key, sentence in note.flags:
            for flag in sentence.flags:
                click.echo(f"⚠ {key}: {flag.kind}: {flag.detail}", err=True)
        for warning in note.warnings:
            click.echo(f"note: {warning}", err=True)


def _read(path: str) -> bytes:
    from edge_assist.errors import InputError

    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", "give a readable transcript file") from None
