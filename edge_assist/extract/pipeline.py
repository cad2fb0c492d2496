"""The extraction pipeline: read the note, run each rule-based extractor, assert, merge.

Order matters only in one place: allergies claim their drug mentions first,
so "allergic to penicillin" is not also a medication the patient takes. Every
finding's assertion comes from the same ConText pass over the whole note, then
section semantics are added (a problem under "Family history" is_family). The
optional LLM step (:mod:`edge_assist.extract.llm`) runs last and only adds.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from edge_assist.errors import EdgeAssistError
from edge_assist.extract import findings as fx
from edge_assist.extract.context import default_context
from edge_assist.extract.icd10 import CodeIndex, has_icd_collection, icd10_suggestions, index_suggestions
from edge_assist.extract.measurements import as_dict, measurement_finder
from edge_assist.extract.medications import STATUS_LABELS, Tag, default_tagger, drug_info
from edge_assist.extract.scan import Intervals, RangeScanner
from edge_assist.extract.text import Note, read_note
from edge_assist.extract.types import (
    Allergy,
    Assertion,
    Code,
    ExtractionResult,
    Measurement,
    Medication,
    Problem,
    Procedure,
    Section,
    Span,
)
from edge_assist.logs import PatientText, get_logger

if TYPE_CHECKING:
    from edge_assist.models.base import ChatModel

log = get_logger("extract")
Asserter = Callable[[int, int], tuple[Assertion, str]]
_STATUS = {"start": "started", "continue": "continued", "use": "active", "change": "changed",
           "stop": "stopped"}


def extract(text: str, *, llm: ChatModel | None = None, index: CodeIndex | None = None,
            embedder: Callable[[], Any] | None = None, icd_k: int = 3) -> ExtractionResult:
    """Extract problems, medications, allergies, vitals, labs and procedures from ``text``.

    Args:
        text: the note exactly as written; every offset in the result points into it.
        llm: a chat model to fill medication details the rules missed (optional; greedy,
            so the same note and model give the same result).
        index: an evidence index; when it has the ``icd10cm`` collection, problems the
            shipped lookup leaves uncoded get ``icd_k`` codes from a search (source "index").
        embedder: called (once, only if the index is searched) for the embedder that makes
            the search hybrid; None, or a failure to load, searches by BM25 alone.
        icd_k: index suggestions per uncoded problem.

    Raises:
        InputError: empty, binary or oversized text.

    Examples:
        >>> r = extract("Allergies: penicillin (rash).\\nBP 150/95, HR 88.")
        >>> r.allergies[0].substance, r.vitals[0].abnormal
        ('Penicillin', 'H')
    """
    note = read_note(text)
    log.debug("extracting from %s", PatientText(text))
    sections = fx.sectionizer().sections(text)
    asserter = _asserter(note, sections)
    result = ExtractionResult(text_length=len(text), sections=sections)
    tags = default_tagger().tag(note)
    result.allergies, claimed = _allergies(note, sections, tags, asserter)
    result.medications = _medications(note, [t for t in tags if (t.start, t.end) not in claimed],
                                      asserter)
    result.procedures = _procedures(note, asserter)
    claimed |= {(p.start, p.end) for p in result.procedures}
    result.problems = _problems(note, asserter, claimed)
    if index is not None:
        _index_codes(result, index, embedder, icd_k)
    result.vitals, result.labs = _measurements(note, asserter)
    result.abbreviations = fx.clinical_lexicon().find_abbreviations(note)
    if note.masked:
        result.warnings.append(f"{len(note.masked)} de-identification marker(s) left as written; "
                               "no finding is read from inside one")
    if llm is not None:
        from edge_assist.extract.llm import fill_medications

        fill_medications(note, result, llm)
    return result


def _asserter(note: Note, sections: list[Section]) -> Asserter:
    ctx = default_context()
    triggers = ctx.triggers(note.text, note.words)
    attributes = fx.sectionizer().attributes

    def assert_at(start: int, end: int) -> tuple[Assertion, str]:
        assertion = ctx.assert_span(triggers, note.text, note.sentence_at(start), start, end)
        section = fx.section_at(sections, start)
        name = section.name if section else "unknown"
        if name in attributes:
            setattr(assertion, attributes[name], True)
        return assertion, name

    return assert_at


def _span(note: Note, start: int, end: int) -> Span:
    return Span(start=start, end=end, text=note.text[start:end])


def _problems(note: Note, asserter: Asserter, claimed: set[tuple[int, int]]) -> list[Problem]:
    out = []
    taken = Intervals(claimed)
    for m in fx.clinical_lexicon().find_problems(note):
        if taken.covers(m.start, m.end):
            continue  # a reaction inside an allergy or part of a procedure name, not a problem
        assertion, section = asserter(m.start, m.end)
        out.append(Problem(start=m.start, end=m.end, text=note.text[m.start:m.end], section=section,
                           assertion=assertion, kind=m.kind, normalized=m.value,  # type: ignore[arg-type]
                           icd10=icd10_suggestions(m.value, m.code)))
    return out


def _index_codes(result: ExtractionResult, index: CodeIndex,
                 embedder: Callable[[], Any] | None, k: int) -> None:
    """Index suggestions for uncoded problems; an index failure is a warning, never an error."""
    uncoded = [p for p in result.problems if not p.icd10]
    if not uncoded:
        return
    try:
        if not has_icd_collection(index):
            return
        model = _load_embedder(embedder, result)
        found: dict[str, list[Code]] = {}
        for problem in uncoded:
            if problem.normalized not in found:
                found[problem.normalized] = index_suggestions(index, problem.normalized, model, k)
            problem.icd10 = [c.model_copy() for c in found[problem.normalized]]
    except EdgeAssistError as exc:
        result.warnings.append(f"ICD-10-CM index search skipped: {exc}")


def _load_embedder(embedder: Callable[[], Any] | None, result: ExtractionResult) -> Any:
    try:
        return embedder() if embedder is not None else None
    except EdgeAssistError as exc:
        result.warnings.append(f"ICD-10-CM index searched by keywords only (no embedder: {exc})")
        return None


def _procedures(note: Note, asserter: Asserter) -> list[Procedure]:
    out = []
    for m in fx.clinical_lexicon().find_procedures(note):
        assertion, section = asserter(m.start, m.end)
        out.append(Procedure(start=m.start, end=m.end, text=note.text[m.start:m.end], section=section,
                             assertion=assertion, normalized=m.value))
    return out


def _measurements(note: Note, asserter: Asserter) -> tuple[list[Measurement], list[Measurement]]:
    vitals, labs = [], []
    for reading in measurement_finder().find(note):
        assertion, section = asserter(reading.start, reading.end)
        item = Measurement(start=reading.start, end=reading.end,
                           text=note.text[reading.start:reading.end], section=section,
                           assertion=assertion, **as_dict(reading))
        (vitals if reading.group == "vitals" else labs).append(item)
    return vitals, labs


def _medications(note: Note, tags: list[Tag], asserter: Asserter) -> list[Medication]:
    drugs = [t for t in tags if t.label == "drug"]
    starts = [t.start for t in tags]
    out = []
    for i, drug in enumerate(drugs):
        sentence = note.sentence_at(drug.start)
        stop = min(drugs[i + 1].start if i + 1 < len(drugs) else len(note.text), sentence[1])
        prev_end = max(drugs[i - 1].end if i else 0, sentence[0])
        near = tags[bisect_left(starts, prev_end):bisect_left(starts, stop)]
        parts: dict[str, Tag] = {}
        for t in near:
            if t.start >= drug.end and t.label != "drug":
                parts.setdefault(t.label, t)
        status = _status(near, drug, prev_end, stop)
        assertion, section = asserter(drug.start, drug.end)
        out.append(_medication(note, drug, parts, status, assertion, section))
    return out


def _status(tags: list[Tag], drug: Tag, prev_end: int, stop: int) -> Tag | None:
    before = [t for t in tags if t.label in STATUS_LABELS and prev_end <= t.start and t.end <= drug.start]
    after = [t for t in tags if t.label in STATUS_LABELS and drug.end <= t.start < stop]
    return before[-1] if before else after[0] if after else None


def _medication(note: Note, drug: Tag, parts: dict[str, Tag], status: Tag | None,
                assertion: Assertion, section: str) -> Medication:
    info = drug.info or drug_info(drug.value)
    name = str(info.get("name") or drug.value)
    codes = []
    if info.get("drugbank_id"):
        codes.append(Code(system="https://go.drugbank.com/drugs", code=info["drugbank_id"], display=name))
    if info.get("mesh_id"):
        codes.append(Code(system="http://id.nlm.nih.gov/mesh", code=info["mesh_id"], display=name))

    def part(label: str) -> Span | None:
        tag = parts.get(label)
        return _span(note, tag.start, tag.end) if tag else None

    written = note.text[drug.start:drug.end].lower()
    return Medication(
        start=drug.start, end=drug.end, text=note.text[drug.start:drug.end], section=section,
        assertion=assertion, name=name, drug_id=codes[0].code if codes else "", codes=codes,
        is_brand=written.split()[0] not in name.lower(), strength=part("strength"), dose=part("dose"),
        route=part("route"), frequency=part("frequency"), duration=part("duration"),
        status=_STATUS[status.label] if status else "active" if section == "medications" else "unknown",
        status_span=_span(note, status.start, status.end) if status else None)


def _allergies(note: Note, sections: list[Section], tags: list[Tag],
               asserter: Asserter) -> tuple[list[Allergy], set[tuple[int, int]]]:
    lex = fx.clinical_lexicon()
    text = note.text
    allergy_ranges = [(s.end, s.body_end) for s in sections if s.name == "allergies"]
    allergy_ranges += [(m.end(), note.sentence_at(m.start())[1]) for m in lex.allergy_cue_re.finditer(text)]
    substances = [(t.start, t.end, t.value) for t in tags if t.label == "drug"]
    substances += [(m.start(), m.end(), m.group().lower())
                   for m in lex.allergen_scan.finditer(text, note.words)]
    in_allergies = Intervals(allergy_ranges)
    reactions_in = RangeScanner(lex.reaction_scan, text, note.words)
    out: list[Allergy] = []
    claimed: set[tuple[int, int]] = set()
    for start, end, value in sorted(set(substances)):
        if not in_allergies.holds(start) or (start, end) in claimed:
            continue
        line_end = min(note.sentence_at(start)[1], text.find("\n", end) % (len(text) + 1))
        reactions = [_span(note, m.start(), m.end()) for m in reactions_in.finditer(end, line_end)]
        claimed |= {(start, end)} | {(r.start, r.end) for r in reactions}
        assertion, section = asserter(start, end)
        out.append(Allergy(start=start, end=end, text=text[start:end], section=section,
                           assertion=assertion, substance=value, reactions=reactions))
    for m in lex.no_allergy_scan.finditer(text, note.words):
        out.append(Allergy(start=m.start(), end=m.end(), text=m.group(), section=asserter(
            m.start(), m.end())[1], assertion=Assertion(is_negated=True), substance="any allergen",
                           no_known_allergies=True))
    return sorted(out, key=lambda a: a.start), claimed
