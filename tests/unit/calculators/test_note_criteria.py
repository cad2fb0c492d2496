"""Criterion-level reading: every input answered as stated, assumed, conflict or missing, with its span.

The notes here are written from clinical language (how notes say these things), not taken from
any data set row.
"""

from __future__ import annotations

import pytest

from edge_assist import calculators
from edge_assist.calculators.note import fill_from_note


def _criteria(name: str, note: str) -> dict:
    result = fill_from_note(calculators.get(name), note)
    return {c.name: c for c in result.criteria}


def test_every_input_has_a_criterion_with_its_span_and_status() -> None:
    """Stated criteria point at their words; silent ones are assumed by the score's rule, and listed."""
    note = "A 72-year-old woman with hypertension; she denies diabetes."
    result = fill_from_note(calculators.get("chads-vasc"), note)
    crit = {c.name: c for c in result.criteria}
    assert [c.name for c in result.criteria] == [s.name for s in calculators.get("chads-vasc").spec.inputs]
    assert crit["hypertension"].status == "stated" and crit["hypertension"].value is True
    span = crit["hypertension"].span
    assert note[span.start:span.end] == span.text == "hypertension"
    assert crit["diabetes"].status == "stated" and crit["diabetes"].value is False
    assert "negated" in crit["diabetes"].reason and "denies" in crit["diabetes"].reason
    assert crit["chf"].status == "assumed" and crit["chf"].value is False and crit["chf"].span is None
    assert any(a.startswith("congestive heart failure") or "heart failure" in a for a in result.assumptions)
    assert result.value == 3


def test_a_criterion_given_only_as_family_history_is_not_the_patients() -> None:
    """'Her mother had a stroke': the patient's stroke is not stated; assumed absent, saying why."""
    crit = _criteria("chads-vasc", "A 70-year-old woman. Her mother had a stroke at 60.")
    stroke = crit["stroke"]
    assert stroke.status == "assumed" and stroke.value is False
    assert "relative" in stroke.reason and "mother" in stroke.reason


def test_a_criterion_stated_only_negated_is_stated_absent() -> None:
    """'No history of heart failure' is the note saying the criterion is absent, not silence."""
    chf = _criteria("chads-vasc", "A 70-year-old man with no history of heart failure.")["chf"]
    assert chf.status == "stated" and chf.value is False and chf.span.text == "heart failure"


def test_two_creatinines_are_a_conflict_shown_on_the_criterion() -> None:
    """Two different creatinines: status conflict, both named, the first (presentation) value used."""
    note = "A 60-year-old man. On admission creatinine 3.09 mg/dL. At discharge creatinine 1.17 mg/dL."
    result = fill_from_note(calculators.get("ckd-epi-2021"), note)
    creatinine = next(c for c in result.criteria if c.name == "creatinine")
    assert creatinine.status == "conflict" and creatinine.value == pytest.approx(3.09)
    assert "1.17" in creatinine.reason and "check which applies" in creatinine.reason
    assert result.status == "flagged" and "3.09" in result.conflicts[0] and "1.17" in result.conflicts[0]


def test_the_same_value_twice_is_no_conflict() -> None:
    """Creatinine 1.2 mg/dL and 106 µmol/L are one value in two units."""
    note = "A 60-year-old man, creatinine 1.2 mg/dL (106 µmol/L)."
    creatinine = _criteria("ckd-epi-2021", note)["creatinine"]
    assert creatinine.status == "stated" and creatinine.value == pytest.approx(1.2)


def test_an_impossible_value_is_refused_and_the_criterion_says_so() -> None:
    """A heart rate of 900 is refused; with no other value the input is missing, the refusal in its reason."""
    result = fill_from_note(calculators.get("qtc-bazett"), "QT interval 400 msec. Heart rate 900 bpm.")
    heart_rate = next(c for c in result.criteria if c.name == "heart_rate")
    assert result.value is None and heart_rate.status == "missing"
    assert "refused" in heart_rate.reason and "plausible range" in heart_rate.reason


