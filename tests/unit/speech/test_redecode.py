"""The targeted second pass: suspects, windows, the re-decode of a clip, and the splice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from edge_assist.models.base import Segment, Transcriber, Word
from edge_assist.speech.audio import RATE, read_span
from edge_assist.speech.correction import DrugCorrector
from edge_assist.speech.pipeline import SpeechOptions, SpeechPipeline
from edge_assist.speech.redecode import (
    RedecodeOptions,
    Redecoder,
    Suspect,
    find_suspects,
    plan_windows,
    splice,
)
from edge_assist.speech.review import ReviewOptions
from edge_assist.speech.types import TimedWord
from edge_assist.speech.vocabulary import DrugLexicon, _foreign_spellings

from .conftest import write_wav

ENGLISH = frozenset(
    {
        "he",
        "can",
        "continue",
        "project",
        "the",
        "patient",
        "is",
        "doing",
        "well",
        "and",
        "normal",
        "with",
        "his",
    }
)


@pytest.fixture(scope="module")
def corrector() -> DrugCorrector:
    """A corrector on a small lexicon: Prozac is the drug "project" may have been."""
    names = {n: n for n in ("lisinopril", "metformin", "procrit", "fluoxetine")}
    names.update({"prozac": "Prozac", "norvasc": "Norvasc", "lasix": "Lasix"})
    common = ("lisinopril", "metformin", "prozac", "norvasc", "lasix", "fluoxetine")
    return DrugCorrector(DrugLexicon(names, common, primary=frozenset(names)), ENGLISH)


def _words(text: str, unsure: tuple[str, ...] = (), step: float = 0.5) -> list[TimedWord]:
    return [
        TimedWord(i * step, (i + 1) * step, " " + w, 0.2 if w in unsure else 0.95)
        for i, w in enumerate(text.split())
    ]


class _Scripted(Transcriber):
    """Hears the given words (times in the clip) and records what it was asked."""

    def __init__(self, heard: list[tuple[float, float, str]]) -> None:
        self.heard = heard
        self.calls: list[dict[str, Any]] = []
        self.durations: list[float] = []

    def transcribe(self, audio: Path, **kwargs: Any) -> Iterator[Segment]:  # type: ignore[override]
        self.calls.append(kwargs)
        self.durations.append(len(read_span(Path(audio), 0.0, 1e9)) / RATE)
        words = tuple(Word(s, e, w, 0.1) for s, e, w in self.heard)
        yield Segment(0.0, 5.0, "".join(w.word for w in words), -0.5, 0.0, words)


def test_unsure_word_next_to_a_dose_is_a_suspect(corrector: DrugCorrector) -> None:
    """ "project" heard without confidence before "20 milligrams" may be Prozac."""
    words = _words("he can continue project 20 milligrams daily", unsure=("project",))
    [suspect] = find_suspects(words, corrector)
    assert (suspect.first, suspect.last) == (3, 3)
    assert "Prozac" in suspect.candidates


def test_confident_or_contextless_words_are_not_suspects(corrector: DrugCorrector) -> None:
    """A word the model was sure of, or common English far from any dose, is left alone."""
    assert find_suspects(_words("he can continue project 20 milligrams daily"), corrector) == []
    words = _words("the patient is doing well and normal", unsure=("normal",))
    assert find_suspects(words, corrector) == []


def test_windows_are_padded_merged_and_capped() -> None:
    """Close suspects share one window; only the most suspect are kept."""
    suspects = [
        Suspect(0, 0, 1.0, 1.5, ("a",), 0.7),
        Suspect(1, 1, 2.0, 2.5, ("b",), 0.8),
        Suspect(5, 5, 9.0, 9.5, ("c",), 0.6),
    ]
    windows = plan_windows(suspects, RedecodeOptions(pad=0.6))
    assert [(w.start, w.end, len(w.suspects)) for w in windows] == [(0.4, 3.1, 2), (8.4, 10.1, 1)]
    capped = plan_windows(suspects, RedecodeOptions(pad=0.6, max_windows=1))
    assert [w.suspects[0].candidates for w in capped] == [("b",)]


def test_second_pass_replaces_a_suspect_and_reports_it(tmp_path: Path, corrector: DrugCorrector) -> None:
    """The clip around the suspect is decoded again with only its candidates as the prompt."""
    wav = write_wav(tmp_path / "a.wav", seconds=4.0)
    words = _words("he can continue project 20 milligrams daily", unsure=("project",))
    # "project" is at 1.5-2.0 s; its window starts at 0.9 s, so it sits at 0.6-1.1 s in the clip.
    model = _Scripted([(0.0, 0.5, " continue"), (0.6, 1.1, " Prozac"), (1.1, 1.4, " 20")])
    options = RedecodeOptions(pad=0.6)
    fixed, corrections = Redecoder(model, corrector, options).fix(words, wav, decode={"beam_size": 5})
    assert "".join(w.text for w in fixed).strip() == "he can continue Prozac 20 milligrams daily"
    [c] = corrections
    assert (c.original, c.replacement, c.method, c.start, c.end) == (
        "project",
        "Prozac",
        "redecode",
        1.5,
        2.0,
    )
    call = model.calls[0]
    assert "Prozac" in call["initial_prompt"] and call["vad_filter"] is False
    assert call["word_timestamps"] is True and call["beam_size"] == 5
    assert model.durations[0] == pytest.approx(1.7 + options.gap, abs=0.01)


def test_nothing_suspect_means_no_second_decode(tmp_path: Path, corrector: DrugCorrector) -> None:
    """Segments without suspects cost nothing extra."""
    model = _Scripted([])
    words = _words("he can continue Prozac 20 milligrams daily")
    assert Redecoder(model, corrector).fix(words, tmp_path / "unused.wav") == (words, [])
    assert model.calls == []


def test_splice_needs_a_candidate_at_the_suspects_time(corrector: DrugCorrector) -> None:
    """A drug that is not the suspect's candidate, elsewhere in time, or echoed is ignored."""
    words = _words("he can continue project 20 milligrams", unsure=("project",))
    suspect = Suspect(3, 3, 1.5, 2.0, ("Prozac",), 0.7)
    other = [TimedWord(1.5, 2.0, " Lasix", 0.9)]
    late = [TimedWord(2.6, 3.0, " Prozac", 0.9)]
    echo = [TimedWord(1.5, 1.7, " Prozac", 0.9), TimedWord(1.7, 2.0, " Prozac", 0.9)]
    for heard in (other, late, echo):
        assert splice(words, [suspect], heard, corrector) == (words, [])


