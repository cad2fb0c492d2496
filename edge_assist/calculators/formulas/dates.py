"""Pregnancy dating from the last menstrual period (LMP)."""

from __future__ import annotations

from datetime import timedelta

from edge_assist.calculators.engine import Steps, Values
from edge_assist.calculators.formulas import formula

_FMT = "%m/%d/%Y"


@formula("due-date")
def due_date(v: Values, s: Steps) -> str:
    """Naegele's rule with the cycle-length correction: LMP + 280 days + (cycle − 28) days."""
    base = v["lmp"] + timedelta(days=280)
    shift = int(v["cycle_length"]) - 28
    value = base + timedelta(days=shift)
    s.add(f"LMP {v['lmp'].strftime(_FMT)} + 280 days = {base.strftime(_FMT)}")
    s.add(f"cycle {v['cycle_length']:g} days: {shift:+d} days → {value.strftime(_FMT)}")
    return value.strftime(_FMT)


@formula("conception-date")
def conception_date(v: Values, s: Steps) -> str:
    """Estimated conception = LMP + 14 days (as MDCalc's pregnancy dating)."""
    value = v["lmp"] + timedelta(days=14)
    s.add(f"LMP {v['lmp'].strftime(_FMT)} + 14 days = {value.strftime(_FMT)}")
    return value.strftime(_FMT)


@formula("gestational-age")
def gestational_age(v: Values, s: Steps) -> tuple[int, int]:
    """Gestational age = today − LMP, in completed weeks and days."""
    days = (v["current_date"] - v["lmp"]).days
    if days < 0:
        s.add("the current date is before the LMP")
        days = 0
    weeks, rest = divmod(days, 7)
    s.add(f"{v['current_date'].strftime(_FMT)} − {v['lmp'].strftime(_FMT)} = {days} days "
          f"= {weeks} weeks {rest} days")
    return weeks, rest
