"""Speech: word error rate, drug-name accuracy and real-time factor on synthesised dictation.

No clinical speech recordings are public and offline, so the clips are made at
eval time: development texts (MTS-Dialog ``section_text``, ACI-Bench notes,
read unchanged from their upstream CSVs) are cut into dictation-sized
utterances of whole sentences, read aloud by several synthetic voices
(:mod:`edge_assist.speech.synth`: espeak-ng accents and speeds; flite's voices
too with ``EDGE_ASSIST_SPEECH_EVAL_TTS=espeak-ng,flite``) and cached under the
user dir. Nothing is committed or copied.

The set keeps every utterance that names a drug and one in ten of the rest,
so drug-name accuracy rests on about a hundred mentions. Each utterance falls
in the ``tune`` or the ``test`` half by a hash of its text; decoding and
correction were tuned on ``tune`` only, and both halves are reported.

Each clip is transcribed twice: plain Whisper, and the full pipeline
(vocabulary biasing + drug-name correction). WER is corpus-level (jiwer),
reported raw (case and punctuation count) and after the Whisper-style
:func:`~edge_assist.speech.normalize.normalize`, the form published WERs use.
The reference is the text as the voice read it (units and Latin abbreviations
spoken, :func:`~edge_assist.speech.synth.spoken_form`).
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edge_assist.assistant import Assistant
from edge_assist.errors import InputError
from edge_assist.eval.base import EvalResult, EvalTask, Progress, read_csv_rows, register
from edge_assist.eval.speech_review import count as review_count
from edge_assist.eval.speech_review import metrics as review_metrics
from edge_assist.eval.speech_review import note_doses, transcript_tokens
from edge_assist.speech.normalize import normalize

MTS = "mts-dialog/MTS-Dialog-ValidationSet.csv"
ACI = "aci-bench/valid.csv"
MIN_WORDS, MAX_WORDS = 6, 40
OTHERS_EVERY = 10  # utterances without a drug: keep one in this many
HALVES = ("tune", "test")
TTS_ENV = "EDGE_ASSIST_SPEECH_EVAL_TTS"
DEFAULT_TTS = "espeak-ng,flite"  # flite adds four more voices where Debian's flite is installed
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")


def texts_from(path: Path) -> list[str]:
    """The raw texts of an MTS-Dialog (``section_text``) or ACI-Bench (``note``) CSV, in file order.

    Raises:
        InputError: the CSV has neither column.
    """
    hint = "expected a CSV with section_text (MTS-Dialog) or note (ACI-Bench)"
    rows = iter(read_csv_rows(path, (), hint))
    first = next(rows, None)
    if first is None:
        return []
    column = "section_text" if "section_text" in first else "note" if "note" in first else None
    if column is None:
        raise InputError(f"{path.name} is neither MTS-Dialog nor ACI-Bench", hint)
    return [first[column], *(r[column] for r in rows)]


def utterances(text: str) -> list[str]:
    """Dictation-sized pieces of ``text``: whole sentences grouped up to ``MAX_WORDS`` words.

    Examples:
        >>> utterances("HISTORY\\nShe has pain. It started today.\\n\\nTake ibuprofen 400 mg as needed.")
        ['She has pain. It started today.', 'Take ibuprofen 400 mg as needed.']
    """
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        current: list[str] = []
        for sentence in _SENTENCE_END.split(_clean(paragraph)):
            if current and len(" ".join([*current, sentence]).split()) > MAX_WORDS:
                out.append(" ".join(current))
                current = []
            current.append(sentence)
        if current:
            out.append(" ".join(current))
    return [u for u in out if MIN_WORDS <= len(u.split()) <= MAX_WORDS]


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


def select(texts: list[str], drugs: frozenset[str]) -> list[str]:
    """Every utterance naming a drug, and one in ``OTHERS_EVERY`` of the rest, in order."""
    out: list[str] = []
    others = 0
    for text in dict.fromkeys(texts):  # an utterance said twice in the data is one clip
        if drug_mentions(text, drugs):
            out.append(text)
        else:
            others += 1
            if others % OTHERS_EVERY == 1:
                out.append(text)
    return out


def half_of(text: str) -> str:
    """``tune`` or ``test``, fixed by a hash of the text (independent of order and limit)."""
    return HALVES[hashlib.sha256(text.encode()).digest()[0] % 2]


def voice_of(text: str, voices: tuple[Any, ...]) -> Any:
    """The synthetic voice that reads ``text`` (a hash, so it never changes with order)."""
    return voices[int.from_bytes(hashlib.sha256(b"voice|" + text.encode()).digest()[:4], "big")
                  % len(voices)]


@dataclass
class Scored:
    """One clip's reference and hypotheses, and what it cost."""

    text: str
    half: str
    voice: str
    reference: str
    hypothesis: str = ""
    hypothesis_plain: str = ""
    audio: float = 0.0
    seconds: float = 0.0
    seconds_plain: float = 0.0
    corrections: list[tuple[str, str]] = field(default_factory=list)
    review: Counter[str] = field(default_factory=Counter)


