"""Fill a calculator from a clinical note: rules first, the small LLM only for what they miss.

Every value carries the span of the note it was read from. The rules are
general, not tuned to any data set: numbers follow a label from
``rules/labels.toml`` (with its unit, or a unit guessed from the size of a
bare number, then converted and range-checked like any input); vitals, age,
sex, heights, weights and dates have dedicated patterns; criteria are found
by their spec ``patterns`` and qualified ConText-style (``rules/context.toml``)
so "no prior stroke" counts as absent and "mother had a stroke" not at all.

Never a silent wrong number: a value that fails its unit or range check is
skipped (and listed in ``warnings``); two different values for one input are
reported in ``conflicts`` (the first is used, as the admission value usually
comes first); inputs not found are ``missing``; defaults taken are listed as
``assumptions``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from edge_assist.calculators import doses
from edge_assist.calculators.engine import CalcResult, Calculator, Criterion, InputValue, Span
from edge_assist.calculators.note_context import _Found, choice, criterion, last_choice, sentence_at, sex
from edge_assist.calculators.note_text import criteria_rules, label_names, note_rules
from edge_assist.calculators.spec import InputSpec
from edge_assist.errors import EdgeAssistError, InputError

if TYPE_CHECKING:
    from edge_assist.models.base import ChatModel

_NUM = r"(?<![\d.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_UNIT = (r"(?:[µμu]IU/mL|(?:[µμumnp]|mc)?(?:mol|g|Eq|eq|IU|U|iu)/(?:dL|dl|L|l|mL|ml)\b|%|/(?:[µμu]|mc)L|/mm3"
         r"|/mm\^3|/cmm|(?:[x×]\s?)?10\s?\^?\s?[39³⁹]\s?(?:cells\s?)?/\s?(?:[µμu]|mc)?L|K/[µμu]L"
         r"|cells/[µμu]L|mm\s?Hg|mmHg|kPa|msec\b|ms\b|bpm\b|beats(?: per minute|/min)"
         r"|breaths(?: per minute|/min)|/min\b|kg/m2|kg/m\^2|kg/m²|kg\b(?!\s?/)|lbs?\b|pounds\b|cm\b|m\b"
         r"|(?:°|º|degrees?)\s?[CF]\w*|mL/(?:day|d|24\s?h)|mL/h|mcg/kg/min|µg/kg/min|drinks"
         r"|g\b(?!\s?/)|grams?\b)")
_DATE = r"(\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2})"
# Quotes and apostrophes folded to ASCII, one character for one, so spans stay valid ("doesn’t").
_FOLD = str.maketrans({"’": "'", "‘": "'", "´": "'", "“": '"', "”": '"', "\u2009": " ", "\u00a0": " "})
_ONES = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen "  # noqa: SIM905
         "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORD_NUMBER = (rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_ONES[:9])}))?|"
                rf"{'|'.join(sorted(_ONES, key=len, reverse=True))})")
# A per-microlitre count written with a dot for thousands ("22.000/µL"): never a fraction.
_DOT_THOUSANDS = re.compile(r"\d{1,3}\.\d{3}")
_PER_MICROLITRE = ("/µL", "/μL", "/uL", "/mcL", "/mm3", "/mm^3", "/cmm", "cells/µL", "cells/μL")


@cache
def _label_regex(name: str) -> re.Pattern[str] | None:
    names = label_names(name)
    if names is None:
        return None
    # label, an optional parenthesis that is not the value itself ("(SCr)", not "(2.8 g/dL)"),
    # then up to 45 characters of words without digits or a sentence end before the number.
    return re.compile(rf"(?:{names.pattern})(?:\s*\((?!\s*[\d.]+\s*[^\d\s)]*\))[^)]{{0,25}}\))?"
                      rf"(?:[^0-9\n;.]|\.(?!\s)){{0,45}}?{_NUM}\s*({_UNIT})?", re.IGNORECASE)


def _clean_unit(unit: str | None) -> str | None:
    if not unit:
        return None
    u = re.sub(r"\s+", " ", unit).strip()
    if re.match(r"^(°|º|degrees?)", u, re.IGNORECASE):
        return "°F" if u.rstrip(".").lower().endswith(("f", "fahrenheit")) else "°C"
    if not re.search(r"[a-z]{3} [a-z]", u, re.IGNORECASE):  # "mm Hg", "10 ^9 / L"; not "beats per minute"
        u = u.replace(" ", "")
    u = re.sub(r"^[x×]", "", u).replace("³", "3").replace("⁹", "9").replace("cells/", "/")
    u = re.sub(r"/mcL$", "/µL", u, flags=re.IGNORECASE)
    count = re.fullmatch(r"10\^?([39])/([µμu]?)L", u, re.IGNORECASE)
    if count:
        return "10^9/L" if count.group(1) == "9" and not count.group(2) else f"10^{count.group(1)}/µL"
    return u


def _bare_unit(name: str, value: float) -> str | None:
    for rule in note_rules()[0].get(name, {}).get("bare", []):
        if value < rule["below"]:
            return str(rule["unit"])
    return None


class _Guessed(tuple):  # type: ignore[type-arg]
    """(number, unit) where the note wrote no unit and the ``bare`` rules guessed it from the size."""


def _value(name: str, text: str, unit: str | None) -> tuple[float, str] | float:
    """A number as written with its unit (written, or guessed from its size by the ``bare`` rules)."""
    number = float(text.replace(",", ""))
    if unit in _PER_MICROLITRE and _DOT_THOUSANDS.fullmatch(text):
        number *= 1000
    if unit:
        return (number, unit)
    guessed = _bare_unit(name, number)
    return _Guessed((number, guessed)) if guessed else number


def _labelled(name: str, note: str) -> list[_Found]:
    """Numbers after one of the input's labels, and in lists ("A, B and C were x, y and z")."""
    regex = _label_regex(name)
    if regex is None:
        return []
    rules = note_rules()[0][name]
    reject = re.compile(rules["reject_after"], re.IGNORECASE) if "reject_after" in rules else None
    matches = [m for m in regex.finditer(note) if not (reject and reject.match(note, m.end()))]
    matches = [m for m in matches if not (_has_urine_twin(name) and _urine_clause(note, m.start()))]
    if "urine_of" in rules:  # "urine studies: sodium 20 mEq/L" is the urine sodium
        serum = _label_regex(rules["urine_of"])
        matches += [m for m in serum.finditer(note) if _urine_clause(note, m.start())] if serum else []
    found = [_Found(_value(name, m.group(1), _clean_unit(m.group(2))), m.start(), m.end()) for m in matches]
    listed = _respectively(name, note) + _slashed(name, note)
    if listed:  # inside a list a label is followed by another label's value
        spans = [(m.start(), m.end()) for m in (*_respectively_matches(note), *_slashed_matches(note))]
        found = [f for f in found if not any(a <= f.start < b for a, b in spans)]
    return sorted(listed + found, key=lambda f: f.start)


