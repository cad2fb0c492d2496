"""The arithmetic of each calculator, registered by calculator id.

Formulas are plain functions ``(values, steps) -> result``: ``values`` holds
inputs already converted to the spec's canonical units and range-checked,
``steps`` collects the explanation. Everything else about a calculator
(inputs, units, sources, bands) lives in ``specs/*.toml``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import import_module

from edge_assist.calculators.engine import Formula, Steps

FORMULAS: dict[str, Formula] = {}
_MODULES = ("renal", "body", "chemistry", "qtc", "cardiac", "scores", "comorbidity", "icu", "dosing",
            "dates", "gastro", "questionnaires", "vascular", "emergency")


def formula(calc_id: str) -> Callable[[Formula], Formula]:
    """Register the decorated function as the formula of ``calc_id``."""

    def register(fn: Formula) -> Formula:
        FORMULAS[calc_id] = fn
        return fn

    return register


def ladder(x: float, steps: Sequence[tuple[float, float]], top: float) -> float:
    """Points for ``x`` from ascending ``(bound, points)``: the first with ``x < bound``, else ``top``."""
    for bound, points in steps:
        if x < bound:
            return points
    return top


def above(s: Steps, label: str, value: float | None, cut: float, points: float = 1, *,
          below: bool = False, inclusive: bool = False) -> float:
    """Points when ``value`` passes ``cut`` (> by default; < with ``below``; ``inclusive`` adds =).

    A value that was not given (None) is recorded as not scored.
    """
    if value is None:
        s.add(f"{label}: not given, not scored")
        return 0
    sign = ("≤" if inclusive else "<") if below else ("≥" if inclusive else ">")
    if below:
        hit = value <= cut if inclusive else value < cut
    else:
        hit = value >= cut if inclusive else value > cut
    return s.points(f"{label} {value:g} ({sign} {cut:g})", points if hit else 0)


def load_formulas() -> dict[str, Formula]:
    """Import every formula module (each registers itself) and return the registry."""
    for name in _MODULES:
        import_module(f"edge_assist.calculators.formulas.{name}")
    return FORMULAS
