"""Evidence packs: one file a site can copy to air-gapped kiosks.

A pack is a zip holding ``manifest.json`` (pack name, version, licence, the
embedding model, and every document's SHA-256 and licence) and
``documents.jsonl`` (text, provenance, chunks and their float32 vectors). On
import the file's hash and each document's hash are checked before anything is
written; vectors are reused when the kiosk embeds with the same model and
recomputed otherwise, so a pack never mixes vector spaces.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from edge_assist.errors import InputError, storage_error
from edge_assist.index.db import serialize
from edge_assist.index.search import float_vectors
from edge_assist.index.store import EmbedderLike, EvidenceIndex
from edge_assist.index.types import Chunk, Document, IngestReport, content_hash

FORMAT = "edge-assist-evidence-pack"
FORMAT_VERSION = 1
_DOC_FIELDS = ("source", "title", "date", "publisher", "licence", "doi", "url")


def export_pack(index: EvidenceIndex, pack: str, path: Path) -> dict[str, Any]:
    """Write pack ``pack`` to ``path``; returns its manifest.

    Raises:
        InputError: no documents in that pack.
    """
    rows = index.conn.execute(
        "SELECT d.id, co.id, co.name, co.model, co.dimensions, co.quantization, d.source, d.title, "
        "d.date, d.publisher, d.licence, d.doi, d.url, d.pack_version FROM documents d "
        "JOIN collections co ON co.id = d.collection_id WHERE d.pack = ? ORDER BY d.source",
        (pack,)).fetchall()
    if not rows:
        raise InputError(f"no pack called {pack!r} in the index", "see: edge-assist index list")
    lines = [json.dumps(_doc_record(index, row), ensure_ascii=False) for row in rows]
    body = ("\n".join(lines) + "\n").encode("utf-8")
    manifest = _manifest(index, pack, rows, lines, hashlib.sha256(body).hexdigest())
    _write_zip(path, {"manifest.json": json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"),
                      "documents.jsonl": body})
    return manifest


def _write_zip(path: Path, members: dict[str, bytes]) -> None:
    """Write the zip beside ``path`` and rename it into place: a full disk leaves no half pack.

    Raises:
        StorageError: the disk is full or read-only.
    """
    tmp = path.with_name(f".partial-{path.name}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in members.items():
                zf.writestr(name, data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        mapped = storage_error(exc, path, "the pack")
        if mapped is None:
            raise
        raise mapped from None


def _doc_record(index: EvidenceIndex, row: tuple[Any, ...]) -> dict[str, Any]:
    doc_id, coll_id, quant = row[0], row[1], row[5]
    chunks = index.conn.execute("SELECT id, section, text FROM chunks WHERE document_id = ? "
                                "ORDER BY ord", (doc_id,)).fetchall()
    vectors = float_vectors(index.conn, coll_id, quant, [c[0] for c in chunks])
    text = "\n\n".join(c[2] for c in chunks)
    record = dict(zip(_DOC_FIELDS, row[6:13], strict=True))
    record |= {"collection": row[2], "content_hash": content_hash(text), "text": text,
               "chunks": [{"section": s, "text": t,
                           "vector": base64.b64encode(serialize(vectors[cid])).decode()}
                          for cid, s, t in chunks]}
    return record


def _manifest(index: EvidenceIndex, pack: str, rows: list[tuple[Any, ...]], lines: list[str],
              digest: str) -> dict[str, Any]:
    info = index.conn.execute("SELECT version, licence, description FROM packs WHERE name = ?",
                              (pack,)).fetchone() or (rows[0][13] or "1", "", "")
    collections = {r[2]: {"model": r[3], "dimensions": r[4], "quantization": r[5]} for r in rows}
    documents = []
    for line in lines:
        rec = json.loads(line)
        documents.append({k: rec[k] for k in ("source", "title", "licence", "doi", "collection",
                                              "content_hash")})
    return {"format": FORMAT, "format_version": FORMAT_VERSION,
            "pack": {"name": pack, "version": info[0], "licence": info[1], "description": info[2]},
            "collections": collections, "documents": documents,
            "files": {"documents.jsonl": digest}}


def import_pack(index: EvidenceIndex, path: Path, embedder: EmbedderLike) -> IngestReport:
    """Check and add the pack at ``path``.

    Raises:
        InputError: not a pack, a hash mismatch (corrupt or tampered), or a
            newer pack format.
    """
    manifest, body = _read_pack(path)
    pack = manifest["pack"]
    index.set_pack(pack["name"], str(pack["version"]), pack.get("licence", ""),
                   pack.get("description", ""))
    report = IngestReport()
    for record in _records(body, manifest):
        coll = record["collection"]
        meta = manifest["collections"][coll]
        index.ensure_collection(coll, embedder, meta.get("quantization", "float"))
        doc = Document(**{k: record.get(k, "") for k in _DOC_FIELDS}, text=record["text"])
        chunks = [Chunk(c["section"], c["text"]) for c in record["chunks"]]
        vectors = ([_unpack_vector(c["vector"]) for c in record["chunks"]]
                   if meta["model"] == embedder.id else None)
        outcome = index.add_document(doc, embedder, coll, pack["name"], str(pack["version"]),
                                     chunks=chunks, vectors=vectors)
        {"added": report.added, "updated": report.updated, "unchanged": report.unchanged,
         "duplicate": report.duplicates}[outcome].append(doc.source)
        report.chunks += len(chunks) if outcome in ("added", "updated") else 0
    return report


def _read_pack(path: Path) -> tuple[dict[str, Any], bytes]:
    if not path.is_file():
        raise InputError(f"no such pack file: {path}")
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
            body = zf.read("documents.jsonl")
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, OSError):
        raise InputError(f"{path.name} is not an edge-assist evidence pack",
                         "make one with: edge-assist index export PACK FILE") from None
    if manifest.get("format") != FORMAT:
        raise InputError(f"{path.name} is not an edge-assist evidence pack")
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise InputError(f"{path.name} uses a newer pack format", "upgrade edge-assist")
    if hashlib.sha256(body).hexdigest() != manifest["files"]["documents.jsonl"]:
        raise InputError(f"{path.name}: documents.jsonl does not match its SHA-256 in the manifest",
                         "the pack is corrupt or was modified; export it again")
    return manifest, body


def _records(body: bytes, manifest: dict[str, Any]) -> Iterator[dict[str, Any]]:
    expected = {d["source"]: d["content_hash"] for d in manifest["documents"]}
    records = [json.loads(line) for line in body.decode("utf-8").splitlines() if line.strip()]
    for rec in records:  # check everything before writing anything
        if expected.get(rec["source"]) != content_hash(rec["text"]):
            raise InputError(f"pack document {rec['source']} does not match its manifest hash",
                             "the pack is corrupt or was modified; export it again")
    yield from records


def _unpack_vector(encoded: str) -> Any:
    import numpy as np

    return np.frombuffer(base64.b64decode(encoded), dtype="<f4")

