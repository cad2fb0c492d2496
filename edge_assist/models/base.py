"""The three model roles, each one abstract method with the conveniences on the base.

A backend (llama.cpp, onnxruntime, faster-whisper, or a test fake) implements
only ``_stream``/``embed_batch``/``transcribe``; everything a caller uses
(``chat``, ``generate_json``, ``embed``, ``embed_multi``) lives here, so a fake
and a real model behave the same way in every way a caller can see.
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from edge_assist.errors import GenerationCancelled, ModelTaskError, OutputValidationError
from edge_assist.models.manifest import ModelManifest

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    """One chat turn."""

    role: Role
    content: str

    def as_dict(self) -> dict[str, str]:
        """The OpenAI-style dict llama.cpp's chat formatter takes."""
        return {"role": self.role, "content": self.content}


@dataclass
class GenerationOptions:
    """How to sample. Defaults are deterministic (greedy), for reproducible output.

    Attributes:
        max_tokens: upper bound on generated tokens.
        temperature: 0 means greedy decoding.
        stop: strings that end generation (not included in the output).
        json_schema: constrain output to JSON matching this schema (grammar-enforced).
        grammar: constrain output to this GBNF grammar instead (ignored with ``json_schema``;
            backends without grammars ignore it).
        cancel: set this event from another thread to stop generation.
    """

    max_tokens: int = 512
    temperature: float = 0.0
    top_p: float = 1.0
    stop: list[str] = field(default_factory=list)
    json_schema: dict[str, Any] | None = None
    grammar: str | None = None
    cancel: threading.Event | None = None
    seed: int | None = None


@dataclass(frozen=True)
class Segment:
    """A stretch of transcribed speech."""

    start: float
    end: float
    text: str
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class Word:
    """A word with its timing and probability."""

    start: float
    end: float
    word: str
    probability: float


class BaseModel(ABC):
    """Lifecycle shared by every loaded model: a manifest and deterministic ``close``."""

    manifest: ModelManifest

    def close(self) -> None:  # noqa: B027 - optional hook: most fakes hold nothing
        """Free the native runtime's memory now rather than at garbage collection."""

    def __enter__(self) -> BaseModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def id(self) -> str:
        """The catalog id of this model."""
        return self.manifest.id


