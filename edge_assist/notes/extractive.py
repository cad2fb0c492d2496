"""The extractive writer: a section is its assigned sentences, rewritten into note style, within budget.

Why extractive by default: on two CPU cores a 0.5B model writes a full note in
minutes and paraphrases facts it was given; selecting what was said and only
changing person and fillers keeps every number, drug, side and negation as
spoken and takes milliseconds. ``max_words`` of the template's section bounds
the output: the most informative sentences (clinical cue words, numbers) are
kept, in the order they were said.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

from edge_assist.notes.assign import Unit, _phrases, complaint_phrase, cues
from edge_assist.notes.rewrite import (
    Pronouns,
    clean,
    clinician_to_note,
    patient_to_note,
    sentence_case,
    spoken_numbers,
)
from edge_assist.notes.templates import SectionSpec
from edge_assist.notes.types import NoteSentence

_WORD = re.compile(r"[a-z0-9']+")
_CHATTER = re.compile(r"\b(?:how are you|nice to meet|thank you|thanks|good morning|good afternoon|"
                      r"have a seat|sounds good|any questions|bye|take care|dax|nurse told you|"
                      r"good to see you|nice to see you|how are you doing|how have you been)\b"
                      r"|\b(?:move on to|moving on to|talk (?:a little )?about my|"
                      r"go over (?:some of )?(?:your|his|her|the) (?:results|exam)|"
                      r"look at (?:some of )?(?:your|his|her) results)\b",
                      re.IGNORECASE)
_PINNED = ("intro", "opener")
"""Unit kinds a section always keeps, whatever the word budget: the ACI note's opening lines."""


def write_section(spec: SectionSpec, units: list[Unit], pronouns: Pronouns) -> list[NoteSentence]:
    """The section's sentences from its units, rewritten, scored and cut to ``spec.max_words``."""
    if spec.content == ("complaint",) or (units and all(u.kind == "complaint" for u in units)):
        return _complaint(units, spec.max_words)
    candidates = []
    seen: set[str] = set()
    for unit in sorted(units, key=lambda u: u.order):
        text = _note_style(unit, pronouns)
        key = " ".join(_WORD.findall(text.lower()))
        if not text or key in seen or _CHATTER.search(text) or len(key.split()) < _min_words(unit):
            continue
        seen.add(key)
        unit.score = _informativeness(text) + (1000.0 if unit.kind in _PINNED else 0.0)
        candidates.append((unit, text))
    sentences = _within_budget(candidates, spec.max_words)
    if spec.labels:
        _label(sentences, spec.labels)
        intros = {text for unit, text in candidates if unit.kind == "intro"}
        for sentence in sentences:
            sentence.label = "" if sentence.text in intros else sentence.label
    return sentences


def _min_words(unit: Unit) -> int:
    """Shorter sentences are chatter ("okay then"), unless a dictated section name put them
    there: under "Assessment:", "Acute bronchitis." is the whole assessment."""
    return 1 if unit.heading else (2 if unit.polarity else 3)


@lru_cache(maxsize=4)
def _label_set(name: str) -> list[tuple[str, re.Pattern[str]]]:
    data = tomllib.loads((resources.files("edge_assist.notes") / "rules" / "labels.toml").read_text("utf-8"))
    return [(label, _phrases(phrases)) for label, phrases in data[name].items()]


def _label(sentences: list[NoteSentence], name: str) -> None:
    """Give each sentence the first label whose cue it contains; order groups by first appearance."""
    labels = _label_set(name)
    for sentence in sentences:
        sentence.label = next((lab for lab, rx in labels if rx.search(sentence.text)), "")
    if name == "plan_parts":
        for sentence in sentences:
            sentence.label = sentence.label or "Medical Reasoning"


def _note_style(unit: Unit, pronouns: Pronouns) -> str:
    text = spoken_numbers(clean(unit.text))
    if unit.polarity:
        return sentence_case(clinician_to_note(text, pronouns))
    if unit.speaker in ("patient", "other"):
        return sentence_case(patient_to_note(text, pronouns))
    return sentence_case(_terse(clinician_to_note(text, pronouns), unit.kind))


_EXAM_LEAD = re.compile(r"^(?:(?:on|for|with|in) (?:his|her|the patient's|their|your|the) [\w ]{0,25}?"
                        r"(?:exam|examination)\s*,?\s*)|\bI (?:do |can )?(?:appreciate|see|notice|hear|feel)"
                        r"\s+(?:that\s+)?", re.IGNORECASE)
_PLAN_LEAD = re.compile(r"^(?:(?:so|and|then|also)\s+)?(?:I (?:want|would like|'d like|am going|'m going) to|"
                        r"I'll|I will|we're going to|we are going to|we'll|we will|let's)"
                        r"\s+(?:go ahead and\s+)?",
                        re.IGNORECASE)
_DO_HAVE = re.compile(r"\b(he|she|the patient) do(?: not)? have\b", re.IGNORECASE)


def _terse(text: str, kind: str) -> str:
    """The clinician's lead-ins dropped, as a note states them.

    "On his heart exam, I appreciate a murmur" → "a murmur"; "I want to order
    an MRI" → "order an MRI". Only words before the finding go, never a fact.
    """
    text = _DO_HAVE.sub(lambda m: f"{m.group(1)} {'does not have' if 'not' in m.group() else 'has'}", text)
    if kind in ("exam", "results"):
        return _EXAM_LEAD.sub("", text, count=2).strip()
    if kind == "plan":
        return _PLAN_LEAD.sub("", text, count=1).strip()
    return text


def _complaint(units: list[Unit], max_words: int) -> list[NoteSentence]:
    if not units:
        return []
    phrase = complaint_phrase(units[0], max_words)
    return [NoteSentence(sentence_case(phrase), list(units[0].turns))] if phrase else []


def _informativeness(text: str) -> float:
    words = _WORD.findall(text.lower())
    clinical = sum(cues().hits(kind, text) for kind in ("ros", "exam", "results", "plan", "assessment"))
    numbers = sum(1 for w in words if any(c.isdigit() for c in w))
    return clinical * 2 + numbers * 2 + min(len(words), 25) * 0.2


def _within_budget(candidates: list[tuple[Unit, str]], max_words: int) -> list[NoteSentence]:
    ranked = sorted(range(len(candidates)), key=lambda i: -candidates[i][0].score)
    kept: set[int] = set()
    used = 0
    for i in ranked:
        n = len(candidates[i][1].split())
        if used + n <= max_words or not kept:
            kept.add(i)
            used += n
    return [NoteSentence(text, list(unit.turns)) for i, (unit, text) in enumerate(candidates) if i in kept]
