"""Section assignment: phases, cue phrases and answered questions."""

from __future__ import annotations

from pathlib import Path

from edge_assist.notes.assign import assign, units_of
from edge_assist.notes.transcript import parse

ENCOUNTER = (Path(__file__).parents[2] / "data" / "notes" / "encounter.txt").read_text("utf-8")


def _kinds() -> dict[str, list[str]]:
    result = assign(parse(ENCOUNTER).turns)
    return {k: [u.text for u in v] for k, v in result.units.items()}


def test_a_question_answered_no_becomes_a_denial_citing_both_turns() -> None:
    """'any chest pain?' / 'no chest pain' is a ROS denial sourced from the question and the answer."""
    result = assign(parse("[doctor] any chest pain ?\n[patient] no .").turns)
    unit = result.units["ros"][0]
    assert unit.text == "Denies chest pain" and unit.turns == [0, 1] and unit.polarity == "negative"


def test_exam_findings_go_to_exam_and_results_to_results() -> None:
    """Clinician findings after the exam starts are exam; an x-ray that 'showed' is a result."""
    kinds = _kinds()
    assert any("crackles" in t for t in kinds["exam"])
    assert any("x-ray" in t for t in kinds["results"])


def test_plan_sentences_go_to_plan() -> None:
    """After 'assessment and plan', the clinician's orders are plan."""
    assert any("amoxicillin" in t for t in _kinds()["plan"])


def test_patient_history_goes_to_history() -> None:
    """What the patient tells before the exam is history."""
    assert any("cough for about 2 weeks" in t for t in _kinds()["history"])


def test_complaint_is_the_reason_for_the_visit() -> None:
    """The first 'here for ...' sentence is the complaint."""
    assert "evaluation of a cough" in _kinds()["complaint"][0]


def test_voice_assistant_commands_are_dropped() -> None:
    """Wake-word commands to the scribe are not note content."""
    result = assign(parse("[doctor] hey dragon , show me the x-ray .\n[patient] okay .").turns)
    assert not any("dragon" in u.text for units in result.units.values() for u in units)


def test_assessment_opens_with_the_intro_and_assent_adds_no_agreement() -> None:
    """The "N-year-old ... presents" line heads the assessment; a patient's "okay" after the plan is
    not written up as agreeing to the treatment plan (issue 21: no templated clinical statement)."""
    transcript = ("[doctor] so she is a 45-year-old female who presents today with knee pain .\n"
                  "[patient] it hurts when i walk .\n[doctor] my assessment is a knee strain .\n"
                  "[doctor] i want to order an x-ray of the knee .\n[patient] okay , sounds good .")
    result = assign(parse(transcript).turns)
    intro = result.units["assessment"][0]
    assert intro.kind == "intro" and "45-year-old" in intro.text and intro.turns == [0]
    assert all(u.kind != "agreement" and "agrees" not in u.text for u in result.units.get("plan", []))


def test_without_a_reason_sentence_the_most_stated_symptom_is_the_complaint() -> None:
    """No "here for ...": the symptom phrase stated most often becomes the complaint, citing its turn."""
    result = assign(parse("[doctor] hi there how are you\n[patient] my left knee pain started last week\n"
                          "[doctor] okay\n[patient] the left knee pain is worse on stairs\n"
                          "[patient] i also have some back pain").turns)
    unit = result.units["complaint"][0]
    assert unit.text == "left knee pain" and unit.turns == [1]
    assert result.units["history"][0].text == "The patient presents for evaluation of left knee pain."


def test_a_denied_or_asked_symptom_never_becomes_the_complaint() -> None:
    """'any chest pain?' / 'no' must not turn into "presents for evaluation of chest pain"."""
    result = assign(parse("[doctor] any chest pain ?\n[patient] no .\n[doctor] do you have back pain\n"
                          "[patient] no i do not have back pain").turns)
    assert "complaint" not in result.units
    assert all("evaluation" not in u.text for u in result.units.get("history", []))


