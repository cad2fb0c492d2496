"""Doses in timed words, and whether a dose is plausible for the drug named.

A dose is a number followed by a unit ("7.5 milligrams", "five mg", "20 units").
Its drug is the nearest drug name within a few words before it ("apixaban 5 mg")
or, failing that, right after it ("5 mg of apixaban"). The usual adult range of
each drug is data (``data/dose_ranges.toml``, with its source and licence in the
file header), checked on load; a dose outside it is implausible, which is a reason
for review, never for a change.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from edge_assist.errors import ConfigError
from edge_assist.speech.normalize import normalize
from edge_assist.speech.types import TimedWord

UNITS = {
    "mg": "mg", "milligram": "mg", "milligrams": "mg", "mgs": "mg",
    "mcg": "mcg", "microgram": "mcg", "micrograms": "mcg", "µg": "mcg", "ug": "mcg",
    "g": "g", "gram": "g", "grams": "g", "gm": "g",
    "unit": "units", "units": "units", "iu": "units",
    "meq": "meq", "milliequivalent": "meq", "milliequivalents": "meq",
    "ml": "ml", "milliliter": "ml", "milliliters": "ml", "millilitre": "ml", "millilitres": "ml",
}  # fmt: skip
"""Spoken and written unit words → one unit name."""
_IN_MG = {"mg": 1.0, "mcg": 0.001, "g": 1000.0}
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_KEYS = {"name", "also", "unit", "low", "high"}
BEFORE, AFTER = 6, 3  # words searched for a dose's drug before the number / after the unit


@dataclass(frozen=True)
class DoseRange:
    """A drug's usual adult range in ``unit``."""

    name: str
    unit: str
    low: float
    high: float

    def contains(self, value: float, unit: str) -> bool | None:
        """Whether ``value`` ``unit`` lies in the range (None: the units do not compare)."""
        if unit == self.unit:
            return self.low <= value <= self.high
        if unit in _IN_MG and self.unit in _IN_MG:
            mg = value * _IN_MG[unit] / _IN_MG[self.unit]
            return self.low <= mg <= self.high
        return None

    def describe(self) -> str:
        """``usual adult dose 2.5-10 mg``."""
        return f"usual adult dose {self.low:g}-{self.high:g} {self.unit}"


@dataclass(frozen=True)
class Dose:
    """Words ``first``..``last`` of a segment: the number ``value`` (from word ``first``) and its unit."""

    first: int
    last: int
    value: float
    unit: str


@cache
def dose_table() -> dict[str, DoseRange]:
    """Drug name (generic or brand, lower case) → its range, from ``data/dose_ranges.toml``.

    Raises:
        ConfigError: the file is missing or an entry is malformed.
    """
    try:
        raw = (resources.files("edge_assist.speech") / "data" / "dose_ranges.toml").read_text("utf-8")
        data = tomllib.loads(raw)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read speech data dose_ranges.toml: {exc}",
                          "reinstall edge-assist") from None
    table: dict[str, DoseRange] = {}
    for i, item in enumerate(data.get("drug", [])):
        _check(i, item)
        entry = DoseRange(item["name"], item["unit"], float(item["low"]), float(item["high"]))
        for name in (item["name"], *item.get("also", ())):
            table[name.lower()] = entry
    return table


def _check(i: int, item: dict[str, object]) -> None:
    where = f"dose_ranges.toml drug {i}"
    unknown = set(item) - _KEYS
    missing = _KEYS - {"also"} - set(item)
    if unknown or missing:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)} or missing {sorted(missing)}",
                          "fix the data file")
    low, high = item["low"], item["high"]
    if item["unit"] not in set(UNITS.values()) or not isinstance(low, int | float) \
            or not isinstance(high, int | float) or not 0 < low <= high:
        raise ConfigError(f"{where}: needs a known unit and 0 < low <= high", "fix the data file")


def core(text: str) -> str:
    """A word without surrounding punctuation, lower case (``"Milligrams,"`` → ``milligrams``)."""
    return text.strip().strip(".,;:!?()[]\"'").lower()


def unit_of(text: str) -> str | None:
    """The unit a word names, or None."""
    return UNITS.get(core(text))


def number_at(words: list[TimedWord], end: int, span: int = 4) -> tuple[int, float] | None:
    """The number that ends at word ``end`` ("7.5", "twenty five", "one point five"):
    ``(first word, value)`` of the longest such run, or None."""
    best = None
    for first in range(max(0, end - span + 1), end + 1):
        said = normalize("".join(w.text for w in words[first:end + 1]).replace(",", ""))
        if _NUMBER.match(said):
            best = (first, float(said))
            break  # the earliest start that still reads as one number is the longest run
    return best


def find_doses(words: list[TimedWord]) -> list[Dose]:
    """Every number followed by a unit in ``words``."""
    out = []
    for i in range(1, len(words)):
        unit = unit_of(words[i].text)
        if unit is None:
            continue
        found = number_at(words, i - 1)
        if found is not None:
            out.append(Dose(found[0], i, found[1], unit))
    return out


def drug_of(dose: Dose, drugs: dict[int, str]) -> int | None:
    """The index of the drug word ``dose`` is for (``drugs``: word index → drug name), or None."""
    before = [i for i in drugs if dose.first - BEFORE <= i < dose.first]
    if before:
        return max(before)
    after = [i for i in drugs if dose.last < i <= dose.last + AFTER]
    return min(after) if after else None
