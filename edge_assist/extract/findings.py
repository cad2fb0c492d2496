"""Problems, procedures, allergies, abbreviations and sections: lexicon matching over the note.

Lexicons live in ``rules/clinical.json`` and ``rules/sections.json``. Problems
get ICD-10-CM suggestions: the lexicon's code, its official description from
``simple-icd-10-cm`` (loaded on first use; importing it takes ~3 s), or a code
whose description is exactly the problem phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from edge_assist.extract.lexicon import alternation, check_keys, load_lexicon
from edge_assist.extract.text import Note
from edge_assist.extract.types import Abbreviation, Code, Section, Span

ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
_CLINICAL_KEYS = {"allergens", "problems", "procedures", "procedure_suffixes", "reactions", "allergy_cues",
                  "no_allergy_phrases", "abbreviations"}


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
        short = [p for p in self.problems if len(p) <= 4]
        long = [p for p in self.problems if len(p) > 4]
        # Short forms ("PE", "MI", "DM") only in capitals: "pe" and "mi" are also words.
        self.problem_re = re.compile(f"(?i:{alternation(long)})|{alternation([s.upper() for s in short])}")
        suffixes = "|".join(data["procedure_suffixes"])
        self.procedure_re = re.compile(
            f"(?i:{alternation(data['procedures'])}|\\b[a-z]+(?:{suffixes})\\b)")
        self.reaction_re = re.compile(alternation(data["reactions"]), re.IGNORECASE)
        self.allergy_cue_re = re.compile("|".join(re.escape(c) for c in data["allergy_cues"]),
                                         re.IGNORECASE)
        self.allergen_re = re.compile(alternation(data["allergens"]), re.IGNORECASE)
        self.no_allergy_re = re.compile(alternation(data["no_allergy_phrases"]), re.IGNORECASE)
        self.abbreviations: dict[str, str] = data["abbreviations"]
        self.abbrev_re = re.compile(alternation(list(self.abbreviations), "-"), re.IGNORECASE)

    def find_problems(self, note: Note) -> list[Match]:
        """Problem and symptom mentions, longest first, outside de-identification markers."""
        out = []
        for m in self.problem_re.finditer(note.text):
            term, code, kind = self.problems[_norm(m.group())]
            if not note.is_masked(m.start(), m.end()):
                out.append(Match(m.start(), m.end(), term, kind, code))
        return out

    def find_procedures(self, note: Note) -> list[Match]:
        """Procedure mentions (lexicon, or words ending -ectomy, -plasty, -scopy ...)."""
        return [Match(m.start(), m.end(), _norm(m.group())) for m in self.procedure_re.finditer(note.text)
                if not note.is_masked(m.start(), m.end())]

    def find_abbreviations(self, note: Note) -> list[Abbreviation]:
        """Abbreviations whose expansion changes how the text reads (error-prone or ambiguous)."""
        return [Abbreviation(start=m.start(), end=m.end(), text=m.group(),
                             expansion=self.abbreviations[m.group().lower()])
                for m in self.abbrev_re.finditer(note.text)]


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
    """The section containing ``offset`` (None before the first header)."""
    for section in reversed(sections):
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


@lru_cache(maxsize=1)
def _icd() -> Any:
    import simple_icd_10_cm

    return simple_icd_10_cm


@lru_cache(maxsize=1)
def _descriptions() -> dict[str, str]:
    icd = _icd()
    return {_norm(icd.get_description(code)): code for code in icd.get_all_codes(with_dots=True)
            if icd.is_leaf(code)}


def icd10_suggestions(term: str, code: str = "") -> list[Code]:
    """ICD-10-CM suggestions for a problem: the lexicon code, else an exact description match."""
    icd = _icd()
    codes = [code] if code and icd.is_valid_item(code) else []
    exact = _descriptions().get(_norm(term))
    if exact and exact not in codes:
        codes.append(exact)
    return [Code(system=ICD10_SYSTEM, code=c, display=icd.get_description(c)) for c in codes]


def span(text: str, start: int, end: int) -> Span:
    """A :class:`Span` of ``text``."""
    return Span(start=start, end=end, text=text[start:end])


def _norm(phrase: str) -> str:
    return " ".join(phrase.lower().split())
