"""Chat and completion on llama.cpp (llama-cpp-python), the runtime of every GGUF model.

This adapter owns one ``llama_cpp.Llama`` and frees it in :meth:`close`
rather than at garbage collection, because a 1 GB model lingering until the GC
runs is what makes a kiosk swap. Threads are the physical cores (llama-cpp's
default is half the logical ones). JSON output goes through our fixed grammar
(see :mod:`edge_assist.models.grammar`) and is validated by the base class.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from edge_assist.errors import ContextTooLongError, ModelLoadError, ModelTaskError
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
        # No lock here: ChatModel runs one generation at a time per model (base._serialised).
        if options.seed is not None:
            self._llm.set_seed(options.seed)
        try:
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
        finally:
            self._release_sampler()

    def _release_sampler(self) -> None:
        """Free this generation's llama.cpp sampler chain now, not at the next garbage collection.

        llama-cpp-python's ``LlamaSampler`` keeps itself alive through a reference cycle (its
        exit stack's callback closes over it), so each generation's sampler, with its candidate
        buffer of vocabulary x 12 bytes (1.7 MB for Qwen), waited for Python's cycle collector:
        RSS climbed 1.75 MB per generation until a full collection ran (+42 MB after 25 calls),
        which under load looked like memory growth.
        """
        sampler = getattr(self._llm, "_sampler", None)
        if sampler is not None:
            sampler.close()
            self._llm._sampler = None

    def _choice_logprobs(self, messages: list[Message], choices: Sequence[str]) -> list[float]:
        """Log-probability of each choice's first token after the chat-templated ``messages``.

        One forward pass over the prompt, reading the last position's logits (no
        ``logits_all``, which would cost n_ctx x vocabulary floats). The longest prefix
        already in the KV cache is reused, so scoring a follow-up turn after a
        generation on the same messages only evaluates the new tokens.
        """
        import numpy as np

        self._check_fits([m.content for m in messages], 1)
        prompt = self._chat_prompt(messages)
        tokens = self._llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
        firsts = [self._llm.tokenize(c.encode("utf-8"), add_bos=False, special=False)[0] for c in choices]
        self._eval_reusing_prefix(tokens)  # the caller holds the generation lock (base.choice_logprobs)
        logits = np.ctypeslib.as_array(self._llm._ctx.get_logits(), shape=(self._llm.n_vocab(),))
        logits = logits.astype(np.float64)
        top = logits.max()
        log_norm = top + np.log(np.exp(logits - top).sum())
        return [float(logits[t] - log_norm) for t in firsts]

    def _chat_prompt(self, messages: Sequence[Message]) -> str:
        """The prompt text llama.cpp's chat completion would build from the GGUF chat template."""
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        template = self._llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise ModelTaskError(f"model {self.id} has no chat template", "pick a chat model")
        model = self._llm._model
        eos, bos = self._llm.token_eos(), self._llm.token_bos()
        formatter = Jinja2ChatFormatter(template=template,
                                        eos_token=model.token_get_text(eos) if eos != -1 else "",
                                        bos_token=model.token_get_text(bos) if bos != -1 else "")
        return formatter(messages=[m.as_dict() for m in messages]).prompt

    def _eval_reusing_prefix(self, tokens: list[int]) -> None:
        """Evaluate ``tokens``, keeping the KV cache of the prefix they share with the last prompt."""
        llm = self._llm
        shared = 0
        for a, b in zip(llm._input_ids, tokens[:-1], strict=False):
            if a != b:
                break
            shared += 1
        if shared and llm._ctx.kv_cache_seq_rm(-1, shared, -1):
            llm.n_tokens = shared
        else:
            llm.reset()
            shared = 0
        llm.eval(tokens[shared:])

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
        elif options.grammar is not None:
            from llama_cpp import LlamaGrammar

            kwargs["grammar"] = LlamaGrammar.from_string(options.grammar, verbose=False)
        return kwargs

    def close(self) -> None:
        """Free the llama.cpp model and context now (idempotent)."""
        llm, self._llm = getattr(self, "_llm", None), None
        if llm is not None:
            llm.close()