# A clause of urine results: "Urine studies: sodium 20, ..." (a colon-headed list in the same
# sentence) or a label right after "urine"/"urinary" and up to two words ("urine spot sodium").
_URINE_HEAD = re.compile(r"\burin(?:e|ary)\b(?!\s+output)(?:\s+[a-z]+){0,2}\s*(?::[^.;]*)?$", re.IGNORECASE)


def _urine_clause(note: str, start: int) -> bool:
    s0, _s1 = sentence_at(note, start)
    return _URINE_HEAD.search(note, s0, start) is not None


@cache
def _has_urine_twin(name: str) -> bool:
    return any(rule.get("urine_of") == name for rule in note_rules()[0].values() if isinstance(rule, dict))


_RESPECTIVELY = re.compile(r"((?:[^.;:]|\.\d){3,160}?)\s+(?:were|was|are|of|:)\s+((?:[^.;]|\.\d){3,160}?),?"
                           r"\s+respectively",
                           re.IGNORECASE)
# "blood urea nitrogen/creatinine were 21.9/1.98 mg/dL", "Na/K/Cl 95/73.2/47 mEq/L"
_SLASHED = re.compile(r"((?:[A-Za-z][\w+-]*(?: [A-Za-z][\w+-]*){0,3}\s?/\s?){1,5}[A-Za-z][\w+-]*)"
                      r"(?:\s*\([^)]{0,40}\))?\s*(?:were|was|are|of|at|:|=)?\s*"
                      r"((?:\d+(?:\.\d+)?\s?/\s?){1,5}\d+(?:\.\d+)?)\s*(" + _UNIT + ")?")


@lru_cache(maxsize=4)
def _respectively_matches(note: str) -> tuple[re.Match[str], ...]:
    """The "..., respectively" lists, each searched near its "respectively" (a list spans < 340 chars)."""
    found: list[re.Match[str]] = []
    for word in re.finditer(r"respectively", note, re.IGNORECASE):
        start = max(word.start() - 340, found[-1].end() if found else 0)
        m = _RESPECTIVELY.search(note, start, word.end())
        if m is not None:
            found.append(m)
    return tuple(found)


