"""Medication doses, question-borne inputs and "respectively" lists read from a note."""

from __future__ import annotations

import pytest

from edge_assist import calculators
from edge_assist.calculators.doses import find_doses, per_day
from edge_assist.calculators.note import fill_from_note


@pytest.mark.parametrize(("text", "expected"), [
    ("3 times a day", 3), ("twice daily", 2), ("q6h", 4), ("every 8 hours", 3), ("daily", 1), ("TID", 3),
])
def test_frequency_phrases(text: str, expected: float) -> None:
    """Common frequency phrases give doses per day."""
    assert per_day(f"10 mg {text}") == expected


def test_doses_in_either_order_with_frequency() -> None:
    """Amount before ("10 mg of X") and after ("X 10 mg") the drug both parse, with their frequency."""
    found = find_doses("Takes 10 mg of oxycodone 3 times a day, and morphine 15 mg q12h. Given 7.5 mg of "
                       "dexamethasone.")
    assert [(d.drug, d.amount, d.per_day) for d in found] == [
        ("oxycodone", 10.0, 3.0), ("morphine", 15.0, 2.0), ("dexamethasone", 7.5, None)]


def test_hydromorphone_is_not_morphine() -> None:
    """A drug name inside another (morphine in hydromorphone) is not read twice."""
    assert [d.drug for d in find_doses("hydromorphone 2 mg every 4 hours")] == ["hydromorphone"]


def test_mme_from_note() -> None:
    """MME sums dose × doses/day × CDC factor over every opioid in the note."""
    note = "The patient takes 10 mg of oxycodone 2 times a day and 50 mg of tramadol 4 times a day."
    result = fill_from_note(calculators.get("mme"), note)
    assert result.value == pytest.approx(10 * 2 * 1.5 + 50 * 4 * 0.2)
    assert result.inputs["oxycodone_dose"].span is not None


def test_steroid_target_is_read_from_the_question() -> None:
    """The steroid converted *to* belongs to the question; the dose and source come from the note."""
    note = "Patient has taken 8 mg of Dexamethasone PO."
    result = fill_from_note(calculators.get("steroid-conversion"), note,
                            question="What is the equivalent dosage in mg of PredniSONE PO?")
    assert result.inputs["to_steroid"].value == "prednisone po"
    assert result.value == pytest.approx(8 / 0.75 * 5, rel=1e-3)


def test_respectively_list_assigns_each_value_to_its_label() -> None:
    """ "sodium, potassium and chloride were 140, 4 and 100 mEq/L respectively" pairs values in order."""
    note = ("Serum sodium, potassium and chloride were 140, 4.1 and 100 mEq/L, respectively. "
            "Bicarbonate 20 mEq/L.")
    result = fill_from_note(calculators.get("anion-gap"), note)
    assert (result.inputs["sodium"].value, result.inputs["chloride"].value) == (140, 100)
    assert result.value == 20
