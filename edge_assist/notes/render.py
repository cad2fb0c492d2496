"""Facts as note lines in clinical style: one line per problem or per kind, no speech copied.

Each helper takes the facts of one kind and returns :class:`Line` s: the text a clinician would
write ("Sore throat, runny nose and cough for 4 days.", "No chest pain, nausea or vomiting.",
"Mother: type 2 diabetes.", "Non-smoker; alcohol 2 units/week.") and the facts it was written
from, so the note line cites exactly their turns. A line holds nothing but the facts' texts,
their attributes and the connecting words of ``rules/clinical_style.toml``; a fact whose text is
empty or speech-like (a filler, a stutter, a dangling function word) is dropped, not repaired.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from edge_assist.errors import InputError

if TYPE_CHECKING:
    from edge_assist.extract.dialogue.types import Fact

_WORD = re.compile(r"[a-z0-9']+")
_FILLER = re.compile(r"\b(?:um+|uh+|uh-huh|mm-hmm|mhm|hmm+|er+m?|you know|i mean|kind of|sort of)\b",
                     re.IGNORECASE)
_STUTTER = re.compile(r"\b(\w+)(?:\s*,?\s+\1\b)+|\b\w+-(?=\s|$)", re.IGNORECASE)
_DANGLING = frozenset((  # noqa: SIM905 - a word list reads best as words
    "a an the and or but of to for with in on at by from that which who is are was were be "
    "my your his her their its our i you we so if then than as"
).split())
_SPACES = re.compile(r"\s+")


@dataclass
class Line:
    """One note line and the facts it states."""

    text: str
    facts: list[Fact] = field(default_factory=list)
    label: str = ""

    @property
    def turns(self) -> list[int]:
        """The union of its facts' turns, in order."""
        return sorted({i for f in self.facts for i in f.turns})


@cache
def style() -> dict[str, Any]:
    """``rules/clinical_style.toml``, checked for the tables the writer reads.

    Raises:
        InputError: a table is missing (a packaging bug).
    """
    text = (resources.files("edge_assist.notes") / "rules" / "clinical_style.toml").read_text("utf-8")
    data = tomllib.loads(text)
    missing = {"prefix", "assertion", "social", "plan", "attributes", "generic", "content_facts"} - set(data)
    if missing:
        raise InputError(f"clinical_style.toml lacks {sorted(missing)}", "reinstall edge-assist")
    return data


def usable(fact: Fact) -> bool:
    """A fact whose text reads as a note term: words, no filler, no stutter, no dangling end."""
    words = _WORD.findall(fact.text.lower())
    if not words or not fact.turns or _FILLER.search(fact.text) or _STUTTER.search(fact.text):
        return False
    return words[-1] not in _DANGLING and words[0] not in ("and", "or", "but", "so")


def tidy(text: str) -> str:
    """One space between words, a capital first letter, one full stop at the end."""
    text = _SPACES.sub(" ", text).strip(" ;,")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".?!" else text + "."


def join(items: Iterable[str], last: str = "and") -> str:
    """``a, b and c`` (``last`` = "or" for a list of negatives)."""
    items = list(dict.fromkeys(i for i in items if i))
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def _has(text: str, value: str) -> bool:
    return bool(value) and value.lower() in text.lower()


def with_attrs(text: str, attrs: dict[str, str], names: Iterable[str]) -> str:
    """``text`` followed by each named attribute it does not already contain."""
    for name in names:
        value = attrs.get(name, "").strip()
        if value and not _has(text, value):
            text = f"{text} {value}"
    return text


def _same(fact: Fact) -> str:
    return " ".join(_WORD.findall(fact.text.lower()))


# -- complaints ----------------------------------------------------------------------------------
def complaint_term(fact: Fact) -> str:
    """"right knee pain" from text "pain" with site "knee" and laterality "right"."""
    text, attrs = fact.text.strip(), fact.attrs
    site, side = attrs.get("site", "").strip(), attrs.get("laterality", "").strip()
    if site and not _has(text, site):
        text = f"{site} {text}"
    if side and not _has(text, side):
        text = f"{side} {text}"
    return text


