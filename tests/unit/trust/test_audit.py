"""The audit log: a keyed (HMAC-SHA256) chain that shows any edited, rewritten, removed or reordered entry."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from edge_assist.errors import ConfigError
from edge_assist.trust import audit, audit_key, crypto


def _log(tmp_path: Path, n: int = 4) -> Path:
    path = tmp_path / "audit.jsonl"
    for i in range(n):
        audit.append(path, f"cmd {i}", {"k": i, "flag": True})
    return path


def _lines(path: Path) -> list[str]:
    return path.read_text("utf-8").splitlines(keepends=True)


def test_intact_chain_verifies(tmp_path: Path) -> None:
    """Entries chain from the genesis hash and the head anchor matches the last one."""
    path = _log(tmp_path)
    report = audit.verify(path)
    assert report.ok and report.entries == 4
    first = json.loads(_lines(path)[0])
    assert first["prev"] == audit.GENESIS and first["seq"] == 1 and first["user"]


def test_empty_log_verifies(tmp_path: Path) -> None:
    """No log yet is not an error."""
    assert audit.verify(tmp_path / "none.jsonl").ok


def test_edited_entry_is_found(tmp_path: Path) -> None:
    """Changing one field breaks that entry's hash."""
    path = _log(tmp_path)
    lines = _lines(path)
    lines[1] = lines[1].replace('"cmd 1"', '"cmd X"')
    path.write_text("".join(lines), "utf-8")
    report = audit.verify(path)
    assert not report.ok and any("edited" in p for p in report.problems)


def test_rehashed_edit_is_found_by_the_next_entry(tmp_path: Path) -> None:
    """An edit with a recomputed hash still breaks the next entry's prev link."""
    path = _log(tmp_path)
    lines = _lines(path)
    entry = json.loads(lines[1])
    entry["action"] = "forged"
    entry["hash"] = audit.entry_hash(entry)
    lines[1] = json.dumps(entry) + "\n"
    path.write_text("".join(lines), "utf-8")
    assert any("does not chain" in p for p in audit.verify(path).problems)


@pytest.mark.parametrize("index", [0, 1, 3])
def test_removed_entry_is_found(tmp_path: Path, index: int) -> None:
    """Removing the first, a middle or the last entry is detected."""
    path = _log(tmp_path)
    lines = _lines(path)
    del lines[index]
    path.write_text("".join(lines), "utf-8")
    assert not audit.verify(path).ok


def test_reordered_entries_are_found(tmp_path: Path) -> None:
    """Swapping two entries breaks seq and prev."""
    path = _log(tmp_path)
    lines = _lines(path)
    lines[1], lines[2] = lines[2], lines[1]
    path.write_text("".join(lines), "utf-8")
    assert any("reordered" in p for p in audit.verify(path).problems)


def test_torn_last_line_is_reported_and_appending_continues(tmp_path: Path) -> None:
    """A half-written line is flagged, and the next append starts on a fresh line."""
    path = _log(tmp_path, 2)
    with path.open("a") as fh:
        fh.write('{"seq": 3, "ha')
    assert not audit.verify(path).ok
    entry = audit.append(path, "after", {})
    assert entry["seq"] == 3 and path.read_text().endswith("\n")


def test_lagging_head_is_accepted(tmp_path: Path) -> None:
    """A kill between the log write and the head write leaves a valid log."""
    path = _log(tmp_path, 2)
    head = path.with_name(path.name + ".head")
    lagging = head.read_text()
    audit.append(path, "cmd 2", {})
    head.write_text(lagging)  # as if killed before the third head was written
    assert audit.verify(path).ok


def test_free_text_is_refused(tmp_path: Path) -> None:
    """A long string (patient text) never goes into the log."""
    with pytest.raises(ValueError, match="free text"):
        audit.append(tmp_path / "a.jsonl", "ask", {"question": "x" * 200})


def test_unwritable_log_is_a_config_error(tmp_path: Path) -> None:
    """A log path that cannot be created gives a clear ConfigError."""
    from edge_assist.errors import ConfigError

    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigError, match="cannot write the audit log"):
        audit.append(blocker / "audit.jsonl", "x", {})


