"""Problems, procedures, allergies, abbreviations and sections: lexicon matching over the note.

Lexicons live in ``rules/clinical.json`` and ``rules/sections.json``, and are
matched with :class:`~edge_assist.extract.scan.PhraseScanner` (the regex of
each lexicon, tried only where one of its phrases can start). Problems get
ICD-10-CM suggestions from :mod:`edge_assist.extract.icd10`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from edge_assist.extract.lexicon import alternation, check_keys, load_lexicon
from edge_assist.extract.lexicon import norm as _norm
from edge_assist.extract.scan import PhraseScanner
from edge_assist.extract.text import Note
from edge_assist.extract.types import Abbreviation, Section, Span

_CLINICAL_KEYS = {"allergens", "problems", "procedures", "procedure_suffixes", "reactions", "allergy_cues",
                  "no_allergy_phrases", "abbreviations", "short_words_any_case"}


@dataclass(frozen=True)
class Match:
    """A lexicon hit: span plus canonical value and extra info."""

    start: int
    end: int
    value: str
    kind: str = ""
    code: str = ""


class ClinicalLexicon:
    """Compiled problem, procedure, reaction, allergy and abbreviation vocabularies."""

    def __init__(self) -> None:
        data = load_lexicon("clinical.json", _CLINICAL_KEYS)
        self.problems: dict[str, tuple[str, str, str]] = {}
        for i, item in enumerate(data["problems"]):
            check_keys(f"clinical.json problem {i}", item, {"term", "code", "synonyms"}, {"kind"})
            entry = (item["term"], item["code"], item.get("kind", "problem"))
            for phrase in [item["term"], *item["synonyms"]]:
                self.problems[_norm(phrase)] = entry
        # Short forms ("PE", "MI", "DM") only in capitals: "pe" and "mi" are also words.
        # Plain short words listed in the data ("rash", "gout") match in any case.
        any_case = {_norm(w) for w in data.get("short_words_any_case", [])}
        short = [p for p in self.problems if len(p) <= 4 and p not in any_case]
        long = [p for p in self.problems if len(p) > 4 or p in any_case]
        self.problem_re = re.compile(f"(?i:{alternation(long)})|{alternation([s.upper() for s in short])}")
        self.problem_scan = PhraseScanner(self.problem_re, self.problems)
        suffixes = "|".join(data["procedure_suffixes"])
        self.procedure_re = re.compile(
            f"(?i:{alternation(data['procedures'])}|\\b[a-z]+(?:{suffixes})\\b)")
        self.procedure_scan = PhraseScanner(self.procedure_re, data["procedures"],
                                            [f"\\b[a-z]+(?:{suffixes})\\b"], re.IGNORECASE)
        self.reaction_re = re.compile(alternation(data["reactions"]), re.IGNORECASE)
        self.reaction_scan = PhraseScanner(self.reaction_re, data["reactions"])
        self.allergy_cue_re = re.compile("|".join(re.escape(c) for c in data["allergy_cues"]),
                                         re.IGNORECASE)
        self.allergen_re = re.compile(alternation(data["allergens"]), re.IGNORECASE)
        self.allergen_scan = PhraseScanner(self.allergen_re, data["allergens"])
        self.no_allergy_re = re.compile(alternation(data["no_allergy_phrases"]), re.IGNORECASE)
        self.no_allergy_scan = PhraseScanner(self.no_allergy_re, data["no_allergy_phrases"])
        self.abbreviations: dict[str, str] = data["abbreviations"]
        self.abbrev_re = re.compile(alternation(list(self.abbreviations), "-"), re.IGNORECASE)
        self.abbrev_scan = PhraseScanner(self.abbrev_re, self.abbreviations)

    def find_problems(self, note: Note) -> list[Match]:
        """Problem and symptom mentions, longest first, outside de-identification markers."""
        out = []
        for m in self.problem_scan.finditer(note.text, note.words):
            term, code, kind = self.problems[_norm(m.group())]
            if not note.is_masked(m.start(), m.end()):
                out.append(Match(m.start(), m.end(), term, kind, code))
        return out

    def find_procedures(self, note: Note) -> list[Match]:
        """Procedure mentions (lexicon, or words ending -ectomy, -plasty, -scopy ...)."""
        matches = self.procedure_scan.finditer(note.text, note.words)
        return [Match(m.start(), m.end(), _norm(m.group())) for m in matches
                if not note.is_masked(m.start(), m.end())]

    def find_abbreviations(self, note: Note) -> list[Abbreviation]:
        """Abbreviations whose expansion changes how the text reads (error-prone or ambiguous)."""
        return [Abbreviation(start=m.start(), end=m.end(), text=m.group(),
                             expansion=self.abbreviations[_norm(m.group())])
                for m in self.abbrev_scan.finditer(note.text, note.words)]


class Sectionizer:
    """Finds section headers at line starts ("HPI:", "Allergies:", "FAMILY HISTORY")."""

    def __init__(self) -> None:
        data = load_lexicon("sections.json", {"sections"}, {"attributes"})
        self.names = {_norm(p): name for name, phrases in data["sections"].items() for p in phrases}
        self.attributes: dict[str, str] = data.get("attributes", {})
        self.regex = re.compile(
            rf"^[ \t\-*•#]*(?P<h>{alternation(list(self.names))})[ \t]*(?::|$)",
            re.IGNORECASE | re.MULTILINE)

    def sections(self, text: str) -> list[Section]:
        """The note's sections, each running to the next header (or the end)."""
        heads = [(m.start("h"), m.end("h"), self.names[_norm(m.group("h"))])
                 for m in self.regex.finditer(text)]
        out = []
        for i, (start, end, name) in enumerate(heads):
            body_end = heads[i + 1][0] if i + 1 < len(heads) else len(text)
            out.append(Section(start=start, end=end, text=text[start:end], name=name, body_end=body_end))
        return out


def section_at(sections: list[Section], offset: int) -> Section | None:
    """The section containing ``offset`` (None before the first header).

    ``sections`` is in text order, as :meth:`Sectionizer.sections` gives it; the
    last one that contains ``offset`` wins. Binary search: a 1 MB note has
    thousands of sections and tens of thousands of findings.
    """
    i = bisect_right(sections, offset, key=lambda s: s.start)
    for section in reversed(sections[max(0, i - 1):i]):
        if section.body_end > offset:
            return section
    return _section_at_slow(sections[:max(0, i - 1)], offset)


def _section_at_slow(sections: list[Section], offset: int) -> Section | None:
    for section in reversed(sections):  # only reached when sections nest or overlap
        if section.start <= offset < section.body_end:
            return section
    return None


@lru_cache(maxsize=1)
def clinical_lexicon() -> ClinicalLexicon:
    """The shipped clinical lexicon (built once)."""
    return ClinicalLexicon()


@lru_cache(maxsize=1)
def sectionizer() -> Sectionizer:
    """The shipped sectionizer (built once)."""
    return Sectionizer()


def span(text: str, start: int, end: int) -> Span:
    """A :class:`Span` of ``text``."""
    return Span(start=start, end=end, text=text[start:end])

