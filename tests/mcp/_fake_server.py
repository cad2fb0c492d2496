"""``python -m tests.mcp._fake_server``: ``edge-assist mcp`` on the fake models, for the stdio tests.

Registers the fakes through the real registry (as ``tests/integration/_offline_driver.py`` does),
then runs the real command. At exit it writes whether the offline guard was on to the file named
by ``$EDGE_ASSIST_TEST_GUARD_FILE``, so a test can check the guard of the process it spawned.
"""

from __future__ import annotations

import atexit
import os
from pathlib import Path


def _setup() -> None:
    from edge_assist.models import registry as registry_module
    from edge_assist.models.fakes import install_fakes
    from edge_assist.models.registry import make_default_registry
    from edge_assist.models.store import ModelStore
    from edge_assist.settings import load_settings

    home = Path(os.environ["EDGE_ASSIST_HOME"])
    os.environ.update({"EDGE_ASSIST_PROFILE": "default", "EDGE_ASSIST_MODELS__LLM": "fake-chat",
                       "EDGE_ASSIST_MODELS__EMBEDDER": "fake-embed",
                       "EDGE_ASSIST_MODELS__TRANSCRIBER": "fake-whisper"})
    store = ModelStore(load_settings().model_store)
    registry = make_default_registry(store)
    install_fakes(registry, store, home / "fake-weights")
    registry_module._default = registry


def _write_guard_state() -> None:
    from edge_assist import offline

    target = os.environ.get("EDGE_ASSIST_TEST_GUARD_FILE")
    if target:
        Path(target).write_text("on" if offline.is_enabled() else "off", "utf-8")


def main() -> None:
    from edge_assist.cli import cli

    _setup()
    atexit.register(_write_guard_state)
    cli(["mcp"], prog_name="edge-assist")


if __name__ == "__main__":
    main()
