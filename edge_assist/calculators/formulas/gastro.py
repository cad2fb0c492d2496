"""Gastroenterology: Ranson, BISAP, Rockall, AIMS65, Alvarado."""

from __future__ import annotations

from edge_assist.calculators.engine import Steps, Values
from edge_assist.calculators.formulas import above, formula, ladder
from edge_assist.calculators.formulas.cardiac import count


@formula("ranson")
def ranson(v: Values, s: Steps) -> int:
    """Ranson's criteria (1974, non-gallstone): one point per criterion met."""
    s.add("at admission")
    total = above(s, "age", v["age"], 55)
    total += above(s, "WBC ×10⁹/L", v["wbc"], 16)
    total += above(s, "glucose mg/dL", v["glucose"], 200)
    total += above(s, "LDH U/L", v["ldh"], 350)
    total += above(s, "AST U/L", v["ast"], 250)
    s.add("during the first 48 hours")
    total += above(s, "hematocrit fall (points)", v["hematocrit_fall"], 10)
    total += above(s, "BUN rise mg/dL", v["bun_rise"], 5)
    total += above(s, "calcium mg/dL", v["calcium"], 8, below=True)
    total += above(s, "PaO₂ mmHg", v["pao2"], 60, below=True)
    total += above(s, "base deficit mEq/L", v["base_deficit"], 4)
    total += above(s, "fluid sequestration L", v["fluid_sequestration"], 6)
    return int(total)


@formula("bisap")
def bisap(v: Values, s: Steps) -> int:
    """BISAP (Wu 2008): one point each, 0-5."""
    total = above(s, "BUN mg/dL", v["bun"], 25)
    total += count(v, s, {"impaired_mental_status": 1, "sirs": 1})
    total += above(s, "age", v["age"], 60)
    total += count(v, s, {"pleural_effusion": 1})
    return int(total)


def _rockall_shock(sbp: float, heart_rate: float) -> float:
    if sbp < 100:
        return 2
    return 1 if heart_rate >= 100 else 0


@formula("rockall")
def rockall(v: Values, s: Steps) -> int:
    """Complete Rockall score (Rockall 1996): age, shock, comorbidity, diagnosis, stigmata."""
    age = v["age"]
    total = s.points(f"age {age:g}", ladder(age, [(60, 0), (80, 1)], 2))
    total += s.points(f"shock: SBP {v['sbp']:g}, heart rate {v['heart_rate']:g}",
                      _rockall_shock(v["sbp"], v["heart_rate"]))
    for part in ("comorbidity", "diagnosis", "stigmata"):
        total += s.points(f"{v.label(part)}: {v[part]}", v.points(part))
    return int(total)


@formula("aims65")
def aims65(v: Values, s: Steps) -> int:
    """AIMS65 (Saltzman 2011): one point each, 0-5."""
    total = above(s, "albumin g/dL", v["albumin"], 3.0, below=True)
    total += above(s, "INR", v["inr"], 1.5)
    total += count(v, s, {"altered_mental_status": 1})
    total += above(s, "systolic BP mmHg", v["sbp"], 90, below=True, inclusive=True)
    total += above(s, "age", v["age"], 65, inclusive=True)
    return int(total)


@formula("alvarado")
def alvarado(v: Values, s: Steps) -> int:
    """Alvarado score (1986): MANTRELS, 0-10."""
    total = count(v, s, {"migration": 1, "anorexia": 1, "nausea_vomiting": 1, "rlq_tenderness": 2,
                         "rebound": 1})
    total += above(s, "temperature °C", v["temperature"], 37.3, inclusive=True)
    total += above(s, "WBC ×10⁹/L", v["wbc"], 10, 2)
    total += count(v, s, {"left_shift": 1})
    return int(total)
