"""The audit log: append-only, hash-chained, recording who ran what and when — never patient text.

One JSON object per line in ``<user dir>/audit.jsonl``. Each entry carries its
sequence number, the SHA-256 of the previous entry (``prev``; 64 zeros for the
first) and its own SHA-256 over the canonical JSON of everything else
(``hash``). Editing an entry breaks its hash; removing or reordering entries
breaks ``seq`` and ``prev``. Removing entries from the end leaves a valid
chain, so a small anchor file (``audit.jsonl.head``: the last seq and hash) is
rewritten after each append, and a site that wants more can copy the head hash
elsewhere (``audit verify --json`` prints it).

What is recorded is chosen by the caller (the CLI boundary records the command
path, option *names* and safe values such as choices and counts, the outcome
and exit code). Free text never goes in: :func:`append` refuses string values
longer than :data:`MAX_VALUE_CHARS` as a last guard.

Appends hold an exclusive ``flock`` and write one line with one ``write`` call
followed by ``fsync``, so concurrent commands interleave whole entries and a
SIGKILL loses at most the entry being written. A head that lags the log (a
kill between the two writes) is accepted; a head ahead of the log is not.
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import hashlib
import json
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edge_assist.errors import ConfigError, EdgeAssistError, ExitCode, storage_error

GENESIS = "0" * 64
MAX_VALUE_CHARS = 80
_TAIL_BYTES = 1 << 16


class AuditIntegrityError(EdgeAssistError):
    """The audit log was edited, truncated or reordered."""

    exit_code = ExitCode.MODEL_INTEGRITY


@dataclass
class VerifyReport:
    """What :func:`verify` found."""

    path: str
    entries: int
    head: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the chain and the head anchor are intact."""
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"path": self.path, "ok": self.ok, "entries": self.entries, "head": self.head,
                "problems": self.problems}


