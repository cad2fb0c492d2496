"""Speech: word error rate, drug-name accuracy and real-time factor on synthesised dictation.

No clinical speech recordings are public and offline, so the clips are made at
eval time: development texts (MTS-Dialog ``section_text``, ACI-Bench note
paragraphs, read unchanged from their upstream CSVs) are read aloud by
espeak-ng and resampled to 16 kHz mono by sox into a cache folder under the
user dir (:mod:`edge_assist.speech.synth`; nothing is committed or copied).

Each clip is transcribed twice: plain Whisper, and the full pipeline
(vocabulary biasing + drug-name correction), so the gain is visible. WER is
corpus-level (jiwer) after :func:`~edge_assist.speech.normalize.normalize`.
Drug-name accuracy counts the reference's lexicon drug names that the
hypothesis contains. Real-time factor is transcription time over audio time.
"""

from __future__ import annotations

import csv
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from edge_assist.assistant import Assistant
from edge_assist.errors import InputError
from edge_assist.eval import EvalResult, EvalTask, Progress, register
from edge_assist.speech.normalize import normalize

MTS = "mts-dialog/MTS-Dialog-ValidationSet.csv"
ACI = "aci-bench/valid.csv"
MIN_WORDS, MAX_WORDS = 6, 60


def clips_from(path: Path) -> list[str]:
    """Dictation-sized texts from an MTS-Dialog or ACI-Bench CSV, in file order.

    Raises:
        InputError: the CSV has neither ``section_text`` nor ``note``.
    """
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if rows and "section_text" in rows[0]:
        texts: Iterator[str] = (r["section_text"] for r in rows)
    elif rows and "note" in rows[0]:
        texts = (p for r in rows for p in re.split(r"\n\s*\n", r["note"]))
    else:
        raise InputError(f"{path.name} is neither MTS-Dialog nor ACI-Bench",
                         "expected a CSV with section_text (MTS-Dialog) or note (ACI-Bench)")
    return [t for t in (_clean(x) for x in texts) if MIN_WORDS <= len(t.split()) <= MAX_WORDS]


def _clean(text: str) -> str:
    lines = [ln.strip(" •-*\t") for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not (ln.isupper() and len(ln.split()) <= 6)]
    return " ".join(" ".join(lines).split())


def _interleave(*lists: list[str]) -> list[str]:
    out: list[str] = []
    for i in range(max((len(x) for x in lists), default=0)):
        out.extend(x[i] for x in lists if i < len(x))
    return out


def drug_mentions(text: str, drugs: frozenset[str]) -> Counter[str]:
    """The lexicon drug names in normalised ``text`` (with counts)."""
    return Counter(w for w in normalize(text).split() if w in drugs)


class SpeechTask(EvalTask):
    """WER, drug-name accuracy and RTF of plain Whisper vs the clinical pipeline."""

    name = "speech"
    description = ("Speech WER, drug-name accuracy and real-time factor on espeak-ng clips of "
                   "MTS-Dialog / ACI-Bench texts (--data: a CSV or the folder holding both)")

    def locate_all(self, data: Path) -> list[Path]:
        """The CSVs to read: ``data`` itself, or the MTS-Dialog and ACI-Bench files under it.

        Raises:
            InputError: nothing usable there.
        """
        if data.is_file():
            return [data]
        found = [data / rel for rel in (MTS, ACI) if (data / rel).is_file()]
        found += [p for p in (data / Path(MTS).name, data / Path(ACI).name) if p.is_file()]
        if not found:
            raise InputError(f"no MTS-Dialog or ACI-Bench CSV at {data}",
                             "point --data at MTS-Dialog-ValidationSet.csv, aci-bench/valid.csv "
                             "or the folder holding them")
        return found

    def run(self, data: Path, assistant: Assistant, limit: int | None,
            progress: Progress | None = None) -> EvalResult:
        import jiwer

        from edge_assist.settings import user_dir
        from edge_assist.speech.synth import synthesize
        from edge_assist.speech.vocabulary import load_lexicon

        texts = _interleave(*(clips_from(p) for p in self.locate_all(data)))[:limit or None]
        if not texts:
            raise InputError(f"no dictation-sized texts in {data}")
        cache = user_dir() / "cache" / "speech-eval"
        full = assistant.speech_pipeline()
        plain = assistant.speech_pipeline(bias=False, correct=False)
        lexicon = load_lexicon()
        drugs = frozenset(n for n in lexicon.names if n not in full.corrector.english
                          or n in lexicon.common)
        refs, hyps, hyps_plain = [], [], []
        audio = seconds = seconds_plain = 0.0
        corrections = 0
        for text in texts:
            wav = synthesize(text, cache)
            started = time.perf_counter()
            base = plain.transcribe(wav)
            seconds_plain += time.perf_counter() - started
            started = time.perf_counter()
            best = full.transcribe(wav)
            seconds += time.perf_counter() - started
            audio += best.duration
            corrections += len(best.corrections)
            refs.append(normalize(text))
            hyps.append(normalize(best.text))
            hyps_plain.append(normalize(base.text))
            if progress:
                progress(1)
        ref_drugs = [drug_mentions(t, drugs) for t in texts]
        metrics = {
            "wer": round(jiwer.wer(refs, hyps), 4),
            "wer_plain": round(jiwer.wer(refs, hyps_plain), 4),
            "drug_accuracy": _drug_accuracy(ref_drugs, hyps),
            "drug_accuracy_plain": _drug_accuracy(ref_drugs, hyps_plain),
            "drug_mentions": float(sum(sum(c.values()) for c in ref_drugs)),
            "corrections": float(corrections),
            "rtf": round(seconds / audio, 4) if audio else 0.0,
            "rtf_plain": round(seconds_plain / audio, 4) if audio else 0.0,
            "audio_seconds": round(audio, 1),
        }
        return EvalResult(self.name, str(data), len(texts), metrics,
                          model=full.transcriber.id,
                          notes=["clips synthesised with espeak-ng (en-us, 150 wpm), 16 kHz mono",
                                 "rtf includes biasing and correction; rtf_plain is bare Whisper"])


def _drug_accuracy(ref_drugs: list[Counter[str]], hyps: list[str]) -> float:
    total = sum(sum(c.values()) for c in ref_drugs)
    if not total:
        return 1.0
    hits = sum(sum((c & Counter(h.split())).values()) for c, h in zip(ref_drugs, hyps, strict=True))
    return round(hits / total, 4)


register(SpeechTask())
