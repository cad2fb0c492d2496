"""FHIR export: a Bundle that fhir.resources validates, reproducible, with Provenance."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime

import pytest

from edge_assist.errors import OutputValidationError
from edge_assist.extract import extract
from edge_assist.extract.fhir import to_fhir, validate

NOTE = ("HPI: denies chest pain. Mother had a stroke. Possible pneumonia.\n"
        "Medications: Metoprolol 25 mg PO BID\nAllergies: NKDA\nBP 150/95, HR 88\n"
        "PMH: s/p appendectomy.\n")
WHEN = datetime(2024, 1, 1, tzinfo=UTC)


def _bundle() -> dict:
    return to_fhir(extract(NOTE), NOTE, WHEN)


def test_bundle_has_every_resource_kind_and_validates() -> None:
    """Conditions, statements, allergies, observations, procedures and a Provenance."""
    bundle = _bundle()
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Condition", "MedicationStatement", "AllergyIntolerance", "Observation", "Procedure",
            "Provenance", "DocumentReference", "Patient"} <= kinds
    validate(bundle)


def test_assertions_map_to_statuses() -> None:
    """Negated -> refuted, uncertain -> unconfirmed; family history is left out."""
    conditions = [e["resource"] for e in _bundle()["entry"] if e["resource"]["resourceType"] == "Condition"]
    status = {c["code"]["text"]: c["verificationStatus"]["coding"][0]["code"] for c in conditions}
    assert status["chest pain"] == "refuted"
    assert status["pneumonia"] == "unconfirmed"
    assert "stroke" not in status


def test_provenance_points_at_the_note() -> None:
    """Provenance targets every finding and cites the DocumentReference."""
    entries = _bundle()["entry"]
    provenance = next(e["resource"] for e in entries if e["resource"]["resourceType"] == "Provenance")
    document = next(e["fullUrl"] for e in entries if e["resource"]["resourceType"] == "DocumentReference")
    assert provenance["entity"][0]["what"]["reference"] == document
    assert len(provenance["target"]) == len(entries) - 3


def test_same_note_same_bundle() -> None:
    """Ids are derived from the note and spans, so another process writes the very same Bundle."""
    script = ("import json, sys; from datetime import datetime; from edge_assist.extract import extract; "
              "from edge_assist.extract.fhir import to_fhir; note, when = sys.argv[1], sys.argv[2]; "
              "print(json.dumps(to_fhir(extract(note), note, datetime.fromisoformat(when))))")
    out = subprocess.run([sys.executable, "-c", script, NOTE, WHEN.isoformat()], capture_output=True,
                         text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "7"})
    assert json.loads(out.stdout) == _bundle()


def test_ids_are_uuid5s_of_the_note_and_change_with_it() -> None:
    """Every fullUrl is a distinct name-based UUID (v5); one more character in the note renames them all."""
    urls = [e["fullUrl"] for e in _bundle()["entry"]]
    assert len(set(urls)) == len(urls)
    assert {uuid.UUID(u.removeprefix("urn:uuid:")).version for u in urls} == {5}
    edited = NOTE + " "
    other = [e["fullUrl"] for e in to_fhir(extract(edited), edited, WHEN)["entry"]]
    assert len(other) == len(urls) and not set(other) & set(urls)


def test_invalid_bundle_is_reported() -> None:
    """A malformed resource fails validation with a typed error."""
    bad = {"resourceType": "Bundle", "type": "collection",
           "entry": [{"resource": {"resourceType": "Condition", "bogus": 1}}]}
    with pytest.raises(OutputValidationError):
        validate(bad)


def test_llm_fill_keeps_only_quoted_values(assistant) -> None:
    """Assistant.extract(use_llm=True) adds what the model quotes and drops what it invents."""
    import json

    from edge_assist.models.fakes import FakeChatModel

    FakeChatModel.enqueue(json.dumps({"dose": "two tablets", "route": "", "frequency": "at noon",
                                      "duration": "invented"}))
    note = "Take aspirin two tablets at noon."
    result = assistant.extract(note, use_llm=True)
    med = result.medications[0]
    assert result.used_llm and med.dose.text == "two tablets"
    assert note[med.frequency.start:med.frequency.end] == "at noon"
    assert med.duration is None
