"""A learned note-section header classifier: MiniLM views plus TF-IDF words and characters, softmax.

Why this and not the cue rules of :mod:`edge_assist.notes.headers`: on
MTS-Dialog the rules name 50 of 100 validation headers; a linear model over
three sentence embeddings of the exchange (whole, first turn, mean of turns),
its word/bigram/speaker-tagged-word TF-IDF and its character n-gram TF-IDF,
trained on the 1,201 MTS-Dialog training rows only, names about seven in ten
(the model card beside the weights records the cross-validated and validation
figures). It is numpy at run time — one matrix product over features the
embedder already computes — so no torch is needed on the device. The weights ship as package data
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
_TURN = re.compile(r"^\s*(?:\[([a-z_ ]+)\]|([a-z_ ]{2,30}):)", re.MULTILINE)
_CLINICIAN = frozenset(("doctor", "guest_clinician", "clinician", "dr", "physician", "nurse"))


def turns_of(text: str) -> list[tuple[str, str]]:
    """``(role, words)`` per turn: role ``c`` for a clinician, ``p`` for the patient or family."""
    parts = _TURN.split(text.lower())
    found = [("c" if (parts[i] or parts[i + 1] or "").strip() in _CLINICIAN else "p", parts[i + 2].strip())
             for i in range(1, len(parts) - 2, 3)]
    return [(role, said) for role, said in found if said] or [("c", text.lower().strip())]


def tokens(text: str) -> list[str]:
    """Lower-case words, adjacent-word bigrams (``any_allergies``) and who said each word (``c:any``).

    Speaker tags themselves are not words; the role prefix tells a clinician's
    "allergies" (a question: ALLERGY) from a patient's (often history).
    """
    words = _WORD.findall(_SPEAKER.sub(" ", text.lower()))
    said = [f"{role}:{w}" for role, turn in turns_of(text) for w in _WORD.findall(turn)]
    return words + [f"{a}_{b}" for a, b in pairwise(words)] + said


def char_grams(text: str) -> list[str]:
    """Character 2- to 5-grams inside space-padded words (speaker tags removed): spelling-robust cues."""
    grams = []
    for word in _SPEAKER.sub(" ", text.lower()).split():
        padded = f" {word} "
        grams.extend(padded[i:i + n] for n in range(2, 6) for i in range(len(padded) - n + 1))
    return grams


@dataclass(frozen=True)
class Vocabulary:
    """The TF-IDF vocabulary: terms in column order and their inverse document frequencies."""

    terms: tuple[str, ...]
    idf: np.ndarray
    analyzer: str = "words"
    index: dict[str, int] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.index.update((t, i) for i, t in enumerate(self.terms))

    def split(self, text: str) -> list[str]:
        """The text's terms under this vocabulary's analyzer (:func:`tokens` or :func:`char_grams`)."""
        return char_grams(text) if self.analyzer == "chars" else tokens(text)

    @classmethod
    def fit(cls, texts: Sequence[str], min_df: int = 3, max_terms: int = 3000,
            analyzer: str = "words") -> Vocabulary:
        """The ``max_terms`` most frequent terms seen in at least ``min_df`` texts, with smoothed IDF."""
        split = char_grams if analyzer == "chars" else tokens
        df = Counter(t for text in texts for t in set(split(text)))
        terms = tuple(t for t, c in sorted(df.items(), key=lambda kv: (-kv[1], kv[0])) if c >= min_df)
        terms = terms[:max_terms]
        idf = np.array([np.log((1 + len(texts)) / (1 + df[t])) + 1 for t in terms], np.float32)
        return cls(terms, idf, analyzer)

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised log-count TF-IDF rows."""
        x = np.zeros((len(texts), len(self.terms)), np.float32)
        for row, text in enumerate(texts):
            for term in self.split(text):
                col = self.index.get(term)
                if col is not None:
                    x[row, col] += 1
        x = np.log1p(x) * self.idf
        return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)


def embedding_views(texts: Sequence[str], embedder: Embedder) -> np.ndarray:
    """Three sentence-embedding views per text: the whole exchange, its first turn, the mean of its turns.

    The whole exchange is cut at the encoder's length limit; the first turn
    (usually the clinician's question) and the turn mean see what that cut loses.
    """
    turns = [[said for _, said in turns_of(text)] for text in texts]
    flat = [t for ts in turns for t in ts]
    whole = np.asarray(list(embedder.embed_multi(list(texts))), np.float32)
    each = np.asarray(list(embedder.embed_multi(flat)), np.float32) if flat else np.zeros((0, whole.shape[1]))
    first, mean, at = [], [], 0
    for ts in turns:
        block = each[at:at + len(ts)]
        at += len(ts)
        first.append(block[0])
        mean.append(block.mean(axis=0))
    return np.hstack([whole, np.asarray(first, np.float32), np.asarray(mean, np.float32)])


def features(texts: Sequence[str], embedder: Embedder, vocabularies: Sequence[Vocabulary]) -> np.ndarray:
    """Embedding views beside one L2-normalised TF-IDF block per vocabulary (words, characters), per text."""
    return np.hstack([embedding_views(texts, embedder), *(v.transform(texts) for v in vocabularies)])


@dataclass(frozen=True)
class HeaderModel:
    """Softmax weights over :func:`features`, the labels they score, and the embedder they expect."""

    labels: tuple[str, ...]
    vocabularies: tuple[Vocabulary, ...]
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
        return self._softmax(features(texts, embedder, self.vocabularies))

    def _softmax(self, x: np.ndarray) -> np.ndarray:
        z = x @ self.weights.astype(np.float32) + self.bias
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]

    def predict(self, texts: Sequence[str], embedder: Embedder) -> list[str]:
        """The most probable header of each text (ties go to the first label, deterministically)."""
        if not texts:
            return []
        return [self.labels[i] for i in self.probabilities(texts, embedder).argmax(axis=1)]

    def predict_features(self, texts: Sequence[str], views: np.ndarray) -> list[str]:
        """:meth:`predict` with the texts' :func:`embedding_views` already computed (no embedder check)."""
        x = np.hstack([views, *(v.transform(texts) for v in self.vocabularies)])
        return [self.labels[i] for i in self._softmax(x).argmax(axis=1)]

    def to_bytes(self) -> bytes:
        """The ``.npz`` form (weights stored as float16 to keep the package small)."""
        buffer = io.BytesIO()
        blocks = {}
        for i, vocabulary in enumerate(self.vocabularies):
            blocks.update({f"terms_{i}": np.array(vocabulary.terms), f"idf_{i}": vocabulary.idf,
                           f"analyzer_{i}": np.array(vocabulary.analyzer)})
        np.savez_compressed(buffer, labels=np.array(self.labels), weights=self.weights.astype(np.float16),
                            bias=self.bias.astype(np.float32), embedder_id=np.array(self.embedder_id),
                            vocabularies=np.array(len(self.vocabularies)), **blocks)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, card: dict[str, Any] | None = None) -> HeaderModel:
        """Read the ``.npz`` form written by :meth:`to_bytes` (no pickle)."""
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            vocabularies = tuple(Vocabulary(tuple(str(t) for t in npz[f"terms_{i}"]),
                                            npz[f"idf_{i}"].astype(np.float32), str(npz[f"analyzer_{i}"]))
                                 for i in range(int(npz["vocabularies"])))
            return cls(tuple(str(x) for x in npz["labels"]), vocabularies, npz["weights"],
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
