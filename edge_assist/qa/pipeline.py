"""Cited answers: quoted evidence units by default, a checked model draft on request.

The default (``mode="evidence"``) answers with the guideline units that state the
answer, quoted as written and cited, or abstains when no unit addresses the question
(:mod:`edge_assist.qa.compose`); the LLM may only condense those units, and its
sentence is shown only when the unit entails it (:mod:`edge_assist.qa.rephrase`).

``mode="draft"`` is the older path, kept for the PubMedQA-style evals: the model drafts; the evidence decides.
Every draft sentence is scored
against the passage it cites (:mod:`edge_assist.qa.support`); unsupported
sentences are removed from the answer (and kept, flagged, in
``Answer.sentences``), and when too little of the draft survives, the
assistant abstains and shows the closest passages instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from edge_assist.errors import InputError, ModelTaskError
from edge_assist.index.search import terms
from edge_assist.index.store import DEFAULT_COLLECTION, EvidenceIndex
from edge_assist.index.types import SearchHit
from edge_assist.models.base import ChatModel, Embedder, GenerationOptions, Message
from edge_assist.qa import support, verdict
from edge_assist.qa.prompt import (
    INSUFFICIENT,
    PROMPT_CHARS,
    build_messages,
    defuse,
    flatten,
    select_sentences,
    trim,
)
from edge_assist.qa.types import ABSTAIN_TEXT, Answer, Citation, SentenceSupport

MAX_QUESTION_CHARS = 2000
MIN_COVERAGE = 0.3  # share of the question's content words found in the passage
MIN_SIMILARITY = 0.5  # MiniLM cosine; unrelated clinical text scores about 0.0-0.3
MIN_SUPPORTED_SHARE = 0.5
# The draft must open with a word: the 0.5B model, echoing the "[1] (Section) text" layout of the
# prompt, answered 16 of 24 PubMedQA questions with citation markers alone ("[1] [2]"); see _draft_stream.
PROSE = r"root ::= [A-Za-z]+ [ ,] [^\x00]*"
OnToken = Callable[[str], None]


@dataclass
class AskOptions:
    """Knobs of one question.

    Attributes:
        k: passages given to the model (and shown).
        extractive: no LLM at all (evidence units only, never a rephrasing).
        mode: ``evidence`` (answers are quoted evidence units) or ``draft`` (the model writes,
            each sentence checked against its passage).
        long: a longer answer (more units, up to ``compose.LONG_WORDS`` words).
        rephrase: let the LLM condense the chosen units (shown only when entailed).
        max_tokens: cap on the drafted answer.
        prompt_chars: characters of evidence quoted to the model, all passages together
            (their sentences most relevant to the question; see ``prompt.select_sentences``).
        verdict: for a yes/no question, lead the answer with yes / no / maybe scored from
            the model's token probabilities (:mod:`edge_assist.qa.verdict`).
    """

    k: int = 3
    extractive: bool = False
    mode: str = "evidence"  # or "draft": the model writes, the support check filters
    long: bool = False
    rephrase: bool = False
    max_tokens: int = 160
    prompt_chars: int = PROMPT_CHARS
    collection: str = DEFAULT_COLLECTION
    verdict: bool = True


def check_question(question: str) -> str:
    """The question, stripped.

    Raises:
        InputError: empty, or longer than :data:`MAX_QUESTION_CHARS`.
    """
    q = question.strip()
    if not q:
        raise InputError("the question is empty", "type a clinical question")
    if len(q) > MAX_QUESTION_CHARS:
        raise InputError(f"the question is {len(q):,} characters; the limit is {MAX_QUESTION_CHARS:,}",
                         "ask a shorter question (put long notes through extraction instead)")
    return q


def is_strong(question: str, hit: SearchHit) -> bool:
    """Whether a passage is worth answering from: enough question words, or a close vector."""
    wanted = {w[:6] for w in terms(question)}
    found = support.stems(f"{hit.title} {hit.section} {hit.text}")
    coverage = len(wanted & found) / len(wanted) if wanted else 0.0
    return coverage >= MIN_COVERAGE or hit.similarity >= MIN_SIMILARITY


def retrieve(question: str, index: EvidenceIndex, embedder: Embedder,
             options: AskOptions) -> tuple[list[SearchHit], list[SearchHit]]:
    """(passages strong enough to answer from, the closest passages whatever their strength)."""
    hits = index.search(question, embedder, options.collection, k=options.k * 2)
    strong = [h for h in hits if is_strong(question, h)][: options.k]
    return strong, hits[: options.k]


def ask(question: str, index: EvidenceIndex, embedder: Embedder, llm: ChatModel | None,
        options: AskOptions | None = None, on_token: OnToken | None = None) -> Answer:
    """Answer ``question`` from the index, with citations, support and abstention.

    Raises:
        InputError: empty or over-long question.
        IndexNotBuiltError: the collection does not exist.
    """
    opts = options or AskOptions()
    q = check_question(question)
    if opts.mode == "evidence":
        from edge_assist.qa.answer import answer_from_units

        return answer_from_units(q, index, embedder, None if opts.extractive else llm, opts)
    started = time.perf_counter()
    strong, closest = retrieve(q, index, embedder, opts)
    timings = {"retrieve": time.perf_counter() - started}
    if llm is None:
        raise ModelTaskError("the draft mode needs a chat model", "use the evidence mode (the default)")
    if not strong:
        answer = _abstain(q, closest, "generative")
    else:
        answer = _generate(q, strong, embedder, llm, opts, on_token, timings)
    answer.timings = timings | {"total": time.perf_counter() - started}
    return answer


def _citation(n: int, hit: SearchHit) -> Citation:
    return Citation(n, hit.source, hit.title, hit.section, hit.doi, hit.url, hit.text, hit.score,
                    hit.similarity, hit.chunk_id, hit.pack, hit.licence)


def _abstain(question: str, closest: list[SearchHit], mode: str, draft: str = "",
             sentences: list[SentenceSupport] | None = None) -> Answer:
    return Answer(question, ABSTAIN_TEXT, True, [_citation(n, h) for n, h in enumerate(closest, 1)],
                  sentences or [], mode, draft=draft)


@dataclass
class _Evidence:
    """The passages as the model sees them and the checker scores them."""

    hits: list[SearchHit]
    passages: list[str]  # defused full text, what support is scored against
    sentences: list[list[str]]
    vectors: list[list[list[float]]]  # per passage, per sentence
    excerpts: list[str]  # what is quoted in the prompt


def _evidence(question: str, hits: list[SearchHit], embedder: Embedder, budget: int) -> _Evidence:
    """The passages to quote, cut to their sentences most relevant to ``question``.

    The question and every passage sentence are embedded once: the vectors choose what to
    quote and are reused by the support check. Passages none of whose sentences is chosen are
    dropped, so the numbers the model sees are the citation numbers.
    """
    passages = [defuse(h.text) for h in hits]
    sentences = [support.split_sentences(p) for p in passages]
    flat = [s for sents in sentences for s in sents]
    vectors = embedder.embed_batch([question, *flat])
    qvec, spans, start = vectors[0], [], 1
    for sents in sentences:
        spans.append(vectors[start:start + len(sents)])
        start += len(sents)
    wanted = support.stems(question)
    relevance = [[support.semantic_support(qvec, [v]) + support.LEXICAL_WEIGHT * _overlap(wanted, s)
                  for s, v in zip(sents, vecs, strict=True)] for sents, vecs in zip(sentences, spans,
                                                                                      strict=True)]
    picks = select_sentences(sentences, relevance, budget)
    keep = [i for i, p in enumerate(picks) if p] or [0]
    excerpts = [" ".join(flatten(sentences[i][j]) for j in picks[i]) or trim(passages[i], question, budget)
                for i in keep]
    return _Evidence([hits[i] for i in keep], [passages[i] for i in keep],
                     [sentences[i] for i in keep], [spans[i] for i in keep], excerpts)


def _overlap(wanted: set[str], sentence: str) -> float:
    return len(wanted & support.stems(sentence)) / len(wanted) if wanted else 0.0


def _generate(question: str, hits: list[SearchHit], embedder: Embedder, llm: ChatModel,
              opts: AskOptions, on_token: OnToken | None, timings: dict[str, float]) -> Answer:
    t0 = time.perf_counter()
    evidence = _evidence(question, hits, embedder, opts.prompt_chars)
    messages = build_messages(question, evidence.hits, excerpts=evidence.excerpts)
    timings["prepare"] = time.perf_counter() - t0
    pieces: list[str] = []
    for piece in _draft_stream(llm, messages, opts.max_tokens):
        if not pieces:
            timings["first_token"] = timings["retrieve"] + time.perf_counter() - t0
        pieces.append(piece)
        if on_token:
            on_token(piece)
    draft = "".join(pieces).strip()
    timings["generate"] = time.perf_counter() - t0 - timings["prepare"]
    t1 = time.perf_counter()
    answer = _check(question, draft, evidence, embedder)
    answer.model = llm.id
    timings["check"] = time.perf_counter() - t1
    if opts.verdict and not answer.abstained and verdict.is_yes_no(question) and verdict.enabled_for(llm.id):
        t2 = time.perf_counter()
        _add_verdict(answer, llm, messages)
        timings["verdict"] = time.perf_counter() - t2
    return answer


def _draft_stream(llm: ChatModel, messages: list[Message], max_tokens: int) -> Iterator[str]:
    """The draft's pieces; restarted under the :data:`PROSE` grammar when it opens with no word.

    The grammar costs time on every token (llama.cpp checks the whole vocabulary against
    it), so it is only paid when the model was about to answer with bare markers; the
    restart re-uses the prompt's KV cache, so it costs the first token, not the prompt.
    """
    stream = llm.stream(messages, GenerationOptions(max_tokens=max_tokens))
    first = next(stream, "")
    if not first.lstrip()[:1].isalpha():
        stream.close()
        stream = llm.stream(messages, GenerationOptions(max_tokens=max_tokens, grammar=PROSE))
        first = next(stream, "")
    if first:
        yield first
        yield from stream


def _add_verdict(answer: Answer, llm: ChatModel, messages: list[Message]) -> None:
    """Yes / no / maybe for a yes/no question that the evidence answered, scored as the eval scores it.

    The label is read from the same evidence prompt, in the way (direct or reason-first) and
    with the bias that the model's calibration was fitted and checked with on PubMedQA. It
    runs after the draft has streamed, so it adds to the total time, not to the time to
    first token, and the evidence's KV cache is reused. Backends that cannot score tokens
    leave the answer as it is.
    """
    try:
        decided = verdict.decide(llm, messages)
    except ModelTaskError:
        return
    answer.verdict = decided.label
    answer.verdict_probabilities = decided.probabilities
    answer.text = f"{verdict.lead(decided)}\n{answer.text}"


def _check(question: str, draft: str, evidence: _Evidence, embedder: Embedder) -> Answer:
    hits = evidence.hits
    if not draft or INSUFFICIENT.lower() in draft.lower():
        return _abstain(question, hits, "generative", draft)
    drafts = _once(support.parse_draft(draft))
    vectors = embedder.embed_batch([d.text for d in drafts]) if drafts else []
    scored = [_score_one(d, v, evidence, question) for d, v in zip(drafts, vectors, strict=True)]
    if scored and support.unfinished(draft):
        scored[-1].supported = False  # cut off by the token budget: its end is not known
    kept = [s for s in scored if s.supported]
    if not kept or len(kept) / len(scored) < MIN_SUPPORTED_SHARE:
        return _abstain(question, hits, "generative", draft, scored)
    used = sorted({n for s in kept for n in s.citations})
    text = " ".join(f"{s.text} " + "".join(f"[{n}]" for n in s.citations) for s in kept)
    return Answer(question, text, False, [_citation(n, hits[n - 1]) for n in used], scored,
                  "generative", draft=draft)


def _once(drafts: list[support.Draft]) -> list[support.Draft]:
    """The drafted sentences with repeats left out (small models restate a sentence word for word)."""
    seen: set[str] = set()
    out = []
    for d in drafts:
        if d.text.lower() not in seen:
            seen.add(d.text.lower())
            out.append(d)
    return out


def _score_one(draft: support.Draft, vec: list[float], evidence: _Evidence, question: str) -> SentenceSupport:
    """The sentence's support by the passage it cites (or, uncited, by the passage that supports it best)."""
    passages = evidence.passages
    cited = [n for n in draft.cited if 1 <= n <= len(passages)]
    candidates = cited or list(range(1, len(passages) + 1))
    best: SentenceSupport | None = None
    echo = support.echoes(question, draft.text)
    for n in candidates:
        result = _support_by(draft, vec, evidence, n, bool(cited), echo, question)
        if best is None or (result.supported, result.score) > (best.supported, best.score):
            best = result
    assert best is not None
    return best


