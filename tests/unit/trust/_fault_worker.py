"""Workers that the fault tests SIGKILL mid-way: each prints a line after every unit of work.

Run as ``python -m tests.unit.trust._fault_worker KIND DIR [COUNT]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

DOCS = 120


class TinyEmbedder:
    """A deterministic 16-dimension embedder (no model, no registry)."""

    id = "fault-embed"

    def embed_batch(self, texts):  # type: ignore[no-untyped-def]
        return [[float((hash(t) >> i) & 7) + 1.0 for i in range(16)] for t in texts]


def documents():  # type: ignore[no-untyped-def]
    from edge_assist.index.types import Document

    for i in range(DOCS):
        body = "\n\n".join(f"## Section {j}\n" + f"Doc {i} paragraph {j} about gout and renal dosing. " * 20
                           for j in range(4))
        yield Document(source=f"doc-{i:04d}.md", text=f"# Guideline {i}\n\n{body}", title=f"G{i}")


def index(folder: Path) -> None:
    from edge_assist.index import EvidenceIndex

    with EvidenceIndex(folder / "index.db") as ix:
        for doc in documents():
            ix.add_document(doc, TinyEmbedder(), pack="faults")
            print("doc", flush=True)


def history(folder: Path) -> None:
    from edge_assist.trust.history import History

    with History(folder / "history.db", scrypt_n=2**10, max_entries=100_000) as h:
        for n in range(100_000):
            h.record("note", {"n": n, "text": "x" * 2000})
            print("entry", flush=True)


def audit(folder: Path) -> None:
    from edge_assist.trust.audit import append

    for n in range(100_000):
        append(folder / "audit.jsonl", "test", {"n": n})
        print("entry", flush=True)


def assemble(folder: Path) -> None:
    from edge_assist.models.store import ModelStore

    def slow(n: int) -> None:
        print("chunk", flush=True)
        time.sleep(0.02)

    ModelStore(folder / "store").pull(manifest(folder), install=False, progress=slow)
    print("done", flush=True)


def manifest(folder: Path):  # type: ignore[no-untyped-def]
    """A 3-part model whose parts are files in ``folder`` (12 MiB in all)."""
    import hashlib

    from edge_assist.models.manifest import ModelFile, ModelManifest

    digest, parts = hashlib.sha256(), []
    for i in range(3):
        part = folder / f"part{i}"
        if not part.exists():
            part.write_bytes(bytes([i + 1]) * (4 << 20))
        digest.update(part.read_bytes())
        parts.append(f"file:{part}")
    return ModelManifest(id="fault-model", name="Fault model", task="chat", format="fake", licence="test",
                         files=[ModelFile(name="model.bin", sha256=digest.hexdigest(), size=12 << 20,
                                          parts=parts)], source="test")


if __name__ == "__main__":
    {"index": index, "history": history, "audit": audit, "assemble": assemble}[sys.argv[1]](Path(sys.argv[2]))
