"""Corrected QT interval, five formulas. RR interval = 60 / heart rate (seconds)."""

from __future__ import annotations

import math

from edge_assist.calculators.engine import Steps, Values
from edge_assist.calculators.formulas import formula


def _rr(v: Values, s: Steps) -> float:
    rr = 60 / v["heart_rate"]
    s.add(f"RR = 60 / {v['heart_rate']:g} = {rr:.3f} s")
    return rr


@formula("qtc-bazett")
def bazett(v: Values, s: Steps) -> float:
    """QTc = QT / √RR."""
    value = v["qt"] / math.sqrt(_rr(v, s))
    s.add(f"QTc = {v['qt']:g} / √RR = {value:.1f} ms")
    return value


@formula("qtc-fridericia")
def fridericia(v: Values, s: Steps) -> float:
    """QTc = QT / RR^(1/3)."""
    value = v["qt"] / _rr(v, s) ** (1 / 3)
    s.add(f"QTc = {v['qt']:g} / ∛RR = {value:.1f} ms")
    return value


@formula("qtc-framingham")
def framingham(v: Values, s: Steps) -> float:
    """QTc = QT + 154 × (1 − RR)."""
    value = v["qt"] + 154 * (1 - _rr(v, s))
    s.add(f"QTc = {v['qt']:g} + 154 × (1 − RR) = {value:.1f} ms")
    return value


@formula("qtc-hodges")
def hodges(v: Values, s: Steps) -> float:
    """QTc = QT + 1.75 × (HR − 60)."""
    value = v["qt"] + 1.75 * (v["heart_rate"] - 60)
    s.add(f"QTc = {v['qt']:g} + 1.75 × ({v['heart_rate']:g} − 60) = {value:.1f} ms")
    return value


@formula("qtc-rautaharju")
def rautaharju(v: Values, s: Steps) -> float:
    """QTc = QT × (120 + HR) / 180."""
    value = v["qt"] * (120 + v["heart_rate"]) / 180
    s.add(f"QTc = {v['qt']:g} × (120 + {v['heart_rate']:g}) / 180 = {value:.1f} ms")
    return value
