"""The error boundary: the one place an :class:`EdgeAssistError` becomes a message and an exit code.

Commands just raise. After each command the boundary appends its entry to the audit log
(:func:`edge_assist.cli.audit.record`). It lives apart from :mod:`edge_assist.cli._common`
because the audit commands use that module too: with the boundary in it, the two imported
each other.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

import click

from edge_assist.cli.audit import record
from edge_assist.errors import EdgeAssistError, ExitCode, exit_code_for, storage_error


def raise_errors() -> bool:
    """Whether unexpected errors should surface as tracebacks (tests, debugging)."""
    return bool(os.environ.get("EDGE_ASSIST_RAISE_ERRORS")) or hasattr(sys, "_called_from_test")


def report_error(error: EdgeAssistError) -> None:
    """Print an error as one line (plus a hint line) on stderr."""
    click.secho(f"Error: {error.message}", fg="red", err=True)
    if error.hint:
        click.echo(f"  Fix: {error.hint}", err=True)


class ErrorBoundaryGroup(click.Group):
    """A click group that maps edge-assist errors to messages and exit codes."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Keep the command line as given (``--sandbox`` re-executes it) before click consumes it."""
        ctx.meta.setdefault("edge_assist.raw_args", list(args))
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command inside the error boundary, then append its audit-log entry."""
        argv = [*getattr(ctx, "_protected_args", []), *ctx.args]
        try:
            result = self._guarded_invoke(ctx)
        except click.exceptions.Exit as done:
            self._audit(ctx, argv, done.exit_code)
            raise
        except click.ClickException as error:
            self._audit(ctx, argv, error.exit_code, type(error).__name__)
            raise
        except SystemExit as done:
            self._audit(ctx, argv, done.code if isinstance(done.code, int) else 1)
            raise
        except BaseException as error:  # click.Abort, or an unexpected error re-raised for tests
            self._audit(ctx, argv, 1, type(error).__name__)
            raise
        self._audit(ctx, argv, 0)
        return result

    def _audit(self, ctx: click.Context, argv: list[str], exit_code: int, outcome: str = "") -> None:
        outcome = outcome or ctx.meta.get("edge_assist.error", "") or ("ok" if exit_code == 0 else "exit")
        try:
            record(self, ctx, argv, outcome, exit_code)
        except EdgeAssistError as error:  # the log cannot be written: say so; fail a command that passed
            report_error(error)
            if exit_code == 0:
                raise click.exceptions.Exit(int(error.exit_code)) from None

    def _run(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, SystemExit):
            raise
        except BaseException as error:
            ctx.meta["edge_assist.error"] = type(error).__name__
            raise

    def _guarded_invoke(self, ctx: click.Context) -> Any:
        try:
            return self._known(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except OSError as error:
            if raise_errors():
                raise
            click.secho(f"Error: {error.strerror or error}", fg="red", err=True)
            ctx.exit(int(ExitCode.INPUT))
        except Exception as error:
            if raise_errors():
                raise
            click.secho(f"Error: unexpected {type(error).__name__}", fg="red", err=True)
            click.echo("  Fix: set EDGE_ASSIST_RAISE_ERRORS=1 and report the traceback", err=True)
            ctx.exit(int(exit_code_for(error)))

    def _known(self, ctx: click.Context) -> Any:
        """Errors with a known cause: ours, Ctrl-C, and a full or read-only disk (even under tests)."""
        try:
            result = self._run(ctx)
            sys.stdout.flush()  # `> file` on a full disk fails here, inside the boundary, not at exit
            return result
        except EdgeAssistError as error:
            _release_broken_stdout()
            report_error(error)
            ctx.exit(int(error.exit_code))
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(int(ExitCode.INTERRUPTED))
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:
            storage = storage_error(error)
            if storage is None:
                raise
            _release_broken_stdout()
            report_error(storage)
            ctx.exit(int(storage.exit_code))


def _release_broken_stdout() -> None:
    """If stdout cannot be written (a full disk behind ``> file``), point it at /dev/null.

    Otherwise the interpreter's own flush at exit fails again and prints "Exception ignored"
    after our one-line error (the recipe Python's docs give for SIGPIPE).
    """
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
