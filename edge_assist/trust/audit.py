"""The audit log: append-only, chained with a keyed MAC, recording who ran what and when — never patient text.

One JSON object per line in ``<user dir>/audit.jsonl``. Each entry carries its
sequence number, the MAC of the previous entry (``prev``; 64 zeros for the
first) and its own HMAC-SHA256 over the canonical JSON of everything else
(``hash``), under the log's key (:mod:`~edge_assist.trust.audit_key`: the OS
keyring, the history passphrase, or a 0600 key file). Editing an entry breaks
its MAC, and recomputing the chain needs the key: a rewrite with plain SHA-256
(what anyone who can write the file can do) fails. Removing or reordering
entries breaks ``seq`` and ``prev``. Removing entries from the end leaves a
valid chain, so a small anchor file (``audit.jsonl.head``: the last seq and MAC,
itself MACed) is rewritten after each append, and a site that wants more can
copy the head elsewhere (``audit verify --json`` prints it): a kept copy of an
older head is the one thing the key cannot protect against being put back.

Logs of earlier versions are plain SHA-256 (:func:`entry_hash`). They still
verify as a chain, but :func:`verify` reports them as *unkeyed*, never as valid;
new entries appended to such a log are keyed and chain on from its last hash.

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
import hmac
import json
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edge_assist.errors import ConfigError, EdgeAssistError, ExitCode, storage_error
from edge_assist.trust import audit_key
from edge_assist.trust.audit_key import AuditKey, is_keyed

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
    #: Entries with a plain SHA-256 hash (written before the log was keyed).
    unkeyed: int = 0
    #: Where the log's key comes from (``keyring``, ``passphrase``, ``file``); empty when unkeyed.
    key_source: str = ""

    @property
    def ok(self) -> bool:
        """True when the chain and the head anchor are intact and every entry is keyed."""
        return not self.problems and not self.unkeyed

    @property
    def status(self) -> str:
        """``valid``, ``unkeyed`` (an intact chain that a rewriter could have recomputed) or ``invalid``."""
        if self.problems:
            return "invalid"
        return "unkeyed" if self.unkeyed else "valid"

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"path": self.path, "ok": self.ok, "status": self.status, "entries": self.entries,
                "unkeyed": self.unkeyed, "key_source": self.key_source, "head": self.head,
                "problems": self.problems}


def entry_hash(entry: dict[str, Any]) -> str:
    """Plain SHA-256 of an entry's canonical JSON, ``hash`` left out (the unkeyed entries of old logs)."""
    return hashlib.sha256(_canonical(_body(entry))).hexdigest()


def entry_mac(entry: dict[str, Any], key: AuditKey) -> str:
    """HMAC-SHA256 under ``key`` of an entry's canonical JSON, ``hash`` left out."""
    return key.mac(_canonical(_body(entry)))


def _body(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != "hash"}


