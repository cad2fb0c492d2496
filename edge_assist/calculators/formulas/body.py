"""Body size, weights, blood pressure and fluids."""

from __future__ import annotations

import math

from edge_assist.calculators.engine import Steps, Values
from edge_assist.calculators.formulas import formula


def bmi_of(weight_kg: float, height_cm: float) -> float:
    """BMI in kg/m²."""
    return weight_kg / (height_cm / 100) ** 2


def ideal_weight(height_cm: float, female: bool) -> float:
    """Devine ideal body weight: 50 kg (male) or 45.5 kg (female) + 2.3 kg per inch over 5 ft."""
    return (45.5 if female else 50.0) + 2.3 * (height_cm / 2.54 - 60)


@formula("bmi")
def bmi(v: Values, s: Steps) -> float:
    """BMI = weight / height²."""
    value = bmi_of(v["weight"], v["height"])
    s.add(f"BMI = {v['weight']:g} kg / ({v['height'] / 100:.3g} m)² = {value:.1f} kg/m²")
    return value


@formula("bsa")
def bsa(v: Values, s: Steps) -> float:
    """Mosteller: BSA = √(height cm × weight kg / 3600)."""
    value = math.sqrt(v["height"] * v["weight"] / 3600)
    s.add(f"BSA = √({v['height']:g} × {v['weight']:g} / 3600) = {value:.2f} m²")
    return value


@formula("ideal-body-weight")
def ibw(v: Values, s: Steps) -> float:
    """Devine formula."""
    value = ideal_weight(v["height"], v.female)
    base = 45.5 if v.female else 50
    s.add(f"IBW = {base} + 2.3 × ({v['height'] / 2.54:.1f} in − 60) = {value:.1f} kg")
    return value


@formula("adjusted-body-weight")
def abw(v: Values, s: Steps) -> float:
    """ABW = IBW + 0.4 × (actual − IBW)."""
    ideal = ideal_weight(v["height"], v.female)
    value = ideal + 0.4 * (v["weight"] - ideal)
    s.add(f"IBW = {ideal:.1f} kg; ABW = {ideal:.1f} + 0.4 × ({v['weight']:g} − {ideal:.1f}) = {value:.1f} kg")
    return value


@formula("target-weight")
def target_weight(v: Values, s: Steps) -> float:
    """Target weight = target BMI × height²."""
    value = v["target_bmi"] * (v["height"] / 100) ** 2
    s.add(f"target weight = {v['target_bmi']:g} × ({v['height'] / 100:.3g} m)² = {value:.1f} kg")
    return value


@formula("map")
def mean_arterial_pressure(v: Values, s: Steps) -> float:
    """MAP = ⅔ diastolic + ⅓ systolic."""
    value = 2 / 3 * v["dbp"] + 1 / 3 * v["sbp"]
    s.add(f"MAP = ⅔ × {v['dbp']:g} + ⅓ × {v['sbp']:g} = {value:.1f} mm Hg")
    return value


@formula("maintenance-fluids")
def maintenance_fluids(v: Values, s: Steps) -> float:
    """Holliday-Segar 4-2-1 rule, mL/h."""
    w = v["weight"]
    if w <= 10:
        value = 4 * w
        s.add(f"weight ≤ 10 kg: 4 mL/kg/h × {w:g} = {value:.1f} mL/h")
    elif w <= 20:
        value = 40 + 2 * (w - 10)
        s.add(f"10–20 kg: 40 + 2 × ({w:g} − 10) = {value:.1f} mL/h")
    else:
        value = 60 + (w - 20)
        s.add(f"> 20 kg: 60 + 1 × ({w:g} − 20) = {value:.1f} mL/h")
    return value


def water_fraction(age: float, female: bool) -> float:
    """Total body water as a fraction of weight: children 0.6; adults 0.6/0.5; elderly 0.5/0.45."""
    if age < 18:
        return 0.6
    if age >= 65:
        return 0.45 if female else 0.5
    return 0.5 if female else 0.6


@formula("free-water-deficit")
def free_water_deficit(v: Values, s: Steps) -> float:
    """FWD = TBW fraction × weight × (Na / 140 − 1)."""
    fraction = water_fraction(v["age"], v.female)
    value = fraction * v["weight"] * (v["sodium"] / 140 - 1)
    s.add(f"total body water fraction = {fraction} (age {v['age']:g}, {v['sex']})")
    s.add(f"FWD = {fraction} × {v['weight']:g} × ({v['sodium']:g}/140 − 1) = {value:.2f} L")
    return value
