"""The answer object: text, citations, per-sentence support, abstention and timings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ABSTAIN_TEXT = "The local evidence does not answer this question."


@dataclass
class Citation:
    """A passage the answer cites (or, when abstaining, one of the closest passages).

    Attributes:
        number: the ``[n]`` used in the answer text.
        snippet: the passage text as stored (verbatim guideline text).
        score: retrieval score (reciprocal rank fusion); similarity: query-passage cosine.
    """

    number: int
    source: str
    title: str
    section: str
    doi: str
    url: str
    snippet: str
    score: float
    similarity: float
    chunk_id: int
    pack: str = ""
    licence: str = ""


@dataclass
class SentenceSupport:
    """How well one answer sentence is supported by the passage(s) it cites.

    Attributes:
        score: combined support in [0, 1] (lexical overlap and embedding similarity).
        cited_by_model: False when the model gave no usable citation and the
            best-supporting passage was attached by the checker.
        numbers_ok: every number in the sentence appears in the cited passage
            (a dose or threshold the evidence does not state is never "supported").
        polarity_ok: the sentence does not negate or reverse the passage sentence it
            paraphrases ("did not reduce" for "reduced"; see ``support.contradicts``).
        unit: in the evidence mode, the evidence unit as written that the sentence quotes
            (or, rephrased, that entails it); kind: ``sentence``, ``item``, ``list``, ``row``
            or ``code``. In that mode ``cited_by_model`` is True only for a rephrased line.
    """

    text: str
    citations: list[int]
    score: float
    lexical: float
    semantic: float
    supported: bool
    cited_by_model: bool = True
    numbers_ok: bool = True
    polarity_ok: bool = True
    unit: str = ""
    kind: str = ""


@dataclass
class Answer:
    """The result of :meth:`edge_assist.assistant.Assistant.ask`.

    Attributes:
        text: the checked answer (unsupported sentences removed), or the
            abstention message.
        abstained: the evidence did not support an answer; ``citations`` then
            holds the closest passages for the reader to judge.
        sentences: every sentence the model wrote, with its support.
        draft: the model's raw output before checking ('' when extractive).
        timings: seconds for ``retrieve``, ``prepare`` (choosing what to quote),
            ``first_token``, ``generate``, ``check``, ``verdict``, ``total``.
        verdict: for a yes/no question that was answered, ``yes``, ``no`` or ``maybe``
            (calibrated; see :mod:`edge_assist.qa.verdict`), and the model's own
            ``verdict_probabilities`` of the three; '' otherwise.
        reason: why the assistant abstained ('' when it answered).
    """

    question: str
    text: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    sentences: list[SentenceSupport] = field(default_factory=list)
    mode: str = "generative"
    model: str = ""
    draft: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    verdict: str = ""
    verdict_probabilities: dict[str, float] = field(default_factory=dict)
    reason: str = ""

    @property
    def supported_share(self) -> float:
        """Share of the drafted sentences the checker found supported (1.0 when none were drafted).

        Only those are kept in ``text``; the rest stay, flagged, in ``sentences``.
        """
        kept = [s for s in self.sentences if s.supported]
        return 1.0 if not self.sentences else len(kept) / len(self.sentences)

    def as_dict(self) -> dict[str, Any]:
        """JSON form (the CLI's ``--json``); the question is left out (it may be patient text)."""
        from edge_assist.qa.units import to_plain

        data = asdict(self)
        data.pop("question")
        for cite in data["citations"]:
            cite["plain"] = to_plain(cite["snippet"])  # the Markdown as clean text: tables, bullets
        data["timings"] = {k: round(v, 3) for k, v in self.timings.items()}
        return data
