"""Naming the note section a short exchange belongs to (MTS-Dialog's 20 headers), by cue phrases.

A stand-in for the small classifier the GPU-path issue distills: cue hits
per header (``rules/headers.toml``), weighted, counted on the clinician's
questions and the whole exchange; the most hit header wins, GENHX (history of
present illness) when nothing matches. Rules, so every decision shows its cues.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from edge_assist.notes.assign import _phrases
from edge_assist.notes.transcript import parse


@dataclass(frozen=True)
class HeaderRules:
    """Weighted cue patterns per header and the fallback header."""

    cues: dict[str, re.Pattern[str]]
    weights: dict[str, float]
    fallback: str


@lru_cache(maxsize=1)
def header_rules() -> HeaderRules:
    """The shipped header cues, compiled once."""
    data = tomllib.loads((resources.files("edge_assist.notes") / "rules" / "headers.toml").read_text("utf-8"))
    return HeaderRules({h: _phrases(c) for h, c in data["cues"].items()},
                       {h: float(w) for h, w in data["weights"].items()}, data["fallback"])


def classify_header(dialogue: str) -> str:
    """The section header (e.g. ``ALLERGY``) of a short doctor-patient exchange.

    Examples:
        >>> classify_header("Doctor: Any allergies to medications?\\nPatient: Penicillin.")
        'ALLERGY'
    """
    rules = header_rules()
    turns = parse(dialogue).turns
    clinician = " ".join(t.text for t in turns if t.speaker in ("doctor", "dictation"))
    everything = " ".join(t.text for t in turns)
    scores = {h: rules.weights.get(h, 1.0) * (2 * len(rx.findall(clinician)) + len(rx.findall(everything)))
              for h, rx in rules.cues.items()}
    best = max(scores, key=lambda h: scores[h])
    return best if scores[best] > 0 else rules.fallback
