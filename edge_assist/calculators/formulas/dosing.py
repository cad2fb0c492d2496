"""Drug conversions: corticosteroid equivalence and morphine milligram equivalents."""

from __future__ import annotations

from edge_assist.calculators.engine import Steps, Values
from edge_assist.calculators.formulas import formula

#: mg equivalent to 20 mg hydrocortisone... expressed as the dose equal to 5 mg prednisone.
STEROID_EQUIVALENT_MG = {
    "betamethasone iv": 0.75, "cortisone po": 25.0, "dexamethasone iv": 0.75, "dexamethasone po": 0.75,
    "hydrocortisone iv": 20.0, "hydrocortisone po": 20.0, "methylprednisolone iv": 4.0,
    "methylprednisolone po": 4.0, "prednisolone po": 5.0, "prednisone po": 5.0, "triamcinolone iv": 4.0,
}

#: CDC 2022 clinical practice guideline conversion factors (MME per unit of daily dose).
MME_FACTORS = {
    "codeine": 0.15, "fentanyl_buccal": 0.13, "fentanyl_patch": 2.4, "hydrocodone": 1.0,
    "hydromorphone": 5.0, "methadone": 4.7, "morphine": 1.0, "oxycodone": 1.5, "oxymorphone": 3.0,
    "tapentadol": 0.4, "tramadol": 0.2, "buprenorphine": 10.0,
}


@formula("steroid-conversion")
def steroid_conversion(v: Values, s: Steps) -> float:
    """Equivalent dose = dose × (target equivalent / source equivalent)."""
    source, target = v["from_steroid"], v["to_steroid"]
    factor = STEROID_EQUIVALENT_MG[target] / STEROID_EQUIVALENT_MG[source]
    value = v["dose"] * factor
    s.add(f"{STEROID_EQUIVALENT_MG[source]:g} mg {source} ≈ {STEROID_EQUIVALENT_MG[target]:g} mg {target}")
    s.add(f"{v['dose']:g} mg × {factor:.4g} = {value:.3g} mg {target}")
    return value


@formula("mme")
def mme(v: Values, s: Steps) -> float:
    """MME/day = Σ dose × doses per day × conversion factor."""
    total = 0.0
    for drug, factor in MME_FACTORS.items():
        dose, per_day = v[f"{drug}_dose"], v[f"{drug}_per_day"]
        if not dose or not per_day:
            continue
        daily = dose * per_day * factor
        s.add(f"{drug.replace('_', ' ')}: {dose:g} × {per_day:g}/day × {factor:g} = {daily:.4g} MME/day")
        total += daily
    s.add(f"total = {total:.4g} MME/day")
    return total
