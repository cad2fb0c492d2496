"""FHIR export of a draft note: a ``document`` Bundle whose Composition is marked preliminary.

The draft goes out as what it is: a Composition with ``status = preliminary``
and the draft label in its title and first section, one section per
non-empty template section (LOINC-coded where the section has a standard
code), each sentence in the narrative with its source turns as ``[T3]`` and
its safety flags (also as section extensions, so a receiving system can find
them without parsing HTML). A Provenance names edge-assist as the author
(a Device, never a clinician) and points at a DocumentReference holding the
numbered transcript turns, so every ``[T#]`` resolves inside the Bundle.

As in :mod:`edge_assist.extract.fhir`, resources are plain dicts validated
with the ``fhir.resources`` R4B models (the same shapes as R4 4.0.1 for
every resource used here), and ``fullUrl`` ids are UUID-5s of the content,
so the same draft gives the same Bundle (pass ``recorded`` to fix the time).
"""

from __future__ import annotations

import base64
import hashlib
import html
import uuid
from datetime import UTC, datetime
from typing import Any

from edge_assist.extract.fhir import validate
from edge_assist.notes.types import DRAFT_LABEL, ClinicalNote, NoteSection

FLAG_EXTENSION = "https://edge-assist.invalid/fhir/StructureDefinition/note-safety-flag"
_NS = uuid.UUID("0b6f3c52-8d0e-5c1b-a4f7-3e9c2d6a7b10")
_LOINC = "http://loinc.org"
_XHTML = "http://www.w3.org/1999/xhtml"
NOTE_TYPES = {"progress": ("11506-3", "Progress note")}
"""Template name → LOINC document type; anything else is ``34109-9 Note``."""
SECTION_CODES = {
    "subjective": ("61150-9", "Subjective Narrative"),
    "objective": ("61149-1", "Objective Narrative"),
    "assessment": ("51848-0", "Assessment note"),
    "plan": ("18776-5", "Plan of care note"),
    "chief_complaint": ("10154-3", "Chief complaint Narrative - Reported"),
    "hpi": ("10164-2", "History of Present illness Narrative"),
    "interval_history": ("10164-2", "History of Present illness Narrative"),
    "ros": ("10187-3", "Review of systems Narrative - Reported"),
    "physical_exam": ("29545-1", "Physical findings Narrative"),
    "exam": ("29545-1", "Physical findings Narrative"),
    "results": ("30954-2", "Relevant diagnostic tests/laboratory data Narrative"),
    "assessment_and_plan": ("51847-2", "Evaluation + Plan note"),
}
"""Template section key → the LOINC section code C-CDA uses for it."""


def note_to_fhir(note: ClinicalNote, recorded: datetime | None = None,
                 version: str = "") -> dict[str, Any]:
    """The draft as a validated FHIR ``document`` Bundle (Composition first).

    Args:
        note: the draft from :func:`~edge_assist.notes.write_note`.
        recorded: the Composition date, Bundle timestamp and Provenance time; default now.
        version: edge-assist's version, recorded on the authoring Device.

    Returns:
        The Bundle as a JSON-ready dict.

    Raises:
        OutputValidationError: the Bundle does not validate (a bug; please report it).

    Examples:
        >>> bundle = note_to_fhir(write_note("[doctor] any fever ?\\n[patient] no ."))  # doctest: +SKIP
        >>> bundle["entry"][0]["resource"]["status"]  # doctest: +SKIP
        'preliminary'
    """
    when = (recorded or datetime.now(UTC)).isoformat(timespec="seconds")
    transcript = "\n".join(f"T{t.index} {t.speaker}: {t.text}" for t in note.turns)
    digest = hashlib.sha256(f"{transcript}\n\n{note.text()}".encode()).hexdigest()
    url = _Urls(digest)
    patient, device, source = url("Patient"), url("Device"), url("DocumentReference")
    composition = _composition(note, when, patient, device)
    entries = [
        (url("Composition"), composition),
        (patient, {"resourceType": "Patient", "id": "patient"}),
        (device, _device(note, version)),
        (source, _transcript_document(transcript, patient)),
        (url("Provenance"), _provenance(url("Composition"), device, source, note, when)),
    ]
    bundle = {"resourceType": "Bundle", "type": "document", "timestamp": when,
              "identifier": {"system": "urn:ietf:rfc:3986", "value": url("Bundle")},
              "entry": [{"fullUrl": u, "resource": r} for u, r in entries]}
    validate(bundle)
    return bundle


