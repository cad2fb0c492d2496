"""Encoder speed: sentences/s of the ONNX int8 encoder vs sentence-transformers on torch.

The torch side runs only where the ``quantize`` extra is installed (it is
not part of the runtime). Both embed the same sentences with the same batch
size and thread count; the mean cosine between their vectors is reported so
speed is never bought with silently worse embeddings.
"""

from __future__ import annotations

import time
from typing import Any

from edge_assist.bench.child import in_child

SUBJECTS = ("chest pain", "shortness of breath", "fever and cough", "abdominal pain",
            "headache", "syncope", "leg swelling", "confusion")
FINDINGS = ("troponin was elevated", "chest x-ray showed consolidation", "ECG was unremarkable",
            "creatinine rose to 2.1 mg/dL", "D-dimer was negative", "lactate was 3.4 mmol/L")


def sentences(n: int) -> list[str]:
    """``n`` varied, realistic-length clinical sentences (no patient data)."""
    out = []
    for i in range(n):
        out.append(f"A {30 + i % 60}-year-old presented with {SUBJECTS[i % len(SUBJECTS)]}; "
                   f"{FINDINGS[i % len(FINDINGS)]} and the team started treatment on day {i % 7}.")
    return out


def _measure(side: str, model_id: str, n: int, batch: int) -> dict[str, Any]:
    import numpy as np

    from edge_assist.models import Embedder, get_model
    from edge_assist.models.hardware import physical_cores

    texts = sentences(n)
    threads = physical_cores()
    if side == "onnx":
        encoder = get_model(model_id, Embedder)
        encoder.embed_batch(texts[:batch])  # warm-up
        start = time.perf_counter()
        vectors = list(encoder.embed_multi(texts, batch_size=batch))
    else:
        import torch
        from sentence_transformers import SentenceTransformer

        from edge_assist.models.registry import default_registry
        from edge_assist.models.store import resolve_part

        torch.set_num_threads(threads)
        manifest = default_registry().get(model_id)
        tok = next(f for f in manifest.files if f.name == "tokenizer.json")
        folder = resolve_part(tok.parts[0]).parent
        st = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        st.encode(texts[:batch], batch_size=batch)
        start = time.perf_counter()
        vectors = st.encode(texts, batch_size=batch, normalize_embeddings=True).tolist()
    seconds = time.perf_counter() - start
    np.save(f"/tmp/edge-assist-bench-{side}.npy", np.asarray(vectors, dtype=np.float32))
    return {"encoder": "ONNX int8 (edge-assist)" if side == "onnx" else "sentence-transformers (torch fp32)",
            "threads": threads, "sentences": n, "batch": batch,
            "sentences_s": round(n / seconds, 1)}


def bench_encoder(model: str | None = None, n: int = 512, batch: int = 32) -> list[dict[str, Any]]:
    """Rows for ONNX int8 and, when torch is installed, sentence-transformers."""
    import importlib.util

    import numpy as np

    model_id = model or "all-minilm-l6-v2-int8"
    rows = [in_child(_measure, side="onnx", model_id=model_id, n=n, batch=batch)]
    if importlib.util.find_spec("sentence_transformers") and importlib.util.find_spec("torch"):
        rows.append(in_child(_measure, side="torch", model_id=model_id, n=n, batch=batch))
        a = np.load("/tmp/edge-assist-bench-onnx.npy")
        b = np.load("/tmp/edge-assist-bench-torch.npy")
        cos = (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
        rows[0]["cosine_vs_torch_mean"] = round(float(cos.mean()), 4)
        rows[0]["cosine_vs_torch_min"] = round(float(cos.min()), 4)
        rows[0]["speedup_vs_torch"] = round(rows[0]["sentences_s"] / rows[1]["sentences_s"], 2)
    else:
        rows.append({"encoder": "sentence-transformers (torch)", "note": "not installed"})
    return rows
