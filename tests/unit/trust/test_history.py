"""The history: sealed payloads, a wrong key refused, retention and forget."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from edge_assist.errors import ConfigError, InputError
from edge_assist.trust import crypto
from edge_assist.trust.history import History

FAST = 2**10  # scrypt cost for tests; the product uses 2**15


@pytest.fixture
def passphrase(monkeypatch: pytest.MonkeyPatch) -> str:
    """A history passphrase in the environment."""
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, "correct horse")
    return "correct horse"


def _open(path: Path, **kw) -> History:
    return History(path, scrypt_n=FAST, **kw)


def test_payload_is_encrypted_on_disk(tmp_path: Path, passphrase: str) -> None:
    """The question text is nowhere in the database file, and reads back intact."""
    path = tmp_path / "h.db"
    with _open(path) as h:
        entry_id = h.record("ask", {"question": "Does Mrs Zebediah Quint have gout?"})
        assert h.get(entry_id)["question"] == "Does Mrs Zebediah Quint have gout?"
    assert b"Zebediah" not in path.read_bytes()


def test_wrong_passphrase_is_refused(tmp_path: Path, passphrase: str, monkeypatch) -> None:
    """Opening with another passphrase is a ConfigError naming the fix."""
    path = tmp_path / "h.db"
    _open(path).close()
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, "wrong")
    with pytest.raises(ConfigError, match="wrong passphrase"):
        _open(path)


def test_no_key_source_fails_cleanly(tmp_path: Path, monkeypatch) -> None:
    """Without a passphrase or a keyring backend, the error says how to provide one."""
    monkeypatch.delenv(crypto.PASSPHRASE_ENV, raising=False)
    monkeypatch.setattr(crypto, "keyring_key", lambda account, create: None)
    with pytest.raises(ConfigError, match="no encryption key"):
        _open(tmp_path / "h.db")


def test_keyring_key_is_used_when_available(tmp_path: Path, monkeypatch) -> None:
    """With no passphrase, a keyring key opens the history."""
    monkeypatch.delenv(crypto.PASSPHRASE_ENV, raising=False)
    key = crypto.Key(bytes(range(32)), "keyring")
    monkeypatch.setattr(crypto, "keyring_key", lambda account, create: key)
    with _open(tmp_path / "h.db") as h:
        assert h.get(h.record("note", {"note": "x"}))["note"] == "x"


def test_tampered_row_does_not_open(tmp_path: Path, passphrase: str) -> None:
    """Moving one row's ciphertext onto another fails authentication."""
    path = tmp_path / "h.db"
    with _open(path) as h:
        a = h.record("ask", {"q": "one"})
        b = h.record("ask", {"q": "two"})
    conn = sqlite3.connect(path)
    conn.execute("UPDATE entries SET blob = (SELECT blob FROM entries WHERE id = ?) WHERE id = ?", (a, b))
    conn.commit()
    conn.close()
    with _open(path) as h, pytest.raises(crypto.DecryptionError):
        h.get(b)


def test_retention_by_count_and_age(tmp_path: Path, passphrase: str) -> None:
    """Only the newest max_entries survive, and old ones are pruned on write."""
    with _open(tmp_path / "h.db", max_entries=3) as h:
        for i in range(5):
            h.record("extract", {"i": i})
        assert [h.get(e.id)["i"] for e in h.entries()] == [4, 3, 2]
        h.max_age_days = 1e-9
        time.sleep(0.01)
        assert h.prune() == 3 and h.entries() == []


def test_forget_by_id_age_and_all(tmp_path: Path, passphrase: str) -> None:
    """forget removes what it is told to, and refuses an empty request."""
    with _open(tmp_path / "h.db") as h:
        ids = [h.record("calc", {"i": i}) for i in range(4)]
        assert h.forget([ids[0]]) == 1
        assert h.forget(older_than_days=1) == 0
        assert h.forget(everything=True) == 3
        with pytest.raises(InputError):
            h.forget()


def test_unknown_kind_and_entry_are_input_errors(tmp_path: Path, passphrase: str) -> None:
    """Bad kinds and missing ids are typed errors."""
    with _open(tmp_path / "h.db") as h:
        with pytest.raises(InputError):
            h.record("chat", {})  # type: ignore[arg-type]
        with pytest.raises(InputError):
            h.get(99)


def test_not_a_database_is_a_config_error(tmp_path: Path, passphrase: str) -> None:
    """A garbage file at the history path is refused clearly."""
    path = tmp_path / "h.db"
    path.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(ConfigError, match="not a usable"):
        _open(path)


def test_concurrent_writers_lose_nothing(tmp_path: Path, passphrase: str) -> None:
    """Eight threads writing through one History store every entry."""
    with _open(tmp_path / "h.db", max_entries=1000) as h:
        threads = [threading.Thread(target=lambda: [h.record("ask", {"n": n}) for n in range(25)])
                   for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(h.entries()) == 200


def test_sealer_roundtrip_and_aad_binding() -> None:
    """AES-GCM opens only with the same associated data."""
    sealer = crypto.Sealer(crypto.Key(bytes(32), "test"))
    blob = sealer.seal(b"secret", b"a")
    assert sealer.open(blob, b"a") == b"secret"
    with pytest.raises(crypto.DecryptionError):
        sealer.open(blob, b"b")
