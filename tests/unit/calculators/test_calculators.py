"""Worked examples from the sources, unit handling, refusals and differential checks."""

from __future__ import annotations

import pytest

from edge_assist import calculators
from edge_assist.calculators.units import convert
from edge_assist.errors import InputError


def test_every_calculator_loads_with_a_cited_source() -> None:
    """All specs validate, have a formula, a formula version and a citation."""
    calcs = calculators.available()
    assert len(calcs) >= 88
    assert all(c.spec.source.citation and c.spec.formula_version for c in calcs)
    assert len({c.spec.medcalc_id for c in calcs if c.spec.medcalc_id}) == 55


@pytest.mark.parametrize(("name", "inputs", "expected"), [
    ("chads-vasc", {"age": 72, "sex": "F", "hypertension": True}, 3),
    ("chads-vasc", {"age": 80, "sex": "M", "stroke": True, "diabetes": True}, 5),
    ("curb-65", {"age": 70, "bun": 25, "respiratory_rate": 32, "sbp": 85, "dbp": 50, "confusion": True}, 5),
    ("centor", {"age": 10, "temperature": 38.5, "cough_absent": True, "tender_nodes": True,
                "tonsillar_exudate": True}, 5),
    ("gcs", {"eye": "to pain", "verbal": "confused", "motor": "localizes pain"}, 11),
    ("child-pugh", {"bilirubin": 2.5, "albumin": 3.0, "inr": 1.8, "ascites": "slight",
                    "encephalopathy": "none"}, 9),
    ("wells-dvt", {"active_cancer": True, "alternative_diagnosis": True}, -1),
    ("perc", {"age": 30, "heart_rate": 80, "spo2": 98}, 0),
    ("sirs", {"temperature": 38.5, "heart_rate": 100, "respiratory_rate": 18, "wbc": 13}, 3),
])
def test_scores_match_worked_examples(name: str, inputs: dict, expected: int) -> None:
    """Point scores add up as in the source papers' tables."""
    assert calculators.get(name).compute(inputs).value == expected


@pytest.mark.parametrize(("name", "inputs", "expected"), [
    ("bmi", {"weight": 70, "height": 175}, 22.857),
    ("map", {"sbp": 120, "dbp": 80}, 93.333),
    ("anion-gap", {"sodium": 140, "chloride": 100, "bicarbonate": 24}, 16),
    ("ldl", {"total_cholesterol": 200, "hdl": 50, "triglycerides": 150}, 120),
    ("calcium-correction", {"calcium": 8.0, "albumin": 2.0}, 9.6),
    ("qtc-bazett", {"heart_rate": 60, "qt": 400}, 400),
    ("ideal-body-weight", {"sex": "male", "height": 152.4}, 50),
    ("ckd-epi-2021", {"age": 50, "sex": "female", "creatinine": 0.7}, 105.3),
    ("maintenance-fluids", {"weight": 25}, 65),
    ("steroid-conversion", {"from_steroid": "prednisone po", "dose": 10, "to_steroid": "dexamethasone po"},
     1.5),
    ("mme", {"oxycodone_dose": 10, "oxycodone_per_day": 4}, 60),
    ("framingham-chd", {"age": 55, "sex": "male", "total_cholesterol": 213, "hdl": 50, "sbp": 120},
     None),
])
def test_formulas_match_worked_examples(name: str, inputs: dict, expected: float | None) -> None:
    """Continuous formulas give the published worked-example values."""
    value = calculators.get(name).compute(inputs).value
    if expected is None:
        assert 0 < value < 30
    else:
        assert value == pytest.approx(expected, rel=2e-3)


def test_dates() -> None:
    """Naegele's rule with cycle correction, conception and gestational age."""
    assert calculators.get("due-date").compute(lmp="01/01/2024", cycle_length=28).value == "10/07/2024"
    assert calculators.get("due-date").compute(lmp="01/01/2024", cycle_length=30).value == "10/09/2024"
    assert calculators.get("conception-date").compute(lmp="01/01/2024").value == "01/15/2024"
    ga = calculators.get("gestational-age").compute(lmp="01/01/2024", current_date="02/05/2024")
    assert ga.value == (5, 0)


