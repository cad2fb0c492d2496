"""Answers built from the evidence units that answer the question, quoted as written and cited.

retrieve chunks → widen each to its section → split into units (:mod:`~edge_assist.qa.units`)
→ score every unit (:mod:`~edge_assist.qa.scoring`) → gate: abstain unless the best unit
addresses the question's concept and population → compose a short answer from the best
units, each quoted verbatim with the number of the section that states it.

The gate's thresholds were set on the tune half of the hand-written clinical question set
(``tests/data/clinical_qa``; ``edge-assist eval clinical-qa``), never on its check half.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from edge_assist.index.store import EvidenceIndex
from edge_assist.index.types import SearchHit
from edge_assist.models.base import Embedder
from edge_assist.qa import scoring
from edge_assist.qa.scoring import Question, TermStats
from edge_assist.qa.units import Unit, split_units

SEARCH_K = 8  # chunks retrieved; their sections are the candidate evidence
MAX_SECTIONS = 5
PREFILTER = 28  # units embedded per question (the rest lose on words alone)
WORDS = 80  # the default answer's length limit
LONG_WORDS = 220
# Score weights and gate thresholds (tune half only; see docs/qa.md).
W_CONTEXT, W_UNIT, W_SIMILARITY, W_TYPE = 0.35, 0.25, 0.30, 0.10
GATE_COVERAGE = 0.44  # IDF-weighted share of the question's topic words in the unit and its headings
GATE_SIMILARITY = 0.30  # question-unit cosine (MiniLM)
GATE_SURE_COVERAGE = 0.6  # above it, the words alone show the unit is on the question
SECOND_WITHIN = 0.85
OTHER_POPULATION = 0.85
W_NUMBER = 0.08  # the unit states a number the question gives ("grade 4", "1.5 kg")
CODE_FACTOR = 0.85  # an algorithm block restates the text in arrows: the sentence is the better quote
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
CONCISE, LENGTH_COST = 30, 0.004  # words past which a unit pays for its length
_stats_lock = threading.Lock()
_STATS: dict[tuple[str, str, int, int], TermStats] = {}
_VECTORS: OrderedDict[tuple[str, str], Any] = OrderedDict()
_VECTOR_CACHE = 4096


@dataclass
class Section:
    """A cited section: the hit that found it and the section's whole text."""

    hit: SearchHit
    text: str
    units: list[Unit] = field(default_factory=list)

    @cached_property
    def heading(self) -> str:
        """``title > heading path``: what every unit of the section reads under."""
        return " > ".join(p for p in (self.hit.title, self.hit.section) if p)

    @cached_property
    def heading_keys(self) -> set[str]:
        return scoring.keys(self.heading)

    @cached_property
    def heading_populations(self) -> set[str]:
        return scoring.populations(self.heading)


@dataclass
class Scored:
    """A unit with its signals and score."""

    unit: Unit
    context_coverage: float
    unit_coverage: float
    type_match: float
    similarity: float = 0.0
    score: float = 0.0
    clash: bool = False


@dataclass
class Composed:
    """What the composer decided: the units shown, or why it abstained."""

    sections: list[Section]
    chosen: list[Scored]
    best: Scored | None
    abstained: bool
    reason: str = ""
    ranked: list[Scored] = field(default_factory=list)


def term_stats(index: EvidenceIndex, collection: str) -> TermStats:
    """The collection's key frequencies, computed once per content revision and kept in memory."""
    rev = index.revision(collection)
    ident = (index.path, collection, *rev)
    with _stats_lock:
        if ident not in _STATS:
            for old in [k for k in _STATS if k[:2] == ident[:2]]:
                del _STATS[old]
            _STATS[ident] = TermStats.build(index.chunk_texts(collection))
        return _STATS[ident]


def gather(question: str, index: EvidenceIndex, embedder: Embedder, collection: str) -> list[Section]:
    """The sections of the best chunks, each once, with their units."""
    hits = index.search(question, embedder, collection, k=SEARCH_K)
    sections: list[Section] = []
    seen: set[tuple[str, str]] = set()
    for hit in hits:
        ident = (hit.source, hit.section)
        if ident in seen:
            continue
        seen.add(ident)
        section = Section(hit, index.section_text(hit.chunk_id) or hit.text)
        section.units = split_units(section.text, section.heading, len(sections))
        sections.append(section)
        if len(sections) == MAX_SECTIONS:
            break
    return sections


