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
    """Every name in __all__ resolves lazily."""
    import edge_assist

    for name in edge_assist.__all__:
        assert getattr(edge_assist, name) is not None
