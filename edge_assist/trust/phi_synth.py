"""A synthetic PHI set: clinical-note lines with known identifiers, from templates and a seed.

Real notes with real identifiers cannot be shipped, and public de-identified
corpora have their identifiers already removed, so the redactor is measured on
notes this module writes: each line is a template whose ``{slot}`` fields are
filled with random values of a Safe Harbor category, and the character span of
every filled identifier is recorded. Lines with no identifier but with
identifier-like clinical numbers (blood pressures, doses, ages up to 89, lab
values, years) are mixed in so precision means something.

Given names come from two pools: half from the redactor's lexicon and half
from names it does not know, so recall on names is not a lexicon lookup.

Examples:
    >>> notes = generate(3, seed=1)
    >>> all(n.text[s:e] for n in notes for s, e, _ in n.spans)
    True
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_KNOWN_FIRST = ["James", "Mary", "Robert", "Patricia", "Linda", "Michael", "Susan", "David", "Karen",
                "Thomas", "Nancy", "Daniel", "Emily", "Joseph", "Grace", "Maria", "Carlos", "Priya"]
_UNKNOWN_FIRST = ["Oswin", "Marisol", "Thaddeus", "Ingrid", "Leopold", "Saoirse", "Bartholomew", "Yusuf",
                  "Henrietta", "Ravi", "Ottoline", "Kwame", "Svetlana", "Dmitri", "Ffion", "Anneliese"]
_LAST = ["Smith", "Okafor", "Nguyen", "Garcia", "Kowalski", "Haddad", "Lindqvist", "O'Brien", "Patel",
         "Yamamoto", "Fitzgerald", "Moreau", "Abernathy", "Castellanos", "Whitaker", "Delacroix"]
_STREETS = ["Elm", "Maple", "Oak Hill", "Washington", "Cedar Ridge", "Lincoln", "Harbor View", "Birch"]
_SUFFIX = ["Street", "St", "Avenue", "Ave", "Road", "Lane", "Drive", "Court", "Boulevard"]
_CITIES = [("Springfield", "IL"), ("Portland", "OR"), ("Austin", "TX"), ("Salem", "MA"),
           ("Fairview", "TN"), ("Madison", "WI"), ("Cedar Rapids", "IA")]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_DOMAINS = ["example.org", "mail.example.com", "clinic.example.net"]
_RELATIONS = ["wife", "husband", "daughter", "son", "sister", "brother"]

#: Lines with identifiers: ``{category:slot}`` marks a filled identifier.
TEMPLATES = [
    "Patient: {NAME:full}    MRN: {ID:mrn}    DOB: {DATE:date}",
    "{NAME:full} is a {age}-year-old {sex} seen in clinic on {DATE:date} for {complaint}.",
    "Pt is a {AGE:old}-year-old {sex} with {complaint}; lives alone.",
    "Seen by Dr. {NAME:last} on {DATE:date}; follow up with Dr. {NAME:full} in 2 weeks.",
    "Address: {ADDRESS:street}, {ADDRESS:city} {ZIP:zip}.",
    "Phone: {PHONE:phone}    Fax: {FAX:phone}",
    "Contact the patient at {PHONE:phone} or {EMAIL:email}.",
    "SSN: {SSN:ssn}. Insurance member ID: {ID:member}.",
    "Results are on the portal at {URL:url} (accessed from {IP:ip}).",
    "Emergency contact: {NAME:full} ({relation}), {PHONE:phone}.",
    "Her {relation} {NAME:first} brought her in on {DATE:date}.",
    "Electronically signed by {NAME:full}, MD on {DATE:date}.",
    "Admitted {DATE:date}, discharged {DATE:date}; account number {ID:acct}.",
    "Mr. {NAME:last} was transferred from {ADDRESS:street} by ambulance.",
    "The patient, aged {AGE:old}, has advanced dementia.",
    "Referred by: {NAME:full}, {PHONE:phone}.",
]

#: Lines with no identifier but with numbers a naive redactor would take.
CLEAN = [
    "Blood pressure {bp}, pulse {pulse}, temperature 37.{d} C, SpO2 9{d}% on room air.",
    "Creatinine {cr} mg/dL, eGFR {egfr}, potassium 4.{d} mmol/L.",
    "Start metformin 500 mg twice daily; hydrocodone/acetaminophen 5/325 mg as needed.",
    "A {age}-year-old {sex} with {complaint} since {year}.",
    "CURB-65 score of {d}; CHA2DS2-VASc {d}. ICD-10 I10, E11.9.",
    "Follow up in {d} weeks; repeat labs in 3 months.",
    "Chest X-ray shows no consolidation. ECG: sinus rhythm, QTc 4{d}{d} ms.",
    "Assessment: {complaint}, improving. Plan: continue current therapy.",
    "Diagnosed with type 2 diabetes in {year}; HbA1c 7.{d}%.",
    "Denies fever, chills, chest pain or shortness of breath.",
]

_COMPLAINTS = ["chest pain", "shortness of breath", "cough", "abdominal pain", "dizziness", "headache",
               "a gout flare", "community-acquired pneumonia", "atrial fibrillation"]


@dataclass
class SyntheticNote:
    """A generated note and the spans ``(start, end, category)`` of its identifiers."""

    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON form (one line of the JSONL file)."""
        return {"text": self.text, "spans": [list(s) for s in self.spans]}


