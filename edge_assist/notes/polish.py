"""LLM polish of a facts-written section, kept only when it passes the safety checks.

The rules writer's lines are complete and safe but terse; a chat model may join them into
smoother prose. It sees the section's title and its numbered lines, nothing of the
transcript, and answers under a JSON schema naming the lines each sentence restates. The
rewrite replaces the lines only when :func:`edge_assist.notes.safety.polish_problems` finds
nothing: no number, dose or drug the lines lack, no negation added, dropped or contradicted.
Otherwise, or when the model's output is unusable, the rules lines stay and the reason (a check
name, never patient text) is logged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from edge_assist.errors import EdgeAssistError
from edge_assist.logs import get_logger
from edge_assist.models.base import GenerationOptions, Message
from edge_assist.notes.safety import polish_problems
from edge_assist.notes.types import NoteSection, NoteSentence

if TYPE_CHECKING:
    from edge_assist.models.base import ChatModel
    from edge_assist.notes.templates import SectionSpec

log = get_logger("notes.polish")
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"sentences": {"type": "array", "maxItems": 12, "items": {
        "type": "object",
        "properties": {"text": {"type": "string", "maxLength": 400},
                       "lines": {"type": "array", "items": {"type": "integer"}, "maxItems": 12}},
        "required": ["text", "lines"]}}},
    "required": ["sentences"],
}
SYSTEM = ("You polish one section of a clinical note. Rewrite its numbered lines as concise clinical "
          "prose. Keep every fact, number, dose, drug name, side and negation exactly; add nothing. "
          "For each sentence list the numbers of the lines it restates. "
          'Reply as JSON: {"sentences": [{"text": "...", "lines": [1]}]}')


def prompt_for(spec: SectionSpec, section: NoteSection) -> list[Message]:
    """The section's title, what it holds, and its lines numbered from 1."""
    lines = "\n".join(f"L{i} {s.label + ': ' if s.label else ''}{s.text}"
                      for i, s in enumerate(section.sentences, 1))
    user = f"Section: {spec.title}\nIt holds: {spec.instruction}\n\nLines:\n{lines}"
    return [Message("system", SYSTEM), Message("user", user)]


def polish_section(spec: SectionSpec, section: NoteSection, llm: ChatModel) -> NoteSection:
    """``section`` rewritten by ``llm`` if the rewrite passes the checks, else ``section`` unchanged.

    Raises:
        GenerationCancelled: the caller cancelled generation.
    """
    if not section.sentences:
        return section
    options = GenerationOptions(max_tokens=min(700, spec.max_words * 3 + 60))
    try:
        reply = llm.generate_json(prompt_for(spec, section), SCHEMA, options)
    except EdgeAssistError as exc:
        if exc.exit_code == 130:
            raise
        log.warning("polish %s: model output unusable (%s); rules lines kept", spec.key, type(exc).__name__)
        return section
    sentences = [s for s in (_sentence(item, section.sentences) for item in reply["sentences"]) if s]
    problems = polish_problems([s.text for s in sentences], [s.text for s in section.sentences]) \
        if sentences else ["empty"]
    if problems:
        log.info("polish %s refused (%s); rules lines kept", spec.key, ", ".join(sorted(set(problems))))
        return section
    return NoteSection(section.key, section.title, sentences)


def _sentence(item: dict[str, Any], lines: list[NoteSentence]) -> NoteSentence | None:
    text = " ".join(str(item["text"]).split())
    if not text:
        return None
    cited = [lines[i - 1] for i in dict.fromkeys(item["lines"]) if 1 <= i <= len(lines)] or lines
    turns = sorted({t for s in cited for t in s.turns})
    facts = [f for s in cited for f in s.facts]
    label = cited[0].label if len(cited) == 1 else ""
    return NoteSentence(text, turns, writer="llm", label=label, facts=facts)
