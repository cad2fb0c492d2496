"""Small, deterministic fake models, registered through the real registry.

Unit tests of every capability (and the TUI snapshot app) run on these: no
weights, no native runtime, millisecond start-up. They go through the same
``Registry.load`` and the same base-class conveniences as the real backends,
so what a test exercises is the product's code path. The manifests are
``format = "fake"`` with a tiny real file, so the store's hashing is real too.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from edge_assist.models.base import (
    ChatModel,
    Embedder,
    GenerationOptions,
    Message,
    Segment,
    Transcriber,
)
from edge_assist.models.manifest import ModelFile, ModelManifest
from edge_assist.models.registry import Registry
from edge_assist.models.store import ModelStore, sha256_file
from edge_assist.settings import Settings

FAKE_IDS = {"chat": "fake-chat", "embed": "fake-embed", "transcribe": "fake-whisper"}


class FakeChatModel(ChatModel):
    """Replies from a queue of canned responses, else echoes the last user message.

    With a JSON schema and no canned reply it returns the schema's minimal
    valid instance, so callers' JSON paths can be tested without a model.
    ``choice_logprobs`` returns queued scores (:meth:`enqueue_scores`), else a tie.
    """

    replies: deque[str] = deque()
    scores: deque[dict[str, float]] = deque()

    def __init__(self, manifest: ModelManifest) -> None:
        self.manifest = manifest
        self.calls: list[tuple[list[Message] | None, str | None, GenerationOptions]] = []

    @classmethod
    def enqueue(cls, *replies: str) -> None:
        """Queue replies for the next calls (shared by every FakeChatModel)."""
        cls.replies.extend(replies)

    @classmethod
    def enqueue_scores(cls, *scores: dict[str, float]) -> None:
        """Queue log-probabilities for the next ``choice_logprobs`` calls (a missing choice scores -20)."""
        cls.scores.extend(scores)

    def _choice_logprobs(self, messages: list[Message], choices: Sequence[str]) -> list[float]:
        """The queued scores, else the same log-probability for every choice."""
        self.calls.append((list(messages), None, GenerationOptions(max_tokens=1)))
        if self.scores:
            queued = self.scores.popleft()
            return [queued.get(c, -20.0) for c in choices]
        return [-math.log(len(choices))] * len(choices)

    def _stream(
        self, messages: Sequence[Message] | None, prompt: str | None, options: GenerationOptions
    ) -> Iterator[str]:
        self.calls.append((list(messages) if messages else None, prompt, options))
        if self.replies:
            text = self.replies.popleft()
        elif options.json_schema is not None:
            text = json.dumps(minimal_instance(options.json_schema))
        elif messages:
            text = f"echo: {messages[-1].content}"
        else:
            text = f"echo: {prompt}"
        first, *rest = text.split(" ")
        yield first
        for word in rest:
            yield " " + word


class FakeEmbedder(Embedder):
    """Bag-of-words hashing into 16 dimensions, L2-normalised: similar texts, similar vectors."""

    def __init__(self, manifest: ModelManifest) -> None:
        self.manifest = manifest

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        """Deterministic vectors; texts sharing words get a positive cosine."""
        return [_hash_vector(t, self.dimensions) for t in texts]


class FakeTranscriber(Transcriber):
    """Returns the text of a ``.txt`` file beside the audio, or a fixed sentence."""

    def __init__(self, manifest: ModelManifest) -> None:
        self.manifest = manifest

    def transcribe(self, audio: Path, **kwargs: Any) -> Iterator[Segment]:
        """One segment per sentence of the sidecar text."""
        sidecar = Path(audio).with_suffix(".txt")
        text = sidecar.read_text("utf-8") if sidecar.exists() else "the patient is well."
        for i, sentence in enumerate(s for s in text.split(". ") if s.strip()):
            yield Segment(float(i), float(i + 1), sentence.strip())


def _hash_vector(text: str, dims: int) -> list[float]:
    vec = [0.0] * dims
    for word in text.lower().split():
        h = int(hashlib.sha256(word.encode()).hexdigest(), 16)
        vec[h % dims] += 1.0 if (h >> 8) % 2 else -1.0
    norm = math.sqrt(sum(v * v for v in vec)) or 1.0
    return [v / norm for v in vec]


def minimal_instance(schema: dict[str, Any]) -> Any:
    """The smallest value that validates against a (simple) JSON schema."""
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind == "object":
        props = schema.get("properties", {})
        return {k: minimal_instance(props[k]) for k in schema.get("required", [])}
    if kind == "array":
        return [minimal_instance(schema.get("items", {}))] * schema.get("minItems", 0)
    return {"string": "", "integer": 0, "number": 0, "boolean": False}.get(str(kind))


def fake_manifest(task: str, directory: Path) -> ModelManifest:
    """A manifest for a fake model whose one file is a small real file in ``directory``."""
    model_id = FAKE_IDS[task]
    source = directory / f"{model_id}.bin"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(f"fake weights for {model_id}\n".encode())
    return ModelManifest(
        id=model_id,
        name=f"Fake {task} model",
        aliases=[f"{model_id}-alias"],
        task=task,  # type: ignore[arg-type]
        format="fake",
        licence="test",
        files=[ModelFile(name=source.name, sha256=sha256_file(source),
                         size=source.stat().st_size, parts=[f"file:{source}"])],
        runtime={"dimensions": 16} if task == "embed" else {},
        source="test",
    )


def install_fakes(registry: Registry, store: ModelStore, source_dir: Path) -> dict[str, str]:
    """Register and pull the three fakes; returns their ids by task."""

    def factory(manifest: ModelManifest, paths: dict[str, Path], settings: Settings) -> Any:
        cls = {"chat": FakeChatModel, "embed": FakeEmbedder, "transcribe": FakeTranscriber}
        return cls[manifest.task](manifest)

    for task in FAKE_IDS:
        manifest = fake_manifest(task, source_dir)
        registry.register(manifest, replace=True)
        registry.register_backend(task, "fake", factory)
        store.pull(manifest, install=False)
    return dict(FAKE_IDS)