def _timing(fact: Fact) -> str:
    duration, onset = fact.attrs.get("duration", "").strip(), fact.attrs.get("onset", "").strip()
    if duration:
        return duration if re.match(r"(?:for|since|over|x)\b", duration, re.IGNORECASE) else f"for {duration}"
    if onset:
        return onset if re.match(r"(?:since|after|from|on|at|while|when)\b", onset, re.IGNORECASE) \
            else f"since {onset.removesuffix(' ago')} ago" if onset.endswith("ago") else f"onset {onset}"
    return ""


def _modifiers(fact: Fact) -> list[str]:
    attrs = fact.attrs
    names = style()["attributes"]["complaint_qualifiers"]
    parts = [attrs[n].strip() for n in names if attrs.get(n, "").strip()]
    if attrs.get("aggravating", "").strip():
        parts.append(f"worse with {attrs['aggravating'].strip()}")
    if attrs.get("relieving", "").strip():
        parts.append(f"relieved by {attrs['relieving'].strip()}")
    if attrs.get("course", "").strip():
        parts.append(attrs["course"].strip())
    return parts


def complaints(facts: list[Fact]) -> list[Line]:
    """Positives grouped by shared timing in one line, each described complaint its own line,
    then one line of pertinent negatives ("No a, b or c.")."""
    present = [f for f in facts if f.assertion in ("present", "possible", "historical")]
    said = {_same(f) for f in present}
    absent = [f for f in facts if f.assertion == "absent" and _same(f) not in said]
    lines: list[Line] = []
    plain = [f for f in present if not _modifiers(f) and f.assertion == "present"]
    groups: dict[str, list[Fact]] = {}
    for fact in plain:
        groups.setdefault(_timing(fact), []).append(fact)
    clauses = [" ".join(filter(None, (join(complaint_term(f) for f in group), timing)))
               for timing, group in groups.items()]
    if plain:
        lines.append(Line(tidy("; ".join(clauses)), plain))
    for fact in (f for f in present if f not in plain):
        lines.append(Line(tidy(_described(fact)), [fact]))
    if absent:
        lines.append(Line(tidy("No " + join((complaint_term(f) for f in absent), "or")), absent))
    return lines


def _described(fact: Fact) -> str:
    term = complaint_term(fact)
    if fact.assertion == "possible":
        term = f"possible {term}"
    elif fact.assertion == "historical":
        term = f"{style()['assertion']['historical_complaint']} {term}"
    head = " ".join(filter(None, (term, _timing(fact))))
    mods = _modifiers(fact)
    return f"{head}: {', '.join(mods)}" if mods else head


def chief(facts: list[Fact], limit: int = 3) -> list[Line]:
    """The presenting complaint: the first present complaints' terms only ("Sore throat and cough.")."""
    chosen = [f for f in facts if f.assertion == "present"][:limit]
    return [Line(tidy(join(complaint_term(f) for f in chosen)), chosen)] if chosen else []


# -- history, family, social, medications, allergies --------------------------------------------
def history(facts: list[Fact]) -> list[Line]:
    """Past medical and surgical history in one line; denied conditions in another."""
    had = [f for f in facts if f.assertion in ("present", "historical")]
    unsure = [f for f in facts if f.assertion == "possible"]
    absent = [f for f in facts if f.assertion == "absent"]
    lines = []
    items = [with_attrs(f.text, {"when": f"({f.attrs['when']})"} if f.attrs.get("when") else {}, ["when"])
             for f in had] + [f"?{f.text}" for f in unsure]
    if items:
        lines.append(Line(tidy("; ".join(dict.fromkeys(items))), had + unsure))
    if absent:
        lines.append(Line(tidy(f"{style()['assertion']['absent_history']} "
                               f"{join((f.text for f in absent), 'or')}"), absent))
    return lines


