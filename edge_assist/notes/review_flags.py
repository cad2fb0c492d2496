"""Speech review flags carried into a drafted note: every line built from a doubted word is marked.

A dictation's transcript flags the numbers, doses and drug names a clinician must
check (:mod:`edge_assist.speech.review`). The note is drafted from the transcript's
text, so the flags would be lost on the way; :func:`mark` puts them back. A turn
holds a flag when its text contains the flagged words (the clinician may have
corrected them in between, and then there is nothing left to doubt). A line citing
such a turn is marked when it states one of the flagged words (numbers compared as
digits, units in one spelling), and, so that a flag is never lost to rephrasing
(a brand written as its generic, a dose as "BD"), every line citing the turn is
marked when none of them does. The mark is a ``speech_review`` :class:`SafetyFlag`,
so every renderer and the FHIR export show it like the other safety flags.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from edge_assist.notes.types import ClinicalNote, NoteSentence, SafetyFlag
from edge_assist.speech.normalize import normalize

if TYPE_CHECKING:
    from edge_assist.speech.types import Transcript

KIND = "speech_review"
_SHORT = frozenset({"a", "an", "the", "of", "on", "to", "in", "and", "or", "for", "at", "by", "is"})


@dataclass(frozen=True)
class DoubtfulWords:
    """Words of a transcript flagged for review: their text and why (reason and alternatives)."""

    text: str
    detail: str


def from_transcript(transcript: Transcript) -> list[DoubtfulWords]:
    """The review flags of a speech transcript, for :func:`mark`."""
    return [DoubtfulWords(f.text, f.describe()) for f in transcript.flags]


def mark(note: ClinicalNote, doubts: Sequence[DoubtfulWords]) -> int:
    """Mark every line of ``note`` built from a doubted word; returns how many lines were marked."""
    marked: set[int] = set()
    for doubt in doubts:
        keys = _keys(doubt.text)
        turns = {t.index for t in note.turns if keys and _contains(t.text, doubt.text)}
        if not turns:
            continue
        citing = [s for sec in note.sections for s in sec.sentences if turns & set(s.turns)]
        stating = [s for s in citing if keys & set(normalize(s.text).split())]
        for sentence in stating or citing:
            _flag(sentence, doubt)
            marked.add(id(sentence))
    return len(marked)


def _flag(sentence: NoteSentence, doubt: DoubtfulWords) -> None:
    detail = f"dictation: {doubt.detail}"
    if not any(f.kind == KIND and f.detail == detail for f in sentence.flags):
        sentence.flags.append(SafetyFlag("speech_review", detail))


def _keys(text: str) -> set[str]:
    """The words that identify a flagged span in a line: all but the shortest function words."""
    return {w for w in normalize(text).split() if w not in _SHORT}


def _contains(turn: str, words: str) -> bool:
    """Whether ``turn`` says ``words`` (normalised, on word boundaries)."""
    said, wanted = f" {normalize(turn)} ", normalize(words)
    if wanted and f" {wanted} " in said:
        return True
    return bool(re.search(rf"(?<!\w){re.escape(words.strip().lower())}(?!\w)", turn.lower()))
