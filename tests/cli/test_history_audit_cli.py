"""`edge-assist history ...` and `edge-assist audit ...`, and the audit entry every command leaves."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from edge_assist.cli import cli
from edge_assist.trust import crypto

NOTE = "72 yo woman with hypertension. Seen by Dr. Alice Wong on 03/14/2021, MRN: 4829301."


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def history_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """History turned on with a passphrase."""
    monkeypatch.setenv("EDGE_ASSIST_HISTORY__ENABLED", "true")
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, "correct horse")


def test_every_command_appends_one_audit_entry_without_patient_text(edge_home: Path) -> None:
    """calc from-note is audited by name and outcome; the note's text never reaches the log."""
    assert run("calc", "from-note", "chads-vasc", input=NOTE).exit_code == 0
    assert run("models", "info", "no-such-model").exit_code == 4
    log = (edge_home / "audit.jsonl").read_text("utf-8")
    entries = [json.loads(line) for line in log.splitlines()]
    assert [(e["action"], e["outcome"], e["exit_code"]) for e in entries] == [
        ("calc from-note", "ok", 0), ("models info", "UnknownModelError", 4)]
    assert "Wong" not in log and "4829301" not in log and "hypertension" not in log


def test_audit_verify_passes_then_finds_an_edit(edge_home: Path) -> None:
    """verify exits 0 on an intact log and 5 after one entry is edited."""
    run("calc", "list")
    run("calc", "show", "curb-65")
    assert run("audit", "verify").exit_code == 0
    path = edge_home / "audit.jsonl"
    path.write_text(path.read_text().replace('"calc show"', '"calc list"', 1))
    result = run("audit", "verify", "--json")
    assert result.exit_code == 5
    assert json.loads(result.stdout)["ok"] is False


def test_audit_show_lists_entries(edge_home: Path) -> None:
    """show prints the last entries as a table."""
    run("calc", "list")
    result = run("audit", "show", "--limit", "5")
    assert result.exit_code == 0 and "calc list" in result.output


def test_audit_can_be_turned_off(edge_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """[audit] enabled = false writes no log."""
    monkeypatch.setenv("EDGE_ASSIST_AUDIT__ENABLED", "false")
    run("calc", "list")
    assert not (edge_home / "audit.jsonl").exists()


def test_unwritable_audit_log_fails_the_command_clearly(edge_home: Path, monkeypatch) -> None:
    """If the audit log cannot be written, the command exits 3 with the reason."""
    blocker = edge_home.parent / "blocker"
    blocker.write_text("")
    monkeypatch.setenv("EDGE_ASSIST_AUDIT__PATH", str(blocker / "audit.jsonl"))
    result = run("calc", "list")
    assert result.exit_code == 3 and "cannot write the audit log" in result.output


def test_history_off_by_default(edge_home: Path) -> None:
    """Without history on, nothing is kept and `history list` says how to turn it on."""
    run("calc", "from-note", "chads-vasc", input=NOTE)
    assert not (edge_home / "history.db").exists()
    result = run("history", "list")
    assert result.exit_code == 7 and "enabled = true" in result.output


def test_history_list_show_export_forget(edge_home: Path, history_on, tmp_path: Path) -> None:
    """The life of a history entry through the CLI, with a de-identified export."""
    assert run("calc", "from-note", "chads-vasc", input=NOTE).exit_code == 0
    entries = json.loads(run("history", "list", "--json").stdout)
    assert [e["kind"] for e in entries] == ["calc"]
    shown = json.loads(run("history", "show", str(entries[0]["id"]), "--json").stdout)
    assert "Alice Wong" in shown["note"]
    out = tmp_path / "export.jsonl"
    assert run("history", "export", str(out), "--deidentified").exit_code == 0
    exported = out.read_text("utf-8")
    assert '"deidentified": true' in exported
    assert "Wong" not in exported and "4829301" not in exported and "03/14/2021" not in exported
    assert json.loads(run("history", "forget", "--all", "--json").stdout) == {"forgotten": 1}
    assert json.loads(run("history", "list", "--json").stdout) == []


def test_history_wrong_passphrase_exits_3(edge_home: Path, history_on, monkeypatch) -> None:
    """A wrong passphrase is a config error with the fix, not a traceback."""
    run("calc", "from-note", "chads-vasc", input=NOTE)
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, "wrong")
    result = run("history", "list")
    assert result.exit_code == 3 and "wrong passphrase" in result.output


def test_history_forget_needs_a_target(edge_home: Path, history_on) -> None:
    """forget with nothing chosen is an input error."""
    run("calc", "from-note", "chads-vasc", input=NOTE)
    assert run("history", "forget").exit_code == 7


def _plain_sha256(entry: dict) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def test_audit_verify_finds_a_chain_rewritten_with_plain_sha256(edge_home: Path) -> None:
    """Edit an entry, recompute the SHA-256 chain and head as the unkeyed version did: exit 5, one line."""
    for _ in range(3):
        run("calc", "list")
    path = edge_home / "audit.jsonl"
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    entries[1]["action"] = "calc show"
    for before, entry in zip([None, *entries], entries, strict=False):
        entry["prev"] = before["hash"] if before else "0" * 64
        entry["hash"] = _plain_sha256(entry)
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    (edge_home / "audit.jsonl.head").write_text(json.dumps({"seq": 3, "hash": entries[-1]["hash"]}))
    result = CliRunner().invoke(cli, ["audit", "verify"])
    assert result.exit_code == 5
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert "failed verification: line 1 (seq 1): content does not match its MAC" in errors[0]


def test_audit_verify_reports_an_old_unkeyed_log(edge_home: Path) -> None:
    """A log the SHA-256 version wrote is reported as unkeyed (exit 5), not as intact."""
    edge_home.mkdir(parents=True, exist_ok=True)
    entry = {"seq": 1, "time": "t", "user": "u", "host": "h", "pid": 1, "action": "calc list",
             "details": {}, "outcome": "ok", "exit_code": 0, "prev": "0" * 64}
    entry["hash"] = _plain_sha256(entry)
    (edge_home / "audit.jsonl").write_text(json.dumps(entry) + "\n")
    (edge_home / "audit.jsonl.head").write_text(json.dumps({"seq": 1, "hash": entry["hash"]}))
    result = CliRunner().invoke(cli, ["audit", "verify", "--json"])
    assert result.exit_code == 5 and "the audit log is unkeyed: 1 of its 1 entries" in result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "unkeyed" and report["ok"] is False and report["problems"] == []