def generate(n: int = 500, seed: int = 0, lines_per_note: tuple[int, int] = (4, 8)) -> list[SyntheticNote]:
    """``n`` notes, the same for the same ``seed``."""
    rng = random.Random(seed)
    return [_note(rng, rng.randint(*lines_per_note)) for _ in range(n)]


def write_jsonl(path: Path, n: int = 500, seed: int = 0) -> Path:
    """Write :func:`generate`'s notes as JSONL (``{"text", "spans"}`` per line)."""
    path.write_text("".join(json.dumps(x.as_dict()) + "\n" for x in generate(n, seed)), "utf-8")
    return path


def _note(rng: random.Random, lines: int) -> SyntheticNote:
    note = SyntheticNote("")
    for i in range(lines):
        template = rng.choice(TEMPLATES if rng.random() < 0.6 else CLEAN)
        if i:
            note.text += "\n"
        _fill(rng, template, note)
    return note


_SLOT = re.compile(r"\{(?:([A-Z]+):)?(\w+)\}")


def _fill(rng: random.Random, template: str, note: SyntheticNote) -> None:
    pos = 0
    for match in _SLOT.finditer(template):
        note.text += template[pos:match.start()]
        category, slot = match.group(1), match.group(2)
        value = _VALUES[slot](rng)
        if category:
            note.spans.append((len(note.text), len(note.text) + len(value), category))
        note.text += value
        pos = match.end()
    note.text += template[pos:]


def _first(rng: random.Random) -> str:
    return rng.choice(_KNOWN_FIRST if rng.random() < 0.5 else _UNKNOWN_FIRST)


def _date(rng: random.Random) -> str:
    y, m, d = rng.randint(1930, 2025), rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice([f"{m:02d}/{d:02d}/{y}", f"{m}/{d}/{y % 100:02d}", f"{y}-{m:02d}-{d:02d}",
                       f"{_MONTHS[m - 1]} {d}, {y}", f"{d} {_MONTHS[m - 1][:3]} {y}",
                       f"{_MONTHS[m - 1][:3]} {d}"])


def _phone(rng: random.Random) -> str:
    a, b, c = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
    return rng.choice([f"({a}) {b}-{c:04d}", f"{a}-{b}-{c:04d}", f"{a}.{b}.{c:04d}", f"+1 {a} {b} {c:04d}"])


def _digits(rng: random.Random, k: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(k))


_VALUES: dict[str, Callable[[random.Random], str]] = {
    "full": lambda r: f"{_first(r)} {r.choice(_LAST)}",
    "first": _first,
    "last": lambda r: r.choice(_LAST),
    "date": _date,
    "old": lambda r: str(r.randint(90, 104)),
    "age": lambda r: str(r.randint(18, 89)),
    "sex": lambda r: r.choice(["man", "woman"]),
    "complaint": lambda r: r.choice(_COMPLAINTS),
    "relation": lambda r: r.choice(_RELATIONS),
    "mrn": lambda r: _digits(r, r.randint(6, 9)),
    "member": lambda r: r.choice(["XJH", "QZB", "MEM"]) + _digits(r, 8),
    "acct": lambda r: _digits(r, 10),
    "street": lambda r: f"{r.randint(1, 9999)} {r.choice(_STREETS)} {r.choice(_SUFFIX)}",
    "city": lambda r: "{}, {}".format(*r.choice(_CITIES)),
    "zip": lambda r: _digits(r, 5),
    "phone": _phone,
    "email": lambda r: f"{_first(r).lower()}.{r.choice(_LAST).lower().replace(chr(39), '')}"
                       f"{r.randint(1, 99)}@{r.choice(_DOMAINS)}",
    "ssn": lambda r: f"{r.randint(100, 899)}-{r.randint(10, 99)}-{r.randint(1000, 9999)}",
    "url": lambda r: f"https://portal.{r.choice(_DOMAINS)}/patients/{_digits(r, 6)}",
    "ip": lambda r: ".".join(str(r.randint(1, 254)) for _ in range(4)),
    "bp": lambda r: f"{r.randint(95, 185)}/{r.randint(55, 110)}",
    "pulse": lambda r: str(r.randint(48, 130)),
    "cr": lambda r: f"{r.randint(5, 40) / 10:.1f}",
    "egfr": lambda r: str(r.randint(15, 110)),
    "year": lambda r: str(r.randint(1990, 2024)),
    "d": lambda r: str(r.randint(1, 9)),
}
