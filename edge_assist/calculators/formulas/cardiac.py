"""Cardiovascular risk: CHA₂DS₂-VASc, HAS-BLED, HEART, RCRI, Wells PE, PERC, Framingham hard CHD."""

from __future__ import annotations

import math

from edge_assist.calculators.engine import Steps, Values
from edge_assist.calculators.formulas import formula


def count(v: Values, s: Steps, items: dict[str, float]) -> float:
    """Sum the points of every true bool input in ``items`` (name -> points), recording each."""
    total = 0.0
    for name, points in items.items():
        if v[name]:
            total += s.points(v.label(name), points)
    return total


@formula("chads-vasc")
def chads_vasc(v: Values, s: Steps) -> int:
    """CHA₂DS₂-VASc (Lip 2010)."""
    age = v["age"]
    total = s.points(f"age {age:g}", 2 if age >= 75 else 1 if age >= 65 else 0)
    total += s.points(f"sex {v['sex']}", 1 if v.female else 0)
    total += count(v, s, {"chf": 1, "hypertension": 1, "diabetes": 1, "vascular_disease": 1})
    if v["stroke"] or v["tia"] or v["thromboembolism"]:
        total += s.points("prior stroke, TIA or thromboembolism", 2)
    return int(total)


@formula("has-bled")
def has_bled(v: Values, s: Steps) -> int:
    """HAS-BLED (Pisters 2010); alcohol counts at ≥ 8 drinks a week."""
    total = s.points(f"age {v['age']:g} (> 65)", 1 if v["age"] > 65 else 0)
    total += count(v, s, {"hypertension": 1, "renal_disease": 1, "liver_disease": 1, "stroke": 1,
                          "bleeding": 1, "labile_inr": 1, "bleeding_medication": 1})
    drinks = v["alcohol_drinks_per_week"]
    total += s.points(f"alcohol {drinks:g} drinks/week", 1 if drinks >= 8 else 0)
    return int(total)


@formula("heart")
def heart(v: Values, s: Steps) -> int:
    """HEART score (Six 2008): history, ECG, age, risk factors, troponin, 0–2 each."""
    total = s.points(f"history: {v['history']}", v.points("history"))
    total += s.points(f"ECG: {v['ecg']}", v.points("ecg"))
    age = v["age"]
    total += s.points(f"age {age:g}", 2 if age >= 65 else 1 if age >= 45 else 0)
    factors = [n for n in ("hypertension", "hypercholesterolemia", "diabetes", "obesity", "smoking",
                           "family_history") if v[n]]
    s.add(f"risk factors present: {', '.join(v.label(n) for n in factors) or 'none'}")
    if v["atherosclerotic_disease"]:
        total += s.points("known atherosclerotic disease", 2)
    else:
        total += s.points(f"{len(factors)} risk factors", 2 if len(factors) >= 3 else 1 if factors else 0)
    total += s.points(f"troponin: {v['troponin']}", v.points("troponin"))
    return int(total)


@formula("rcri")
def rcri(v: Values, s: Steps) -> int:
    """Revised Cardiac Risk Index (Lee 1999); creatinine > 2 mg/dL counts."""
    total = count(v, s, {"high_risk_surgery": 1, "ischemic_heart_disease": 1, "chf": 1,
                         "cerebrovascular_disease": 1, "insulin": 1})
    total += s.points(f"creatinine {v['creatinine']:g} mg/dL (> 2)", 1 if v["creatinine"] > 2 else 0)
    return int(total)


@formula("wells-pe")
def wells_pe(v: Values, s: Steps) -> float:
    """Wells' criteria for PE (Wells 2000)."""
    total = count(v, s, {"dvt_signs": 3, "pe_most_likely": 3, "hemoptysis": 1, "malignancy": 1})
    total += s.points(f"heart rate {v['heart_rate']:g} (> 100)", 1.5 if v["heart_rate"] > 100 else 0)
    if v["immobilization"] or v["recent_surgery"]:
        total += s.points("immobilization ≥ 3 days or surgery in the previous 4 weeks", 1.5)
    if v["previous_pe"] or v["previous_dvt"]:
        total += s.points("previous PE or DVT", 1.5)
    return total


@formula("perc")
def perc(v: Values, s: Steps) -> int:
    """PERC rule (Kline 2004): the number of criteria present (0 = PE ruled out if pre-test low)."""
    total = s.points(f"age {v['age']:g} (≥ 50)", 1 if v["age"] >= 50 else 0)
    total += s.points(f"heart rate {v['heart_rate']:g} (≥ 100)", 1 if v["heart_rate"] >= 100 else 0)
    total += s.points(f"SaO₂ {v['spo2']:g}% (< 95)", 1 if v["spo2"] < 95 else 0)
    total += count(v, s, {"unilateral_leg_swelling": 1, "hemoptysis": 1, "recent_surgery_trauma": 1,
                          "hormone_use": 1})
    if v["previous_pe"] or v["previous_dvt"]:
        total += s.points("prior PE or DVT", 1)
    return int(total)


_FRAMINGHAM = {
    # ATP III (2001) hard-CHD Cox model: coefficients, age cap for the smoking term, baseline survival.
    "male": dict(age=52.00961, tc=20.014077, hdl=-0.905964, sbp=1.305784, treated=0.241549,
                 smoker=12.096316, age_tc=-4.605038, age_smoke=-2.84367, age2=-2.93323,
                 const=-172.300168, cap=70, s0=0.9402),
    "female": dict(age=31.764001, tc=22.465206, hdl=-1.187731, sbp=2.552905, treated=0.420251,
                   smoker=13.07543, age_tc=-5.060998, age_smoke=-2.996945, age2=0.0,
                   const=-146.5933061, cap=78, s0=0.98767),
}


@formula("framingham-chd")
def framingham_chd(v: Values, s: Steps) -> float:
    """10-year hard CHD risk (%) by the ATP III Framingham equations, cholesterol in mg/dL."""
    c = _FRAMINGHAM[v["sex"]]
    la, ltc = math.log(v["age"]), math.log(v["total_cholesterol"])
    smoker, treated = float(v["smoker"]), float(v["bp_treated"])
    x = (c["age"] * la + c["tc"] * ltc + c["hdl"] * math.log(v["hdl"]) + c["sbp"] * math.log(v["sbp"])
         + c["treated"] * treated + c["smoker"] * smoker + c["age_tc"] * la * ltc
         + c["age_smoke"] * math.log(min(v["age"], c["cap"])) * smoker + c["age2"] * la * la + c["const"])
    risk = (1 - c["s0"] ** math.exp(x)) * 100
    s.add(f"linear predictor ({v['sex']}) = {x:.3f}")
    s.add(f"risk = 1 − {c['s0']}^exp({x:.3f}) = {risk:.1f} %")
    return risk
