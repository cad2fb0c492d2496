"""The rules pipeline: medications, vitals, labs, sections, allergies, offsets and bad input."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from edge_assist.errors import InputError
from edge_assist.extract import extract
from edge_assist.extract.text import MAX_CHARS, decode

DATA = Path(__file__).parents[2] / "data" / "extract"
NOTE = (DATA / "note_bullets.txt").read_text("utf-8")


@pytest.fixture(scope="module")
def result():
    """The extraction of the hand-made bulleted note (ICD lookups load once)."""
    return extract(NOTE)


def test_every_offset_points_at_its_text(result) -> None:
    """note[start:end] == text for every finding and every sub-span."""
    for f in result.findings():
        assert NOTE[f.start:f.end] == f.text
    for med in result.medications:
        for part in (med.strength, med.dose, med.route, med.frequency, med.duration, med.status_span):
            if part is not None:
                assert NOTE[part.start:part.end] == part.text
    for m in [*result.vitals, *result.labs]:
        assert NOTE[m.value_span.start:m.value_span.end] == m.value_span.text


def test_medications_in_bullets_are_parsed(result) -> None:
    """Bulleted medication lines give name, id, strength, route and frequency."""
    meds = {m.name: m for m in result.medications}
    metoprolol = meds["Metoprolol"]
    assert metoprolol.drug_id.startswith("DB")
    assert metoprolol.strength.text == "25 mg"
    assert metoprolol.route.text == "PO"
    assert metoprolol.frequency.text == "BID"
    assert metoprolol.status == "active"
    assert "Lisinopril" in meds


def test_brand_name_is_normalized_to_generic() -> None:
    """A brand name maps to its generic name."""
    med = extract("Continue Xalatan 1 drop OU qhs.").medications[0]
    assert med.name == "Latanoprost" and med.is_brand
    assert med.dose.text == "1 drop" and med.status == "continued"


def test_stopped_medication_has_stop_status() -> None:
    """'Stopped X' gives status stopped, with the span of the word."""
    med = extract("Stopped timolol 3 days ago.").medications[0]
    assert med.status == "stopped" and med.status_span.text == "Stopped"


def test_vitals_with_units_and_flags(result) -> None:
    """BP in a table, temperature in Celsius, low saturation flagged."""
    vitals = {v.name: v for v in result.vitals}
    bp = vitals["blood_pressure"]
    assert (bp.value, bp.value2, bp.abnormal) == (150, 95, "H")
    assert vitals["heart_rate"].abnormal == "H"
    assert vitals["temperature"].unit == "Cel"
    assert vitals["oxygen_saturation"].abnormal == "L"


def test_labs_with_abnormal_flag(result) -> None:
    """Labs get their canonical name, LOINC and a range-based flag."""
    labs = {lab.name: lab for lab in result.labs}
    assert labs["sodium"].abnormal == "L" and labs["sodium"].loinc == "2951-2"
    assert labs["potassium"].abnormal == "N"
    assert labs["hemoglobin"].abnormal == "L"


def test_sections_are_detected(result) -> None:
    """Headers at line starts become sections, and findings know theirs."""
    names = [s.name for s in result.sections]
    assert names[:4] == ["chief_complaint", "history_of_present_illness", "medications", "allergies"]
    assert {m.section for m in result.medications} == {"medications"}


def test_problems_have_assertions_and_icd10(result) -> None:
    """Negated, possible and family problems are labelled; codes come from ICD-10-CM."""
    problems = {(p.normalized, p.assertion.label) for p in result.problems}
    assert ("chest pain", "negated") in problems
    assert ("pneumonia", "possible") in problems
    assert ("stroke", "family") in problems
    copd = next(p for p in result.problems if p.normalized.startswith("chronic obstructive"))
    assert copd.icd10[0].code == "J44.9" and copd.icd10[0].display


def test_allergies_claim_their_drugs(result) -> None:
    """An allergen is an allergy with its reaction, not a medication."""
    allergy = next(a for a in result.allergies if not a.no_known_allergies)
    assert "penicillin" in allergy.substance.lower()
    assert [r.text for r in allergy.reactions] == ["rash"]
    assert all("penicillin" not in m.name.lower() for m in result.medications)


def test_procedures_are_found(result) -> None:
    """Procedures from the lexicon or by suffix, with historical context."""
    procedure = next(p for p in result.procedures if p.text == "cholecystectomy")
    assert procedure.assertion.is_historical


def test_deidentification_markers_are_left_alone(result) -> None:
    """Nothing is read inside **NAME[...] or *****; a warning says they were seen."""
    masked_start = NOTE.index("**NAME")
    assert all(f.start < masked_start for f in result.findings())
    assert any("de-identification" in w for w in result.warnings)


def test_abbreviations_that_change_meaning(result) -> None:
    """Ambiguous or error-prone abbreviations are listed with their expansion."""
    assert any(a.text == "SOB" and a.expansion == "shortness of breath" for a in result.abbreviations)


def test_same_note_same_result(result) -> None:
    """Extraction is deterministic."""
    assert extract(NOTE).model_dump() == result.model_dump()


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_note_is_refused(text: str) -> None:
    """An empty note is a clear input error."""
    with pytest.raises(InputError, match="empty"):
        extract(text)


def test_oversized_note_is_refused() -> None:
    """Past the limit, the message says how to fix it."""
    with pytest.raises(InputError, match="limit") as info:
        extract("a" * (MAX_CHARS + 1))
    assert "split" in info.value.hint


def test_one_megabyte_note_is_accepted_and_large_notes_keep_offsets() -> None:
    """A 1 MB note passes the input checks; a 100 kB one runs with offsets intact (linear time)."""
    from edge_assist.extract.text import read_note

    block = "Denies fever. Metoprolol 25 mg PO BID. BP 120/80.\n"
    assert read_note(block * (1_000_000 // len(block))).sentences
    text = block * (100_000 // len(block))
    result = extract(text)
    assert len(result.medications) == text.count("Metoprolol")
    assert all(text[m.start:m.end] == m.text for m in result.medications[-3:])


def test_binary_and_non_utf8_input_are_refused() -> None:
    """Binary bytes and Latin-1 text are refused with a fix, not a traceback."""
    with pytest.raises(InputError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(InputError, match="not UTF-8"):
        decode("café".encode("latin-1"))
    with pytest.raises(InputError, match="binary"):
        extract("\x01\x02\x03\x04" * 100)


def test_patient_text_never_reaches_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    """Debug logging shows the note's length, never its text."""
    caplog.set_level(logging.DEBUG, logger="edge_assist")
    logging.getLogger("edge_assist").propagate = True
    extract("Patient Zebediah denies chest pain.")
    assert "Zebediah" not in caplog.text


def test_spaced_and_case_folded_names_do_not_crash() -> None:
    """'blood   pressure' and 'İnsulin' match their lexicon entries instead of raising KeyError."""
    result = extract("Blood   pressure 150/95. Started İnsulin 10 units daily.")
    assert result.vitals[0].name == "blood_pressure" and result.vitals[0].text.startswith("Blood   pressure")
    assert result.medications[0].text == "İnsulin"


def test_one_megabyte_note_completes_with_valid_offsets() -> None:
    """A 1 MB note (the bulleted note repeated, plus one long unbroken line) runs through the rules path.

    Time is not asserted; before the scanners and binary searches this took minutes.
    """
    line = "allergic to penicillin (rash) and no chest pain, " * 2000
    text = (NOTE * (1_000_000 // len(NOTE)) + line)[:1_000_000]
    result = extract(text)
    findings = result.findings()
    assert len(findings) > 10_000
    for f in findings:
        assert 0 <= f.start < f.end <= len(text) and text[f.start:f.end] == f.text
