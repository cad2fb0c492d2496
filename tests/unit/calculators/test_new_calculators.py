"""The calculators added for breadth (issue 22): one worked case per calculator, scored by hand from
the source's own table or equation (the point each item adds is in the comment), plus the boundary
of each cut-off, the bands, and refusals of bad input."""

from __future__ import annotations

import pytest

from edge_assist import calculators
from edge_assist.errors import InputError

PHQ9 = ["interest", "depressed", "sleep", "tired", "appetite", "failure", "concentration", "psychomotor",
        "self_harm"]
GAD7 = ["nervous", "worry_control", "worry_much", "relaxing", "restless", "irritable", "afraid"]
EPDS = ["laugh", "enjoyment", "self_blame", "anxious", "scared", "overwhelmed", "sleep", "sad", "crying",
        "self_harm"]
CIWA = ["nausea_vomiting", "tremor", "sweats", "anxiety", "agitation", "tactile", "auditory", "visual",
        "headache", "orientation"]
NIHSS_ZERO = {"consciousness": "alert", "questions": "both correct", "commands": "both correct",
              "gaze": "normal", "visual": "no visual loss", "facial_palsy": "normal",
              "motor_left_arm": "no drift", "motor_right_arm": "no drift", "motor_left_leg": "no drift",
              "motor_right_leg": "no drift", "ataxia": "absent", "sensory": "normal",
              "language": "no aphasia", "dysarthria": "normal", "extinction": "no abnormality"}
PCE = {"age": 55, "sex": "male", "total_cholesterol": 200, "hdl": 50, "sbp": 120}
ROCKALL = {"age": 70, "sbp": 95, "heart_rate": 110, "comorbidity": "cardiac or other major",
           "diagnosis": "other", "stigmata": "present"}

