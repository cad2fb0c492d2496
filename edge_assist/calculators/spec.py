"""Calculator specs: validated data, read from ``specs/*.toml`` with ``importlib.resources``.

A spec is everything about a calculator that is not arithmetic: its inputs
(type, canonical unit, plausible range, whether required, what a note or
MedCalc-Bench calls it), the formula version, the source paper and DOI, the
output unit and the interpretation bands. Keeping this as data means a
clinician can review a calculator without reading Python, and the same spec
drives validation, the CLI's options, the note extractor and the eval.

Inputs shared by many calculators (age, sex, creatinine, heart rate, ...) are
defined once in ``specs/_inputs.toml`` and referenced by name; a calculator
may override fields of a shared input (``{ ref = "age", min = 18 }``).
Unknown keys are rejected (pydantic ``extra="forbid"``) so a typo in a spec
fails the load, never silently drops a field.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from edge_assist.errors import ConfigError

InputType = Literal["number", "bool", "choice", "date"]
OutputType = Literal["decimal", "integer", "date", "weeks_days"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Strict):
    """One option of a ``choice`` input, with the points it scores."""

    value: str
    label: str = ""
    points: float = 0.0
    aliases: list[str] = Field(default_factory=list)
    #: Regular expressions for how a note describes this option ("opens his eyes to a sternal rub").
    patterns: list[str] = Field(default_factory=list)


class InputSpec(_Strict):
    """One input of a calculator.

    Attributes:
        name: the key used in ``compute(...)`` and ``--name`` on the CLI.
        label: human name.
        type: number, bool (criterion present/absent), choice, or date (MM/DD/YYYY).
        unit: the canonical unit the formula works in; other units are converted.
        analyte: what is measured, for molar-mass unit conversion (creatinine, glucose, ...).
        min, max: plausible range in ``unit``; values outside are refused as likely unit errors.
        required: a missing required input stops the calculation; an optional one takes ``default``.
        default: the value assumed when an optional input is not given (always shown as an assumption).
        choices: options of a ``choice`` input.
        aliases: other names: how notes and MedCalc-Bench's "Relevant Entities" call it.
        patterns: regular expressions a note-reader uses to find a criterion (bool/choice inputs).
        in_question: the value is part of what is asked (e.g. the steroid to convert *to*), so a
            note-reader looks for it in the question first, and takes its last mention there.
        against: regular expressions for findings that speak *against* a bool criterion: an
            affirmed mention makes it false, a negated one true (``cough_absent``: "dry cough"
            -> false, "denies cough" -> true).
        note_default: what a note-reader assumes when the note mentions neither ``patterns`` nor
            ``against`` (None: the spec ``default``); always listed as an assumption, with ``help``.
        if_mentioned: for a choice input, the option a note-reader takes when ``patterns`` are
            affirmed but no option is named ("ascites" alone -> "slight").
    """

    name: str
    label: str = ""
    type: InputType = "number"
    unit: str = ""
    analyte: str = ""
    min: float | None = None
    max: float | None = None
    required: bool = True
    default: Any = None
    choices: list[Choice] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    in_question: bool = False
    against: list[str] = Field(default_factory=list)
    note_default: Any = None
    if_mentioned: str = ""
    help: str = ""


class Source(_Strict):
    """Where the formula comes from."""

    citation: str
    doi: str = ""
    url: str = ""


class Band(_Strict):
    """An interpretation band: ``min <= value < max`` means ``label``."""

    label: str
    min: float | None = None
    max: float | None = None

    def contains(self, value: float) -> bool:
        """Whether ``value`` falls in this band."""
        return (self.min is None or value >= self.min) and (self.max is None or value < self.max)


class CalculatorSpec(_Strict):
    """Everything about one calculator except its arithmetic."""

    id: str
    name: str
    category: str
    description: str = ""
    aliases: list[str] = Field(default_factory=list)
    medcalc_id: int | None = None
    formula_version: str
    source: Source
    output_unit: str = ""
    output_type: OutputType = "decimal"
    decimals: int = 2
    bands: list[Band] = Field(default_factory=list)
    inputs: list[InputSpec]
    notes: list[str] = Field(default_factory=list)
    #: How MedCalc-Bench v1.0's reference code departs from the cited source, when it does (verified
    #: against the ground-truth explanations; see KNOWN_DIFFERENCES.md). Empty when it follows the source.
    benchmark_label_issue: str = ""

    def input(self, name: str) -> InputSpec:
        """The input called ``name``."""
        for spec in self.inputs:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def band_for(self, value: float) -> str | None:
        """The label of the band ``value`` falls in, if any."""
        return next((b.label for b in self.bands if b.contains(value)), None)


def _resolve_inputs(raw: list[Any], shared: dict[str, dict[str, Any]], where: str) -> list[dict[str, Any]]:
    out = []
    for item in raw:
        if isinstance(item, str):
            item = {"ref": item}
        ref = item.pop("ref", None)
        if ref is not None:
            if ref not in shared:
                raise ConfigError(f"{where}: unknown shared input {ref!r}", "define it in specs/_inputs.toml")
            item = {**shared[ref], "name": ref, **item}
        out.append(item)
    return out


@cache
def load_specs() -> dict[str, CalculatorSpec]:
    """Every calculator spec shipped in the package, by id.

    Raises:
        ConfigError: a spec file is not valid TOML or does not validate (a packaging bug).
    """
    folder = resources.files("edge_assist.calculators") / "specs"
    shared = tomllib.loads((folder / "_inputs.toml").read_text(encoding="utf-8"))
    specs: dict[str, CalculatorSpec] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml") or entry.name.startswith("_"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        for raw in data.get("calculator", []):
            where = f"{entry.name}:{raw.get('id', '?')}"
            raw["inputs"] = _resolve_inputs(raw.get("inputs", []), shared, where)
            try:
                spec = CalculatorSpec.model_validate(raw)
            except ValidationError as exc:
                raise ConfigError(f"invalid calculator spec {where}: {exc.errors()[0]['msg']} at "
                                  f"{'.'.join(map(str, exc.errors()[0]['loc']))}") from None
            specs[spec.id] = spec
    return specs
