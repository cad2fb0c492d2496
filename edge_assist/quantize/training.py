"""One training loop for every recipe, through ``accelerate``: CPU, one GPU or many, resumable.

The loop owns what every recipe needs and nothing task-specific: a seeded
per-epoch shuffle (so a resumed run sees the batches it would have seen),
``accelerator.save_state`` every ``checkpoint_every`` steps into
``<run>/checkpoints/step-N`` (only the newest is kept, written to a temporary
name first), and Ctrl-C / SIGTERM handling that saves a checkpoint and raises
:class:`TrainingInterrupted`. Running the same recipe again resumes from the
newest checkpoint. ``loss_fn(model, batch)`` supplies the task's loss.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edge_assist.quantize.errors import TrainingInterrupted, TrainingMismatchError, disk_guard
from edge_assist.quantize.recipe import Train

LossFn = Callable[[Any, dict[str, Any]], Any]
Collate = Callable[[list[Any]], dict[str, Any]]
STATE_FILE = "progress.json"


@dataclass(frozen=True)
class TrainStats:
    """What a training run did."""

    steps: int
    resumed_from: int
    final_loss: float
    seconds: float
    device: str


def total_steps(n_examples: int, cfg: Train) -> int:
    """Optimizer steps the run makes: ``max_steps`` if set, else epochs x batches per epoch."""
    per_epoch = -(-n_examples // cfg.batch_size)
    return min(cfg.max_steps, per_epoch * cfg.epochs) if cfg.max_steps else per_epoch * cfg.epochs


def latest_checkpoint(run_dir: Path) -> tuple[int, Path | None]:
    """(step, folder) of the newest complete checkpoint in ``run_dir``, or (0, None)."""
    root = Path(run_dir) / "checkpoints"
    best: tuple[int, Path | None] = (0, None)
    for folder in root.glob("step-*") if root.is_dir() else ():
        state = folder / STATE_FILE
        if state.is_file():
            step = int(json.loads(state.read_text("utf-8"))["step"])
            if step > best[0]:
                best = (step, folder)
    return best


def fingerprint(*parts: Any) -> str:
    """A short hash of whatever decides a run's trajectory (training settings, data size, trained weights)."""
    import hashlib

    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def train(
    model: Any,
    examples: Sequence[Any],
    collate: Collate,
    loss_fn: LossFn,
    cfg: Train,
    run_dir: Path,
    log: Callable[[str], None] = lambda _m: None,
) -> tuple[Any, TrainStats]:
    """Train ``model`` on ``examples``; resume from ``run_dir``'s newest checkpoint if there is one.

    Returns the unwrapped model and the run's stats.

    Raises:
        TrainingInterrupted: Ctrl-C or SIGTERM; a checkpoint was saved first.
        DiskFullError: a checkpoint could not be written.
    """
    import torch
    from accelerate import Accelerator
    from accelerate.utils import set_seed
    from torch.utils.data import DataLoader, Subset

    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    set_seed(cfg.seed)
    accelerator = Accelerator(mixed_precision=cfg.mixed_precision)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=cfg.learning_rate, weight_decay=0.01)
    steps = total_steps(len(examples), cfg)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * max(0.0, 1 - s / max(1, steps))
    )
    model, optimizer, scheduler = accelerator.prepare(model, optimizer, scheduler)
    start, folder = latest_checkpoint(run_dir)
    stamp = fingerprint(cfg.model_dump(), len(examples), sum(p.numel() for p in params))
    if (
        folder is not None
        and json.loads((folder / STATE_FILE).read_text("utf-8")).get("fingerprint") != stamp
    ):
        raise TrainingMismatchError(
            f"the checkpoint in {folder} was made with different training settings or data",
            f"restore the recipe as it was to resume, or delete {folder.parent} to start over",
        )
    if folder is not None:
        accelerator.load_state(str(folder))
        log(f"resumed from checkpoint step {start}")
    per_epoch = -(-len(examples) // cfg.batch_size)
    step, loss_value, started = start, float("nan"), time.monotonic()
    model.train()
    with _interrupt_guard() as interrupted:
        while step < steps:
            epoch, offset = divmod(step, per_epoch)
            order = torch.randperm(len(examples), generator=torch.Generator().manual_seed(cfg.seed + epoch))
            loader = accelerator.prepare_data_loader(
                DataLoader(
                    Subset(list(examples), order.tolist()), batch_size=cfg.batch_size, collate_fn=collate
                )
            )
            for batch in accelerator.skip_first_batches(loader, offset) if offset else loader:
                loss = loss_fn(model, batch)
                accelerator.backward(loss)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
                step, loss_value = step + 1, float(loss.detach())
                if step % 10 == 0 or step == steps:
                    log(f"step {step}/{steps} loss {loss_value:.4f}")
                if interrupted():
                    save_checkpoint(accelerator, run_dir, step, stamp)
                    raise TrainingInterrupted(
                        f"training interrupted at step {step}/{steps}; checkpoint saved",
                        "run the same command again to resume from it",
                    )
                if step % cfg.checkpoint_every == 0 and step < steps:
                    save_checkpoint(accelerator, run_dir, step, stamp)
                if step >= steps:
                    break
    model.eval()
    stats = TrainStats(
        step, start, round(loss_value, 4), round(time.monotonic() - started, 1), str(accelerator.device)
    )
    return accelerator.unwrap_model(model), stats


def save_checkpoint(accelerator: Any, run_dir: Path, step: int, stamp: str = "") -> Path:
    """Save the full training state as ``checkpoints/step-N`` (whole or not at all); drop older ones."""
    root = Path(run_dir) / "checkpoints"
    final = root / f"step-{step}"
    tmp = root / f".step-{step}.partial"
    main = accelerator.is_main_process  # with several processes, only one touches the folders
    with disk_guard(f"checkpoint {final}"):
        if main:
            shutil.rmtree(tmp, ignore_errors=True)
        accelerator.wait_for_everyone()
        accelerator.save_state(str(tmp))  # every process takes part (each saves its RNG state)
        accelerator.wait_for_everyone()
        if main:
            (tmp / STATE_FILE).write_text(json.dumps({"step": step, "fingerprint": stamp}) + "\n", "utf-8")
            shutil.rmtree(final, ignore_errors=True)
            os.replace(tmp, final)
            for old in root.glob("step-*"):
                if old != final:
                    shutil.rmtree(old, ignore_errors=True)
        accelerator.wait_for_everyone()
    return final


def clear_checkpoints(run_dir: Path) -> None:
    """Remove a finished run's checkpoints (they are only for resuming)."""
    shutil.rmtree(Path(run_dir) / "checkpoints", ignore_errors=True)


@contextmanager
def _interrupt_guard() -> Iterator[Callable[[], bool]]:
    """Turn SIGINT/SIGTERM into a flag the loop checks after each step (so it can checkpoint)."""
    flag = {"hit": False}

    def handler(_signum: int, _frame: Any) -> None:
        flag["hit"] = True

    previous = {}
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, handler)
    except ValueError:  # not the main thread: leave signals alone
        previous = {}
    try:
        yield lambda: flag["hit"]
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
