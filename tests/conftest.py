"""Shared fixtures: an isolated user dir for every test, fakes through the real registry.

Real-model tests (marker ``real_models``) read the model store that
``scripts/setup`` filled; everything else runs on fakes in milliseconds.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from edge_assist import offline
from edge_assist.models.registry import Registry, make_default_registry, reset_default_registry
from edge_assist.models.store import ModelStore
from edge_assist.settings import Settings, load_settings, reset_settings_cache, user_dir

# Resolved before any test moves EDGE_ASSIST_HOME: where setup assembled the real models.
REAL_STORE = Path(os.environ.get("EDGE_ASSIST_TEST_STORE") or user_dir() / "models")
DATA = Path(__file__).parent / "data"


def pytest_configure(config: pytest.Config) -> None:
    """Let unexpected CLI errors surface as tracebacks in tests (as simonw/llm does)."""
    sys._called_from_test = True  # type: ignore[attr-defined]
    # The whole suite runs under the offline guard: a test that tried to download
    # anything would fail loudly instead of passing on a networked machine.
    offline.enable()


@pytest.fixture(autouse=True)
def edge_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets an empty user dir and no EDGE_ASSIST_* settings from the environment."""
    for key in list(os.environ):
        if key.startswith("EDGE_ASSIST_") and key != "EDGE_ASSIST_TEST_STORE":
            monkeypatch.delenv(key)
    home = tmp_path / "home"
    monkeypatch.setenv("EDGE_ASSIST_HOME", str(home))
    reset_settings_cache()
    reset_default_registry()
    yield home
    reset_settings_cache()
    reset_default_registry()


@pytest.fixture
def fake_env(tmp_path: Path) -> tuple[Registry, Settings]:
    """A registry with the catalog plus the three fakes, pulled into the test's store."""
    from edge_assist.models.fakes import install_fakes

    settings = load_settings(
        profile="default",
        models={"llm": "fake-chat", "embedder": "fake-embed", "transcriber": "fake-whisper"},
    )
    store = ModelStore(settings.model_store)
    registry = make_default_registry(store)
    install_fakes(registry, store, tmp_path / "fake-weights")
    return registry, settings


@pytest.fixture
def assistant(fake_env: tuple[Registry, Settings]) -> Iterator[object]:
    """An Assistant running entirely on fakes."""
    from edge_assist.assistant import Assistant
    from edge_assist.models.fakes import FakeChatModel

    registry, settings = fake_env
    FakeChatModel.replies.clear()
    FakeChatModel.scores.clear()
    with Assistant(settings, registry) as a:
        yield a
    FakeChatModel.replies.clear()
    FakeChatModel.scores.clear()


@pytest.fixture
def real_settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings pointing at the real model store (skips when it has not been filled)."""
    if not REAL_STORE.is_dir():
        pytest.skip(f"real models not pulled into {REAL_STORE}; run scripts/setup --dev")
    monkeypatch.setenv("EDGE_ASSIST_MODELS__STORE_DIR", str(REAL_STORE))
    reset_settings_cache()
    return load_settings(profile="default")
