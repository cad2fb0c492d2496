"""The fact layer on short hand-written conversations."""

from __future__ import annotations

from edge_assist.extract.dialogue import DialogueTurn, read_facts
from edge_assist.extract.dialogue.data import all_files, load
from edge_assist.notes.transcript import parse

FILLERS = {"um", "uh", "kind of", "you know", "like"}


def facts_of(*pairs: tuple[str, str]):
    return read_facts([DialogueTurn(i, sp, tx) for i, (sp, tx) in enumerate(pairs)])


def by_text(facts):
    return {(f.kind, f.text): f for f in facts}


def test_multi_symptom_question_and_no_negates_each():
    for answer in ("No.", "nope", "not really", "No, none of that."):
        facts = by_text(facts_of(("doctor", "Any chest pain, nausea or vomiting?"), ("patient", answer)))
        for name in ("chest pain", "nausea", "vomiting"):
            assert facts[("complaint", name)].assertion == "absent", answer
            assert facts[("complaint", name)].turns == [0, 1]


def test_mixed_answer():
    facts = by_text(facts_of(("doctor", "Any chest pain, nausea or vomiting?"),
                             ("patient", "No chest pain but some nausea.")))
    assert facts[("complaint", "chest pain")].assertion == "absent"
    assert facts[("complaint", "nausea")].assertion == "present"
    assert ("complaint", "vomiting") not in facts


def test_patients_own_negative():
    facts = by_text(facts_of(("patient", "I haven't had any fever.")))
    assert facts[("complaint", "fever")].assertion == "absent"


def test_family_history_goes_to_the_relative():
    facts = facts_of(("patient", "My grandmother has diabetes."))
    assert [(f.kind, f.text, f.subject) for f in facts] == [("family", "diabetes", "grandmother")]


def test_nkda():
    facts = facts_of(("doctor", "Any allergies?"), ("patient", "No allergies to medications."))
    assert [(f.kind, f.text) for f in facts] == [("allergy", "NKDA")]


def test_dose_frequency_adherence():
    med = by_text(facts_of(("patient", "I take lisinopril 10 mg once a day but I sometimes forget.")))[
        ("medication", "lisinopril")]
    assert med.attrs["dose"] == "10 mg" and med.attrs["frequency"] == "daily"
    assert med.attrs["adherence"] == "poor"


def test_duration_normalised_and_course():
    sore = by_text(facts_of(("patient", "I've had a sore throat for the past four days, getting worse.")))[
        ("complaint", "sore throat")]
    assert sore.attrs["duration"] == "4 days" and sore.attrs["course"] == "worsening"


def test_uncertain_diagnosis():
    facts = by_text(facts_of(("doctor", "I think this is probably a viral illness.")))
    assert facts[("diagnosis", "viral illness")].assertion == "possible"


def test_plan_safety_net_and_follow_up():
    facts = by_text(facts_of(("doctor", "I think this is a viral illness."),
                             ("doctor", "I want you to rest and drink plenty of fluids. If it gets worse, "
                                        "come back. Follow up in 5-7 days.")))
    assert facts[("plan", "follow-up in 5-7 days")].attrs == {"topic": "follow_up", "interval": "5-7 days"}
    assert facts[("plan", "return if worse")].attrs["topic"] == "safety_net"
    assert {"rest", "fluids"} <= {f.text for f in facts.values() if f.attrs.get("topic") == "advice"}
    assert all(f.turns for f in facts.values())


def test_fillers_never_in_fact_text():
    facts = facts_of(("patient", "um, you know, I kind of have, like, a sore throat, uh, for like two days"),
                     ("doctor", "so i think you have an acute lumbar , um , strain ."))
    assert facts
    for f in facts:
        assert not (set(f.text.split()) & FILLERS), f.text
    assert ("diagnosis", "acute lumbar strain") in by_text(facts)


def test_speakerless_dictation_uses_context_within_the_sentence():
    turns = parse("Patient reports cough for three days. No fever or chills. Lungs are clear on exam.").turns
    facts = by_text(read_facts(turns))
    assert facts[("complaint", "cough")].attrs["duration"] == "3 days"
    assert facts[("complaint", "fever")].assertion == "absent"
    assert facts[("complaint", "chills")].assertion == "absent"


def test_every_answer_no_gives_only_negatives():
    facts = facts_of(("doctor", "Any fever?"), ("patient", "No."), ("doctor", "Any cough?"),
                     ("patient", "No."),
                     ("doctor", "Do you smoke?"), ("patient", "No."))
    assert facts and all(f.assertion == "absent" for f in facts)


def test_filler_only_turns_give_no_facts():
    assert facts_of(("doctor", "okay ."), ("patient", "um , mm-hmm ."), ("doctor", "all right , so ."))  == []
    assert read_facts([]) == []


def test_data_files_load():
    for name in all_files():
        assert load(name)
