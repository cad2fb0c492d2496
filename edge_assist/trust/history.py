"""History of questions, notes, extractions and calculations: off by default, sealed when on.

One SQLite file (``<user dir>/history.db``). The columns a list needs (id, kind,
time, size) are plain; the payload (what was asked and answered) is one
AES-256-GCM blob whose associated data is the row's uid, kind and time, so an
edited or swapped row fails to open. A sealed key-check record tells a wrong
passphrase apart from a damaged row. Retention (``max_entries``,
``max_age_days``) is applied on every write, and ``secure_delete`` zeroes the
pages of forgotten rows.

SQLite's journal makes each write atomic: a SIGKILL mid-write leaves the
previous state, never a half row (tests/unit/trust/test_faults.py kills writers).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from edge_assist.errors import ConfigError, InputError, storage_error
from edge_assist.trust.crypto import SCRYPT_N, DecryptionError, KeySource, Sealer, new_salt, resolve_key

Kind = Literal["ask", "note", "extract", "calc"]
KINDS = ("ask", "note", "extract", "calc")
_KEYCHECK = b"edge-assist history v1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    size INTEGER NOT NULL,
    blob BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_created ON entries(created_ms);
"""


@dataclass(frozen=True)
class HistoryEntry:
    """One stored item, without its (encrypted) content."""

    id: int
    kind: str
    created: float
    size: int

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"id": self.id, "kind": self.kind, "size": self.size,
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.created))}


