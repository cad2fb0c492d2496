"""ICD-10-CM suggestions: the shipped lookup is what the library says, and extraction never loads it."""

from __future__ import annotations

import subprocess
import sys

from edge_assist.extract.icd10 import ICD10_SYSTEM, build_lookup, icd10_suggestions
from edge_assist.extract.lexicon import read_rules_file


def test_shipped_lookup_matches_simple_icd_10_cm() -> None:
    """rules/icd10_lookup.json is exactly build_lookup() (regenerate it when clinical.json changes)."""
    shipped = read_rules_file("icd10_lookup.json")
    assert shipped["entries"] == build_lookup()["entries"]


def test_suggestions_come_with_official_descriptions() -> None:
    """A lexicon problem gets its code and the ICD-10-CM description."""
    codes = icd10_suggestions("hypertension", "I10")
    assert [(c.system, c.code, c.display) for c in codes] == [
        (ICD10_SYSTEM, "I10", "Essential (primary) hypertension")]


def test_extraction_does_not_import_the_icd_library() -> None:
    """Problems are coded from the shipped lookup: simple-icd-10-cm (~3 s to load) stays unloaded."""
    code = ("import sys\nfrom edge_assist.extract import extract\n"
            "r = extract('History of hypertension and COPD. Denies chest pain.')\n"
            "assert r.problems and all(p.icd10 for p in r.problems if p.normalized != 'chest pain')\n"
            "print('simple_icd_10_cm' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