def family(facts: list[Fact]) -> list[Line]:
    """One line per relative ("Mother: type 2 diabetes."), then denied family history."""
    relatives: dict[str, list[Fact]] = {}
    absent = []
    for fact in facts:
        if fact.assertion == "absent":
            absent.append(fact)
        elif fact.assertion != "hypothetical":
            who = fact.subject if fact.subject not in ("", "patient") else "family"
            relatives.setdefault(who, []).append(fact)
    lines = [Line(tidy(f"{who}: {join(_family_item(f) for f in group)}"), group)
             for who, group in relatives.items()]
    if absent:
        lead = style()["assertion"]["absent_family"]
        lines.append(Line(tidy(f"{lead} {join((f.text for f in absent), 'or')}"), absent))
    return lines


def _family_item(fact: Fact) -> str:
    prefix = "?" if fact.assertion == "possible" else ""
    return with_attrs(prefix + fact.text, fact.attrs, ["when"])


def social(facts: list[Fact]) -> list[Line]:
    """One line, topic by topic: "Non-smoker; alcohol 2 units/week; works as a teacher."."""
    table = style()["social"]
    order = {topic: i for i, topic in enumerate(table["order"])}
    ranked = sorted((f for f in facts if f.assertion != "hypothetical"),
                    key=lambda f: order.get(f.attrs.get("topic", ""), len(order)))
    items = [_social_item(f, table) for f in ranked]
    return [Line(tidy("; ".join(dict.fromkeys(items))), ranked)] if ranked else []


def _social_item(fact: Fact, table: dict[str, Any]) -> str:
    topic = fact.attrs.get("topic", "")
    if fact.assertion in ("absent", "historical"):
        words = table[fact.assertion].get(topic)
        if words and (_has(fact.text, topic) or _same(fact) in ("smoking", "alcohol", "drugs", topic)):
            return words
        return f"{'no' if fact.assertion == 'absent' else 'previous'} {fact.text}"
    return with_attrs(fact.text, fact.attrs, ["amount", "frequency"])


def medications(facts: list[Fact]) -> list[Line]:
    """One line: "Metformin 500 mg twice daily (adherent); lisinopril 20 mg." (stopped ones said so)."""
    generic = set(style()["generic"]["medication"])
    names = style()["attributes"]["medication"]
    taking = [f for f in facts if f.assertion not in ("absent", "hypothetical")]
    lines = []
    if taking:
        lines.append(Line(tidy("; ".join(dict.fromkeys(_med_item(f, names) for f in taking))), taking))
    absent = [f for f in facts if f.assertion == "absent"]
    specific = [f for f in absent if _same(f) not in generic]
    if specific:
        lines.append(Line(tidy("not taking " + join((f.text for f in specific), "or")), specific))
    elif absent and not taking:
        lines.append(Line(tidy("no regular medications"), absent))
    return lines


def _med_item(fact: Fact, names: list[str]) -> str:
    text = with_attrs(fact.text, fact.attrs, names)
    notes = [fact.attrs[n].strip() for n in ("adherence",) if fact.attrs.get(n, "").strip()]
    status = fact.attrs.get("status", "").strip()
    if status in ("stopped", "started") or fact.assertion == "historical":
        notes.append(status or "previously")
    return f"{text} ({', '.join(notes)})" if notes else text


def allergies(facts: list[Fact]) -> list[Line]:
    """"NKDA." when no drug allergy is said to exist, else "Penicillin (rash)"; one line."""
    generic = set(style()["generic"]["allergy"])
    known = [f for f in facts
             if f.assertion in ("present", "historical", "possible") and _same(f) not in generic]
    none = [f for f in facts if _same(f) == "nkda" or (f.assertion == "absent" and _same(f) in generic)]
    denied = [f for f in facts if f.assertion == "absent" and f not in none]
    items = [("?" if f.assertion == "possible" else "") + f.text
             + (f" ({f.attrs['reaction']})" if f.attrs.get("reaction") else "") for f in known]
    if none and not known:
        items.insert(0, "NKDA")
    items += [f"no {f.text} allergy" for f in denied]
    used = known + (none if not known else []) + denied
    return [Line(tidy("; ".join(items)), used)] if items else []


