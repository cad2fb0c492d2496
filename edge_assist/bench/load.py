"""``edge-assist bench load``: many sequential asks, then concurrent callers, with memory and errors.

The question the issue asks is whether one long-lived ``Assistant`` holds up:
N sequential :meth:`~edge_assist.assistant.Assistant.ask` calls, then C
threads sharing that one object, each asking in turn. It records every error
by type, latency percentiles per phase, and resident memory (RSS, psutil) at
start, after a warm-up and at the end: growth after the warm-up is the leak
signal (model loading and first allocations happen during the warm-up, so they
do not count as growth).

Two warm-ups are reported. The first ``warmup`` sequential asks load the
models and draft every answer with the LLM whatever ``llm_every`` says, so each
question of the mix has reached the chat model once: llama.cpp's memory grows
with the longest prompt it has seen (KV cache and buffers are touched lazily),
which is working set, not a leak (``rss_growth_pct`` is measured from there). Then one
concurrent round runs before the measured rounds (the first time C threads
work; glibc's arenas are capped by
:func:`~edge_assist.models.memory.cap_malloc_arenas`), and
``rss_growth_after_concurrent_warmup_pct`` is measured from after it. The
README's Trust section records what each fix of the growth changed. After
every concurrent round RSS is read twice: as it is, and again after
``malloc_trim(0)`` hands the C heap's free pages back, so the trimmed figure is
memory still held (retained), the untrimmed one includes free memory glibc
kept. Both are reported; neither replaces the other.

An :class:`OverlapProbe` wraps the chat model's ``_stream`` on the instance and
counts generations running inside the model at the same moment. The
base class serialises them (``ChatModel._serialised``), so the peak must be 1;
the bench reports what it saw rather than assuming it.

The questions are a fixed mix: most are answerable from the default
open-medicine guideline pack, a few are outside it (the pipeline should
abstain), so both paths are exercised.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from edge_assist.bench.child import in_child

if TYPE_CHECKING:
    from edge_assist.assistant import Assistant

Progress = Callable[[str], None]

QUESTIONS = (
    "What is the first-line treatment for an acute gout flare?",
    "Which CURB-65 score suggests hospital admission for pneumonia?",
    "How is acute kidney injury defined by creatinine?",
    "What blood pressure target is recommended for adults with hypertension?",
    "How is sepsis defined in the Sepsis-3 consensus?",
    "When should anticoagulation be started in atrial fibrillation based on CHA2DS2-VASc?",
    "What are the criteria for diagnosing diabetic ketoacidosis?",
    "Which patients with acute ischemic stroke are eligible for intravenous alteplase?",
    "What is the initial fluid management in acute pancreatitis?",
    "How is COPD severity graded by spirometry?",
    "What NEWS2 score should trigger an urgent clinical response?",
    "Which statin intensity is recommended after an acute coronary syndrome?",
    # outside the default pack: the pipeline should abstain or answer narrowly
    "What is the recommended dose of isotretinoin for severe acne?",
    "How should a scaphoid fracture be immobilised?",
    "What vaccines are recommended before travel to sub-Saharan Africa?",
    "What is the treatment of head lice in children?",
)


@dataclass
class Phase:
    """Latencies and errors of one phase (sequential or concurrent)."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    abstained: int = 0
    wall_s: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, seconds: float, abstained: bool | None, error: str = "") -> None:
        """Add one call's outcome (thread-safe)."""
        with self._lock:
            self.latencies.append(seconds)
            if error:
                self.errors[error] += 1
            elif abstained:
                self.abstained += 1

    def summary(self) -> dict[str, Any]:
        """Counts and latency percentiles, flattened with the phase name as prefix."""
        p = percentiles(self.latencies)
        return {
            f"{self.name}_{k}": v
            for k, v in {
                "calls": len(self.latencies),
                "errors": sum(self.errors.values()),
                "error_types": dict(self.errors),
                "abstained": self.abstained,
                "wall_s": round(self.wall_s, 1),
                **p,
            }.items()
        }


class OverlapProbe:
    """Counts generations running inside one chat model at the same moment."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.active = 0
        self.peak = 0
        self.generations = 0

    def install(self, model: Any) -> OverlapProbe:
        """Wrap ``model._stream`` on the instance (the innermost call that drives the runtime)."""
        inner = model._stream

        def probed(*args: Any, **kwargs: Any) -> Iterator[str]:
            self._enter()
            try:
                yield from inner(*args, **kwargs)
            finally:
                self._leave()

        model._stream = probed
        return self

    def _enter(self) -> None:
        with self._lock:
            self.active += 1
            self.generations += 1
            self.peak = max(self.peak, self.active)

    def _leave(self) -> None:
        with self._lock:
            self.active -= 1


def percentiles(values: list[float]) -> dict[str, float]:
    """p50, p95, p99 and max of ``values`` in seconds (empty: zeros)."""
    if not values:
        return {"p50_s": 0.0, "p95_s": 0.0, "p99_s": 0.0, "max_s": 0.0}
    cuts = [values[0]] * 99 if len(values) == 1 else statistics.quantiles(values, n=100, method="inclusive")
    return {
        "p50_s": round(cuts[49], 4),
        "p95_s": round(cuts[94], 4),
        "p99_s": round(cuts[98], 4),
        "max_s": round(max(values), 4),
    }


def rss_mb() -> float:
    """This process's resident memory in MB."""
    import psutil

    return round(psutil.Process().memory_info().rss / 2**20, 1)


