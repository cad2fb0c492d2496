"""EvidenceIndex: migrations, hybrid search, de-duplication, model pinning, removal."""

from __future__ import annotations

import pytest

from edge_assist.errors import IndexNotBuiltError, IndexSchemaError, InputError
from edge_assist.index import Document, EvidenceIndex, connect
from edge_assist.index.ingest import add_documents
from edge_assist.index.migrations import MIGRATIONS

GOUT = Document("gout.md", "# Gout\n\n## Flares\n\nColchicine is first-line therapy for a gout flare.",
                title="ACR Gout", doi="10.1002/art.41247", licence="MIT", publisher="ACR", date="2020")
CAP = Document("cap.md", "# Pneumonia\n\n## Severity\n\nCURB-65 scores confusion, urea, respiration, "
               "blood pressure and age.", title="BTS CAP")


def test_migrations_are_recorded_once(tmp_path) -> None:
    """Opening twice applies nothing new; WAL is on."""
    path = tmp_path / "ix.db"
    conn = connect(path)
    names = [r[0] for r in conn.execute("SELECT name FROM _migrations")]
    assert names == [m.__name__ for m in MIGRATIONS]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    conn = connect(path)
    assert conn.execute("SELECT count(*) FROM _migrations").fetchone()[0] == len(MIGRATIONS)


def test_newer_schema_is_refused(tmp_path) -> None:
    """A database from a newer version raises IndexSchemaError, not a crash."""
    path = tmp_path / "ix.db"
    connect(path).execute("INSERT INTO _migrations (name) VALUES ('m999_future')")
    with pytest.raises(IndexSchemaError):
        connect(path)


def test_not_a_database_is_refused(tmp_path) -> None:
    """A garbage file is a typed error with a fix."""
    path = tmp_path / "ix.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(IndexSchemaError, match="not a usable"):
        connect(path)


def test_hybrid_search_finds_and_cites(index, embedder) -> None:
    """The right chunk comes first with its section path and provenance."""
    add_documents(index, [GOUT, CAP], embedder)
    hit = index.search("colchicine for gout flare", embedder, k=2)[0]
    assert hit.source == "gout.md"
    assert hit.section == "Gout > Flares"
    assert (hit.doi, hit.licence, hit.publisher, hit.date) == ("10.1002/art.41247", "MIT", "ACR", "2020")
    assert hit.bm25_rank == 1
    assert hit.score > 0


def test_bm25_only_without_embedder(index, embedder) -> None:
    """Search works lexically when no embedder is given."""
    add_documents(index, [GOUT, CAP], embedder)
    hits = index.search("CURB-65 severity", None)
    assert hits[0].source == "cap.md"
    assert hits[0].vector_rank is None


def test_fts_syntax_in_query_is_harmless(index, embedder) -> None:
    """Quotes, stars and operators in a query are searched as words, never parsed."""
    add_documents(index, [GOUT], embedder)
    assert index.search('gout" OR NEAR(* AND', embedder)[0].source == "gout.md"


def test_duplicate_ingest_is_skipped(index, embedder) -> None:
    """Same source and text: unchanged; same text elsewhere: duplicate; no extra chunks."""
    add_documents(index, [GOUT], embedder)
    before = index.stats()["collections"][0]["chunks"]
    report = add_documents(index, [GOUT, Document("copy.md", GOUT.text)], embedder)
    assert report.unchanged == ["gout.md"] and report.duplicates == ["copy.md"]
    assert index.stats()["collections"][0]["chunks"] == before


def test_changed_source_is_replaced(index, embedder) -> None:
    """New text under the same source replaces the old chunks."""
    add_documents(index, [GOUT], embedder)
    report = add_documents(index, [Document("gout.md", "# Gout\n\nFebuxostat is an alternative.")],
                           embedder)
    assert report.updated == ["gout.md"]
    assert index.search("febuxostat", embedder)[0].source == "gout.md"
    assert not [h for h in index.search("colchicine", None) if "Colchicine" in h.text]


def test_other_embedder_is_refused(index, embedder) -> None:
    """A collection is pinned to its embedding model."""
    add_documents(index, [GOUT], embedder)

    class Other:
        id = "other-model"

        def embed_batch(self, texts):
            return [[0.0] * 16 for _ in texts]

    with pytest.raises(IndexSchemaError, match="fake-embed"):
        index.search("gout", Other())
    with pytest.raises(IndexSchemaError):
        add_documents(index, [CAP], Other())


def test_remove_by_pack_and_source(index, embedder) -> None:
    """Removal deletes chunks, FTS rows and vectors together."""
    add_documents(index, [GOUT], embedder, pack="a")
    add_documents(index, [CAP], embedder, pack="b")
    assert index.remove(pack="a") == 1
    assert index.search("colchicine gout", embedder)[0].source == "cap.md"
    assert index.remove(source="cap.md") == 1
    assert index.search("colchicine gout", embedder) == []
    assert index.conn.execute("SELECT count(*) FROM vec_1").fetchone()[0] == 0


def test_remove_needs_a_selector(index) -> None:
    """rm with nothing to select by is an input error, not a wipe."""
    with pytest.raises(InputError):
        index.remove()


@pytest.mark.parametrize("quantization", ["int8", "bit"])
def test_quantized_collections_rerank_on_floats(index, embedder, quantization) -> None:
    """int8 and binary vectors find the same document, with exact cosine similarity."""
    index.ensure_collection("q", embedder, quantization)
    add_documents(index, [GOUT, CAP], embedder, collection="q")
    hit = index.search("colchicine gout flare", embedder, collection="q")[0]
    assert hit.source == "gout.md"
    assert 0 < hit.similarity <= 1


def test_unknown_collection_and_empty_query(index, embedder) -> None:
    """Typed errors for a missing collection and an empty query."""
    with pytest.raises(IndexNotBuiltError):
        index.search("gout", embedder, collection="nope")
    with pytest.raises(InputError):
        index.search("   ", embedder)


def test_open_existing_needs_a_file(tmp_path) -> None:
    """Asking before building says how to build."""
    with pytest.raises(IndexNotBuiltError, match="build-default"):
        EvidenceIndex.open_existing(tmp_path / "none.db")


def test_tracer_sees_sql(embedder) -> None:
    """The tracer hook receives statements."""
    seen: list[str] = []
    with EvidenceIndex(tracer=seen.append) as ix:
        add_documents(ix, [GOUT], embedder)
    assert any("INSERT INTO chunks" in s for s in seen)
