"""ICD-10-CM suggestions for problems: a lookup shipped with the lexicon, the library for the rest.

Why a shipped lookup: importing ``simple-icd-10-cm`` and indexing its 74,000
descriptions takes ~3 s (measured on 2 shared cores), and that was nearly all
of the first ``extract`` call. Problems come only from the lexicon in
``rules/clinical.json``, so their suggestions are fixed data: they are
computed offline by :func:`build_lookup` into ``rules/icd10_lookup.json``
(read once, a few kB), and a unit test checks that file against the library.
The library is loaded, once, only for a term the file lacks (a lexicon edited
without regenerating the lookup).

"Plus the index": when the caller has an evidence index with the ``icd10cm``
collection (``edge-assist index build-default``), :func:`index_suggestions`
ranks ICD-10-CM codes for a problem the lookup leaves uncoded by a hybrid
search of its text. Extraction sits below the index layer, so the index comes
in through the small :class:`CodeIndex` protocol, never by import. Regenerate
the lookup with::

    python -c "import json, edge_assist.extract.icd10 as m; print(json.dumps(m.build_lookup(), indent=1))" \\
        > edge_assist/extract/rules/icd10_lookup.json
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

from edge_assist.extract.lexicon import check_keys, read_rules_file
from edge_assist.extract.types import Code

ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
LOOKUP_FILE = "icd10_lookup.json"
ICD_COLLECTION = "icd10cm"  # the collection edge_assist.index.defaults builds
_CHUNK = re.compile(r"([A-Z][0-9][0-9AB](?:\.[0-9A-Z]{1,4})?)\s+(.+)", re.DOTALL)


class HitLike(Protocol):
    """What extraction reads of a search hit: its chunk text ("I10 Essential ...") and score."""

    @property
    def text(self) -> str: ...

    @property
    def score(self) -> float: ...


class NamedLike(Protocol):
    """A collection, as far as extraction cares: its name."""

    @property
    def name(self) -> str: ...


class CodeIndex(Protocol):
    """The part of :class:`edge_assist.index.EvidenceIndex` that ICD suggestions use."""

    def collections(self) -> Sequence[NamedLike]: ...

    def search(self, query: str, embedder: Any = None, collection: str = ...,
               k: int = ...) -> Sequence[HitLike]: ...


def has_icd_collection(index: CodeIndex) -> bool:
    """Whether ``index`` holds the ICD-10-CM collection."""
    return any(c.name == ICD_COLLECTION for c in index.collections())


def index_suggestions(index: CodeIndex, term: str, embedder: Any = None, k: int = 3) -> list[Code]:
    """Top-``k`` ICD-10-CM codes for ``term`` from a search of the index's ``icd10cm`` collection.

    Hybrid (BM25 + vectors) with an embedder, BM25 alone without one. Hits whose
    chunk does not start with a code are skipped; each code appears once.

    Raises:
        EdgeAssistError: whatever the index raises (no collection, wrong embedder).
    """
    out: list[Code] = []
    for hit in index.search(term, embedder, collection=ICD_COLLECTION, k=k):
        m = _CHUNK.match(hit.text.strip())
        if m and all(c.code != m[1] for c in out):
            out.append(Code(system=ICD10_SYSTEM, code=m[1], display=" ".join(m[2].split()),
                            source="index", score=round(float(hit.score), 6)))
    return out


def icd10_suggestions(term: str, code: str = "") -> list[Code]:
    """ICD-10-CM suggestions for a problem: the lexicon code, else an exact description match.

    Args:
        term: the problem's canonical term.
        code: the code the lexicon gives it ("" when none).

    Returns:
        Codes with their official descriptions; empty when ICD-10-CM has none.
    """
    pairs = _lookup().get((term, code))
    if pairs is None:
        pairs = _from_library(term, code)
    return [Code(system=ICD10_SYSTEM, code=c, display=display) for c, display in pairs]


def build_lookup() -> dict[str, Any]:
    """The contents of ``rules/icd10_lookup.json``, computed with ``simple-icd-10-cm`` (~3 s)."""
    problems = read_rules_file("clinical.json")["problems"]  # keys checked by ClinicalLexicon
    pairs = dict.fromkeys((item["term"], item["code"]) for item in problems)
    entries = [{"term": term, "code": code, "suggestions": [list(p) for p in _from_library(term, code)]}
               for term, code in pairs]
    return {"description": "ICD-10-CM suggestions for the problems in clinical.json, built by "
                           "edge_assist.extract.icd10.build_lookup() from simple-icd-10-cm",
            "entries": entries}


@lru_cache(maxsize=1)
def _lookup() -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    data = read_rules_file(LOOKUP_FILE)
    check_keys(LOOKUP_FILE, data, {"entries"}, {"description"})
    table = {}
    for i, item in enumerate(data["entries"]):
        check_keys(f"{LOOKUP_FILE} entry {i}", item, {"term", "code", "suggestions"}, set())
        table[item["term"], item["code"]] = tuple((str(c), str(d)) for c, d in item["suggestions"])
    return table


def _from_library(term: str, code: str) -> tuple[tuple[str, str], ...]:
    icd = _icd()
    codes = [code] if code and icd.is_valid_item(code) else []
    exact = _descriptions().get(_norm(term))
    if exact and exact not in codes:
        codes.append(exact)
    return tuple((c, icd.get_description(c)) for c in codes)


@lru_cache(maxsize=1)
def _icd() -> Any:
    import simple_icd_10_cm

    return simple_icd_10_cm


@lru_cache(maxsize=1)
def _descriptions() -> dict[str, str]:
    icd = _icd()
    return {_norm(icd.get_description(code)): code for code in icd.get_all_codes(with_dots=True)
            if icd.is_leaf(code)}


def _norm(phrase: str) -> str:
    return " ".join(phrase.lower().split())
