"""The models the server offers: the catalog's installed chat and embedding models.

A request names a model by id or alias. The Assistant's own model for that role is used as
it is (loaded once, shared with the edge-assist endpoints); another installed catalog model is
loaded on first use, its SHA-256 checked like any load, and kept until the server stops.
A name the catalog does not know, or a model not pulled here, is a 404.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, TypeVar

from edge_assist.errors import EdgeAssistError
from edge_assist.models import get_model
from edge_assist.models.base import BaseModel, ChatModel, Embedder, Transcriber
from edge_assist.serve.errors import ApiError

if TYPE_CHECKING:
    from edge_assist.assistant import Assistant

M = TypeVar("M", bound=BaseModel)
_ROLE: dict[type[BaseModel], tuple[str, tuple[str, ...]]] = {
    ChatModel: ("llm", ("chat",)), Embedder: ("embedder", ("embed",)),
    Transcriber: ("transcriber", ("transcribe",))}
OPENAI_TASKS = ("chat", "embed")


class ModelPool:
    """Resolve request model names and hand out loaded models.

    Args:
        assistant: the Assistant whose registry, settings and models are used.
    """

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self._extra: dict[str, BaseModel] = {}
        self._lock = threading.Lock()

    def resolve(self, name: str, role: type[BaseModel]) -> str:
        """The catalog id ``name`` stands for, checked to do ``role``'s task.

        Raises:
            ApiError: 404 unknown model, 400 a model of another task.
        """
        try:
            manifest = self.assistant.registry.get(name)
        except EdgeAssistError:
            raise ApiError(404, f"The model '{name[:64]}' does not exist", "model_not_found",
                           "GET /v1/models lists the models served here", param="model") from None
        _, tasks = _ROLE[role]
        if manifest.task not in tasks:
            raise ApiError(400, f"model {manifest.id} is a {manifest.task} model, not {'/'.join(tasks)}",
                           "model_task", "GET /v1/models shows each model's task", param="model")
        return manifest.id

    def get(self, model_id: str, role: type[M]) -> M:
        """The loaded model ``model_id`` (blocking: loads and verifies on first use).

        Raises:
            ModelNotInstalledError, ModelIntegrityError, ModelLoadError: from the load.
        """
        attr, _ = _ROLE[role]
        if self._own_id(attr) == model_id:
            return getattr(self.assistant, attr)  # type: ignore[no-any-return]
        with self._lock:
            if model_id not in self._extra:
                self._extra[model_id] = get_model(model_id, role, self.assistant.settings,
                                                  self.assistant.registry)
            return self._extra[model_id]  # type: ignore[return-value]

    def _own_id(self, role: str) -> str | None:
        try:
            return self.assistant.model_id(role)
        except EdgeAssistError:
            return None

    def listing(self) -> list[dict[str, Any]]:
        """OpenAI's model objects for every installed chat and embedding model."""
        return [{"id": row["id"], "object": "model", "created": 0, "owned_by": "edge-assist",
                 "task": row["task"], "role": row["role"]}
                for row in self.assistant.model_catalog()
                if row["state"] == "ready" and row["task"] in OPENAI_TASKS]

    def close(self) -> None:
        """Free the models loaded for requests (the Assistant's own are closed with it)."""
        with self._lock:
            for model in self._extra.values():
                model.close()
            self._extra.clear()
