"""Comorbidity and thrombosis risk: Caprini (2005), Charlson Comorbidity Index."""

from __future__ import annotations

from edge_assist.calculators.engine import Steps, Values
from edge_assist.calculators.formulas import formula
from edge_assist.calculators.formulas.cardiac import count

_CAPRINI_ITEMS = {
    "recent_major_surgery": 1, "chf": 1, "sepsis": 1, "pneumonia": 1, "varicose_veins": 1,
    "swollen_legs": 1, "ibd": 1, "acute_mi": 1, "copd": 1, "contraceptives_or_hrt": 1,
    "pregnancy_or_postpartum": 1, "plaster_cast": 2, "central_venous_access": 2, "malignancy": 2,
    "family_history_thrombosis": 3, "factor_v_leiden": 3, "prothrombin_20210a": 3, "homocysteine": 3,
    "lupus_anticoagulant": 3, "anticardiolipin": 3, "hit": 3, "other_thrombophilia": 3,
    "fracture": 5, "stroke": 5, "multiple_trauma": 5, "spinal_cord_injury": 5,
}


@formula("caprini")
def caprini(v: Values, s: Steps) -> int:
    """Caprini risk assessment model (2005 form)."""
    age = v["age"]
    total = s.points(f"age {age:g}", 3 if age >= 75 else 2 if age >= 61 else 1 if age >= 41 else 0)
    total += s.points(f"surgery: {v['surgery_type']}", v.points("surgery_type"))
    total += s.points(f"mobility: {v['mobility']}", v.points("mobility"))
    bmi = v["bmi"]
    if bmi is not None:
        total += s.points(f"BMI {bmi:g} (> 25)", 1 if bmi > 25 else 0)
    total += count(v, s, _CAPRINI_ITEMS)
    if v["previous_dvt"] or v["previous_pe"]:
        total += s.points("history of DVT/PE", 3)
    return int(total)


_CHARLSON_ITEMS = {
    "mi": 1, "chf": 1, "peripheral_vascular_disease": 1, "dementia": 1, "copd": 1,
    "connective_tissue_disease": 1, "peptic_ulcer": 1, "hemiplegia": 2, "ckd": 2, "leukemia": 2,
    "lymphoma": 2, "aids": 6,
}


@formula("charlson")
def charlson(v: Values, s: Steps) -> int:
    """Charlson Comorbidity Index (Charlson 1987) with age points as on MDCalc."""
    age = v["age"]
    total = s.points(f"age {age:g}", 4 if age >= 80 else 3 if age >= 70 else 2 if age >= 60
                     else 1 if age >= 50 else 0)
    total += count(v, s, _CHARLSON_ITEMS)
    if v["cva"] or v["tia"]:
        total += s.points("cerebrovascular accident or TIA", 1)
    for part in ("liver_disease", "diabetes", "solid_tumor"):
        total += s.points(f"{v.label(part)}: {v[part]}", v.points(part))
    return int(total)
