"""The accelerate loop: checkpoints, interruption with a saved checkpoint, and a faithful resume."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from edge_assist.quantize.errors import DiskFullError, TrainingInterrupted
from edge_assist.quantize.recipe import Train
from edge_assist.quantize.training import latest_checkpoint, total_steps, train

torch = pytest.importorskip("torch")
pytest.importorskip("accelerate")

CFG = Train(epochs=2, batch_size=4, learning_rate=0.05, checkpoint_every=2, seed=3, threads=1)
EXAMPLES = [{"x": [float(i), float(i % 3)], "y": float(i % 2)} for i in range(12)]


def _model() -> object:
    torch.manual_seed(0)
    return torch.nn.Linear(2, 1)


def _collate(batch: list[dict]) -> dict:
    return {"x": torch.tensor([b["x"] for b in batch]), "y": torch.tensor([b["y"] for b in batch])}


def _loss(model: object, batch: dict) -> object:
    return ((model(batch["x"]).squeeze(-1) - batch["y"]) ** 2).mean()  # type: ignore[operator]


def test_total_steps_respects_max_steps() -> None:
    assert total_steps(12, CFG) == 6
    assert total_steps(12, CFG.model_copy(update={"max_steps": 4})) == 4


def test_an_interrupted_run_resumes_to_the_same_weights(tmp_path: Path) -> None:
    whole, stats = train(_model(), EXAMPLES, _collate, _loss, CFG, tmp_path / "whole")
    calls = {"n": 0}

    def interrupting_loss(model: object, batch: dict) -> object:
        calls["n"] += 1
        if calls["n"] == 3:
            os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C does; the loop checkpoints after this step
        return _loss(model, batch)

    with pytest.raises(TrainingInterrupted, match=r"step 3/6"):
        train(_model(), EXAMPLES, _collate, interrupting_loss, CFG, tmp_path / "split")
    assert latest_checkpoint(tmp_path / "split")[0] == 3

    resumed, resumed_stats = train(_model(), EXAMPLES, _collate, _loss, CFG, tmp_path / "split")

    assert stats.steps == resumed_stats.steps == 6
    assert resumed_stats.resumed_from == 3
    for a, b in zip(whole.parameters(), resumed.parameters(), strict=True):  # type: ignore[attr-defined]
        assert torch.allclose(a, b, atol=1e-6)


def test_only_the_newest_checkpoint_is_kept(tmp_path: Path) -> None:
    train(_model(), EXAMPLES, _collate, _loss, CFG.model_copy(update={"checkpoint_every": 1}), tmp_path)

    assert [p.name for p in (tmp_path / "checkpoints").iterdir()] == ["step-5"]


def test_a_full_disk_while_checkpointing_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from accelerate import Accelerator

    def no_space(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Accelerator, "save_state", no_space)

    with pytest.raises(DiskFullError, match=r"disk full"):
        train(_model(), EXAMPLES, _collate, _loss, CFG, tmp_path)
    assert not list((tmp_path / "checkpoints").glob("step-*"))


def test_a_checkpoint_from_other_settings_is_not_resumed(tmp_path: Path) -> None:
    from edge_assist.quantize.errors import TrainingMismatchError

    calls = {"n": 0}

    def interrupting_loss(model: object, batch: dict) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            os.kill(os.getpid(), signal.SIGINT)
        return _loss(model, batch)

    with pytest.raises(TrainingInterrupted):
        train(_model(), EXAMPLES, _collate, interrupting_loss, CFG, tmp_path)

    with pytest.raises(TrainingMismatchError, match="different training settings"):
        train(_model(), EXAMPLES, _collate, _loss, CFG.model_copy(update={"learning_rate": 0.1}), tmp_path)
