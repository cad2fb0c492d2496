"""``edge-assist history``: list, show, forget and export the encrypted history.

History is off unless ``[history] enabled = true``; these commands still work
on an existing history file after it is turned off, so it can be read or wiped.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from edge_assist.cli._common import State, echo_json, human_size, json_option, table
from edge_assist.errors import InputError, storage_error


@contextmanager
def _history(state: State) -> Iterator[Any]:
    from edge_assist.trust.history import History

    settings = state.settings
    if not settings.history.enabled and not settings.history_path.exists():
        raise InputError("history is off and nothing has been recorded",
                         "turn it on with [history] enabled = true (it is stored encrypted)")
    with History.from_settings(settings) as history:
        yield history


@click.group("history")
def history() -> None:
    """The encrypted history of questions, notes and extractions (off by default)."""


@history.command("list")
@click.option("--kind", type=click.Choice(["ask", "note", "extract", "calc"]), help="Only this kind.")
@json_option
@click.pass_obj
def list_command(state: State, kind: str | None, as_json: bool) -> None:
    """List stored entries (id, kind, time, size; never their content)."""
    with _history(state) as h:
        entries = h.entries(kind)
    if as_json:
        echo_json([e.as_dict() for e in entries])
        return
    click.echo(table(["ID", "KIND", "CREATED", "SIZE"],
                     [[d["id"], d["kind"], d["created"], human_size(d["size"])]
                      for d in (e.as_dict() for e in entries)]) if entries else "The history is empty.")


@history.command("show")
@click.argument("entry_id", type=int)
@click.option("--deidentified", is_flag=True, help="Redact names, dates, numbers and other identifiers.")
@json_option
@click.pass_obj
def show_command(state: State, entry_id: int, deidentified: bool, as_json: bool) -> None:
    """Decrypt and show one entry."""
    with _history(state) as h:
        entry = h.get(entry_id)
    entry = _deidentify(entry) if deidentified else entry
    if as_json:
        echo_json(entry)
        return
    for key, value in entry.items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        click.echo(f"{key}: {text}")


@history.command("forget")
@click.argument("entry_ids", nargs=-1, type=int)
@click.option("--all", "everything", is_flag=True, help="Forget every entry.")
@click.option("--older-than", type=click.FloatRange(min=0), help="Forget entries older than DAYS.")
@json_option
@click.pass_obj
def forget_command(state: State, entry_ids: tuple[int, ...], everything: bool, older_than: float | None,
                   as_json: bool) -> None:
    """Forget entries by id, by age, or all (rows are overwritten on disk)."""
    with _history(state) as h:
        removed = h.forget(list(entry_ids), everything, older_than)
    echo_json({"forgotten": removed}) if as_json else click.echo(f"forgot {removed} entr(y/ies)")


@history.command("export")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--deidentified", is_flag=True, help="Redact identifiers (HIPAA Safe Harbor list).")
@click.pass_obj
def export_command(state: State, file: Path, deidentified: bool) -> None:
    """Write every entry, decrypted, to FILE as JSON lines (atomically)."""
    with _history(state) as h:
        rows = [h.get(e.id) for e in reversed(h.entries())]
    if deidentified:
        rows = [_deidentify(r) for r in rows]
    body = "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows)
    _write_atomic(file, body)
    click.echo(f"wrote {len(rows)} entr(y/ies) to {file}" + (" (de-identified)" if deidentified else ""),
               err=True)


def _deidentify(entry: dict[str, Any]) -> dict[str, Any]:
    from edge_assist.trust.redact import redact_values

    kept = {k: entry[k] for k in ("id", "kind") if k in entry}
    rest = {k: v for k, v in entry.items() if k not in ("id", "kind", "created")}
    return {**kept, "deidentified": True, **redact_values(rest)}  # type: ignore[dict-item]


def _write_atomic(path: Path, text: str) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"no such folder: {folder}", "create it first")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".partial-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        mapped = storage_error(exc, path, "the export")
        if mapped is None:
            raise
        raise mapped from None
