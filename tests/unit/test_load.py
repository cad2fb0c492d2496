"""Load on the fakes: many asks and 8 threads through one Assistant, and the LLM one generation at a time."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from edge_assist.bench import load
from edge_assist.index.ingest import add_paths
from edge_assist.models.base import GenerationOptions, Message
from edge_assist.models.fakes import FakeChatModel, FakeEmbedder, FakeTranscriber

CORPUS = Path(__file__).parents[1] / "data" / "index" / "corpus"
NOTE = "72 yo woman with hypertension and diabetes, takes metformin 500 mg twice daily. Denies chest pain."
DIALOGUE = "[doctor] any fever ?\n[patient] no , but a cough for three days .\n[doctor] take paracetamol ."


class OverlapChat(FakeChatModel):
    """A fake chat model that notices when two generations run inside it at the same time."""

    active = 0
    peak = 0
    generations = 0
    guard = threading.Lock()

    def _stream(
        self, messages: Sequence[Message] | None, prompt: str | None, options: GenerationOptions
    ) -> Iterator[str]:
        cls = type(self)
        with cls.guard:
            cls.active += 1
            cls.generations += 1
            cls.peak = max(cls.peak, cls.active)
        try:
            for piece in super()._stream(messages, prompt, options):
                time.sleep(0.001)  # hand the GIL over mid-generation, as a native decode would
                yield piece
        finally:
            with cls.guard:
                cls.active -= 1

    @classmethod
    def reset(cls) -> None:
        cls.active = cls.peak = cls.generations = 0


@pytest.fixture
def overlap_assistant(fake_env) -> Iterator[Any]:
    """An Assistant whose chat model is an OverlapChat loaded through the real registry, with an index."""
    from edge_assist.assistant import Assistant

    registry, settings = fake_env
    classes = {"chat": OverlapChat, "embed": FakeEmbedder, "transcribe": FakeTranscriber}
    registry.register_backend("chat", "fake", lambda manifest, paths, s: classes[manifest.task](manifest))
    OverlapChat.reset()
    FakeChatModel.replies.clear()
    with Assistant(settings, registry) as assistant:
        add_paths(assistant.open_index(create=True), [CORPUS], assistant.embedder)
        yield assistant
    FakeChatModel.replies.clear()


def _every_llm_entry(assistant: Any, i: int) -> None:
    """One round of every Assistant call that drives the chat model."""
    assistant.ask("What is first-line therapy for a gout flare?")
    assistant.chat(f"caller {i}: summarise CURB-65")
    "".join(assistant.stream("stream a reply"))
    assistant.llm.complete("Gout is")
    assistant.note(DIALOGUE, writer="llm")
    assistant.calc(NOTE, "chads-vasc", use_llm=True)
    assistant.extract(NOTE, use_llm=True)


def test_llm_is_never_driven_by_two_threads_at_once(overlap_assistant) -> None:
    """8 threads through ask/chat/stream/complete/note/calc/extract: no errors, one generation at a time."""
    assert isinstance(overlap_assistant.llm, OverlapChat)
    errors: list[BaseException] = []
    gate = threading.Barrier(8)

    def caller(i: int) -> None:
        gate.wait()
        try:
            for _ in range(3):
                _every_llm_entry(overlap_assistant, i)
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a caller hung"
    assert errors == []
    assert OverlapChat.generations >= 8 * 3 * 5
    assert OverlapChat.peak == 1


def test_the_overlap_detector_is_not_vacuous(overlap_assistant) -> None:
    """Called below the base class's lock, the same fake does see overlapping generations."""
    model = overlap_assistant.llm
    gate = threading.Barrier(8)

    def raw() -> None:
        gate.wait()
        "".join(model._stream([Message("user", "a b c d e f g h")], None, GenerationOptions()))

    threads = [threading.Thread(target=raw) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert OverlapChat.peak > 1


def test_an_abandoned_stream_releases_the_model(overlap_assistant) -> None:
    """Closing a half-read stream frees the model for the next caller (no lock left held)."""
    pieces = overlap_assistant.stream("one two three four")
    next(pieces)
    pieces.close()
    done = threading.Event()
    threading.Thread(target=lambda: (overlap_assistant.chat("again"), done.set()), daemon=True).start()
    assert done.wait(10)


def test_thousand_sequential_asks_then_eight_callers(overlap_assistant) -> None:
    """1,000 sequential fake asks and 8 callers x 25: no errors, one generation at a time, all counted."""
    row = load.run_load(overlap_assistant, asks=1000, callers=8, per_caller=25, warmup=20)
    assert row["errors"] == 0
    assert row["sequential_calls"] == 1000 and row["concurrent_calls"] == 200
    assert row["llm_max_simultaneous"] == 1 and OverlapChat.peak == 1
    assert 0 < row["llm_generations"] <= 1200  # questions with no relevant passage abstain before the LLM
    assert row["rss_start_mb"] > 0 and row["rss_warm_mb"] > 0 and row["rss_end_mb"] > 0
    assert len(row["rss_trace_mb"]) == 20 and len(row["rss_rounds_mb"]) == 1
    assert 0 <= row["sequential_p50_s"] <= row["sequential_p95_s"] <= row["sequential_max_s"]
    assert row["sequential_max_s"] > 0


def test_llm_every_mixes_extractive_asks(overlap_assistant) -> None:
    """llm_every=5: the warm-up asks, then every fifth sequential ask and each caller's first use the LLM."""
    row = load.run_load(overlap_assistant, asks=50, callers=4, per_caller=5, llm_every=5, warmup=5)
    assert row["errors"] == 0
    # warm-up 5, then asks 5, 10, ... 45 (9), then each caller's first in the warm-up and the measured round
    assert 0 < row["llm_generations"] <= 5 + 9 + 4 + 4


def test_rounds_repeat_the_concurrent_phase(overlap_assistant) -> None:
    """Each round adds callers x per_caller asks and one RSS reading."""
    row = load.run_load(overlap_assistant, asks=10, callers=3, per_caller=4, rounds=3)
    assert row["concurrent_calls"] == 36 and len(row["rss_rounds_mb"]) == 3
    assert row["errors"] == 0 and row["llm_max_simultaneous"] == 1


def test_concurrent_warmup_and_trimmed_rss_are_reported(overlap_assistant) -> None:
    """One concurrent warm-up round runs apart from the measured rounds; RSS is read with and without trim."""
    row = load.run_load(overlap_assistant, asks=10, callers=3, per_caller=4, rounds=2)
    assert row["concurrent_warmup_rounds"] == 1 and row["concurrent_warmup_calls"] == 12
    assert row["concurrent_calls"] == 24 and row["errors"] == 0
    assert len(row["rss_rounds_mb"]) == len(row["rss_rounds_trimmed_mb"]) == 2
    assert row["rss_after_concurrent_warmup_mb"] > 0 and row["rss_after_concurrent_warmup_trimmed_mb"] > 0
    for key in (
        "rss_growth_pct",
        "rss_growth_after_concurrent_warmup_pct",
        "rss_growth_after_concurrent_warmup_trimmed_pct",
    ):
        assert isinstance(row[key], float)
    off = load.run_load(
        overlap_assistant, asks=5, callers=2, per_caller=2, concurrent_warmup=False, trim=False
    )
    assert off["concurrent_warmup_rounds"] == 0 and off["concurrent_warmup_calls"] == 0
    assert off["rss_rounds_mb"] == off["rss_rounds_trimmed_mb"]


def test_errors_are_counted_not_raised(overlap_assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing ask is counted by type and the run goes on."""
    from edge_assist.errors import InputError

    real = overlap_assistant.ask
    calls = iter(range(10_000))

    def flaky(question: str, **kw: Any) -> Any:
        if next(calls) % 10 == 3:
            raise InputError("boom")
        return real(question, **kw)

    monkeypatch.setattr(overlap_assistant, "ask", flaky)
    row = load.run_load(overlap_assistant, asks=20, callers=2, per_caller=5)
    assert row["errors"] == 4  # 20 sequential, 10 in the concurrent warm-up, 10 in the round
    assert row["sequential_error_types"] == {"InputError": 2}
    assert row["concurrent_warmup_errors"] == 1 and row["concurrent_errors"] == 1


def test_percentiles() -> None:
    """Nearest-rank style cuts over the values; empty and single values are handled."""
    assert load.percentiles([]) == {"p50_s": 0.0, "p95_s": 0.0, "p99_s": 0.0, "max_s": 0.0}
    assert load.percentiles([2.0])["p99_s"] == 2.0
    cuts = load.percentiles([float(i) for i in range(1, 101)])
    assert cuts["p50_s"] == pytest.approx(50.5) and cuts["max_s"] == 100.0


def test_bench_load_command_writes_json(fake_env, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`bench load` runs on the configured models and writes bench-results/bench-load.json."""
    from edge_assist.cli import cli
    from edge_assist.models import registry as registry_module
    from edge_assist.settings import reset_settings_cache

    registry, _ = fake_env
    for role, model in (("LLM", "fake-chat"), ("EMBEDDER", "fake-embed"), ("TRANSCRIBER", "fake-whisper")):
        monkeypatch.setenv(f"EDGE_ASSIST_MODELS__{role}", model)
    reset_settings_cache()
    monkeypatch.setattr(registry_module, "_default", registry)
    monkeypatch.setattr(load, "in_child", lambda fn, **kw: fn(**kw))  # in-process: the fakes live here
    runner = CliRunner()
    assert runner.invoke(cli, ["index", "add", str(CORPUS)]).exit_code == 0
    out = tmp_path / "results"
    result = runner.invoke(
        cli,
        [
            "bench",
            "load",
            "--asks",
            "30",
            "--concurrency",
            "4",
            "--per-caller",
            "3",
            "--output",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    row = json.loads((out / "bench-load.json").read_text())["rows"][0]
    assert row["profile"] == "default" and row["llm"] == "fake-chat"
    assert row["errors"] == 0 and row["sequential_calls"] == 30 and row["concurrent_calls"] == 12
    assert row["llm_max_simultaneous"] == 1
