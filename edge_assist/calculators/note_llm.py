"""The small LLM's part in filling a calculator: required numbers the rules did not find.

Kept apart from the rules in :mod:`edge_assist.calculators.note` because it is optional
(``fill_from_note(..., llm=None)`` never imports it) and because its guard is different:
the model is asked with a JSON schema, and a number it gives is kept only if it occurs
in the note, so it always has a span the clinician can check (origin ``llm``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from edge_assist.calculators.engine import CalcResult, Calculator, InputValue, Span
from edge_assist.calculators.note_text import label_names, sentence_bounds
from edge_assist.calculators.spec import InputSpec
from edge_assist.errors import EdgeAssistError

if TYPE_CHECKING:
    from edge_assist.models.base import ChatModel

_EXCERPT_CHARS = 700


def excerpt(note: str, specs: list[InputSpec]) -> str:
    """The sentences that name a wanted input (label, alias or name), else those with numbers.

    A short prompt keeps the small model's answer near 1-2 s on two CPU cores (the whole
    note would cost tens of seconds of prompt processing) and points it at the right place.
    """
    words = [w for s in specs for w in (s.name.replace("_", " "), s.label, *s.aliases) if len(w) >= 3]
    names = [r for s in specs if (r := label_names(s.name)) is not None]
    starts, ends = sentence_bounds(note)
    sentences = [note[a:b].strip() for a, b in zip(starts, ends, strict=True)]
    chosen = [t for t in sentences if any(r.search(t) for r in names)
              or any(w.lower() in t.lower() for w in words)]
    chosen = chosen or [t for t in sentences if re.search(r"\d", t)]
    text = " ".join(chosen)
    return text[:_EXCERPT_CHARS] if text else note[:_EXCERPT_CHARS]


def ask_llm(calc: Calculator, specs: list[InputSpec], note: str, llm: ChatModel,
             result: CalcResult) -> dict[str, InputValue]:
    """Ask the LLM for numeric inputs; keep only numbers that literally occur in the note (their span)."""
    from edge_assist.models.base import GenerationOptions, Message

    wanted = [s for s in specs if s.type == "number"]
    if not wanted:
        return {}
    schema = {"type": "object", "properties": {s.name: {"type": ["number", "null"]} for s in wanted},
              "required": [s.name for s in wanted]}
    asks = "; ".join(f"{s.name}: {s.label or s.name} in {s.unit or 'its usual unit'}" for s in wanted)
    system = "Extract values from the clinical note. Use null when a value is not stated."
    messages = [Message("system", system),
                Message("user", f"Note (excerpt):\n{excerpt(note, wanted)}\n\nGive: {asks}")]
    try:
        reply = llm.generate_json(messages, schema, GenerationOptions(max_tokens=200))
    except EdgeAssistError as exc:
        if exc.exit_code == 130:
            raise
        result.warnings.append("the language model gave no usable answer")
        return {}
    out = {}
    for spec in wanted:
        number = reply.get(spec.name)
        text = f"{number:g}" if isinstance(number, int | float) else ""
        at = note.find(text) if text else -1
        if at < 0:
            continue
        try:
            out[spec.name] = calc.coerce(spec.name, float(number), "llm", Span(at, at + len(text), text))
        except EdgeAssistError as exc:
            result.warnings.append(f"{spec.name}: the model's value was refused ({exc.message})")
    return out
