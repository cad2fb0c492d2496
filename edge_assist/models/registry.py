"""The model registry: manifests by id and alias, and the backend that loads each format.

Built-in models are registered exactly like a site's side-loaded ones and
like the fakes the tests use: a manifest plus a backend factory keyed by
``(task, format)``. So the code path a test exercises is the product's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from edge_assist.errors import InputError, ModelLoadError, ModelTaskError, UnknownModelError
from edge_assist.models.base import BaseModel, ChatModel, Embedder, Transcriber
from edge_assist.models.manifest import ModelManifest, builtin_manifests, user_manifests
from edge_assist.models.store import ModelStore
from edge_assist.settings import Settings

Factory = Callable[[ModelManifest, dict[str, Path], Settings], BaseModel]
M = TypeVar("M", bound=BaseModel)

ROLE_TASKS: dict[type[BaseModel], tuple[str, ...]] = {
    ChatModel: ("chat", "completion"),
    Embedder: ("embed",),
    Transcriber: ("transcribe",),
}


def _llama(manifest: ModelManifest, paths: dict[str, Path], settings: Settings) -> BaseModel:
    from edge_assist.models.llama import LlamaChatModel

    return LlamaChatModel(manifest, paths[manifest.primary_file.name], settings)


def _onnx(manifest: ModelManifest, paths: dict[str, Path], settings: Settings) -> BaseModel:
    from edge_assist.models.onnx_encoder import OnnxEmbedder

    return OnnxEmbedder(manifest, paths, settings)


def _whisper(manifest: ModelManifest, paths: dict[str, Path], settings: Settings) -> BaseModel:
    from edge_assist.models.whisper import WhisperTranscriber

    return WhisperTranscriber(manifest, paths, settings)


class Registry:
    """Manifests and backends. One per process (:func:`default_registry`); tests may make more."""

    def __init__(self) -> None:
        self._manifests: dict[str, ModelManifest] = {}
        self._aliases: dict[str, str] = {}
        self._factories: dict[tuple[str, str], Factory] = {}
        self._lock = threading.Lock()

    # -- registration ---------------------------------------------------------------------
    def register(self, manifest: ModelManifest, replace: bool = False) -> None:
        """Add a manifest; its id and aliases become resolvable.

        Raises:
            InputError: the id or an alias is taken (unless ``replace``).
        """
        with self._lock:
            names = [manifest.id, *manifest.aliases]
            for name in names:
                owner = self._aliases.get(name.lower())
                if owner and owner != manifest.id and not replace:
                    raise InputError(
                        f"model name {name!r} is already used by {owner}",
                        "choose another --id or --alias",
                    )
            self._manifests[manifest.id] = manifest
            for name in names:
                self._aliases[name.lower()] = manifest.id

    def unregister(self, model_id: str) -> None:
        """Remove a manifest and its aliases."""
        with self._lock:
            self._manifests.pop(model_id, None)
            self._aliases = {k: v for k, v in self._aliases.items() if v != model_id}

    def register_backend(self, task: str, fmt: str, factory: Factory) -> None:
        """Say which factory loads models of ``task`` stored in ``fmt``."""
        self._factories[(task, fmt)] = factory

    # -- lookup ---------------------------------------------------------------------------
    def manifests(self) -> list[ModelManifest]:
        """Every registered manifest, by task then id."""
        return sorted(self._manifests.values(), key=lambda m: (m.task, m.id))

    def get(self, name: str) -> ModelManifest:
        """The manifest for an id or alias (case-insensitive).

        Raises:
            UnknownModelError: nothing is called ``name``; the message lists what exists.
        """
        model_id = self._aliases.get(name.lower())
        if model_id is None:
            known = ", ".join(m.id for m in self.manifests())
            raise UnknownModelError(
                f"unknown model {name!r}", f"available models: {known}"
            )
        return self._manifests[model_id]

    def aliases_of(self, model_id: str) -> list[str]:
        """Every name that resolves to ``model_id`` other than the id itself."""
        return sorted(k for k, v in self._aliases.items() if v == model_id and k != model_id.lower())

    # -- loading --------------------------------------------------------------------------
    def load(self, name: str, role: type[M], settings: Settings, store: ModelStore) -> M:
        """Verify and load the model called ``name`` for ``role``.

        Raises:
            UnknownModelError, ModelTaskError, ModelNotInstalledError,
            ModelIntegrityError, ModelLoadError.
        """
        manifest = self.get(name)
        tasks = ROLE_TASKS[role]
        if manifest.task not in tasks:
            raise ModelTaskError(
                f"model {manifest.id} is a {manifest.task} model, not a {tasks[0]} model",
                f"choose a {tasks[0]} model: " + ", ".join(
                    m.id for m in self.manifests() if m.task in tasks),
            )
        factory = self._factories.get((manifest.task, manifest.format))
        if factory is None:
            raise ModelLoadError(
                f"no backend loads {manifest.format} {manifest.task} models",
                "install edge-assist with its runtime dependencies",
            )
        paths = store.paths(manifest, verify=settings.models.verify)
        model = factory(manifest, paths, settings)
        if not isinstance(model, role):
            raise ModelLoadError(f"backend for {manifest.id} returned {type(model).__name__}")
        return model


def make_default_registry(store: ModelStore | None = None) -> Registry:
    """A registry with the built-in catalog, the real backends and the site's models."""
    registry = Registry()
    for manifest in builtin_manifests():
        registry.register(manifest)
    if store is not None:
        for manifest in user_manifests(store.user_catalog_dir()):
            registry.register(manifest, replace=True)
    registry.register_backend("chat", "gguf", _llama)
    registry.register_backend("completion", "gguf", _llama)
    registry.register_backend("embed", "onnx", _onnx)
    registry.register_backend("transcribe", "ct2", _whisper)
    return registry


_default: Registry | None = None
_default_lock = threading.Lock()


def default_registry() -> Registry:
    """The process-wide registry (built on first use from the current settings' store)."""
    global _default
    with _default_lock:
        if _default is None:
            from edge_assist.settings import get_settings

            _default = make_default_registry(ModelStore(get_settings().model_store))
        return _default


def reset_default_registry() -> None:
    """Drop the process-wide registry (tests, and after ``models add``)."""
    global _default
    with _default_lock:
        _default = None
