"""Validate inputs against a spec, run the formula, and explain the result.

:class:`Calculator` joins a :class:`~edge_assist.calculators.spec.CalculatorSpec`
(data) with its formula (code). Every input is converted to the spec's
canonical unit and checked against the plausible range *before* any
arithmetic, because the commonest calculator error in practice is a value in
the wrong unit (creatinine 88 read as mg/dL), and such a value must stop the
calculation with a clear message rather than yield a confident wrong number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from edge_assist.calculators import units
from edge_assist.calculators.spec import CalculatorSpec, InputSpec
from edge_assist.errors import InputError

Origin = Literal["given", "note", "llm", "default"]


@dataclass(frozen=True)
class Span:
    """Where in the note a value was read: character offsets and the text there."""

    start: int
    end: int
    text: str


CriterionStatus = Literal["stated", "assumed", "conflict", "missing"]


@dataclass
class Criterion:
    """How a from-note reading decided one input: its value, the words it rests on, and why.

    ``status``: ``stated`` (the note says it; ``span`` points there), ``assumed`` (the note
    is silent or only partly says it: the published rule for a missing item, or a guessed
    unit, was applied), ``conflict`` (the note gives different values; ``reason`` names
    them and which was used) or ``missing`` (a required input the note does not give).
    """

    name: str
    label: str
    value: Any
    status: CriterionStatus
    reason: str
    span: Span | None = None
    unit: str = ""


@dataclass
class InputValue:
    """One input as the formula used it, with where it came from."""

    name: str
    value: Any
    unit: str = ""
    given: str = ""
    origin: Origin = "given"
    span: Span | None = None


class Steps(list[str]):
    """The step-by-step explanation a formula writes as it computes."""

    def add(self, text: str) -> None:
        """Record one step."""
        self.append(text)

    def points(self, label: str, points: float) -> float:
        """Record that ``label`` scores ``points`` and return the points."""
        self.append(f"{label}: {_fmt(points)} point{'s' if points != 1 else ''}")
        return points


class Values(dict[str, Any]):
    """Canonical input values by name, plus the points of choice inputs."""

    def __init__(self, data: Mapping[str, Any], spec: CalculatorSpec) -> None:
        super().__init__(data)
        self._spec = spec

    def points(self, name: str) -> float:
        """Points of the selected option of choice input ``name``."""
        chosen = self[name]
        return next(c.points for c in self._spec.input(name).choices if c.value == chosen)

    def label(self, name: str) -> str:
        """The human label of input ``name``."""
        spec = self._spec.input(name)
        return spec.label or name.replace("_", " ")

    @property
    def female(self) -> bool:
        """Whether input ``sex`` is female."""
        return self.get("sex") == "female"


Formula = Callable[[Values, Steps], Any]


@dataclass
class CalcResult:
    """A computed (or refused) calculation with its full provenance.

    ``value`` is None when required inputs are missing; ``conflicts`` lists
    inputs read with two different values (the first was used). A result with
    conflicts or assumptions is never silent: both are in the output.
    """

    calculator: str
    name: str
    value: Any
    unit: str
    band: str | None = None
    steps: list[str] = field(default_factory=list)
    inputs: dict[str, InputValue] = field(default_factory=dict)
    assumptions: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Filled by a from-note reading: one entry per input, in the spec's order.
    criteria: list[Criterion] = field(default_factory=list)
    formula_version: str = ""
    source: str = ""
    doi: str = ""

    @property
    def status(self) -> Literal["ok", "flagged", "incomplete"]:
        """``incomplete`` (no value), ``flagged`` (conflicts or warnings) or ``ok``."""
        if self.value is None:
            return "incomplete"
        return "flagged" if self.conflicts or self.warnings else "ok"

    @property
    def display(self) -> str:
        """The value as text, with its unit."""
        if self.value is None:
            return "not computed"
        if isinstance(self.value, tuple):
            return f"{self.value[0]} weeks {self.value[1]} days"
        text = self.value if isinstance(self.value, str) else _fmt(self.value)
        return f"{text} {self.unit}".strip()

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        data = asdict(self)
        data["status"] = self.status
        data["display"] = self.display
        return data


class Calculator:
    """A calculator: its spec and formula, with validation and explanation.

    Example:
        >>> from edge_assist import calculators
        >>> calculators.get("chads-vasc").compute(age=72, sex="F", hypertension=True).value
        3
    """

    def __init__(self, spec: CalculatorSpec, formula: Formula) -> None:
        self.spec = spec
        self.formula = formula

    @property
    def id(self) -> str:
        """The calculator's id."""
        return self.spec.id

    def compute(self, values: Mapping[str, Any] | None = None, **kwargs: Any) -> CalcResult:
        """Compute from explicit values (a number in the canonical unit, or ``(number, unit)``).

        Raises:
            InputError: an unknown input, a missing required one, a bad unit or an implausible value.
        """
        given = {**(values or {}), **kwargs}
        unknown = sorted(set(given) - {i.name for i in self.spec.inputs})
        if unknown:
            raise InputError(f"{self.id} has no input {', '.join(unknown)}",
                             f"inputs: {', '.join(i.name for i in self.spec.inputs)}")
        parsed = {k: self.coerce(k, v) for k, v in given.items() if v is not None}
        result = self.evaluate(parsed)
        if result.missing:
            raise InputError(f"{self.id} needs {', '.join(result.missing)}",
                             f"give them, e.g. --{result.missing[0].replace('_', '-')} VALUE")
        return result

    def coerce(self, name: str, raw: Any, origin: Origin = "given", span: Span | None = None) -> InputValue:
        """Parse, convert and range-check one raw value for input ``name``.

        Raises:
            InputError: the value cannot be read, has a wrong unit, or is implausible.
        """
        spec = self.spec.input(name)
        value = _COERCE[spec.type](spec, raw)
        given = " ".join(str(x) for x in raw) if isinstance(raw, tuple | list) else str(raw)
        return InputValue(name, value, spec.unit, given, origin, span)

    def evaluate(self, inputs: Mapping[str, InputValue]) -> CalcResult:
        """Run the formula on already-parsed inputs; missing required inputs give no value."""
        result = CalcResult(self.id, self.spec.name, None, self.spec.output_unit,
                            formula_version=self.spec.formula_version, source=self.spec.source.citation,
                            doi=self.spec.source.doi, inputs=dict(inputs))
        data: dict[str, Any] = {}
        for spec in self.spec.inputs:
            if spec.name in inputs:
                data[spec.name] = inputs[spec.name].value
            elif spec.required:
                result.missing.append(spec.name)
            else:
                data[spec.name] = spec.default
                if spec.default is not None:
                    result.assumptions.append(f"{spec.label or spec.name}: not given, assumed "
                                              f"{_describe_default(spec)}")
        if result.missing:
            return result
        steps = Steps()
        value = self.formula(Values(data, self.spec), steps)
        result.value = self._finish(value)
        result.steps = list(steps)
        if isinstance(result.value, int | float):
            result.band = self.spec.band_for(float(result.value))
        return result

    def _finish(self, value: Any) -> Any:
        if self.spec.output_type == "integer" and isinstance(value, int | float):
            return round(value)
        if isinstance(value, float):
            if math.isnan(value) or math.isinf(value):
                raise InputError(f"{self.id}: the inputs give no finite result",
                                 "check the values; a divisor may be zero")
            return round(value, self.spec.decimals)
        return value


