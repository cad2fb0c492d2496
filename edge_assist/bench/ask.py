"""Time to first token and total time of ``ask`` on the profile's models and the built index.

Needs the default index (``edge-assist index build-default``). The first
question warms the model (load and hash check are not part of a question's
latency); the rest are timed and reported as medians.
"""

from __future__ import annotations

import statistics
from typing import Any

from edge_assist.bench.child import in_child

QUESTIONS = (
    "What is the first-line treatment for an acute gout flare?",
    "Which CURB-65 score suggests hospital admission for pneumonia?",
    "How is acute kidney injury defined by creatinine?",
    "What blood pressure target is recommended for adults with hypertension?",
)


def _measure(model: str | None) -> dict[str, Any]:
    from edge_assist.assistant import Assistant

    with Assistant() as assistant:
        assistant.ask(QUESTIONS[0], model=model, draft=True)  # warm-up: load, verify, first allocations
        answers = [assistant.ask(q, model=model, draft=True) for q in QUESTIONS[1:]]
        llm = model or assistant.model_id("llm")
    ttft = [a.timings.get("first_token", a.timings["total"]) for a in answers]
    return {"model": llm, "questions": len(answers),
            "ttft_p50_s": round(statistics.median(ttft), 2),
            "total_p50_s": round(statistics.median(a.timings["total"] for a in answers), 2),
            "abstained": sum(a.abstained for a in answers),
            "supported_share": round(statistics.mean(a.supported_share for a in answers), 3)}


def bench_ask(model: str | None = None) -> list[dict[str, Any]]:
    """One row: median time to first token and total time of ``ask``."""
    return [in_child(_measure, model=model)]
