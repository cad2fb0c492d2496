"""Index fixtures: the fake embedder through the real registry, an in-memory index, the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge_assist.index import EvidenceIndex
from edge_assist.models import get_model
from edge_assist.models.base import Embedder

CORPUS = Path(__file__).parents[2] / "data" / "index" / "corpus"
INJECTION = Path(__file__).parents[2] / "data" / "index" / "injection.md"


@pytest.fixture
def embedder(fake_env) -> Embedder:
    """The 16-dimension fake embedder, loaded through the registry like a real one."""
    registry, settings = fake_env
    return get_model("fake-embed", Embedder, settings, registry)


@pytest.fixture
def index():
    """An in-memory evidence index."""
    with EvidenceIndex() as ix:
        yield ix