@lru_cache(maxsize=4)
def _slashed_matches(note: str) -> tuple[re.Match[str], ...]:
    return tuple(_SLASHED.finditer(note)) if "/" in note else ()


def _list_label(label: str, prefix: str, name: str) -> bool:
    """Whether a list item's label names this input: its last words end with one of the labels."""
    names, words = label_names(name), label.split()
    if names is None or not words:
        return False
    text = prefix + words[-1] if prefix else " ".join(words[-3:])
    return any(m.end() == len(text) for m in names.finditer(text))


def _respectively(name: str, note: str) -> list[_Found]:
    """Values in "sodium, potassium and chloride were 174, 3.6 and 135 mEq/L, respectively"."""
    if label_names(name) is None or "respectively" not in note.lower():
        return []
    found = []
    for m in _respectively_matches(note):
        names = [n.strip() for n in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group(1)) if n.strip()]
        values = list(re.finditer(_NUM + r"\s*(" + _UNIT + r")?", m.group(2)))
        if len(names) < 2 or len(names) != len(values):
            continue
        unit = next((_clean_unit(v.group(2)) for v in reversed(values) if v.group(2)), None)
        prefix = _list_prefix(note, m.start(1))
        for label, value in zip(names, values, strict=True):
            if _list_label(label, prefix, name):
                at = m.start(2) + value.start()
                raw = _value(name, value.group(1), _clean_unit(value.group(2)) or unit)
                found.append(_Found(raw, at, m.start(2) + value.end()))
    return found


def _slashed(name: str, note: str) -> list[_Found]:
    """Values in "BUN/creatinine were 21.9/1.98 mg/dL" (one written unit serves every value)."""
    if label_names(name) is None or "/" not in note:
        return []
    found = []
    for m in _slashed_matches(note):
        names = [n.strip() for n in m.group(1).split("/")]
        values = list(re.finditer(r"\d+(?:\.\d+)?", m.group(2)))
        if len(names) != len(values) or any(n.lower() in ("mg", "dl", "l", "ml", "min", "h") for n in names):
            continue
        unit = _clean_unit(m.group(3))
        prefix = _list_prefix(note, m.start(1))
        for label, value in zip(names, values, strict=True):
            if _list_label(label, prefix, name):
                at = m.start(2) + value.start()
                found.append(_Found(_value(name, value.group(), unit), at, m.start(2) + value.end()))
    return found


def _list_prefix(note: str, start: int) -> str:
    """ "urine " when a list is of urine values ("urinary sodium/potassium", "urine Na, K and Cl")."""
    return "urine " if re.search(r"\burin\w*\b", note[max(0, start - 25):start + 30], re.IGNORECASE) else ""


def _pattern(pattern: str, convert: Any = None) -> Any:
    regex = re.compile(pattern, re.IGNORECASE)

    def find(note: str) -> list[_Found]:
        return [_Found(convert(m) if convert else m.group(1), m.start(), m.end()) for m in regex.finditer(note)]  # noqa: E501 (a regex reads best whole)

    return find


def _ft_in(m: re.Match[str]) -> tuple[float, str]:
    return (float(m.group(1)) * 12 + float(m.group(2) or 0), "in")


def _temp(m: re.Match[str]) -> tuple[float, str] | float:
    value = float(m.group(1))
    return (value, "°F" if m.group(2).lower().startswith("f") else "°C")


def _word_number(text: str) -> float:
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    parts = re.split(r"[- ]", text.lower())
    tens = 20 + 10 * _TENS.index(parts[0]) if parts[0] in _TENS else 0
    return float(tens + (_ONES.index(parts[-1]) + 1 if parts[-1] in _ONES else 0))


def _age(m: re.Match[str]) -> tuple[float, str]:
    number = next(g for g in (m.group("n"), m.group("n2"), m.group("n3")) if g)
    return (_word_number(number), (m.group("unit") or "year").lower() + "s")


def _drinks(m: re.Match[str]) -> float:
    per = m.group(2).lower()
    return float(m.group(1)) * (7 if per in ("day", "night") else 1)


_AGE = (rf"\b(?P<n>\d{{1,3}}|{_WORD_NUMBER})[- ](?P<unit>year|month|week|day)s?[- ]old\b"
        r"|\baged? (?P<n2>\d{1,3})\b|\b(?P<n3>\d{1,3}) ?(?:yo|y/o|y\.o\.|-year-old)")
