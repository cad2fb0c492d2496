"""Kiosk mode helpers: the admin PIN hash and the folder fence for file access.

The PIN is stored only as ``pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>``
(salted, slow to brute-force, compared in constant time), so a config file
copied off a kiosk does not give the PIN away. File access in kiosk mode is
limited to the configured folders: every path is resolved (symlinks and
``..`` included) before it is checked.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from pathlib import Path

from edge_assist.errors import ConfigError, InputError

_ALGO = "pbkdf2_sha256"
_ITERATIONS = 200_000


def hash_pin(pin: str, iterations: int = _ITERATIONS, salt: bytes | None = None) -> str:
    """A salted PBKDF2-SHA256 hash of ``pin`` for ``tui.admin_pin_hash``.

    Raises:
        InputError: the PIN is shorter than 4 characters.

    Examples:
        >>> verify_pin("2468", hash_pin("2468", iterations=1000))
        True
    """
    if len(pin) < 4:
        raise InputError("the admin PIN must have at least 4 characters")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"{_ALGO}${iterations}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches the stored hash (False for an empty or malformed hash)."""
    try:
        algo, iterations, salt, digest = stored.split("$")
        if algo != _ALGO:
            return False
        candidate = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def check_kiosk_config(pin_hash: str) -> None:
    """Refuse to start a kiosk nobody can leave.

    Raises:
        ConfigError: no admin PIN hash is configured, or it is malformed.
    """
    if not pin_hash or pin_hash.count("$") != 3 or not pin_hash.startswith(_ALGO):
        raise ConfigError("kiosk mode needs an admin PIN (tui.admin_pin_hash)",
                          "make one with `edge-assist tui --hash-pin` and put it in config.toml")


class FileFence:
    """Which paths the TUI may read or write.

    Outside kiosk mode every path is allowed; in kiosk mode only paths inside
    ``folders`` (none configured: no file access at all).
    """

    def __init__(self, kiosk: bool, folders: Sequence[Path]) -> None:
        self.kiosk = kiosk
        self.folders = [Path(f).expanduser().resolve() for f in folders]

    def check(self, path: str | Path) -> Path:
        """The resolved path if allowed.

        Raises:
            InputError: kiosk mode and the path is outside the configured folders.
        """
        resolved = Path(path).expanduser().resolve()
        if not self.kiosk:
            return resolved
        if not self.folders:
            raise InputError("file access is off in kiosk mode",
                             "an administrator can allow folders with tui.kiosk_folders")
        if not any(resolved == f or f in resolved.parents for f in self.folders):
            allowed = ", ".join(str(f) for f in self.folders)
            raise InputError("kiosk mode allows files only in the configured folders",
                             f"use a path under {allowed}")
        return resolved

    def default_dir(self) -> Path:
        """Where file dialogs start: the first kiosk folder, else the working directory."""
        return self.folders[0] if self.kiosk and self.folders else Path.cwd()