class ChatModel(BaseModel):
    """A language model that answers chat messages (or completes raw text)."""

    @abstractmethod
    def _stream(
        self, messages: Sequence[Message] | None, prompt: str | None, options: GenerationOptions
    ) -> Iterator[str]:
        """Yield text pieces for either chat ``messages`` or a raw ``prompt``.

        Args:
            messages: the chat so far (chat-templated models), or None.
            prompt: raw text to continue (completion models), or None.
            options: sampling, stops, schema and cancellation.
        """

    def stream(
        self, messages: Sequence[Message] | str, options: GenerationOptions | None = None
    ) -> Iterator[str]:
        """Stream the reply to ``messages`` (a string is one user message).

        Raises:
            GenerationCancelled: ``options.cancel`` was set mid-generation.
            ModelTaskError: this model has no chat template (a base model).
        """
        if self.manifest.task != "chat":
            raise ModelTaskError(
                f"model {self.id} is a {self.manifest.task} model and has no chat template",
                "pick a chat model (edge-assist models list) or use complete()",
            )
        opts = options or GenerationOptions()
        return self._cancellable(self._serialised(self._stream(_as_messages(messages), None, opts)), opts)

    def chat(self, messages: Sequence[Message] | str, options: GenerationOptions | None = None) -> str:
        """The whole reply to ``messages`` as one string."""
        return "".join(self.stream(messages, options))

    def stream_completion(
        self, prompt: str, options: GenerationOptions | None = None
    ) -> Iterator[str]:
        """Stream the continuation of raw text ``prompt`` (base and chat models)."""
        opts = options or GenerationOptions()
        return self._cancellable(self._serialised(self._stream(None, prompt, opts)), opts)

    def complete(self, prompt: str, options: GenerationOptions | None = None) -> str:
        """Continue ``prompt`` as raw text (works for base and chat models)."""
        return "".join(self.stream_completion(prompt, options))

    def generate_json(
        self,
        messages: Sequence[Message] | str,
        schema: dict[str, Any],
        options: GenerationOptions | None = None,
    ) -> Any:
        """Generate JSON constrained to ``schema`` and validate it before returning.

        The grammar makes invalid JSON unlikely, not impossible (a hit
        ``max_tokens`` truncates it), so the result is always validated.

        Raises:
            OutputValidationError: the output is not JSON or does not match ``schema``.
        """
        opts = options or GenerationOptions()
        opts.json_schema = schema
        text = self.chat(messages, opts)
        return validate_json(text, schema)

    def count_tokens(self, text: str) -> int:
        """Approximate token count (backends override with their tokenizer)."""
        return max(1, len(text) // 4)

    def choice_logprobs(self, messages: Sequence[Message] | str, choices: Sequence[str]) -> list[float]:
        """Log-probability of each choice as the first token of the reply to ``messages``.

        Scoring a closed set of answers ("yes", "no", "maybe") this way reads the model's
        whole belief instead of one greedy sample, so the caller can calibrate it. Each
        choice is scored by its first token (choices should differ in their first token).

        Raises:
            ModelTaskError: this backend cannot score tokens.
        """
        with _generation_lock(self):
            return self._choice_logprobs(_as_messages(messages), choices)

    def _choice_logprobs(self, messages: list[Message], choices: Sequence[str]) -> list[float]:
        """Backends that can read next-token log-probabilities override this."""
        raise ModelTaskError(f"model {self.id} cannot score answer choices",
                             "use a llama.cpp (GGUF) chat model")

    def _serialised(self, pieces: Iterator[str]) -> Iterator[str]:
        """Run one generation at a time on this model, whichever thread asks.

        A native runtime holds one context (KV cache, sampler, batch): two threads
        decoding into it at once corrupt each other's output or crash. The lock is
        taken at the first piece and released when the generation ends or its
        iterator is closed, so every backend, fakes included, gets the guarantee
        (tests/unit/test_load.py drives one model from 8 threads and checks it).
        """
        with _generation_lock(self):
            try:
                yield from pieces
            finally:
                close = getattr(pieces, "close", None)
                if close:
                    close()

    @staticmethod
    def _cancellable(pieces: Iterator[str], options: GenerationOptions) -> Iterator[str]:
        try:
            for piece in pieces:
                if options.cancel is not None and options.cancel.is_set():
                    raise GenerationCancelled("generation cancelled")
                yield piece
        finally:
            close = getattr(pieces, "close", None)
            if close:
                close()


class Embedder(BaseModel):
    """A sentence encoder."""

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed a batch of texts; one vector per text, all of ``dimensions`` length."""

    @property
    def dimensions(self) -> int:
        """Vector length."""
        return int(self.manifest.runtime.get("dimensions", 0))

    def embed(self, text: str) -> list[float]:
        """Embed one text."""
        return self.embed_batch([text])[0]

    def embed_multi(self, texts: Iterable[str], batch_size: int = 32) -> Iterator[list[float]]:
        """Embed many texts lazily, ``batch_size`` at a time."""
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) >= batch_size:
                yield from self.embed_batch(batch)
                batch = []
        if batch:
            yield from self.embed_batch(batch)


class Transcriber(BaseModel):
    """A speech-to-text model."""

    @abstractmethod
    def transcribe(
        self,
        audio: Path,
        language: str | None = None,
        initial_prompt: str | None = None,
        hotwords: str | None = None,
        word_timestamps: bool = False,
        vad_filter: bool = True,
    ) -> Iterator[Segment]:
        """Transcribe an audio file lazily, segment by segment.

        Raises:
            InputError: the file cannot be read or decoded as audio.
        """

    def transcribe_text(self, audio: Path, **kwargs: Any) -> str:
        """The whole transcript as one string."""
        return " ".join(s.text.strip() for s in self.transcribe(audio, **kwargs)).strip()


_LOCK_CREATION = threading.Lock()


def _generation_lock(model: ChatModel) -> threading.Lock:
    """The model's own generation lock, created on first use (backends need not call super)."""
    lock: threading.Lock | None = model.__dict__.get("_generation_lock")
    if lock is None:
        with _LOCK_CREATION:
            lock = model.__dict__.setdefault("_generation_lock", threading.Lock())
    return lock


def _as_messages(messages: Sequence[Message] | str) -> list[Message]:
    if isinstance(messages, str):
        return [Message("user", messages)]
    return list(messages)


def validate_json(text: str, schema: dict[str, Any]) -> Any:
    """Parse ``text`` as JSON and validate it against ``schema``.

    Raises:
        OutputValidationError: not JSON, or not matching the schema.
    """
    import jsonschema

    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OutputValidationError(
            f"model output is not valid JSON ({exc.msg} at char {exc.pos})",
            "raise max_tokens or simplify the schema",
        ) from None
    try:
        jsonschema.validate(value, schema)
    except jsonschema.ValidationError as exc:
        raise OutputValidationError(
            # The validator and path, never the value: it may be patient text.
            f"model output does not match the schema: '{exc.validator}' fails at "
            f"/{'/'.join(str(p) for p in exc.absolute_path)}",
            "the model could not follow this schema; try a larger model",
        ) from None
    return value
