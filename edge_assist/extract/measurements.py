"""Vital signs and lab results: a name, a number (or two for BP), a unit, an abnormal flag.

Names, LOINC codes, units and adult reference ranges are data
(``rules/measurements.json``). One-letter names ("P 88", "T 37.2") count only
in capitals, so "a p value" is not a pulse. Temperatures above 50 are read as
Fahrenheit and pounds and inches are kept as written (with their UCUM unit);
the abnormal flag compares in the reference unit. A flag written in the note
("(H)", "(L)") wins over the range. Table cells ("| BP | 150/95 |") read like
"BP: 150/95".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from edge_assist.extract.lexicon import alternation, check_keys, load_lexicon, norm
from edge_assist.extract.scan import PhraseScanner
from edge_assist.extract.text import Note
from edge_assist.extract.types import AbnormalFlag, Span

_VALUE = (r"[ \t]*(?::|=|-|\||\bof\b|\bwas\b|\bis\b)?[ \t]*(?P<value>\d{1,4}(?:\.\d+)?)"
          r"(?:[ \t]*/[ \t]*(?P<value2>\d{1,3}))?"
          r"[ \t]*(?P<unit>%|mm ?hg|bpm|/min|kgs?|lbs?|pounds|cm|in(?:ches)?|°[ \t]?[fc]|deg(?:rees)? ?[fc]|"
          r"[fc]\b|kg/m2|mg/dl|mmol/l|meq/l|g/dl|k/ul|x10\^?9/l|u/l|ng/ml|ng/l|%)?"
          r"(?:[ \t]*\((?P<flag>[HL])\))?")
_UNITS = {"lb": "[lb_av]", "lbs": "[lb_av]", "pounds": "[lb_av]", "in": "[in_i]", "inches": "[in_i]",
          "kg": "kg", "kgs": "kg", "cm": "cm", "%": "%", "mmhg": "mm[Hg]", "mm hg": "mm[Hg]",
          "bpm": "/min", "/min": "/min"}


@dataclass(frozen=True)
class Kind:
    """One measurement kind from the data file."""

    name: str
    display: str
    loinc: str
    unit: str
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Reading:
    """A measurement found in the text."""

    kind: Kind
    group: str
    start: int
    end: int
    value: float
    value_span: Span
    value2: float | None
    unit: str
    abnormal: AbnormalFlag


class MeasurementFinder:
    """Finds vitals and labs written as 'name value [unit]'."""

    def __init__(self) -> None:
        data = load_lexicon("measurements.json", {"vitals", "labs"})
        self.kinds: dict[str, tuple[str, Kind]] = {}
        for group in ("vitals", "labs"):
            for name, item in data[group].items():
                check_keys(f"measurements.json {name}", item,
                           {"display", "loinc", "unit", "names", "low", "high"}, set())
                kind = Kind(name, item["display"], item["loinc"], item["unit"], item["low"], item["high"])
                for alias in item["names"]:
                    self.kinds.setdefault(norm(alias), (group, kind))
        long = [a for a in self.kinds if len(a) > 1]
        single = [a.upper() for a in self.kinds if len(a) == 1]
        names = f"(?i:{alternation(long, '')})|{alternation(single, '')}"
        self.regex = re.compile(rf"(?<![\w])(?P<name>{names}){_VALUE}", re.IGNORECASE)
        self.scanner = PhraseScanner(self.regex, self.kinds)

    def find(self, note: Note) -> list[Reading]:
        """Every reading in the note."""
        out = []
        for m in self.scanner.finditer(note.text, note.words):
            if note.is_masked(m.start(), m.end()):
                continue
            reading = self._reading(note.text, m)
            if reading is not None:
                out.append(reading)
        return out

    def _reading(self, text: str, m: re.Match[str]) -> Reading | None:
        group, kind = self.kinds[norm(m.group("name"))]  # "blood  pressure", "İnr"
        value = float(m.group("value"))
        value2 = float(m.group("value2")) if m.group("value2") else None
        if (kind.name == "blood_pressure") != (value2 is not None):
            return None  # "BP 120" or "HR 80/60" are not what they claim
        unit = _unit(kind, m.group("unit") or "", value)
        end = m.end("flag") + 1 if m.group("flag") else (m.end("unit") if m.group("unit") else m.end("value2")
                                                          if value2 is not None else m.end("value"))
        flag = m.group("flag") or _flag(kind, value, value2, unit)
        return Reading(kind, group, m.start(), end, value,
                       Span(start=m.start("value"), end=m.end("value"), text=m.group("value")),
                       value2, unit, flag)  # type: ignore[arg-type]


def _unit(kind: Kind, written: str, value: float) -> str:
    written = written.lower().replace("°", "").replace("degrees", "").replace("deg", "").strip()
    if kind.name == "temperature":
        return "[degF]" if written == "f" or (not written and value > 50) else "Cel"
    return _UNITS.get(written, written or kind.unit)


def _flag(kind: Kind, value: float, value2: float | None, unit: str) -> AbnormalFlag:
    if unit == "[degF]":
        value = (value - 32) * 5 / 9
    if (kind.low is None and kind.high is None) or unit in ("[lb_av]", "[in_i]"):
        return ""
    high = value > kind.high if kind.high is not None else False
    low = value < kind.low if kind.low is not None else False
    if value2 is not None:
        high = high or value2 > 89
        low = low or value2 < 60
    return "H" if high else "L" if low else "N"


@lru_cache(maxsize=1)
def measurement_finder() -> MeasurementFinder:
    """The shipped finder (built once)."""
    return MeasurementFinder()


def as_dict(reading: Reading) -> dict[str, Any]:
    """Fields for :class:`~edge_assist.extract.types.Measurement` (span and section added by caller)."""
    return {"name": reading.kind.name, "display": reading.kind.display, "value": reading.value,
            "value_span": reading.value_span, "value2": reading.value2, "unit": reading.unit,
            "loinc": reading.kind.loinc, "abnormal": reading.abnormal}
