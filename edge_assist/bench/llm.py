"""LLM speed: prompt and generation tokens/s through edge-assist vs raw llama-cpp-python.

Both sides load the same GGUF with the same ``Llama`` arguments
(:func:`edge_assist.models.llama.llama_kwargs`), reset the KV cache before each
run (llama.cpp would otherwise reuse the prompt's cache and report absurd
prompt speeds), stream a completion of the same prompt greedily, and time the
first token (prompt processing) and the rest (generation).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from edge_assist.bench.child import in_child

PROMPT_SEED = (
    "Patient is a 67-year-old man with hypertension, type 2 diabetes and chronic kidney disease "
    "stage 3, presenting with two days of productive cough, fever of 38.6 C, respiratory rate 24, "
    "blood pressure 98/60 and new confusion. Urea is 9 mmol/L. "
)
TASK = "\nList the medications commonly used in the care of such patients, one per line:\n1."


def _prompt(repeats: int) -> str:
    return PROMPT_SEED * repeats + TASK


def _timed(pieces: Iterator[str], count: Any) -> tuple[float, float, int]:
    start = time.perf_counter()
    first = None
    text = []
    for piece in pieces:
        if first is None:
            first = time.perf_counter()
        text.append(piece)
    end = time.perf_counter()
    return (first or end) - start, end - (first or end), count("".join(text))


def _measure(model_id: str, side: str, n_gen: int, repeats: int, runs: int) -> dict[str, Any]:
    from edge_assist.models import ChatModel, GenerationOptions, get_model
    from edge_assist.models.llama import llama_kwargs
    from edge_assist.settings import load_settings

    settings = load_settings()
    model = get_model(model_id, ChatModel, settings)  # verifies the file once
    prompt = _prompt(repeats)
    raw = None
    if side == "raw":
        from llama_cpp import Llama

        path = str(model._llm.model_path)  # type: ignore[attr-defined]
        model.close()
        raw = Llama(model_path=path, **llama_kwargs(model.manifest, settings))
        llm = raw
    else:
        llm = model._llm  # type: ignore[attr-defined]
    n_prompt = len(llm.tokenize(prompt.encode(), add_bos=True))
    best: tuple[float, float, int] | None = None
    for _ in range(runs):
        llm.reset()
        if raw is not None:
            stream = (c["choices"][0]["text"] for c in raw.create_completion(
                prompt, max_tokens=n_gen, temperature=0.0, stream=True))
        else:
            stream = model.stream_completion(prompt, GenerationOptions(max_tokens=n_gen))
        t_prompt, t_gen, _ = result = _timed(
            stream, lambda s: len(llm.tokenize(s.encode(), add_bos=False)))
        if best is None or t_prompt + t_gen < best[0] + best[1]:
            best = result
    assert best is not None
    t_prompt, t_gen, n_out = best
    return {"model": model_id, "path": "edge-assist" if side == "wrapped" else "raw llama-cpp",
            "threads": llama_kwargs(model.manifest, settings)["n_threads"],
            "prompt_tokens": n_prompt, "prompt_tok_s": round(n_prompt / t_prompt, 1),
            "gen_tokens": n_out, "gen_tok_s": round(max(n_out - 1, 1) / max(t_gen, 1e-9), 1)}


def bench_llm(model: str | None = None, n_gen: int = 128, repeats: int = 6,
              runs: int = 2) -> list[dict[str, Any]]:
    """Rows for edge-assist and raw llama-cpp-python on the same model and settings."""
    from edge_assist.models.profiles import resolve
    from edge_assist.settings import load_settings

    model_id = model or load_settings().models.llm or resolve(load_settings().profile).llm
    return [in_child(_measure, model_id=model_id, side=side, n_gen=n_gen, repeats=repeats,
                     runs=runs) for side in ("wrapped", "raw")]
