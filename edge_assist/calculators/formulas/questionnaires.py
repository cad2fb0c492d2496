"""Questionnaires scored as a sum of items: PHQ-9, GAD-7, AUDIT-C, CAGE, EPDS, CIWA-Ar."""

from __future__ import annotations

from edge_assist.calculators.engine import Steps, Values
from edge_assist.calculators.formulas import formula
from edge_assist.calculators.formulas.cardiac import count


def sum_choices(v: Values, s: Steps, names: list[str]) -> float:
    """Sum the points of the chosen option of each choice input in ``names``, recording each."""
    return sum(s.points(f"{v.label(n)}: {v[n]}", v.points(n)) for n in names)


def _flag_item(v: Values, s: Steps, name: str, positive: bool) -> None:
    if positive:
        s.add(f"{v.label(name)} answered above 0: assess suicide and self-harm risk now, "
              "whatever the total")


_PHQ9 = ["interest", "depressed", "sleep", "tired", "appetite", "failure", "concentration",
         "psychomotor", "self_harm"]


@formula("phq-9")
def phq9(v: Values, s: Steps) -> int:
    """PHQ-9 (Kroenke 2001): nine items 0-3."""
    total = sum_choices(v, s, _PHQ9)
    _flag_item(v, s, "self_harm", v.points("self_harm") > 0)
    return int(total)


@formula("gad-7")
def gad7(v: Values, s: Steps) -> int:
    """GAD-7 (Spitzer 2006): seven items 0-3."""
    return int(sum_choices(v, s, ["nervous", "worry_control", "worry_much", "relaxing", "restless",
                                  "irritable", "afraid"]))


@formula("audit-c")
def audit_c(v: Values, s: Steps) -> int:
    """AUDIT-C (Bush 1998): three items 0-4; the screening cut-off depends on sex."""
    total = sum_choices(v, s, ["frequency", "typical_drinks", "binge"])
    cut = 3 if v.female else 4
    verdict = "positive" if total >= cut else "negative"
    s.add(f"screen {verdict}: {total:g} against the cut-off {cut} for {v['sex']} patients")
    return int(total)


@formula("cage")
def cage(v: Values, s: Steps) -> int:
    """CAGE (Ewing 1984): one point per yes."""
    return int(count(v, s, {"cut_down": 1, "annoyed": 1, "guilty": 1, "eye_opener": 1}))


_EPDS = ["laugh", "enjoyment", "self_blame", "anxious", "scared", "overwhelmed", "sleep", "sad",
         "crying", "self_harm"]


@formula("epds")
def epds(v: Values, s: Steps) -> int:
    """EPDS (Cox 1987): ten item scores 0-3 as printed on the form."""
    total = sum_choices(v, s, _EPDS)
    _flag_item(v, s, "self_harm", v.points("self_harm") > 0)
    return int(total)


@formula("ciwa-ar")
def ciwa_ar(v: Values, s: Steps) -> int:
    """CIWA-Ar (Sullivan 1989): nine items 0-7 and orientation 0-4."""
    return int(sum_choices(v, s, ["nausea_vomiting", "tremor", "sweats", "anxiety", "agitation",
                                "tactile", "auditory", "visual", "headache", "orientation"]))
