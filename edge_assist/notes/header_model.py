"""A learned note-section header classifier: MiniLM embedding plus TF-IDF words, softmax regression.

Why this and not the cue rules of :mod:`edge_assist.notes.headers`: on
MTS-Dialog the rules name 50 of 100 validation headers; a linear model over
the sentence embedding of the exchange and its word/bigram TF-IDF, trained on
the 1,201 MTS-Dialog training rows only, names about three in four (the
model card beside the weights records the measured figure). It is numpy at
run time — one matrix product over features the embedder already computes —
so no torch is needed on the device. The weights ship as package data
(``models/section_header.npz``, with ``section_header.json`` as its card) and
are rebuilt by :mod:`edge_assist.notes.train_headers`.

A model is tied to the embedder it was trained with: predicting with another
embedder is refused (:class:`~edge_assist.errors.ModelLoadError`), because
its vectors would mean nothing to the weights.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from edge_assist.errors import ModelLoadError

if TYPE_CHECKING:
    from edge_assist.models.base import Embedder

MODEL_FILE = "section_header.npz"
CARD_FILE = "section_header.json"
_WORD = re.compile(r"[a-z]+")
_SPEAKER = re.compile(r"^\s*(?:\[[a-z_ ]+\]|[a-z_ ]{2,30}:)", re.MULTILINE)


def tokens(text: str) -> list[str]:
    """Lower-case words and adjacent-word bigrams (``any_allergies``), speaker tags removed."""
    words = _WORD.findall(_SPEAKER.sub(" ", text.lower()))
    return words + [f"{a}_{b}" for a, b in pairwise(words)]


@dataclass(frozen=True)
class Vocabulary:
    """The TF-IDF vocabulary: terms in column order and their inverse document frequencies."""

    terms: tuple[str, ...]
    idf: np.ndarray
    index: dict[str, int] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.index.update((t, i) for i, t in enumerate(self.terms))

    @classmethod
    def fit(cls, texts: Sequence[str], min_df: int = 3, max_terms: int = 3000) -> Vocabulary:
        """The ``max_terms`` most frequent terms seen in at least ``min_df`` texts, with smoothed IDF."""
        df = Counter(t for text in texts for t in set(tokens(text)))
        terms = tuple(t for t, c in sorted(df.items(), key=lambda kv: (-kv[1], kv[0])) if c >= min_df)
        terms = terms[:max_terms]
        idf = np.array([np.log((1 + len(texts)) / (1 + df[t])) + 1 for t in terms], np.float32)
        return cls(terms, idf)

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised log-count TF-IDF rows."""
        x = np.zeros((len(texts), len(self.terms)), np.float32)
        for row, text in enumerate(texts):
            for term in tokens(text):
                col = self.index.get(term)
                if col is not None:
                    x[row, col] += 1
        x = np.log1p(x) * self.idf
        return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)


def features(texts: Sequence[str], embedder: Embedder, vocabulary: Vocabulary) -> np.ndarray:
    """Embedding (as the embedder gives it, unit length for MiniLM) beside the TF-IDF row, per text."""
    vectors = np.asarray(list(embedder.embed_multi(list(texts))), np.float32)
    return np.hstack([vectors, vocabulary.transform(texts)])


@dataclass(frozen=True)
class HeaderModel:
    """Softmax weights over :func:`features`, the labels they score, and the embedder they expect."""

    labels: tuple[str, ...]
    vocabulary: Vocabulary
    weights: np.ndarray
    bias: np.ndarray
    embedder_id: str
    card: dict[str, Any] = field(default_factory=dict, compare=False)

    def probabilities(self, texts: Sequence[str], embedder: Embedder) -> np.ndarray:
        """Class probabilities, one row per text, columns in :attr:`labels` order.

        Raises:
            ModelLoadError: ``embedder`` is not the one the model was trained with.
        """
        if embedder.id != self.embedder_id:
            raise ModelLoadError(f"the header model was trained on {self.embedder_id} vectors, "
                                   f"not {embedder.id}",
                                   f"use the {self.embedder_id} embedder, or retrain with "
                                   "python -m edge_assist.notes.train_headers")
        z = features(texts, embedder, self.vocabulary) @ self.weights.astype(np.float32) + self.bias
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]

    def predict(self, texts: Sequence[str], embedder: Embedder) -> list[str]:
        """The most probable header of each text (ties go to the first label, deterministically)."""
        if not texts:
            return []
        return [self.labels[i] for i in self.probabilities(texts, embedder).argmax(axis=1)]

    def to_bytes(self) -> bytes:
        """The ``.npz`` form (weights stored as float16 to keep the package small)."""
        buffer = io.BytesIO()
        np.savez_compressed(buffer, labels=np.array(self.labels), terms=np.array(self.vocabulary.terms),
                            idf=self.vocabulary.idf, weights=self.weights.astype(np.float16),
                            bias=self.bias.astype(np.float32), embedder_id=np.array(self.embedder_id))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, card: dict[str, Any] | None = None) -> HeaderModel:
        """Read the ``.npz`` form written by :meth:`to_bytes` (no pickle)."""
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            vocabulary = Vocabulary(tuple(str(t) for t in npz["terms"]), npz["idf"].astype(np.float32))
            return cls(tuple(str(x) for x in npz["labels"]), vocabulary, npz["weights"],
                       npz["bias"].astype(np.float32), str(npz["embedder_id"]), card or {})


@lru_cache(maxsize=1)
def shipped_model() -> HeaderModel:
    """The header model shipped in ``edge_assist/notes/models/``, read once.

    Raises:
        ModelLoadError: the weights are missing from the installation.
    """
    folder = resources.files("edge_assist.notes") / "models"
    try:
        data = (folder / MODEL_FILE).read_bytes()
        card = json.loads((folder / CARD_FILE).read_text("utf-8"))
    except (FileNotFoundError, OSError):
        raise ModelLoadError("the section-header model is not installed", "reinstall edge-assist, "
                             "or run python -m edge_assist.notes.train_headers") from None
    return HeaderModel.from_bytes(data, card)