# -- exam, results, impression, plan --------------------------------------------------------------
def exam(facts: list[Fact]) -> list[Line]:
    """One line per site ("Throat: erythematous, no exudate."), site-less findings in one line."""
    names = style()["attributes"]["exam"]
    sites: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.assertion != "hypothetical":
            sites.setdefault(fact.attrs.get("site", "").strip(), []).append(fact)
    lines = []
    for site, group in sites.items():
        items = list(dict.fromkeys(_mark(f) + with_attrs(f.text, f.attrs, names) for f in group))
        headed = bool(site) and not any(_has(i, site) for i in items)
        lines.append(Line(tidy(f"{site}: {', '.join(items)}" if headed else "; ".join(items)), group))
    return lines


def _mark(fact: Fact) -> str:
    return {"absent": "no ", "possible": "?"}.get(fact.assertion, "")


def results(facts: list[Fact]) -> list[Line]:
    """One line: "Rapid strep test negative; CRP 12 mg/L (today)."."""
    names = style()["attributes"]["result"]
    kept = [f for f in facts if f.assertion != "hypothetical"]
    items = [("no " if f.assertion == "absent" else "") + with_attrs(f.text, f.attrs, names)
             + (f" ({f.attrs['when']})" if f.attrs.get("when") and not _has(f.text, f.attrs["when"]) else "")
             for f in kept]
    return [Line(tidy("; ".join(dict.fromkeys(items))), kept)] if kept else []


def impression(facts: list[Fact]) -> list[Line]:
    """One line: "Viral URTI / ?influenza; not strep throat." (uncertain diagnoses marked '?')."""
    mark = style()["assertion"]["possible"]
    named = [f for f in facts if f.assertion in ("present", "possible", "historical")]
    ruled_out = [f for f in facts if f.assertion == "absent"]
    items = [f"{mark}{f.text}" if f.assertion == "possible" else f.text for f in named]
    text = " / ".join(dict.fromkeys(items))
    if ruled_out:
        text = "; ".join(filter(None, (text, "not " + join((f.text for f in ruled_out), "or"))))
    return [Line(tidy(text), named + ruled_out)] if text else []


def plan(facts: list[Fact], by_topic: bool = False) -> list[Line]:
    """The plan topic by topic, in the style's order; one line, or one labelled line per topic."""
    table = style()["plan"]
    names = style()["attributes"]["plan"]
    topics: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.assertion != "absent":
            topics.setdefault(fact.attrs.get("topic", ""), []).append(fact)
    order = {t: i for i, t in enumerate(table["order"])}
    ranked = sorted(topics.items(), key=lambda kv: order.get(kv[0], len(order)))
    parts = [(topic, ", ".join(dict.fromkeys(with_attrs(f.text, f.attrs, names) for f in group)), group)
             for topic, group in ranked]
    if by_topic:
        labelled: dict[str, list[tuple[str, list[Fact]]]] = {}
        for topic, text, group in parts:
            labelled.setdefault(table["labels"].get(topic, ""), []).append((text, group))
        return [Line(tidy("; ".join(t for t, _ in items)), [f for _, g in items for f in g], label)
                for label, items in labelled.items()]
    if not parts:
        return []
    return [Line(tidy("; ".join(text for _, text, _ in parts)), [f for *_, g in parts for f in g])]


RENDERERS: dict[str, Callable[[list[Fact]], list[Line]]] = {
    "complaint": complaints, "history": history, "family": family, "social": social,
    "medication": medications, "allergy": allergies, "exam": exam, "result": results,
    "diagnosis": impression, "plan": plan,
}
"""Fact kind → the helper that writes its lines."""
