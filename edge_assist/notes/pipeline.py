"""The note pipeline: parse → assign → write each section → check → a labelled draft.

Each section is written only from the turns assigned to it, so its provenance
is known by construction: an extractive sentence cites the turn it was taken
from, an LLM sentence the turns the model named (kept only if they were among
the section's turns) or, failing that, the assigned turn it overlaps most. The
safety checks then run on the whole draft. Timings per step are kept for the
benchmark.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Literal

from edge_assist.logs import PatientText, get_logger
from edge_assist.notes import extractive, safety
from edge_assist.notes.assign import Assignment, Unit, assign
from edge_assist.notes.rewrite import infer_pronouns
from edge_assist.notes.templates import Template, load_template
from edge_assist.notes.transcript import parse
from edge_assist.notes.types import ClinicalNote, NoteSection

if TYPE_CHECKING:
    from pathlib import Path

    from edge_assist.models.base import ChatModel

log = get_logger("notes")
WriterMode = Literal["extractive", "llm", "hybrid"]
HYBRID_LLM_SECTIONS = ("complaint",)
"""Content classes the hybrid writer gives to the LLM (short, abstractive sections)."""


def write_note(transcript: str | bytes, template: str | Path | Template = "soap",
               llm: ChatModel | None = None, writer: WriterMode = "extractive",
               check: bool = True) -> ClinicalNote:
    """Write a draft note from a transcript or dictation.

    Args:
        transcript: ``[doctor] ...`` / ``Doctor: ...`` turns, or free dictation (str or UTF-8 bytes).
        template: a built-in name (``soap``, ``aci``, ``progress``), a TOML path, or a Template.
        llm: the chat model for ``writer="llm"``/``"hybrid"``.
        writer: ``extractive`` (rules only, no model), ``llm`` (every section written by the
            model under a JSON schema), or ``hybrid`` (LLM for the chief complaint only).

    Returns:
        The draft, labelled for clinician review, every sentence with its source turns and flags.

    Raises:
        InputError: empty, binary, non-UTF-8, oversized or non-English input; bad template;
            an LLM writer without a model.

    Examples:
        >>> note = write_note("[doctor] any chest pain ?\\n[patient] no .", "soap")
        >>> note.sections[0].sentences[0].text, note.sections[0].sentences[0].turns
        ('Denies chest pain.', [0, 1])
    """
    from edge_assist.errors import InputError

    if writer != "extractive" and llm is None:
        raise InputError(f"the {writer} writer needs a chat model", "use writer='extractive' or pass llm")
    spec = template if isinstance(template, Template) else load_template(template)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    parsed = parse(transcript)
    log.info("note from %s: %d turns, template %s", PatientText(parsed.turns[0].text), len(parsed.turns),
             spec.name)
    assignment = assign(parsed.turns, spec.content_classes)
    timings["assign"] = time.perf_counter() - started
    pronouns = infer_pronouns(" ".join(t.text for t in parsed.turns if t.speaker != "patient"))
    sections = [_write(s, assignment, pronouns, llm, writer, parsed.turns) for s in spec.sections]
    timings["write"] = time.perf_counter() - started - timings["assign"]
    checked = time.perf_counter()
    if check:
        safety.check_sections(sections, safety.transcript_facts(parsed.turns))
    timings["check"] = time.perf_counter() - checked
    timings["total"] = time.perf_counter() - started
    model = llm.id if llm is not None and writer != "extractive" else ""
    return ClinicalNote(spec.name, sections, parsed.turns, parsed.warnings, timings, model)


def _write(spec, assignment: Assignment, pronouns, llm, writer, turns) -> NoteSection:  # type: ignore[no-untyped-def]
    units: list[Unit] = [u for kind in spec.content for u in assignment.units.get(kind, [])]
    use_llm = writer == "llm" or (writer == "hybrid" and set(spec.content) <= set(HYBRID_LLM_SECTIONS))
    if use_llm and units:
        from edge_assist.notes.llm_writer import write_section as llm_section

        sentences = llm_section(spec, units, turns, llm)
    else:
        sentences = extractive.write_section(spec, units, pronouns)
    return NoteSection(spec.key, spec.title, sentences)
