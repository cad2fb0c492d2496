"""Review flags: numbers, doses and drug names to check, from fake word lists with probabilities."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from edge_assist.errors import ConfigError
from edge_assist.models.base import Segment, Transcriber, Word
from edge_assist.speech.correction import CorrectionOptions, DrugCorrector
from edge_assist.speech.doses import DoseRange, _check, dose_table, find_doses
from edge_assist.speech.formats import render
from edge_assist.speech.pipeline import SpeechOptions, SpeechPipeline
from edge_assist.speech.review import Reviewer, ReviewOptions
from edge_assist.speech.types import Correction, TimedWord
from edge_assist.speech.vocabulary import DrugLexicon

from .conftest import write_wav

ENGLISH = frozenset(["the", "patient", "is", "on", "a", "big", "twice", "daily", "take", "continue",
                     "today", "she", "takes", "and", "for", "creatinine", "of"])
LEXICON = DrugLexicon({"apixaban": "apixaban", "eliquis": "Eliquis", "metformin": "metformin",
                       "depressin": "depressin", "lasix": "Lasix"},
                      ("apixaban", "eliquis", "metformin", "lasix"),
                      frozenset({"apixaban", "eliquis", "metformin", "lasix"}))


def words(text: str, probs: dict[str, float] | None = None, step: float = 0.5) -> list[TimedWord]:
    """Timed words half a second apart; ``probs`` gives some words a probability (else 0.95)."""
    probs = probs or {}
    return [TimedWord(i * step, i * step + 0.4, " " + w, probs.get(w, 0.95))
            for i, w in enumerate(text.split())]


@pytest.fixture
def reviewer() -> Reviewer:
    return Reviewer(DrugCorrector(LEXICON, ENGLISH, CorrectionOptions()))


def test_clean_dose_is_not_flagged(reviewer: Reviewer) -> None:
    """A drug with a usual dose, every word heard clearly: nothing to review."""
    assert reviewer.flag(words("Continue apixaban 5 milligrams twice daily.")) == ()


def test_low_probability_number_unit_and_drug(reviewer: Reviewer) -> None:
    """Numbers, units and drug names below the bar are flagged; ordinary words are not."""
    flags = reviewer.flag(words("the patient takes metformin 500 mg daily",
                                {"metformin": 0.3, "500": 0.2, "patient": 0.1}))
    assert [(f.text, f.kind, f.reasons) for f in flags] == [
        ("metformin", "drug", ("low_probability",)), ("500", "number", ("low_probability",))]


def test_implausible_dose_names_the_usual_range(reviewer: Reviewer) -> None:
    """apixaban 75 mg is outside 2.5-10 mg: the dose is flagged with the range as the alternative."""
    (flag,) = reviewer.flag(words("Continue apixaban 75 milligrams twice daily."))
    assert (flag.text, flag.kind, flag.reasons) == ("75 milligrams", "dose", ("implausible_dose",))
    assert flag.alternatives == ("apixaban: usual adult dose 2.5-10 mg",)


def test_units_convert_before_the_range_is_checked(reviewer: Reviewer) -> None:
    """Two grams of metformin is 2000 mg, a usual dose; a brand name finds the generic's range."""
    assert reviewer.flag(words("metformin two grams daily")) == ()
    (flag,) = reviewer.flag(words("Eliquis 50 mg daily"))
    assert flag.reasons == ("implausible_dose",)


def test_dose_without_a_drug_flags_where_the_name_should_be(reviewer: Reviewer) -> None:
    """'on a big 7.5 milligrams': no drug near the dose, so 'a big' and the dose are flagged,
    with the nearest drug name offered."""
    (flag,) = reviewer.flag(words("The patient is on a big 7.5 milligrams twice daily."))
    assert flag.text == "a big 7.5 milligrams" and flag.reasons == ("dose_without_drug",)
    assert "apixaban" in flag.alternatives


def test_corrected_and_unlisted_drugs(reviewer: Reviewer) -> None:
    """A drug name correction wrote is flagged with what was heard; a name outside the
    prescribed lexicon is flagged with the listed names near it."""
    heard = words("Continue Lasix daily")
    fix = Correction("lasics", "Lasix", heard[1].start, heard[1].end, 0.9, "phonetic")
    (flag,) = reviewer.flag(heard, [fix])
    assert flag.reasons == ("corrected_drug",) and flag.alternatives == ("heard: lasics",)
    (flag,) = reviewer.flag(words("She takes depressin daily"))
    assert flag.reasons == ("unlisted_drug",) and flag.text == "depressin"