def _describe_default(spec: InputSpec) -> str:
    if spec.type == "bool":
        return "absent" if spec.default is False else "present"
    return f"{spec.default} {spec.unit}".strip()


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.4g}" if abs(x) < 1e4 else f"{x:.0f}"


_NUMBER = re.compile(r"^\s*([-+]?\d+(?:[.,]\d+)?)\s*(.*?)\s*$")


def _number(spec: InputSpec, raw: Any) -> float:
    if isinstance(raw, bool):
        raise InputError(f"{spec.name} must be a number, not {raw}")
    if isinstance(raw, tuple | list):
        number, unit = raw[0], str(raw[1]) if len(raw) > 1 else spec.unit
    elif isinstance(raw, int | float):
        number, unit = raw, spec.unit
    else:
        match = _NUMBER.match(str(raw))
        if not match:
            raise InputError(f"{spec.name}: {str(raw)[:20]!r} is not a number")
        number, unit = match.group(1).replace(",", "."), match.group(2) or spec.unit
    try:
        value = float(number)
    except (TypeError, ValueError):
        raise InputError(f"{spec.name}: {str(number)[:20]!r} is not a number") from None
    if math.isnan(value) or math.isinf(value):
        raise InputError(f"{spec.name} must be a finite number")
    if unit and spec.unit and units.normalize_unit(unit) != units.normalize_unit(spec.unit):
        value = units.convert(value, unit, spec.unit, spec.analyte or spec.name)
    _check_range(spec, value)
    return value


def _check_range(spec: InputSpec, value: float) -> None:
    low = spec.min if spec.min is not None else -math.inf
    high = spec.max if spec.max is not None else math.inf
    if not low <= value <= high:
        raise InputError(
            f"{spec.name} = {_fmt(value)} {spec.unit} is outside the plausible range "
            f"{_fmt(low)}–{_fmt(high)} {spec.unit}".rstrip(),
            "check the value and its unit",
        )


_TRUE = {"true", "yes", "y", "1", "present", "positive", "+"}
_FALSE = {"false", "no", "n", "0", "absent", "negative", "-", "none"}


def _bool(spec: InputSpec, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(f"{spec.name} must be yes or no, not {text[:20]!r}")


def _choice(spec: InputSpec, raw: Any) -> str:
    text = str(raw).strip().lower()
    for choice in spec.choices:
        names = {choice.value.lower(), choice.label.lower(), *(a.lower() for a in choice.aliases)}
        if text in names:
            return choice.value
    options = ", ".join(c.value for c in spec.choices)
    raise InputError(f"{spec.name}: {text[:30]!r} is not an option", f"one of: {options}")


def _date(spec: InputSpec, raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    for fmt in ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y", "%m-%d-%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise InputError(f"{spec.name}: {text[:20]!r} is not a date", "use MM/DD/YYYY or YYYY-MM-DD")


_COERCE: dict[str, Callable[[InputSpec, Any], Any]] = {
    "number": _number, "bool": _bool, "choice": _choice, "date": _date,
}
