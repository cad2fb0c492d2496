"""Chemistry: anion gap family, corrections, osmolality, lipids, insulin resistance, liver fibrosis."""

from __future__ import annotations

import math

from edge_assist.calculators.engine import Steps, Values
from edge_assist.calculators.formulas import formula

NORMAL_GAP = 12.0
NORMAL_BICARBONATE = 24.0
NORMAL_ALBUMIN = 4.0


def anion_gap_of(v: Values, s: Steps) -> float:
    """Na − (Cl + HCO₃)."""
    gap = v["sodium"] - (v["chloride"] + v["bicarbonate"])
    s.add(f"anion gap = {v['sodium']:g} − ({v['chloride']:g} + {v['bicarbonate']:g}) = {gap:g} mEq/L")
    return gap


def corrected_gap_of(v: Values, s: Steps) -> float:
    """Anion gap + 2.5 × (4 − albumin g/dL) (Figge)."""
    gap = anion_gap_of(v, s)
    value = gap + 2.5 * (NORMAL_ALBUMIN - v["albumin"])
    s.add(f"albumin-corrected gap = {gap:g} + 2.5 × (4 − {v['albumin']:g}) = {value:.2f} mEq/L")
    return value


def _ratio(delta: float, v: Values, s: Steps) -> float:
    denominator = NORMAL_BICARBONATE - v["bicarbonate"]
    if denominator == 0:
        s.add("bicarbonate is 24: the delta ratio is undefined")
        return math.nan
    value = delta / denominator
    s.add(f"delta ratio = {delta:g} / (24 − {v['bicarbonate']:g}) = {value:.2f}")
    return value


@formula("anion-gap")
def anion_gap(v: Values, s: Steps) -> float:
    """Anion gap."""
    return anion_gap_of(v, s)


@formula("delta-gap")
def delta_gap(v: Values, s: Steps) -> float:
    """Delta gap = anion gap − 12."""
    value = anion_gap_of(v, s) - NORMAL_GAP
    s.add(f"delta gap = anion gap − 12 = {value:g} mEq/L")
    return value


@formula("delta-ratio")
def delta_ratio(v: Values, s: Steps) -> float:
    """Delta ratio = (anion gap − 12) / (24 − HCO₃)."""
    return _ratio(anion_gap_of(v, s) - NORMAL_GAP, v, s)


@formula("albumin-corrected-anion-gap")
def albumin_corrected_anion_gap(v: Values, s: Steps) -> float:
    """Anion gap corrected for albumin."""
    return corrected_gap_of(v, s)


@formula("albumin-corrected-delta-gap")
def albumin_corrected_delta_gap(v: Values, s: Steps) -> float:
    """Albumin-corrected anion gap − 12."""
    value = corrected_gap_of(v, s) - NORMAL_GAP
    s.add(f"corrected delta gap = {value:.2f} mEq/L")
    return value


@formula("albumin-corrected-delta-ratio")
def albumin_corrected_delta_ratio(v: Values, s: Steps) -> float:
    """(Albumin-corrected anion gap − 12) / (24 − HCO₃)."""
    return _ratio(corrected_gap_of(v, s) - NORMAL_GAP, v, s)


@formula("calcium-correction")
def calcium_correction(v: Values, s: Steps) -> float:
    """Payne: corrected Ca = Ca + 0.8 × (normal albumin − albumin)."""
    normal = v["normal_albumin"]
    value = v["calcium"] + 0.8 * (normal - v["albumin"])
    s.add(f"corrected Ca = {v['calcium']:g} + 0.8 × ({normal:g} − {v['albumin']:g}) = {value:.2f} mg/dL")
    return value


@formula("sodium-correction")
def sodium_correction(v: Values, s: Steps) -> float:
    """Katz: corrected Na = Na + 0.024 × (glucose − 100)."""
    value = v["sodium"] + 0.024 * (v["glucose"] - 100)
    s.add(f"corrected Na = {v['sodium']:g} + 0.024 × ({v['glucose']:g} − 100) = {value:.2f} mEq/L")
    return value


@formula("serum-osmolality")
def serum_osmolality(v: Values, s: Steps) -> float:
    """2 × Na + BUN / 2.8 + glucose / 18."""
    value = 2 * v["sodium"] + v["bun"] / 2.8 + v["glucose"] / 18
    s.add(f"osmolality = 2 × {v['sodium']:g} + {v['bun']:g}/2.8 + {v['glucose']:g}/18 = {value:.1f} mOsm/kg")
    return value


@formula("ldl")
def ldl(v: Values, s: Steps) -> float:
    """Friedewald: LDL = TC − HDL − TG/5 (mg/dL)."""
    value = v["total_cholesterol"] - v["hdl"] - v["triglycerides"] / 5
    if v["triglycerides"] >= 400:
        s.add("triglycerides ≥ 400 mg/dL: Friedewald is unreliable; measure LDL directly")
    s.add(f"LDL = {v['total_cholesterol']:g} − {v['hdl']:g} − {v['triglycerides']:g}/5 = {value:.1f} mg/dL")
    return value


@formula("homa-ir")
def homa_ir(v: Values, s: Steps) -> float:
    """HOMA-IR = insulin (µIU/mL) × glucose (mg/dL) / 405."""
    value = v["insulin"] * v["glucose"] / 405
    s.add(f"HOMA-IR = {v['insulin']:g} × {v['glucose']:g} / 405 = {value:.2f}")
    return value


@formula("fib-4")
def fib4(v: Values, s: Steps) -> float:
    """FIB-4 = age × AST / (platelets 10⁹/L × √ALT)."""
    value = v["age"] * v["ast"] / (v["platelets"] * math.sqrt(v["alt"]))
    s.add(f"FIB-4 = {v['age']:g} × {v['ast']:g} / ({v['platelets']:g} × √{v['alt']:g}) = {value:.2f}")
    return value


@formula("meld-na")
def meld_na(v: Values, s: Steps) -> float:
    """UNOS MELD-Na (2016): MELD(i) with Na bounded 125–137, values < 1 set to 1, Cr capped at 4."""
    cr = 4.0 if v["dialysis"] else min(max(v["creatinine"], 1.0), 4.0)
    bili, inr = max(v["bilirubin"], 1.0), max(v["inr"], 1.0)
    na = min(max(v["sodium"], 125.0), 137.0)
    meld = 10 * (0.957 * math.log(cr) + 0.378 * math.log(bili) + 1.120 * math.log(inr) + 0.643)
    meld = round(meld, 1)
    s.add(f"MELD(i) = 10 × (0.957 ln {cr:g} + 0.378 ln {bili:g} + 1.120 ln {inr:g} + 0.643) = {meld:.1f}")
    if meld > 11:
        meld = meld + 1.32 * (137 - na) - 0.033 * meld * (137 - na)
        s.add(f"MELD-Na = MELD + 1.32 × (137 − {na:g}) − 0.033 × MELD × (137 − {na:g}) = {meld:.1f}")
    return round(meld)
