"""Bedside scores: pharyngitis, pneumonia, consciousness, sepsis screens, stroke, liver, GI bleed, DVT."""

from __future__ import annotations

from edge_assist.calculators.engine import Steps, Values
from edge_assist.calculators.formulas import formula, ladder
from edge_assist.calculators.formulas.cardiac import count


@formula("centor")
def centor(v: Values, s: Steps) -> int:
    """Modified Centor (McIsaac 1998): age adjusts −1 to +1."""
    age = v["age"]
    total = s.points(f"age {age:g}", 1 if 3 <= age < 15 else -1 if age >= 45 else 0)
    total += s.points(f"temperature {v['temperature']:g} °C (> 38)", 1 if v["temperature"] > 38 else 0)
    total += count(v, s, {"cough_absent": 1, "tender_nodes": 1, "tonsillar_exudate": 1})
    return int(total)


@formula("feverpain")
def feverpain(v: Values, s: Steps) -> int:
    """FeverPAIN (Little 2013): one point each."""
    return int(count(v, s, {"fever": 1, "purulence": 1, "attend_rapidly": 1, "inflamed_tonsils": 1,
                            "no_cough_coryza": 1}))


@formula("curb-65")
def curb65(v: Values, s: Steps) -> int:
    """CURB-65 (Lim 2003)."""
    total = count(v, s, {"confusion": 1})
    total += s.points(f"BUN {v['bun']:g} mg/dL (> 19)", 1 if v["bun"] > 19 else 0)
    total += s.points(f"respiratory rate {v['respiratory_rate']:g} (≥ 30)",
                      1 if v["respiratory_rate"] >= 30 else 0)
    low_bp = v["sbp"] < 90 or v["dbp"] <= 60
    total += s.points(f"BP {v['sbp']:g}/{v['dbp']:g} (SBP < 90 or DBP ≤ 60)", 1 if low_bp else 0)
    total += s.points(f"age {v['age']:g} (≥ 65)", 1 if v["age"] >= 65 else 0)
    return int(total)


@formula("gcs")
def gcs(v: Values, s: Steps) -> int:
    """Glasgow Coma Scale: eye 1–4 + verbal 1–5 + motor 1–6."""
    total = 0.0
    for part in ("eye", "verbal", "motor"):
        total += s.points(f"{part}: {v[part]}", v.points(part))
    return int(total)


@formula("sirs")
def sirs(v: Values, s: Steps) -> int:
    """SIRS criteria (Bone 1992): the number met, 0–4."""
    t = v["temperature"]
    total = s.points(f"temperature {t:g} °C (> 38 or < 36)", 1 if t > 38 or t < 36 else 0)
    total += s.points(f"heart rate {v['heart_rate']:g} (> 90)", 1 if v["heart_rate"] > 90 else 0)
    paco2 = v["paco2"]
    fast = v["respiratory_rate"] > 20 or (paco2 is not None and paco2 < 32)
    total += s.points(f"respiratory rate {v['respiratory_rate']:g} (> 20) or PaCO₂ < 32", 1 if fast else 0)
    wbc, bands = v["wbc"], v["bands"]
    abnormal = wbc > 12 or wbc < 4 or (bands is not None and bands > 10)
    total += s.points(f"WBC {wbc:g} ×10⁹/L (> 12 or < 4) or bands > 10%", 1 if abnormal else 0)
    return int(total)


@formula("qsofa")
def qsofa(v: Values, s: Steps) -> int:
    """qSOFA (Seymour 2016)."""
    total = s.points(f"respiratory rate {v['respiratory_rate']:g} (≥ 22)",
                     1 if v["respiratory_rate"] >= 22 else 0)
    total += s.points(f"systolic BP {v['sbp']:g} (≤ 100)", 1 if v["sbp"] <= 100 else 0)
    total += count(v, s, {"altered_mentation": 1})
    return int(total)