# -- the key ---------------------------------------------------------------------------------------
def _rewrite_plain(path: Path, index: int, strip_mac: bool = False) -> None:
    """What anyone who can write the file can do: edit an entry, recompute the SHA-256 chain and head."""
    entries = [json.loads(line) for line in _lines(path)]
    entries[index]["action"] = "forged"
    prev = entries[index - 1]["hash"] if index else audit.GENESIS
    for entry in entries[index:] if not strip_mac else entries:
        if strip_mac:
            for name in ("mac", "key_source", "key_id", "key_salt"):
                entry.pop(name, None)
        if strip_mac and entry is entries[0]:
            prev = audit.GENESIS
        entry["prev"] = prev
        entry["hash"] = hashlib.sha256(json.dumps({k: v for k, v in entry.items() if k != "hash"},
                                                  sort_keys=True, separators=(",", ":")).encode()).hexdigest()
        prev = entry["hash"]
    path.write_text("".join(json.dumps(e) + "\n" for e in entries), "utf-8")
    path.with_name(path.name + ".head").write_text(json.dumps({"seq": entries[-1]["seq"], "hash": prev}))


def _old_log(tmp_path: Path, n: int = 3) -> Path:
    """A log as the unkeyed version wrote it: plain SHA-256 hashes, plain head."""
    path, prev = tmp_path / "audit.jsonl", audit.GENESIS
    lines = []
    for seq in range(1, n + 1):
        entry = {"seq": seq, "time": "2026-01-01T00:00:00.000Z", "user": "u", "host": "h", "pid": 1,
                 "action": f"old {seq}", "details": {}, "outcome": "ok", "exit_code": 0, "prev": prev}
        entry["hash"] = prev = audit.entry_hash(entry)
        lines.append(json.dumps(entry) + "\n")
    path.write_text("".join(lines), "utf-8")
    path.with_name(path.name + ".head").write_text(json.dumps({"seq": n, "hash": prev}))
    return path


def test_entries_carry_an_hmac_under_a_0600_key_file(tmp_path: Path) -> None:
    """With no keyring and no passphrase the key is a 0600 file; each hash is an HMAC, not SHA-256."""
    path = _log(tmp_path, 2)
    entry = json.loads(_lines(path)[0])
    key_file = audit_key.key_file(path)
    assert entry["mac"] == "hmac-sha256" and entry["key_source"] == "file"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert entry["hash"] != audit.entry_hash(entry)
    assert entry["hash"] == audit.entry_mac(entry, audit_key.key_for(path, entry))
    report = audit.verify(path)
    assert report.ok and report.status == "valid" and report.key_source == "file"


def test_a_plain_sha256_rewrite_is_found(tmp_path: Path) -> None:
    """An edit with the SHA-256 chain and head recomputed, as the old code would, fails verification."""
    path = _log(tmp_path)
    _rewrite_plain(path, 1)
    report = audit.verify(path)
    assert report.status == "invalid"
    assert any("seq 2): content does not match its MAC" in p for p in report.problems)
    assert any("head" in p for p in report.problems)


def test_a_rewrite_that_strips_the_macs_is_found(tmp_path: Path) -> None:
    """Dropping the MAC fields and rehashing everything leaves a log whose own key file betrays it."""
    path = _log(tmp_path)
    _rewrite_plain(path, 1, strip_mac=True)
    report = audit.verify(path)
    assert report.unkeyed == 4 and not report.ok and report.status == "invalid"
    assert any("MACs stripped" in p for p in report.problems)


def test_an_old_unkeyed_log_is_reported_unkeyed_not_valid(tmp_path: Path) -> None:
    """A log of the SHA-256 version is an intact chain, but never 'valid'."""
    path = _old_log(tmp_path)
    report = audit.verify(path)
    assert not report.problems and report.unkeyed == 3
    assert report.status == "unkeyed" and not report.ok and report.as_dict()["ok"] is False


