"""Thrombosis and vascular risk: PESI, sPESI, revised Geneva, Padua, 4Ts, CHADS₂, CHA₂DS₂-VA,
TIMI UA/NSTEMI and the ACC/AHA pooled cohort equations."""

from __future__ import annotations

import math

from edge_assist.calculators.engine import Steps, Values
from edge_assist.calculators.formulas import above, formula
from edge_assist.calculators.formulas.cardiac import count


@formula("pesi")
def pesi(v: Values, s: Steps) -> int:
    """PESI (Aujesky 2005): age in years plus the points of each finding."""
    total = s.points(f"age {v['age']:g}", round(v["age"]))
    total += s.points(f"sex {v['sex']}", 0 if v.female else 10)
    total += count(v, s, {"cancer": 30, "chf": 10, "chronic_lung_disease": 10})
    total += above(s, "heart rate", v["heart_rate"], 110, 20, inclusive=True)
    total += above(s, "systolic BP", v["sbp"], 100, 30, below=True)
    total += above(s, "respiratory rate", v["respiratory_rate"], 30, 20, inclusive=True)
    total += above(s, "temperature °C", v["temperature"], 36, 20, below=True)
    total += count(v, s, {"altered_mental_status": 60})
    total += above(s, "SpO₂ %", v["spo2"], 90, 20, below=True)
    return int(total)


@formula("spesi")
def spesi(v: Values, s: Steps) -> int:
    """Simplified PESI (Jiménez 2010): one point each."""
    total = above(s, "age", v["age"], 80)
    total += count(v, s, {"cancer": 1, "cardiopulmonary_disease": 1})
    total += above(s, "heart rate", v["heart_rate"], 110, inclusive=True)
    total += above(s, "systolic BP", v["sbp"], 100, below=True)
    total += above(s, "SpO₂ %", v["spo2"], 90, below=True)
    return int(total)


@formula("geneva-revised")
def geneva_revised(v: Values, s: Steps) -> int:
    """Revised Geneva score (Le Gal 2006)."""
    total = above(s, "age", v["age"], 65)
    total += count(v, s, {"previous_vte": 3, "surgery_or_fracture": 2, "active_malignancy": 2,
                          "unilateral_leg_pain": 3, "hemoptysis": 2, "leg_palpation_edema": 4})
    rate = v["heart_rate"]
    total += s.points(f"heart rate {rate:g} (75-94: 3, >= 95: 5)",
                      5 if rate >= 95 else 3 if rate >= 75 else 0)
    return int(total)


@formula("padua")
def padua(v: Values, s: Steps) -> int:
    """Padua prediction score (Barbar 2010)."""
    total = count(v, s, {"active_cancer": 3, "previous_vte": 3, "reduced_mobility": 3, "thrombophilia": 3,
                         "recent_trauma_surgery": 2, "heart_respiratory_failure": 1, "mi_or_stroke": 1,
                         "infection_or_rheumatologic": 1, "obesity": 1, "hormonal_treatment": 1})
    total += above(s, "age", v["age"], 70, inclusive=True)
    return int(total)


@formula("four-ts")
def four_ts(v: Values, s: Steps) -> int:
    """4Ts (Lo 2006): four items, 0-2 each."""
    total = 0.0
    for part in ("thrombocytopenia", "timing", "thrombosis", "other_causes"):
        total += s.points(f"{v.label(part)}: {v[part]}", v.points(part))
    return int(total)


@formula("chads2")
def chads2(v: Values, s: Steps) -> int:
    """CHADS₂ (Gage 2001)."""
    total = count(v, s, {"chf": 1, "hypertension": 1, "diabetes": 1})
    total += above(s, "age", v["age"], 75, inclusive=True)
    if v["stroke"] or v["tia"]:
        total += s.points("prior stroke or TIA", 2)
    return int(total)


