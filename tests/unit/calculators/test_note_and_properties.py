"""From-note extraction (spans, negation, conflicts, empty notes) and property tests."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edge_assist import calculators
from edge_assist.calculators.note import fill_from_note
from edge_assist.errors import InputError

NOTE = ("A 72-year-old woman with hypertension and diabetes presents with palpitations. "
        "She has no prior stroke or TIA. Her mother had a stroke. BP 150/90 mm Hg, heart rate 110 bpm.")


def test_note_fills_criteria_with_spans_and_negation() -> None:
    """Present criteria count, negated and family-history ones do not; each value has its span."""
    result = fill_from_note(calculators.get("chads-vasc"), NOTE)
    assert result.value == 4  # age 1, female 1, hypertension 1, diabetes 1
    assert result.inputs["stroke"].value is False
    age = result.inputs["age"]
    assert age.origin == "note" and age.span is not None and "72" in age.span.text
    assert result.status == "ok"


def test_two_creatinine_values_are_flagged() -> None:
    """Conflicting values are reported, never silently resolved."""
    note = "55-year-old man. Creatinine 1.1 mg/dL on admission; repeat creatinine 2.4 mg/dL."
    result = fill_from_note(calculators.get("ckd-epi-2021"), note)
    assert result.conflicts and result.status == "flagged"


def test_implausible_value_is_skipped_with_a_warning() -> None:
    """A value outside the plausible range is not used; the result is incomplete and says why."""
    result = fill_from_note(calculators.get("ckd-epi-2021"), "60-year-old man, creatinine 95 mg/dL.")
    assert result.value is None and "creatinine" in result.missing
    assert any("plausible" in w for w in result.warnings)


def test_units_in_the_note_are_converted() -> None:
    """µmol/L creatinine in a note is converted before use."""
    result = fill_from_note(calculators.get("ckd-epi-2021"), "60-year-old man, creatinine 106 µmol/L.")
    assert result.inputs["creatinine"].value == pytest.approx(1.2, rel=1e-2)


@pytest.mark.parametrize("note", ["", "   \n"])
def test_empty_note_is_refused(note: str) -> None:
    """An empty note is an InputError."""
    with pytest.raises(InputError, match="empty"):
        fill_from_note(calculators.get("bmi"), note)


def test_missing_inputs_are_listed() -> None:
    """Without the inputs there is no number, only the list of what is missing."""
    result = fill_from_note(calculators.get("bmi"), "Patient feels well.")
    assert result.value is None and set(result.missing) == {"weight", "height"}


def test_llm_fallback_keeps_only_values_in_the_note(assistant: object) -> None:
    """The model's answer is used only when the number occurs in the note (its span)."""
    from edge_assist.models.fakes import FakeChatModel

    FakeChatModel.replies.append('{"qt": 400, "heart_rate": 60}')
    note = "ECG: sinus rhythm at sixty, QT of 400 milliseconds."
    result = fill_from_note(calculators.get("qtc-bazett"), note, llm=assistant.llm)  # type: ignore[attr-defined]
    assert result.value is None  # 60 does not occur in the note: refused
    assert result.inputs["qt"].origin in ("note", "llm")


def test_assistant_calc(assistant: object) -> None:
    """Assistant.calc runs the rules path without loading a model."""
    result = assistant.calc("BP 120/80 mmHg", "map")  # type: ignore[attr-defined]
    assert result.value == pytest.approx(93.333, rel=1e-3)


@settings(max_examples=60, deadline=None)
@given(age=st.floats(18, 110), cr=st.floats(0.2, 20), female=st.booleans())
def test_egfr_is_finite_and_falls_as_creatinine_rises(age: float, cr: float, female: bool) -> None:
    """CKD-EPI is positive, finite and decreasing in creatinine."""
    calc = calculators.get("ckd-epi-2021")
    sex = "F" if female else "M"
    low = calc.compute(age=age, sex=sex, creatinine=cr).value
    high = calc.compute(age=age, sex=sex, creatinine=min(cr * 1.2, 30)).value
    assert math.isfinite(low) and low > 0 and high <= low


@settings(max_examples=60, deadline=None)
@given(age=st.floats(0, 120), flags=st.lists(st.booleans(), min_size=7, max_size=7))
def test_chads_vasc_stays_in_range_and_is_monotone(age: float, flags: list[bool]) -> None:
    """CHA2DS2-VASc is 0-9 and never drops when a criterion is added."""
    names = ["chf", "hypertension", "diabetes", "stroke", "tia", "thromboembolism", "vascular_disease"]
    calc = calculators.get("chads-vasc")
    base = dict(zip(names, flags, strict=True))
    score = calc.compute(age=age, sex="F", **base).value
    assert 0 <= score <= 9
    for name in names:
        assert calc.compute(age=age, sex="F", **{**base, name: True}).value >= score


@settings(max_examples=40, deadline=None)
@given(w=st.floats(1, 300), h=st.floats(40, 240))
def test_body_size_formulas_never_nan(w: float, h: float) -> None:
    """BMI, BSA and maintenance fluids are finite and positive over plausible ranges."""
    for name, inputs in (("bmi", {"weight": w, "height": h}), ("bsa", {"weight": w, "height": h}),
                         ("maintenance-fluids", {"weight": w})):
        value = calculators.get(name).compute(inputs).value
        assert math.isfinite(value) and value > 0
