"""The audit log: a hash chain that shows any edited, removed or reordered entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edge_assist.trust import audit


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
    path = _log(tmp_path, 3)
    head = path.with_name(path.name + ".head")
    second = json.loads(_lines(path)[1])
    head.write_text(json.dumps({"seq": 2, "hash": second["hash"]}))
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