WORKED = [
    # Ranson 1974: age > 55, WBC > 16, glucose > 200, LDH > 350 (AST 100 is not > 250) = 4;
    # calcium < 8 at 48 h = 5
    ("ranson", {"age": 60, "wbc": 18, "glucose": 250, "ldh": 400, "ast": 100, "calcium": 7.5}, 5,
     "severe pancreatitis (3-5)"),
    # BISAP: BUN 30 > 25, SIRS, age 65 > 60 = 3
    ("bisap", {"bun": 30, "age": 65, "sirs": True}, 3, "increased mortality risk (3-5)"),
    # Rockall: age 60-79 1, SBP < 100 2, cardiac comorbidity 2, other diagnosis 1, stigmata 2 = 8
    ("rockall", ROCKALL, 8, "intermediate risk (3-8)"),
    # AIMS65: albumin < 3.0, INR > 1.5, SBP <= 90, age >= 65 = 4
    ("aims65", {"albumin": 2.8, "inr": 1.6, "sbp": 90, "age": 65}, 4, "high risk (>= 2)"),
    # Alvarado: migration 1, RLQ tenderness 2, temperature 37.5 >= 37.3 1, WBC 12 > 10 2 = 6
    ("alvarado", {"temperature": 37.5, "wbc": 12, "migration": True, "rlq_tenderness": True}, 6,
     "compatible with appendicitis (5-6)"),
    # PHQ-9: 1+2+3+3+0+1+1+0+1 = 12
    ("phq-9", dict(zip(PHQ9, ["several days", "2", "3", "nearly every day", "not at all", "1", "1", "0",
                              "several days"], strict=True)), 12, "moderate depression (10-14)"),
    ("gad-7", dict.fromkeys(GAD7, "more than half the days"), 14, "moderate anxiety (10-14)"),
    # AUDIT-C: 2-3 times a week 3 + 3-4 drinks 1 + monthly binge 2 = 6
    ("audit-c", {"sex": "male", "frequency": "2-3 times a week", "typical_drinks": "3-4", "binge": "monthly"},
     6, None),
    ("cage", {"cut_down": True, "guilty": True}, 2, "clinically significant (>= 2)"),
    ("epds", dict(zip(EPDS, ["1", "1", "2", "1", "2", "2", "1", "1", "1", "0"], strict=True)), 12,
     "possible depression (10-12)"),
    # CIWA-Ar: 2+3+1+2+1+0+0+0+1+0 = 10
    ("ciwa-ar", dict(zip(CIWA, ["2", "3", "1", "2", "1", "0", "0", "0", "1", "0"], strict=True)), 10,
     "moderate withdrawal (10-15)"),
    # PESI: age 70 + male 10 + cancer 30 + HR 115 >= 110 20 + SBP 95 < 100 30 + SpO2 88 < 90 20 = 180
    ("pesi", {"age": 70, "sex": "male", "heart_rate": 115, "sbp": 95, "respiratory_rate": 20,
              "temperature": 37, "spo2": 88, "cancer": True}, 180, "class V: very high risk (> 125)"),
    ("spesi", {"age": 81, "heart_rate": 80, "sbp": 120, "spo2": 95}, 1, "high risk (>= 1)"),
    # revised Geneva: age 70 > 65 1, previous VTE 3, HR 96 >= 95 5, unilateral leg pain 3 = 12
    ("geneva-revised", {"age": 70, "heart_rate": 96, "previous_vte": True, "unilateral_leg_pain": True}, 12,
     "high probability (>= 11)"),
    # Padua: active cancer 3, age 72 >= 70 1 = 4
    ("padua", {"age": 72, "active_cancer": True}, 4, "high VTE risk (>= 4): prophylaxis indicated"),
    ("four-ts", {"thrombocytopenia": "2", "timing": "2", "thrombosis": "0", "other_causes": "possible"}, 5,
     "intermediate probability (4-5)"),
    # CHADS2: age 76 1, hypertension 1, TIA 2 = 4
    ("chads2", {"age": 76, "hypertension": True, "tia": True}, 4, "high risk (>= 2)"),
    # CHA2DS2-VA: age 75 2 + CHF 1 (no sex point) = 3
    ("cha2ds2-va", {"age": 75, "chf": True}, 3, ">= 2: anticoagulation recommended"),
    ("timi-ua-nstemi", {"age": 66, "aspirin_7_days": True, "st_deviation": True}, 3,
     "intermediate risk (3-4)"),
    # APGAR: 1 + 2 + 1 + 1 + 2 = 7
    ("apgar", {"appearance": "acrocyanosis", "pulse": "100 or more", "grimace": "grimace",
               "activity": "some flexion", "respiration": "good cry"}, 7, "reassuring (7-10)"),
    # Bishop: dilation 3 cm 2, effacement 60% 2, station -1 2, soft 2, mid 1 = 9
    ("bishop", {"dilation": 3, "effacement": 60, "station": "-1", "consistency": "soft", "position": "mid"},
     9, "favourable cervix (>= 8)"),
    ("nihss", {**NIHSS_ZERO, "facial_palsy": "minor paralysis", "motor_left_arm": "no effort against gravity",
               "language": "mild to moderate aphasia"}, 5, "moderate stroke (5-15)"),
    ("ottawa-ankle", {"malleolar_pain": True, "lateral_malleolus_tenderness": True}, 1,
     "radiography indicated"),
    ("canadian-ct-head", {"age": 40, "dangerous_mechanism": True}, 1,
     "medium risk (brain injury on CT): CT recommended"),
    # KDIGO: 2.1 / 1.0 = 2.1x baseline -> stage 2
    ("kdigo-aki", {"creatinine": 2.1, "baseline_creatinine": 1.0}, 2, "stage 2"),
    # STOP-Bang: snoring 1, hypertension 1, BMI 36 > 35 1, age 55 > 50 1, neck 43 > 40 1, male 1 = 6
    ("stop-bang", {"age": 55, "sex": "male", "snoring": True, "hypertension": True, "bmi": 36,
                   "neck_circumference": 43}, 6, "high risk of OSA (5-8)"),
    # Winters: 1.5 x 12 + 8 = 26 mmHg
    ("winters-formula", {"bicarbonate": 12}, 26.0, None),
    # Parkland: 4 mL x 70 kg x 30% = 8400 mL in 24 h
    ("parkland", {"weight": 70, "tbsa": 30}, 8400, None),
    # CRB-65: RR 32 >= 30 1, DBP 55 <= 60 1, age 70 1 = 3
    ("crb-65", {"age": 70, "respiratory_rate": 32, "sbp": 110, "dbp": 55}, 3,
     "high risk (3-4): urgent admission"),
]


@pytest.mark.parametrize(("name", "inputs", "expected", "band"), WORKED, ids=[w[0] for w in WORKED])
def test_worked_case_scores_as_the_source_table(name: str, inputs: dict, expected: float,
                                                band: str | None) -> None:
    """Each new calculator adds up a hand-scored case from its source, with the source's band."""
    result = calculators.get(name).compute(inputs)
    assert result.value == pytest.approx(expected)
    assert result.band == band
    assert result.steps and result.source and result.formula_version


@pytest.mark.parametrize(("sex", "race", "published"), [
    ("female", "white", 2.1), ("female", "african american", 3.0), ("male", "white", 5.3),
    ("male", "african american", 6.1)])
def test_pooled_cohort_equations_give_the_guideline_example(sex: str, race: str, published: float) -> None:
    """Goff 2013, Table A: age 55, TC 213, HDL 50, untreated SBP 120, non-smoker, no diabetes.

    The guideline prints white men at 5.3 % from an individual sum rounded to 60.69; unrounded, the
    same coefficients give 60.70 and 5.38 %, hence the 0.1 tolerance."""
    result = calculators.get("ascvd-pce").compute(age=55, sex=sex, race=race, total_cholesterol=213, hdl=50,
                                                  sbp=120)
    assert result.value == pytest.approx(published, abs=0.1 + 1e-9)


