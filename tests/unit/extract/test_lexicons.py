"""The shipped rules files load, and their codes are real."""

from __future__ import annotations

from edge_assist.extract.context import default_context
from edge_assist.extract.findings import clinical_lexicon, sectionizer
from edge_assist.extract.lexicon import context_rules, read_rules_file
from edge_assist.extract.measurements import measurement_finder
from edge_assist.extract.medications import default_tagger


def test_rules_files_load() -> None:
    """Every loader accepts its shipped file (unknown keys would fail)."""
    assert len(context_rules()) > 300
    default_context(), clinical_lexicon(), sectionizer(), measurement_finder(), default_tagger()


def test_problem_codes_are_valid_icd10cm() -> None:
    """Every lexicon code exists in ICD-10-CM."""
    import simple_icd_10_cm as icd

    problems = read_rules_file("clinical.json")["problems"]
    assert [p["code"] for p in problems if not icd.is_valid_item(p["code"])] == []
