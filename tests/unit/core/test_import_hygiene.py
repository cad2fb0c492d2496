"""``import edge_assist`` stays light: no torch, llama.cpp, onnxruntime or Textual.

import-linter sees static imports only; a deferred import inside a function
would slip past it, so this checks the modules actually loaded in a fresh
interpreter (the idea of harlequin's test_import_hygiene.py).
"""

import json
import subprocess
import sys

HEAVY = ["torch", "llama_cpp", "onnxruntime", "textual", "faster_whisper", "ctranslate2",
         "transformers", "numpy"]


def _loaded_after(code: str) -> set[str]:
    script = f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_import_edge_assist_loads_no_runtime() -> None:
    """The facade is lazy."""
    loaded = _loaded_after("import edge_assist")
    assert not [m for m in HEAVY if m in loaded]


def test_cli_help_loads_no_runtime() -> None:
    """Building the CLI (what --help does) loads no model runtime."""
    loaded = _loaded_after("import edge_assist.cli")
    assert not [m for m in HEAVY if m in loaded]


def test_facade_exports_resolve() -> None:
    """Every name in __all__ is the object its home module defines, loaded only when asked for."""
    script = """
import importlib, json, sys
import edge_assist
homes = {"Assistant": "edge_assist.assistant", "Settings": "edge_assist.settings",
         "load_settings": "edge_assist.settings", "get_model": "edge_assist.models",
         "available_models": "edge_assist.models", "EdgeAssistError": "edge_assist.errors"}
before = "edge_assist.assistant" in sys.modules
same = {name: getattr(edge_assist, name) is getattr(importlib.import_module(homes[name]), name)
        for name in edge_assist.__all__ if name != "__version__"}
print(json.dumps({"before": before, "same": same, "version": edge_assist.__version__}))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["before"] is False  # the Assistant's module loads on first access, not at import
    import edge_assist

    assert set(result["same"]) == set(edge_assist.__all__) - {"__version__"}
    assert all(result["same"].values()), result["same"]
    assert result["version"].count(".") == 2


def test_an_unknown_facade_name_is_an_attribute_error() -> None:
    """A name the facade does not export fails like any missing attribute (so hasattr works)."""
    import edge_assist

    assert not hasattr(edge_assist, "Asistant")