@formula("news2")
def news2(v: Values, s: Steps) -> int:
    """NEWS2 (RCP 2017), SpO₂ scale 1."""
    total = s.points(f"respiratory rate {v['respiratory_rate']:g}",
                     ladder(v["respiratory_rate"], [(9, 3), (12, 1), (21, 0), (25, 2)], 3))
    total += s.points(f"SpO₂ {v['spo2']:g}%", ladder(v["spo2"], [(92, 3), (94, 2), (96, 1)], 0))
    total += count(v, s, {"supplemental_oxygen": 2})
    total += s.points(f"temperature {v['temperature']:g} °C",
                      ladder(v["temperature"], [(35.05, 3), (36.05, 1), (38.05, 0), (39.05, 1)], 2))
    total += s.points(f"systolic BP {v['sbp']:g}",
                      ladder(v["sbp"], [(91, 3), (101, 2), (111, 1), (220, 0)], 3))
    total += s.points(f"heart rate {v['heart_rate']:g}",
                      ladder(v["heart_rate"], [(41, 3), (51, 1), (91, 0), (111, 1), (131, 2)], 3))
    total += count(v, s, {"new_confusion": 3})
    return int(total)


@formula("abcd2")
def abcd2(v: Values, s: Steps) -> int:
    """ABCD² (Johnston 2007) for stroke risk after TIA."""
    total = s.points(f"age {v['age']:g} (≥ 60)", 1 if v["age"] >= 60 else 0)
    high = v["sbp"] >= 140 or v["dbp"] >= 90
    total += s.points(f"BP {v['sbp']:g}/{v['dbp']:g} (≥ 140/90)", 1 if high else 0)
    total += s.points(f"clinical features: {v['clinical']}", v.points("clinical"))
    minutes = v["duration_minutes"]
    total += s.points(f"duration {minutes:g} min", 2 if minutes >= 60 else 1 if minutes >= 10 else 0)
    total += count(v, s, {"diabetes": 1})
    return int(total)


@formula("child-pugh")
def child_pugh(v: Values, s: Steps) -> int:
    """Child-Turcotte-Pugh (Pugh 1973)."""
    bili, alb, inr = v["bilirubin"], v["albumin"], v["inr"]
    total = s.points(f"bilirubin {bili:g} mg/dL", 1 if bili < 2 else 2 if bili <= 3 else 3)
    total += s.points(f"albumin {alb:g} g/dL", 1 if alb > 3.5 else 2 if alb >= 2.8 else 3)
    total += s.points(f"INR {inr:g}", 1 if inr < 1.7 else 2 if inr <= 2.3 else 3)
    total += s.points(f"ascites: {v['ascites']}", v.points("ascites"))
    total += s.points(f"encephalopathy: {v['encephalopathy']}", v.points("encephalopathy"))
    return int(total)


def _gbs_hemoglobin(hb: float, female: bool) -> float:
    if female:
        return 0 if hb >= 12 else 1 if hb >= 10 else 6
    return 0 if hb >= 13 else 1 if hb >= 12 else 3 if hb >= 10 else 6


@formula("glasgow-blatchford")
def glasgow_blatchford(v: Values, s: Steps) -> int:
    """Glasgow-Blatchford bleeding score (Blatchford 2000); BUN thresholds in mg/dL."""
    bun = v["bun"]
    total = s.points(f"BUN {bun:g} mg/dL", ladder(bun, [(18.2, 0), (22.4, 2), (28, 3), (70, 4)], 6))
    total += s.points(f"hemoglobin {v['hemoglobin']:g} g/dL ({v['sex']})",
                      _gbs_hemoglobin(v["hemoglobin"], v.female))
    total += s.points(f"systolic BP {v['sbp']:g}", ladder(v["sbp"], [(90, 3), (100, 2), (110, 1)], 0))
    total += s.points(f"heart rate {v['heart_rate']:g} (≥ 100)", 1 if v["heart_rate"] >= 100 else 0)
    total += count(v, s, {"melena": 1, "syncope": 2, "hepatic_disease": 2, "cardiac_failure": 2})
    return int(total)


@formula("wells-dvt")
def wells_dvt(v: Values, s: Steps) -> int:
    """Wells' criteria for DVT (Wells 2003)."""
    total = count(v, s, {"active_cancer": 1, "calf_swelling": 1, "collateral_veins": 1,
                         "entire_leg_swollen": 1, "localized_tenderness": 1, "pitting_edema": 1,
                         "paralysis_or_cast": 1, "previous_dvt": 1})
    if v["bedridden"] or v["major_surgery"]:
        total += s.points("bedridden > 3 days or major surgery within 12 weeks", 1)
    if v["alternative_diagnosis"]:
        total += s.points("alternative diagnosis as likely as DVT", -2)
    return int(total)
