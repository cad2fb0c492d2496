"""edge-assist: an offline clinical assistant.

The facade is small and lazy (PEP 562): ``import edge_assist`` loads no model
runtime, no torch and no Textual, so the CLI starts fast and a script that
only needs the error classes pays nothing for llama.cpp.

Example:
    >>> from edge_assist import Assistant            # doctest: +SKIP
    >>> assistant = Assistant.open(profile="default")
    >>> assistant.chat("Normal adult resting heart rate?")
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from edge_assist.errors import EdgeAssistError

__version__ = "0.1.0"

__all__ = [
    "Assistant",
    "EdgeAssistError",
    "Settings",
    "__version__",
    "available_models",
    "get_model",
    "load_settings",
]

_LAZY = {
    "Assistant": "edge_assist.assistant",
    "Settings": "edge_assist.settings",
    "load_settings": "edge_assist.settings",
    "get_model": "edge_assist.models",
    "available_models": "edge_assist.models",
}

if TYPE_CHECKING:  # pragma: no cover
    from edge_assist.assistant import Assistant
    from edge_assist.models import available_models, get_model
    from edge_assist.settings import Settings, load_settings


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'edge_assist' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
