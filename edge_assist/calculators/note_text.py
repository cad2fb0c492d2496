"""What the ways of reading a note share: the input labels, criterion rules and sentence bounds.

The rules in :mod:`edge_assist.calculators.note` find an input by its labels and look at
the sentence around a value; the LLM prompt in :mod:`edge_assist.calculators.note_llm`
picks the sentences that name the wanted inputs. Both read them from here, so neither
imports the other for them.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache, lru_cache
from importlib import resources
from typing import Any

_SENTENCE = re.compile(r"(?:[^.!?;\n]|\.(?=\d))+(?:[.!?;]|\n|$)")


@cache
def note_rules() -> tuple[dict[str, Any], dict[str, Any]]:
    """The shipped label rules (``rules/labels.toml``) and context rules (``rules/context.toml``)."""
    folder = resources.files("edge_assist.calculators") / "rules"
    labels = tomllib.loads((folder / "labels.toml").read_text(encoding="utf-8"))
    context = tomllib.loads((folder / "context.toml").read_text(encoding="utf-8"))
    return labels, context


@cache
def criteria_rules() -> dict[str, Any]:
    """The shipped criterion rules (``rules/criteria.toml``): current-only criteria, extra choice patterns."""
    folder = resources.files("edge_assist.calculators") / "rules"
    return tomllib.loads((folder / "criteria.toml").read_text(encoding="utf-8"))


@cache
def label_names(name: str) -> re.Pattern[str] | None:
    """One pattern for every label of input ``name`` ("creatinine", "SCr", ...), or None if it has none."""
    labels = note_rules()[0].get(name)
    if not labels:
        return None
    return re.compile("|".join(f"(?:{p})" for p in labels["labels"]), re.IGNORECASE)


@lru_cache(maxsize=4)
def sentence_bounds(note: str) -> tuple[list[int], list[int]]:
    """Start and end offsets of the note's sentences (a decimal point does not end one)."""
    starts, ends = [], []
    for m in _SENTENCE.finditer(note):
        starts.append(m.start())
        ends.append(m.end())
    return starts, ends
