"""Sentence embeddings on ONNX Runtime: int8 all-MiniLM-L6-v2, no torch.

The session is configured deliberately (as faster-whisper's VAD does): intra-op
threads = physical cores, one inter-op thread, warnings only. Padding is to the
longest text in the batch rather than the tokenizer file's fixed 128, because
short clinical queries would otherwise pay for 128 tokens each.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from edge_assist.errors import ModelLoadError
from edge_assist.models.base import Embedder
from edge_assist.models.hardware import physical_cores
from edge_assist.models.manifest import ModelManifest
from edge_assist.models.onnx_session import cpu_session, padded_feeds
from edge_assist.settings import Settings


class OnnxEmbedder(Embedder):
    """all-MiniLM-style encoder: tokenizer.json + model.onnx, mean pooling, L2 norm."""

    def __init__(self, manifest: ModelManifest, paths: dict[str, Path], settings: Settings) -> None:
        try:
            import onnxruntime  # noqa: F401  (a clear message here if the runtime lacks it)
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - core dependencies
            raise ModelLoadError(f"{exc.name} is not installed", "pip install edge-assist") from None
        self.manifest = manifest
        self.max_length = int(manifest.runtime.get("max_length", manifest.context_length))
        self.normalize = bool(manifest.runtime.get("normalize", True))
        try:
            self._tokenizer = Tokenizer.from_file(str(paths["tokenizer.json"]))
            n_threads = settings.models.n_threads or physical_cores()
            self._session: Any = cpu_session(paths["model.onnx"], n_threads)
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise ModelLoadError(f"could not load {manifest.id}: {exc}".splitlines()[0]) from None
        self._tokenizer.enable_truncation(self.max_length)
        self._tokenizer.no_padding()
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._run_lock = threading.Lock()

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed ``texts`` in one ONNX run."""
        import numpy as np

        if not texts:
            return []
        feeds = padded_feeds(self._tokenizer.encode_batch(list(texts)), self._inputs)
        mask = feeds["attention_mask"]
        with self._run_lock:  # one run at a time: concurrent runs grow the CPU arena per caller (bench load)
            hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        if self.normalize:
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return pooled.astype(np.float32).tolist()

    def close(self) -> None:
        """Release the ONNX session."""
        self._session = None