def test_run_on_speech_is_cut_into_clause_units_on_the_same_turn() -> None:
    """A 60-word unpunctuated turn becomes several units, every word kept, all citing that turn."""
    turn = ("so it started about a week ago when i was lifting boxes at work and then it got worse "
            "over the weekend okay and now it hurts when i bend over or when i sit for a long time "
            "but i have been taking ibuprofen which helps a little and i have been using ice too")
    units = units_of(parse(f"[patient] {turn}").turns)
    assert len(units) > 1 and all(u.turns == [0] for u in units)
    assert " ".join(u.text for u in units).split() == turn.split()


DICTATED = ("Chief complaint: chest pain. Patient is a 54 year old man with chest pain for 2 days. "
            "He takes lisinopril 20 mg daily. Physical exam. Lungs are clear, heart regular. "
            "Labs: troponin 0.01. Assessment: chest pain, possible angina. "
            "Plan: ECG and start aspirin 81 mg daily. Follow up in 1 week.")


def test_dictated_headings_choose_the_sections() -> None:
    """'Assessment: ...' and 'Plan: ...' dictated: the sentences after each go there, without the name."""
    kinds = {k: [u.text for u in v] for k, v in assign(parse(DICTATED).turns).units.items()}
    assert "Lungs are clear, heart regular." in kinds["exam"]
    assert "Troponin 0.01." in kinds["results"]
    assert "Chest pain, possible angina." in kinds["assessment"]
    assert kinds["plan"][:2] == ["ECG and start aspirin 81 mg daily.", "Follow up in 1 week."]
    assert not any("Physical exam" in t or t.startswith("Plan") for v in kinds.values() for t in v)


def test_a_heading_word_inside_a_sentence_is_not_a_heading() -> None:
    """'History of hypertension' and 'Plan is to ...' are sentences, not dictated section names."""
    turns = parse("History of hypertension for ten years. The plan is to recheck in a month.").turns
    kinds = {k: [u.text for u in v] for k, v in assign(turns).units.items()}
    assert any("History of hypertension" in t for v in kinds.values() for t in v)


def test_dictated_headings_keep_their_source_turns() -> None:
    """A sentence cut from its heading still cites the dictation sentence it came from."""
    result = assign(parse("Assessment: stable angina. Plan: continue aspirin 81 mg daily.").turns)
    assert [u.turns for u in result.units["assessment"]] == [[0]]
    assert [u.turns for u in result.units["plan"]] == [[1]]


def test_conversations_ignore_heading_words() -> None:
    """With speaker tags the phases decide: 'plan :' in a doctor's turn is speech, not a heading to cut."""
    said = "plan : we will start ibuprofen 400 mg twice daily ."
    tagged = assign(parse(f"[doctor] {said}\n[patient] okay .").turns)
    dictated = assign(parse(said).turns)
    assert dictated.units["plan"][0].text.startswith("We will start ibuprofen")
    assert not any(u.text.startswith("We will") for v in tagged.units.values() for u in v)


def test_terse_dictation_is_accepted_as_english() -> None:
    """Telegraphic dictation has few function words; its clinical words make it English."""
    assert parse("Assessment: stable angina. Plan: continue aspirin 81 mg daily.").is_dictation


def test_headings_between_commas_start_a_new_piece() -> None:
    """Speech recognition writes 'Assessment, acute bronchitis, plan, rest ...': both names are headings."""
    said = "Cough and fever for three days. Assessment, acute bronchitis, plan, rest and fluids."
    kinds = {k: [u.text for u in v] for k, v in assign(parse(said).turns).units.items()}
    assert kinds["assessment"] == ["Acute bronchitis."] and kinds["plan"] == ["Rest and fluids."]
    prose = assign(parse("He was given a plan, a diet sheet and a follow-up date.").turns)
    assert "plan" not in prose.units  # 'a plan,' is not a dictated name