def test_read_span_clips_to_the_file(tmp_path: Path) -> None:
    """Samples between two times; past the end there are none."""
    wav = write_wav(tmp_path / "a.wav", seconds=1.0)
    assert len(read_span(wav, 0.25, 0.75)) == RATE // 2
    assert len(read_span(wav, 0.9, 5.0)) == RATE // 10
    assert read_span(wav, 2.0, 3.0).dtype == np.int16 and len(read_span(wav, 2.0, 3.0)) == 0


def test_foreign_spellings_of_a_main_name_are_not_targets() -> None:
    """ "heparine" respells heparin (same drug); a different brand name stays."""
    names = {"heparin", "heparine", "hep-lock", "quinine", "quinina"}
    primary = {"heparin": {}, "quinine": {}}
    canonical = {n: ["heparin"] for n in ("heparin", "heparine", "hep-lock")}
    canonical.update({"quinine": ["quinine"], "quinina": ["quinine"]})
    assert _foreign_spellings(names, primary, canonical) == {"heparine", "quinina"}


def test_greedy_second_pass(tmp_path: Path, corrector: DrugCorrector) -> None:
    """``greedy`` makes the second pass beam 1 without temperature fallback."""
    wav = write_wav(tmp_path / "a.wav", seconds=4.0)
    words = _words("he can continue project 20 milligrams daily", unsure=("project",))
    model = _Scripted([])
    Redecoder(model, corrector, RedecodeOptions(greedy=True)).fix(words, wav, decode={"beam_size": 5})
    assert model.calls[0]["beam_size"] == 1 and model.calls[0]["temperature"] == 0.0


class _TwoPass(Transcriber):
    """First call: a segment with an unsure "project"; later calls: the second pass hears Prozac."""

    def __init__(self) -> None:
        self.calls = 0
        self.manifest = SimpleNamespace(id="fake-two-pass")  # type: ignore[assignment]

    def transcribe(self, audio: Path, **kwargs: Any) -> Iterator[Segment]:  # type: ignore[override]
        self.calls += 1
        if self.calls == 1:
            words = tuple(
                Word(w.start, w.end, w.text, w.probability)
                for w in _words("continue project 20 milligrams", unsure=("project",))
            )
            yield Segment(0.0, 2.0, " continue project 20 milligrams", -0.3, 0.0, words)
        else:
            yield Segment(0.0, 1.0, " Prozac", -0.3, 0.0, (Word(1.0, 1.4, " Prozac", 0.3),))


def test_pipeline_runs_the_second_pass_only_when_enabled(tmp_path: Path, corrector: DrugCorrector) -> None:
    """Off by default (one decode); on, the segment's text and corrections carry the fix."""
    wav = write_wav(tmp_path / "a.wav", seconds=3.0)
    for enabled, text, decodes in (
        (False, "continue project 20 milligrams", 1),
        (True, "continue Prozac 20 milligrams", 2),
    ):
        model = _TwoPass()
        options = SpeechOptions(redecode=RedecodeOptions(enabled=enabled), vad=False,
                                review=ReviewOptions(crosscheck=False))  # counts the redecode's calls
        pipeline = SpeechPipeline(model, options)
        pipeline._corrector = corrector
        transcript = pipeline.transcribe(wav)
        assert (transcript.text, model.calls) == (text, decodes)
    assert [c.method for c in transcript.corrections] == ["redecode"]
