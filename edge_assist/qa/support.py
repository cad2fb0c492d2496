"""Check answer sentences against the passages they cite.

A sentence's support combines two signals, each in [0, 1]:

* lexical: the share of its content words (crudely stemmed) found in the
  passage. Small models that hallucinate tend to introduce words the
  evidence does not contain.
* semantic: the best cosine between the sentence's embedding and the
  embeddings of the passage's sentences, which credits faithful paraphrase.

Numbers are checked on their own: a sentence stating a dose, threshold or
duration absent from its passage is unsupported whatever its score, because
that is the hallucination that harms patients.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from edge_assist.index.search import terms

SUPPORT_THRESHOLD = 0.5
LEXICAL_WEIGHT = 0.5
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_CITE = re.compile(r"\[\s*(?:passages?\s*)?(\d{1,2}(?:\s*[,;&]\s*(?:and\s*)?(?:passages?\s*)?\d{1,2})*)\s*\]",
                   re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass
class Draft:
    """A sentence as written by the model: text without markers, and the passages it cites."""

    text: str
    cited: list[int]


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``; a fragment that is only citations joins the sentence before it."""
    out: list[str] = []
    for part in (p.strip() for p in _SENTENCE.split(text)):
        if not part:
            continue
        if out and not _CITE.sub("", part).strip(" .;,"):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


def parse_draft(text: str) -> list[Draft]:
    """The model's answer as sentences with their cited passage numbers."""
    drafts = []
    for sentence in split_sentences(text):
        cited = [int(n) for group in _CITE.findall(sentence) for n in re.findall(r"\d+", group)]
        clean = " ".join(_CITE.sub("", sentence).split()).replace(" .", ".").strip()
        if clean.strip(" .;,-*"):
            drafts.append(Draft(clean, list(dict.fromkeys(cited))))
    return drafts


def stems(text: str) -> set[str]:
    """Content words cut to six characters: a stemmer good enough for overlap."""
    return {w[:6] for w in terms(text)}


def lexical_support(sentence: str, passage: str) -> float:
    """Share of the sentence's content words that occur in the passage."""
    words = stems(sentence)
    if not words:
        return 1.0
    return len(words & stems(passage)) / len(words)


def numbers_supported(sentence: str, passage: str) -> bool:
    """Every number in the sentence also appears in the passage."""
    found = set(_NUMBER.findall(passage))
    return all(n in found for n in _NUMBER.findall(sentence))


def semantic_support(sentence_vec: Any, passage_vecs: Sequence[Any]) -> float:
    """Best cosine between the sentence and any passage sentence, clipped to [0, 1]."""
    import numpy as np

    if not len(passage_vecs):
        return 0.0
    s = np.asarray(sentence_vec, dtype=np.float32)
    m = np.asarray(passage_vecs, dtype=np.float32)
    sims = m @ s / (np.linalg.norm(m, axis=1) * (np.linalg.norm(s) or 1.0) + 1e-9)
    return float(max(0.0, min(1.0, sims.max())))


def combine(lexical: float, semantic: float) -> float:
    """The support score the threshold applies to."""
    return LEXICAL_WEIGHT * lexical + (1 - LEXICAL_WEIGHT) * semantic
