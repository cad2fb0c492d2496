"""A symptom's attributes as said in a sentence: onset and duration, severity, character, course,
timing, site and laterality, and what relieves or aggravates it (OLDCARTS / SOCRATES).

Values are in note style: "for the past four days" -> duration "4 days"; "about a week ago" ->
onset "1 week ago" (and duration "1 week"); "seven out of ten" -> severity "7/10"; "it's getting
better" -> course "improving"; "ice helps" -> relieving "ice". Every value comes from a phrase
table in ``findings.toml`` or a number pattern, so no spoken fragment becomes a value.
"""

from __future__ import annotations

import re
from functools import cache

from edge_assist.extract.dialogue.data import load
from edge_assist.extract.dialogue.speech import number_words, to_number
from edge_assist.extract.lexicon import alternation, norm

_SPAN_WORDS = frozenset({"for", "about", "over", "past", "last", "in", "within", "almost", "nearly",
                         "around", "than", "like", "least", "maybe", "roughly"})
_CLAUSE = re.compile(r"[,;.]|\bbut\b|\band\b")


@cache
def _patterns() -> dict[str, object]:
    data = load("findings.toml")
    words = sorted(number_words(), key=len, reverse=True)
    number = rf"(?:\d+(?:\.\d+)?|{'|'.join(re.escape(w) for w in words)})"
    units = "|".join(data["duration_units"])
    groups = {name: _table(data[name]) for name in ("severity", "character", "course", "timing",
                                                     "sites", "laterality")}
    modifiers = {k: v for k, v in data["modifiers"].items() if not k.endswith("_cues")}
    return {
        "duration": re.compile(
            rf"(?<![\w-])(?<!every )(?<!each )(?<!per )(?:(?P<few>a few|few|several)\s+|(?P<n>{number})"
            rf"(?:\s*(?:to|-|or)\s*(?P<n2>{number}))?\s*)(?P<unit>{units})s?\b(?P<ago>\s+ago)?",
            re.IGNORECASE),
        "since": re.compile(r"\bsince (?P<when>yesterday|last night|this morning|last week|last month|"
                            r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|the weekend)\b|"
                            r"\b(?P<when2>yesterday|last night|this morning)\b", re.IGNORECASE),
        "score": re.compile(rf"\b(?P<n>{number})\s*(?:out of|/)\s*(?:10|ten)\b", re.IGNORECASE),
        "groups": groups,
        "modifiers": _table(modifiers),
        "relieving": re.compile(alternation(data["modifiers"]["relieving_cues"]), re.IGNORECASE),
        "aggravating": re.compile(alternation(data["modifiers"]["aggravating_cues"]), re.IGNORECASE),
    }


def _table(groups: dict[str, list[str]]) -> tuple[re.Pattern[str], dict[str, str]]:
    lookup = {norm(p): name for name, phrases in groups.items() for p in phrases}
    return re.compile(alternation(list(lookup)), re.IGNORECASE), lookup


def read(text: str) -> dict[str, str]:
    """The attributes found in ``text`` (one sentence), by name."""
    pats = _patterns()
    out: dict[str, str] = {}
    _timing(text, out)
    score = pats["score"].search(text)  # type: ignore[attr-defined]
    if score and to_number(score.group("n")):
        out["severity"] = f"{to_number(score.group('n'))}/10"
    groups: dict[str, tuple[re.Pattern[str], dict[str, str]]] = pats["groups"]  # type: ignore[assignment]
    for name, key in (("severity", "severity"), ("character", "character"), ("course", "course"),
                      ("timing", "frequency")):
        regex, lookup = groups[name]
        hit = regex.search(text)
        if hit and key not in out:
            out[key] = lookup[norm(hit.group())]
    for name in ("relieving", "aggravating"):
        value = _modifier(text, pats[name])  # type: ignore[arg-type]
        if value:
            out[name] = value
    return out


def _timing(text: str, out: dict[str, str]) -> None:
    pats = _patterns()
    for m in pats["duration"].finditer(text):  # type: ignore[attr-defined]
        amount = _amount(m)
        if not amount or not _is_span(text, m):
            continue
        unit = m.group("unit").lower()
        value = f"{amount} {unit}" + ("" if amount == "1" else "s")
        out.setdefault("duration", value)
        if m.group("ago"):
            out.setdefault("onset", f"{value} ago")
        return
    since = pats["since"].search(text)  # type: ignore[attr-defined]
    if since:
        when = (since.group("when") or since.group("when2")).lower()
        out.setdefault("onset", f"since {when}" if since.group("when") else when)


def _is_span(text: str, m: re.Match[str]) -> bool:
    """ "a day" is a span only after "for", "about", "in" ... or before "ago" (not "once a day")."""
    if (m.group("n") or "").lower() not in ("a", "an") or m.group("ago"):
        return True
    before = text[:m.start()].split()
    return bool(before) and before[-1].lower() in _SPAN_WORDS


def _amount(m: re.Match[str]) -> str:
    if m.group("few"):
        return "a few" if not m.group("n") else ""
    first = to_number(m.group("n") or "")
    if not first:
        return ""
    second = to_number(m.group("n2") or "")
    return f"{first}-{second}" if second else first


def _modifier(text: str, cue: re.Pattern[str]) -> str:
    """The modifier named in the clause of a relieving/aggravating cue ("ice helps", "worse when walking")."""
    hit = cue.search(text)
    if not hit:
        return ""
    start = max((m.end() for m in _CLAUSE.finditer(text, 0, hit.start())), default=0)
    end = next((m.start() for m in _CLAUSE.finditer(text, hit.end())), len(text))
    clause = text[start:end]
    regex, lookup = _patterns()["modifiers"]  # type: ignore[misc]
    found = [lookup[norm(m.group())] for m in regex.finditer(clause)]
    if not found and re.search(r"\bnothing\b", clause, re.IGNORECASE):
        return "nothing"
    return ", ".join(dict.fromkeys(found))


def site_in(text: str) -> tuple[str, str]:
    """The first body site in ``text`` and the laterality said just before it ("right foot")."""
    groups: dict[str, tuple[re.Pattern[str], dict[str, str]]] = _patterns()["groups"]  # type: ignore[assignment]
    regex, lookup = groups["sites"]
    hit = regex.search(text)
    if not hit:
        return "", ""
    side_re, sides = groups["laterality"]
    before = side_re.search(text[max(0, hit.start() - 12):hit.start()])
    return lookup[norm(hit.group())], sides[norm(before.group())] if before else ""
