"""The audit log's key: every entry is authenticated with HMAC-SHA256, not a bare hash.

A plain SHA-256 chain shows accidental damage, but anyone who can write ``audit.jsonl`` can
edit an entry and recompute every hash after it and the head. With a keyed MAC the rewriter
also needs the key. Where it comes from, in this order, when a log is started:

1. ``keyring``: a random 256-bit key in the OS keyring (the optional ``keyring`` extra, as
   history uses), one per log path;
2. ``passphrase``: scrypt of ``$EDGE_ASSIST_HISTORY_PASSPHRASE`` (the history's passphrase) with a
   random salt that the entries carry;
3. ``file``: a random key in ``<log>.key``, created 0600 beside the log in the user's data dir.
   This last one defends only against an attacker who cannot read that file (another user,
   a process confined away from the data dir); one running as the same user can read it.

The first keyed entry pins the log's key: later appends use that key (and fail, saying why,
when it is not available), so a log never mixes keys and no entry can claim a weaker one.
Each entry names its key (``key_source``, ``key_id``, and ``key_salt`` for a passphrase);
``key_id`` is an HMAC of a constant, so it tells keys apart without revealing them.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edge_assist.errors import ConfigError, storage_error
from edge_assist.trust import crypto

MAC_NAME = "hmac-sha256"
KEY_SOURCES = ("keyring", "passphrase", "file")
_ID_LABEL = b"edge-assist audit key id"
_HEAD_LABEL = b"edge-assist audit head|"


@dataclass(frozen=True)
class AuditKey:
    """A 256-bit MAC key for one audit log, and where it came from.

    Examples:
        >>> key = AuditKey(bytes(32), "file")
        >>> len(key.mac(b"entry")), key.fields()["mac"]
        (64, 'hmac-sha256')
    """

    material: bytes
    source: str
    salt: str = ""  # base64 scrypt salt; passphrase keys only

    @property
    def key_id(self) -> str:
        """A public 16-hex-digit name for the key (an HMAC of a constant)."""
        return hmac.new(self.material, _ID_LABEL, hashlib.sha256).hexdigest()[:16]

    def mac(self, data: bytes) -> str:
        """HMAC-SHA256 of ``data`` as 64 hex digits."""
        return hmac.new(self.material, data, hashlib.sha256).hexdigest()

    def head_mac(self, seq: int, digest: str) -> str:
        """The MAC of the head anchor (``seq`` and the last entry's MAC)."""
        return self.mac(_HEAD_LABEL + f"{seq}|{digest}".encode("ascii"))

    def fields(self) -> dict[str, str]:
        """The fields an entry carries to name this key (they are covered by the MAC)."""
        out = {"mac": MAC_NAME, "key_source": self.source, "key_id": self.key_id}
        if self.salt:
            out["key_salt"] = self.salt
        return out


def is_keyed(entry: dict[str, Any]) -> bool:
    """Whether an entry was written with a MAC (entries of older versions are plain SHA-256)."""
    return entry.get("mac") == MAC_NAME


def key_file(log: Path) -> Path:
    """Where the fallback key of ``log`` is kept: ``<log>.key``, beside it."""
    return log.with_name(log.name + ".key")


def keyring_account(log: Path) -> str:
    """The OS-keyring account holding ``log``'s key."""
    return f"audit:{log.resolve()}"


def new_key(log: Path) -> AuditKey:
    """The key for a new log (or an old unkeyed one gaining keyed entries): keyring, passphrase, file.

    Raises:
        ConfigError: the key file cannot be created.
    """
    stored = crypto.keyring_key(keyring_account(log), True)
    if stored is not None:
        return AuditKey(stored.material, "keyring")
    passphrase = os.environ.get(crypto.PASSPHRASE_ENV, "")
    if passphrase:
        salt = base64.b64encode(crypto.new_salt()).decode("ascii")
        return AuditKey(_derive(passphrase, salt), "passphrase", salt)
    material = _file_key(key_file(log), create=True)
    if material is None:
        raise ConfigError(f"the audit key file {key_file(log)} is damaged",
                          "move the log and its .key and .head files aside; a new keyed log starts")
    return AuditKey(material, "file")


def key_for(log: Path, entry: dict[str, Any]) -> AuditKey | None:
    """The key a keyed entry names, or None when it is not available here.

    Never creates a key: a missing key file or keyring entry is reported, not replaced.
    """
    source = entry.get("key_source")
    material: bytes | None = None
    salt = ""
    if source == "keyring":
        stored = crypto.keyring_key(keyring_account(log), False)
        material = stored.material if stored else None
    elif source == "passphrase":
        passphrase, salt = os.environ.get(crypto.PASSPHRASE_ENV, ""), str(entry.get("key_salt", ""))
        material = _derive(passphrase, salt) if passphrase and salt else None
    elif source == "file":
        material = _file_key(key_file(log), create=False)
    return AuditKey(material, str(source), salt) if material else None


def unavailable(source: object) -> str:
    """Why the key of ``source`` cannot be had, and how to provide it (one line)."""
    if source == "passphrase":
        return f"set {crypto.PASSPHRASE_ENV} to the passphrase the log was written with"
    if source == "keyring":
        return "the OS keyring entry is missing or no keyring backend works here (pip install keyring)"
    if source == "file":
        return "the key file beside the log is missing or unreadable"
    return f"unknown key source {source!r}"


def key_file_exposed(log: Path) -> bool:
    """True when the key file can be read or written by the group or others."""
    try:
        return bool(key_file(log).stat().st_mode & 0o077)
    except OSError:
        return False


def keyring_holds_key(log: Path) -> bool:
    """Whether the OS keyring holds a key for ``log`` (then a file-keyed log is a rewrite)."""
    return crypto.keyring_key(keyring_account(log), False) is not None


@functools.lru_cache(maxsize=8)
def _derive(passphrase: str, salt: str) -> bytes:
    """scrypt, once per process for a passphrase and salt (0.1 s and 32 MiB each time)."""
    try:
        raw = base64.b64decode(salt, validate=True)
    except ValueError:
        return b""
    return crypto.derive_key(passphrase, raw).material


def _file_key(path: Path, create: bool) -> bytes | None:
    with contextlib.suppress(FileNotFoundError):
        return _read_key_file(path)
    if not create:
        return None
    material = secrets.token_bytes(crypto.KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another command made it first
        return _read_key_file(path)
    except OSError as exc:
        raise storage_error(exc, path, "the audit key") or ConfigError(
            f"cannot create the audit key file {path}: {exc.strerror or exc}",
            "make the folder writable, or set a passphrase or install keyring") from None
    try:
        os.write(fd, base64.b64encode(material) + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    return material


def _read_key_file(path: Path) -> bytes | None:
    try:
        material = base64.b64decode(path.read_bytes().strip(), validate=True)
    except (ValueError, PermissionError):
        return None
    return material if len(material) == crypto.KEY_BYTES else None