@pytest.mark.parametrize(("name", "below", "at", "base"), [
    ("bisap", {"bun": 25}, {"bun": 25.1}, {"age": 40}),                     # BUN > 25
    ("aims65", {"inr": 1.5}, {"inr": 1.51}, {"albumin": 3.5, "sbp": 120, "age": 40}),  # INR > 1.5
    ("aims65", {"albumin": 3.0}, {"albumin": 2.9}, {"inr": 1.0, "sbp": 120, "age": 40}),  # albumin < 3.0
    ("alvarado", {"temperature": 37.2}, {"temperature": 37.3}, {"wbc": 8}),  # >= 37.3 °C
    ("pesi", {"heart_rate": 109}, {"heart_rate": 110},
     {"age": 50, "sex": "female", "sbp": 120, "respiratory_rate": 16, "temperature": 37, "spo2": 97}),
    ("spesi", {"age": 80}, {"age": 81}, {"heart_rate": 80, "sbp": 120, "spo2": 95}),  # age > 80
    ("geneva-revised", {"heart_rate": 74}, {"heart_rate": 75}, {"age": 40}),   # 75-94 scores 3
    ("padua", {"age": 69}, {"age": 70}, {}),
    ("timi-ua-nstemi", {"age": 64}, {"age": 65}, {}),
    ("crb-65", {"respiratory_rate": 29}, {"respiratory_rate": 30}, {"age": 40, "sbp": 120, "dbp": 80}),
    ("canadian-ct-head", {"age": 64}, {"age": 65}, {}),
    ("stop-bang", {"age": 50}, {"age": 51}, {"sex": "female"}),
    ("ranson", {"age": 55}, {"age": 56}, {"wbc": 10, "glucose": 100, "ldh": 200, "ast": 40}),
])
def test_cut_offs_fall_where_the_source_puts_them(name: str, below: dict, at: dict, base: dict) -> None:
    """One step across each cut-off changes the score; on the near side it does not count."""
    calc = calculators.get(name)
    low, high = calc.compute({**base, **below}).value, calc.compute({**base, **at}).value
    assert high > low


@pytest.mark.parametrize(("inputs", "stage"), [
    ({"creatinine": 1.29, "baseline_creatinine": 1.0}, 0),   # 1.29x and +0.29: no AKI
    ({"creatinine": 1.3, "baseline_creatinine": 1.0}, 1),    # +0.3 mg/dL
    ({"creatinine": 2.9, "baseline_creatinine": 2.0}, 1),    # 1.45x but +0.9
    ({"creatinine": 3.0, "baseline_creatinine": 1.0}, 3),    # 3.0x
    ({"creatinine": 4.2, "baseline_creatinine": 3.5}, 3),    # >= 4.0 after a rise >= 0.3
    ({"creatinine": 4.0, "baseline_creatinine": 4.0}, 0),    # >= 4.0 but no rise: not AKI
    ({"creatinine": 1.0, "baseline_creatinine": 1.0, "urine_output": "< 0.5 mL/kg/h for >= 12 h"}, 2),
    ({"creatinine": 1.0, "baseline_creatinine": 1.0, "rrt": True}, 3),
])
def test_kdigo_stage_boundaries(inputs: dict, stage: int) -> None:
    """KDIGO 2012 Table 2: the highest criterion decides the stage."""
    assert calculators.get("kdigo-aki").compute(inputs).value == stage


def test_bands_change_at_the_published_cut_offs() -> None:
    """PHQ-9 9 -> mild, 10 -> moderate; AUDIT-C 3 is positive for women, not for men."""
    phq = calculators.get("phq-9")
    nine = dict(zip(PHQ9, ["1", "1", "1", "1", "1", "1", "1", "2", "0"], strict=True))
    assert phq.compute(nine).band == "mild depression (5-9)"
    assert phq.compute({**nine, "self_harm": "1"}).band == "moderate depression (10-14)"
    audit = {"frequency": "monthly or less", "typical_drinks": "3-4", "binge": "less than monthly"}
    assert "screen positive" in calculators.get("audit-c").compute(sex="female", **audit).steps[-1]
    assert "screen negative" in calculators.get("audit-c").compute(sex="male", **audit).steps[-1]


def test_self_harm_item_is_called_out_whatever_the_total() -> None:
    """PHQ-9 item 9 above 'not at all' is named in the steps even when the total is minimal."""
    result = calculators.get("phq-9").compute({**dict.fromkeys(PHQ9, "0"), "self_harm": "several days"})
    assert result.value == 1 and any("self-harm" in step for step in result.steps)


