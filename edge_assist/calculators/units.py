"""Unit conversion for calculator inputs: generic where physics allows, per analyte where it does not.

A concentration like ``mg/dL`` converts to ``mmol/L`` only through the
analyte's molar mass (creatinine 113.12 g/mol, glucose 180.16, urea nitrogen
28.02, ...), and ``mEq/L`` only through its valence, so conversions take the
analyte as well as the two units. Everything else (mass, length, time,
temperature, cell counts, percentages) is a fixed factor table.

Why not pint: every conversion a calculator needs is a handful of factors,
and the analyte-specific ones (the ones clinicians get wrong) are outside
pint anyway; a 10-line table is easier to audit than a unit registry and adds
nothing to the from-note latency budget.
"""

from __future__ import annotations

import re

from edge_assist.errors import InputError

#: g/mol (and valence for mEq) of the analytes whose mass and molar units differ.
MOLAR_MASS: dict[str, float] = {
    "creatinine": 113.12, "glucose": 180.16, "bun": 28.02, "urea": 60.06,
    "cholesterol": 386.65, "hdl": 386.65, "ldl": 386.65, "triglycerides": 885.7,
    "calcium": 40.08, "bilirubin": 584.66, "sodium": 22.99, "potassium": 39.1,
    "chloride": 35.45, "bicarbonate": 61.02, "magnesium": 24.305, "phosphate": 30.97,
    "lactate": 90.08, "hemoglobin": 16114.0, "albumin": 66500.0,
}
VALENCE: dict[str, int] = {"calcium": 2, "magnesium": 2, "sodium": 1, "potassium": 1,
                           "chloride": 1, "bicarbonate": 1}

_MASS = {"kg": 1e3, "g": 1.0, "mg": 1e-3, "ug": 1e-6, "ng": 1e-9, "pg": 1e-12}
_MOL = {"mol": 1.0, "mmol": 1e-3, "umol": 1e-6, "nmol": 1e-9, "pmol": 1e-12}
_EQ = {"eq": 1.0, "meq": 1e-3, "ueq": 1e-6}
_VOLUME = {"l": 1.0, "dl": 0.1, "ml": 1e-3, "ul": 1e-6, "mm3": 1e-6, "cm3": 1e-3}
_IU = {"iu": 1.0, "miu": 1e-3, "uiu": 1e-6, "u": 1.0, "mu": 1e-3, "uu": 1e-6}

#: Simple dimensions: unit -> (dimension, factor to the dimension's base unit).
_SIMPLE: dict[str, tuple[str, float]] = {
    "kg": ("mass", 1.0), "g": ("mass", 1e-3), "lb": ("mass", 0.45359237), "lbs": ("mass", 0.45359237),
    "oz": ("mass", 0.028349523125), "mg": ("mass", 1e-6), "mcg": ("mass", 1e-9), "ug": ("mass", 1e-9),
    "m": ("length", 100.0), "cm": ("length", 1.0), "mm": ("length", 0.1), "in": ("length", 2.54),
    "ft": ("length", 30.48),
    "years": ("time", 365.25), "months": ("time", 30.4375), "weeks": ("time", 7.0), "days": ("time", 1.0),
    "hours": ("time", 1 / 24),
    "ms": ("duration", 1.0), "s": ("duration", 1000.0),
    "mmhg": ("pressure", 1.0), "kpa": ("pressure", 7.50062),
    "%": ("fraction", 0.01), "fraction": ("fraction", 1.0),
    "bpm": ("rate", 1.0), "/min": ("rate", 1.0),
    "10^9/l": ("count", 1.0), "/ul": ("count", 1e-3), "10^3/ul": ("count", 1.0), "/l": ("count", 1e-9),
    "10^6/ul": ("count", 1e3), "10^12/l": ("count", 1e3),
    "kg/m2": ("bmi", 1.0), "ml/day": ("volume_rate", 1.0), "ml/h": ("volume_rate", 24.0),
    "l/day": ("volume_rate", 1000.0),
    "mcg/kg/min": ("infusion", 1.0),
    "u/l": ("activity", 1.0), "iu/l": ("activity", 1.0),
    "ms/s": ("none", 1.0), "score": ("none", 1.0), "points": ("none", 1.0), "1": ("none", 1.0),
    "/day": ("frequency", 1.0), "mcg/h": ("transdermal", 1.0),
}

_ALIASES = {
    "mm hg": "mmhg", "mmhg": "mmhg", "mm of hg": "mmhg", "cmh2o": "cmh2o",
    "beats per minute": "bpm", "beats/min": "bpm", "breaths per minute": "bpm", "breaths/min": "bpm",
    "/min": "bpm", "per minute": "bpm", "min-1": "bpm",
    "msec": "ms", "milliseconds": "ms", "sec": "s", "seconds": "s",
    "year": "years", "yr": "years", "yrs": "years", "y": "years", "yo": "years", "month": "months",
    "mo": "months", "week": "weeks", "wk": "weeks", "wks": "weeks", "day": "days", "d": "days",
    "hour": "hours", "hr": "hours", "h": "hours",
    "pound": "lb", "pounds": "lb", "lbs": "lb", "kilograms": "kg", "kgs": "kg", "grams": "g", "gram": "g",
    "meter": "m", "meters": "m", "metre": "m", "centimeters": "cm", "centimetres": "cm",
    "inch": "in", "inches": "in", '"': "in", "feet": "ft", "foot": "ft", "'": "ft",
    "percent": "%", "per cent": "%",
    "degrees celsius": "c", "degrees celsisus": "c", "celsius": "c", "°c": "c", "ºc": "c", "degc": "c",
    "degrees fahrenheit": "f", "degrees fahreinheit": "f", "fahrenheit": "f", "°f": "f", "ºf": "f",
    "degf": "f",
    "m^3": "/ul", "mm^3": "/ul", "/mm^3": "/ul", "/mm3": "/ul", "mm3": "/ul", "cells/ul": "/ul",
    "/cumm": "/ul", "ul": "/ul", "cells/mm3": "/ul",
    "x10^9/l": "10^9/l", "×10^9/l": "10^9/l", "10⁹/l": "10^9/l", "x 10^9/l": "10^9/l", "g/l_count": "10^9/l",
    "k/ul": "10^3/ul", "x10^3/ul": "10^3/ul", "×10^3/ul": "10^3/ul", "10³/ul": "10^3/ul",
    "kg/m^2": "kg/m2", "kg/m²": "kg/m2", "per day": "/day", "times per day": "/day", "mcg/hr": "mcg/h",
    "ug/h": "mcg/h", "mcg/kg/minute": "mcg/kg/min", "ug/kg/min": "mcg/kg/min", "µg/kg/min": "mcg/kg/min",
    "ml/24h": "ml/day", "ml/24 h": "ml/day", "ml/d": "ml/day", "ml/hr": "ml/h", "l/d": "l/day",
    "meq/l": "meq/l", "µiu/ml": "uiu/ml", "μiu/ml": "uiu/ml", "mu/l": "mu/l",
}