def score(clips: list[Scored], drugs: frozenset[str], suffix: str = "") -> dict[str, float]:
    """WER raw and normalised, drug-name accuracy, correction precision and RTF of ``clips``."""
    import jiwer

    if not clips:
        return {}
    refs = [normalize(c.reference) for c in clips]
    ref_drugs = [drug_mentions(c.reference, drugs) for c in clips]
    hyps = [normalize(c.hypothesis) for c in clips]
    plain = [normalize(c.hypothesis_plain) for c in clips]
    audio = sum(c.audio for c in clips)
    made = [(o, r) for c in clips for o, r in c.corrections]
    right = sum(1 for c in clips for _o, r in c.corrections if r.lower() in normalize(c.reference).split())
    metrics = {
        "wer": round(jiwer.wer(refs, hyps), 4),
        "wer_plain": round(jiwer.wer(refs, plain), 4),
        "wer_raw": round(jiwer.wer([c.reference for c in clips], [c.hypothesis.strip() or "-"
                                                                   for c in clips]), 4),
        "wer_plain_raw": round(jiwer.wer([c.reference for c in clips],
                                         [c.hypothesis_plain.strip() or "-" for c in clips]), 4),
        "drug_accuracy": _drug_accuracy(ref_drugs, hyps),
        "drug_accuracy_plain": _drug_accuracy(ref_drugs, plain),
        "drug_precision": _drug_precision(ref_drugs, hyps, drugs),
        "drug_precision_plain": _drug_precision(ref_drugs, plain, drugs),
        "drug_mentions": float(sum(sum(c.values()) for c in ref_drugs)),
        "corrections": float(len(made)),
        "correction_precision": round(right / len(made), 4) if made else 1.0,
        "rtf": round(sum(c.seconds for c in clips) / audio, 4) if audio else 0.0,
        "rtf_plain": round(sum(c.seconds_plain for c in clips) / audio, 4) if audio else 0.0,
        "clips": float(len(clips)),
        "audio_seconds": round(audio, 1),
        **review_metrics(sum((c.review for c in clips), Counter())),
    }
    return {f"{k}{suffix}": v for k, v in metrics.items()}


def by_voice(clips: list[Scored], drugs: frozenset[str]) -> dict[str, float]:
    """WER, plain WER and drug-name accuracy per synthetic voice (``wer/voice/espeak-ng:en-gb@140``).

    The voices differ far more than the halves do; a reader comparing with another set
    (one voice, a real speaker) needs to see which of them the mean hides.
    """
    out: dict[str, float] = {}
    for voice in sorted({c.voice for c in clips}):
        m = score([c for c in clips if c.voice == voice], drugs)
        out |= {f"{k}/voice/{voice}": m[k] for k in ("wer", "wer_plain", "drug_accuracy", "clips")}
    return out


def _drug_precision(ref_drugs: list[Counter[str]], hyps: list[str], drugs: frozenset[str]) -> float:
    """The share of drug names in the transcripts that were said: a drug no one said is the
    dangerous error in a note, and hints or correction can make it."""
    heard = [Counter(w for w in h.split() if w in drugs) for h in hyps]
    total = sum(sum(c.values()) for c in heard)
    if not total:
        return 1.0
    return round(sum(sum((c & r).values()) for c, r in zip(heard, ref_drugs, strict=True)) / total, 4)


def _drug_accuracy(ref_drugs: list[Counter[str]], hyps: list[str]) -> float:
    total = sum(sum(c.values()) for c in ref_drugs)
    if not total:
        return 1.0
    hits = sum(sum((c & Counter(h.split())).values()) for c, h in zip(ref_drugs, hyps, strict=True))
    return round(hits / total, 4)


