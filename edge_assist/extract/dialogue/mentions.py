"""Clinical terms in the conversation: the written-note lexicon plus the spoken phrases of ``findings.toml``.

Problems and symptoms come from :func:`edge_assist.extract.findings.clinical_lexicon` (one pass
over the joined conversation); ``findings.toml`` adds lay phrases ("throwing up" -> vomiting) and
site-specific pain ("my right knee hurts" -> knee pain, site knee, laterality right). Where two
hits overlap the longer wins (a lay phrase on a tie).

A mention's ``text`` is how a clinician writes it: the lexicon's term, except where the term is
more specific than what was said ("diabetes" stays "diabetes", not "type 2 diabetes mellitus").
``concept`` is the lexicon term, what ``extract`` calls the finding's ``normalized`` value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from edge_assist.extract.context import ConText
from edge_assist.extract.dialogue.data import extra_context_rules, load
from edge_assist.extract.dialogue.speech import Doc
from edge_assist.extract.dialogue.types import Assertion as FactAssertion
from edge_assist.extract.findings import clinical_lexicon
from edge_assist.extract.lexicon import alternation, context_rules, norm
from edge_assist.extract.types import Assertion

_SITE_GAP = 3  # words between a site and its pain word ("lower back is really sore")


@dataclass(frozen=True)
class Mention:
    """A clinical term in the joined text."""

    start: int
    end: int
    text: str
    concept: str
    kind: str  # "symptom" | "problem"
    site: str = ""
    laterality: str = ""


@cache
def _tables() -> dict[str, object]:
    data = load("findings.toml")
    terms = {norm(p): t["text"] for t in data["terms"] for p in t["phrases"]}
    sites = {norm(p): site for site, phrases in data["sites"].items() for p in phrases}
    sides = {norm(p): side for side, phrases in data["laterality"].items() for p in phrases}
    pain = alternation(data["pain_words"])
    site_re = alternation(list(sites))
    side_re = alternation(list(sides))
    gap = rf"(?:\s+[a-z']+){{0,{_SITE_GAP}}}?"
    return {
        "terms": terms, "sites": sites, "sides": sides,
        "term_re": re.compile(alternation(list(terms)), re.IGNORECASE),
        # "right knee pain", "my lower back hurts", "pain in my left shoulder", "sore back"
        "site_pain": re.compile(
            rf"(?:(?P<side1>{side_re})\s+)?(?P<site1>{site_re}){gap}\s+(?P<pain1>{pain})"
            rf"|(?P<pain2>{pain})\s+(?:in|on|at|around)\s+(?:my|your|the|his|her)?\s*"
            rf"(?:(?P<side2>{side_re})\s+)?(?P<site2>{site_re})", re.IGNORECASE),
    }


def find(doc: Doc) -> list[Mention]:
    """Every clinical-term mention, non-overlapping, in text order."""
    lex = clinical_lexicon()
    tables = _tables()
    found: list[tuple[int, Mention]] = []
    for m in lex.find_problems(doc.note):
        said = norm(doc.text[m.start:m.end])
        found.append((0, Mention(m.start, m.end, _display(said, m.value), m.value,
                                 "symptom" if m.kind == "symptom" else "problem")))
    terms: dict[str, str] = tables["terms"]  # type: ignore[assignment]
    for m in tables["term_re"].finditer(doc.text):  # type: ignore[attr-defined]
        value = terms[norm(m.group())]
        concept = lex.problems.get(norm(value), (value,))[0]
        found.append((1, Mention(m.start(), m.end(), value, concept, "symptom")))
    found += [(2, mention) for mention in _site_pains(doc)]
    return _longest(found)


def _site_pains(doc: Doc) -> list[Mention]:
    tables = _tables()
    sites: dict[str, str] = tables["sites"]  # type: ignore[assignment]
    sides: dict[str, str] = tables["sides"]  # type: ignore[assignment]
    lex = clinical_lexicon()
    out = []
    for m in tables["site_pain"].finditer(doc.text):  # type: ignore[attr-defined]
        if "\n" in m.group():
            continue
        site = sites[norm(m.group("site1") or m.group("site2"))]
        side = m.group("side1") or m.group("side2")
        text = "sore throat" if site == "throat" else f"{site} pain"
        concept = lex.problems.get(norm(text), (text,))[0]
        if site == "lower back":
            concept = lex.problems.get("back pain", (text,))[0]
        out.append(Mention(m.start(), m.end(), text, concept, "symptom", site,
                           sides[norm(side)] if side else ""))
    return out


def _display(said: str, term: str) -> str:
    """The term, unless it is more specific than what was said, or what was said is an abbreviation."""
    said_words, term_words = set(said.split()), set(term.split())
    if len(said) <= 4 and said.isalpha() and said != term:
        return term  # "sob", "cp", "htn": write the term
    if said_words < term_words:
        return said  # "diabetes" is not "type 2 diabetes mellitus"
    return term


def _longest(found: list[tuple[int, Mention]]) -> list[Mention]:
    chosen: list[Mention] = []
    for _, mention in sorted(found, key=lambda f: (-(f[1].end - f[1].start), -f[0], f[1].start)):
        if all(mention.end <= c.start or mention.start >= c.end for c in chosen):
            chosen.append(mention)
    return sorted(chosen, key=lambda m: m.start)


@cache
def context() -> ConText:
    """ConText over the written-note triggers plus the spoken ones of ``speech.toml``."""
    return ConText(rules=(*context_rules(), *extra_context_rules()))


class Asserter:
    """ConText over the joined conversation, within one sentence at a time."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.triggers = context().triggers(doc.text, doc.note.words)

    def __call__(self, start: int, end: int) -> Assertion:
        """The ConText attributes of ``doc.text[start:end]`` in its sentence."""
        sentence = self.doc.sentences[self.doc.sentence_index(start)]
        return context().assert_span(self.triggers, self.doc.text, (sentence.start, sentence.end),
                                     start, end)


def assertion_of(found: Assertion) -> FactAssertion:
    """A ConText result as a fact's assertion (family is decided by :mod:`history`, not here)."""
    if found.is_negated:
        return "absent"
    if found.is_hypothetical:
        return "hypothetical"
    if found.is_uncertain:
        return "possible"
    if found.is_historical:
        return "historical"
    return "present"
