"""Critical care and admission severity: APACHE II, SOFA, PSI/PORT."""

from __future__ import annotations

from edge_assist.calculators.engine import Steps, Values
from edge_assist.calculators.formulas import formula, ladder
from edge_assist.calculators.formulas.cardiac import count


def _oxygenation(v: Values, s: Steps) -> float:
    fio2 = v["fio2"]
    if fio2 >= 50:
        gradient = v["aa_gradient"]
        if gradient is None:
            if v["pao2"] is None or v["paco2"] is None:
                s.add("FiO₂ ≥ 50% but no A–a gradient (nor PaO₂ and PaCO₂): oxygenation scored 0")
                return 0
            gradient = fio2 / 100 * 713 - v["paco2"] / 0.8 - v["pao2"]
        return s.points(f"A–a gradient {gradient:g} (FiO₂ {fio2:g}%)",
                        ladder(gradient, [(200, 0), (350, 2), (500, 3)], 4))
    if v["pao2"] is None:
        s.add("FiO₂ < 50% but no PaO₂: oxygenation scored 0")
        return 0
    return s.points(f"PaO₂ {v['pao2']:g} mm Hg (FiO₂ {fio2:g}%)",
                    ladder(v["pao2"], [(55, 4), (61, 3), (71, 1)], 0))


def _apache_physiology(v: Values, s: Steps) -> float:
    mean = (v["sbp"] + 2 * v["dbp"]) / 3
    total = s.points(f"temperature {v['temperature']:g} °C", ladder(
        v["temperature"], [(30, 4), (32, 3), (34, 2), (36, 1), (38.5, 0), (39, 1), (41, 3)], 4))
    total += s.points(f"MAP {mean:.1f}", ladder(mean, [(50, 4), (70, 2), (110, 0), (130, 2), (160, 3)], 4))
    total += s.points(f"heart rate {v['heart_rate']:g}", ladder(
        v["heart_rate"], [(40, 4), (55, 3), (70, 2), (110, 0), (140, 2), (180, 3)], 4))
    total += s.points(f"respiratory rate {v['respiratory_rate']:g}", ladder(
        v["respiratory_rate"], [(6, 4), (10, 2), (12, 1), (25, 0), (35, 1), (50, 3)], 4))
    total += _oxygenation(v, s)
    total += s.points(f"pH {v['ph']:g}", ladder(
        v["ph"], [(7.15, 4), (7.25, 3), (7.33, 2), (7.5, 0), (7.6, 1), (7.7, 3)], 4))
    total += s.points(f"sodium {v['sodium']:g}", ladder(
        v["sodium"], [(111, 4), (120, 3), (130, 2), (150, 0), (155, 1), (160, 2), (180, 3)], 4))
    total += s.points(f"potassium {v['potassium']:g}", ladder(
        v["potassium"], [(2.5, 4), (3, 2), (3.5, 1), (5.5, 0), (6, 1), (7, 3)], 4))
    cr = ladder(v["creatinine"], [(0.6, 2), (1.5, 0), (2, 2), (3.5, 3)], 4)
    if v["acute_renal_failure"]:
        cr *= 2
    total += s.points(f"creatinine {v['creatinine']:g} mg/dL"
                      f"{' (doubled: acute renal failure)' if v['acute_renal_failure'] else ''}", cr)
    total += s.points(f"hematocrit {v['hematocrit']:g}%", ladder(
        v["hematocrit"], [(20, 4), (30, 2), (46, 0), (50, 1), (60, 2)], 4))
    total += s.points(f"WBC {v['wbc']:g} ×10⁹/L", ladder(
        v["wbc"], [(1, 4), (3, 2), (15, 0), (20, 1), (40, 2)], 4))
    total += s.points(f"GCS {v['gcs']:g}: 15 − GCS", 15 - v["gcs"])
    return total


@formula("apache-ii")
def apache_ii(v: Values, s: Steps) -> int:
    """APACHE II (Knaus 1985): acute physiology + age + chronic health points."""
    total = _apache_physiology(v, s)
    age = v["age"]
    total += s.points(f"age {age:g}", ladder(age, [(45, 0), (55, 2), (65, 3), (75, 5)], 6))
    if v["chronic_organ_failure"]:
        elective = v["admission"] == "elective postoperative"
        total += s.points(f"severe organ insufficiency or immunocompromise ({v['admission']})",
                          2 if elective else 5)
    return int(total)


