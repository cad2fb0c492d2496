"""The shipped rules files load, and their codes are real."""

from __future__ import annotations

import pytest

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
    # Billable (a leaf) or a valid 3-character category; never a mid-level header like "E88.81".
    assert [p["code"] for p in problems if not (icd.is_leaf(p["code"]) or icd.is_category(p["code"]))] == []


def test_problem_vocabulary_is_broad_and_unambiguous() -> None:
    """A few hundred problems; no phrase (term or synonym) is claimed by two entries."""
    from collections import Counter

    from edge_assist.extract.lexicon import norm

    problems = read_rules_file("clinical.json")["problems"]
    assert len(problems) >= 300
    assert len({p["term"] for p in problems}) == len(problems)
    phrases = Counter(norm(ph) for p in problems for ph in {p["term"], *p["synonyms"]})
    assert [ph for ph, n in phrases.items() if n > 1] == []


@pytest.mark.parametrize(("text", "term", "code"), [
    ("Hx of HFrEF.", "systolic heart failure", "I50.20"),
    ("Admitted with DKA.", "diabetic ketoacidosis", "E10.10"),
    ("AECOPD on 2L.", "copd exacerbation", "J44.1"),
    ("Known ESRD on HD.", "end stage renal disease", "N18.6"),
    ("C. diff colitis.", "clostridioides difficile infection", "A04.72"),
    ("Recent TIA.", "transient ischemic attack", "G45.9"),
    ("PTSD and insomnia.", "posttraumatic stress disorder", "F43.10"),
    ("Shingles on the flank.", "herpes zoster", "B02.9"),
    ("Rheumatoid arthritis flare.", "rheumatoid arthritis", "M06.9"),
    ("Pseudoexfoliation glaucoma OU.", "pseudoexfoliation glaucoma", "H40.1490"),
    ("Complains of double vision.", "diplopia", "H53.2"),
    ("Suicidal ideation denied.", "suicidal ideation", "R45.851"),
])
def test_specialty_phrases_are_coded(text: str, term: str, code: str) -> None:
    """One phrase per specialty finds its problem and lexicon code."""
    from edge_assist.extract import extract

    problems = {p.normalized: p for p in extract(text).problems}
    assert term in problems, sorted(problems)
    assert problems[term].icd10[0].code == code and problems[term].icd10[0].source == "lexicon"
