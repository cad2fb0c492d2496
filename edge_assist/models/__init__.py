"""Models: the catalog, the store that assembles and verifies weights, and the runtimes.

Typical use::

    from edge_assist.models import get_model, ChatModel
    llm = get_model("qwen-0.5b", ChatModel)
    print(llm.chat("Define tachycardia in one sentence."))
"""

from __future__ import annotations

from typing import TypeVar

from edge_assist.models.base import (
    BaseModel,
    ChatModel,
    Embedder,
    GenerationOptions,
    Message,
    Segment,
    Transcriber,
)
from edge_assist.models.manifest import ModelManifest
from edge_assist.models.registry import Registry, default_registry
from edge_assist.models.store import ModelStore
from edge_assist.settings import Settings, get_settings

M = TypeVar("M", bound=BaseModel)

__all__ = [
    "ChatModel",
    "Embedder",
    "GenerationOptions",
    "Message",
    "ModelManifest",
    "ModelStore",
    "Registry",
    "Segment",
    "Transcriber",
    "available_models",
    "get_model",
]


def get_model(
    name: str,
    role: type[M] = ChatModel,  # type: ignore[assignment]
    settings: Settings | None = None,
    registry: Registry | None = None,
) -> M:
    """Load the model called ``name`` (id or alias) for ``role``, verifying its files first.

    Raises:
        UnknownModelError: no such model (the message lists the ones that exist).
        ModelTaskError: the model does another task.
        ModelNotInstalledError: not pulled yet.
        ModelIntegrityError: a file is truncated or tampered.
    """
    settings = settings or get_settings()
    registry = registry or default_registry()
    return registry.load(name, role, settings, ModelStore(settings.model_store))


def available_models(registry: Registry | None = None) -> list[ModelManifest]:
    """Every model the catalog (and the site's side-loaded models) offers."""
    return (registry or default_registry()).manifests()