def compose(question: str, index: EvidenceIndex, embedder: Embedder, collection: str,
            long: bool = False) -> Composed:
    """Score every unit of the retrieved sections, gate, and choose what to show."""
    sections = gather(question, index, embedder, collection)
    stats = term_stats(index, collection)
    q = Question.read(question, stats)
    scored = [_lexical(q, u, sections[u.source]) for s in sections for u in s.units]
    if not scored:
        return Composed(sections, [], None, True, "no evidence units")
    scored.sort(key=lambda s: -_prior(s))
    top = scored[:PREFILTER]
    _similarities(embedder, question, top)
    asked_numbers = set(_NUMBER.findall(question))
    for s in top:
        same_number = bool(asked_numbers & set(_NUMBER.findall(s.unit.shown)))
        s.score = (W_CONTEXT * s.context_coverage + W_UNIT * s.unit_coverage + W_SIMILARITY * s.similarity
                   + W_TYPE * s.type_match + W_NUMBER * same_number
                   - LENGTH_COST * max(0, _words(s.unit.shown) - CONCISE)
                   ) * (0.0 if s.clash else 1.0) * (CODE_FACTOR if s.unit.kind == "code" else 1.0)
    top.sort(key=lambda s: -s.score)
    best = top[0]
    reason = _gate(q, best)
    if reason:
        return Composed(sections, [], best, True, reason, top)
    return Composed(sections, _choose(top, long), best, False, "", top)


def _lexical(q: Question, unit: Unit, section: Section) -> Scored:
    unit_keys = scoring.keys(unit.shown)
    around = unit_keys | scoring.keys(unit.context) | section.heading_keys
    clash = scoring.population_clash(q, f"{unit.context} {unit.text}", section.heading_populations)
    fit = scoring.answer_type(q, unit.shown, unit.kind)
    # a unit about a population the question did not name (children, newborns, pregnancy) is a
    # worse answer to a general question than its general sibling row or sentence
    other = scoring.populations(f"{unit.shown} {unit.context}") - q.population - {"adult"}
    penalty = OTHER_POPULATION if other and not section.heading_populations & other else 1.0
    return Scored(unit, q.coverage(around) * penalty, q.coverage(unit_keys) * penalty, fit, clash=clash)


def _prior(s: Scored) -> float:
    return W_CONTEXT * s.context_coverage + W_UNIT * s.unit_coverage + W_TYPE * s.type_match


def _similarities(embedder: Embedder, question: str, scored: list[Scored]) -> None:
    """Question-unit cosines; unit vectors are kept (LRU) so a warm assistant embeds only the question."""
    import numpy as np

    texts = [f"{s.unit.context}: {s.unit.shown}" for s in scored]
    missing = [t for t in dict.fromkeys(texts) if (embedder.id, t) not in _VECTORS]
    vectors = embedder.embed_batch([question, *missing])
    qvec = np.asarray(vectors[0], dtype=np.float32)
    for text, vec in zip(missing, vectors[1:], strict=True):
        _VECTORS[(embedder.id, text)] = np.asarray(vec, dtype=np.float32)
        if len(_VECTORS) > _VECTOR_CACHE:
            _VECTORS.popitem(last=False)
    qn = float(np.linalg.norm(qvec)) or 1.0
    for s, text in zip(scored, texts, strict=True):
        vec = _VECTORS.get((embedder.id, text))
        if vec is None:  # evicted while this question was scored
            vec = np.asarray(embedder.embed_batch([text])[0], dtype=np.float32)
        s.similarity = max(0.0, float(vec @ qvec) / (qn * (float(np.linalg.norm(vec)) or 1.0)))


def _gate(q: Question, best: Scored) -> str:
    """Why the best unit does not answer the question ('' when it does)."""
    if not q.keys:
        return "the question names no clinical topic"
    if best.clash:
        return "the evidence is about another population"
    if q.unknown:
        return "the evidence never mentions " + ", ".join(q.unknown_words)
    if best.context_coverage < GATE_COVERAGE:
        return "no unit addresses the question's main concept"
    if best.similarity < GATE_SIMILARITY and best.context_coverage < GATE_SURE_COVERAGE:
        return "no unit is close enough to the question"
    return ""


def _choose(ranked: list[Scored], long: bool) -> list[Scored]:
    """The best unit, then close runners-up that add something, within the word limit."""
    limit = LONG_WORDS if long else WORDS
    best = ranked[0]
    chosen = [best]
    words = _words(best.unit.shown)
    for s in ranked[1:]:
        if len(chosen) >= (6 if long else 3):
            break
        if not long and s.score < SECOND_WITHIN * best.score:
            break
        if s.clash or _overlaps(s.unit, chosen) or words + _words(s.unit.shown) > limit:
            continue
        chosen.append(s)
        words += _words(s.unit.shown)
    return chosen


def _words(text: str) -> int:
    return len(text.split())


def _overlaps(unit: Unit, chosen: list[Scored]) -> bool:
    """Already shown, inside a list shown, or a list holding a unit shown."""
    for c in chosen:
        a, b = unit.shown.lower().rstrip("."), c.unit.shown.lower().rstrip(".")
        if a in b or b in a:
            return True
        if unit.source == c.unit.source and {unit.kind, c.unit.kind} == {"list", "item"}:
            items = unit if unit.kind == "item" else c.unit
            whole = c.unit if unit.kind == "item" else unit
            if items.text.rstrip(".;").lower() in whole.text.lower():
                return True
    return False
