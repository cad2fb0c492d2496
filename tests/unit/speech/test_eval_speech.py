"""The speech eval: utterances, the drug-rich selection, the halves, raw and normalised WER.

End to end on the fake transcriber: synthesis is replaced by a WAV whose sidecar
text is what the fake "hears", so no espeak-ng is needed.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from edge_assist.eval import speech as speech_eval
from edge_assist.eval.speech import Scored, half_of, score, select, utterances, voice_of
from edge_assist.speech.synth import ESPEAK_VOICES, Voice, spoken_form

from .conftest import write_wav

DRUGS = frozenset({"lisinopril", "metformin", "lasix"})


def test_utterances_are_whole_sentences_within_bounds() -> None:
    """Headings go, sentences are grouped up to the word limit and never split."""
    text = "PLAN\nStart lisinopril 10 mg daily. " + "Walk every day for an hour or so. " * 8
    parts = utterances(text)
    assert parts[0].startswith("Start lisinopril")
    assert all(6 <= len(p.split()) <= speech_eval.MAX_WORDS and p.endswith(".") for p in parts)


def test_selection_keeps_every_drug_and_some_others() -> None:
    """All utterances with a drug stay; one in OTHERS_EVERY of the rest; duplicates once."""
    others = [f"The patient walked {n} miles today without pain." for n in range(20)]
    texts = ["Continue lisinopril daily as before.", *others, "Continue lisinopril daily as before."]
    chosen = select(texts, DRUGS)
    assert chosen.count("Continue lisinopril daily as before.") == 1
    assert len(chosen) == 1 + -(-20 // speech_eval.OTHERS_EVERY)


def test_halves_and_voices_are_fixed_by_the_text() -> None:
    """A text's half and voice do not depend on order or limit; both halves occur."""
    texts = [f"Sentence number {n} of the set." for n in range(40)]
    assert {half_of(t) for t in texts} == {"tune", "test"}
    assert [half_of(t) for t in texts] == [half_of(t) for t in reversed(texts)][::-1]
    voices = [voice_of(t, ESPEAK_VOICES) for t in texts]
    assert voices == [voice_of(t, ESPEAK_VOICES) for t in reversed(texts)][::-1]
    assert len(set(voices)) > 3
    # Pinned: the SHA-256 of the text decides, so the split and voices of the published runs never move
    # (a per-process hash() or a random pick would give other values in another run).
    assert [ESPEAK_VOICES.index(v) for v in voices[:6]] == [2, 2, 5, 3, 3, 5]
    assert [half_of(t) for t in texts[:6]] == ["test", "tune", "test", "test", "tune", "test"]


def test_score_reports_raw_and_normalised_wer_and_correction_precision() -> None:
    """Formatting differences cost raw WER only; a wrong correction lowers precision."""
    clips = [
        Scored("Start lisinopril 20 mg.", "tune", "v", spoken_form("Start lisinopril 20 mg."),
               "start lisinopril twenty milligrams", "start listen april twenty milligrams",
               10.0, 1.0, 2.0, [("lysinopril", "lisinopril")]),
        Scored("He feels well.", "tune", "v", "He feels well.", "He feels Lasix.", "He feels well.",
               5.0, 0.5, 1.0, [("wells", "Lasix")]),
    ]
    m = score(clips, DRUGS)
    assert m["wer"] == pytest.approx(1 / 7, abs=1e-3) and m["wer_raw"] > m["wer"]
    assert m["drug_accuracy"] == 1.0 and m["drug_accuracy_plain"] == 0.0
    assert m["drug_precision"] == 0.5 and m["drug_precision_plain"] == 1.0  # Lasix was never said
    assert m["correction_precision"] == 0.5 and m["rtf"] == pytest.approx(0.1)
    assert score(clips, DRUGS, "_tune")["wer_tune"] == m["wer"]


def test_eval_end_to_end_on_the_fake(assistant, tmp_path: Path, monkeypatch) -> None:
    """The task reads an MTS-Dialog CSV and reports both halves (the fake hears the text exactly)."""
    data = tmp_path / "MTS-Dialog-ValidationSet.csv"
    rows = [f"Patient {n} should continue lisinopril 10 mg daily for blood pressure." for n in range(12)]
    rows += [f"Patient {n} walks to the shop every morning without any pain." for n in range(30)]
    with data.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["ID", "section_header", "section_text", "dialogue"])
        writer.writeheader()
        writer.writerows({"ID": i, "section_header": "PLAN", "section_text": t, "dialogue": ""}
                         for i, t in enumerate(rows))

    def fake_synth(text: str, cache: Path, voice: Voice = ESPEAK_VOICES[0]) -> Path:
        cache.mkdir(parents=True, exist_ok=True)
        wav = write_wav(cache / f"{abs(hash(text))}.wav", seconds=3.0)
        wav.with_suffix(".txt").write_text(spoken_form(text), "utf-8")
        return wav

    monkeypatch.setattr("edge_assist.speech.synth.synthesize", fake_synth)
    monkeypatch.setattr("edge_assist.speech.synth.available_voices", lambda engines: ESPEAK_VOICES)
    result = speech_eval.SpeechTask().run(data, assistant, None)
    m = result.metrics
    assert result.n == 12 + 3 and m["drug_mentions"] == 12
    assert m["wer"] == 0.0 and m["drug_accuracy"] == 1.0
    assert m["clips_tune"] + m["clips_test"] == result.n and "wer_raw_test" in m
    per_voice = {k: v for k, v in m.items() if k.startswith("clips/voice/")}
    assert per_voice and sum(per_voice.values()) == result.n
    assert all(m[k.replace("clips/", "wer/")] == 0.0 for k in per_voice)


def test_by_voice_separates_the_voices() -> None:
    """Each voice gets its own WER and drug accuracy; a bad voice does not hide in the mean."""
    good = Scored("Start lisinopril.", "tune", "a", "Start lisinopril.", "Start lisinopril.", "", 5.0)
    bad = Scored("Start lisinopril.", "test", "b", "Start lisinopril.", "Start listen april.", "", 5.0)
    m = speech_eval.by_voice([good, bad], DRUGS)
    assert m["wer/voice/a"] == 0.0 and m["wer/voice/b"] > 0.5
    assert (m["drug_accuracy/voice/a"], m["drug_accuracy/voice/b"]) == (1.0, 0.0)
    assert m["clips/voice/a"] == m["clips/voice/b"] == 1.0


def test_csv_without_text_columns_is_refused(tmp_path: Path) -> None:
    """A CSV that is neither MTS-Dialog nor ACI-Bench gets a clear input error."""
    from edge_assist.errors import InputError

    bad = tmp_path / "other.csv"
    bad.write_text("a,b\n1,2\n", "utf-8")
    with pytest.raises(InputError, match="neither MTS-Dialog nor ACI-Bench"):
        speech_eval.texts_from(bad)
