"""Criteria in a note, read one at a time with their ConText: present, absent, or not stated.

A criterion (a finding, a history item, a medication) is found by its spec ``patterns``
and qualified ConText-style (``rules/context.toml``): "no prior stroke" is a statement
that it is absent; "mother had a stroke" and "return if fever develops" say nothing of
the patient now, so the criterion stays not stated and the published rule for a missing
item applies (listed as an assumption, with the words that were passed over). Criteria
that count only when current (``rules/criteria.toml``: "current smoker", "active
cancer") are absent when the note gives them only as past ("former smoker", "in
remission"). Each answer carries its span and the reason, for the result's ``criteria``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from typing import Any

from edge_assist.calculators.note_text import criteria_rules, note_rules, sentence_bounds
from edge_assist.calculators.spec import InputSpec

_MODIFIERS = ("negated", "family", "hypothetical", "historical")


@dataclass
class _Found:
    """A value read from the note (``raw`` None: the note was read but states nothing usable)."""

    raw: Any
    start: int
    end: int
    why: str = ""
    assumed: bool = False


@cache
def _context_regexes() -> dict[str, Any]:
    context = note_rules()[1]
    compiled: dict[str, Any] = {"window": int(context["window"]),
                                "terminate": re.compile("|".join(context["terminate"]), re.I)}
    for modifier in _MODIFIERS:
        rules = context[modifier]
        compiled[modifier] = ([re.compile(p, re.I) for p in rules["before"]],
                              [re.compile(p, re.I) for p in rules["after"]])
    return compiled


def sentence_at(note: str, at: int) -> tuple[int, int]:
    """The bounds of the sentence holding offset ``at`` (the whole note if none)."""
    starts, ends = sentence_bounds(note)
    i = bisect_right(starts, at) - 1
    return (starts[i], ends[i]) if i >= 0 and at < ends[i] else (0, len(note))


def modifiers(note: str, start: int, end: int, name: str) -> dict[str, str]:
    """ConText: the modifiers (negated, family, hypothetical, historical) of the match at start:end.

    Each maps to the trigger's words. A trigger's scope is the rest of its sentence, up to
    ``window`` characters, cut at a terminator ("but", "however", "and has").
    """
    context = _context_regexes()
    window = context["window"]
    s0, s1 = sentence_at(note, start)
    before, after = note[max(s0, start - window):start], note[end:min(s1, end + window)]
    cuts = list(context["terminate"].finditer(before))
    before = before[cuts[-1].end():] if cuts else before
    cut = context["terminate"].search(after)
    after = after[:cut.start()] if cut else after
    found: dict[str, str] = {}
    for modifier in _MODIFIERS:
        if modifier == "family" and "family" in name:
            continue
        before_rules, after_rules = context[modifier]
        hit = next((m for r in before_rules for m in [r.search(before)] if m), None) or \
            next((m for r in after_rules for m in [r.search(after)] if m), None)
        if hit is not None:
            found[modifier] = hit.group().strip()
    return found


def affirmed(note: str, start: int, end: int, name: str) -> bool:
    """Whether the match at start:end is the patient's, now or in their history, and not denied."""
    return not (set(modifiers(note, start, end, name)) - {"historical"})


@dataclass
class _Mentions:
    present: _Found | None = None
    absent: _Found | None = None
    other: _Found | None = None  # a relative's, hypothetical, or only past for a current-only criterion


def _mentions(patterns: list[str], note: str, name: str, current: bool) -> _Mentions:
    """The first affirmed mention, the first negated one, and the first that says nothing of the patient."""
    out = _Mentions()
    for pattern in patterns:
        for m in re.finditer(pattern, note, re.IGNORECASE):
            mods, words = modifiers(note, m.start(), m.end(), name), m.group()
            if not current:
                mods.pop("historical", None)
            if not mods:
                out.present = _Found(True, m.start(), m.end(), f'the note says "{words}"')
                return out
            if set(mods) == {"negated"} and out.absent is None:
                out.absent = _Found(False, m.start(), m.end(), f'"{words}" is negated ("{mods["negated"]}")')
            elif set(mods) == {"historical"} and out.absent is None:
                out.absent = _Found(False, m.start(), m.end(),
                                    f'"{words}" is past, not current ("{mods["historical"]}"), '
                                    "and this criterion counts only when current")
            elif out.other is None and "negated" not in mods:
                kind = "a relative's" if "family" in mods else "hypothetical"
                trigger = mods.get("family") or mods.get("hypothetical") or ""
                out.other = _Found(None, m.start(), m.end(),
                                   f'"{words}" is {kind} ("{trigger}"), not the patient\'s now')
    return out


