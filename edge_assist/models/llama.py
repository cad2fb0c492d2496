"""Chat and completion on llama.cpp (llama-cpp-python), the runtime of every GGUF model.

This adapter owns one ``llama_cpp.Llama`` and frees it in :meth:`close`
rather than at garbage collection, because a 1 GB model lingering until the GC
runs is what makes a kiosk swap. Threads are the physical cores (llama-cpp's
default is half the logical ones). JSON output goes through our fixed grammar
(see :mod:`edge_assist.models.grammar`) and is validated by the base class.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from edge_assist.errors import ContextTooLongError, ModelLoadError
from edge_assist.logs import get_logger
from edge_assist.models.base import ChatModel, GenerationOptions, Message
from edge_assist.models.hardware import physical_cores
from edge_assist.models.manifest import ModelManifest
from edge_assist.settings import Settings

log = get_logger("models.llama")
PER_MESSAGE_OVERHEAD = 8  # template tokens around each message (role markers, separators)


def llama_kwargs(manifest: ModelManifest, settings: Settings) -> dict[str, Any]:
    """The ``Llama(...)`` arguments edge-assist uses; the bench reuses them for a fair raw run."""
    threads = settings.models.n_threads or physical_cores()
    return {
        "n_ctx": min(settings.models.n_ctx, manifest.context_length),
        "n_threads": threads,
        "n_threads_batch": threads,
        "seed": settings.models.seed,
        "verbose": False,
    }


class LlamaChatModel(ChatModel):
    """A GGUF model on llama.cpp."""

    def __init__(self, manifest: ModelManifest, path: Path, settings: Settings) -> None:
        try:
            from llama_cpp import Llama
        except ImportError:  # pragma: no cover - core dependency
            raise ModelLoadError(
                "llama-cpp-python is not installed", "run the README's setup command"
            ) from None
        self.manifest = manifest
        self.settings = settings
        self._lock = threading.Lock()  # one llama context serves one generation at a time
        try:
            self._llm: Any = Llama(model_path=str(path), **llama_kwargs(manifest, settings))
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelLoadError(
                f"llama.cpp could not load {manifest.id}: {exc}".splitlines()[0],
                f"check the file: edge-assist models verify {manifest.id}",
            ) from None
        self.n_ctx: int = self._llm.n_ctx()

    def count_tokens(self, text: str) -> int:
        """Exact token count with this model's tokenizer."""
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def _check_fits(self, texts: Sequence[str], max_tokens: int) -> None:
        used = sum(self.count_tokens(t) + PER_MESSAGE_OVERHEAD for t in texts)
        if used + max_tokens > self.n_ctx:
            raise ContextTooLongError(
                f"prompt of {used} tokens plus {max_tokens} to generate exceeds the "
                f"{self.n_ctx}-token context of {self.id}",
                "shorten the input or raise models.n_ctx",
            )

    def _stream(
        self, messages: Sequence[Message] | None, prompt: str | None, options: GenerationOptions
    ) -> Iterator[str]:
        texts = [m.content for m in messages] if messages is not None else [prompt or ""]
        self._check_fits(texts, options.max_tokens)
        kwargs = self._sampling(options)
        with self._lock:
            if options.seed is not None:
                self._llm.set_seed(options.seed)
            if messages is not None:
                chunks = self._llm.create_chat_completion(
                    messages=[m.as_dict() for m in messages], stream=True, **kwargs
                )
                for chunk in chunks:
                    piece = chunk["choices"][0]["delta"].get("content")
                    if piece:
                        yield piece
            else:
                for chunk in self._llm.create_completion(prompt=prompt, stream=True, **kwargs):
                    piece = chunk["choices"][0]["text"]
                    if piece:
                        yield piece

    def _sampling(self, options: GenerationOptions) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "max_tokens": options.max_tokens,
            "temperature": options.temperature,
            "top_p": options.top_p,
            "stop": options.stop or None,
        }
        if options.json_schema is not None:
            from llama_cpp import LlamaGrammar

            from edge_assist.models.grammar import schema_to_gbnf

            kwargs["grammar"] = LlamaGrammar.from_string(
                schema_to_gbnf(options.json_schema), verbose=False
            )
        return kwargs

    def close(self) -> None:
        """Free the llama.cpp model and context now (idempotent)."""
        llm, self._llm = getattr(self, "_llm", None), None
        if llm is not None:
            llm.close()
