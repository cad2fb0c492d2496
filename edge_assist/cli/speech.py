"""``edge-assist transcribe FILE`` and ``edge-assist dictate``: speech to text, offline."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

import click

from edge_assist.cli._common import State, echo_json, json_option

MODELS = click.Choice(["tiny.en", "base", "whisper-tiny.en", "whisper-base"])


def _write(text: str, output: Path | None) -> None:
    """Print ``text``, or write it to ``output`` atomically (never half-written)."""
    if output is None:
        click.echo(text, nl=False)
        return
    fd, tmp = tempfile.mkstemp(dir=output.parent if str(output.parent) else ".", prefix=".partial-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, output)


def _progress(done: float, total: float) -> None:
    if total:
        click.echo(f"\rtranscribing: {done / total:4.0%} of {total:.0f} s", nl=False, err=True)


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--model", type=MODELS, help="Speech model (default: the profile's).")
@click.option("--srt", "fmt", flag_value="srt", help="SubRip subtitles.")
@click.option("--vtt", "fmt", flag_value="vtt", help="WebVTT subtitles.")
@click.option("--text", "fmt", flag_value="text", default=True, help="Plain text (default).")
@click.option("--commands", is_flag=True, help='Apply dictation commands ("new paragraph", "period").')
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to this file (atomically) instead of stdout.")
@json_option
@click.pass_obj
def transcribe(state: State, file: Path, model: str | None, fmt: str, commands: bool,
               output: Path | None, as_json: bool) -> None:
    """Transcribe an audio file (wav, mp3, m4a, flac, ogg) with timings and drug-name correction."""
    from edge_assist.assistant import Assistant
    from edge_assist.errors import InputError
    from edge_assist.speech import render

    with Assistant(state.settings) as assistant:
        transcript = assistant.transcribe(file, model=model, commands=commands, progress=_progress)
    click.echo("", err=True)
    if not transcript.segments:
        raise InputError(f"no speech found in {file.name}", "check the recording is not silent")
    for c in transcript.corrections:
        click.echo(f"corrected {c.original!r} -> {c.replacement} at {c.start:.1f} s "
                   f"({c.method}, {c.score:.2f})", err=True)
    _write(render(transcript, "json" if as_json else fmt), output)  # type: ignore[arg-type]


@click.command()
@click.option("--model", type=MODELS, help="Speech model (default: the profile's).")
@click.option("--device", help="Input device index or name (default: the system's).")
@click.option("--seconds", type=click.FloatRange(min=1, max=3600),
              help="Record this long instead of waiting for Enter.")
@click.option("--note", is_flag=True, help="Draft a clinical note from the dictation (microphone -> note).")
@click.option("--template", default="soap", show_default=True,
              help="With --note: soap, aci, progress, or a path to a TOML template.")
@json_option
@click.pass_obj
def dictate(state: State, model: str | None, device: str | None, seconds: float | None,
            note: bool, template: str, as_json: bool) -> None:
    """Dictate from the microphone: press Enter to start and Enter to stop; text shows live.

    With --note the dictation becomes a draft note (the same writer as ``edge-assist note``):
    the note goes to stdout, or with --json the transcript and the note together.
    """
    from edge_assist.assistant import Assistant
    from edge_assist.errors import EdgeAssistError, InputError
    from edge_assist.notes import review_flags
    from edge_assist.speech import render
    from edge_assist.speech.microphone import dictate as record_dictation
    from edge_assist.speech.microphone import input_device

    dev: int | str | None = int(device) if device and device.isdigit() else device
    input_device(dev)  # no microphone: a clear error before any prompt
    if note:
        from edge_assist.notes.templates import load_template

        load_template(template)  # a bad template fails now, not after the dictation
    stop = threading.Event()
    with Assistant(state.settings) as assistant:
        pipeline = assistant.speech_pipeline(model, commands=True)
        if seconds:
            threading.Timer(seconds, stop.set).start()
        else:
            click.prompt("Press Enter to start", default="", show_default=False, err=True)
            threading.Thread(target=lambda: (input(), stop.set()), daemon=True).start()
        click.echo("Recording... (Enter stops)", err=True)
        transcript = record_dictation(
            pipeline, stop, lambda text: click.echo(f"\r… {text[-100:]}", nl=False, err=True), dev)
        click.echo("", err=True)
        if not note:
            click.echo(render(transcript, "json" if as_json else "text"), nl=False)
            return
        if not transcript.text.strip():
            raise InputError("no speech was heard, so there is no note to draft",
                             "check the microphone and dictate again")
        try:
            drafted = assistant.note(transcript.text, template=template)
            review_flags.mark(drafted, review_flags.from_transcript(transcript))  # lines from doubted words
        except EdgeAssistError:
            click.echo("The note could not be drafted; here is the transcript.", err=True)
            click.echo(render(transcript, "json" if as_json else "text"), nl=False)
            raise  # the dictation is never lost to a failed draft
    if as_json:
        echo_json({"transcript": transcript.as_dict(), "note": drafted.as_dict()})
        return
    click.echo(drafted.text())
    for warning in drafted.warnings:
        click.echo(f"note: {warning}", err=True)