def _support_by(draft: support.Draft, vec: list[float], evidence: _Evidence, n: int,
                cited: bool, echo: bool, question: str) -> SentenceSupport:
    """Support of one sentence by passage ``n``: overlap and similarity, then the cues that veto them.

    Vetoes: a number the passage lacks; a flipped polarity or direction, or a question or aim
    stated as a finding (``support.contradicts``, against the closest passage sentence); a
    sentence that is itself a question (it states nothing); and, for a sentence that only
    restates the question (whatever kind of question), anything short of that passage
    sentence saying it nearly word for word; and a word of the question that the sentence
    states but the passage sentences it rests on do not (``support.grafted``).
    """
    passage = evidence.passages[n - 1]
    lexical = support.lexical_support(draft.text, passage)
    closest, semantic = support.best_match(vec, evidence.vectors[n - 1])
    sentences = evidence.sentences[n - 1]
    aligned = sentences[closest] if closest >= 0 else ""
    numbers_ok = support.numbers_supported(draft.text, passage)
    worded = support.closest_in_words(draft.text, sentences)  # embeddings may pick another sentence
    flipped = bool(aligned) and (support.contradicts(draft.text, aligned)
                                 or support.states_aim(draft.text, worded)
                                 or support.drops_qualifier(draft.text, worded))
    score = support.combine(lexical, semantic)
    window = " ".join(sentences[max(closest - 1, 0):closest + 1])  # "A score of 3 ..." needs "CURB-65 ..."
    around = " ".join(sentences[max(closest - 1, 0):closest + 2])
    ok = (numbers_ok and not flipped and score >= support.SUPPORT_THRESHOLD and not support.asks(draft.text)
          and not support.grafted(draft.text, question, around)
          and lexical >= support.MIN_LEXICAL
          and (not echo or support.lexical_support(draft.text, window) >= support.ECHO_MIN_ALIGNED))
    return SentenceSupport(draft.text, [n], round(score, 3), round(lexical, 3), round(semantic, 3), ok, cited,
                           numbers_ok, not flipped)
