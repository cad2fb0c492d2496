"""A real uvicorn server on a free loopback port, over an Assistant on the registry's fakes.

Every test in this folder also records each outgoing connection the process makes and fails
if one went anywhere but loopback (the offline guard would refuse it too; this makes the
property visible).
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from edge_assist.offline import is_local_host
from edge_assist.serve import ServeOptions, make_app
from edge_assist.serve.server import BackgroundServer
from edge_assist.settings import Settings

TOKEN = "test-token-0123456789abcdef"
LIMITS = ServeOptions(max_body_bytes=256 * 1024, max_audio_bytes=512 * 1024, workers=4, max_waiting=64)
CORPUS = Path(__file__).parents[1] / "data" / "index" / "corpus"


@pytest.fixture(autouse=True)
def connections(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every address this process connects to during the test; asserted all loopback after it."""
    seen: list[Any] = []
    original = socket.socket.connect

    def recording(self: socket.socket, address: Any) -> Any:
        seen.append(address)
        return original(self, address)

    monkeypatch.setattr(socket.socket, "connect", recording)
    yield seen
    remote = [a for a in seen if not (isinstance(a, str) or is_local_host(a[0]))]
    assert remote == [], f"connections off loopback: {remote}"


@pytest.fixture
def serve(assistant: Any, fake_env: Any) -> Iterator[Callable[..., BackgroundServer]]:
    """Start servers on the fake Assistant: ``serve(token=..., options=...)``; stopped after the test."""
    started: list[BackgroundServer] = []

    def start(token: str | None = None, options: ServeOptions = LIMITS, **overrides: Any) -> BackgroundServer:
        settings: Settings = fake_env[1]
        if token is not None or overrides:
            settings = settings.model_copy(update={"serve_token": token, **overrides})
            if token is not None:
                from pydantic import SecretStr

                settings = settings.model_copy(update={"serve_token": SecretStr(token)})
        server = BackgroundServer(make_app(assistant, settings, options)).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server(serve: Callable[..., BackgroundServer]) -> BackgroundServer:
    """One server with no token."""
    return serve()


@pytest.fixture
def client(server: BackgroundServer) -> Iterator[httpx.Client]:
    """An httpx client for ``server``."""
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


@pytest.fixture
def indexed(assistant: Any) -> Any:
    """The fake Assistant with the test corpus indexed (for /api/ask)."""
    assistant.ingest([CORPUS], pack="test")
    return assistant
