"""The note pipeline end to end on fakes: sections, provenance, flags, the draft label, the LLM writer."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from edge_assist.errors import InputError
from edge_assist.models.fakes import FakeChatModel
from edge_assist.notes import DRAFT_LABEL, write_note

ENCOUNTER = (Path(__file__).parents[2] / "data" / "notes" / "encounter.txt").read_text("utf-8")


def test_soap_note_from_an_encounter_cites_turns_for_every_sentence() -> None:
    """Each sentence of the extractive draft names the turns it came from."""
    note = write_note(ENCOUNTER, "soap")
    sentences = [s for sec in note.sections for s in sec.sentences]
    assert sentences and all(s.turns for s in sentences)
    assert all(0 <= i < len(note.turns) for s in sentences for i in s.turns)


def test_facts_are_carried_exactly() -> None:
    """Doses, drugs and sides reach the note as spoken, with no flag."""
    note = write_note(ENCOUNTER, "aci")
    text = note.text()
    assert "amoxicillin 1 gram" in text and "lisinopril 20 mg" in text and "right lower lobe" in text
    assert not note.flags


def test_the_draft_is_labelled_for_review() -> None:
    """Every rendering says it is a draft for clinician review."""
    note = write_note(ENCOUNTER, "progress")
    assert note.status == "draft for clinician review"
    assert note.text().startswith(DRAFT_LABEL) and DRAFT_LABEL in note.markdown()
    assert note.as_dict()["status"] == "draft for clinician review"


def test_aci_sections_are_in_template_order_with_labels() -> None:
    """The ACI note has its six sections; the plan is split into labelled parts."""
    note = write_note(ENCOUNTER, "aci")
    assert [s.key for s in note.sections] == ["chief_complaint", "hpi", "ros", "physical_exam",
                                              "results", "assessment_and_plan"]
    assert "Medical Treatment:" in note.sections[-1].text


def test_llm_writer_uses_only_assigned_turns_and_keeps_valid_citations(assistant) -> None:
    """The LLM writes from its section's turns; citations outside them are dropped."""
    replies = [json.dumps({"sentences": [{"text": f"Section {i} sentence.", "turns": [0, 99]}]})
               for i in range(4)]
    FakeChatModel.enqueue(*replies)
    note = assistant.note("[doctor] any chest pain ?\n[patient] no .", template="soap", writer="llm")
    subjective = note.sections[0].sentences[0]
    assert subjective.writer == "llm" and subjective.turns == [0]
    prompt = assistant.llm.calls[0][0][-1].content
    assert "[T0 doctor] any chest pain ?" in prompt


def test_llm_sentence_with_an_invented_number_is_flagged(assistant) -> None:
    """A number the model made up is flagged on its sentence."""
    reply = {"sentences": [{"text": "Denies chest pain for 12 days.", "turns": [0]}]}
    FakeChatModel.enqueue(json.dumps(reply))
    note = assistant.note("[doctor] any chest pain ?\n[patient] no .", template="soap", writer="llm")
    kinds = [f.kind for f in note.sections[0].sentences[0].flags]
    assert "unsupported_number" in kinds and "contradicts_negation" not in kinds


def test_llm_sentence_without_support_gets_no_provenance_flag(assistant) -> None:
    """A sentence citing nothing and sharing no words with the turns is flagged."""
    FakeChatModel.enqueue(json.dumps({"sentences": [{"text": "Zebra crossing.", "turns": []}]}))
    note = assistant.note("[doctor] any chest pain ?\n[patient] no .", template="soap", writer="llm")
    assert note.sections[0].sentences[0].flags[0].kind == "no_provenance"


def test_llm_writer_needs_a_model() -> None:
    """Asking for the LLM writer without a model is a clear input error."""
    with pytest.raises(InputError):
        write_note(ENCOUNTER, "soap", writer="llm")


def test_patient_text_never_reaches_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    """Logging at DEBUG shows no transcript words."""
    with caplog.at_level(logging.DEBUG, logger="edge_assist"):
        write_note(ENCOUNTER, "soap")
    assert "amoxicillin" not in caplog.text and "cough" not in caplog.text


def test_dictation_becomes_a_note() -> None:
    """Free dictation (no speaker tags) is written into the template with a warning."""
    note = write_note("Patient here for follow up of knee pain. On exam the right knee is tender. "
                      "Plan: continue ibuprofen 400 mg and follow up in 2 weeks.", "soap")
    assert any(s.sentences for s in note.sections) and note.warnings


def test_short_dictated_sentences_under_a_section_name_are_kept() -> None:
    """'Assessment. Acute bronchitis.' as Whisper writes it: two words are the whole assessment."""
    note = write_note("The patient has had a cough and a fever for three days. Assessment. Acute bronchitis. "
                      "Plan. Rest. Fluids and review in one week.", "soap")
    sections = {s.key: [x.text for x in s.sentences] for s in note.sections}
    assert sections["assessment"] == ["Acute bronchitis."]
    assert sections["plan"][0] == "Rest."
