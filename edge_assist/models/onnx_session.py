"""What the ONNX encoder and classifier share: the CPU session they run on and the feeds they take.

One place for the session options, because each was learned the hard way:
intra-op threads as asked, one inter-op thread, warnings only, and memory
patterns off (onnxruntime plans and keeps one per input shape; sentence batches
come in ever new (batch, length) shapes, so that cache only grew: +42 MB in
``bench load``, none once off, at no measurable speed cost: 256 sentences 2.45 s
with, 2.49 s without).
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from pathlib import Path
from typing import Any


def cpu_session(model: Path, n_threads: int) -> Any:
    """An onnxruntime session of ``model`` on the CPU (``n_threads`` 0: onnxruntime's default)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = n_threads
    opts.inter_op_num_threads = 1
    opts.enable_mem_pattern = False
    opts.log_severity_level = 3
    return ort.InferenceSession(str(model), sess_options=opts, providers=["CPUExecutionProvider"])


def padded_feeds(encodings: Sequence[Any], inputs: Container[str]) -> dict[str, Any]:
    """``input_ids`` and ``attention_mask`` padded to the longest encoding (int64), and zero
    ``token_type_ids`` when the graph takes them (``inputs``: the graph's input names)."""
    import numpy as np

    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, enc in enumerate(encodings):
        ids[row, : len(enc.ids)] = enc.ids
        mask[row, : len(enc.ids)] = 1
    feeds = {"input_ids": ids, "attention_mask": mask}
    if "token_type_ids" in inputs:
        feeds["token_type_ids"] = np.zeros_like(ids)
    return feeds