def test_an_old_log_goes_on_keyed(tmp_path: Path) -> None:
    """Appending to an unkeyed log chains a keyed entry onto its last hash; the old part stays unkeyed."""
    path = _old_log(tmp_path)
    old_last = json.loads(_lines(path)[-1])["hash"]
    entry = audit.append(path, "new", {})
    assert entry["prev"] == old_last and entry["mac"] == "hmac-sha256"
    report = audit.verify(path)
    assert not report.problems and report.unkeyed == 3 and report.status == "unkeyed"


def test_an_unkeyed_entry_after_keyed_ones_is_found(tmp_path: Path) -> None:
    """Once a log is keyed, an entry without a MAC is a rewrite."""
    path = _log(tmp_path, 2)
    _rewrite_plain(path, 1)
    lines = _lines(path)
    entry = json.loads(lines[1])
    for name in ("mac", "key_source", "key_id"):
        entry.pop(name)
    entry["hash"] = audit.entry_hash(entry)
    path.write_text(lines[0] + json.dumps(entry) + "\n")
    assert any("unkeyed entry after keyed" in p for p in audit.verify(path).problems)


def test_the_passphrase_key_is_needed_and_must_match(tmp_path: Path, monkeypatch) -> None:
    """A passphrase-keyed log needs the passphrase to verify or append; another passphrase is named."""
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, "correct horse")
    path = _log(tmp_path, 2)
    entry = json.loads(_lines(path)[0])
    assert entry["key_source"] == "passphrase" and entry["key_salt"]
    assert not audit_key.key_file(path).exists()
    assert audit.verify(path).ok
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, "wrong horse")
    assert any("not the one the log was written with" in p for p in audit.verify(path).problems)
    with pytest.raises(ConfigError, match="not the one the log was written with"):
        audit.append(path, "x", {})
    monkeypatch.delenv(crypto.PASSPHRASE_ENV)
    assert any("not available here" in p for p in audit.verify(path).problems)
    with pytest.raises(ConfigError, match="not available here"):
        audit.append(path, "x", {})


def test_the_keyring_key_comes_first(tmp_path: Path, monkeypatch) -> None:
    """With a keyring backend the key lives there, and a file-keyed rewrite of that log is refused."""
    vault: dict[str, crypto.Key] = {}

    def fake_keyring(account: str, create: bool) -> crypto.Key | None:
        if create and account not in vault:
            vault[account] = crypto.Key(bytes(range(32)), "keyring")
        return vault.get(account)

    monkeypatch.setattr(crypto, "keyring_key", fake_keyring)
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, "also set")
    path = _log(tmp_path, 2)
    assert json.loads(_lines(path)[0])["key_source"] == "keyring" and audit.verify(path).ok
    rewritten = tmp_path / "forged.jsonl"  # a whole new log, keyed with a key file of the attacker's
    monkeypatch.delenv(crypto.PASSPHRASE_ENV)
    audit.append(rewritten, "forged", {}, key=audit_key.AuditKey(bytes(32), "file"))
    audit_key.key_file(rewritten).write_text(base64.b64encode(bytes(32)).decode())
    os.replace(rewritten, path)
    os.replace(rewritten.with_name("forged.jsonl.head"), path.with_name("audit.jsonl.head"))
    audit_key.key_file(rewritten).rename(audit_key.key_file(path))
    assert any("OS keyring holds" in p for p in audit.verify(path).problems)


def test_an_exposed_key_file_and_a_forged_head_are_found(tmp_path: Path) -> None:
    """A key file others can read, and a head whose MAC does not match, are both problems."""
    path = _log(tmp_path, 2)
    head = path.with_name(path.name + ".head")
    anchor = json.loads(head.read_text())
    head.write_text(json.dumps({**anchor, "mac": "0" * 64}))
    assert any("head does not match its MAC" in p for p in audit.verify(path).problems)
    head.write_text(json.dumps(anchor))
    audit_key.key_file(path).chmod(0o644)
    assert any("readable by other users" in p for p in audit.verify(path).problems)