@formula("cha2ds2-va")
def cha2ds2_va(v: Values, s: Steps) -> int:
    """CHA₂DS₂-VA (ESC 2024): CHA₂DS₂-VASc without the sex category."""
    age = v["age"]
    total = s.points(f"age {age:g}", 2 if age >= 75 else 1 if age >= 65 else 0)
    total += count(v, s, {"chf": 1, "hypertension": 1, "diabetes": 1, "vascular_disease": 1})
    if v["stroke"] or v["tia"] or v["thromboembolism"]:
        total += s.points("prior stroke, TIA or thromboembolism", 2)
    return int(total)


@formula("timi-ua-nstemi")
def timi_ua(v: Values, s: Steps) -> int:
    """TIMI risk score for UA/NSTEMI (Antman 2000): one point each."""
    total = above(s, "age", v["age"], 65, inclusive=True)
    total += count(v, s, {"cad_risk_factors": 1, "known_cad": 1, "aspirin_7_days": 1, "severe_angina": 1,
                          "st_deviation": 1, "positive_marker": 1})
    return int(total)


# Goff 2013, Table A: coefficients of ln(age), ln(age)², ln(TC), ln(age)·ln(TC), ln(HDL),
# ln(age)·ln(HDL), ln(treated SBP), ln(age)·ln(treated SBP), ln(untreated SBP),
# ln(age)·ln(untreated SBP), smoker, ln(age)·smoker, diabetes; then the mean sum and the 10-year
# baseline survival to the precision of the guideline's risk spreadsheet (Table A prints them rounded).
_PCE_TERMS = ("age", "age2", "tc", "age_tc", "hdl", "age_hdl", "treated", "age_treated", "untreated",
              "age_untreated", "smoker", "age_smoker", "diabetes")
_PCE = {
    ("female", "white or other"): ((-29.799, 4.884, 13.540, -3.114, -13.578, 3.149, 2.019, 0, 1.957, 0,
                                    7.574, -1.665, 0.661), -29.1817, 0.96652),
    ("female", "african american"): ((17.114, 0, 0.940, 0, -18.920, 4.475, 29.291, -6.432, 27.820, -6.087,
                                      0.691, 0, 0.874), 86.6081, 0.95334),
    ("male", "white or other"): ((12.344, 0, 11.853, -2.664, -7.990, 1.769, 1.797, 0, 1.764, 0, 7.837,
                                  -1.795, 0.658), 61.1816, 0.91436),
    ("male", "african american"): ((2.469, 0, 0.302, 0, -0.307, 0, 1.916, 0, 1.809, 0, 0.549, 0, 0.645),
                                   19.5425, 0.89536),
}


def _pce_terms(v: Values) -> dict[str, float]:
    age, tc, hdl, sbp = (math.log(v[k]) for k in ("age", "total_cholesterol", "hdl", "sbp"))
    treated, smoker = float(v["bp_treated"]), float(v["smoker"])
    return {"age": age, "age2": age * age, "tc": tc, "age_tc": age * tc, "hdl": hdl, "age_hdl": age * hdl,
            "treated": sbp * treated, "age_treated": age * sbp * treated, "untreated": sbp * (1 - treated),
            "age_untreated": age * sbp * (1 - treated), "smoker": smoker, "age_smoker": age * smoker,
            "diabetes": float(v["diabetes"])}


@formula("ascvd-pce")
def ascvd_pce(v: Values, s: Steps) -> float:
    """10-year ASCVD risk (%) by the pooled cohort equations (Goff 2013)."""
    coefficients, mean, survival = _PCE[(v["sex"], v["race"])]
    terms = _pce_terms(v)
    x = sum(c * terms[name] for c, name in zip(coefficients, _PCE_TERMS, strict=True))
    risk = (1 - survival ** math.exp(x - mean)) * 100
    s.add(f"individual sum ({v['sex']}, {v['race']}) = {x:.2f}; mean {mean}")
    s.add(f"risk = 1 − {survival}^exp({x:.2f} − {mean}) = {risk:.1f} %")
    return risk
