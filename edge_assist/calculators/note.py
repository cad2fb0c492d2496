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
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from edge_assist.calculators import doses
from edge_assist.calculators.engine import CalcResult, Calculator, InputValue, Span
from edge_assist.calculators.spec import InputSpec
from edge_assist.errors import EdgeAssistError, InputError

if TYPE_CHECKING:
    from edge_assist.models.base import ChatModel

_NUM = r"(?<![\d.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_UNIT = (r"(?:[µμu]IU/mL|(?:[µμumnp])?(?:mol|g|Eq|eq|IU|U|iu)/(?:dL|dl|L|l|mL|ml)\b|%|/[µμu]L|/mm3|/mm\^3"
         r"|/cmm|(?:[x×]\s?)?10\s?\^?\s?[39]\s?/\s?[µμu]?L|K/[µμu]L|cells/[µμu]L|mm\s?Hg|mmHg|kPa"
         r"|msec\b|ms\b|bpm\b|beats(?: per minute|/min)|breaths(?: per minute|/min)|/min\b"
         r"|kg/m2|kg/m\^2|kg/m²|kg\b|lbs?\b|pounds\b|cm\b|m\b|(?:°|º|degrees?)\s?[CF]\w*"
         r"|mL/(?:day|d|24\s?h)|mL/h|mcg/kg/min|µg/kg/min|drinks)")
_SENTENCE = re.compile(r"[^.!?;\n]+(?:[.!?;]|\n|$)")
_DATE = r"(\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2})"


@dataclass
class _Found:
    raw: Any
    start: int
    end: int


@cache
def _rules() -> tuple[dict[str, Any], dict[str, Any]]:
    folder = resources.files("edge_assist.calculators") / "rules"
    labels = tomllib.loads((folder / "labels.toml").read_text(encoding="utf-8"))
    context = tomllib.loads((folder / "context.toml").read_text(encoding="utf-8"))
    return labels, context


@cache
def _label_regex(name: str) -> re.Pattern[str] | None:
    labels = _rules()[0].get(name)
    if not labels:
        return None
    alternation = "|".join(f"(?:{p})" for p in labels["labels"])
    return re.compile(rf"(?:{alternation})(?:\s*\([^)]{{0,25}}\))?[^0-9\n;]{{0,30}}?{_NUM}\s*({_UNIT})?",
                      re.IGNORECASE)


def _clean_unit(unit: str | None) -> str | None:
    if not unit:
        return None
    u = re.sub(r"\s+", "", unit)
    if re.match(r"^(°|º|degrees?)", u, re.IGNORECASE):
        return "°F" if u.rstrip(".").lower().endswith(("f", "fahrenheit")) else "°C"
    u = re.sub(r"^[x×]", "", u)
    return {"10^9/L": "10^9/L", "109/L": "10^9/L", "10^3/µL": "10^3/µL", "103/µL": "10^3/µL"}.get(u, u)


def _bare_unit(name: str, value: float) -> str | None:
    for rule in _rules()[0].get(name, {}).get("bare", []):
        if value < rule["below"]:
            return str(rule["unit"])
    return None


def _numbers(name: str, note: str) -> list[_Found]:
    regex = _label_regex(name)
    found = []
    for m in regex.finditer(note) if regex else ():
        number = float(m.group(1).replace(",", ""))
        unit = _clean_unit(m.group(2)) or _bare_unit(name, number)
        found.append(_Found((number, unit) if unit else number, m.start(), m.end()))
    listed = _respectively(name, note)
    if listed:  # a label inside "A, B and C were x, y and z respectively" is followed by another's value
        spans = [(m.start(), m.end()) for m in _RESPECTIVELY.finditer(note)]
        found = [f for f in found if not any(a <= f.start < b for a, b in spans)]
    return listed + found + _SPECIAL.get(name, lambda _n: [])(note)


_RESPECTIVELY = re.compile(r"((?:[^.;:]|\.\d){3,160}?)\s+(?:were|was|are|of|:)\s+((?:[^.;]|\.\d){3,160}?),?"
                           r"\s+respectively",
                           re.IGNORECASE)