def test_number_changed_between_decodes(reviewer: Reviewer) -> None:
    """The other decode heard 9.4 where the first wrote 1.4; and '4' where it wrote 'for'."""
    first = words("creatinine 1.4 today")
    (flag,) = reviewer.flag(first, other=[TimedWord(0.5, 0.9, " 9.4", 0.8)])
    assert flag.reasons == ("changed_between_decodes",) and flag.alternatives == ("other decode: 9.4",)
    assert reviewer.flag(first, other=[TimedWord(0.5, 0.9, " 1.4", 0.8)]) == ()
    (flag,) = reviewer.flag(words("take for days"), other=[TimedWord(0.55, 0.85, " 4", 0.9)])
    assert flag.text == "for" and flag.kind == "number"


def test_number_words_and_digits_agree(reviewer: Reviewer) -> None:
    """'twenty five' in one decode and '25' in the other are the same number."""
    first = words("creatinine twenty five today")
    assert reviewer.flag(first, other=[TimedWord(0.5, 1.4, " 25", 0.9)]) == ()


def test_disabled_review_flags_nothing() -> None:
    """ReviewOptions(enabled=False) returns no flags at all."""
    off = Reviewer(DrugCorrector(LEXICON, ENGLISH), ReviewOptions(enabled=False))
    assert off.flag(words("apixaban 75 mg", {"75": 0.1})) == ()


def test_dose_table_is_valid_and_covers_the_common_drugs() -> None:
    """The shipped table loads, brands resolve to their generic's range, and bad rows are refused."""
    table = dose_table()
    assert table["eliquis"] == table["apixaban"] == DoseRange("apixaban", "mg", 2.5, 10.0)
    assert table["levothyroxine"].contains(0.1, "mg") and not table["levothyroxine"].contains(1, "mg")
    assert table["heparin"].contains(5, "mg") is None  # units and mass do not compare
    with pytest.raises(ConfigError):
        _check(0, {"name": "x", "unit": "mg", "low": 5, "high": 1})
    with pytest.raises(ConfigError):
        _check(0, {"name": "x", "unit": "spoons", "low": 1, "high": 2, "colour": "red"})


def test_find_doses_reads_digits_and_words() -> None:
    """Digits, decimals and spoken numbers before a unit are doses."""
    found = find_doses(words("take one point five mg and 20 units and 3 tablets"))
    assert [(d.value, d.unit) for d in found] == [(1.5, "mg"), (20.0, "units")]


class _TwoDecodes(Transcriber):
    """The first (hinted) decode hears 1.4; the greedy second decode of the clip hears 9.4."""

    id = "two-decodes"

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def transcribe(self, audio: Path, **kwargs: Any) -> Iterator[Segment]:
        self.calls.append(kwargs)
        if kwargs.get("beam_size") == 1:
            yield Segment(0.4, 1.0, " 9.4", -0.2, 0.0, (Word(0.5, 0.9, " 9.4", 0.7),))
            return
        said = (Word(0.0, 0.4, " Creatinine", 0.9), Word(0.5, 0.9, " 1.4", 0.9),
                Word(1.0, 1.4, " today.", 0.9))
        yield Segment(0.0, 1.4, " Creatinine 1.4 today.", -0.1, 0.0, said)


def test_pipeline_flags_a_number_the_second_decode_changed(tmp_path: Path) -> None:
    """Through the pipeline: one extra greedy, unhinted decode; the flag is on the transcript,
    in --json, as a VTT NOTE block and as a bracketed SRT line."""
    fake = _TwoDecodes()
    pipe = SpeechPipeline(fake, SpeechOptions(correct=False, guard=SpeechOptions().guard))
    transcript = pipe.transcribe(write_wav(tmp_path / "a.wav", seconds=2.0))
    assert transcript.text == "Creatinine 1.4 today."
    (flag,) = transcript.flags
    assert (flag.text, flag.reasons) == ("1.4", ("changed_between_decodes",))
    second = [c for c in fake.calls if c.get("beam_size") == 1]
    assert len(second) == 1 and second[0].get("hotwords") is None
    data = json.loads(render(transcript, "json"))
    assert data["review"][0]["alternatives"] == ["other decode: 9.4"]
    vtt = render(transcript, "vtt")
    assert 'NOTE review\n"1.4": changed_between_decodes (or: other decode: 9.4)\n\n00:00:00.000' in vtt
    srt = render(transcript, "srt")
    assert 'today.\n[review: "1.4": changed_between_decodes (or: other decode: 9.4)]\n' in srt
    assert transcript.flag_spans()[0][:2] == (11, 14)


def test_untimed_words_are_not_decoded_again(assistant, wav_with_text) -> None:
    """The registry's fake gives no word timings: no second decode, but dose checks still run."""
    transcript = assistant.transcribe(wav_with_text("Continue apixaban 75 milligrams twice daily"))
    assert [f.reasons for f in transcript.flags] == [("implausible_dose",)]
    assert transcript.flags[0].text == "75 milligrams"