def normalize_unit(unit: str) -> str:
    """A canonical spelling of ``unit``: lower case, ``u`` for micro, no spaces around slashes."""
    u = unit.strip().lower().replace("μ", "u").replace("µ", "u").replace("mcmol", "umol")
    u = re.sub(r"\s*/\s*", "/", u)
    u = _ALIASES.get(u, u)
    u = u.replace("mcg/", "ug/") if u.startswith("mcg/") and u != "mcg/kg/min" and u != "mcg/h" else u
    return _ALIASES.get(u, u).replace(" ", "")


def _concentration(unit: str) -> tuple[str, float] | None:
    """(kind, factor to base) of a ``X/Y`` concentration: kind is mass, mol, eq or iu per litre."""
    if "/" not in unit:
        return None
    top, _, bottom = unit.partition("/")
    if bottom not in _VOLUME:
        return None
    for kind, table in (("mass", _MASS), ("mol", _MOL), ("eq", _EQ), ("iu", _IU)):
        if top in table:
            return kind, table[top] / _VOLUME[bottom]
    return None


def convert(value: float, unit: str, target: str, analyte: str = "") -> float:
    """Convert ``value`` from ``unit`` to ``target``, through ``analyte``'s molar mass if needed.

    Args:
        value: the number as written.
        unit: its unit (any common spelling: ``mg/dL``, ``µmol/L``, ``lbs``, ``degrees fahrenheit``).
        target: the unit wanted.
        analyte: what was measured (``creatinine``, ``glucose``, ...), for mass <-> molar conversions.

    Returns:
        The value in ``target`` units.

    Raises:
        InputError: the units are unknown or measure different things (e.g. kg to mmol/L).

    Examples:
        >>> round(convert(88.4, "µmol/L", "mg/dL", "creatinine"), 2)
        1.0
        >>> round(convert(98.6, "°F", "°C"), 1)
        37.0
    """
    src, dst = normalize_unit(unit), normalize_unit(target)
    if src == dst:
        return float(value)
    if {src, dst} <= {"c", "f", "k"}:
        return _temperature(float(value), src, dst)
    if src in _SIMPLE and dst in _SIMPLE and _SIMPLE[src][0] == _SIMPLE[dst][0]:
        return float(value) * _SIMPLE[src][1] / _SIMPLE[dst][1]
    if (a := _concentration(src)) and (b := _concentration(dst)):
        return _convert_concentration(float(value), a, b, analyte, unit, target)
    raise InputError(f"cannot convert {unit!r} to {target!r}{' for ' + analyte if analyte else ''}",
                     f"give the value in {target}")


def _convert_concentration(value: float, src: tuple[str, float], dst: tuple[str, float],
                           analyte: str, unit: str, target: str) -> float:
    base = value * src[1]  # per litre, in g, mol, eq or IU
    if src[0] == dst[0]:
        return base / dst[1]
    grams = _to_grams(base, src[0], analyte, unit, target)
    return _from_grams(grams, dst[0], analyte, unit, target) / dst[1]


def _to_grams(amount: float, kind: str, analyte: str, unit: str, target: str) -> float:
    mass = MOLAR_MASS.get(analyte)
    if kind == "mass":
        return amount
    if mass is None or kind == "iu":
        raise InputError(f"cannot convert {unit!r} to {target!r} without a molar mass for "
                         f"{analyte or 'this analyte'}", f"give the value in {target}")
    moles = amount / VALENCE.get(analyte, 1) if kind == "eq" else amount
    return moles * mass


def _from_grams(grams: float, kind: str, analyte: str, unit: str, target: str) -> float:
    if kind == "mass":
        return grams
    mass = MOLAR_MASS.get(analyte)
    if mass is None or kind == "iu":
        raise InputError(f"cannot convert {unit!r} to {target!r} for {analyte or 'this analyte'}",
                         f"give the value in {target}")
    moles = grams / mass
    return moles * VALENCE.get(analyte, 1) if kind == "eq" else moles


def _temperature(value: float, src: str, dst: str) -> float:
    celsius = {"c": value, "f": (value - 32) * 5 / 9, "k": value - 273.15}[src]
    return {"c": celsius, "f": celsius * 9 / 5 + 32, "k": celsius + 273.15}[dst]


def is_known(unit: str) -> bool:
    """Whether ``unit`` is a spelling this module understands."""
    u = normalize_unit(unit)
    return u in _SIMPLE or u in ("c", "f", "k") or _concentration(u) is not None