class History:
    """The encrypted history database.

    Args:
        path: the SQLite file (created 0600 with its folder if missing).
        key_source: where the key comes from (see :func:`~edge_assist.trust.crypto.resolve_key`).
        max_entries: retention by count.
        max_age_days: retention by age.

    Raises:
        ConfigError: no key is available, the passphrase is wrong, or the file is not a history.
    """

    def __init__(self, path: Path, key_source: KeySource = "auto", max_entries: int = 500,
                 max_age_days: float = 30, scrypt_n: int = SCRYPT_N) -> None:
        self.path = Path(path)
        self.max_entries = max_entries
        self.max_age_days = max_age_days
        self._lock = threading.Lock()
        self._conn = _connect(self.path)
        try:
            self._sealer = self._unlock(key_source, scrypt_n)
        except BaseException:
            self._conn.close()
            raise

    @classmethod
    def from_settings(cls, settings: Any) -> History:
        """The history configured in ``settings`` (``Settings.history``)."""
        h = settings.history
        return cls(settings.history_path, h.key_source, h.max_entries, h.max_age_days)

    # -- key ------------------------------------------------------------------------------
    def _unlock(self, key_source: KeySource, scrypt_n: int) -> Sealer:
        meta = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
        new = "keycheck" not in meta
        salt = meta.get("salt") or new_salt()
        n = int(meta.get("scrypt_n") or scrypt_n)
        sealer = Sealer(resolve_key(key_source, salt, f"history:{self.path.resolve()}", create=new,
                                    scrypt_n=n))
        if new:
            with self._writing():
                self._conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                       [("salt", salt), ("scrypt_n", str(n)),
                                        ("keycheck", sealer.seal(_KEYCHECK, b"keycheck"))])
        else:
            try:
                sealer.open(meta["keycheck"], b"keycheck")
            except DecryptionError:
                raise ConfigError("cannot open the history: wrong passphrase or key",
                                  "use the passphrase it was created with, or delete "
                                  f"{self.path} to start over") from None
        return sealer

    # -- writing --------------------------------------------------------------------------
    def record(self, kind: Kind, payload: dict[str, Any]) -> int:
        """Seal and store one item, then apply retention; returns its id.

        Raises:
            InputError: unknown kind or a payload that is not JSON.
        """
        if kind not in KINDS:
            raise InputError(f"unknown history kind {kind!r}", f"one of: {', '.join(KINDS)}")
        try:
            data = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise InputError(f"history payload is not JSON: {exc}") from None
        uid, created = uuid.uuid4().hex, int(time.time() * 1000)
        blob = self._sealer.seal(data, _aad(uid, kind, created))
        with self._writing():
            cur = self._conn.execute(
                "INSERT INTO entries (uid, kind, created_ms, size, blob) VALUES (?, ?, ?, ?, ?)",
                (uid, kind, created, len(data), blob))
            self._prune_locked()
        return int(cur.lastrowid or 0)

    def prune(self) -> int:
        """Apply the retention limits now; returns how many entries were removed."""
        with self._writing():
            return self._prune_locked()

    def _prune_locked(self) -> int:
        cutoff = int((time.time() - self.max_age_days * 86400) * 1000)
        old = self._conn.execute("DELETE FROM entries WHERE created_ms < ?", (cutoff,)).rowcount
        extra = self._conn.execute(
            "DELETE FROM entries WHERE id NOT IN (SELECT id FROM entries ORDER BY id DESC LIMIT ?)",
            (self.max_entries,)).rowcount
        return old + extra

    def forget(self, ids: list[int] | None = None, everything: bool = False,
               older_than_days: float | None = None) -> int:
        """Delete entries by id, by age, or all of them; returns how many went.

        Raises:
            InputError: nothing was chosen.
        """
        if not ids and not everything and older_than_days is None:
            raise InputError("forget what?", "give entry ids, --older-than DAYS or --all")
        with self._writing():
            if everything:
                return self._conn.execute("DELETE FROM entries").rowcount
            if older_than_days is not None:
                cutoff = int((time.time() - older_than_days * 86400) * 1000)
                return self._conn.execute("DELETE FROM entries WHERE created_ms < ?",
                                          (cutoff,)).rowcount
            marks = ",".join("?" * len(ids or []))
            return self._conn.execute(f"DELETE FROM entries WHERE id IN ({marks})",
                                      list(ids or [])).rowcount

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction under the lock; a full or read-only disk becomes a StorageError.

        SQLite rolls the transaction back, so a write that hit a full disk leaves no trace.
        """
        try:
            with self._lock, self._conn:
                yield
        except sqlite3.Error as exc:
            mapped = storage_error(exc, self.path, "the history")
            if mapped is None:
                raise
            raise mapped from None

    # -- reading --------------------------------------------------------------------------
    def entries(self, kind: str | None = None) -> list[HistoryEntry]:
        """Stored items, newest first, without their content."""
        sql = "SELECT id, kind, created_ms, size FROM entries"
        args: tuple[Any, ...] = ()
        if kind:
            sql, args = sql + " WHERE kind = ?", (kind,)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY id DESC", args).fetchall()
        return [HistoryEntry(r[0], r[1], r[2] / 1000, r[3]) for r in rows]

    def get(self, entry_id: int) -> dict[str, Any]:
        """The decrypted content of one entry.

        Raises:
            InputError: no such entry.
            DecryptionError: the row was altered.
        """
        with self._lock:
            row = self._conn.execute("SELECT uid, kind, created_ms, blob FROM entries WHERE id = ?",
                                     (entry_id,)).fetchone()
        if row is None:
            raise InputError(f"no history entry {entry_id}", "see: edge-assist history list")
        data = json.loads(self._sealer.open(row[3], _aad(row[0], row[1], row[2])))
        return {"id": entry_id, "kind": row[1], "created": row[2] / 1000, **data}

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _aad(uid: str, kind: str, created_ms: int) -> bytes:
    return f"{uid}|{kind}|{created_ms}".encode()


def _connect(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except OSError as exc:
        raise storage_error(exc, path, "the history") or ConfigError(
            f"cannot create the history at {path}: {exc.strerror}",
            "check the folder is writable, or set [history] path") from None
    try:
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA secure_delete=ON")
        conn.executescript(_SCHEMA)
        conn.isolation_level = "DEFERRED"  # `with conn:` now wraps each write in one transaction
    except sqlite3.Error as exc:
        with contextlib.suppress(sqlite3.Error):
            conn.close()
        raise storage_error(exc, path, "the history") or ConfigError(
            f"{path} is not a usable edge-assist history ({exc})",
            "move it away; a new history starts empty") from None
    return conn
