"""The LLM writer: one section from only its assigned turns, under a JSON schema with cited turns.

The model sees the section's title, its instruction and the numbered turns
assigned to it, nothing else, so it cannot pull facts from elsewhere in the
visit. The grammar forces ``{"sentences": [{"text", "turns"}]}``; a cited turn
outside the section's turns is dropped, and a sentence citing none gets the
assigned turn it shares most words with, or a ``no_provenance`` flag when it
shares too few. Turns are quoted up to :data:`MAX_PROMPT_CHARS` so a
20,000-word visit still fits a 4k context, in bounded memory.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from edge_assist.errors import EdgeAssistError
from edge_assist.logs import get_logger
from edge_assist.models.base import GenerationOptions, Message
from edge_assist.notes.templates import SectionSpec
from edge_assist.notes.types import NoteSentence, SafetyFlag, Turn

if TYPE_CHECKING:
    from edge_assist.models.base import ChatModel
    from edge_assist.notes.assign import Unit

log = get_logger("notes.llm")
MAX_PROMPT_CHARS = 6000
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"sentences": {"type": "array", "maxItems": 12, "items": {
        "type": "object",
        "properties": {"text": {"type": "string", "maxLength": 400},
                       "turns": {"type": "array", "items": {"type": "integer"}, "maxItems": 6}},
        "required": ["text", "turns"]}}},
    "required": ["sentences"],
}
SYSTEM = ("You write one section of a clinical note from numbered transcript turns. Use only facts "
          "stated in the turns. Copy numbers, doses, drug names, left/right and negations exactly. "
          "Write short third-person sentences in clinical style. For each sentence list the numbers "
          'of the turns it comes from. Reply as JSON: {"sentences": [{"text": "...", "turns": [3]}]}')
_WORD = re.compile(r"[a-z0-9]+")


def prompt_for(spec: SectionSpec, turns: list[Turn]) -> list[Message]:
    """The chat messages for one section: its instruction and its turns, numbered, within budget."""
    lines, used = [], 0
    for turn in turns:
        line = f"[T{turn.index} {turn.speaker}] {turn.text}"
        if used + len(line) > MAX_PROMPT_CHARS:
            break
        lines.append(line)
        used += len(line)
    user = (f"Section: {spec.title}\nIt holds: {spec.instruction}\nAt most {spec.max_words} words.\n\n"
            "Turns:\n" + "\n".join(lines))
    return [Message("system", SYSTEM), Message("user", user)]


def write_section(spec: SectionSpec, units: list[Unit], turns: list[Turn],
                  llm: ChatModel) -> list[NoteSentence]:
    """Sentences for ``spec`` written by ``llm`` from the turns of ``units``.

    Raises:
        GenerationCancelled: the caller cancelled generation.
    """
    wanted = sorted({i for u in units for i in u.turns})
    source = [turns[i] for i in wanted]
    options = GenerationOptions(max_tokens=min(700, spec.max_words * 3 + 60))
    try:
        reply = llm.generate_json(prompt_for(spec, source), SCHEMA, options)
    except EdgeAssistError as exc:
        if exc.exit_code == 130:
            raise
        log.warning("section %s: model output unusable (%s); left empty", spec.key, type(exc).__name__)
        return []
    return [s for s in (_sentence(item, source) for item in reply["sentences"]) if s is not None]


def _sentence(item: dict[str, Any], source: list[Turn]) -> NoteSentence | None:
    text = " ".join(str(item["text"]).split())
    if not text:
        return None
    allowed = {t.index for t in source}
    cited = [i for i in dict.fromkeys(item["turns"]) if i in allowed]
    sentence = NoteSentence(text, cited, writer="llm")
    if not cited:
        best, overlap = _best_turn(text, source)
        if best is not None and overlap >= 0.3:
            sentence.turns = [best]
        else:
            sentence.flags.append(SafetyFlag("no_provenance", "no transcript turn supports this sentence"))
    return sentence


def _best_turn(text: str, source: list[Turn]) -> tuple[int | None, float]:
    words = set(_WORD.findall(text.lower()))
    if not words or not source:
        return None, 0.0
    scored = [(len(words & set(_WORD.findall(t.text.lower()))) / len(words), t.index) for t in source]
    share, index = max(scored)
    return index, share
