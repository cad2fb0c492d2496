"""Evidence packs: export, verified import, tamper detection, and the default pack."""

from __future__ import annotations

import json
import zipfile

import pytest

from edge_assist.errors import InputError
from edge_assist.index import EvidenceIndex
from edge_assist.index.defaults import build_default, guideline_documents
from edge_assist.index.ingest import add_paths
from edge_assist.index.packs import export_pack, import_pack

from .conftest import CORPUS


def test_round_trip_to_a_fresh_index(tmp_path, index, embedder) -> None:
    """Export then import elsewhere gives the same documents and search results."""
    add_paths(index, [CORPUS], embedder, pack="demo", licence="CC-BY-4.0")
    manifest = export_pack(index, "demo", tmp_path / "demo.eapack")
    assert len(manifest["documents"]) == 6
    assert {d["licence"] for d in manifest["documents"]} == {"CC-BY-4.0"}
    with EvidenceIndex() as kiosk:
        report = import_pack(kiosk, tmp_path / "demo.eapack", embedder)
        assert len(report.added) == 6
        hit = kiosk.search("CURB-65 severity", embedder)[0]
        assert hit.section == "Community Acquired Pneumonia > Severity"
        assert kiosk.stats()["packs"][0]["licence"] == "CC-BY-4.0"
        again = import_pack(kiosk, tmp_path / "demo.eapack", embedder)
        assert again.added == [] and len(again.unchanged) == 6


def test_tampered_pack_is_refused(tmp_path, index, embedder) -> None:
    """Changing one byte of the documents fails the manifest hash; nothing is written."""
    add_paths(index, [CORPUS], embedder, pack="demo")
    path = tmp_path / "demo.eapack"
    export_pack(index, "demo", path)
    with zipfile.ZipFile(path) as zf:
        manifest, body = zf.read("manifest.json"), zf.read("documents.jsonl")
    bad = tmp_path / "bad.eapack"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("manifest.json", manifest)
        zf.writestr("documents.jsonl", body.replace(b"Colchicine", b"Cyanide!!!"))
    with EvidenceIndex() as kiosk, pytest.raises(InputError, match="SHA-256"):
        import_pack(kiosk, bad, embedder)


def test_not_a_pack_and_unknown_pack(tmp_path, index) -> None:
    """Clear errors for a random file and a pack name that does not exist."""
    junk = tmp_path / "x.eapack"
    junk.write_text("hello")
    with pytest.raises(InputError, match="not an edge-assist evidence pack"):
        import_pack(index, junk, None)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="no pack"):
        export_pack(index, "nope", tmp_path / "y.eapack")


def test_manifest_lists_hashes(tmp_path, index, embedder) -> None:
    """Every document in the manifest has a SHA-256."""
    add_paths(index, [CORPUS], embedder, pack="demo")
    export_pack(index, "demo", tmp_path / "p.eapack")
    with zipfile.ZipFile(tmp_path / "p.eapack") as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert all(len(d["content_hash"]) == 64 for d in manifest["documents"])
    assert manifest["collections"]["guidelines"]["model"] == "fake-embed"


def test_default_pack_has_43_guidelines_with_dois(index, embedder) -> None:
    """open-medicine's guideline summaries go in with their DOIs; a rebuild changes nothing."""
    docs = list(guideline_documents())
    assert len({d.source.split("/")[0] for d in docs}) == 43
    assert all(d.doi for d in docs)
    report = build_default(index, embedder, icd=False)
    assert len(report.added) == len(docs)
    assert build_default(index, embedder, icd=False).added == []
    hit = index.search("CURB-65 pneumonia severity", embedder)[0]
    assert hit.doi and hit.url.startswith("https://doi.org/")