def test_ottawa_needs_zone_pain_and_a_finding() -> None:
    """Tenderness without pain in the zone, or pain without a finding, indicates no radiograph."""
    ottawa = calculators.get("ottawa-ankle")
    assert ottawa.compute(lateral_malleolus_tenderness=True).value == 0
    assert ottawa.compute(malleolar_pain=True).value == 0
    both = ottawa.compute(malleolar_pain=True, midfoot_pain=True, unable_to_bear_weight=True)
    assert both.value == 2


def test_canadian_ct_head_high_risk_outranks_medium() -> None:
    """Any high-risk factor gives level 2 whatever the medium-risk ones."""
    result = calculators.get("canadian-ct-head").compute(age=30, vomiting_twice=True, amnesia_30_min=True)
    assert result.value == 2 and result.band == "high risk (neurosurgical intervention): CT required"


def test_cha2ds2_va_has_no_sex_point_and_chads2_counts_stroke_twice() -> None:
    """CHA2DS2-VA ignores sex (ESC 2024); CHADS2 gives prior stroke or TIA two points."""
    assert calculators.get("cha2ds2-va").compute(age=50).value == 0
    assert calculators.get("chads-vasc").compute(age=50, sex="female").value == 1
    assert calculators.get("chads2").compute(age=50, stroke=True).value == 2


def test_winters_compares_the_measured_paco2() -> None:
    """A measured PaCO2 above expected + 2 is named a concomitant respiratory acidosis."""
    steps = calculators.get("winters-formula").compute(bicarbonate=12, paco2=30).steps
    assert "respiratory acidosis" in steps[-1]


def test_names_and_aliases_resolve_to_the_new_calculators() -> None:
    """Full names and common aliases find them, and CHA2DS2-VA is not confused with CHA2DS2-VASc."""
    assert calculators.get("CHA2DS2-VA").id == "cha2ds2-va"
    assert calculators.get("CHA2DS2-VASc").id == "chads-vasc"
    assert calculators.get("PHQ9").id == "phq-9"
    assert calculators.get("pooled cohort equations").id == "ascvd-pce"
    assert calculators.get("Ranson's Criteria for Acute Pancreatitis").id == "ranson"


@pytest.mark.parametrize(("name", "inputs", "message"), [
    ("ciwa-ar", {**dict.fromkeys(CIWA, "0"), "orientation": "5"}, "not an option"),   # orientation is 0-4
    ("phq-9", dict.fromkeys(PHQ9[:8], "0"), "needs self_harm"),                       # unanswered item
    ("ascvd-pce", {**PCE, "age": 35}, "plausible range"),             # equations fitted on ages 40-79
    ("ascvd-pce", {**PCE, "total_cholesterol": 400}, "plausible range"),  # and TC 130-320 mg/dL
    ("kdigo-aki", {"creatinine": 2, "baseline_creatinine": (1.0, "kg")}, "cannot convert"),
    ("bishop", {"dilation": 12, "effacement": 50, "station": "0", "consistency": "soft", "position": "mid"},
     "plausible range"),
    ("parkland", {"weight": 70, "tbsa": 130}, "plausible range"),
    ("rockall", {**ROCKALL, "diagnosis": "gastritis?"}, "not an option"),
])
def test_bad_input_is_an_input_error(name: str, inputs: dict, message: str) -> None:
    """Out-of-range, unconvertible, unanswered or unknown values are refused with one message."""
    with pytest.raises(InputError, match=message):
        calculators.get(name).compute(inputs)


def test_units_convert_for_the_new_inputs() -> None:
    """A baseline creatinine in µmol/L and a BUN in mmol/L are converted before scoring."""
    kdigo = calculators.get("kdigo-aki")
    assert kdigo.compute(creatinine=2.0, baseline_creatinine=(88.4, "µmol/L")).value == 2
    assert calculators.get("bisap").compute(bun=(10, "mmol/L"), age=40).value == 1   # 28 mg/dL > 25


def test_a_note_fills_an_item_only_from_a_sentence_about_it() -> None:
    """Option words elsewhere in a note ("daily drinker", "black stools") do not answer an item."""
    from edge_assist.calculators.note import fill_from_note

    note = ("67-year-old woman. Daily drinker. Her mother has black stools. Sleep is normal. "
            "Cardiac exam normal. Total cholesterol 213 mg/dL, HDL 50 mg/dL, SBP 120.")
    phq = fill_from_note(calculators.get("phq-9"), note)
    assert phq.value is None and "interest" in phq.missing
    white = fill_from_note(calculators.get("ascvd-pce"), note)
    assert "race" not in white.inputs and any(a.startswith("race") for a in white.assumptions)
    black = fill_from_note(calculators.get("ascvd-pce"), note.replace("woman", "black woman"))
    assert black.inputs["race"].value == "african american"