def test_units_convert_by_analyte() -> None:
    """Creatinine, glucose, BUN, cholesterol, calcium, albumin, mass, length and temperature."""
    assert convert(88.4, "µmol/L", "mg/dL", "creatinine") == pytest.approx(1.0, rel=1e-3)
    assert convert(5.5, "mmol/L", "mg/dL", "glucose") == pytest.approx(99.1, rel=1e-3)
    assert convert(10, "mmol/L", "mg/dL", "bun") == pytest.approx(28.0, rel=1e-3)
    assert convert(5, "mmol/L", "mg/dL", "cholesterol") == pytest.approx(193.3, rel=1e-3)
    assert convert(2.5, "mmol/L", "mg/dL", "calcium") == pytest.approx(10.02, rel=1e-3)
    assert convert(35, "g/L", "g/dL", "albumin") == pytest.approx(3.5)
    assert convert(220, "lb", "kg") == pytest.approx(99.79, rel=1e-3)
    assert convert(70, "in", "cm") == pytest.approx(177.8)
    assert convert(100.4, "°F", "°C") == pytest.approx(38.0)


def test_a_value_in_other_units_is_converted() -> None:
    """compute() accepts (value, unit) and converts to the canonical unit."""
    a = calculators.get("ckd-epi-2021").compute(age=60, sex="M", creatinine=(106.08, "µmol/L")).value
    b = calculators.get("ckd-epi-2021").compute(age=60, sex="M", creatinine=1.2).value
    assert a == pytest.approx(b, rel=1e-3)


@pytest.mark.parametrize(("name", "inputs", "message"), [
    ("ckd-epi-2021", {"age": 60, "sex": "M", "creatinine": 88}, "plausible range"),
    ("ckd-epi-2021", {"age": 60, "sex": "M", "creatinine": (1.0, "kg")}, "cannot convert"),
    ("ckd-epi-2021", {"age": 60, "sex": "M"}, "needs creatinine"),
    ("ckd-epi-2021", {"age": 60, "sex": "M", "creatinine": 1, "potato": 1}, "no input potato"),
    ("chads-vasc", {"age": 60, "sex": "X"}, "not an option"),
    ("bmi", {"weight": float("nan"), "height": 170}, "finite"),
])
def test_bad_input_is_refused_with_a_clear_message(name: str, inputs: dict, message: str) -> None:
    """Out-of-range values, wrong units, missing or unknown inputs raise InputError, never a number."""
    with pytest.raises(InputError, match=message):
        calculators.get(name).compute(inputs)


def test_unknown_calculator() -> None:
    """An unknown name is an InputError pointing at `calc list`."""
    with pytest.raises(InputError, match="unknown calculator"):
        calculators.get("no-such-score")


def test_names_and_aliases_resolve() -> None:
    """Ids, full names and aliases find the same calculator."""
    assert calculators.get("CHA2DS2-VASc").id == "chads-vasc"
    assert calculators.get("Creatinine Clearance (Cockcroft-Gault Equation)").id == "creatinine-clearance"


def test_assumptions_are_shown() -> None:
    """Criteria not given are assumed absent, and the result says so."""
    result = calculators.get("chads-vasc").compute(age=50, sex="M")
    assert result.value == 0
    assert any("assumed absent" in a for a in result.assumptions)


def test_differential_against_medcalc_bench_package() -> None:
    """Agree with MedCalc-Bench's reference code where its formula is the published one."""
    mc_bmi = pytest.importorskip("medcalc.bmi_calculator")
    from medcalc.ckd_epi_2021_creatinine import ckd_epi_2021
    from medcalc.mean_arterial_pressure import mean_arterial_pressure_explanation

    ours = calculators.get("bmi").compute(weight=80, height=180).value
    theirs = mc_bmi.bmi_calculator_explanation({"weight": (80, "kg"), "height": (180, "cm")})["Answer"]
    assert ours == pytest.approx(theirs, rel=1e-2)
    ours = calculators.get("map").compute(sbp=130, dbp=85).value
    theirs = mean_arterial_pressure_explanation({"sys_bp": (130, "mm Hg"), "dia_bp": (85, "mm Hg")})["Answer"]
    assert ours == pytest.approx(theirs, rel=1e-2)
    ours = calculators.get("ckd-epi-2021").compute(age=47, sex="M", creatinine=3.7).value
    theirs = ckd_epi_2021({"age": (47, "years"), "sex": "Male", "creatinine": (3.7, "mg/dL")})
    assert ours == pytest.approx(float(theirs), rel=1e-2)
