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
class TranscriptSegment:
    """A stretch of speech with its words and a confidence in 0-1."""

    start: float
    end: float
    text: str
    confidence: float
    words: tuple[TimedWord, ...] = ()
    corrections: tuple[Correction, ...] = ()

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
                "segments": [{k: v for k, v in asdict(s).items() if k != "corrections"}
                             for s in self.segments]}
