"""SIGKILL mid-write leaves every database and file consistent, and the work resumable."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from edge_assist.trust import crypto

from . import _fault_worker as worker

ROOT = Path(__file__).parents[3]


def _kill_after(kind: str, folder: Path, lines: int) -> None:
    """Start a worker, wait for ``lines`` progress lines, then SIGKILL it."""
    env = {**os.environ, crypto.PASSPHRASE_ENV: "pw"}
    proc = subprocess.Popen([sys.executable, "-m", "tests.unit.trust._fault_worker", kind, str(folder)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    for _ in range(lines):
        if not proc.stdout.readline():
            pytest.fail(f"{kind} worker ended early: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def test_kill_during_index_ingestion(tmp_path: Path) -> None:
    """The index passes integrity_check, holds only whole documents, and a re-run completes it."""
    from edge_assist.index import EvidenceIndex

    _kill_after("index", tmp_path, 15)
    assert _integrity(tmp_path / "index.db") == "ok"
    with EvidenceIndex(tmp_path / "index.db") as ix:
        docs = ix.documents()
        assert 15 <= len(docs) < worker.DOCS
        assert all(d["chunks"] > 0 for d in docs)
    worker.index(tmp_path)  # resume in-process: unchanged documents are skipped
    with EvidenceIndex(tmp_path / "index.db") as ix:
        assert len(ix.documents()) == worker.DOCS


def test_kill_during_history_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The history passes integrity_check, every stored entry decrypts, and writing goes on."""
    from edge_assist.trust.history import History

    _kill_after("history", tmp_path, 40)
    assert _integrity(tmp_path / "history.db") == "ok"
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, "pw")
    with History(tmp_path / "history.db", scrypt_n=2**10, max_entries=100_000) as h:
        entries = h.entries()
        assert len(entries) >= 40
        assert all(h.get(e.id)["text"] == "x" * 2000 for e in entries)
        h.record("ask", {"after": True})


def test_kill_during_audit_appends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The audit chain still verifies after a writer is killed, and appending continues."""
    from edge_assist.trust.audit import append, verify

    _kill_after("audit", tmp_path, 50)
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, "pw")  # the worker's log is keyed with its passphrase
    report = verify(tmp_path / "audit.jsonl")
    assert report.ok, report.problems
    append(tmp_path / "audit.jsonl", "after", {})
    assert verify(tmp_path / "audit.jsonl").ok


def test_kill_during_model_assembly(tmp_path: Path) -> None:
    """No half model file is ever in place; pulling again assembles and verifies it."""
    from edge_assist.models.store import ModelStore

    _kill_after("assemble", tmp_path, 3)
    store = ModelStore(tmp_path / "store")
    manifest = worker.manifest(tmp_path)
    assert not (store.model_dir(manifest) / "model.bin").exists()
    assert store.status(manifest).state != "ready"
    store.pull(manifest, install=False)
    assert store.verify(manifest)
