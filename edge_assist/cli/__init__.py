"""The ``edge-assist`` command: a thin shell over the library.

Each command parses its arguments, makes one library call and renders the
result (text, or JSON with ``--json``). Errors are mapped to messages and
exit codes in one place (:class:`ErrorBoundaryGroup`). With no command, the
terminal UI starts.
"""

from __future__ import annotations

import click

from edge_assist import __version__
from edge_assist.cli._boundary import ErrorBoundaryGroup
from edge_assist.cli._common import State


@click.group(cls=ErrorBoundaryGroup, invoke_without_command=True)
@click.version_option(__version__, prog_name="edge-assist")
@click.option(
    "--profile",
    type=click.Choice(["auto", "tiny", "default", "quality"]),
    help="Model profile for this run (overrides the config file).",
)
@click.option(
    "--sandbox",
    is_flag=True,
    help="Re-run this command inside a network namespace with no network but loopback "
    "(unshare -n): native code cannot reach the network either. See docs/trust.md.",
)
@click.pass_context
def cli(ctx: click.Context, profile: str | None, sandbox: bool) -> None:
    """edge-assist: an offline clinical assistant. No patient data leaves this machine.

    Run with no command to start the terminal UI.
    """
    from edge_assist import logs, offline
    from edge_assist.trust import redact

    if sandbox:  # first: the re-executed child does everything below, inside the namespace
        from edge_assist.sandbox import run_sandboxed

        run_sandboxed(ctx.meta.get("edge_assist.raw_args", []))
    state = ctx.ensure_object(State)
    state.profile = profile
    settings = state.settings  # invalid config fails here, before any work
    logs.configure(settings.log_level, settings.log_patient_text)
    redact.install_log_filter()  # PHI never reaches a log line, whatever the call site
    if settings.offline_guard:
        offline.enable()
    if ctx.invoked_subcommand is None:
        from edge_assist.cli.tui import run_tui

        run_tui(settings)


def _register() -> None:
    from edge_assist.cli import bench, doctor, evaluate, models, tui

    cli.add_command(models.models)
    cli.add_command(doctor.doctor)
    cli.add_command(evaluate.eval_command)
    cli.add_command(bench.bench)
    cli.add_command(tui.tui)
    from edge_assist.cli import extract

    cli.add_command(extract.extract_command)

    from edge_assist.cli import ask, index

    cli.add_command(index.index)
    cli.add_command(ask.ask)

    from edge_assist.cli import calc

    cli.add_command(calc.calc)

    from edge_assist.cli import note

    cli.add_command(note.note_command)

    from edge_assist.cli import speech

    cli.add_command(speech.transcribe)
    cli.add_command(speech.dictate)

    from edge_assist.cli import audit, history

    cli.add_command(history.history)
    cli.add_command(audit.audit)

    from edge_assist.cli import quantize

    cli.add_command(quantize.quantize)
    cli.add_command(quantize.distill)

    from edge_assist.cli import serve

    cli.add_command(serve.serve)

    from edge_assist.cli import mcp

    cli.add_command(mcp.mcp)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="edge-assist")
