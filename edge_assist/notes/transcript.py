"""Reading a transcript into speaker turns: ACI-Bench ``[doctor]`` tags, ``Doctor:`` prefixes, or dictation.

Why rules and not a model: speaker tags in the formats clinicians' tools export
are regular, and a parser that is exact and instant lets every later step cite
turns by index. Timestamps and ASR markers (``<UNSURE>``, ``[inaudible]``) are
removed from the text the note is written from but counted, so the draft can
warn that part of the audio was not understood. Text with no speaker tags is a
dictation: one turn per sentence, speaker ``dictation``.

Bad input becomes an :class:`~edge_assist.errors.InputError` with no patient
text in its message: empty, binary, not UTF-8, over :data:`MAX_CHARS`, or not
English (the templates, rules and models are English only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from edge_assist.errors import InputError
from edge_assist.extract.dialogue.transcript import clean, dictation_turns, has_speaker_tags, tagged_turns
from edge_assist.notes.assign import cues
from edge_assist.notes.types import Turn
from edge_assist.textio import decode_text

MAX_CHARS = 400_000
"""Longest transcript accepted: about 60,000 words, three times a long (20,000-word) encounter."""

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_ENGLISH = frozenset((  # noqa: SIM905 - a word list reads best as words
    "the and a to of i you is it that in for my your have with this do not was"
).split())


@dataclass
class Transcript:
    """Parsed turns plus what was removed or noticed while parsing."""

    turns: list[Turn]
    markers: int = 0
    timestamps: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def is_dictation(self) -> bool:
        """True when there were no speaker tags (one turn per sentence)."""
        return all(t.speaker == "dictation" for t in self.turns)


def decode(data: bytes) -> str:
    """Bytes of a transcript file as text.

    Raises:
        InputError: binary data or not UTF-8.
    """
    return decode_text(data, "transcript",
                       "give a UTF-8 text transcript (audio goes through speech first)", "in.txt")


def parse(text: str | bytes) -> Transcript:
    """Split a transcript into turns, cleaning timestamps and ASR markers.

    Args:
        text: ``[doctor] ...`` / ``Doctor: ...`` lines, or a free dictation.

    Raises:
        InputError: empty, binary, not UTF-8, too long, or not English.

    Examples:
        >>> [t.speaker for t in parse("[doctor] any pain ?\\n[patient] no .").turns]
        ['doctor', 'patient']
    """
    if isinstance(text, bytes):
        text = decode(text)
    _check(text)
    cleaned, markers, stamps = clean(text)
    turns = [Turn(t.turn.index, t.turn.speaker, t.turn.text)  # type: ignore[arg-type]
             for t in tagged_turns(cleaned)]
    if not turns and has_speaker_tags(cleaned):
        raise InputError("the transcript has speaker tags but no words after them",
                         "give the conversation text after each [doctor]/[patient] tag")
    transcript = Transcript(turns or _dictation_turns(cleaned), markers, stamps)
    if not transcript.turns:
        raise InputError("the transcript has no words once markers are removed",
                         "give the conversation or dictation text")
    _check_language(transcript.turns)
    transcript.warnings = _warnings(transcript)
    return transcript


def _check(text: str) -> None:
    if not text.strip():
        raise InputError("the transcript is empty", "give a file, '-' for stdin, or text")
    if len(text) > MAX_CHARS:
        raise InputError(f"the transcript is {len(text):,} characters; the limit is {MAX_CHARS:,}",
                         "split the recording into encounters and write a note for each")
    sample = text[:8192]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if "\x00" in sample or control > len(sample) * 0.05:
        raise InputError("the transcript looks like binary data, not text",
                         "give a UTF-8 text transcript")


def _dictation_turns(text: str) -> list[Turn]:
    return [Turn(t.turn.index, "dictation", t.turn.text) for t in dictation_turns(text)]


def _check_language(turns: list[Turn]) -> None:
    """English prose has function words; a terse dictation ("Assessment: stable angina. Plan:
    continue aspirin 81 mg daily.") has few, but its words are the note cues' own words."""
    words = [w for t in turns[:400] for w in _WORD.findall(t.text.lower())][:3000]
    if len(words) < 8 or sum(w in _ENGLISH for w in words) >= 0.08 * len(words):
        return
    if sum(w in _cue_words() for w in words) < 0.25 * len(words):
        raise InputError("the transcript does not look like English; notes are written in English only",
                         "give an English transcript (or translate it first)")


def _warnings(transcript: Transcript) -> list[str]:
    warnings = []
    speakers = {t.speaker for t in transcript.turns}
    if transcript.is_dictation:
        warnings.append("no speaker tags: read as a dictation, one sentence per turn")
    elif len(speakers) == 1:
        warnings.append(f"only one speaker ({next(iter(speakers))}): check the speaker tags")
    if transcript.markers:
        warnings.append(f"{transcript.markers} ASR marker(s) (inaudible/unsure) removed: "
                        "parts of the audio were not understood")
    if transcript.timestamps:
        warnings.append(f"{transcript.timestamps} timestamp(s) removed")
    return warnings


@cache
def _cue_words() -> frozenset[str]:
    """The words of every cue phrase and dictated heading in ``rules/cues.toml`` (English clinical words)."""
    return frozenset(w for phrase in cues().phrases for w in _WORD.findall(phrase))