def eval_voices() -> tuple[Any, ...]:
    """The voices that read the clips: espeak-ng's, plus flite's when ``TTS_ENV`` names it.

    Raises:
        ConfigError: none of the named engines (or sox) is installed.
    """
    from edge_assist.speech.synth import available_voices, require_tools

    engines = tuple(e.strip() for e in os.environ.get(TTS_ENV, DEFAULT_TTS).split(",") if e.strip())
    voices = available_voices(engines)
    if not voices:
        require_tools(engines[0] if engines else "espeak-ng")
    return voices


class SpeechTask(EvalTask):
    """WER, drug-name accuracy and RTF of plain Whisper vs the clinical pipeline, per half."""

    name = "speech"
    description = ("Speech WER (raw and normalised), drug-name accuracy and real-time factor on "
                   "synthesised clips of MTS-Dialog / ACI-Bench texts (--data: a CSV or the folder "
                   "holding both); tune and test halves")

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

    def clips(self, data: Path, drugs: frozenset[str], limit: int | None) -> list[str]:
        """The utterances to synthesise, in a fixed order (``limit`` keeps the first N)."""
        per_file = [[u for t in texts_from(p) for u in utterances(t)] for p in self.locate_all(data)]
        texts = select(_interleave(*per_file), drugs)[:limit or None]
        if not texts:
            raise InputError(f"no dictation-sized texts in {data}")
        return texts

    def run(self, data: Path, assistant: Assistant, limit: int | None,
            progress: Progress | None = None) -> EvalResult:
        from edge_assist.settings import user_dir
        from edge_assist.speech.review import ReviewOptions

        full = assistant.speech_pipeline()
        plain = assistant.speech_pipeline(bias=False, correct=False)
        plain.options.review = ReviewOptions(enabled=False)  # plain Whisper: no second decode either
        drugs = drug_words(full.corrector.english)
        voices = eval_voices()
        texts = self.clips(data, drugs, limit)
        scored = list(transcribe_all(texts, voices, full, plain, user_dir() / "cache" / "speech-eval",
                                     progress, drugs))
        metrics = score(scored, drugs)
        for half in HALVES:
            metrics.update(score([c for c in scored if c.half == half], drugs, f"_{half}"))
        metrics.update(by_voice(scored, drugs))
        used = sorted({c.voice for c in scored})
        return EvalResult(self.name, str(data), len(texts), metrics, model=full.transcriber.id,
                          notes=[f"voices: {', '.join(used)}; 16 kHz mono",
                                 "wer: Whisper-style normalised; wer_raw: case and punctuation count",
                                 "drug_precision: share of drug names written that were said",
                                 "flag_recall: share of wrong numbers, doses and drug names flagged "
                                 "for review; right_flagged: share of right words flagged",
                                 "tuned on the tune half only; rtf includes biasing and correction"])


def drug_words(english: frozenset[str]) -> frozenset[str]:
    """Lexicon names scored as drug mentions: those that are not common English, and the common drugs."""
    from edge_assist.speech.vocabulary import load_lexicon

    lexicon = load_lexicon()
    return frozenset(n for n in lexicon.names if n not in english or n in lexicon.common)


def transcribe_all(texts: list[str], voices: tuple[Any, ...], full: Any, plain: Any, cache: Path,
                   progress: Progress | None = None,
                   drugs: frozenset[str] = frozenset()) -> Iterator[Scored]:
    """Synthesise and transcribe each text with both pipelines (``plain`` may be None)."""
    from edge_assist.speech.synth import spoken_form, synthesize

    for text in texts:
        voice = voice_of(text, voices)
        wav = synthesize(text, cache, voice)
        clip = Scored(text, half_of(text), voice.label, spoken_form(text))
        if plain is not None:
            started = time.perf_counter()
            clip.hypothesis_plain = plain.transcribe(wav).text
            clip.seconds_plain = time.perf_counter() - started
        started = time.perf_counter()
        best = full.transcribe(wav)
        clip.seconds = time.perf_counter() - started
        clip.hypothesis, clip.audio = best.text, best.duration
        clip.corrections = [(c.original, c.replacement) for c in best.corrections]
        from edge_assist.speech.review import Reviewer

        reviewer = Reviewer(full.corrector, full.options.review)
        clip.review = review_count(clip.reference, transcript_tokens(best, reviewer), drugs,
                                   full.options.review.unsure_below) + note_doses(clip.reference, best)
        if progress:
            progress(1)
        yield clip


register(SpeechTask())