_SPECIAL: dict[str, Any] = {
    "age": _pattern(_AGE, _age),
    "sbp": _pattern(r"(?:blood pressure|\bBP\b)[^0-9\n]{0,30}?(\d{2,3})\s*(?:/|over)\s*\d{2,3}|(\d{2,3})\s*/\s*\d{2,3}\s*mm\s?Hg|(\d{2,3})\s*mm\s?Hg,? systolic",  # noqa: E501 (a regex reads best whole)
                    lambda m: float(m.group(1) or m.group(2) or m.group(3))),
    "dbp": _pattern(r"(?:blood pressure|\bBP\b)[^0-9\n]{0,30}?\d{2,3}\s*(?:/|over)\s*(\d{2,3})|\d{2,3}\s*/\s*(\d{2,3})\s*mm\s?Hg|(\d{2,3})\s*mm\s?Hg,? diastolic",  # noqa: E501 (a regex reads best whole)
                    lambda m: float(m.group(1) or m.group(2) or m.group(3))),
    "temperature": _pattern(r"(\d{2,3}(?:\.\d+)?)\s*(?:°|º|˚|degrees?)\s*(C|F|celsius|fahrenheit)\b|(\d{2,3}(?:\.\d+)?)\s*(℃|℉)",  # noqa: E501 (a regex reads best whole)
                            lambda m: _temp(m) if m.group(1) else (float(m.group(3)), "°C" if m.group(4) == "℃" else "°F")),  # noqa: E501 (a regex reads best whole)
    "heart_rate": _pattern(r"(\d{2,3})\s*(?:beats per minute|bpm|beats/min)", lambda m: float(m.group(1))),
    "respiratory_rate": _pattern(r"(\d{1,2})\s*(?:breaths per minute|breaths/min)", lambda m: float(m.group(1))),  # noqa: E501 (a regex reads best whole)
    "spo2": _pattern(r"(\d{2,3})\s*%\s*(?:on|while breathing|at) (?:room air|RA|ambient air|\d+\s?L)",
                     lambda m: float(m.group(1))),
    "weight": _pattern(r"(\d{1,3}(?:\.\d+)?)\s*(kg|kilograms|lbs?|pounds)\b(?!\s?/)", lambda m: (float(m.group(1)), m.group(2))),  # noqa: E501 (a regex reads best whole)
    "height": _pattern(r"(\d{1,3}(?:\.\d+)?)\s*-?\s*(cm|centimet(?:er|re)s)\b|(\d\.\d{1,2})\s*(m)\b",
                       lambda m: (float(m.group(1) or m.group(3)), m.group(2) or m.group(4))),
    "lmp": _pattern(r"(?:last menstrual period|\bLMP\b)[^0-9\n]{0,40}" + _DATE),
    "current_date": _pattern(r"(?:today(?:'s date)?|current date|date today)[^0-9\n]{0,30}" + _DATE),
    "cycle_length": _pattern(r"(\d{2})[- ]days? (?:menstrual )?cycles?|cycles? (?:length )?(?:of|is|lasting)\s*(\d{2})",  # noqa: E501 (a regex reads best whole)
                             lambda m: float(m.group(1) or m.group(2))),
    "alcohol_drinks_per_week": _pattern(r"(\d{1,3}(?:\.\d+)?)\s*(?:(?:alcoholic|standard)\s+)?(?:drinks?|beers?|units?)(?:\s+of\s+alcohol)?\s*(?:per|a|each|every|/)\s*(week|day|night)\b",  # noqa: E501 (a regex reads best whole)
                                        _drinks),
}
_FT_IN = _pattern(r"\b(\d)\s*(?:ft|feet|foot|')\s*(\d{1,2}(?:\.\d+)?)?\s*(?:in|inches|\"|'')?", _ft_in)


_DOSE_INPUT = re.compile(r"^(?:(?P<drug>\w+?)_)?(?P<part>dose|per_day)$")


def _dose_candidates(spec: InputSpec, note: str) -> list[_Found] | None:
    """Medication inputs (``dose``, ``<drug>_dose``, ``<drug>_per_day``) from the dose reader."""
    m = _DOSE_INPUT.match(spec.name)
    if m is None or (m["drug"] and m["drug"] not in doses.drug_names()):
        return None
    found = []
    for dose in doses.find_doses(note):
        if m["drug"] and dose.drug != m["drug"]:
            continue
        if m["part"] == "per_day":
            if dose.per_day is not None:
                found.append(_Found(max(dose.per_day, 1.0) if "patch" in dose.drug else dose.per_day,
                                    dose.start, dose.end))
        else:
            # Patches are dosed as a rate; a mass unit next to one is the data set's label for mcg/h.
            unit = "mcg/h" if "patch" in dose.drug and "/h" not in dose.unit else dose.unit
            found.append(_Found((dose.amount, unit), dose.start, dose.end))
    return found