def _respectively(name: str, note: str) -> list[_Found]:
    """Values in "sodium, potassium and chloride were 174, 3.6 and 135 mEq/L, respectively"."""
    regex = _label_regex(name)
    if regex is None or "respectively" not in note.lower():
        return []
    labels = re.compile("|".join(f"(?:{p})" for p in _rules()[0][name]["labels"]), re.IGNORECASE)
    found = []
    for m in _RESPECTIVELY.finditer(note):
        names = [n.strip() for n in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group(1)) if n.strip()]
        values = list(re.finditer(_NUM + r"\s*(" + _UNIT + r")?", m.group(2)))
        if len(names) < 2 or len(names) != len(values):
            continue
        unit = next((_clean_unit(v.group(2)) for v in reversed(values) if v.group(2)), None)
        for label, value in zip(names, values, strict=True):
            if labels.search(label.split()[-1] if label.split() else label):
                number = float(value.group(1).replace(",", ""))
                raw_unit = _clean_unit(value.group(2)) or unit or _bare_unit(name, number)
                at = m.start(2) + value.start()
                found.append(_Found((number, raw_unit) if raw_unit else number, at, m.start(2) + value.end()))
    return found


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


_SPECIAL: dict[str, Any] = {
    "age": _pattern(r"\b(\d{1,3})[- ](?:years?|yrs?)[- ]old|\baged? (\d{1,3})\b|\b(\d{1,3}) ?(?:yo|y/o|y\.o\.)\b",  # noqa: E501 (a regex reads best whole)
                    lambda m: float(next(g for g in m.groups() if g))),
    "sbp": _pattern(r"(?:blood pressure|\bBP\b)[^0-9\n]{0,30}?(\d{2,3})\s*/\s*\d{2,3}|(\d{2,3})\s*/\s*\d{2,3}\s*mm\s?Hg",  # noqa: E501 (a regex reads best whole)
                    lambda m: float(m.group(1) or m.group(2))),
    "dbp": _pattern(r"(?:blood pressure|\bBP\b)[^0-9\n]{0,30}?\d{2,3}\s*/\s*(\d{2,3})|\d{2,3}\s*/\s*(\d{2,3})\s*mm\s?Hg",  # noqa: E501 (a regex reads best whole)
                    lambda m: float(m.group(1) or m.group(2))),
    "temperature": _pattern(r"(\d{2,3}(?:\.\d+)?)\s*(?:°|º|degrees?)\s*(C|F|celsius|fahrenheit)\b", _temp),
    "heart_rate": _pattern(r"(\d{2,3})\s*(?:beats per minute|bpm|beats/min)", lambda m: float(m.group(1))),
    "respiratory_rate": _pattern(r"(\d{1,2})\s*(?:breaths per minute|breaths/min)", lambda m: float(m.group(1))),  # noqa: E501 (a regex reads best whole)
    "spo2": _pattern(r"(\d{2,3})\s*%\s*(?:on|while breathing|at) (?:room air|RA|ambient air|\d+\s?L)",
                     lambda m: float(m.group(1))),
    "weight": _pattern(r"(\d{1,3}(?:\.\d+)?)\s*(kg|kilograms|lbs?|pounds)\b", lambda m: (float(m.group(1)), m.group(2))),  # noqa: E501 (a regex reads best whole)
    "height": _pattern(r"(\d{1,3}(?:\.\d+)?)\s*(cm|centimet(?:er|re)s)\b|(\d\.\d{1,2})\s*(m)\b",
                       lambda m: (float(m.group(1) or m.group(3)), m.group(2) or m.group(4))),
    "lmp": _pattern(r"(?:last menstrual period|\bLMP\b)[^0-9\n]{0,40}" + _DATE),
    "current_date": _pattern(r"(?:today(?:'s date)?|current date|date today)[^0-9\n]{0,30}" + _DATE),
    "cycle_length": _pattern(r"(\d{2})[- ]days? (?:menstrual )?cycles?|cycles? (?:length )?(?:of|is|lasting)\s*(\d{2})",  # noqa: E501 (a regex reads best whole)
                             lambda m: float(m.group(1) or m.group(2))),
}
_FT_IN = _pattern(r"\b(\d)\s*(?:ft|feet|foot|')\s*(\d{1,2}(?:\.\d+)?)?\s*(?:in|inches|\"|'')?", _ft_in)


