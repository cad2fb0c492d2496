"""Kidney function: Cockcroft-Gault, CKD-EPI 2021, MDRD, FENa."""

from __future__ import annotations

from edge_assist.calculators.engine import Steps, Values
from edge_assist.calculators.formulas import formula
from edge_assist.calculators.formulas.body import bmi_of, ideal_weight


def dosing_weight(v: Values, s: Steps) -> float:
    """The weight Cockcroft-Gault uses, chosen by BMI (MDCalc's recommendation).

    Obese or overweight (BMI >= 25): adjusted body weight; normal BMI: the
    lower of ideal and actual; underweight: actual weight.
    """
    weight, height = v["weight"], v["height"]
    bmi = bmi_of(weight, height)
    ibw = ideal_weight(height, v.female)
    if bmi >= 25:
        chosen = ibw + 0.4 * (weight - ibw)
        s.add(f"BMI {bmi:.1f} >= 25: adjusted body weight = IBW {ibw:.1f} + 0.4 × ({weight:g} − "
              f"{ibw:.1f}) = {chosen:.1f} kg")
    elif bmi >= 18.5:
        chosen = min(ibw, weight)
        s.add(f"BMI {bmi:.1f} normal: weight = min(IBW {ibw:.1f}, actual {weight:g}) = {chosen:.1f} kg")
    else:
        chosen = weight
        s.add(f"BMI {bmi:.1f} < 18.5: actual weight {weight:g} kg")
    return chosen


@formula("creatinine-clearance")
def creatinine_clearance(v: Values, s: Steps) -> float:
    """CrCl = (140 − age) × weight × (0.85 if female) / (72 × Scr)."""
    weight = dosing_weight(v, s)
    factor = 0.85 if v.female else 1.0
    crcl = (140 - v["age"]) * weight * factor / (72 * v["creatinine"])
    s.add(f"CrCl = (140 − {v['age']:g}) × {weight:.1f} × {factor} / (72 × {v['creatinine']:g}) "
          f"= {crcl:.1f} mL/min")
    return crcl


@formula("ckd-epi-2021")
def ckd_epi_2021(v: Values, s: Steps) -> float:
    """eGFR = 142 × min(Scr/κ,1)^α × max(Scr/κ,1)^−1.200 × 0.9938^age × 1.012 [female]."""
    kappa, alpha, sex = (0.7, -0.241, 1.012) if v.female else (0.9, -0.302, 1.0)
    ratio = v["creatinine"] / kappa
    egfr = 142 * min(ratio, 1) ** alpha * max(ratio, 1) ** -1.2 * 0.9938 ** v["age"] * sex
    s.add(f"κ = {kappa}, α = {alpha}, Scr/κ = {ratio:.3f}")
    s.add(f"eGFR = 142 × min({ratio:.3f},1)^{alpha} × max({ratio:.3f},1)^−1.2 × 0.9938^{v['age']:g}"
          f" × {sex} = {egfr:.1f} mL/min/1.73 m²")
    return egfr


@formula("mdrd")
def mdrd(v: Values, s: Steps) -> float:
    """GFR = 175 × Scr^−1.154 × age^−0.203 × 0.742 [female] × 1.212 [Black] (IDMS-traceable)."""
    sex = 0.742 if v.female else 1.0
    race = 1.212 if v["race"] == "black" else 1.0
    gfr = 175 * v["creatinine"] ** -1.154 * v["age"] ** -0.203 * sex * race
    s.add(f"GFR = 175 × {v['creatinine']:g}^−1.154 × {v['age']:g}^−0.203 × {sex} × {race} "
          f"= {gfr:.1f} mL/min/1.73 m²")
    return gfr


@formula("fena")
def fena(v: Values, s: Steps) -> float:
    """FENa = (urine Na × serum Cr) / (serum Na × urine Cr) × 100."""
    value = v["urine_sodium"] * v["creatinine"] / (v["sodium"] * v["urine_creatinine"]) * 100
    s.add(f"FENa = ({v['urine_sodium']:g} × {v['creatinine']:g}) / ({v['sodium']:g} × "
          f"{v['urine_creatinine']:g}) × 100 = {value:.2f} %")
    return value
