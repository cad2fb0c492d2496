"""ICD-10-CM suggestions for problems: a lookup shipped with the lexicon, the library for the rest.

Why a shipped lookup: importing ``simple-icd-10-cm`` and indexing its 74,000
descriptions takes ~3 s (measured on 2 shared cores), and that was nearly all
of the first ``extract`` call. Problems come only from the lexicon in
``rules/clinical.json``, so their suggestions are fixed data: they are
computed offline by :func:`build_lookup` into ``rules/icd10_lookup.json``
(read once, a few kB), and a unit test checks that file against the library.
The library is loaded, once, only for a term the file lacks (a lexicon edited
without regenerating the lookup). Regenerate with::

    python -c "import json, edge_assist.extract.icd10 as m; print(json.dumps(m.build_lookup(), indent=1))" \\
        > edge_assist/extract/rules/icd10_lookup.json
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from edge_assist.extract.lexicon import check_keys, read_rules_file
from edge_assist.extract.types import Code

ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
LOOKUP_FILE = "icd10_lookup.json"


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