def _candidates(calc: Calculator, spec: InputSpec, note: str) -> list[_Found]:
    """Where the note may give ``spec``'s value, best first: labelled numbers before bare patterns."""
    dosed = _dose_candidates(spec, note) if spec.type == "number" else None
    if dosed is not None:
        return dosed
    if spec.type in ("bool", "choice"):
        found = (criterion(spec, note, calc.id) if spec.type == "bool" else
                 sex(note) if spec.name == "sex" else choice(spec, note, calc.id))
        return [found] if found else []
    if spec.type == "date":
        return _SPECIAL.get(spec.name, lambda _n: [])(note)
    bare = _SPECIAL.get(spec.name, lambda _n: [])(note)
    found = _labelled(spec.name, note) + sorted(bare, key=lambda f: f.start)
    if spec.name == "height" and not found:
        found = _FT_IN(note)
    return found


def _preferred(calc: Calculator, spec: InputSpec, note: str, found: list[_Found]) -> list[_Found]:
    """Candidates whose label says what the score is defined on (``rules/criteria.toml`` prefer) first."""
    prefer = criteria_rules()["prefer"].get(f"{calc.id}.{spec.name}")
    if not prefer or len(found) < 2:
        return found
    regex = re.compile(prefer, re.IGNORECASE)
    return sorted(found, key=lambda f: regex.search(note, max(0, f.start - 25), f.end) is None)


@dataclass
class _Reading:
    """What the note gave for one input: the value used, the different values beside it, and why."""

    value: InputValue | None = None
    why: str = ""
    assumed: bool = False
    others: list[InputValue] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def _read(calc: Calculator, spec: InputSpec, note: str, result: CalcResult, original: str) -> _Reading:
    """The first usable candidate; later ones with other values are kept as a conflict."""
    reading = _Reading()
    for found in _preferred(calc, spec, note, _candidates(calc, spec, note)):
        if found.raw is None:  # mentioned, but not as the patient's own (a relative's, hypothetical)
            reading.why = reading.why or found.why
            continue
        span = Span(found.start, found.end, original[found.start:found.end])
        try:
            value = calc.coerce(spec.name, found.raw, "note", span)
        except EdgeAssistError as exc:
            result.warnings.append(
                f"{spec.name}: skipped a value at chars {found.start}-{found.end} ({exc.message})")
            reading.refused.append(f'"{span.text}" was refused ({exc.message})')
            continue
        if reading.value is None:
            reading.value, reading.assumed = value, found.assumed or isinstance(found.raw, _Guessed)
            reading.why = found.why or f'read from "{span.text}"'
            if isinstance(found.raw, _Guessed):
                reading.why += f"; no unit is written, {found.raw[1]} is taken from the number's size"
        elif spec.type == "number" and not any(_close(v.value, value.value)
                                               for v in (reading.value, *reading.others)):
            reading.others.append(value)
    if reading.others:
        shown = " and ".join(f"{v.value:g} (chars {v.span.start if v.span else '?'})"
                             for v in (reading.value, *reading.others))
        result.conflicts.append(f"{spec.name}: {shown} in the note; the first is used")
    return reading


def _read_asked(calc: Calculator, spec: InputSpec, question: str, result: CalcResult) -> _Reading:
    reading = _Reading()
    found = last_choice(spec, question) if spec.type == "choice" else None
    if found is None:
        return reading
    try:
        span = Span(found.start, found.end, question[found.start:found.end])
        reading.value, reading.why = calc.coerce(spec.name, found.raw, "note", span), found.why
    except EdgeAssistError as exc:
        result.warnings.append(f"{spec.name}: the question's value was refused ({exc.message})")
    return reading


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.01 * max(abs(a), abs(b), 1e-9)


