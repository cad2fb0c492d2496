"""``edge-assist audit``: check and show the tamper-evident audit log.

Also home of :func:`record`, which the CLI's error boundary calls once per
command: it turns the invocation into an audit entry holding the command path,
the names of the options given and only their safe values (choices, numbers,
flags, model and pack names), never arguments that could carry patient text.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from edge_assist.cli._common import State, echo_json, json_option, table

if TYPE_CHECKING:
    from edge_assist.trust.audit import VerifyReport

#: Options whose string values are identifiers of the installation, not patient data.
SAFE_VALUES = frozenset({"model", "model_ids", "pack", "pack_version", "collection", "template", "task",
                         "task_name", "writer", "profile", "profile_name", "names", "licence", "id",
                         "model_id", "alias", "aliases", "kind", "fmt", "name"})


@click.group("audit")
def audit() -> None:
    """The append-only, hash-chained audit log: who ran what and when (never patient text)."""


@audit.command("verify")
@json_option
@click.pass_obj
def verify_command(state: State, as_json: bool) -> None:
    """Check every entry's MAC and the chain; exit 5 on any edited, rewritten, removed or reordered entry.

    A log of an older version (plain SHA-256, no key) is reported as unkeyed and exits 5 too:
    its chain could have been recomputed by anyone able to write the file.
    """
    from edge_assist.trust.audit import verify

    report = verify(state.settings.audit_path)
    if as_json:
        echo_json(report.as_dict())
    else:
        keyed = f", keyed with the {report.key_source} key" if report.key_source else ""
        click.echo(f"{report.path}: {report.entries} entries{keyed}, head {report.head[:16]}…")
        for problem in report.problems:
            click.echo(f"  ! {problem}")
    raise_for(report)
    if not as_json:
        click.echo("The chain is intact and every entry is keyed.")


def raise_for(report: VerifyReport) -> None:
    """Raise the one-line error a failed :class:`~edge_assist.trust.audit.VerifyReport` deserves.

    Front ends other than this command (``serve``, ``mcp``) can call it to fail the same way.

    Raises:
        AuditIntegrityError: the log is invalid or unkeyed (exit 5).
    """
    from edge_assist.trust.audit import AuditIntegrityError

    if report.problems:
        more = f" (+{len(report.problems) - 1} more)" if len(report.problems) > 1 else ""
        raise AuditIntegrityError(f"the audit log failed verification: {report.problems[0]}{more}",
                                  "the log was edited, rewritten or truncated; keep this copy for "
                                  "investigation")
    if report.unkeyed:
        raise AuditIntegrityError(
            f"the audit log is unkeyed: {report.unkeyed} of its {report.entries} entries carry plain "
            "SHA-256 hashes (written by an older version), which anyone able to write the file could "
            "recompute, so it cannot be shown valid",
            "keep it aside (move audit.jsonl and audit.jsonl.head); the next command starts a keyed log")


@audit.command("show")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1), help="Last N entries.")
@json_option
@click.pass_obj
def show_command(state: State, limit: int, as_json: bool) -> None:
    """Show the last entries of the audit log."""
    from edge_assist.trust.audit import read

    entries = [e for _, e in read(state.settings.audit_path) if e is not None][-limit:]
    if as_json:
        echo_json(entries)
        return
    click.echo(table(["SEQ", "TIME", "USER", "ACTION", "OUTCOME", "EXIT"],
                     [[e.get("seq"), e.get("time"), e.get("user"), e.get("action"), e.get("outcome"),
                       e.get("exit_code")] for e in entries]) if entries else "The audit log is empty.")


def record(root: click.Group, ctx: click.Context, argv: list[str], outcome: str, exit_code: int) -> None:
    """Append the audit entry of one command run (called by the error boundary only).

    Raises:
        ConfigError: the log cannot be written.
    """
    from edge_assist.settings import user_dir
    from edge_assist.trust import audit as log

    path, enabled = user_dir() / "audit.jsonl", True
    state = ctx.find_object(State)
    if state is not None and state._settings is not None:
        path, enabled = state.settings.audit_path, state.settings.audit.enabled
    if not enabled:
        return
    action, details = describe(root, ctx, argv)
    log.append(Path(path), action, details, outcome, exit_code)


def describe(root: click.Group, ctx: click.Context, argv: list[str]) -> tuple[str, dict[str, Any]]:
    """The command path and safe parameters of ``argv``, parsed again without running anything."""
    names, details = [], _safe_params(root, ctx.params)
    group: click.Command = root
    parent, args = ctx, list(argv)
    while isinstance(group, click.Group) and args:
        try:
            name, command, rest = group.resolve_command(parent, args)
        except click.ClickException:
            details["unknown_command"] = True
            break
        if command is None or name is None:
            break
        names.append(name)
        sub = command.make_context(name, list(rest), parent=parent, resilient_parsing=True)
        details.update(_safe_params(command, sub.params))
        if sub.args and not isinstance(command, click.Group):
            details["extra_args"] = len(sub.args)
        group, parent = command, sub
        args = [*getattr(sub, "_protected_args", []), *sub.args] if isinstance(command, click.Group) else []
    return " ".join(names) or "tui", details


def _safe_params(command: click.Command, values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for param in command.params:
        value = values.get(param.name or "")
        if value is None or value is False or value == () or param.name is None:
            continue
        if isinstance(value, bool | int | float):
            out[param.name] = value
        elif isinstance(param.type, click.Choice) or param.name in SAFE_VALUES:
            out[param.name] = _short(value)
        else:
            out[param.name] = "<given>"
    return out


def _short(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [str(v)[:64] for v in value][:16]
    return str(value)[:64]
