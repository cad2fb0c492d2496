"""From-note rules: labels, lists, units, ConText scope, criteria against, note defaults, bad input."""

from __future__ import annotations

import time

import pytest

from edge_assist import calculators
from edge_assist.calculators.note import fill_from_note


def _inputs(name: str, note: str, question: str = "") -> dict:
    result = fill_from_note(calculators.get(name), note, question=question)
    return {k: v.value for k, v in result.inputs.items()}


def test_a_parenthesised_value_is_the_labels_own() -> None:
    """'albumin (2.8 g/dL), and 25-hydroxy ...' is 2.8, not the 25 after the parenthesis."""
    note = ("Low calcium (7.6 mg/dL), ionized calcium (0.93 mmol/L), albumin (2.8 g/dL), and "
            "25-hydroxy vitamin D (16.4 ng/mL).")
    values = _inputs("calcium-correction", note)
    assert values["albumin"] == pytest.approx(2.8)
    assert values["calcium"] == pytest.approx(7.6)


def test_slash_lists_assign_values_in_order_and_keep_urine_apart() -> None:
    """'BUN/creatinine were 21.9/1.98 mg/dL'; urinary Na/K/Cl are urine values, not serum."""
    note = ("Serum sodium 133 mEq/L. Blood urea nitrogen/creatinine were 21.9/1.98mg/dL. "
            "Urinary levels of sodium/potassium/chloride (Na/K/Cl) were 95/73.2/47mEq/L, "
            "his urinary creatinine measured 111.12mg/dL.")
    values = _inputs("fena", note)
    assert values["creatinine"] == pytest.approx(1.98)
    assert values["urine_sodium"] == pytest.approx(95)
    assert values["sodium"] == pytest.approx(133)
    assert values["urine_creatinine"] == pytest.approx(111.12)


def test_a_labelled_value_beats_a_bare_measurement() -> None:
    """Birth length '55 cm' is not the height; 'height 157.5 cm' is."""
    note = "A 15-year-old girl; at birth length 55 cm. Now her weight was 53.7 kg, height 157.5 cm."
    assert _inputs("ideal-body-weight", note)["height"] == pytest.approx(157.5)


@pytest.mark.parametrize(("text", "years"), [
    ("A fifty-year-old male presented.", 50.0),
    ("A sixty-five-year-old woman presented.", 65.0),
    ("A 17-month-old girl was admitted.", 17 / 12),
    ("Aged 44, he works as a farmer.", 44.0),
])
def test_ages_in_words_and_months(text: str, years: float) -> None:
    """Ages written in words or months are read and converted to years."""
    assert _inputs("curb-65", text)["age"] == pytest.approx(years, rel=1e-3)


def test_units_in_notes() -> None:
    """Grams, a dot for thousands in a count, and a BMI that is not a weight."""
    weight = _inputs("maintenance-fluids", "A 2-month-old boy, weighing 2180 g.")["weight"]
    assert weight == pytest.approx(2.18)
    values = _inputs("sirs", "Temperature 37 °C, pulse 112 bpm, RR 22. White blood cell count 22.000/μL.")
    assert values["wbc"] == pytest.approx(22.0)
    note = "He has a BMI of 38 kg/m2. He weighs 106 kg and is 168 cm in height."
    assert _inputs("bmi", note)["weight"] == pytest.approx(106)


@pytest.mark.parametrize(("text", "sbp"), [
    ("Her systolic blood pressure was noted to be slightly low at 90 mmHg.", 90),
    ("The blood pressure is stable at a systolic 103 mmHg.", 103),
    ("Blood pressure of 160 over 83 millimeters of mercury.", 160),
])
def test_systolic_pressure_phrasings(text: str, sbp: float) -> None:
    """Systolic pressure written without the usual 'BP 120/80'."""
    assert _inputs("map", text + " Diastolic 70 mmHg.")["sbp"] == sbp


