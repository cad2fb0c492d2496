"""Result types of the speech capability: segments, words, corrections, the transcript.

They are plain dataclasses so the CLI, the TUI and the eval can render or
serialise them without knowing how they were made; times are seconds from the
start of the file.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

CorrectionMethod = Literal["spelling", "phonetic", "redecode"]
ReviewReason = Literal["low_probability", "changed_between_decodes", "corrected_drug", "unlisted_drug",
                       "implausible_dose", "dose_without_drug"]
ReviewKind = Literal["number", "dose", "drug", "unit", "word"]


@dataclass(frozen=True)
class TimedWord:
    """One word with its timing and the model's probability for it."""

    start: float
    end: float
    text: str
    probability: float


@dataclass(frozen=True)
class Correction:
    """A near-miss drug name replaced by its lexicon form.

    Attributes:
        original: what the model wrote (one or more words).
        replacement: the lexicon's drug name.
        start: when the original words start (seconds).
        end: when they end.
        score: match strength (0-1) that passed the confidence bar.
        method: whether spelling or sound decided the match, or a second decoding pass
            (``redecode``) heard the name.
    """

    original: str
    replacement: str
    start: float
    end: float
    score: float
    method: CorrectionMethod


@dataclass(frozen=True)
class ReviewFlag:
    """Words a clinician must check before the transcript is trusted (see :mod:`edge_assist.speech.review`).

    Attributes:
        first: index of the first flagged word in its segment's ``words``.
        last: index of the last flagged word (inclusive).
        start: when the words start (seconds).
        end: when they end.
        text: the flagged words as written.
        kind: what the words are: a number, a dose (number and unit), a drug name, a unit,
            or other words (where a drug name was expected).
        reasons: why they are doubted, most serious first.
        alternatives: what else they may be: another decode's words, near drug names,
            the usual dose range.
    """

    first: int
    last: int
    start: float
    end: float
    text: str
    kind: ReviewKind
    reasons: tuple[ReviewReason, ...]
    alternatives: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for a reviewer: ``"7.5 milligrams": implausible_dose (usual 2.5-10 mg)``."""
        alternatives = f" (or: {'; '.join(self.alternatives)})" if self.alternatives else ""
        return f'"{self.text}": {", ".join(self.reasons)}{alternatives}'


@dataclass(frozen=True)
class TranscriptSegment:
    """A stretch of speech with its words and a confidence in 0-1."""

    start: float
    end: float
    text: str
    confidence: float
    words: tuple[TimedWord, ...] = ()
    corrections: tuple[Correction, ...] = ()
    flags: tuple[ReviewFlag, ...] = ()

    @staticmethod
    def confidence_of(avg_logprob: float) -> float:
        """Whisper's mean token log-probability as a probability (0-1)."""
        return round(min(1.0, math.exp(avg_logprob)), 4)


@dataclass
class Transcript:
    """A whole transcription: segments, the corrections made, and how long it took.

    Attributes:
        source: the file name (never its content).
        model: the speech model's id.
        duration: audio length in seconds.
        seconds: processing time in seconds.
        segments: the segments, in order.
    """

    source: str
    model: str
    duration: float = 0.0
    seconds: float = 0.0
    segments: list[TranscriptSegment] = field(default_factory=list)

    @property
    def corrections(self) -> list[Correction]:
        """Every drug-name correction, in order."""
        return [c for s in self.segments for c in s.corrections]

    @property
    def flags(self) -> list[ReviewFlag]:
        """Every review flag, in order."""
        return [f for s in self.segments for f in s.flags]

    @property
    def text(self) -> str:
        """The transcript as text; dictated paragraph breaks are kept."""
        from edge_assist.speech.commands import join_segments

        return join_segments(s.text for s in self.segments)

    @property
    def real_time_factor(self) -> float:
        """Processing time over audio time (below 1 is faster than real time)."""
        return round(self.seconds / self.duration, 4) if self.duration else 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON form (the CLI's ``--json``)."""
        return {"source": self.source, "model": self.model, "duration": round(self.duration, 3),
                "seconds": round(self.seconds, 3), "real_time_factor": self.real_time_factor,
                "text": self.text, "corrections": [asdict(c) for c in self.corrections],
                "review": [asdict(f) for f in self.flags],
                "segments": [{k: v for k, v in asdict(s).items() if k not in ("corrections", "flags")}
                             for s in self.segments]}

    def flag_spans(self) -> list[tuple[int, int, ReviewFlag]]:
        """Where each flag's words are in :attr:`text`: ``(start, end, flag)`` character offsets.

        The words are found in their segment's text, in order, so a word that was
        flagged once is marked once even where the same word occurs again unflagged.
        A flag whose words a dictation command rewrote is placed on its segment's text.
        """
        text = self.text
        out: list[tuple[int, int, ReviewFlag]] = []
        at = 0
        for segment in self.segments:
            if not segment.text:
                continue
            begin = text.find(segment.text, at)
            begin = at if begin < 0 else begin
            cursor = begin
            for flag in segment.flags:
                found = text.find(flag.text, cursor, begin + len(segment.text))
                if found < 0:
                    out.append((begin, begin + len(segment.text), flag))
                    continue
                out.append((found, found + len(flag.text), flag))
                cursor = found + len(flag.text)
            at = begin + len(segment.text)
        return out