class _Urls:
    def __init__(self, digest: str) -> None:
        self.digest = digest

    def __call__(self, kind: str) -> str:
        return f"urn:uuid:{uuid.uuid5(_NS, f'{self.digest}:{kind}')}"


def _coded(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _composition(note: ClinicalNote, when: str, patient: str, device: str) -> dict[str, Any]:
    code, display = NOTE_TYPES.get(note.template, ("34109-9", "Note"))
    sections = [{"title": "Status", "text": _narrative([html.escape(DRAFT_LABEL)])}]
    sections += [_section(s) for s in note.sections if s.sentences]
    if note.warnings:
        items = [html.escape(w) for w in note.warnings]
        sections.append({"title": "Input warnings", "text": _narrative(items)})
    return {"resourceType": "Composition", "status": "preliminary",
            "type": _coded(_LOINC, code, display), "subject": {"reference": patient},
            "date": when, "author": [{"reference": device}],
            "title": f"DRAFT {note.template} note for clinician review", "section": sections}


def _section(section: NoteSection) -> dict[str, Any]:
    items = []
    flags = []
    for s in section.sentences:
        line = html.escape(s.text)
        if s.turns:
            line += " " + " ".join(f"[T{i}]" for i in s.turns)
        for f in s.flags:
            line += f" <b>⚠ {html.escape(f.kind)}: {html.escape(f.detail)}</b>"
            flags.append({"url": FLAG_EXTENSION, "valueString": f"{f.kind}: {f.detail} ({s.text[:80]})"})
        items.append(line)
    resource: dict[str, Any] = {"title": section.title, "text": _narrative(items)}
    if section.key in SECTION_CODES:
        resource["code"] = _coded(_LOINC, *SECTION_CODES[section.key])
    if flags:
        resource["extension"] = flags
    return resource


def _narrative(items: list[str]) -> dict[str, str]:
    """Already-escaped XHTML fragments as a generated Narrative, one paragraph each."""
    body = "".join(f"<p>{item}</p>" for item in items)
    return {"status": "generated", "div": f'<div xmlns="{_XHTML}">{body}</div>'}


def _device(note: ClinicalNote, version: str) -> dict[str, Any]:
    writer = f"edge-assist note ({note.model or 'extractive'} writer)"
    device: dict[str, Any] = {"resourceType": "Device",
                              "deviceName": [{"name": writer, "type": "user-friendly-name"}]}
    if version:
        device["version"] = [{"value": version}]
    return device


def _transcript_document(transcript: str, patient: str) -> dict[str, Any]:
    data = transcript.encode("utf-8")
    return {"resourceType": "DocumentReference", "status": "current", "subject": {"reference": patient},
            "description": "Transcript turns the draft cites as [T#]",
            "content": [{"attachment": {
                "contentType": "text/plain; charset=utf-8", "size": len(data),
                "data": base64.b64encode(data).decode("ascii"),
                "hash": base64.b64encode(hashlib.sha1(data).digest()).decode("ascii"),
                "title": "numbered transcript turns"}}]}


def _provenance(target: str, device: str, source: str, note: ClinicalNote, when: str) -> dict[str, Any]:
    return {"resourceType": "Provenance", "target": [{"reference": target}], "recorded": when,
            "agent": [{"who": {"reference": device, "display": "edge-assist (automated draft)"}}],
            "entity": [{"role": "source", "what": {"reference": source}}],
            "reason": [{"text": f"draft from {len(note.turns)} transcript turns, "
                                f"{len(note.flags)} sentence(s) flagged for review"}]}
