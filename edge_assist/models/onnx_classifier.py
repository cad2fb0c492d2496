"""A text classifier on ONNX Runtime (no torch): tokenizer.json + model.onnx + labels.json.

This is how the runtime uses an encoder distilled by :mod:`edge_assist.quantize`
(e.g. the MTS-Dialog note-section classifier): the graph maps token ids to one
logit per label, ``labels.json`` names the labels in column order. Load it from
a model folder or from a registered ``classify`` manifest::

    clf = OnnxClassifier.from_dir(path)          # or .from_registered("mts-section-minilm-int8", store)
    clf.predict(["Doctor: any allergies? ..."])  # -> ["ALLERGY"]
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edge_assist.errors import ModelLoadError
from edge_assist.models.onnx_session import cpu_session, padded_feeds

if TYPE_CHECKING:
    from edge_assist.models.store import ModelStore

REQUIRED = ("model.onnx", "tokenizer.json", "labels.json")


class OnnxClassifier:
    """Sequence classification with onnxruntime; labels from ``labels.json``.

    Args:
        paths: the model's files by name (``model.onnx``, ``tokenizer.json``, ``labels.json``).
        max_length: tokens per text (longer texts are truncated).
        n_threads: onnxruntime intra-op threads (0: onnxruntime's default).
    """

    def __init__(self, paths: dict[str, Path], max_length: int = 256, n_threads: int = 0) -> None:
        import numpy as np  # noqa: F401  (fail early if the runtime lacks it)
        import onnxruntime  # noqa: F401
        from tokenizers import Tokenizer

        missing = [name for name in REQUIRED if name not in paths or not Path(paths[name]).is_file()]
        if missing:
            raise ModelLoadError(f"classifier is missing {', '.join(missing)}", "re-export or re-register it")
        try:
            self.labels: list[str] = list(json.loads(Path(paths["labels.json"]).read_text("utf-8"))["labels"])
            self._tokenizer = Tokenizer.from_file(str(paths["tokenizer.json"]))
            self._session: Any = cpu_session(paths["model.onnx"], n_threads)
        except Exception as exc:  # onnxruntime and tokenizers raise untyped errors
            raise ModelLoadError(f"could not load classifier: {exc}".splitlines()[0]) from None
        self._tokenizer.enable_truncation(max_length)
        self._tokenizer.no_padding()
        self._inputs = {i.name for i in self._session.get_inputs()}

    @classmethod
    def from_dir(cls, folder: Path, **kwargs: Any) -> OnnxClassifier:
        """Load the classifier exported into ``folder``."""
        return cls({name: Path(folder) / name for name in REQUIRED}, **kwargs)

    @classmethod
    def from_registered(cls, model_id: str, store: ModelStore, n_threads: int = 0) -> OnnxClassifier:
        """Load a registered ``classify`` model by id or alias, its files verified against the manifest.

        Raises:
            UnknownModelError / ModelNotInstalledError / ModelIntegrityError: as for any model.
            ModelTaskError: the model is not a classifier.
        """
        from edge_assist.errors import ModelTaskError
        from edge_assist.models.registry import make_default_registry

        manifest = make_default_registry(store).get(model_id)
        if manifest.task != "classify":
            raise ModelTaskError(f"model {manifest.id} is a {manifest.task} model, not a classifier")
        max_length = int(manifest.runtime.get("max_length", manifest.context_length))
        return cls(store.paths(manifest), max_length=max_length, n_threads=n_threads)

    def logits(self, texts: Sequence[str], batch_size: int = 16) -> Any:
        """A (len(texts), len(labels)) float32 array of logits."""
        import numpy as np

        out = [self._run(list(texts[i : i + batch_size])) for i in range(0, len(texts), batch_size)]
        return np.concatenate(out) if out else np.zeros((0, len(self.labels)), np.float32)

    def probabilities(self, texts: Sequence[str]) -> Any:
        """Softmax of :meth:`logits`, one row per text."""
        import numpy as np

        z = self.logits(texts)
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The most likely label of each text."""
        return [self.labels[i] for i in self.logits(texts).argmax(axis=1)] if texts else []

    def _run(self, texts: list[str]) -> Any:
        import numpy as np

        feeds = padded_feeds(self._tokenizer.encode_batch(texts), self._inputs)
        return self._session.run(None, feeds)[0].astype(np.float32)

    def close(self) -> None:
        """Release the ONNX session."""
        self._session = None
