"""The facts writer on hand-built facts: clinical lines, provenance, templates as data, abbreviations."""

from __future__ import annotations

import pytest

from edge_assist.errors import InputError
from edge_assist.extract.dialogue.types import Fact
from edge_assist.notes.facts_writer import abbreviate, write_sections
from edge_assist.notes.templates import Template, load_template


def _uri() -> list[Fact]:
    """The issue's GP consultation: sore throat, runny nose and cough for four days, night sweats."""
    four = {"duration": "4 days"}
    return [
        Fact("complaint", "sore throat", attrs=four, turns=[1]),
        Fact("complaint", "runny nose", attrs=four, turns=[1]),
        Fact("complaint", "cough", attrs=four, turns=[3]),
        Fact("complaint", "night sweats", turns=[5]),
        Fact("complaint", "chest pain", "absent", turns=[6, 7]),
        Fact("complaint", "nausea", "absent", turns=[8, 9]),
        Fact("complaint", "vomiting", "absent", turns=[8, 9]),
        Fact("history", "asthma", turns=[10]),
        Fact("family", "type 2 diabetes", subject="mother", turns=[11]),
        Fact("social", "smoking", "absent", attrs={"topic": "smoking"}, turns=[12, 13]),
        Fact("social", "alcohol 2 units/week", attrs={"topic": "alcohol"}, turns=[14]),
        Fact("social", "works as a teacher", attrs={"topic": "occupation"}, turns=[15]),
        Fact("medication", "metformin", attrs={"dose": "500 mg", "frequency": "twice daily",
                                               "adherence": "adherent"}, turns=[16]),
        Fact("allergy", "drug allergies", "absent", turns=[17, 18]),
        Fact("exam", "erythematous", attrs={"site": "throat"}, turns=[19]),
        Fact("exam", "exudate", "absent", attrs={"site": "throat"}, turns=[19]),
        Fact("diagnosis", "viral URTI", turns=[20]),
        Fact("diagnosis", "influenza", "possible", turns=[20]),
        Fact("plan", "rest", attrs={"topic": "advice"}, turns=[21]),
        Fact("plan", "fluids", attrs={"topic": "advice"}, turns=[21]),
        Fact("plan", "regular paracetamol/ibuprofen", attrs={"topic": "advice"}, turns=[21]),
        Fact("plan", "review in 5-7 days if not better", attrs={"topic": "follow_up"}, turns=[22]),
        Fact("plan", "red flags discussed", attrs={"topic": "safety_net"}, turns=[23]),
    ]


def _by_key(sections) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {s.key: [x.text for x in s.sentences] for s in sections}


def test_gp_layout_writes_one_clinical_line_per_section() -> None:
    """Each GP section is the issue's clinical line, written from the facts alone."""
    lines = _by_key(write_sections(load_template("gp"), _uri()))
    assert lines["presenting_complaint"] == ["Sore throat, runny nose and cough."]
    assert lines["hpc"] == ["Sore throat, runny nose and cough for 4 days; night sweats.",
                            "No chest pain, nausea or vomiting."]
    assert lines["pmh"] == ["Asthma."]
    assert lines["dh"] == ["Metformin 500 mg twice daily (adherent)."]
    assert lines["allergies"] == ["NKDA."]
    assert lines["fh"] == ["Mother: type 2 diabetes."]
    assert lines["sh"] == ["Non-smoker; alcohol 2 units/week; works as a teacher."]
    assert lines["examination"] == ["Throat: erythematous, no exudate."]
    assert lines["impression"] == ["Viral URTI / ?influenza."]
    assert lines["plan"] == ["Rest, fluids, regular paracetamol/ibuprofen; review in 5-7 days if not better; "
                             "red flags discussed."]


def test_each_line_cites_the_union_of_its_facts_turns_and_carries_the_facts() -> None:
    """A line's turns are exactly its facts' turns; its facts ride along for the reviewer."""
    hpc = next(s for s in write_sections(load_template("gp"), _uri()) if s.key == "hpc")
    positives, negatives = hpc.sentences
    assert positives.turns == [1, 3, 5] and negatives.turns == [6, 7, 8, 9]
    assert [f.text for f in negatives.facts] == ["chest pain", "nausea", "vomiting"]
    assert all(s.writer == "facts" for s in hpc.sentences)


def test_mixed_sections_prefix_each_kind() -> None:
    """SOAP's subjective holds several kinds, so each non-complaint line names its kind."""
    subjective = write_sections(load_template("soap"), _uri())[0].text
    assert subjective.startswith("Sore throat, runny nose and cough for 4 days; night sweats. "
                                 "No chest pain, nausea or vomiting. PMH: asthma.")
    assert "Allergies: NKDA." in subjective and "FH: type 2 diabetes (mother)." in subjective
    assert "SH: non-smoker;" in subjective


