"""The ``Answer`` of the evidence mode: chosen units quoted and cited, or an abstention with the closest."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from edge_assist.errors import EdgeAssistError
from edge_assist.index.store import EvidenceIndex
from edge_assist.models.base import ChatModel, Embedder
from edge_assist.qa import compose, rephrase
from edge_assist.qa.types import ABSTAIN_TEXT, Answer, Citation, SentenceSupport

if TYPE_CHECKING:
    from edge_assist.qa.pipeline import AskOptions

CLOSEST = 3  # sections shown with an abstention


def answer_from_units(question: str, index: EvidenceIndex, embedder: Embedder, llm: ChatModel | None,
                      opts: AskOptions) -> Answer:
    """Compose the answer from evidence units; with ``opts.rephrase`` and a model, let it condense them."""
    started = time.perf_counter()
    composed = compose.compose(question, index, embedder, opts.collection, long=opts.long)
    timings = {"retrieve": time.perf_counter() - started}
    mode = "extractive" if opts.extractive else "evidence"
    if composed.abstained:
        closest = composed.sections[:CLOSEST]
        answer = Answer(question, ABSTAIN_TEXT, True, [_citation(n, s) for n, s in enumerate(closest, 1)],
                        [], mode, reason=composed.reason)
    else:
        answer = _answered(question, composed, llm if opts.rephrase else None, mode, timings)
    answer.timings = timings | {"total": time.perf_counter() - started}
    return answer


def _answered(question: str, composed: compose.Composed, llm: ChatModel | None, mode: str,
              timings: dict[str, float]) -> Answer:
    """One line per chosen unit, each with the number of its section; sections numbered as first cited."""
    numbers: dict[int, int] = {}
    for s in composed.chosen:
        numbers.setdefault(s.unit.source, len(numbers) + 1)
    sentences, model = [], ""
    for s in composed.chosen:
        n = numbers[s.unit.source]
        text, rewritten = s.unit.shown, False
        if llm is not None:
            t0 = time.perf_counter()
            text, rewritten = _condensed(llm, question, s.unit.shown)
            timings["rephrase"] = timings.get("rephrase", 0.0) + time.perf_counter() - t0
            model = llm.id
        sentences.append(SentenceSupport(text, [n], round(s.score, 3), round(s.unit_coverage, 3),
                                         round(s.similarity, 3), True, cited_by_model=rewritten,
                                         unit=s.unit.shown, kind=s.unit.kind))
    body = " ".join(f"{_ended(x.text)} [{x.citations[0]}]" for x in sentences)
    cited = [composed.sections[src] for src, _ in sorted(numbers.items(), key=lambda kv: kv[1])]
    return Answer(question, body, False, [_citation(n, sec) for n, sec in enumerate(cited, 1)], sentences,
                  mode, model=model)


def _condensed(llm: ChatModel, question: str, unit: str) -> tuple[str, bool]:
    """(the model's sentence, True) when the unit entails it, else (the unit as written, False)."""
    try:
        sentence = rephrase.rephrase(llm, question, unit)
    except EdgeAssistError:
        return unit, False
    if sentence and len(sentence) < len(unit) and rephrase.entails(unit, sentence, question):
        return sentence, True
    return unit, False


def _ended(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", ":", ")")) else f"{text}."


def _citation(n: int, section: compose.Section) -> Citation:
    h = section.hit
    return Citation(n, h.source, h.title, h.section, h.doi, h.url, section.text, h.score, h.similarity,
                    h.chunk_id, h.pack, h.licence)
