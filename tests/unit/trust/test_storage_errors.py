"""A full or read-only disk is named as such: mapping, the CLI boundary, and no torn audit entry."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from edge_assist.errors import ExitCode, StorageError, storage_error


@pytest.mark.parametrize(("code", "cause"), [(errno.ENOSPC, "no space left on the disk"),
                                             (errno.EDQUOT, "no space left on the disk"),
                                             (errno.EROFS, "the file system is read-only")])
def test_os_errors_of_a_full_or_read_only_disk_are_storage_errors(code: int, cause: str) -> None:
    """ENOSPC, EDQUOT and EROFS become a StorageError naming the file and the cause."""
    error = storage_error(OSError(code, os.strerror(code), "/data/index.db"), what="the evidence index")
    assert isinstance(error, StorageError) and error.exit_code == ExitCode.STORAGE
    assert error.message == f"cannot write the evidence index /data/index.db: {cause}"
    assert error.hint


def test_other_errors_are_not_storage_errors() -> None:
    """Permission, missing files, and unrelated SQLite or Python errors are left alone."""
    assert storage_error(OSError(errno.EACCES, "Permission denied")) is None
    assert storage_error(FileNotFoundError(errno.ENOENT, "No such file")) is None
    assert storage_error(sqlite3.OperationalError("no such table: entries")) is None
    assert storage_error(ValueError("database or disk is full")) is None


def test_sqlite_full_and_read_only_messages_are_recognised() -> None:
    """SQLite reports a full disk and a read-only file as messages (and error names)."""
    full = storage_error(sqlite3.OperationalError("database or disk is full"), "/h/history.db", "the history")
    assert full is not None and "no space left" in full.message and "/h/history.db" in full.message
    ro = storage_error(sqlite3.OperationalError("attempt to write a readonly database"), "/h/history.db")
    assert ro is not None and "read-only" in ro.message


def test_unable_to_open_is_only_a_storage_error_on_a_full_or_read_only_disk(tmp_path: Path) -> None:
    """'unable to open database file' on a healthy, writable folder is not blamed on the disk."""
    assert storage_error(sqlite3.OperationalError("unable to open database file"), tmp_path / "x.db") is None


@pytest.fixture
def failing_command():
    """A throw-away CLI command that raises the error it is given."""
    from edge_assist.cli import cli

    raised: list[BaseException] = []

    @cli.command("raise-for-test", hidden=True)
    def command() -> None:
        click.echo("partial output")
        raise raised[0]

    yield cli, raised
    cli.commands.pop("raise-for-test")


def test_the_cli_maps_a_full_disk_to_one_line_and_exit_9(failing_command) -> None:
    """Even under tests (where unexpected errors re-raise), a full disk is an error message, not a crash."""
    cli, raised = failing_command
    raised.append(OSError(errno.ENOSPC, "No space left on device", "/out/note.txt"))
    result = CliRunner().invoke(cli, ["raise-for-test"])
    assert result.exit_code == ExitCode.STORAGE
    assert result.stderr.splitlines()[0] == "Error: cannot write /out/note.txt: no space left on the disk"
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_cli_still_raises_unexpected_errors_under_tests(failing_command) -> None:
    """Other OS errors keep surfacing raw in tests, as the style guide asks."""
    cli, raised = failing_command
    raised.append(OSError(errno.EACCES, "Permission denied"))
    result = CliRunner().invoke(cli, ["raise-for-test"])
    assert isinstance(result.exception, PermissionError)


def test_a_torn_audit_append_is_cut_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the disk takes only part of an entry, the log is cut back and still verifies."""
    from edge_assist.trust import audit

    log = tmp_path / "audit.jsonl"
    audit.append(log, "first", {})
    before = log.read_bytes()
    real_write = os.write
    monkeypatch.setattr(audit.os, "write", lambda fd, data: real_write(fd, data[: len(data) // 2]))
    with pytest.raises(StorageError, match="no space left"):
        audit.append(log, "second", {})
    monkeypatch.setattr(audit.os, "write", real_write)
    assert log.read_bytes() == before
    assert audit.verify(log).ok
    audit.append(log, "third", {})
    assert audit.verify(log).ok