def test_a_missing_unit_is_an_assumption_and_a_written_one_is_converted() -> None:
    """'creatinine 1.4' with no unit is read as mg/dL by its size and listed as assumed; µmol/L converts."""
    result = fill_from_note(calculators.get("ckd-epi-2021"), "A 50-year-old woman, creatinine 1.4.")
    creatinine = next(c for c in result.criteria if c.name == "creatinine")
    assert creatinine.status == "assumed" and creatinine.value == pytest.approx(1.4)
    assert "no unit is written" in creatinine.reason and "mg/dL" in creatinine.reason
    assert any("no unit is written" in a for a in result.assumptions)
    converted = _criteria("ckd-epi-2021", "A 50-year-old woman, creatinine 124 µmol/L.")["creatinine"]
    assert converted.status == "stated" and converted.value == pytest.approx(124 / 88.42, rel=1e-2)


def test_an_unusual_unit_is_refused_not_guessed() -> None:
    """'albumin 3.2 mg/dl' (g/dL meant) is refused: the criterion is missing and says why."""
    note = "Serum calcium was 8.3 mg/dl and serum albumin was 3.2 mg/dl."
    albumin = _criteria("calcium-correction", note)["albumin"]
    assert albumin.status == "missing" and "refused" in albumin.reason


@pytest.mark.parametrize("note", ["He is a former smoker.", "He quit smoking in 2015.", "An ex-smoker."])
def test_a_past_habit_is_absent_for_a_criterion_that_counts_only_when_current(note: str) -> None:
    """HEART scores a current smoker; 'former smoker' is stated absent, with the reason."""
    smoking = _criteria("heart", "A 55-year-old man with chest pain. " + note)["smoking"]
    assert smoking.value is False and smoking.status == "stated" and "past, not current" in smoking.reason


def test_past_cancer_counts_where_the_score_counts_previous_malignancy() -> None:
    """Wells DVT needs active cancer; Caprini scores present or previous malignancy."""
    note = "A 60-year-old woman with breast cancer in remission since 2010, after a knee replacement."
    assert _criteria("wells-dvt", note)["active_cancer"].value is False
    assert _criteria("caprini", note)["malignancy"].value is True


def test_heart_ecg_scores_its_most_significant_finding_and_respects_negation() -> None:
    """T-wave inversion and ST depression: significant ST deviation; 'no ST elevation' names nothing."""
    both = _criteria("heart", "Chest pain. ECG: T-wave inversion in III and 1 mm ST depression in V5.")
    assert both["ecg"].value == "significant st deviation" and both["ecg"].span.text == "ST depression"
    negated = _criteria("heart", "Chest pain. ECG showed T-wave inversions but no ST elevation.")
    assert negated["ecg"].value == "non-specific repolarization"
    normal = _criteria("heart", "Chest pain. The ECG was unremarkable.")
    assert normal["ecg"].value == "normal" and normal["ecg"].status == "stated"


def test_heart_troponin_from_words() -> None:
    """A negative troponin is stated normal; a raised one with no multiple is the lowest raised band."""
    assert _criteria("heart", "Chest pain. Troponin was negative.")["troponin"].status == "stated"
    raised = _criteria("heart", "Chest pain with an elevated troponin.")["troponin"]
    assert raised.value == "1-3x normal" and raised.status == "assumed"


def test_homa_ir_reads_fasting_levels_not_insulin_doses() -> None:
    """An insulin dose in units is no insulin level; the fasting glucose is taken over a random one."""
    note = ("Random glucose 180 mg/dL. He takes insulin glargine 10 units at night. "
            "Fasting glucose 110 mg/dL, fasting insulin 15 µIU/mL.")
    crit = _criteria("homa-ir", note)
    assert crit["insulin"].value == pytest.approx(15)
    assert crit["glucose"].value == pytest.approx(110) and crit["glucose"].status == "conflict"
    dose_only = _criteria("homa-ir", "Fasting glucose 110 mg/dL. Insulin 20 units daily.")
    assert dose_only["insulin"].status == "missing"


def test_urine_results_under_a_urine_heading_are_urine_values() -> None:
    """'Urine studies: sodium 20 mEq/L, creatinine 80 mg/dL' are the urine sodium and creatinine (FENa)."""
    note = ("Serum sodium 136 mEq/L and creatinine 2.0 mg/dL. "
            "Urine studies: sodium 20 mEq/L, creatinine 80 mg/dL.")
    result = fill_from_note(calculators.get("fena"), note)
    values = {k: v.value for k, v in result.inputs.items()}
    assert values == {"sodium": 136, "creatinine": 2.0, "urine_sodium": 20, "urine_creatinine": 80}
    assert result.conflicts == []
    assert result.value == pytest.approx(20 * 2.0 / (136 * 80) * 100, rel=1e-3)
