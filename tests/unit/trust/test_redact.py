"""PHI redaction: each Safe Harbor category, clinical numbers left alone, logs and exports."""

from __future__ import annotations

import logging

import pytest

from edge_assist.trust.redact import RedactingFilter, find_phi, redact, redact_values


@pytest.mark.parametrize(("text", "category"), [
    ("Patient: Oswin Castellanos", "NAME"),
    ("seen by Dr. Whitaker", "NAME"),
    ("DOB: 04/17/1942", "DATE"),
    ("admitted 2021-03-14", "DATE"),
    ("on March 3rd, 2020", "DATE"),
    ("a 94-year-old woman", "AGE"),
    ("call (617) 555-0143", "PHONE"),
    ("Fax: 617-555-0199", "FAX"),
    ("mail j.doe12@example.org", "EMAIL"),
    ("lives at 42 Elm Street, Apt 3", "ADDRESS"),
    ("Springfield, IL 62704", "ZIP"),
    ("MRN: 48293017", "ID"),
    ("SSN 123-45-6789", "SSN"),
    ("see https://portal.example.com/p/1", "URL"),
    ("from 10.1.22.7", "IP"),
])
def test_each_category_is_found(text: str, category: str) -> None:
    """Every Safe Harbor category has a rule that fires on a typical mention."""
    assert category in {s.category for s in find_phi(text)}


@pytest.mark.parametrize("text", [
    "BP 142/88, pulse 96, SpO2 97% on room air.",
    "hydrocodone/acetaminophen 5/325 mg as needed",
    "A 72-year-old man with type 2 diabetes since 2014.",
    "Creatinine 1.2 mg/dL, potassium 4.1 mmol/L; CURB-65 score of 2.",
    "Denies chest pain. Follow up in 2 weeks.",
])
def test_clinical_numbers_are_left_alone(text: str) -> None:
    """Vitals, doses, ages up to 89 and years are not identifiers."""
    assert redact(text).text == text


def test_surname_found_once_is_redacted_everywhere() -> None:
    """A surname caught after a title is also removed where it stands alone."""
    out = redact("Mr. Haddad was seen. Haddad reports improvement.").text
    assert "Haddad" not in out


def test_redact_values_walks_json() -> None:
    """Exports: every string in a nested structure is redacted, other values kept."""
    data = {"note": "Seen by Dr. Wong on 03/14/2021", "n": 3, "items": ["MRN: 1234567"]}
    assert redact_values(data) == {"note": "Seen by Dr. [NAME] on [DATE]", "n": 3, "items": ["MRN: [ID]"]}


def test_log_filter_scrubs_identifiers() -> None:
    """A log record that carries an identifier is redacted before any handler sees it."""
    record = logging.LogRecord("edge_assist.x", logging.WARNING, __file__, 1,
                               "could not read %s", ("/notes/MRN: 99887766 Mr. Okafor.txt",), None)
    RedactingFilter().filter(record)
    assert "99887766" not in record.getMessage() and "Okafor" not in record.getMessage()


def test_phi_eval_on_the_synthetic_set() -> None:
    """The eval task scores the generator's set: high recall, and the metrics are present."""
    from edge_assist.eval import get_task
    from edge_assist.eval.phi import score
    from edge_assist.trust.phi_synth import generate

    assert get_task("phi").name == "phi"
    metrics = score(generate(200, seed=7))
    assert metrics["identifiers"] > 1000
    assert metrics["recall"] >= 0.9 and metrics["precision"] >= 0.9
    assert {"recall_NAME", "recall_DATE", "recall_SSN"} <= metrics.keys()


def test_generator_is_seeded_and_spans_are_exact() -> None:
    """The same seed gives the same notes; every span marks a non-blank identifier."""
    from edge_assist.trust.phi_synth import generate

    a, b = generate(20, seed=3), generate(20, seed=3)
    assert [n.text for n in a] == [n.text for n in b]
    assert all(n.text[s:e].strip() == n.text[s:e] and e > s for n in a for s, e, _ in n.spans)