def criterion(spec: InputSpec, note: str, calc_id: str) -> _Found | None:
    """A bool criterion: affirmed patterns, else an affirmed finding against it, else the negations.

    Returns None when nothing was found; a ``_Found`` with ``raw`` None when the only mentions
    were a relative's or hypothetical (the criterion is not stated; its reason says why).
    """
    current = f"{calc_id}.{spec.name}" in criteria_rules()["current"]["inputs"]
    hit = _mentions(spec.patterns, note, spec.name, current)
    if hit.present is not None:
        return hit.present
    against = _mentions(spec.against, note, spec.name, False) if spec.against else _Mentions()
    if against.present is not None:
        found = against.present
        return _Found(False, found.start, found.end, f"{found.why}, which speaks against it")
    if hit.absent is not None:
        return hit.absent
    if against.absent is not None:
        found = against.absent
        return _Found(True, found.start, found.end, f"{found.why}, so it is taken as present")
    return hit.other


_GENERIC = ("none", "true", "false", "other", "normal", "absent")


def _choice_regexes(spec: InputSpec, calc_id: str) -> list[tuple[str, str, float]]:
    """(choice value, regex, points) for every phrase, alias and pattern of the choice input."""
    extra = criteria_rules()["choices"].get(f"{calc_id}.{spec.name}", {})
    out = []
    for choice in spec.choices:
        phrases = [rf"\b{re.escape(p)}\b" for p in (choice.value, *choice.aliases)
                   if len(p) >= 4 and p.lower() not in _GENERIC]
        for regex in (*phrases, *choice.patterns, *extra.get(choice.value, [])):
            out.append((choice.value, regex, choice.points))
    return out


def choice(spec: InputSpec, note: str, calc_id: str) -> _Found | None:
    """A choice named in the note; with ``patterns``, only in sentences that affirm them.

    The first option named wins, except for inputs listed in ``rules/criteria.toml`` as
    ``highest`` (an ECG read for the HEART score scores its most significant finding).
    """
    scopes, hits = [(0, len(note))], []
    if spec.patterns:
        hits = sorted((m for p in spec.patterns for m in re.finditer(p, note, re.IGNORECASE)
                       if affirmed(note, m.start(), m.end(), spec.name)), key=lambda m: m.start())
        scopes = [sentence_at(note, m.start()) for m in hits]
        if not scopes:
            return None
    highest = f"{calc_id}.{spec.name}" in criteria_rules()["highest"]["inputs"]
    best: tuple[tuple[float, int], _Found] | None = None
    for value, regex, points in _choice_regexes(spec, calc_id):
        for s0, s1 in sorted(set(scopes)):
            m = re.compile(regex, re.IGNORECASE).search(note, s0, s1)
            if m is None or not affirmed(note, m.start(), m.end(), spec.name):
                continue
            rank = (-points if highest else 0.0, m.start())
            if best is None or rank < best[0]:
                best = (rank, _Found(value, m.start(), m.end(), f'the note says "{m.group()}"'))
            break
    if best is not None and f"{calc_id}.{spec.name}={best[1].raw}" in criteria_rules()["assumed"]["options"]:
        found = best[1]
        found.assumed = True
        found.why += (f"; the words do not give the whole criterion, so {found.raw} (the least it can be) "
                      "is taken")
    if best is None and spec.if_mentioned and hits:
        first = hits[0]
        why = f'"{first.group()}" is named without a grade; taken as {spec.if_mentioned}'
        return _Found(spec.if_mentioned, first.start(), first.end(), why, assumed=True)
    return best[1] if best else None


def last_choice(spec: InputSpec, text: str) -> _Found | None:
    """The choice mentioned last in ``text`` (longest phrase at a place): "convert X to Y" -> Y."""
    best: _Found | None = None
    for option in spec.choices:
        for phrase in (option.value, *option.aliases):
            for m in re.finditer(rf"\b{re.escape(phrase)}\b", text, re.IGNORECASE):
                if best is None or (m.start(), m.end()) > (best.start, best.end):
                    best = _Found(option.value, m.start(), m.end(), f'the question says "{m.group()}"')
    return best


def sex(note: str) -> _Found | None:
    """The patient's sex from the words that name or refer to them, when one side clearly wins."""
    female = re.findall(r"\b(woman|female|girl|lady|she|her|mrs|ms|pregnant|gravida)\b", note, re.I)
    male = re.findall(r"\b(man|male|boy|gentleman|he|his|him|mr)\b", note, re.I)
    if len(female) == len(male):
        return None
    word = "female" if len(female) > len(male) else "male"
    first = re.search(r"\b(woman|female|girl|lady|man|male|boy|gentleman)\b", note, re.I)
    span = (first.start(), first.end()) if first else (0, 0)
    why = (f"{max(len(female), len(male))} words refer to a {'woman' if word == 'female' else 'man'}, "
           f"{min(len(female), len(male))} to the other sex")
    return _Found(word, *span, why=why)