def entry_hash(entry: dict[str, Any]) -> str:
    """SHA-256 of an entry's canonical JSON, ``hash`` itself left out."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(_canonical(body)).hexdigest()


def append(path: Path, action: str, details: dict[str, Any] | None = None,
           outcome: str = "ok", exit_code: int = 0) -> dict[str, Any]:
    """Append one entry and return it.

    Args:
        path: the log file (created 0600 with its folder).
        action: what was done, e.g. ``"index add"``.
        details: safe parameters (no free text; long strings are refused).
        outcome: ``"ok"`` or an error class name.
        exit_code: the command's exit code.

    Raises:
        ConfigError: the log cannot be written (read-only or full disk).
        ValueError: a detail value looks like free text.
    """
    details = details or {}
    _check_details(details)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as exc:
        raise _write_error(path, exc) from None
    try:
        _lock(fd)
        last, torn = _last_entry(fd)
        entry = {"seq": (last["seq"] + 1) if last else 1, "time": _now(), "user": _user(),
                 "host": socket.gethostname(), "pid": os.getpid(), "action": action,
                 "details": details, "outcome": outcome, "exit_code": exit_code,
                 "prev": last["hash"] if last else GENESIS}
        entry["hash"] = entry_hash(entry)
        line = (b"\n" if torn else b"") + _canonical(entry) + b"\n"
        _write_whole(fd, line)
        _write_head(path, entry)
    except OSError as exc:
        raise _write_error(path, exc) from None
    finally:
        os.close(fd)
    return entry


def read(path: Path) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """(line number, entry or None when the line is not JSON) for every line."""
    if not path.exists():
        return
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            try:
                entry = json.loads(raw)
            except ValueError:
                entry = None
            yield lineno, entry if isinstance(entry, dict) else None


def verify(path: Path) -> VerifyReport:
    """Check every entry's hash, the seq/prev chain and the head anchor.

    Returns a report listing each problem (an edited, removed, reordered or torn entry).
    """
    report = VerifyReport(str(path), 0, GENESIS)
    prev_hash, prev_seq = GENESIS, 0
    seen: dict[int, str] = {}
    for lineno, entry in read(path):
        report.entries += 1
        if entry is None or not {"seq", "prev", "hash"} <= entry.keys():
            report.problems.append(f"line {lineno}: not an audit entry (edited or torn)")
            continue
        seq = entry["seq"]
        if entry_hash(entry) != entry["hash"]:
            report.problems.append(f"line {lineno} (seq {seq}): content does not match its hash (edited)")
        if seq != prev_seq + 1:
            report.problems.append(f"line {lineno}: seq {seq} follows seq {prev_seq} "
                                   "(entries removed or reordered)")
        if entry["prev"] != prev_hash:
            report.problems.append(f"line {lineno} (seq {seq}): does not chain to the entry before it")
        prev_hash, prev_seq = entry["hash"], seq if isinstance(seq, int) else prev_seq
        if isinstance(seq, int):
            seen[seq] = entry["hash"]
    report.head = prev_hash
    _check_head(path, seen, prev_seq, report)
    return report


def _check_head(path: Path, seen: dict[int, str], last_seq: int, report: VerifyReport) -> None:
    head_path = _head_path(path)
    if not head_path.exists():
        if report.entries:
            report.problems.append(f"{head_path.name} is missing (the anchor of the last entry)")
        return
    try:
        head = json.loads(head_path.read_text("utf-8"))
        seq, digest = int(head["seq"]), str(head["hash"])
    except (OSError, ValueError, KeyError, TypeError):
        report.problems.append(f"{head_path.name} is unreadable")
        return
    if seq > last_seq:
        report.problems.append(f"the log ends at seq {last_seq} but its head says {seq} "
                               "(entries removed from the end)")
    elif seen.get(seq) != digest:
        report.problems.append(f"entry seq {seq} does not match the head anchor (edited or replaced)")


def _check_details(details: dict[str, Any]) -> None:
    for key, value in details.items():
        values = value if isinstance(value, list | tuple) else [value]
        for v in values:
            if not (v is None or isinstance(v, bool | int | float | str)):
                raise ValueError(f"audit detail {key!r} must be a plain value")
            if isinstance(v, str) and len(v) > MAX_VALUE_CHARS:
                raise ValueError(f"audit detail {key!r} is free text; the audit log never holds text")


def _last_entry(fd: int) -> tuple[dict[str, Any] | None, bool]:
    """The last complete entry, and whether the file ends in a torn (unterminated) line."""
    size = os.lseek(fd, 0, os.SEEK_END)
    if size == 0:
        return None, False
    start = max(0, size - _TAIL_BYTES)
    os.lseek(fd, start, os.SEEK_SET)
    tail = os.read(fd, size - start)
    torn = not tail.endswith(b"\n")
    for raw in reversed(tail.splitlines()):
        with contextlib.suppress(ValueError):
            entry = json.loads(raw)
            if isinstance(entry, dict) and "seq" in entry and "hash" in entry:
                return entry, torn
    return None, torn


def _write_whole(fd: int, line: bytes) -> None:
    """Append ``line`` entirely or not at all: a full disk must not leave a torn entry behind.

    ``write`` may store only part of the line when the disk fills; the file is then cut back
    to its old length (we hold the lock) and ENOSPC is raised.
    """
    size = os.lseek(fd, 0, os.SEEK_END)
    try:
        written = os.write(fd, line)
        if written != len(line):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        os.fsync(fd)
    except OSError:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, size)
        raise


def _write_head(path: Path, entry: dict[str, Any]) -> None:
    head = _head_path(path)
    tmp = head.with_name(head.name + ".tmp")
    try:
        tmp.write_text(json.dumps({"seq": entry["seq"], "hash": entry["hash"]}), "utf-8")
        os.replace(tmp, head)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _head_path(path: Path) -> Path:
    return path.with_name(path.name + ".head")


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not Linux
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _now() -> str:
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1000):03d}Z"


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def _write_error(path: Path, exc: OSError) -> EdgeAssistError:
    return storage_error(exc, path, "the audit log") or ConfigError(
        f"cannot write the audit log {path}: {exc.strerror or exc}",
        "free disk space or make the folder writable; or set [audit] path")
