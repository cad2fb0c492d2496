"""Splitting a conversation into speaker turns: ``[doctor]`` tags, ``Doctor:`` prefixes, or dictation.

This is the exact, rule-based turn splitting that both ``extract`` (on a dialogue) and the note
writer use, kept here, below both, so that a finding's turn and a note line's turn are the same
turn. Policy (size limits, the language check, warnings) stays with the callers.

Timestamps and ASR markers (``<UNSURE>``, ``[inaudible]``) are blanked by :func:`clean` (offsets
kept: each is replaced by spaces of its own length), so a turn's ``start`` still points into the
text as given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from edge_assist.extract.dialogue.types import DialogueTurn

TAG = re.compile(r"^\s*(?:\[(?P<bracket>[a-z_ ]{2,30})\]|(?P<colon>[A-Za-z_ ]{2,30}):)\s*", re.MULTILINE)
SPEAKERS: dict[str, str] = {
    "doctor": "doctor", "dr": "doctor", "physician": "doctor", "clinician": "doctor",
    "provider": "doctor", "nurse": "doctor", "doctor_guest": "doctor", "guest_clinician": "doctor",
    "guest_clinican": "doctor", "patient": "patient", "pt": "patient", "patient_guest": "other",
    "guest_family": "other", "gest_family": "other", "family": "other", "speaker": "other",
}
MARKER = re.compile(r"</?\s*unsure\s*>|[\[<(]\s*(?:inaudible|unintelligible|crosstalk|indiscernible|"
                    r"unclear|noise|laughter|silence|pause)[^\])>]{0,20}[\])>]", re.IGNORECASE)
TIMESTAMP = re.compile(r"[\[(]?\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?\b[\])]?"
                       r"(?:\s*-->\s*\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)?")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Za-z0-9])")


@dataclass(frozen=True)
class Located:
    """A turn and where its words lie in the (cleaned) text: ``[start, end)``."""

    turn: DialogueTurn
    start: int
    end: int


def clean(text: str) -> tuple[str, int, int]:
    """``text`` with ASR markers and timestamps blanked (same length), and how many of each."""
    markers = stamps = 0

    def blank(match: re.Match[str]) -> str:
        return " " * len(match.group())

    text, markers = MARKER.subn(blank, text)
    text, stamps = TIMESTAMP.subn(blank, text)
    return text, markers, stamps


def speaker_of(match: re.Match[str]) -> str | None:
    """The speaker a tag names, or None when the tag is not a known speaker ("Note:")."""
    name = (match.group("bracket") or match.group("colon") or "").strip().lower().replace(" ", "_")
    return SPEAKERS.get(name)


def has_speaker_tags(text: str) -> bool:
    """Whether any line starts with a known speaker tag."""
    return any(speaker_of(m) is not None for m in TAG.finditer(text))


def tagged_turns(text: str) -> list[Located]:
    """One turn per speaker tag (empty turns dropped), words joined by single spaces."""
    matches = [m for m in TAG.finditer(text) if speaker_of(m) is not None]
    turns: list[Located] = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        words = " ".join(text[match.end():end].split())
        if words:
            turns.append(Located(DialogueTurn(len(turns), speaker_of(match) or "other", words),
                                 match.end(), end))
    return turns


def dictation_turns(text: str) -> list[Located]:
    """One ``dictation`` turn per sentence of an untagged text."""
    out: list[Located] = []
    start = 0
    for piece in [*_SENTENCE.finditer(text), None]:
        end = piece.start() if piece is not None else len(text)
        words = " ".join(text[start:end].split())
        if words:
            out.append(Located(DialogueTurn(len(out), "dictation", words), start, end))
        start = piece.end() if piece is not None else len(text)
    return out


def split_turns(text: str) -> list[Located]:
    """Tagged turns when the text has speaker tags, else one dictation turn per sentence."""
    cleaned, _, _ = clean(text)
    return tagged_turns(cleaned) or ([] if has_speaker_tags(cleaned) else dictation_turns(cleaned))
