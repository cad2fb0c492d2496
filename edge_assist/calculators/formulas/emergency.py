"""Acute care: APGAR, Bishop, NIHSS, Ottawa ankle, Canadian CT head, KDIGO AKI, STOP-Bang,
Winters' formula, Parkland, CRB-65."""

from __future__ import annotations

from edge_assist.calculators.engine import Steps, Values
from edge_assist.calculators.formulas import above, formula, ladder
from edge_assist.calculators.formulas.cardiac import count
from edge_assist.calculators.formulas.questionnaires import sum_choices


@formula("apgar")
def apgar(v: Values, s: Steps) -> int:
    """APGAR (Apgar 1953): five signs, 0-2 each."""
    return int(sum_choices(v, s, ["appearance", "pulse", "grimace", "activity", "respiration"]))


@formula("bishop")
def bishop(v: Values, s: Steps) -> int:
    """Bishop score (1964): dilation and effacement by step, then station, consistency, position."""
    total = s.points(f"dilation {v['dilation']:g} cm", ladder(v["dilation"], [(1, 0), (3, 1), (5, 2)], 3))
    total += s.points(f"effacement {v['effacement']:g}%",
                      ladder(v["effacement"], [(40, 0), (60, 1), (80, 2)], 3))
    return int(total + sum_choices(v, s, ["station", "consistency", "position"]))


_NIHSS = ["consciousness", "questions", "commands", "gaze", "visual", "facial_palsy", "motor_left_arm",
          "motor_right_arm", "motor_left_leg", "motor_right_leg", "ataxia", "sensory", "language",
          "dysarthria", "extinction"]


@formula("nihss")
def nihss(v: Values, s: Steps) -> int:
    """NIH Stroke Scale (Brott 1989): 15 items; an untestable limb adds nothing."""
    return int(sum_choices(v, s, _NIHSS))


def _series(s: Steps, name: str, zone_pain: bool, findings: list[tuple[str, bool]]) -> int:
    met = [label for label, present in findings if present]
    if zone_pain and met:
        s.add(f"{name} series indicated: pain in the zone and {', '.join(met)}")
        return 1
    s.add(f"{name} series not indicated" + ("" if zone_pain else " (no pain in the zone)"))
    return 0


@formula("ottawa-ankle")
def ottawa_ankle(v: Values, s: Steps) -> int:
    """Ottawa ankle and foot rules: the number of radiograph series indicated."""
    weight = ("unable to bear weight", v["unable_to_bear_weight"])
    ankle = _series(s, "ankle", v["malleolar_pain"],
                    [("lateral malleolus tenderness", v["lateral_malleolus_tenderness"]),
                     ("medial malleolus tenderness", v["medial_malleolus_tenderness"]), weight])
    foot = _series(s, "foot", v["midfoot_pain"],
                   [("fifth metatarsal tenderness", v["fifth_metatarsal_tenderness"]),
                    ("navicular tenderness", v["navicular_tenderness"]), weight])
    return ankle + foot


_CCHR_HIGH = {"gcs_below_15_at_2h": 1, "open_or_depressed_fracture": 1, "basal_skull_fracture_signs": 1,
              "vomiting_twice": 1}


@formula("canadian-ct-head")
def canadian_ct_head(v: Values, s: Steps) -> int:
    """Canadian CT head rule (Stiell 2001): 2 if any high-risk factor, 1 if only medium-risk ones."""
    high = count(v, s, _CCHR_HIGH) + above(s, "age", v["age"], 65, inclusive=True)
    if high:
        s.add("high-risk factor present")
        return 2
    medium = count(v, s, {"amnesia_30_min": 1, "dangerous_mechanism": 1})
    s.add("medium-risk factor present" if medium else "no risk factor")
    return 1 if medium else 0


def _creatinine_stage(current: float, baseline: float, s: Steps) -> int:
    ratio, rise = current / baseline, current - baseline
    s.add(f"creatinine {current:g} against baseline {baseline:g} mg/dL: {ratio:.2f}×, "
          f"rise {rise:+.2f} mg/dL")
    aki = ratio >= 1.5 or rise >= 0.3
    if ratio >= 3 or (current >= 4.0 and aki):
        return 3
    if ratio >= 2:
        return 2
    return 1 if aki else 0


@formula("kdigo-aki")
def kdigo_aki(v: Values, s: Steps) -> int:
    """KDIGO 2012 AKI stage: the highest of the creatinine, urine-output and RRT criteria."""
    by_creatinine = _creatinine_stage(v["creatinine"], v["baseline_creatinine"], s)
    s.add(f"stage by creatinine: {by_creatinine}")
    by_urine = int(v.points("urine_output"))
    s.add(f"stage by urine output ({v['urine_output']}): {by_urine}")
    stage = max(by_creatinine, by_urine)
    if v["rrt"]:
        s.add("renal replacement therapy started: stage 3")
        stage = 3
    return stage


@formula("stop-bang")
def stop_bang(v: Values, s: Steps) -> int:
    """STOP-Bang (Chung 2008): one point per item."""
    total = count(v, s, {"snoring": 1, "tired": 1, "observed_apnea": 1, "hypertension": 1})
    total += above(s, "BMI", v["bmi"], 35)
    total += above(s, "age", v["age"], 50)
    total += above(s, "neck circumference cm", v["neck_circumference"], 40)
    total += s.points(f"sex {v['sex']}", 0 if v.female else 1)
    return int(total)


@formula("winters-formula")
def winters(v: Values, s: Steps) -> float:
    """Winters' formula: expected PaCO₂ = 1.5 × HCO₃⁻ + 8 (± 2)."""
    expected = 1.5 * v["bicarbonate"] + 8
    s.add(f"expected PaCO₂ = 1.5 × {v['bicarbonate']:g} + 8 = {expected:.1f} mmHg "
          f"(range {expected - 2:.1f}-{expected + 2:.1f})")
    measured = v["paco2"]
    if measured is not None:
        verdict = ("above the range: concomitant respiratory acidosis" if measured > expected + 2
                   else "below the range: concomitant respiratory alkalosis" if measured < expected - 2
                   else "within the range: appropriate respiratory compensation")
        s.add(f"measured PaCO₂ {measured:g} mmHg is {verdict}")
    return expected


@formula("parkland")
def parkland(v: Values, s: Steps) -> float:
    """Parkland formula (Baxter 1968): 4 mL/kg/%TBSA over 24 h, half in the first 8 h."""
    total = 4 * v["weight"] * v["tbsa"]
    s.add(f"4 mL × {v['weight']:g} kg × {v['tbsa']:g}% = {total:.0f} mL in 24 h")
    s.add(f"first 8 h: {total / 2:.0f} mL ({total / 16:.0f} mL/h); next 16 h: {total / 2:.0f} mL "
          f"({total / 32:.0f} mL/h)")
    return total


@formula("crb-65")
def crb65(v: Values, s: Steps) -> int:
    """CRB-65 (Lim 2003): CURB-65 without urea."""
    total = count(v, s, {"confusion": 1})
    total += above(s, "respiratory rate", v["respiratory_rate"], 30, inclusive=True)
    low_bp = v["sbp"] < 90 or v["dbp"] <= 60
    total += s.points(f"BP {v['sbp']:g}/{v['dbp']:g} (SBP < 90 or DBP ≤ 60)", 1 if low_bp else 0)
    total += above(s, "age", v["age"], 65, inclusive=True)
    return int(total)