def test_negation_reaches_the_end_of_a_list_but_stops_at_a_terminator() -> None:
    """'denies any history of A, B, C, D or E' negates all five; 'but' ends the scope."""
    note = ("An 80-year-old man. He denies any past history of heart disease, renal disease, "
            "cerebrovascular disease, liver disease, or cancer. Temperature 37 °C, heart rate 90 bpm, "
            "respiratory rate 18 breaths per minute, blood pressure 140/85 mm Hg.")
    values = _inputs("psi", note)
    assert not any(values[k] for k in ("renal_disease", "liver_disease", "cerebrovascular_disease",
                                       "neoplastic_disease"))
    values = _inputs("has-bled", "A 70-year-old man with no stroke but with cirrhosis.")
    assert values["stroke"] is False and values["liver_disease"] is True


def test_curly_apostrophes_negate() -> None:
    """'doesn’t have a history of liver disease' is a negation."""
    note = "A 78-year-old male. He doesn’t have a history of any liver disease."
    assert _inputs("psi", note + " Heart rate 90 bpm, RR 20 breaths per minute, BP 120/80 mmHg, "
                   "temperature 37 °C.")["liver_disease"] is False


def test_a_relative_who_brings_the_patient_is_no_family_history() -> None:
    """'brought by his mother with fever ... for 2 days' is the patient's own history."""
    note = ("A 6-year-old boy is presented by his mother with complaints of fever and sore throat "
            "for the past 2 days.")
    values = _inputs("feverpain", note)
    assert values["fever"] is True and values["attend_rapidly"] is True


def test_findings_against_a_criterion() -> None:
    """A cough speaks against 'cough absent'; a denied cough for it; silence leaves the default."""
    assert _inputs("centor", "A 20-year-old with a dry cough.")["cough_absent"] is False
    assert _inputs("centor", "A 20-year-old who denies cough.")["cough_absent"] is True
    result = fill_from_note(calculators.get("centor"), "A 20-year-old with a sore throat.")
    assert "cough_absent" not in result.inputs
    assert any("cough absent" in a for a in result.assumptions)


def test_wells_dvt_silence_on_another_diagnosis_scores_nothing() -> None:
    """Wells DVT: a silent note follows the published rule (criterion absent, 0), listed as an assumption.

    It never scores "alternative diagnosis as likely" (-2) on no evidence, which would lower the DVT risk.
    """
    calc = calculators.get("wells-dvt")
    result = fill_from_note(calc, "A 66-year-old woman with pancreatitis.")
    assert "alternative_diagnosis" not in result.inputs and result.value == 0
    assert any("alternative diagnosis" in a and "assumed absent" in a for a in result.assumptions)
    result = fill_from_note(calc, "Painful swollen left calf. Cellulitis is the likelier diagnosis.")
    assert result.inputs["alternative_diagnosis"].value is True


def test_choices_are_read_only_where_their_finding_is_mentioned() -> None:
    """'well-controlled glucose' is not controlled encephalopathy; 'stage 3-4' is grade 3-4."""
    note = ("Alcoholic liver disease with confusion; mental state suggestive of stage 3-4 hepatic "
            "encephalopathy. INR 1.6, bilirubin 1.9 mg/dL, albumin 3.3 g/dL. HbA1c shows well-controlled "
            "blood glucose.")
    values = _inputs("child-pugh", note)
    assert values["encephalopathy"] == "grade 3-4"
    assert "ascites" not in values
    values = _inputs("child-pugh", "Cirrhosis with ascites. INR 1.2, bilirubin 1 mg/dL, albumin 3.5 g/dL.")
    assert values["ascites"] == "slight"  # mentioned without a grade


def test_gcs_components_from_a_description() -> None:
    """GCS read from words: eyes to pain, inappropriate words, localizing."""
    note = ("He reacted to painful stimuli by moving his hands towards the site of the pinch. He opened "
            "his eyes only in response to sternal rub. The patient kept saying inappropriate words.")
    result = fill_from_note(calculators.get("gcs"), note)
    assert {k: v.value for k, v in result.inputs.items()} == {
        "eye": "to pain", "verbal": "inappropriate words", "motor": "localizes pain"}
    assert result.value == 10


