"""The LLM step: fill medication details the rules left empty, with a JSON schema.

Only sentences holding a medication that lacks a dose, route or frequency go
to the model, one at a time, with greedy decoding (same input and model, same
output). The model may only *quote*: a value is kept only when its exact text
occurs in that sentence after the drug, so it gets a true offset and nothing
invented reaches the result. Anything the model says that cannot be found is
dropped, and a model failure leaves the rules' result unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from edge_assist.errors import EdgeAssistError, GenerationCancelled
from edge_assist.extract.text import Note
from edge_assist.extract.types import ExtractionResult, Medication, Span
from edge_assist.logs import get_logger

if TYPE_CHECKING:
    from edge_assist.models.base import ChatModel

log = get_logger("extract.llm")
FIELDS = ("dose", "route", "frequency", "duration")
SCHEMA = {
    "type": "object",
    "properties": {field: {"type": "string", "maxLength": 40} for field in FIELDS},
    "required": list(FIELDS),
    "additionalProperties": False,
}
SYSTEM = ("You read one sentence of a clinical note about one medication. For each field, copy the "
          "exact words from the sentence (dose such as '1 drop' or '2 tablets', route such as 'PO' "
          "or 'left eye', frequency such as 'twice daily', duration such as 'for 5 days'), or \"\" "
          "when the sentence does not say. Never paraphrase.")


def fill_medications(note: Note, result: ExtractionResult, llm: ChatModel) -> int:
    """Ask ``llm`` for missing signature parts; returns how many values were added."""
    from edge_assist.models.base import GenerationOptions, Message

    added = 0
    for med in result.medications:
        if all(getattr(med, f) is not None for f in FIELDS[:3]):
            continue
        start, end = note.sentence_at(med.start)
        sentence = note.text[start:end]
        messages = [Message("system", SYSTEM),
                    Message("user", f"Medication: {med.text}\nSentence: {sentence.strip()}")]
        try:
            reply = llm.generate_json(messages, SCHEMA, GenerationOptions(max_tokens=96))
        except GenerationCancelled:
            raise
        except EdgeAssistError as exc:
            log.warning("LLM medication fill skipped: %s", exc.message)
            continue
        added += _apply(note, med, reply, end)
        result.used_llm = True
    return added


def _apply(note: Note, med: Medication, reply: dict[str, str], sentence_end: int) -> int:
    added = 0
    for field in FIELDS:
        value = (reply.get(field) or "").strip()
        if not value or getattr(med, field) is not None:
            continue
        found = note.text.lower().find(value.lower(), med.end, sentence_end)
        if found < 0:
            continue  # not a quote: dropped
        setattr(med, field, Span(start=found, end=found + len(value),
                                 text=note.text[found:found + len(value)]))
        added += 1
    return added