def append(path: Path, action: str, details: dict[str, Any] | None = None,
           outcome: str = "ok", exit_code: int = 0, *, key: AuditKey | None = None) -> dict[str, Any]:
    """Append one entry, MACed with the log's key, and return it.

    Args:
        path: the log file (created 0600 with its folder).
        action: what was done, e.g. ``"index add"``.
        details: safe parameters (no free text; long strings are refused).
        outcome: ``"ok"`` or an error class name.
        exit_code: the command's exit code.
        key: the MAC key; by default the key the log is already keyed with, or for a new
            log a new one (:func:`~edge_assist.trust.audit_key.new_key`).

    Raises:
        ConfigError: the log cannot be written (read-only or full disk), or its key is not
            available here (the message says which and how to provide it).
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
        key = key or _append_key(path, last)
        entry = {"seq": (last["seq"] + 1) if last else 1, "time": _now(), "user": _user(),
                 "host": socket.gethostname(), "pid": os.getpid(), "action": action,
                 "details": details, "outcome": outcome, "exit_code": exit_code,
                 "prev": last["hash"] if last else GENESIS, **key.fields()}
        entry["hash"] = entry_mac(entry, key)
        line = (b"\n" if torn else b"") + _canonical(entry) + b"\n"
        _write_whole(fd, line)
        _write_head(path, entry, key)
    except OSError as exc:
        raise _write_error(path, exc) from None
    finally:
        os.close(fd)
    return entry


def _append_key(path: Path, last: dict[str, Any] | None) -> AuditKey:
    """The key the log is pinned to by its last keyed entry, or a new one for a new or unkeyed log."""
    if last is None or not is_keyed(last):
        return audit_key.new_key(path)
    key = audit_key.key_for(path, last)
    if key is None:
        raise ConfigError(f"cannot append to the audit log {path}: it is keyed with the "
                          f"{last.get('key_source')} key, which is not available here",
                          audit_key.unavailable(last.get("key_source")))
    if key.key_id != last.get("key_id"):
        raise ConfigError(f"cannot append to the audit log {path}: the {key.source} key here is not "
                          "the one the log was written with", audit_key.unavailable(key.source))
    return key


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
    """Check every entry's MAC (or, for old unkeyed entries, its hash), the seq/prev chain and the head.

    Returns a report listing each problem (an edited, rewritten, removed, reordered or torn
    entry; a key that is missing here) and how many entries are unkeyed.
    """
    report = VerifyReport(str(path), 0, GENESIS)
    check = _MacCheck(path, report)
    prev_hash, prev_seq = GENESIS, 0
    seen: dict[int, tuple[str, bool]] = {}  # seq -> (hash, keyed)
    for lineno, entry in read(path):
        report.entries += 1
        if entry is None or not {"seq", "prev", "hash"} <= entry.keys():
            report.problems.append(f"line {lineno}: not an audit entry (edited or torn)")
            continue
        seq = entry["seq"]
        check.entry(lineno, entry)
        if seq != prev_seq + 1:
            report.problems.append(f"line {lineno}: seq {seq} follows seq {prev_seq} "
                                   "(entries removed or reordered)")
        if entry["prev"] != prev_hash:
            report.problems.append(f"line {lineno} (seq {seq}): does not chain to the entry before it")
        prev_hash, prev_seq = entry["hash"], seq if isinstance(seq, int) else prev_seq
        if isinstance(seq, int):
            seen[seq] = (entry["hash"], is_keyed(entry))
    report.head = prev_hash
    check.finish()
    _check_head(path, seen, prev_seq, report, check.key)
    return report


class _MacCheck:
    """Checks each entry against the log's one key, found from the first keyed entry."""

    def __init__(self, path: Path, report: VerifyReport) -> None:
        self.path, self.report = path, report
        self.key: AuditKey | None = None
        self.pinned: dict[str, Any] | None = None  # the first keyed entry

    def entry(self, lineno: int, entry: dict[str, Any]) -> None:
        where = f"line {lineno} (seq {entry['seq']})"
        if not is_keyed(entry):
            self._unkeyed(where, entry)
        elif self.pinned is None:
            self._pin(entry)
            self._mac(where, entry)
        elif entry.get("key_id") != self.pinned.get("key_id"):
            self.report.problems.append(f"{where}: keyed with another key than the log "
                                        "(rewritten with a key of its own)")
        else:
            self._mac(where, entry)

    def finish(self) -> None:
        """An all-unkeyed log that has a key of its own was keyed once: its MACs were stripped."""
        if self.report.unkeyed and self.pinned is None and (
                audit_key.key_file(self.path).exists() or audit_key.keyring_holds_key(self.path)):
            self.report.problems.append("the log has no keyed entry, but its audit key exists "
                                        "(rewritten with plain SHA-256, its MACs stripped)")

    def _unkeyed(self, where: str, entry: dict[str, Any]) -> None:
        if self.pinned is not None:
            self.report.problems.append(f"{where}: an unkeyed entry after keyed ones "
                                        "(rewritten without the key)")
            return
        self.report.unkeyed += 1
        if entry_hash(entry) != entry["hash"]:
            self.report.problems.append(f"{where}: content does not match its hash (edited)")

    def _pin(self, entry: dict[str, Any]) -> None:
        self.pinned, source = entry, entry.get("key_source")
        self.report.key_source = str(source)
        self.key = audit_key.key_for(self.path, entry)
        if self.key is None:
            self.report.problems.append(f"the log is keyed with the {source} key, which is not "
                                        f"available here, so its MACs cannot be checked: "
                                        f"{audit_key.unavailable(source)}")
        elif self.key.key_id != entry.get("key_id"):
            self.report.problems.append(f"the {source} key here is not the one the log was written "
                                        "with (a different passphrase, or a rewritten log)")
            self.key = None
        if source == "file" and audit_key.key_file_exposed(self.path):
            self.report.problems.append(f"{audit_key.key_file(self.path).name} is readable by other "
                                        "users (it must be 0600)")
        if source == "file" and audit_key.keyring_holds_key(self.path):
            self.report.problems.append("the log is keyed with the key file, but the OS keyring holds "
                                        "this log's key (rewritten with a key of its own)")

    def _mac(self, where: str, entry: dict[str, Any]) -> None:
        if self.key is not None and not hmac.compare_digest(entry_mac(entry, self.key),
                                                            str(entry["hash"])):
            self.report.problems.append(f"{where}: content does not match its MAC "
                                        "(edited, or rewritten without the key)")


def _check_head(path: Path, seen: dict[int, tuple[str, bool]], last_seq: int, report: VerifyReport,
                key: AuditKey | None) -> None:
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
    anchored, keyed = seen.get(seq, ("", False))
    if seq > last_seq:
        report.problems.append(f"the log ends at seq {last_seq} but its head says {seq} "
                               "(entries removed from the end)")
    elif anchored != digest:
        report.problems.append(f"entry seq {seq} does not match the head anchor (edited or replaced)")
    elif keyed and "mac" not in head:
        report.problems.append(f"{head_path.name} has no MAC but anchors a keyed entry "
                               "(rewritten without the key)")
    elif keyed and key is not None and not hmac.compare_digest(key.head_mac(seq, digest),
                                                               str(head["mac"])):
        report.problems.append(f"{head_path.name} does not match its MAC (rewritten without the key)")


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


def _write_head(path: Path, entry: dict[str, Any], key: AuditKey) -> None:
    head = _head_path(path)
    tmp = head.with_name(head.name + ".tmp")
    anchor = {"seq": entry["seq"], "hash": entry["hash"], "mac": key.head_mac(entry["seq"], entry["hash"])}
    try:
        tmp.write_text(json.dumps(anchor), "utf-8")
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
