"""FHIR export of a draft note: a validated document Bundle, marked preliminary, with provenance."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from edge_assist.errors import OutputValidationError
from edge_assist.notes import ClinicalNote, NoteSection, NoteSentence, SafetyFlag, Turn, write_note
from edge_assist.notes.fhir import FLAG_EXTENSION, note_to_fhir

WHEN = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
TRANSCRIPT = ("[doctor] what brings you in today ?\n[patient] i have had a cough and fever for three days .\n"
              "[doctor] any chest pain ?\n[patient] no chest pain .")


def _flagged_note() -> ClinicalNote:
    turns = [Turn(0, "doctor", "any allergies ?"), Turn(1, "patient", "no & none <known> .")]
    flag = SafetyFlag("unsupported_dose", "900 mg not in transcript")
    sections = [NoteSection("subjective", "SUBJECTIVE", [NoteSentence("No known allergies <&>.", [1])]),
                NoteSection("plan", "PLAN", [NoteSentence("Start amoxicillin 900 mg.", [0], [flag])]),
                NoteSection("objective", "OBJECTIVE", [])]
    return ClinicalNote("soap", sections, turns, warnings=["only one speaker"])


def _resources(bundle: dict) -> dict[str, dict]:
    return {e["resource"]["resourceType"]: e["resource"] for e in bundle["entry"]}


def test_bundle_is_a_document_with_a_preliminary_composition_first() -> None:
    """Bundle type document, identifier and timestamp; the Composition leads and is a draft."""
    bundle = note_to_fhir(write_note(TRANSCRIPT), recorded=WHEN)
    assert bundle["type"] == "document" and bundle["timestamp"] == "2025-01-02T03:04:05+00:00"
    assert bundle["identifier"]["value"].startswith("urn:uuid:")
    composition = bundle["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition" and composition["status"] == "preliminary"
    assert "DRAFT" in composition["title"]
    assert "DRAFT for clinician review" in composition["section"][0]["text"]["div"]
    assert composition["type"]["coding"][0]["code"] == "34109-9"


def test_sections_carry_loinc_codes_turns_and_escaped_text() -> None:
    """Each non-empty section is coded, lists its sentences with [T#], and escapes HTML."""
    bundle = note_to_fhir(_flagged_note(), recorded=WHEN)
    sections = {s["title"]: s for s in bundle["entry"][0]["resource"]["section"]}
    assert "OBJECTIVE" not in sections  # empty sections are left out
    subjective = sections["SUBJECTIVE"]
    assert subjective["code"]["coding"][0]["code"] == "61150-9"
    assert "No known allergies &lt;&amp;&gt;. [T1]" in subjective["text"]["div"]
    assert "only one speaker" in sections["Input warnings"]["text"]["div"]


def test_flags_are_in_the_narrative_and_as_extensions() -> None:
    """A flagged sentence shows ⚠ in the narrative and as a section extension."""
    plan = next(s for s in note_to_fhir(_flagged_note(), recorded=WHEN)["entry"][0]["resource"]["section"]
                if s["title"] == "PLAN")
    assert "⚠ unsupported_dose: 900 mg not in transcript" in plan["text"]["div"]
    assert plan["extension"][0]["url"] == FLAG_EXTENSION
    assert "unsupported_dose" in plan["extension"][0]["valueString"]


def test_provenance_points_at_the_composition_and_the_numbered_turns() -> None:
    """Provenance targets the Composition, its agent is the edge-assist Device, its source the turns."""
    bundle = note_to_fhir(_flagged_note(), recorded=WHEN, version="9.9")
    urls = {e["resource"]["resourceType"]: e["fullUrl"] for e in bundle["entry"]}
    res = _resources(bundle)
    provenance = res["Provenance"]
    assert provenance["target"] == [{"reference": urls["Composition"]}]
    assert provenance["agent"][0]["who"]["reference"] == urls["Device"] == res["Composition"]["author"][0][
        "reference"]
    assert provenance["entity"][0]["what"]["reference"] == urls["DocumentReference"]
    data = res["DocumentReference"]["content"][0]["attachment"]["data"]
    assert base64.b64decode(data).decode() == "T0 doctor: any allergies ?\nT1 patient: no & none <known> ."
    assert res["Device"]["version"] == [{"value": "9.9"}]


def test_same_draft_same_bundle() -> None:
    """Ids are content hashes: the same draft at the same time gives byte-identical JSON."""
    a, b = (json.dumps(note_to_fhir(_flagged_note(), recorded=WHEN)) for _ in range(2))
    assert a == b


def test_progress_template_is_typed_as_a_progress_note() -> None:
    """The progress template maps to LOINC 11506-3."""
    note = write_note(TRANSCRIPT, template="progress")
    assert note_to_fhir(note)["entry"][0]["resource"]["type"]["coding"][0]["code"] == "11506-3"


def test_an_invalid_bundle_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation runs on the whole Bundle: a broken resource is an OutputValidationError."""
    monkeypatch.setattr("edge_assist.notes.fhir._coded", lambda *a: "not a CodeableConcept")
    with pytest.raises(OutputValidationError):
        note_to_fhir(_flagged_note())