def _sex(note: str) -> _Found | None:
    female = re.findall(r"\b(woman|female|girl|lady|she|her|mrs|ms|pregnant|gravida)\b", note, re.I)
    male = re.findall(r"\b(man|male|boy|gentleman|he|his|him|mr)\b", note, re.I)
    if len(female) == len(male):
        return None
    word = "female" if len(female) > len(male) else "male"
    first = re.search(r"\b(woman|female|girl|lady|man|male|boy|gentleman)\b", note, re.I)
    span = (first.start(), first.end()) if first else (0, 0)
    return _Found(word, *span)


def _modifiers(note: str, start: int, end: int, name: str) -> set[str]:
    """ConText: which modifiers (negated, family, hypothetical) apply to the match at start:end."""
    context = _rules()[1]
    window = int(context["window"])
    sentence = next((m for m in _SENTENCE.finditer(note) if m.start() <= start < m.end()), None)
    s0, s1 = (sentence.start(), sentence.end()) if sentence else (0, len(note))
    before, after = note[max(s0, start - window):start], note[end:s1]
    found = set()
    for modifier in ("negated", "family", "hypothetical"):
        if modifier == "family" and "family" in name:
            continue
        rules = context[modifier]
        if any(re.search(p, before, re.I) for p in rules["before"]) or any(
                re.search(p, after[:window], re.I) for p in rules["after"]):
            found.add(modifier)
    return found


def _criterion(spec: InputSpec, note: str) -> _Found | None:
    negated: _Found | None = None
    for pattern in spec.patterns:
        for m in re.finditer(pattern, note, re.IGNORECASE):
            mods = _modifiers(note, m.start(), m.end(), spec.name)
            if not mods:
                return _Found(True, m.start(), m.end())
            if mods == {"negated"} and negated is None:
                negated = _Found(False, m.start(), m.end())
    return negated


def _choice(spec: InputSpec, note: str) -> _Found | None:
    best: _Found | None = None
    for choice in spec.choices:
        for phrase in (choice.value, *choice.aliases):
            if len(phrase) < 4 or phrase.lower() in ("none", "true", "false", "other", "normal", "absent"):
                continue
            m = re.search(rf"\b{re.escape(phrase)}\b", note, re.IGNORECASE)
            if m is None or _modifiers(note, m.start(), m.end(), spec.name):
                continue
            if best is None or m.start() < best.start:
                best = _Found(choice.value, m.start(), m.end())
    return best


def _last_choice(spec: InputSpec, text: str) -> _Found | None:
    """The choice mentioned last in ``text`` (longest phrase at a place): "convert X to Y" -> Y."""
    best: _Found | None = None
    for choice in spec.choices:
        for phrase in (choice.value, *choice.aliases):
            for m in re.finditer(rf"\b{re.escape(phrase)}\b", text, re.IGNORECASE):
                if best is None or (m.start(), m.end()) > (best.start, best.end):
                    best = _Found(choice.value, m.start(), m.end())
    return best


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


def _candidates(spec: InputSpec, note: str) -> list[_Found]:
    dosed = _dose_candidates(spec, note) if spec.type == "number" else None
    if dosed is not None:
        return dosed
    if spec.type == "bool":
        found = _criterion(spec, note)
        return [found] if found else []
    if spec.type == "choice":
        found = _sex(note) if spec.name == "sex" else _choice(spec, note)
        if found is None and spec.patterns and spec.choices and spec.type == "choice":
            hit = _criterion(spec.model_copy(update={"type": "bool"}), note)
            if hit and hit.raw is True and spec.name in ("race",):
                return [_Found(spec.choices[0].value, hit.start, hit.end)]
        return [found] if found else []
    if spec.type == "date":
        return _SPECIAL.get(spec.name, lambda _n: [])(note)
    found = _numbers(spec.name, note)
    if spec.name == "height" and not found:
        found = _FT_IN(note)
    return sorted(found, key=lambda f: f.start)


