"""FHIR export: an extraction result as a Bundle, validated by ``fhir.resources``.

Resources are built as plain dicts (easy to read and test) and the whole
Bundle is validated with the ``fhir.resources`` models before it is returned,
so an invalid resource is a bug caught here, not in the receiving EHR. The
package's R4-family models are R4B (4.3.0); every resource used here has the
same shape in R4 (4.0.1). ``fullUrl`` ids are UUID-5s of the note's hash and
the finding's span, so the same note gives the same Bundle; a Provenance
points every resource at a DocumentReference holding the note.

Assertions map as: negated -> Condition ``refuted`` / MedicationStatement
``not-taken`` / Procedure ``not-done``; uncertain -> ``unconfirmed``;
historical -> clinicalStatus ``inactive``; family or hypothetical findings are
not about the patient now and are left out of the Bundle.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

from edge_assist.errors import OutputValidationError
from edge_assist.extract.types import (
    Allergy,
    ExtractionResult,
    Finding,
    Measurement,
    Medication,
    Problem,
    Procedure,
)

SPAN_EXTENSION = "https://edge-assist.invalid/fhir/StructureDefinition/source-span"
_NS = uuid.UUID("6f1c7a7e-2d43-5a57-9a0e-7c1f0e0e5a11")
_TERM = "http://terminology.hl7.org/CodeSystem/"
_INTERPRETATION = {"H": "High", "L": "Low", "N": "Normal"}


def to_fhir(result: ExtractionResult, note: str, recorded: datetime | None = None) -> dict[str, Any]:
    """A FHIR Bundle (type ``collection``) of the result, validated.

    Args:
        result: the extraction of ``note``.
        note: the original text (embedded in the DocumentReference the Provenance cites).
        recorded: the Provenance time; default now (pass a fixed time for reproducible output).

    Raises:
        OutputValidationError: the Bundle does not validate (a bug; please report it).
    """
    digest = hashlib.sha256(note.encode("utf-8")).hexdigest()
    urls = _Urls(digest)
    patient = {"resourceType": "Patient", "id": "patient"}
    document = _document(note, digest)
    entries = [(urls.url("Patient", 0, 0), patient), (urls.url("DocumentReference", 0, 0), document)]
    builders = ((result.problems, _condition), (result.medications, _medication_statement),
                (result.allergies, _allergy), ([*result.vitals, *result.labs], _observation),
                (result.procedures, _procedure))
    subject = {"reference": entries[0][0]}
    for findings, build in builders:
        for finding in findings:
            if finding.assertion.is_family or finding.assertion.is_hypothetical:
                continue
            resource = build(finding, subject)  # type: ignore[operator]
            resource["extension"] = [{"url": SPAN_EXTENSION,
                                      "valueString": f"{finding.start}-{finding.end}"}]
            entries.append((urls.url(resource["resourceType"], finding.start, finding.end), resource))
    targets = [{"reference": url} for url, res in entries[2:]]
    provenance = _provenance(targets, entries[1][0], result, recorded or datetime.now(UTC))
    if targets:
        entries.append((urls.url("Provenance", 0, 0), provenance))
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"fullUrl": url, "resource": res} for url, res in entries]}
    validate(bundle)
    return bundle


def validate(bundle: dict[str, Any]) -> None:
    """Validate a Bundle dict with ``fhir.resources`` (R4B models).

    Raises:
        OutputValidationError: with the first validation problem.
    """
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    try:
        Bundle.model_validate(bundle)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise OutputValidationError(f"FHIR Bundle does not validate at {where}: {first['msg']}",
                                    "report this as a bug with the --json output") from None


class _Urls:
    def __init__(self, digest: str) -> None:
        self.digest = digest

    def url(self, kind: str, start: int, end: int) -> str:
        return f"urn:uuid:{uuid.uuid5(_NS, f'{self.digest}:{kind}:{start}:{end}')}"


def _concept(text: str, system: str = "", code: str = "", display: str = "") -> dict[str, Any]:
    concept: dict[str, Any] = {"text": text}
    if code:
        concept["coding"] = [{"system": system, "code": code, "display": display or text}]
    return concept


def _status(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": f"{_TERM}{system}", "code": code}]}


def _condition(problem: Problem, subject: dict[str, str]) -> dict[str, Any]:
    a = problem.assertion
    resource: dict[str, Any] = {"resourceType": "Condition", "subject": subject,
                                "code": {"text": problem.normalized or problem.text}}
    if problem.icd10:
        resource["code"]["coding"] = [{"system": c.system, "code": c.code, "display": c.display}
                                      for c in problem.icd10]
    verification = "refuted" if a.is_negated else "unconfirmed" if a.is_uncertain else "confirmed"
    resource["verificationStatus"] = _status("condition-ver-status", verification)
    if not a.is_negated:
        clinical = "inactive" if a.is_historical else "active"
        resource["clinicalStatus"] = _status("condition-clinical", clinical)
    category = "symptom" if problem.kind == "symptom" else "problem-list-item"
    if category == "problem-list-item":
        resource["category"] = [_status("condition-category", category)]
    return resource


def _medication_statement(med: Medication, subject: dict[str, str]) -> dict[str, Any]:
    a = med.assertion
    status = ("not-taken" if a.is_negated else "stopped" if med.status == "stopped"
              else "active" if med.status in ("active", "started", "continued", "changed") else "unknown")
    concept = _concept(med.name)
    if med.codes:
        concept["coding"] = [{"system": c.system, "code": c.code, "display": c.display} for c in med.codes]
    parts = [p.text for p in (med.dose, med.strength, med.route, med.frequency, med.duration) if p]
    resource: dict[str, Any] = {"resourceType": "MedicationStatement", "status": status,
                                "medicationCodeableConcept": concept, "subject": subject}
    if parts:
        dosage: dict[str, Any] = {"text": " ".join(parts)}
        if med.route:
            dosage["route"] = {"text": med.route.text}
        if med.frequency:
            dosage["timing"] = {"code": {"text": med.frequency.text}}
        resource["dosage"] = [dosage]
    return resource


def _allergy(allergy: Allergy, subject: dict[str, str]) -> dict[str, Any]:
    if allergy.no_known_allergies:
        code = _concept(allergy.text, "http://snomed.info/sct", "716186003", "No known allergy")
        return {"resourceType": "AllergyIntolerance", "patient": subject, "code": code,
                "verificationStatus": _status("allergyintolerance-verification", "confirmed")}
    verification = "unconfirmed" if allergy.assertion.is_uncertain else "confirmed"
    resource: dict[str, Any] = {
        "resourceType": "AllergyIntolerance", "patient": subject, "code": {"text": allergy.substance},
        "verificationStatus": _status("allergyintolerance-verification",
                                      "refuted" if allergy.assertion.is_negated else verification)}
    if allergy.reactions:
        resource["reaction"] = [{"manifestation": [{"text": r.text} for r in allergy.reactions]}]
    return resource


def _observation(m: Measurement, subject: dict[str, str]) -> dict[str, Any]:
    category = "vital-signs" if m.name in _VITALS else "laboratory"
    resource: dict[str, Any] = {
        "resourceType": "Observation", "status": "final", "subject": subject,
        "category": [_status("observation-category", category)],
        "code": _concept(m.display or m.name, "http://loinc.org", m.loinc, m.display)}
    if m.value2 is not None:
        resource["component"] = [
            {"code": _concept("Systolic blood pressure", "http://loinc.org", "8480-6"),
             "valueQuantity": _quantity(m.value, m.unit)},
            {"code": _concept("Diastolic blood pressure", "http://loinc.org", "8462-4"),
             "valueQuantity": _quantity(m.value2, m.unit)}]
    else:
        resource["valueQuantity"] = _quantity(m.value, m.unit)
    if m.abnormal:
        resource["interpretation"] = [{"coding": [{
            "system": f"{_TERM}v3-ObservationInterpretation", "code": m.abnormal,
            "display": _INTERPRETATION[m.abnormal]}]}]
    return resource


_VITALS = {"blood_pressure", "heart_rate", "respiratory_rate", "temperature", "oxygen_saturation",
           "weight", "height", "bmi"}


def _quantity(value: float, unit: str) -> dict[str, Any]:
    quantity: dict[str, Any] = {"value": value}
    if unit:
        quantity.update({"unit": unit, "system": "http://unitsofmeasure.org", "code": unit})
    return quantity


def _procedure(proc: Procedure, subject: dict[str, str]) -> dict[str, Any]:
    status = "not-done" if proc.assertion.is_negated else "completed"
    return {"resourceType": "Procedure", "status": status, "subject": subject,
            "code": {"text": proc.normalized or proc.text}}


def _document(note: str, digest: str) -> dict[str, Any]:
    data = note.encode("utf-8")
    return {"resourceType": "DocumentReference", "status": "current",
            "content": [{"attachment": {
                "contentType": "text/plain; charset=utf-8", "size": len(data),
                "data": base64.b64encode(data).decode("ascii"),
                "hash": base64.b64encode(hashlib.sha1(data).digest()).decode("ascii"),
                "title": f"note sha256:{digest[:16]}"}}]}


def _provenance(targets: list[dict[str, str]], document_url: str, result: ExtractionResult,
                recorded: datetime) -> dict[str, Any]:
    method = "rules and LLM" if result.used_llm else "rules"
    return {"resourceType": "Provenance", "target": targets,
            "recorded": recorded.isoformat(timespec="seconds"),
            "agent": [{"who": {"display": f"edge-assist extract ({method})"}}],
            "entity": [{"role": "source", "what": {"reference": document_url}}]}


def finding_kind(finding: Finding) -> str:
    """The FHIR resource type a finding becomes."""
    return {Problem: "Condition", Medication: "MedicationStatement", Allergy: "AllergyIntolerance",
            Measurement: "Observation", Procedure: "Procedure"}.get(type(finding), "")