def test_family_history_of_heart_disease_and_coronary_stents() -> None:
    """HEART: a father's heart disease is family history; an oesophageal stent is no atherosclerosis."""
    note = ("A 63-year-old woman. Family history was significant for hypertension in her mother and "
            "cardiovascular disease in her father. An esophageal stent was placed.")
    values = _inputs("heart", note)
    assert values["family_history"] is True
    assert values.get("atherosclerotic_disease") in (None, False)


def test_alcohol_drinks() -> None:
    """'up to 12 drinks per week' and '2 drinks a day' (14 a week)."""
    weekly = _inputs("has-bled", "58-year-old. Consuming up to 12 drinks per week.")
    daily = _inputs("has-bled", "58-year-old. Has 2 drinks a day.")
    assert weekly["alcohol_drinks_per_week"] == 12 and daily["alcohol_drinks_per_week"] == 14


# --- bad input: never a silent wrong number -------------------------------------------------------

def test_a_note_about_two_patients_is_flagged() -> None:
    """Two patients: the result carries a warning (and the conflicting values) instead of a silent number."""
    note = "Patient 1: weight 70 kg, height 170 cm. Patient 2: weight 90 kg, height 180 cm."
    result = fill_from_note(calculators.get("bmi"), note)
    assert result.status == "flagged"
    assert "more than one patient" in result.warnings[0]
    assert {c.split(":")[0] for c in result.conflicts} == {"weight", "height"}


def test_repeat_administration_is_not_a_second_patient() -> None:
    """'given to the patient two times' is one patient."""
    result = fill_from_note(calculators.get("bmi"), "Saline given to the patient two times. 70 kg, 170 cm.")
    assert result.status == "ok"


def test_a_wrong_unit_in_the_note_is_refused_not_guessed() -> None:
    """'albumin 3.2 mg/dl' (g/dL meant) is implausible: refused with a warning, the input listed missing."""
    note = "Serum calcium was 8.3 mg/dl and serum albumin was 3.2 mg/dl."
    result = fill_from_note(calculators.get("calcium-correction"), note)
    assert result.value is None and result.missing == ["albumin"]
    assert any("albumin" in w and "plausible" in w for w in result.warnings)


def test_two_creatinine_values_keep_the_first_and_say_so() -> None:
    """Admission creatinine first, discharge later: the first is used and the conflict is listed."""
    note = "A 60-year-old man. On admission creatinine 3.09 mg/dL. At discharge creatinine 1.17 mg/dL."
    result = fill_from_note(calculators.get("ckd-epi-2021"), note)
    assert result.inputs["creatinine"].value == pytest.approx(3.09)
    assert result.status == "flagged" and "the first is used" in result.conflicts[0]


def test_out_of_range_vital_is_skipped() -> None:
    """A heart rate of 900 bpm is skipped with a warning; a plausible later one is used."""
    note = "A 30-year-old, heart rate 900 bpm, repeat heart rate 90 bpm."
    result = fill_from_note(calculators.get("perc"), note)
    assert result.inputs["heart_rate"].value == 90
    assert any("heart_rate" in w and "plausible" in w for w in result.warnings)


def test_rules_stay_fast_on_a_long_note() -> None:
    """No catastrophic backtracking: a 30 kB note with lists and labels reads well within a second."""
    chunk = ("Sodium, potassium and chloride were 140, 4.1 and 101 mEq/L, respectively. BUN/creatinine "
             "18/1.1 mg/dL. He denies chest pain, fever or cough. ")
    note = "A 70-year-old man. " + chunk * 200
    started = time.perf_counter()
    fill_from_note(calculators.get("anion-gap"), note)
    fill_from_note(calculators.get("psi"), note)
    assert time.perf_counter() - started < 2.0