def _sofa_respiration(v: Values, s: Steps) -> float:
    if v["pao2"] is None:
        s.add("no PaO₂: respiration scored 0")
        return 0
    ratio = v["pao2"] / (v["fio2"] / 100)
    ventilated = v["mechanical_ventilation"] or v["cpap"]
    points = ladder(ratio, [(100, 4), (200, 3), (300, 2), (400, 1)], 0)
    if not ventilated:
        points = min(points, 2)
    return s.points(f"PaO₂/FiO₂ {ratio:.0f}{' on ventilation' if ventilated else ''}", points)


def _sofa_cardiovascular(v: Values, s: Steps) -> float:
    dopa, dobu, epi, norepi = (v[k] or 0 for k in ("dopamine", "dobutamine", "epinephrine", "norepinephrine"))
    mean = None if v["sbp"] is None or v["dbp"] is None else (v["sbp"] + 2 * v["dbp"]) / 3
    if dopa > 15 or epi > 0.1 or norepi > 0.1:
        points = 4
    elif dopa > 5 or epi > 0 or norepi > 0:
        points = 3
    elif dopa > 0 or dobu > 0:
        points = 2
    elif (mean is not None and mean < 70) or v["hypotension"]:
        points = 1
    else:
        points = 0
    return s.points(f"cardiovascular (MAP {'?' if mean is None else f'{mean:.0f}'}, dopamine {dopa:g}, "
                    f"dobutamine {dobu:g}, epinephrine {epi:g}, norepinephrine {norepi:g})", points)


@formula("sofa")
def sofa(v: Values, s: Steps) -> int:
    """SOFA (Vincent 1996)."""
    total = _sofa_respiration(v, s)
    total += s.points(f"platelets {v['platelets']:g} ×10⁹/L",
                      ladder(v["platelets"], [(20, 4), (50, 3), (100, 2), (150, 1)], 0))
    total += s.points(f"GCS {v['gcs']:g}", ladder(v["gcs"], [(6, 4), (10, 3), (13, 2), (15, 1)], 0))
    total += s.points(f"bilirubin {v['bilirubin']:g} mg/dL",
                      ladder(v["bilirubin"], [(1.2, 0), (2, 1), (6, 2), (12, 3)], 4))
    total += _sofa_cardiovascular(v, s)
    renal = ladder(v["creatinine"], [(1.2, 0), (2, 1), (3.5, 2), (5, 3)], 4)
    urine = v["urine_output"]
    if urine is not None:
        renal = max(renal, 4 if urine < 200 else 3 if urine < 500 else 0)
    total += s.points(f"renal: creatinine {v['creatinine']:g} mg/dL, urine "
                      f"{'?' if urine is None else f'{urine:g}'} mL/day", renal)
    return int(total)


_PSI_ITEMS = {"nursing_home": 10, "neoplastic_disease": 30, "liver_disease": 20, "chf": 10,
              "cerebrovascular_disease": 10, "renal_disease": 10, "altered_mental_status": 20,
              "pleural_effusion": 10}


@formula("psi")
def psi(v: Values, s: Steps) -> int:
    """Pneumonia Severity Index (Fine 1997)."""
    age = v["age"]
    total = s.points(f"age {age:g} ({v['sex']})", age - 10 if v.female else age)
    total += count(v, s, _PSI_ITEMS)
    t = v["temperature"]
    checks = [
        (f"respiratory rate {v['respiratory_rate']:g} (≥ 30)", v["respiratory_rate"] >= 30, 20),
        (f"systolic BP {v['sbp']:g} (< 90)", v["sbp"] < 90, 20),
        (f"temperature {t:g} °C (< 35 or ≥ 40)", t < 35 or t >= 40, 15),
        (f"heart rate {v['heart_rate']:g} (≥ 125)", v["heart_rate"] >= 125, 10),
        (f"pH {v['ph']}", v["ph"] is not None and v["ph"] < 7.35, 30),
        (f"BUN {v['bun']} mg/dL (≥ 30)", v["bun"] is not None and v["bun"] >= 30, 20),
        (f"sodium {v['sodium']} (< 130)", v["sodium"] is not None and v["sodium"] < 130, 20),
        (f"glucose {v['glucose']} mg/dL (≥ 250)", v["glucose"] is not None and v["glucose"] >= 250, 10),
        (f"hematocrit {v['hematocrit']}% (< 30)", v["hematocrit"] is not None and v["hematocrit"] < 30, 10),
        (f"PaO₂ {v['pao2']} mm Hg (< 60) or SaO₂ {v['spo2']}% (< 90)",
         (v["pao2"] is not None and v["pao2"] < 60) or (v["spo2"] is not None and v["spo2"] < 90), 10),
    ]
    for label, hit, points in checks:
        total += s.points(label, points if hit else 0)
    return int(total)
