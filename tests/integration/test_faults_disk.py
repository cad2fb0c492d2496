"""A full disk and a read-only store: one clear error, a non-zero exit, nothing half-written.

These are real faults, not mocks: each scenario runs in a fresh process inside ``unshare -rm`` (a
private mount namespace, root mapped to us) that mounts a small ``tmpfs`` as the user dir, does
some good work there, then fills it to the last byte (a real ``ENOSPC``) or remounts it read-only
(a real ``EROFS``; ``chmod`` would not stop root). It then runs commands through the real CLI code
on the fakes (``CliRunner``, without pytest's re-raise, so the error boundary behaves as in
production) and, for ``> file`` output, real ``python -m edge_assist`` processes. Afterwards it
frees the disk and checks every database with ``PRAGMA integrity_check``, that only whole
documents/entries/files are there, that the audit chain verifies, and that re-running the same
commands completes the work.

Run by hand: ``unshare -rm python -m tests.integration.test_faults_disk full|readonly|store TMP``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data"
CORPUS = DATA / "index" / "corpus"
NOTE = DATA / "extract" / "note_bullets.txt"
ENCOUNTER = DATA / "notes" / "encounter.txt"
STORAGE = 9


def _can_mount() -> bool:
    if not shutil.which("unshare") or not shutil.which("mount"):
        return False
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(["unshare", "-rm", "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder],
                              capture_output=True, check=False)
    return done.returncode == 0


pytestmark = pytest.mark.skipif(not _can_mount(), reason="`unshare -rm` with a tmpfs mount is not permitted "
                                                        "here (needs root or unprivileged user namespaces)")


def _scenario(name: str, tmp_path: Path) -> dict[str, Any]:
    done = subprocess.run(["unshare", "-rm", sys.executable, "-m", "tests.integration.test_faults_disk", name,
                           str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _clear_failures(report: dict[str, Any]) -> None:
    """Every faulted command exited 9 with a one-line 'Error:' and no traceback or stray output."""
    assert report["faulted"], "no command was run against the fault"
    for run in report["faulted"]:
        label = " ".join(run["args"])
        assert not run["traceback"], (label, run["traceback"])
        assert run["exit"] == STORAGE, (label, run["exit"], run["stderr"])
        assert "Traceback" not in run["stderr"] and "Exception ignored" not in run["stderr"], label
        first = next(line for line in run["stderr"].splitlines() if line.startswith("Error:"))
        assert first.startswith("Error: cannot write") and any(
            s in first for s in ("no space left", "read-only")), (label, run["stderr"])


def _nothing_lost(report: dict[str, Any]) -> None:
    """After the fault: databases intact, only whole items, no partial files, the audit chain intact."""
    after = report["after"]
    assert after["integrity"] == {"index.db": "ok", "history.db": "ok"}, after["integrity"]
    assert after["documents"] >= report["before"]["documents"]
    assert after["half_documents"] == 0
    assert after["history"] == report["before"]["history"] and after["history_readable"]
    assert after["partial_files"] == [], after["partial_files"]
    assert after["audit_ok"], after["audit_problems"]


def _resumed(report: dict[str, Any]) -> None:
    """Re-running the same work on a healthy disk completes it."""
    for run in report["resumed"]:
        assert run["exit"] == 0 and not run["traceback"], (run["args"], run["stderr"], run["traceback"])
    final = report["final"]
    assert final["documents"] == final["corpus_documents"]
    assert final["history"] == report["before"]["history"] + 1
    assert final["model_ready"] and final["audit_ok"]


def test_full_disk(tmp_path: Path) -> None:
    """A full user dir: index add, history write, model pull/add, exports and `> file` all fail cleanly."""
    report = _scenario("full", tmp_path)
    _clear_failures(report)
    _nothing_lost(report)
    _resumed(report)


def test_read_only_user_dir(tmp_path: Path) -> None:
    """A read-only user dir: writers fail with one clear line; nothing changes; it works after remount."""
    report = _scenario("readonly", tmp_path)
    _clear_failures(report)
    _nothing_lost(report)
    _resumed(report)


def test_read_only_model_store(tmp_path: Path) -> None:
    """A read-only model store still serves verified models; pulling or adding into it fails cleanly."""
    report = _scenario("store", tmp_path)
    _clear_failures(report)
    for run in report["working"]:
        assert run["exit"] == 0 and not run["traceback"], (run["args"], run["stderr"], run["traceback"])
    assert report["after"]["partial_files"] == []


# -- the driver (runs inside the namespace) --------------------------------------------------------------


class Driver:
    """Sets up a user dir on a tmpfs, runs commands, injects faults and inspects the result."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.home = tmp / "home"
        self.outside = tmp / "outside"  # on the real disk: fake weights, model parts, the GGUF to add
        self.home.mkdir(parents=True, exist_ok=True)
        self.outside.mkdir(parents=True, exist_ok=True)
        self.filler = self.home / "filler.bin"

    # -- faults ---------------------------------------------------------------------------
    def mount(self, folder: Path, size: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)

    def remount(self, folder: Path, mode: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{mode}", str(folder)], check=True)

    def fill(self, filler: Path | None = None) -> None:
        """Write until not one more byte fits."""
        with (filler or self.filler).open("wb", buffering=0) as fh:
            for block in (1 << 16, 1 << 12, 1 << 9, 1):
                try:
                    while True:
                        fh.write(b"\0" * block)
                except OSError:
                    continue

    def unfill(self) -> None:
        self.filler.unlink(missing_ok=True)

    # -- set-up -------------------------------------------------------------------------------
    def setup(self, store: Path | None = None) -> None:
        from edge_assist.models import registry as registry_module
        from edge_assist.models.fakes import install_fakes
        from edge_assist.models.registry import make_default_registry
        from edge_assist.models.store import ModelStore, manifest_to_toml
        from edge_assist.settings import load_settings, reset_settings_cache

        os.environ.update({"EDGE_ASSIST_HOME": str(self.home), "EDGE_ASSIST_PROFILE": "default",
                           "EDGE_ASSIST_MODELS__LLM": "fake-chat",
                           "EDGE_ASSIST_MODELS__EMBEDDER": "fake-embed",
                           "EDGE_ASSIST_MODELS__TRANSCRIBER": "fake-whisper",
                           "EDGE_ASSIST_HISTORY__ENABLED": "true", "EDGE_ASSIST_HISTORY_PASSPHRASE": "pw"})
        if store is not None:
            os.environ["EDGE_ASSIST_MODELS__STORE_DIR"] = str(store)
        reset_settings_cache()
        self.store = ModelStore(load_settings().model_store)
        registry = make_default_registry(self.store)
        install_fakes(registry, self.store, self.outside / "fake-weights")
        self.model = self._big_model()
        registry.register(self.model, replace=True)
        registry_module._default = registry
        # side-loaded, so that `models pull` (which reads the catalog and the store's manifests) knows it
        self.store.user_catalog_dir().mkdir(parents=True, exist_ok=True)
        (self.store.user_catalog_dir() / "fault-model.toml").write_text(manifest_to_toml(self.model), "utf-8")
        self.gguf = self.outside / "site.gguf"
        self.gguf.write_bytes(b"GGUF" + b"\x01" * (3 << 20))

    def _big_model(self) -> Any:
        """A 3-part, 12 MiB model whose parts lie outside the store (bigger than the tmpfs)."""
        from tests.unit.trust._fault_worker import manifest

        return manifest(self.outside)

    # -- running ------------------------------------------------------------------------------
    def cli(self, args: list[str]) -> dict[str, Any]:
        """Run one command in-process through the real CLI (production error boundary)."""
        from click.testing import CliRunner

        from edge_assist.cli import cli

        result = CliRunner().invoke(cli, args)
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        return {"args": args, "exit": result.exit_code, "stdout": result.stdout[-300:],
                "stderr": result.stderr[-1500:],
                "traceback": "".join(traceback.format_exception(result.exception)) if crashed else ""}

    def process(self, args: list[str], stdout: Path) -> dict[str, Any]:
        """Run ``python -m edge_assist ARGS > stdout`` as a real process (history off: output only)."""
        env = {**os.environ, "EDGE_ASSIST_HISTORY__ENABLED": "false"}
        with stdout.open("wb") as out:
            done = subprocess.run([sys.executable, "-m", "edge_assist", *args], stdout=out, env=env,
                                  stderr=subprocess.PIPE, cwd=ROOT, timeout=300, check=False)
        stderr = done.stderr.decode("utf-8", "replace")
        return {"args": [*args, ">", stdout.name], "exit": done.returncode, "stderr": stderr[-1500:],
                "traceback": stderr if "Traceback" in stderr else ""}

    def baseline(self) -> list[dict[str, Any]]:
        return [self.cli(["index", "add", str(CORPUS / "gout.md"), "--pack", "demo"]),
                self.cli(["extract", str(NOTE)])]

    def writers(self) -> list[dict[str, Any]]:
        """Every kind of write the user dir takes: index, history, model store, exports into it."""
        return [
            self.cli(["index", "add", str(CORPUS), "--pack", "demo"]),
            self.cli(["extract", str(NOTE)]),  # history on: the extraction is sealed into history.db
            self.cli(["history", "export", str(self.home / "history.jsonl")]),
            self.cli(["index", "export", "demo", str(self.home / "demo.zip")]),
            self.cli(["models", "pull", "fault-model", "--no-install"]),
            self.cli(["models", "add", str(self.gguf), "--task", "chat", "--id", "site-big"]),
        ]

    def exports(self, target: Path) -> list[dict[str, Any]]:
        """Exports from a healthy user dir onto the disk at ``target`` (a full USB stick, say)."""
        return [
            self.cli(["history", "export", str(target / "history.jsonl")]),
            self.cli(["history", "export", str(target / "history-deid.jsonl"), "--deidentified"]),
            self.cli(["index", "export", "demo", str(target / "demo.zip")]),
            self.process(["note", str(ENCOUNTER)], target / "note.txt"),
            self.process(["note", str(ENCOUNTER), "--json"], target / "note.json"),
            self.process(["extract", str(NOTE), "--json"], target / "extract.json"),
            self.process(["extract", str(NOTE), "--fhir"], target / "extract.fhir.json"),
        ]

    def resume(self) -> list[dict[str, Any]]:
        return [self.cli(["index", "add", str(CORPUS), "--pack", "demo"]),
                self.cli(["extract", str(NOTE)]),
                self.cli(["models", "pull", "fault-model", "--no-install"])]

    # -- inspecting -----------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        from edge_assist.index import EvidenceIndex
        from edge_assist.trust.audit import verify
        from edge_assist.trust.history import History

        integrity = {name: _integrity(self.home / name) for name in ("index.db", "history.db")}
        with EvidenceIndex(self.home / "index.db") as ix:
            docs = ix.documents()
        with History(self.home / "history.db", key_source="passphrase") as h:
            entries = h.entries()
            readable = all(h.get(e.id)["kind"] == "extract" for e in entries)
        audit = verify(self.home / "audit.jsonl")
        partial = sorted(str(p.relative_to(self.tmp)) for p in self.tmp.rglob("*")
                         if p.name.startswith(".partial-") or p.name.endswith((".partial", ".tmp")))
        return {"integrity": integrity, "documents": len(docs),
                "half_documents": sum(1 for d in docs if d["chunks"] == 0),
                "history": len(entries), "history_readable": readable, "partial_files": partial,
                "audit_ok": audit.ok, "audit_problems": audit.problems, "audit_entries": audit.entries,
                "model_ready": self.store.verify(self.model)}


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _full(tmp: Path) -> dict[str, Any]:
    d = Driver(tmp)
    d.mount(d.home, "32m")
    d.setup()
    d.baseline()
    before = d.state()
    d.fill()
    faulted = d.writers()
    d.unfill()
    stick = tmp / "stick"
    d.mount(stick, "16k")
    d.fill(stick / "filler.bin")
    faulted += d.exports(stick)
    after = d.state()
    after["partial_files"] += sorted(p.name for p in [*d.home.iterdir(), *stick.iterdir()]
                                     if p.name.startswith(("history", "demo", "note", "extract"))
                                     and p.suffix in (".jsonl", ".zip"))
    resumed = d.resume()
    final = d.state() | {"corpus_documents": _corpus_documents(d)}
    return {"before": before, "faulted": faulted, "after": after, "resumed": resumed, "final": final}


def _readonly(tmp: Path) -> dict[str, Any]:
    d = Driver(tmp)
    d.mount(d.home, "64m")
    d.setup()
    d.baseline()
    before = d.state()
    d.remount(d.home, "ro")
    faulted = [*d.writers(), d.cli(["index", "search", "gout flare"]), d.cli(["audit", "verify"])]
    d.remount(d.home, "rw")
    after = d.state()
    resumed = d.resume()
    final = d.state() | {"corpus_documents": _corpus_documents(d)}
    return {"before": before, "faulted": faulted, "after": after, "resumed": resumed, "final": final}


def _store(tmp: Path) -> dict[str, Any]:
    d = Driver(tmp)
    store = tmp / "store"
    d.mount(store, "64m")
    d.setup(store=store)
    d.cli(["index", "add", str(CORPUS / "gout.md"), "--pack", "demo"])
    d.cli(["models", "pull", "fault-model", "--no-install"])
    for model_dir in (d.store.model_dir(d.model), store / "fake-chat", store / "fake-embed"):
        (model_dir / ".verified.json").unlink()  # loading must re-hash, and cannot cache the verdict
    d.remount(store, "ro")
    faulted = [d.cli(["models", "add", str(d.gguf), "--task", "chat", "--id", "site-big"]),
               d.cli(["models", "pull", "qwen2.5-coder-0.5b-instruct-q4_k_m", "--no-install"])]
    working = [d.cli(["ask", "What treats a gout flare?"]), d.cli(["models", "verify", "fault-model"]),
               d.cli(["models", "info", "fault-model"]), d.cli(["models", "list"]),
               d.cli(["index", "search", "gout flare"])]
    partial = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*")
                     if p.name.startswith(".partial-") or p.name.endswith((".partial", ".tmp")))
    return {"faulted": faulted, "working": working, "after": {"partial_files": partial}}


def _corpus_documents(d: Driver) -> int:
    from edge_assist.index import EvidenceIndex
    from edge_assist.index.ingest import add_paths
    from edge_assist.models.fakes import FakeEmbedder, fake_manifest

    with EvidenceIndex() as ix:  # the same corpus into a scratch in-memory index: how many documents
        add_paths(ix, [CORPUS], FakeEmbedder(fake_manifest("embed", d.outside / "count")))
        return len(ix.documents())


def main() -> None:
    scenario, tmp = sys.argv[1], Path(sys.argv[2])
    report = {"full": _full, "readonly": _readonly, "store": _store}[scenario](tmp)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
