"""Exact, fast ``finditer`` for big phrase alternations: try the regex only where a phrase can start.

Why: Python's ``re`` tries every branch of ``a|b|c|...`` at every character,
and each lexicon phrase sits behind its own ``(?<![\\w/-])`` guard, so the
429 ConText triggers alone cost ~25 ms on a 5k-character note (measured on 2
shared cores). A phrase built by :func:`~edge_assist.extract.lexicon.phrase_regex`
that starts with a letter or digit can only match at the start of a run of
word characters (its left guard says so). :class:`WordIndex` finds those
starts once per note, with the first three characters of each, lower-cased;
:class:`PhraseScanner` keeps the starts whose head begins one of its phrases
and calls ``regex.match`` only there. Branches that are not such phrases
(hand-written patterns, phrases starting with punctuation) are located with
one lookahead scan over just those branches.

The compiled regex is the very one that ``finditer`` would run, tried at
increasing positions, resuming at the end of each match, so the matches are
the same: the index only skips positions where no branch can begin. The regex
must not match the empty string (none of the lexicon regexes can).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator

_WORD_RUN = re.compile(r"\w+")
_HEAD = 3
_NON_ASCII = "\x00"  # the head of a word that is not ASCII: always a candidate (case folding is wider)


class WordIndex:
    """Where each run of word characters starts in a text, grouped by its first characters.

    Build it once per note and pass it to every scanner (tokenize once). A scanner
    then tests each distinct head once (a 5k note has ~800 words but ~400 heads,
    a 1 MB note ~170,000 words but a few thousand heads).

    Attributes:
        by_head: ``text[start:start + 3].lower()`` (or a marker for non-ASCII heads) ->
            the increasing offsets of the words that begin so.
    """

    __slots__ = ("by_head",)

    def __init__(self, text: str) -> None:
        self.by_head: dict[str, list[int]] = {}
        for m in _WORD_RUN.finditer(text):
            p = m.start()
            head = text[p:p + _HEAD]
            self.by_head.setdefault(head.lower() if head.isascii() else _NON_ASCII, []).append(p)


class PhraseScanner:
    """``regex.finditer(text)`` for a regex that is an alternation of phrases (and a few patterns).

    Args:
        regex: the compiled regex, exactly as it would be used with ``finditer``.
        phrases: the literal phrases whose regexes (from ``phrase_regex``) are branches of
            ``regex``; a match of such a branch starts where the phrase starts.
        patterns: the other branches, as regex source, each able to start a match.
        flags: the flags those ``patterns`` have inside ``regex``.

    Examples:
        >>> from edge_assist.extract.lexicon import alternation
        >>> words = ["no", "denies", "free of"]
        >>> scanner = PhraseScanner(re.compile(alternation(words), re.I), words)
        >>> [m.group() for m in scanner.finditer("Denies pain, no fever; free  of rash.")]
        ['Denies', 'no', 'free  of']
    """

    def __init__(self, regex: re.Pattern[str], phrases: Iterable[str], patterns: Iterable[str] = (),
                 flags: int = 0) -> None:
        self.regex = regex
        self._keys: tuple[set[str], ...] = tuple(set() for _ in range(_HEAD))
        self._keys[0].add(_NON_ASCII)
        others = list(patterns)
        for phrase in phrases:
            if phrase[:1].isalnum():
                self._add_key(phrase)
            elif phrase:
                others.append(f"(?i:{re.escape(phrase[0])})")  # no left guard: starts anywhere
        self.others = re.compile("(?=" + "|".join(f"(?:{p})" for p in others) + ")", flags) \
            if others else None

    def _add_key(self, phrase: str) -> None:
        head = phrase.split()[0][:_HEAD].lower()
        ascii_head = head[:next((i for i, ch in enumerate(head) if not ch.isascii()), len(head))]
        if ascii_head:
            self._keys[len(ascii_head) - 1].add(ascii_head)
        else:
            self._keys[0].update(chr(c) for c in range(128))  # every word start is a candidate

    def candidates(self, text: str, words: WordIndex | None = None, others: bool = True) -> list[int]:
        """Offsets, increasing, where a match may start (a superset of the real starts).

        Args:
            text: the text.
            words: its word index (built here when None).
            others: include where the non-phrase patterns match (False: phrase starts only).
        """
        words = words if words is not None else WordIndex(text)
        one, two, three = self._keys
        found = [p for h, offsets in words.by_head.items()
                 if h[:1] in one or h[:2] in two or h in three for p in offsets]
        if others and self.others is not None:
            found += (m.start() for m in self.others.finditer(text))
            return sorted(set(found))
        return sorted(found)

    def finditer(self, text: str, words: WordIndex | None = None) -> Iterator[re.Match[str]]:
        """The matches ``self.regex.finditer(text)`` gives, in order.

        Args:
            text: the text to scan.
            words: its :class:`WordIndex`, when the caller already has one.
        """
        match = self.regex.match
        resume = 0
        for p in self.candidates(text, words):
            if p < resume:
                continue
            m = match(text, p)
            if m is not None:
                yield m
                resume = max(m.end(), p + 1)


class RangeScanner:
    """``regex.finditer(text, pos, endpos)`` of a :class:`PhraseScanner`, for many ranges of one text.

    The allergy step asks for the reactions after each substance up to its line
    end; with one long line of allergies that was a scan of the rest of the line
    per substance (108 s for 100k characters). Here every candidate position is
    tried once per ``endpos`` (ranges sharing an ``endpos`` share the work), and
    a query follows the chain of matches by binary search, exactly as
    ``finditer`` resumes at the end of each match.
    """

    def __init__(self, scanner: PhraseScanner, text: str, words: WordIndex | None = None) -> None:
        self._scanner = scanner
        self._text = text
        self._words = words if words is not None else WordIndex(text)
        self._phrase_starts = scanner.candidates(text, self._words, others=False)
        self._hits: dict[int, tuple[int, list[int], list[re.Match[str]]]] = {}

    def finditer(self, pos: int, endpos: int) -> list[re.Match[str]]:
        """The matches of ``regex.finditer(text, pos, endpos)``, in order."""
        entry = self._hits.get(endpos)
        if entry is None or entry[0] > pos:
            entry = self._hits[endpos] = self._try_all(pos, endpos)
        _, starts, matches = entry
        out = []
        i = bisect_left(starts, pos)
        while i < len(starts):
            m = matches[i]
            out.append(m)
            i = bisect_left(starts, max(m.end(), starts[i] + 1), lo=i + 1)
        return out

    def _try_all(self, pos: int, endpos: int) -> tuple[int, list[int], list[re.Match[str]]]:
        lo, hi = bisect_left(self._phrase_starts, pos), bisect_left(self._phrase_starts, endpos)
        where = set(self._phrase_starts[lo:hi])
        if self._scanner.others is not None:
            where.update(m.start() for m in self._scanner.others.finditer(self._text, pos, endpos))
        match = self._scanner.regex.match
        found = [m for p in sorted(where) if (m := match(self._text, p, endpos)) is not None]
        return pos, [m.start() for m in found], found


class Intervals:
    """Half-open ranges answering "is any of them around this?" in O(log n), for 1 MB notes.

    Replaces ``any(... for s, e in ranges)`` scans, which made extraction quadratic
    in the number of findings (11 s of 29 s on a 1 MB note). Ranges may overlap
    and come in any order; the answers are exactly those of the linear scans.

    Examples:
        >>> spans = Intervals([(10, 20), (0, 5)])
        >>> spans.covers(12, 20), spans.covers(4, 6), spans.overlaps(4, 6), spans.holds(20)
        (True, False, True, False)
    """

    __slots__ = ("_max_end", "_starts")

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(ranges)
        self._starts = [s for s, _ in ordered]
        self._max_end: list[int] = []
        top = -1
        for _, end in ordered:
            top = max(top, end)
            self._max_end.append(top)  # the furthest end among ranges starting at or before here

    def _furthest(self, i: int) -> int:
        return self._max_end[i - 1] if i > 0 else -1

    def covers(self, start: int, end: int) -> bool:
        """Whether some range has ``s <= start`` and ``end <= e``."""
        return self._furthest(bisect_right(self._starts, start)) >= end

    def holds(self, offset: int) -> bool:
        """Whether some range has ``s <= offset < e``."""
        return self._furthest(bisect_right(self._starts, offset)) > offset

    def overlaps(self, start: int, end: int) -> bool:
        """Whether some range has ``s < end`` and ``start < e``."""
        return self._furthest(bisect_left(self._starts, end)) > start