def _read(calc: Calculator, spec: InputSpec, note: str, result: CalcResult) -> InputValue | None:
    chosen: InputValue | None = None
    for found in _candidates(spec, note):
        span = Span(found.start, found.end, note[found.start:found.end])
        try:
            value = calc.coerce(spec.name, found.raw, "note", span)
        except EdgeAssistError as exc:
            result.warnings.append(
                f"{spec.name}: skipped a value at chars {found.start}-{found.end} ({exc.message})")
            continue
        if chosen is None:
            chosen = value
        elif spec.type == "number" and not _close(chosen.value, value.value):
            first = chosen.span.start if chosen.span else "?"
            result.conflicts.append(f"{spec.name}: {chosen.value:g} (chars {first}) and {value.value:g} "
                                    f"(chars {found.start}) in the note; the first is used")
            break
    return chosen


def _read_asked(calc: Calculator, spec: InputSpec, question: str, result: CalcResult) -> InputValue | None:
    found = _last_choice(spec, question) if spec.type == "choice" else None
    if found is None:
        return None
    try:
        span = Span(found.start, found.end, question[found.start:found.end])
        return calc.coerce(spec.name, found.raw, "note", span)
    except EdgeAssistError as exc:
        result.warnings.append(f"{spec.name}: the question's value was refused ({exc.message})")
        return None


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.01 * max(abs(a), abs(b), 1e-9)


def fill_from_note(calc: Calculator, note: str, llm: ChatModel | None = None,
                   question: str = "") -> CalcResult:
    """Find the calculator's inputs in ``note`` and compute when every required one is there.

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
    for spec in calc.spec.inputs:
        value = _read_asked(calc, spec, question, probe) if spec.in_question and question else None
        value = value or _read(calc, spec, note, probe)
        if value is not None:
            inputs[spec.name] = value
    missing = [s for s in calc.spec.inputs if s.required and s.name not in inputs]
    if missing and llm is not None:
        inputs.update(_ask_llm(calc, missing, note, llm, probe))
    result = calc.evaluate(inputs)
    result.conflicts, result.warnings = probe.conflicts, probe.warnings + result.warnings
    return result


def _ask_llm(calc: Calculator, specs: list[InputSpec], note: str, llm: ChatModel,
             result: CalcResult) -> dict[str, InputValue]:
    """Ask the LLM for numeric inputs; keep only numbers that literally occur in the note (their span)."""
    from edge_assist.models.base import GenerationOptions, Message

    wanted = [s for s in specs if s.type == "number"]
    if not wanted:
        return {}
    schema = {"type": "object", "properties": {s.name: {"type": ["number", "null"]} for s in wanted},
              "required": [s.name for s in wanted]}
    asks = "; ".join(f"{s.name}: {s.label or s.name} in {s.unit or 'its usual unit'}" for s in wanted)
    system = "Extract values from the clinical note. Use null when a value is not stated."
    messages = [Message("system", system),
                Message("user", f"Note:\n{note[:6000]}\n\nGive: {asks}")]
    try:
        reply = llm.generate_json(messages, schema, GenerationOptions(max_tokens=200))
    except EdgeAssistError as exc:
        if exc.exit_code == 130:
            raise
        result.warnings.append("the language model gave no usable answer")
        return {}
    out = {}
    for spec in wanted:
        number = reply.get(spec.name)
        text = f"{number:g}" if isinstance(number, int | float) else ""
        at = note.find(text) if text else -1
        if at < 0:
            continue
        try:
            out[spec.name] = calc.coerce(spec.name, float(number), "llm", Span(at, at + len(text), text))
        except EdgeAssistError as exc:
            result.warnings.append(f"{spec.name}: the model's value was refused ({exc.message})")
    return out