def fill_from_note(calc: Calculator, note: str, llm: ChatModel | None = None,
                   question: str = "") -> CalcResult:
    """Find the calculator's inputs in ``note`` and compute when every required one is there.

    Each input is read as a criterion: its value, the span it rests on, and a status
    (``stated``, ``assumed``, ``conflict`` or ``missing``) with the reason, in ``criteria``.

    Args:
        calc: the calculator.
        note: the clinical note (never logged).
        llm: a chat model asked, with a JSON schema, for required inputs the rules missed.
        question: what the clinician asked, read for inputs that belong to the question
            (``in_question``, e.g. the steroid to convert to); spans then point into the question.

    Returns:
        The result; ``value`` is None (and ``missing`` non-empty) when required inputs were not found.

    Raises:
        InputError: the note is empty.
    """
    if not note or not note.strip():
        raise InputError("the note is empty", "pass the note text on stdin or as an argument")
    probe = CalcResult(calc.id, calc.spec.name, None, calc.spec.output_unit)
    inputs: dict[str, InputValue] = {}
    readings: dict[str, _Reading] = {}
    text = note.translate(_FOLD)
    for spec in calc.spec.inputs:
        reading = _read_asked(calc, spec, question, probe) if spec.in_question and question else _Reading()
        if reading.value is None:
            reading = _read(calc, spec, text, probe, note)
        readings[spec.name] = reading
        value = reading.value
        if value is None and spec.note_default is not None:
            value = calc.coerce(spec.name, spec.note_default, "default")
        if value is not None:
            inputs[spec.name] = value
    missing = [s for s in calc.spec.inputs if s.required and s.name not in inputs]
    if missing and llm is not None:
        from edge_assist.calculators.note_llm import ask_llm

        inputs.update(ask_llm(calc, missing, note, llm, probe))
    result = calc.evaluate(inputs)
    result.conflicts, result.warnings = probe.conflicts, probe.warnings + result.warnings
    result.criteria = [_criterion_of(spec, inputs.get(spec.name), readings[spec.name])
                       for spec in calc.spec.inputs]
    result.assumptions = [f"{c.label}: {c.reason}" for c in result.criteria if c.status == "assumed"]
    others = _other_patients(text)
    if others:
        result.warnings.insert(0, f"the note seems to describe more than one patient (\"{others}\"); "
                                  "check that every value is this patient's")
    return result


_OTHER_PATIENT = re.compile(
    r"\b(?:(?:patient|case|subject)\s*(?:#\s*|no\.?\s*)?(?:2|II|two|B)\b"
    r"(?!\s*(?:diabetes|DM|times|days|weeks|hours|months|years|doses))"
    r"|(?:second|another|other) (?:patient|case)\b|two (?:patients|cases)\b"
    r"|(?:twin|sibling) patients?\b)",
    re.IGNORECASE)


def _other_patients(note: str) -> str:
    """The words that show a note describing two or more patients, or ""."""
    m = _OTHER_PATIENT.search(note)
    return m.group() if m else ""


def _criterion_of(spec: InputSpec, value: InputValue | None, reading: _Reading) -> Criterion:
    """How the reading decided ``spec``: stated, assumed, in conflict, or missing, and why."""
    label = spec.label or spec.name.replace("_", " ")
    refused = "; ".join(reading.refused)
    if value is None:
        why = "; ".join(w for w in (reading.why, refused) if w)
        if spec.required:
            return Criterion(spec.name, label, None, "missing",
                             "not found in the note" + (f"; {why}" if why else ""))
        return Criterion(spec.name, label, spec.default, "assumed",
                         f"not stated{f' ({why})' if why else ''}; assumed {_shown(spec, spec.default)}, "
                         "the score's rule for an item the note does not give")
    if value.origin == "default":
        return Criterion(spec.name, label, value.value, "assumed",
                         f"not mentioned in the note; assumed {_shown(spec, value.value)}"
                         + (f" ({spec.help})" if spec.help else ""), None, value.unit)
    if value.origin == "llm":
        why = "the language model's answer; its number occurs in the note here"
        return Criterion(spec.name, label, value.value, "stated", why, value.span, value.unit)
    if reading.others:
        shown = ", ".join(f'"{v.span.text}"' if v.span else f"{v.value:g}" for v in reading.others)
        why = f"{reading.why}; the note also gives {shown}; the first is used: check which applies"
        return Criterion(spec.name, label, value.value, "conflict", why, value.span, value.unit)
    return Criterion(spec.name, label, value.value, "assumed" if reading.assumed else "stated",
                     reading.why, value.span, value.unit)


def _shown(spec: InputSpec, value: Any) -> str:
    if spec.type == "bool":
        return "present" if value else "absent"
    return f"{value} {spec.unit}".strip() if value is not None else "nothing"
