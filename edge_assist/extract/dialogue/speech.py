"""The conversation as one text to scan: turns joined, split into sentences, and spoken-language helpers.

The lexicon scanners and ConText of :mod:`edge_assist.extract` work on one text; the turns are
joined with newlines into it (each sentence stays inside its turn), so every lexicon is matched
once per conversation, not once per turn. The helpers here read what is particular to speech:
fillers and backchannels, how an answer opens ("no", "nope", "yeah"), question sentences, and
number words ("four days" -> "4 days").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

from edge_assist.extract.dialogue.data import load
from edge_assist.extract.lexicon import alternation
from edge_assist.extract.text import Note

CLINICIAN = frozenset({"doctor", "dictation"})
_SENTENCE_END = re.compile(r"[.?!;]+(?=\s|$)")
_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")


class TurnLike(Protocol):
    """Anything with a turn's three fields (notes' ``Turn``, :class:`DialogueTurn`)."""

    @property
    def index(self) -> int: ...
    @property
    def speaker(self) -> str: ...
    @property
    def text(self) -> str: ...


@dataclass
class Sentence:
    """One sentence of one turn: ``doc.text[start:end]``."""

    turn: int          # the turn's index as the caller numbered it
    position: int      # the turn's position in the conversation (0, 1, 2 ...)
    speaker: str
    start: int
    end: int
    question: bool = False
    role: str = "history"  # history | exam | result | assessment | plan (clinician sentences)


@dataclass
class Doc:
    """The joined conversation, its sentences, and the :class:`Note` the scanners read."""

    note: Note
    sentences: list[Sentence]
    turn_speakers: list[str]
    turn_indices: list[int]
    _starts: list[int] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The joined text."""
        return self.note.text

    def sentence_index(self, offset: int) -> int:
        """Which sentence holds ``offset`` (binary search)."""
        return max(0, bisect_right(self._starts, offset) - 1)

    def words(self, sentence: Sentence) -> str:
        """The sentence lower-cased."""
        return self.text[sentence.start:sentence.end].lower()


def build(turns: Sequence[TurnLike]) -> Doc:
    """Join ``turns`` into one text and split each into sentences."""
    parts: list[str] = []
    sentences: list[Sentence] = []
    offset = 0
    for position, turn in enumerate(turns):
        text = " ".join(str(turn.text).split())
        speaker = str(turn.speaker)
        for start, end in _split(text):
            piece = text[start:end]
            sentences.append(Sentence(int(turn.index), position, speaker, offset + start, offset + end,
                                      question=is_question(piece)))
        parts.append(text)
        offset += len(text) + 1
    joined = "\n".join(parts)
    note = Note(text=joined, sentences=[(s.start, s.end) for s in sentences])
    return Doc(note, sentences, [str(t.speaker) for t in turns], [int(t.index) for t in turns],
               [s.start for s in sentences])


def _split(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if text[start:match.end()].strip(" .?!;,"):
            spans.append((start, match.end()))
        start = match.end()
    if text[start:].strip(" .?!;,"):
        spans.append((start, len(text)))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in spans]


@cache
def _speech() -> dict[str, re.Pattern[str]]:
    data = load("speech.toml")
    return {
        "filler": re.compile(rf"[\s,]*(?:{alternation(data['fillers'])})(?:[\s,.]+|$)", re.IGNORECASE),
        "backchannel": re.compile(rf"(?:(?:{alternation(data['backchannels'])})[\s,.!?]*)+", re.IGNORECASE),
        "negative": re.compile(rf"^(?:{alternation(data['negative_answers'])})(?=[\s,.!?;]|$)",
                               re.IGNORECASE),
        "affirmative": re.compile(rf"^(?:{alternation(data['affirmative_answers'])})(?=[\s,.!?;]|$)",
                                  re.IGNORECASE),
        "opener": re.compile(rf"^(?:{alternation(data['question_openers'])})\b", re.IGNORECASE),
    }


def stop_words() -> frozenset[str]:
    """Function words and fillers: never the first or last word of a clinical phrase."""
    return _stop_words()


@cache
def _stop_words() -> frozenset[str]:
    data = load("speech.toml")
    return frozenset(w for phrase in data["stop_words"] + data["fillers"] for w in phrase.split())


def strip_fillers(text: str) -> str:
    """``text`` without fillers, stutters ("t- taking", "your , your") or doubled spaces."""
    text = re.sub(r"\b\w{1,3}-\s+(?=\w)", "", text)  # cut-off word: "f- felt"
    text = _speech()["filler"].sub(" ", f" {text} ")
    text = re.sub(r"\b(\w+(?: \w+)?)(?:\s*,?\s+\1\b)+", r"\1", text, flags=re.IGNORECASE)  # repeats
    text = re.sub(r"\s+([,.?!])", r"\1", text)
    return " ".join(text.split()).strip(" ,")


def is_question(sentence: str) -> bool:
    """A question: ends with "?", or opens as a yes/no question does ("Any fever", "Do you smoke")."""
    stripped = sentence.strip()
    if stripped.endswith("?"):
        return True
    return bool(_speech()["opener"].match(strip_fillers(stripped.lower()))) and not stripped.endswith(".")


def is_backchannel(text: str) -> bool:
    """Whether ``text`` is only fillers and backchannels ("okay .", "mm-hmm", "um, yeah")."""
    rest = _speech()["backchannel"].sub("", " ".join(text.lower().split()))
    return not rest.strip(" .,!?;-")


def answer_polarity(text: str) -> str:
    """How an answer opens: ``"no"``, ``"yes"``, or ``""`` (neither, or the answer starts with content)."""
    head = strip_fillers(text.lower())
    speech = _speech()
    if speech["negative"].match(head):
        return "no"
    if speech["affirmative"].match(head):
        return "yes"
    return ""


def bare(text: str, polarity: str) -> bool:
    """Whether the answer's first clause is only the yes/no ("no .", "no, none of that", "nope")."""
    head = re.split(r"[,.;!?]|\bbut\b", strip_fillers(text.lower()), maxsplit=1)[0]
    pattern = _speech()["negative" if polarity == "no" else "affirmative"]
    return not pattern.sub("", head).strip()


@cache
def number_words() -> dict[str, int]:
    """Spoken numbers ("four", "a couple of") to their value."""
    return {k.lower(): v for k, v in load("speech.toml")["numbers"].items()}


def to_number(word: str) -> str:
    """``"four"`` -> ``"4"``, ``"a couple of"`` -> ``"2"``; digits unchanged; ``""`` when not a number."""
    word = " ".join(word.lower().split())
    if re.fullmatch(r"\d+(?:\.\d+)?", word):
        return word
    value = number_words().get(word)
    return str(value) if value is not None else ""


def content_words(text: str) -> list[str]:
    """The lower-case words of ``text``."""
    return _WORD.findall(text.lower())