def test_aci_review_of_systems_is_one_negative_line_per_system() -> None:
    """ACI's ROS holds the pertinent negatives, grouped under the body system they belong to."""
    ros = next(s for s in write_sections(load_template("aci"), _uri()) if s.key == "ros")
    assert [(s.label, s.text) for s in ros.sentences] == [("Cardiovascular", "No chest pain."),
                                                          ("Gastrointestinal", "No nausea or vomiting.")]


def test_aci_plan_lines_are_labelled_by_part() -> None:
    """The ACI assessment and plan: the impression first, then the plan under its ACI sub-headings."""
    aandp = write_sections(load_template("aci"), _uri())[-1]
    assert aandp.sentences[0].text == "Viral URTI / ?influenza." and not aandp.sentences[0].label
    assert {s.label for s in aandp.sentences[1:]} == {"Patient Education and Counseling"}


def test_a_symptom_both_said_and_denied_is_not_written_as_denied() -> None:
    """A term the encounter affirms never appears in the negatives line as well."""
    facts = [Fact("complaint", "cough", turns=[1]), Fact("complaint", "cough", "absent", turns=[3]),
             Fact("complaint", "fever", "absent", turns=[3])]
    assert write_sections(load_template("gp"), facts)[1].text == "Cough. No fever."


def test_described_complaint_gets_its_own_line_with_attributes() -> None:
    """Site, side, character, severity, what worsens or relieves it, and the course, in one line."""
    fact = Fact("complaint", "pain", attrs={"site": "knee", "laterality": "right", "duration": "3 weeks",
                                            "character": "sharp", "aggravating": "stairs",
                                            "relieving": "ibuprofen", "course": "improving"}, turns=[2])
    hpc = write_sections(load_template("gp"), [fact])[1]
    assert hpc.text == ("Right knee pain for 3 weeks: sharp, worse with stairs, relieved by ibuprofen, "
                        "improving.")


@pytest.mark.parametrize("text", ["um cough", "the the cough", "pain in the", "and then it", "  ",
                                  "f- fever"])
def test_speech_like_fact_texts_are_dropped_not_written(text: str) -> None:
    """A filler, a stutter, a dangling function word: no fragment reaches the note."""
    facts = [Fact("complaint", text, turns=[1]), Fact("complaint", "headache", turns=[2])]
    assert write_sections(load_template("gp"), facts)[0].text == "Headache."


def test_no_facts_no_lines() -> None:
    """Nothing established: every section is empty, nothing is templated in."""
    assert all(not s.sentences for s in write_sections(load_template("aci"), []))


def test_a_plan_without_a_stated_agreement_has_no_agreement_line() -> None:
    """The facts writer never adds 'the patient understands and agrees ...'."""
    text = " ".join(s.text for s in write_sections(load_template("aci"), _uri()))
    assert "agree" not in text.lower() and "understands" not in text.lower()


def test_abbreviations_are_an_option() -> None:
    """--abbrev writes BD, T2DM and friends; without it the words stay spelled out."""
    plain = _by_key(write_sections(load_template("gp"), _uri()))
    short = _by_key(write_sections(load_template("gp"), _uri(), abbrev=True))
    assert short["dh"] == ["Metformin 500 mg BD (adherent)."] and short["fh"] == ["Mother: T2DM."]
    assert plain["dh"] == ["Metformin 500 mg twice daily (adherent)."]
    assert abbreviate("Shortness of breath on exertion; follow-up in 2 weeks.") == \
        "SOB on exertion; F/U in 2 weeks."
    assert abbreviate("shortness of breathing") == "shortness of breathing"  # whole words only


def test_a_user_template_without_facts_takes_its_content_classes_kinds() -> None:
    """Templates map fact kinds in data: a template naming only content classes still gets facts."""
    template = Template.from_dict({"name": "wound", "sections": [
        {"key": "history", "title": "HISTORY", "content": ["complaint", "history"]},
        {"key": "findings", "title": "FINDINGS", "content": ["exam", "results"]}]})
    history, findings = write_sections(template, _uri())
    assert "Sore throat" in history.text and "PMH: asthma." in history.text
    assert findings.text == "Throat: erythematous, no exudate."


@pytest.mark.parametrize("selector", ["symptom", "complaint:denied", 3])
def test_bad_fact_selectors_are_refused_with_the_allowed_ones(selector: object) -> None:
    """A typo in a template's facts list fails at load and names the kinds and assertions."""
    with pytest.raises(InputError) as info:
        Template.from_dict({"sections": [{"key": "a", "title": "A", "content": ["history"],
                                          "facts": [selector]}]})
    assert "complaint" in info.value.hint
