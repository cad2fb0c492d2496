"""Authenticated encryption of stored payloads, and where its key comes from.

Why AES-256-GCM on payloads rather than SQLCipher: SQLCipher needs a native
build per platform (no maintained wheel covers every kiosk), while the
``cryptography`` wheel is everywhere. GCM authenticates as well as encrypts, and
each record's metadata (id, kind, time) is bound in as associated data, so an
entry that is edited, truncated or moved onto another row fails to open instead
of decrypting to something else.

The key comes, in this order, from a passphrase in ``$EDGE_ASSIST_HISTORY_PASSPHRASE``
(stretched with scrypt, salt kept beside the data) or from a random key kept in
the OS keyring (``keyring`` package, when installed and a backend works). With
neither, history cannot be turned on and the error says how to provide one:
there is no silent fallback to a key stored next to the data it protects.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from typing import Literal

from edge_assist.errors import ConfigError, EdgeAssistError, ExitCode

KeySource = Literal["auto", "passphrase", "keyring"]
PASSPHRASE_ENV = "EDGE_ASSIST_HISTORY_PASSPHRASE"
KEYRING_SERVICE = "edge-assist"
NONCE_BYTES = 12
KEY_BYTES = 32
#: scrypt cost: 2**15 x 8 x 1 takes about 32 MiB and 0.1 s, OWASP's recommended minimum.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


class DecryptionError(EdgeAssistError):
    """A sealed record does not open: the key is wrong, or the record was altered."""

    exit_code = ExitCode.MODEL_INTEGRITY


@dataclass(frozen=True)
class Key:
    """A 256-bit data key and where it came from (``passphrase`` or ``keyring``)."""

    material: bytes
    source: str


class Sealer:
    """AES-256-GCM with a fresh random 96-bit nonce per record.

    Args:
        key: 32 bytes.

    Examples:
        >>> s = Sealer(Key(bytes(32), "test"))
        >>> s.open(s.seal(b"hello", b"row-1"), b"row-1")
        b'hello'
    """

    def __init__(self, key: Key) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if len(key.material) != KEY_BYTES:
            raise ConfigError("the history key must be 32 bytes")
        self._aead = AESGCM(key.material)
        self.source = key.source

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        """Encrypt and authenticate ``plaintext``, binding ``aad``; returns nonce + ciphertext."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, aad)

    def open(self, blob: bytes, aad: bytes) -> bytes:
        """Decrypt a :meth:`seal` result.

        Raises:
            DecryptionError: wrong key, altered ciphertext, or different ``aad``.
        """
        from cryptography.exceptions import InvalidTag

        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
        except (InvalidTag, ValueError):
            raise DecryptionError("a history record does not decrypt: the key is wrong or the "
                                  "record was altered",
                                  "use the passphrase or keyring the history was created with") from None


def derive_key(passphrase: str, salt: bytes, n: int = SCRYPT_N) -> Key:
    """Stretch ``passphrase`` into a 256-bit key with scrypt."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    if not passphrase:
        raise ConfigError("the history passphrase is empty", f"set {PASSPHRASE_ENV} to a passphrase")
    kdf = Scrypt(salt=salt, length=KEY_BYTES, n=n, r=SCRYPT_R, p=SCRYPT_P)
    return Key(kdf.derive(passphrase.encode("utf-8")), "passphrase")


def new_salt() -> bytes:
    """16 random bytes for :func:`derive_key`."""
    return secrets.token_bytes(16)


def keyring_key(account: str, create: bool) -> Key | None:
    """The data key kept in the OS keyring under ``account``, made on first use.

    Returns None when ``keyring`` is not installed or has no working backend
    (a headless kiosk often has none), so the caller can say what to do instead.
    """
    try:
        import keyring
        import keyring.errors
    except ImportError:
        return None
    try:
        stored = keyring.get_password(KEYRING_SERVICE, account)
        if stored is None and create:
            stored = base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")
            keyring.set_password(KEYRING_SERVICE, account, stored)
    except Exception:  # keyring raises backend-specific errors (D-Bus, locked, no backend)
        return None
    return Key(base64.b64decode(stored), "keyring") if stored else None


def resolve_key(source: KeySource, salt: bytes, account: str, create: bool,
                scrypt_n: int = SCRYPT_N) -> Key:
    """The history key from the configured source.

    Args:
        source: ``auto`` (passphrase if set, else keyring), ``passphrase`` or ``keyring``.
        salt: the scrypt salt stored with the history.
        account: the keyring account (one per history database).
        create: make a keyring key if there is none (a new history).

    Raises:
        ConfigError: no key is available from ``source``; the hint names the fix.
    """
    passphrase = os.environ.get(PASSPHRASE_ENV, "")
    if source in ("auto", "passphrase") and passphrase:
        return derive_key(passphrase, salt, scrypt_n)
    if source in ("auto", "keyring"):
        key = keyring_key(account, create)
        if key is not None:
            return key
    raise ConfigError(
        "history is on but no encryption key is available"
        + (" (no passphrase set)" if source == "passphrase" else " (no passphrase, no OS keyring)"),
        f"set {PASSPHRASE_ENV}, or install a keyring backend (pip install keyring), "
        "or turn history off ([history] enabled = false)",
    )
