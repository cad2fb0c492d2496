"""Read medication doses from a note: drug, amount, unit and doses per day, each with its span.

Dose conversions (steroid equivalence, morphine milligram equivalents) need
three facts per drug that notes write in many orders: "10 mg of oxycodone 3
times a day", "oxycodone 10 mg q8h", "prednisone 40 mg daily". A dose is an
amount with a mass (or mcg/h) unit next to a drug name from ``rules/drugs.toml``;
the frequency is looked for in the rest of the same clause. Drug names and
frequency phrases are data, so a new drug is one line, not code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

_AMOUNT = r"(\d+(?:\.\d+)?)\s*(mg|mcg|µg|ug|micrograms?|milligrams?)(\s*/\s*(?:h|hr|hour))?\b"


@dataclass(frozen=True)
class Dose:
    """One medication dose read from a note."""

    drug: str
    amount: float
    unit: str
    per_day: float | None
    start: int
    end: int


@cache
def _rules() -> dict[str, Any]:
    folder = resources.files("edge_assist.calculators") / "rules"
    return tomllib.loads((folder / "drugs.toml").read_text(encoding="utf-8"))


@cache
def _drug_regex() -> re.Pattern[str]:
    parts = [f"(?P<{key}>{'|'.join(patterns)})" for key, patterns in _rules()["drugs"].items()]
    return re.compile("|".join(parts), re.IGNORECASE)


def drug_names() -> frozenset[str]:
    """The drug keys the dose reader knows."""
    return frozenset(_rules()["drugs"])


def _unit(raw: str, rate: str | None) -> str:
    unit = "mcg" if raw.lower().startswith(("mcg", "µg", "ug", "micro")) else "mg"
    return f"{unit}/h" if rate else unit


def per_day(text: str) -> float | None:
    """Doses per day stated in ``text``: the earliest (then longest) frequency phrase, if any."""
    best: tuple[int, int, dict[str, Any], re.Match[str]] | None = None
    for rule in _rules()["frequency"]:
        m = re.search(rule["pattern"], text, re.IGNORECASE)
        if m is not None and (best is None or (m.start(), -m.end()) < (best[0], best[1])):
            best = (m.start(), -m.end(), rule, m)
    if best is None:
        return None
    rule, m = best[2], best[3]
    if rule.get("count_group"):
        return float(m.group(1))
    if rule.get("per_hours"):
        hours = float(m.group(1))
        return 24 / hours if hours else None
    return float(rule["per_day"])


def find_doses(note: str) -> list[Dose]:
    """Every drug mention with an amount next to it (amount before or after the name), in note order."""
    doses = []
    for m in _drug_regex().finditer(note):
        drug = m.lastgroup or ""
        clause_end = _clause_end(note, m.end())
        clause_start = _clause_start(note, m.start())
        before = re.search(_AMOUNT + r"\s*(?:of\s+)?(?:(?:oral|IV|PO|intravenous|IM)\s+)?$",
                           note[clause_start:m.start()], re.I)
        after = re.match(r"[^\d;]{0,40}?" + _AMOUNT, note[m.end():clause_end], re.I)
        if before is not None:
            start, amount, unit, rate = clause_start + before.start(), *before.group(1, 2, 3)
        elif after is not None:
            start, amount, unit, rate = m.start(), *after.group(1, 2, 3)
        else:
            continue
        rest = note[m.end():clause_end]
        doses.append(Dose(drug, float(amount), _unit(unit, rate), per_day(rest), start, clause_end))
    return doses


def _clause_end(note: str, at: int) -> int:
    m = re.compile(r"[.;\n]|,\s*(?:and\s+)?\d|\band\s+\d").search(note, at)
    return m.start() if m else len(note)


def _clause_start(note: str, at: int) -> int:
    cuts = [m.end() for m in re.finditer(r"\.(?!\d)|[;\n,]|\band\b", note[:at])]
    return cuts[-1] if cuts else 0
