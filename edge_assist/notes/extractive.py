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

from edge_assist.notes.assign import Unit, _phrases, cues
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
                      r"have a seat|sounds good|any questions|bye|take care|dax|nurse told you)\b",
                      re.IGNORECASE)
_COMPLAINT_CUT = re.compile(r"\b(?:who|which|that|because|but|since|and i|so)\b|[,.?!;]", re.IGNORECASE)


def write_section(spec: SectionSpec, units: list[Unit], pronouns: Pronouns) -> list[NoteSentence]:
    """The section's sentences from its units, rewritten, scored and cut to ``spec.max_words``."""
    if spec.content == ("complaint",) or (units and all(u.kind == "complaint" for u in units)):
        return _complaint(units, spec.max_words)
    candidates = []
    seen: set[str] = set()
    for unit in sorted(units, key=lambda u: u.order):
        text = _note_style(unit, pronouns)
        key = " ".join(_WORD.findall(text.lower()))
        if not text or key in seen or _CHATTER.search(text) or len(key.split()) < (2 if unit.polarity else 3):
            continue
        seen.add(key)
        unit.score = _informativeness(text)
        candidates.append((unit, text))
    sentences = _within_budget(candidates, spec.max_words)
    if spec.labels:
        _label(sentences, spec.labels)
    return sentences


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
    return sentence_case(clinician_to_note(text, pronouns))


def _complaint(units: list[Unit], max_words: int) -> list[NoteSentence]:
    if not units:
        return []
    unit = units[0]
    match = cues().classes["complaint"].search(unit.text)
    rest = unit.text[match.end():] if match else unit.text
    rest = _COMPLAINT_CUT.split(clean(rest))[0]
    rest = re.sub(r"^(?:(?:of|for|a|an|the|her|his|their|your|my|evaluation of|some)\s+)+", "", rest.strip(),
                  flags=re.IGNORECASE)
    words = rest.split()[:max_words]
    if not words:
        return []
    return [NoteSentence(sentence_case(" ".join(words)), list(unit.turns))]


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
