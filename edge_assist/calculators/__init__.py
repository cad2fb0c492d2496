"""Clinical calculators: declarative, cited, unit-aware, and fillable from a note.

LLMs get medical arithmetic wrong, so every score here is deterministic code
checked against its source; the small model only helps *find* inputs in a
note (:mod:`edge_assist.calculators.note`). Each calculator is a spec (data,
``specs/*.toml``) plus a formula (code, ``formulas/``).

Example:
    >>> from edge_assist import calculators
    >>> result = calculators.get("chads-vasc").compute(age=72, sex="F", hypertension=True)
    >>> result.value, result.band
    (3, 'moderate-high risk: anticoagulation recommended')
"""

from __future__ import annotations

import re
from functools import cache

from edge_assist.calculators.engine import CalcResult, Calculator, InputValue, Span
from edge_assist.calculators.spec import CalculatorSpec, load_specs
from edge_assist.errors import ConfigError, InputError

__all__ = [
    "CalcResult",
    "Calculator",
    "CalculatorSpec",
    "InputValue",
    "Span",
    "available",
    "by_medcalc_id",
    "get",
]


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower())


@cache
def _registry() -> dict[str, Calculator]:
    from edge_assist.calculators.formulas import load_formulas

    formulas = load_formulas()
    calculators = {}
    for spec in load_specs().values():
        if spec.id not in formulas:
            raise ConfigError(f"calculator spec {spec.id!r} has no formula")
        calculators[spec.id] = Calculator(spec, formulas[spec.id])
    return calculators


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for calc in _registry().values():
        for name in (calc.id, calc.spec.name, *calc.spec.aliases):
            index.setdefault(_key(name), calc.id)
    return index


def available() -> list[Calculator]:
    """Every calculator, sorted by id."""
    registry = _registry()
    return [registry[k] for k in sorted(registry)]


def get(name: str) -> Calculator:
    """The calculator called ``name`` (id, full name or alias; case and punctuation ignored).

    Raises:
        InputError: no calculator has that name.
    """
    calc_id = _index().get(_key(name))
    if calc_id is None:
        raise InputError(f"unknown calculator {name[:60]!r}", "see `edge-assist calc list`")
    return _registry()[calc_id]


def by_medcalc_id(medcalc_id: int) -> Calculator | None:
    """The calculator matching a MedCalc-Bench "Calculator ID", if there is one."""
    return next((c for c in _registry().values() if c.spec.medcalc_id == medcalc_id), None)
