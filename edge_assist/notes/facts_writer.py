"""The facts writer: a template's sections written from the encounter's facts, never from its speech.

Why from facts: a note that copies turns keeps the fillers, the fragments and the doctor's
spoken hedges, and a "no" two turns away is lost. The fact layer
(:func:`edge_assist.extract.dialogue.read_facts`) has already read who has what, negated or not;
this module only decides where each fact goes (the template's ``facts`` selectors) and how it
reads (:mod:`edge_assist.notes.render`). Every line cites the union of its facts' turns and
carries the facts themselves, so a reviewer sees why it is there.

Nothing is written that no fact carries: a section without facts stays empty, and no
templated sentence ("the patient agrees with the plan") is ever added.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from edge_assist.notes import render
from edge_assist.notes.render import Line
from edge_assist.notes.templates import SectionSpec, Template
from edge_assist.notes.types import NoteSection, NoteSentence

if TYPE_CHECKING:
    from edge_assist.extract.dialogue.types import Fact

def selectors(spec: SectionSpec) -> list[tuple[str, frozenset[str]]]:
    """The section's (kind, assertions) pairs; an empty set of assertions takes them all."""
    chosen = spec.facts or tuple(s for c in spec.content for s in render.style()["content_facts"].get(c, []))
    pairs = []
    for selector in dict.fromkeys(chosen):
        kind, _, wanted = selector.partition(":")
        pairs.append((kind, frozenset(filter(None, wanted.split(",")))))
    return pairs


def section_facts(spec: SectionSpec, facts: list[Fact]) -> dict[str, list[Fact]]:
    """The facts a section takes, by kind in the section's order (each fact once)."""
    chosen: dict[str, list[Fact]] = {}
    for kind, wanted in selectors(spec):
        bucket = chosen.setdefault(kind, [])
        bucket += [f for f in facts if f.kind == kind and (not wanted or f.assertion in wanted)
                   and render.usable(f) and f not in bucket]
    return {k: v for k, v in chosen.items() if v}


def write_sections(template: Template, facts: list[Fact], abbrev: bool = False) -> list[NoteSection]:
    """Every section of ``template`` from ``facts``: lines in clinical style, each citing its facts.

    Args:
        template: the note template; its sections' ``facts`` selectors say what goes where.
        facts: from :func:`edge_assist.extract.dialogue.read_facts`, in encounter order.
        abbrev: write common clinical abbreviations (``rules/abbreviations.toml``).

    Examples:
        >>> from edge_assist.extract.dialogue.types import Fact
        >>> from edge_assist.notes.templates import load_template
        >>> facts = [Fact("complaint", "cough", attrs={"duration": "4 days"}, turns=[1]),
        ...          Fact("complaint", "chest pain", "absent", turns=[2, 3])]
        >>> write_sections(load_template("soap"), facts)[0].text
        'Cough for 4 days. No chest pain.'
    """
    return [write_section(spec, facts, abbrev) for spec in template.sections]


def write_section(spec: SectionSpec, facts: list[Fact], abbrev: bool = False) -> NoteSection:
    """One section: its facts rendered, prefixed where kinds mix, labelled, within its word budget."""
    chosen = section_facts(spec, facts)
    lines = render.chief(chosen.get("complaint", [])) if spec.style == "brief" else _lines(chosen, spec)
    sentences = [NoteSentence(abbreviate(ln.text) if abbrev else ln.text, ln.turns, writer="facts",
                              label=ln.label, facts=list(ln.facts)) for ln in _within(lines, spec.max_words)]
    return NoteSection(spec.key, spec.title, sentences)


def _lines(chosen: dict[str, list[Fact]], spec: SectionSpec) -> list[Line]:
    prefixes = render.style()["prefix"]
    mixed = len(chosen) > 1
    lines: list[Line] = []
    for kind, facts in chosen.items():
        if kind == "plan":
            made = render.plan(facts, by_topic=spec.labels == "plan_parts")
        elif kind == "family" and mixed:
            made = _family_inline(facts)
        elif spec.labels == "systems":
            made = _by_system(kind, facts)
        else:
            made = render.RENDERERS[kind](facts)
        prefix = prefixes.get(kind, "") if mixed and not spec.labels else ""
        for line in made:
            if prefix and not _HEADED.match(line.text):
                body = line.text[0].lower() + line.text[1:] if _lower_ok(line.text) else line.text
                line.text = f"{prefix}: {body}"
        lines += made
    return lines


def _by_system(kind: str, facts: list[Fact]) -> list[Line]:
    """A review of systems or an exam as one labelled line per body system ("Respiratory: No cough.")."""
    from edge_assist.notes.extractive import _label_set

    systems = _label_set("systems")
    groups: dict[str, list[Fact]] = {}
    for fact in facts:
        words = " ".join((fact.attrs.get("site", ""), render.complaint_term(fact)))
        groups.setdefault(next((lab for lab, rx in systems if rx.search(words)), ""), []).append(fact)
    lines = []
    for label, group in groups.items():
        for line in render.RENDERERS[kind](group):
            line.label = label
            lines.append(line)
    return lines


_HEADED = re.compile(r"^[A-Z][\w /-]{0,30}: ")


def _lower_ok(text: str) -> bool:
    """"Cough" may become "cough" after a prefix; "NKDA", "CRP 12" or "?URTI" keep their case."""
    word = text.split(" ", 1)[0]
    return word[:1].isupper() and word[1:].islower()


def _family_inline(facts: list[Fact]) -> list[Line]:
    """Inside a mixed section family history is one line: "type 2 diabetes (mother); asthma (sister)"."""
    present = [f for f in facts if f.assertion not in ("absent", "hypothetical")]
    items = [f"{'?' if f.assertion == 'possible' else ''}{f.text}"
             + (f" ({f.subject})" if f.subject not in ("", "patient", "family") else "") for f in present]
    lines = [Line(render.tidy("; ".join(dict.fromkeys(items))), present)] if present else []
    absent = [f for f in facts if f.assertion == "absent"]
    return lines + render.family(absent)


def _within(lines: list[Line], max_words: int) -> list[Line]:
    """Lines in order until the budget is spent (the first always kept); a fact line is short, so
    this bounds only a runaway input, never an ordinary encounter."""
    kept, used = [], 0
    for line in lines:
        n = len(line.text.split())
        if kept and used + n > max_words * 2:
            break
        kept.append(line)
        used += n
    return kept


@cache
def _abbreviations() -> tuple[re.Pattern[str], dict[str, str]]:
    text = (resources.files("edge_assist.notes") / "rules" / "abbreviations.toml").read_text("utf-8")
    table = {k.lower(): v for k, v in tomllib.loads(text)["abbreviations"].items()}
    ordered = sorted(table, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(p) for p in ordered) + r")(?![\w-])",
                      re.IGNORECASE), table


def abbreviate(text: str) -> str:
    """Common clinical phrases as their abbreviations: "twice daily" -> "BD", "shortness of breath" -> "SOB".

    Examples:
        >>> abbreviate("Metformin 500 mg twice daily; no shortness of breath.")
        'Metformin 500 mg BD; no SOB.'
    """
    pattern, table = _abbreviations()
    return pattern.sub(lambda m: table[m.group().lower()], text)
