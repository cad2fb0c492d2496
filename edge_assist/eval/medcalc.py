"""MedCalc-Bench: clinical calculations from patient notes, read from the upstream CSV unchanged.

Two pipelines are scored on every row in one run, because they answer
different questions:

* ``gold``: the row's "Relevant Entities" fed straight to the calculator —
  the ceiling set by formulas and unit handling alone;
* ``note``: the full from-note pipeline (rules, and the LLM for what rules
  miss when ``use_llm`` is on) — what a clinician would get.

Scoring follows the benchmark: a decimal answer is right inside
[Lower Limit, Upper Limit]; integers, dates and (weeks, days) must match
exactly. Metrics: accuracy overall, per category and per calculator, the
time per note, and the from-note misses by cause: ``note_misses_no_value``
(a required input was not found) out of ``note_misses`` (the rest computed a
wrong number), overall, per category and per calculator.

Tune and check: every row falls in one part by a hash of its Patient Note
(``tune`` when the first byte of its SHA-256 is below 128, else ``check``),
fixed before any reader was changed. Note-reading rules are developed on the
tune part only; ``tune_...`` and ``check_...`` metrics (overall and per
category) show whether what holds on tune holds on notes never read.

MedCalc-Bench v1.0's own reference code departs from the cited sources for
some calculators (``KNOWN_DIFFERENCES.md`` in ``edge_assist.calculators``).
Those calculators carry ``benchmark_label_issue`` in their spec. Every row of
such a calculator, right or wrong, is left out of the
``..._excluding_known_label_errors`` figures, and so is a row whose "Relevant
Entities" hold a value our range checks refuse (e.g. albumin 17 g/dL);
``rows_excluding_known_label_errors`` says how many rows those figures rest
on. Dropping only the misses would excuse our wrong answers on those
calculators and keep the right ones as wins. The rule uses only the spec and
the row's data, never row ids.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edge_assist import calculators
from edge_assist.assistant import Assistant
from edge_assist.calculators.engine import CalcResult, Calculator, InputValue
from edge_assist.errors import EdgeAssistError, InputError
from edge_assist.eval.base import EvalResult, EvalTask, Progress, register

if TYPE_CHECKING:
    from edge_assist.models.base import ChatModel

COLUMNS = ("Calculator ID", "Category", "Output Type", "Patient Note", "Relevant Entities",
           "Ground Truth Answer", "Lower Limit", "Upper Limit")
# Upstream unit quirks, by entity key (never by row): the fentanyl patch dose is a rate in mcg/h
# that the data set labels "mg".
_UNIT_QUIRKS = {"fentanyl patch dose": "mcg/h"}


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of the upstream CSV, checked for the columns this task needs."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path.name} lacks columns {', '.join(missing)}",
                             "point --data at MedCalc-Bench's test_data.csv")
        yield from reader


def gold_inputs(calc: Calculator, entities: dict[str, Any]) -> dict[str, InputValue]:
    """Map a "Relevant Entities" dict onto the calculator's inputs (by alias), converting units.

    Two entities naming the same bool input (e.g. two wordings of prior
    cerebrovascular disease) are combined with OR.
    """
    by_alias = {a.lower().strip(): spec for spec in calc.spec.inputs for a in (spec.name, *spec.aliases)}
    out: dict[str, InputValue] = {}
    for key, raw in entities.items():
        spec = by_alias.get(key.lower().strip())
        if key == "input steroid" and isinstance(raw, list):  # [drug, dose, unit] in one entity
            out["dose"] = calc.coerce("dose", (raw[1], raw[2]))
            raw = raw[0]
        if spec is None:
            continue
        if isinstance(raw, list) and len(raw) == 2 and key.lower() in _UNIT_QUIRKS:
            raw = (raw[0], _UNIT_QUIRKS[key.lower()])
        if isinstance(raw, list) and len(raw) == 2 and str(raw[1]).strip().lower() in ("per day",):
            raw = raw[0]
        value = calc.coerce(spec.name, tuple(raw) if isinstance(raw, list) else raw)
        if spec.type == "bool" and spec.name in out:
            value.value = bool(value.value or out[spec.name].value)
        out[spec.name] = value
    return out


def _answer_text(result: CalcResult) -> Any:
    return result.value


def is_correct(value: Any, row: dict[str, str]) -> bool:
    """The benchmark's rule: within limits for decimals, exact for integers, dates and (weeks, days)."""
    if value is None:
        return False
    kind, truth = row["Output Type"].strip(), row["Ground Truth Answer"].strip()
    if isinstance(value, tuple):
        numbers = [int(n) for n in re.findall(r"\d+", truth)]
        return numbers == list(value)
    if kind == "date":
        return str(value) == truth
    if kind == "integer":
        try:
            return round(float(value)) == round(float(truth))
        except ValueError:
            return False
    try:
        return float(row["Lower Limit"]) <= float(value) <= float(row["Upper Limit"])
    except ValueError:
        return False