def _one(assistant: Assistant, question: str, phase: Phase, extractive: bool = False) -> None:
    start = time.perf_counter()
    try:
        answer = assistant.ask(question, extractive=extractive, draft=not extractive)
    except Exception as exc:  # a load test counts failures; it must not stop at the first
        phase.record(time.perf_counter() - start, None, type(exc).__name__)
        return
    phase.record(time.perf_counter() - start, answer.abstained)


def sequential(
    assistant: Assistant,
    asks: int,
    warmup: int,
    progress: Progress | None = None,
    every: int = 50,
    llm_every: int = 1,
) -> tuple[Phase, float, list[float]]:
    """``asks`` asks one after another; the first ``warmup`` and then every ``llm_every``-th use the LLM.

    Returns:
        The phase, RSS (MB) right after the first ``warmup`` asks, and RSS every ``every`` asks.
    """
    phase, rss_warm, trace = Phase("sequential"), rss_mb(), []
    start = time.perf_counter()
    for n in range(asks):
        extractive = n >= warmup and n % llm_every != 0
        _one(assistant, QUESTIONS[n % len(QUESTIONS)], phase, extractive=extractive)
        if n + 1 == warmup:
            rss_warm = rss_mb()
        if (n + 1) % every == 0:
            trace.append(rss_mb())
            if progress:
                progress(
                    f"sequential {n + 1}/{asks}, p50 {percentiles(phase.latencies)['p50_s']} s, "
                    f"errors {sum(phase.errors.values())}, rss {trace[-1]} MB"
                )
    phase.wall_s = time.perf_counter() - start
    return phase, rss_warm, trace


