"""Reading a note safely: decoding, size and binary checks, sentences, de-identification markers.

Everything downstream works on offsets into the text exactly as given, so this
module never rewrites the note: sentences and masked regions are ranges, not
copies. Bad input (empty, binary, not UTF-8, too large) becomes an
:class:`~edge_assist.errors.InputError` that says what to do, with no patient
text in the message.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from edge_assist.errors import InputError
from edge_assist.extract.scan import Intervals, WordIndex
from edge_assist.textio import decode_text

MAX_CHARS = 2_000_000
"""Longest note accepted (about 2 MB of text). The rules path is linear: 3-6 s per MB on 2 shared cores."""

_DEID = re.compile(
    r"\*\*[A-Z][A-Z0-9-]*(?:\[[^\]\n]{0,80}\])?"  # **NAME[AAA, BBB M], **INSTITUTION, **DATE[..]
    r"|\*{2,}(?:[/:.-]\*+)*"  # *****, **/**/****
)
_ABBREV_BEFORE_DOT = re.compile(
    r"(?:\b(?:dr|mr|mrs|ms|st|vs|no|approx|appt|pt|pts|e\.g|i\.e|etc|y\.o|p\.o|b\.i\.d|t\.i\.d|q\.d|q\.i\.d"
    r"|[a-z]))\.$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?;]+(?=\s+[\"'(\[]?[A-Z0-9*])|\n\s*\n|\n(?=\s*(?:[-*•·]\s|\d+[.)]\s|[A-Z]))")


@dataclass
class Note:
    """A note and the ranges the extractors need: sentences and de-identification markers."""

    text: str
    sentences: list[tuple[int, int]] = field(default_factory=list)
    masked: list[tuple[int, int]] = field(default_factory=list)
    _words: WordIndex | None = field(default=None, repr=False, compare=False)
    _masked: Intervals | None = field(default=None, repr=False, compare=False)

    @property
    def words(self) -> WordIndex:
        """The note's word starts, built on first use and shared by every lexicon scanner."""
        if self._words is None:
            self._words = WordIndex(self.text)
        return self._words

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """The (start, end) of the sentence containing ``offset`` (binary search: 1 MB notes)."""
        i = bisect_right(self.sentences, (offset, len(self.text) + 1)) - 1
        if i >= 0 and self.sentences[i][0] <= offset < self.sentences[i][1]:
            return self.sentences[i]
        return 0, len(self.text)

    def is_masked(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps a de-identification marker."""
        if self._masked is None:
            self._masked = Intervals(self.masked)
        return self._masked.overlaps(start, end)


def decode(data: bytes) -> str:
    """Bytes of a note file as text.

    Raises:
        InputError: binary data or not UTF-8.
    """
    return decode_text(data, "note", "give a plain-text note (UTF-8)", "note.txt")


def check_text(text: str) -> None:
    """Refuse text no extractor can use.

    Raises:
        InputError: empty, too large, or mostly control characters.
    """
    if not text.strip():
        raise InputError("the note is empty", "give a file or text with the clinical note")
    if len(text) > MAX_CHARS:
        raise InputError(f"the note is {len(text):,} characters; the limit is {MAX_CHARS:,}",
                         "split the document into notes and extract each")
    sample = text[:8192]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if "\x00" in sample or control > len(sample) * 0.05:
        raise InputError("the note looks like binary data, not text",
                         "give a plain-text note (UTF-8)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence ranges: at . ! ? ; before a capital, blank lines and new list items or headers."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith(".") and _ABBREV_BEFORE_DOT.search(text[max(0, match.start() - 8):
                                                                            match.start() + 1]):
            continue
        end = match.end()
        if text[start:end].strip():
            spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def read_note(text: str) -> Note:
    """Check ``text`` and find its sentences and de-identification markers.

    Raises:
        InputError: see :func:`check_text`.
    """
    check_text(text)
    masked = [(m.start(), m.end()) for m in _DEID.finditer(text)]
    return Note(text=text, sentences=split_sentences(text), masked=masked)