class _Timing:
    """Seconds per note, and which notes needed the LLM: the 2 s target is per note, so a mean
    over mostly rules-only rows (milliseconds) would hide what the LLM rows cost."""

    def __init__(self) -> None:
        self.rules: list[float] = []
        self.asked: list[float] = []

    def add(self, seconds: float, asked: bool) -> None:
        (self.asked if asked else self.rules).append(seconds)

    def metrics(self) -> dict[str, float]:
        every = self.rules + self.asked
        out = {"note_ms_per_row": _ms(statistics.fmean(every)), "note_ms_p50": _ms(_quantile(every, 0.5)),
               "note_ms_p95": _ms(_quantile(every, 0.95)), "note_ms_max": _ms(max(every)),
               "rules_only_ms_max": _ms(max(self.rules, default=0.0)), "llm_asked_rows": len(self.asked)}
        if self.asked:
            out |= {"llm_row_ms_p50": _ms(_quantile(self.asked, 0.5)),
                    "llm_row_ms_p95": _ms(_quantile(self.asked, 0.95)),
                    "llm_row_ms_max": _ms(max(self.asked))}
        return out


def _ms(seconds: float) -> float:
    return round(1000 * seconds, 2)


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class _CountingLLM:
    """The assistant's chat model, counting the calls the from-note pipeline makes to it."""

    def __init__(self, llm: ChatModel) -> None:
        self._llm = llm
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._llm, name)

    def generate_json(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self._llm.generate_json(*args, **kwargs)


class _Tally:
    def __init__(self) -> None:
        self.hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def add(self, keys: list[str], correct: bool) -> None:
        for key in keys:
            self.hits[key][0] += int(correct)
            self.hits[key][1] += 1

    def metrics(self, prefix: str) -> dict[str, float]:
        return {f"{prefix}{k}": round(c / n, 4) for k, (c, n) in sorted(self.hits.items())}

    def counts(self, prefix: str) -> dict[str, int]:
        return {f"{prefix}{k}": n for k, (_c, n) in sorted(self.hits.items())}

    def misses(self, prefix: str) -> dict[str, int]:
        return {f"{prefix}{k}": n - c for k, (c, n) in sorted(self.hits.items())}


class _Scores:
    """The five tallies of one slice of the file (all rows, the tune part or the check part)."""

    def __init__(self) -> None:
        self.gold, self.note, self.gold_clean, self.note_clean = _Tally(), _Tally(), _Tally(), _Tally()
        self.valued = _Tally()  # whether the from-note pipeline gave any value

    def add(self, keys: list[str], gold_ok: bool, note_ok: bool, valued: bool, excluded: bool) -> None:
        self.gold.add(keys, gold_ok)
        self.note.add(keys, note_ok)
        self.valued.add(keys, valued)
        if not excluded:
            self.gold_clean.add(keys, gold_ok)
            self.note_clean.add(keys, note_ok)

    def metrics(self, prefix: str = "") -> dict[str, float]:
        clean = "_excluding_known_label_errors"
        return {**self.gold.metrics(f"{prefix}gold_accuracy"), **self.note.metrics(f"{prefix}note_accuracy"),
                **self.gold_clean.metrics(f"{prefix}gold_accuracy{clean}"),
                **self.note_clean.metrics(f"{prefix}note_accuracy{clean}"),
                **self.gold.counts(f"{prefix}n"), **self.gold_clean.counts(f"{prefix}n{clean}"),
                f"{prefix}rows{clean}": self.gold_clean.hits.get("", [0, 0])[1],
                **self.note.misses(f"{prefix}note_misses"),
                **self.valued.misses(f"{prefix}note_misses_no_value")}


def part_of(note: str) -> str:
    """``tune`` or ``check``: the row's part, by the first byte of the SHA-256 of its note."""
    return "tune" if hashlib.sha256(note.encode("utf-8")).digest()[0] < 128 else "check"


def _gold_value(calc: Calculator, row: dict[str, str]) -> tuple[Any, bool]:
    """The gold-input answer, and whether the gold entities were refused as implausible."""
    try:
        entities = ast.literal_eval(row["Relevant Entities"])
    except (ValueError, SyntaxError):
        return None, False
    try:
        return calc.evaluate(gold_inputs(calc, entities)).value, False
    except InputError as exc:
        return None, "plausible range" in exc.message
    except EdgeAssistError:
        return None, False


def known_label_error(calc: Calculator, refused: bool) -> bool:
    """Whether a row is left out of the clean figures as a documented benchmark defect.

    A rule on the calculator and the row's data, never on row ids: the row is
    of a calculator whose benchmark reference code departs from its source
    (``benchmark_label_issue``), whatever our answer, or its own entities hold
    an implausible value that the range checks refuse.
    """
    return bool(calc.spec.benchmark_label_issue) or refused


class MedCalcTask(EvalTask):
    """Accuracy of the calculators on MedCalc-Bench, from gold inputs and from the notes."""

    name = "medcalc"
    description = "MedCalc-Bench calculators: gold-input and from-note accuracy (CSV, upstream columns)"
    data_file = "medcalc_dev.csv"
    #: Let the from-note pipeline ask the LLM for inputs the rules miss (slow on 2 cores).
    use_llm = False

    def locate(self, data: Path) -> Path:
        """The CSV: ``data`` itself, or the one CSV with the upstream columns in the folder."""
        if data.is_dir():
            found = sorted(p for p in data.glob("*.csv") if "calculators" not in p.name)
            if found:
                return found[0]
        return super().locate(data)

    def run(self, data: Path, assistant: Assistant, limit: int | None,
            progress: Progress | None = None) -> EvalResult:
        path = self.locate(data)
        scores = {"": _Scores(), "tune_": _Scores(), "check_": _Scores()}
        n, notes, timing = 0, [], _Timing()
        llm = _CountingLLM(assistant.llm) if self.use_llm else None
        for row in read_rows(path):
            if limit is not None and n >= limit:
                break
            calc = calculators.by_medcalc_id(int(row["Calculator ID"]))
            if calc is None:
                notes.append(f"no calculator for MedCalc id {row['Calculator ID']}")
                continue
            n += 1
            gold_value, refused = _gold_value(calc, row)
            calls, started = llm.calls if llm else 0, time.perf_counter()
            value = self._note(calc, row, llm)  # type: ignore[arg-type]
            timing.add(time.perf_counter() - started, asked=bool(llm and llm.calls > calls))
            outcome = (is_correct(gold_value, row), is_correct(value, row), value is not None,
                       known_label_error(calc, refused))
            category = f"/category/{row['Category']}"
            scores[""].add(["", category, f"/calculator/{calc.id}"], *outcome)
            scores[f"{part_of(row['Patient Note'])}_"].add(["", category], *outcome)
            if progress:
                progress(1)
        if n == 0:
            raise InputError(f"{path.name} has no rows")
        metrics = {k: v for prefix, s in scores.items() if s.gold.hits for k, v in s.metrics(prefix).items()}
        model = assistant.model_id("llm") if self.use_llm else "rules"
        return EvalResult(self.name, str(path), n, metrics | timing.metrics(), model=model, notes=notes)

    @staticmethod
    def _gold(calc: Calculator, row: dict[str, str]) -> Any:
        return _gold_value(calc, row)[0]

    @staticmethod
    def _note(calc: Calculator, row: dict[str, str], llm: ChatModel | None) -> Any:
        from edge_assist.calculators.note import fill_from_note

        try:
            return fill_from_note(calc, row["Patient Note"], llm=llm, question=row.get("Question", "")).value
        except EdgeAssistError as exc:
            if exc.exit_code == 130:
                raise
            return None


class MedCalcLLMTask(MedCalcTask):
    """The same task with the LLM fallback on: rules first, the model for required inputs they miss."""

    name = "medcalc-llm"
    description = "MedCalc-Bench with the LLM asked for inputs the rules miss (slow: use --limit)"
    use_llm = True


register(MedCalcTask())
register(MedCalcLLMTask())