def concurrent(
    assistant: Assistant,
    callers: int,
    per_caller: int,
    progress: Progress | None = None,
    llm_every: int = 1,
    phase: Phase | None = None,
) -> Phase:
    """``callers`` threads sharing ``assistant``, each asking ``per_caller`` questions.

    Every caller's first ask uses the LLM (so all of them want it at the same moment), then
    every ``llm_every``-th. Pass ``phase`` to add another round to it.
    """
    phase = phase or Phase("concurrent")
    gate = threading.Barrier(callers)

    def caller(i: int) -> None:
        gate.wait()
        for n in range(per_caller):
            _one(assistant, QUESTIONS[(i * 7 + n) % len(QUESTIONS)], phase, extractive=n % llm_every != 0)

    threads = [threading.Thread(target=caller, args=(i,), name=f"load-caller-{i}") for i in range(callers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    phase.wall_s += time.perf_counter() - start
    if progress:
        progress(
            f"concurrent {callers}x{per_caller} done in {phase.wall_s:.0f} s, "
            f"errors {sum(phase.errors.values())}"
        )
    return phase


def run_load(
    assistant: Assistant,
    asks: int = 1000,
    callers: int = 8,
    per_caller: int = 25,
    warmup: int = 20,
    progress: Progress | None = None,
    llm_every: int = 1,
    rounds: int = 1,
    concurrent_warmup: bool = True,
    trim: bool = True,
) -> dict[str, Any]:
    """Drive ``assistant`` with sequential then concurrent asks; one result row.

    Args:
        assistant: an open Assistant (its index must exist).
        asks: sequential asks (the first ``warmup`` of them count, but RSS growth is measured after).
        callers: concurrent threads sharing ``assistant``.
        per_caller: asks per thread.
        warmup: asks before the reference RSS is taken (all drafted by the LLM).
        progress: called with a one-line status now and then.
        llm_every: 1: every ask drafts with the LLM; K: every K-th does, the others are
            extractive (retrieval, support check and citations, no LLM), for a machine where
            a thousand LLM answers would take too long.
        rounds: how many times the concurrent phase runs; RSS is taken after each, which
            tells a one-off step (threads' first allocations) from steady growth.
        concurrent_warmup: run one concurrent round (its own phase, errors counted) before
            the measured rounds, as the reference for ``rss_growth_after_concurrent_warmup_pct``.
        trim: after each concurrent round, also read RSS after ``malloc_trim(0)``.

    Returns:
        Errors, latency percentiles, RSS (start, after each warm-up, after each round with and
        without trimming, end, growth %) and the peak number of generations seen inside the
        chat model at once.
    """
    from edge_assist.models.memory import cap_malloc_arenas

    arena_max = cap_malloc_arenas()  # the Assistant already did; this reports the limit in force
    rss_start = rss_mb()
    probe = OverlapProbe().install(assistant.llm)
    seq, rss_warm, trace = sequential(assistant, asks, min(warmup, asks), progress, llm_every=llm_every)
    rss_sequential = rss_mb()
    threaded = bool(callers and per_caller)
    cwarm = Phase("concurrent_warmup")
    rss_cwarm = rss_cwarm_trimmed = rss_sequential
    if threaded and concurrent_warmup:
        concurrent(assistant, callers, per_caller, progress, llm_every, cwarm)
        rss_cwarm, rss_cwarm_trimmed = _rss_pair(trim)
    conc, rss_rounds, rss_rounds_trimmed = Phase("concurrent"), [], []
    for _ in range(rounds if threaded else 0):
        concurrent(assistant, callers, per_caller, progress, llm_every, conc)
        raw, trimmed = _rss_pair(trim)
        rss_rounds.append(raw)
        rss_rounds_trimmed.append(trimmed)
        if progress:
            progress(f"round {len(rss_rounds)}: rss {raw} MB, after malloc_trim {trimmed} MB")
    # untrimmed, as before trimming was added: the old rss_growth_pct stays comparable
    rss_end = rss_rounds[-1] if rss_rounds else rss_mb()
    errors = sum(seq.errors.values()) + sum(cwarm.errors.values()) + sum(conc.errors.values())
    last, last_trimmed = (rss_rounds[-1], rss_rounds_trimmed[-1]) if rss_rounds else (rss_end, rss_end)
    return {
        "llm": assistant.llm.id,
        "asks": asks,
        "callers": callers,
        "per_caller": per_caller,
        "llm_every": llm_every,
        "rounds": rounds,
        "concurrent_warmup_rounds": int(threaded and concurrent_warmup),
        "malloc_arena_max": arena_max,
        "malloc_trim": trim,
        "errors": errors,
        **seq.summary(),
        **cwarm.summary(),
        **conc.summary(),
        "rss_start_mb": rss_start,
        "rss_warm_mb": rss_warm,
        "rss_after_sequential_mb": rss_sequential,
        "rss_after_concurrent_warmup_mb": rss_cwarm,
        "rss_after_concurrent_warmup_trimmed_mb": rss_cwarm_trimmed,
        "rss_end_mb": rss_end,
        "rss_growth_sequential_pct": _growth(rss_warm, rss_sequential),
        # from after the sequential warm-up to the end: includes the first concurrent step
        "rss_growth_pct": _growth(rss_warm, rss_end),
        # from after the concurrent warm-up round to after the last round, untrimmed and trimmed
        "rss_growth_after_concurrent_warmup_pct": _growth(rss_cwarm, last),
        "rss_growth_after_concurrent_warmup_trimmed_pct": _growth(rss_cwarm_trimmed, last_trimmed),
        "rss_trace_mb": trace,
        "rss_rounds_mb": rss_rounds,
        "rss_rounds_trimmed_mb": rss_rounds_trimmed,
        "llm_generations": probe.generations,
        "llm_max_simultaneous": probe.peak,
    }


def _rss_pair(trim: bool) -> tuple[float, float]:
    """RSS as it is, then after ``malloc_trim(0)`` (the same figure twice when ``trim`` is off)."""
    raw = rss_mb()
    if not trim:
        return raw, raw
    from edge_assist.models.memory import trim as malloc_trim

    malloc_trim()
    return raw, rss_mb()


def _growth(before: float, after: float) -> float:
    return round(100 * (after - before) / before, 2) if before else 0.0


def _stderr(line: str) -> None:
    print(f"[bench load] {time.strftime('%H:%M:%S')} {line}", file=sys.stderr, flush=True)


def _measure(
    asks: int, callers: int, per_caller: int, profile: str | None, llm_every: int, rounds: int
) -> dict[str, Any]:
    from edge_assist.assistant import Assistant

    with Assistant.open(profile=profile) as assistant:
        return {
            "profile": assistant.profile.name,
            **run_load(
                assistant, asks, callers, per_caller, progress=_stderr, llm_every=llm_every, rounds=rounds
            ),
        }


def bench_load(
    asks: int = 1000,
    concurrency: int = 8,
    per_caller: int = 25,
    profile: str | None = None,
    llm_every: int = 1,
    rounds: int = 1,
) -> list[dict[str, Any]]:
    """One row: the load run in a fresh process (so its RSS is the Assistant's alone)."""
    return [
        in_child(
            _measure,
            asks=asks,
            callers=concurrency,
            per_caller=per_caller,
            profile=profile,
            llm_every=llm_every,
            rounds=rounds,
        )
    ]
