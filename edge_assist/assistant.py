"""The Python API: one object that composes the capabilities over lazily loaded models.

Opening an ``Assistant`` is instant: it reads settings, picks a profile and
turns on the offline guard, but loads no weights. Each model is loaded (and its
SHA-256 checked) the first time a capability needs it, so a script that only
embeds never pays for the LLM.

Example:
    >>> from edge_assist import Assistant
    >>> with Assistant.open(profile="default") as assistant:   # doctest: +SKIP
    ...     print(assistant.chat("What does CURB-65 score?"))
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from edge_assist import logs, offline
from edge_assist.models import get_model
from edge_assist.models.base import (
    BaseModel,
    ChatModel,
    Embedder,
    GenerationOptions,
    Message,
    Segment,
    Transcriber,
)
from edge_assist.models.profiles import Profile, resolve
from edge_assist.models.registry import Registry, default_registry
from edge_assist.settings import Settings, load_settings

M = TypeVar("M", bound=BaseModel)


class Assistant:
    """edge-assist's capabilities behind one object.

    Args:
        settings: configuration; default: loaded from env and the config file.
        registry: model registry; default: the process-wide one.
    """

    def __init__(self, settings: Settings | None = None, registry: Registry | None = None) -> None:
        self.settings = settings or load_settings()
        self.registry = registry or default_registry()
        self.profile: Profile = resolve(self.settings.profile)
        self._models: dict[str, BaseModel] = {}
        self._lock = threading.Lock()
        logs.configure(self.settings.log_level, self.settings.log_patient_text)
        if self.settings.offline_guard:
            offline.enable()

    @classmethod
    def open(cls, profile: str | None = None, **settings: Any) -> Assistant:
        """Open an assistant on a profile (``tiny``, ``default``, ``quality`` or ``auto``).

        Keyword arguments override settings, e.g. ``Assistant.open(log_level="INFO")``.
        No model is loaded until first use.

        Raises:
            ConfigError: an invalid setting or profile.
        """
        if profile is not None:
            settings["profile"] = profile
        return cls(load_settings(**settings))

    # -- models ---------------------------------------------------------------------------
    def model_id(self, role: str) -> str:
        """The model id used for ``role`` ('llm', 'embedder' or 'transcriber')."""
        override = getattr(self.settings.models, role)
        return self.registry.get(override or getattr(self.profile, role)).id

    def _load(self, role: str, cls: type[M]) -> M:
        with self._lock:
            if role not in self._models:
                self._models[role] = get_model(
                    self.model_id(role), cls, self.settings, self.registry
                )
            return self._models[role]  # type: ignore[return-value]

    @property
    def llm(self) -> ChatModel:
        """The chat model (loaded on first use)."""
        return self._load("llm", ChatModel)

    @property
    def embedder(self) -> Embedder:
        """The sentence encoder (loaded on first use)."""
        return self._load("embedder", Embedder)

    @property
    def transcriber(self) -> Transcriber:
        """The speech model (loaded on first use)."""
        return self._load("transcriber", Transcriber)

    # -- primitives the capabilities build on -------------------------------------------------
    def chat(self, message: str | Sequence[Message], options: GenerationOptions | None = None) -> str:
        """Ask the chat model directly (no evidence, no citations)."""
        return self.llm.chat(message, options)

    def stream(
        self, message: str | Sequence[Message], options: GenerationOptions | None = None
    ) -> Iterator[str]:
        """Stream the chat model's reply piece by piece."""
        return self.llm.stream(message, options)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed texts with the profile's encoder."""
        return list(self.embedder.embed_multi(texts))

    def transcribe_segments(self, audio: str | Path, **kwargs: Any) -> Iterator[Segment]:
        """Transcribe an audio file lazily with the profile's speech model."""
        return self.transcriber.transcribe(Path(audio), **kwargs)

    # -- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        """Free every loaded model now."""
        with self._lock:
            for model in self._models.values():
                model.close()
            self._models.clear()

    def __enter__(self) -> Assistant:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
