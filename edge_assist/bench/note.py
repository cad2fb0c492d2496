"""Seconds per ACI-Bench encounter of ``note`` on the default and quality profiles.

Reads encounters from the ACI-Bench CSV named by ``$EDGE_ASSIST_ACI_CSV``
(the upstream ``valid.csv``), or, without it, the short sample encounter
shipped in ``edge_assist/notes/rules/``. Each profile runs in its own child
process (so peak RSS is that profile's); the first note warms the rules and
lexicons (and loads the LLM), and is not timed.
"""

from __future__ import annotations

import os
import statistics
import time
from importlib import resources
from typing import Any

from edge_assist.bench.child import in_child


def _encounters(n: int) -> list[str]:
    path = os.environ.get("EDGE_ASSIST_ACI_CSV")
    if path:
        import csv
        import sys

        csv.field_size_limit(sys.maxsize)
        with open(path, encoding="utf-8", newline="") as fh:
            rows = [row["dialogue"] for _, row in zip(range(n + 1), csv.DictReader(fh), strict=False)]
        return rows
    sample = (resources.files("edge_assist.notes") / "rules" / "sample_encounter.txt").read_text("utf-8")
    return [sample] * (n + 1)


def _measure(profile: str, writer: str, encounters: int) -> dict[str, Any]:
    from edge_assist.assistant import Assistant
    from edge_assist.errors import EdgeAssistError

    texts = _encounters(encounters)
    try:
        with Assistant.open(profile=profile) as assistant:
            assistant.note(texts[0], template="aci", writer=writer)  # warm-up
            times = []
            for text in texts[1:]:
                started = time.perf_counter()
                assistant.note(text, template="aci", writer=writer)
                times.append(time.perf_counter() - started)
            model = assistant.model_id("llm") if writer != "extractive" else "rules"
    except EdgeAssistError as exc:
        return {"profile": profile, "writer": writer, "error": exc.message}
    return {"profile": profile, "writer": writer, "model": model, "encounters": len(times),
            "s_per_encounter_p50": round(statistics.median(times), 2),
            "s_per_encounter_max": round(max(times), 2),
            "source": "aci-bench csv" if os.environ.get("EDGE_ASSIST_ACI_CSV") else "sample"}


def bench_note(profiles: tuple[str, ...] = ("default", "quality"),
               writers: tuple[str, ...] = ("extractive", "llm"), encounters: int = 3) -> list[dict[str, Any]]:
    """One row per profile and writer: median and max seconds per encounter."""
    return [in_child(_measure, profile=p, writer=w, encounters=encounters)
            for p in profiles for w in writers]
