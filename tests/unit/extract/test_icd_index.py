"""ICD-10-CM suggestions "plus the index": uncoded problems get ranked codes from the icd10cm collection."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from edge_assist.errors import IndexNotBuiltError
from edge_assist.extract import pipeline
from edge_assist.extract.icd10 import ICD10_SYSTEM, index_suggestions
from edge_assist.extract.pipeline import extract

NOTE = "Gout flare in the right toe. History of hypertension."


@dataclass
class _Hit:
    text: str
    score: float


@dataclass
class _Named:
    name: str


@dataclass
class FakeIndex:
    """Just the CodeIndex protocol: collections() and search(), recording the calls."""

    names: tuple[str, ...] = ("default", "icd10cm")
    hits: tuple[_Hit, ...] = (_Hit("M10.9 Gout, unspecified", 0.03), _Hit("not a code line", 0.02),
                              _Hit("M10.9 Gout, unspecified", 0.01), _Hit("M1A.9XX0 Chronic gout", 0.01))
    calls: list[tuple[str, Any, str, int]] = field(default_factory=list)

    def collections(self) -> list[_Named]:
        return [_Named(n) for n in self.names]

    def search(self, query: str, embedder: Any = None, collection: str = "default",
               k: int = 5) -> list[_Hit]:
        self.calls.append((query, embedder, collection, k))
        return list(self.hits[:k])


@pytest.fixture
def gout_uncoded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend the shipped lookup has nothing for gout (a lexicon edited without regenerating)."""
    real = pipeline.icd10_suggestions
    monkeypatch.setattr(pipeline, "icd10_suggestions",
                        lambda term, code="": [] if term == "gout" else real(term, code))


def test_index_suggestions_parse_codes_and_keep_scores() -> None:
    """Chunk text "CODE description" becomes a Code marked source=index, duplicates dropped."""
    codes = index_suggestions(FakeIndex(), "gout", k=4)
    assert [(c.system, c.code, c.display, c.source, c.score) for c in codes] == [
        (ICD10_SYSTEM, "M10.9", "Gout, unspecified", "index", 0.03),
        (ICD10_SYSTEM, "M1A.9XX0", "Chronic gout", "index", 0.01)]


def test_lexicon_codes_are_marked_lexicon_and_skip_the_index() -> None:
    """Every problem the lookup covers keeps its lexicon codes; the index is not even asked."""
    index = FakeIndex()
    result = extract(NOTE, index=index, embedder=lambda: pytest.fail("embedder loaded"))
    assert result.problems and all(c.source == "lexicon" and c.score is None
                                   for p in result.problems for c in p.icd10)
    assert index.calls == []


def test_uncoded_problems_get_index_codes(gout_uncoded: None) -> None:
    """An uncoded problem is searched by its normalized term, in icd10cm, with the embedder."""
    index = FakeIndex()
    loads = []
    result = extract(NOTE, index=index, embedder=lambda: loads.append(1) or "EMB", icd_k=2)
    gout = next(p for p in result.problems if p.normalized == "gout")
    assert [(c.code, c.source) for c in gout.icd10] == [("M10.9", "index")]  # 2nd hit: no code
    assert index.calls == [("gout", "EMB", "icd10cm", 2)] and loads == [1]
    htn = next(p for p in result.problems if p.normalized == "hypertension")
    assert [(c.code, c.source) for c in htn.icd10] == [("I10", "lexicon")]


def test_no_icd_collection_means_no_search(gout_uncoded: None) -> None:
    """An index without icd10cm leaves the problem uncoded, silently."""
    index = FakeIndex(names=("default",))
    result = extract(NOTE, index=index)
    assert next(p for p in result.problems if p.normalized == "gout").icd10 == []
    assert index.calls == [] and result.warnings == []


def test_index_errors_become_warnings(gout_uncoded: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing search or embedder never fails extraction: it is reported in warnings."""
    index = FakeIndex()

    def broken(*args: object, **kwargs: object) -> list[_Hit]:
        raise IndexNotBuiltError("no collection 'icd10cm'")

    def no_model() -> object:
        raise IndexNotBuiltError("embedder missing")

    monkeypatch.setattr(index, "search", broken)
    result = extract(NOTE, index=index, embedder=no_model)
    assert any("keywords only" in w for w in result.warnings)
    assert any("index search skipped" in w for w in result.warnings)
    assert "Gout" not in " ".join(result.warnings)  # no patient text in the messages


def test_rules_path_is_deterministic_without_index() -> None:
    """Same note, same result; no index argument changes nothing."""
    assert extract(NOTE).model_dump() == extract(NOTE, index=None).model_dump()


def test_assistant_extract_never_creates_an_index(assistant: Any) -> None:
    """Without an index file, extract works and leaves no index behind."""
    result = assistant.extract(NOTE)
    assert result.problems and not assistant.settings.index_path.exists()


def test_assistant_extract_uses_a_built_icd_collection(assistant: Any, gout_uncoded: None) -> None:
    """With an index holding icd10cm, an uncoded problem gets hybrid-search codes."""
    from edge_assist.index import Chunk, Document, EvidenceIndex

    index = EvidenceIndex(assistant.settings.index_path)
    embedder = assistant.embedder
    index.ensure_collection("icd10cm", embedder, "bit")
    chunks = [Chunk("Gout", "M10.9 Gout, unspecified"),
              Chunk("Gout", "M10.00 Idiopathic gout, unspecified site")]
    index.add_document(Document(source="icd-10-cm:M10", text="\n".join(c.text for c in chunks)),
                       embedder, "icd10cm", "icd-10-cm", "1", chunks=chunks)
    index.close()
    gout = next(p for p in assistant.extract(NOTE).problems if p.normalized == "gout")
    assert gout.icd10 and {c.source for c in gout.icd10} == {"index"}
    assert gout.icd10[0].code.startswith("M10") and gout.icd10[0].score is not None
