"""The llama.cpp adapter frees each generation's sampler when the generation ends, read or abandoned."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from edge_assist.models.base import GenerationOptions, Message
from edge_assist.models.llama import LlamaChatModel


class Sampler:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


class FakeLlama:
    """What the adapter calls: tokenize, and completions that install a sampler (as llama-cpp-python)."""

    def __init__(self) -> None:
        self._sampler: Sampler | None = None
        self.samplers: list[Sampler] = []

    def tokenize(self, data: bytes, add_bos: bool = False, special: bool = True) -> list[int]:
        return list(range(len(data.split())))

    def _pieces(self) -> Iterator[dict[str, Any]]:
        self._sampler = Sampler()
        self.samplers.append(self._sampler)
        for word in ("one", " two", " three"):
            yield {"choices": [{"delta": {"content": word}, "text": word}]}

    def create_chat_completion(self, messages: Any, stream: bool, **kwargs: Any) -> Iterator[dict[str, Any]]:
        return self._pieces()

    def create_completion(self, prompt: str, stream: bool, **kwargs: Any) -> Iterator[dict[str, Any]]:
        return self._pieces()


@pytest.fixture
def model() -> LlamaChatModel:
    m = LlamaChatModel.__new__(LlamaChatModel)
    m._llm, m.n_ctx = FakeLlama(), 4096
    return m


def test_a_finished_generation_closes_its_sampler(model: LlamaChatModel) -> None:
    out = "".join(model._stream([Message("user", "hi")], None, GenerationOptions(max_tokens=8)))
    assert out == "one two three"
    assert model._llm.samplers[0].closed and model._llm._sampler is None
    "".join(model._stream(None, "Gout is", GenerationOptions(max_tokens=8)))
    assert all(s.closed for s in model._llm.samplers) and len(model._llm.samplers) == 2


def test_an_abandoned_stream_closes_its_sampler_too(model: LlamaChatModel) -> None:
    stream = model._stream([Message("user", "hi")], None, GenerationOptions(max_tokens=8))
    assert next(stream) == "one"
    stream.close()
    assert model._llm.samplers[0].closed and model._llm._sampler is None
