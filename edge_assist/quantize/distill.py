"""``edge-assist distill RECIPE.toml``: train, export, measure, gate, card, register.

One function, :func:`run_recipe`, drives a recipe end to end. Everything a run
makes goes under its run directory (``<EDGE_ASSIST_HOME>/distill/<name>`` by
default): teacher outputs, checkpoints, the trained model, its exports and
``report.json``. Running the same recipe again reuses the teacher's outputs and
resumes training from the newest checkpoint. Only a model that passes every
gate is registered and gets its card under ``models/<name>/``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from edge_assist.quantize._files import file_facts
from edge_assist.quantize.publish import build_manifest, check_gates, register, require_pass, write_card
from edge_assist.quantize.recipe import Recipe, expand, load_recipe

log_ = logging.getLogger(__name__)
Log = Callable[[str], None]


def run_recipe(
    path: Path,
    data_root: str | None = None,
    overrides: dict[str, Any] | None = None,
    store_root: Path | None = None,
    do_register: bool | None = None,
    log: Log | None = None,
) -> dict[str, Any]:
    """Run the recipe at ``path``; returns its report (metrics, gates, files, where it was registered).

    Raises:
        ConfigError / InputError: the recipe or something it names is invalid or missing.
        GateFailedError: the model missed a threshold; the report and card are written, nothing registered.
        TrainingInterrupted: stopped with a checkpoint; run again to resume.
    """
    from edge_assist.models.store import ModelStore
    from edge_assist.settings import Settings

    overrides = dict(overrides or {})
    if data_root:
        overrides["data.root"] = data_root
    recipe = load_recipe(Path(path), overrides)
    settings = Settings()
    store_root = Path(store_root or settings.model_store)
    run_dir = (
        expand(recipe.output.dir, recipe.base_dir, "output.dir")
        if recipe.output.dir
        else (settings.home / "distill" / recipe.name)
    )
    run_dir.mkdir(parents=True, exist_ok=True)
    say = log or log_.info
    say(f"recipe {recipe.name} ({recipe.kind}); run directory {run_dir}")
    started = time.monotonic()
    if recipe.kind == "encoder":
        from edge_assist.quantize.encoder import distill_encoder

        report = distill_encoder(recipe, run_dir, store_root, say)
    else:
        from edge_assist.quantize.decoder import distill_decoder

        report = distill_decoder(recipe, run_dir, store_root, say)
    report["seconds"] = round(time.monotonic() - started, 1)
    gates = check_gates(recipe.gates, report["metrics"])
    report["gates"] = [g.line() for g in gates]
    report["passed"] = all(g.passed for g in gates)
    files = _artifact_files(recipe, Path(report["artifact"]))
    report["files"] = [file_facts(f) for f in files]
    report["registered"] = None
    (run_dir / "report.json").write_text(json.dumps(report, indent=1, default=str) + "\n", "utf-8")
    registering = recipe.output.register_model if do_register is None else do_register
    # models/<name>/ holds cards of registered models only; anything else keeps its card in the run dir
    card_dir = _card_dir(recipe, run_dir) if report["passed"] and registering else run_dir
    report["card"] = str(write_card(card_dir / "MODEL_CARD.md", recipe.name, _card(recipe, report)))
    require_pass(gates, recipe.name)
    if registering:
        manifest = build_manifest(
            recipe.name, files, *_task_format(recipe), **_manifest_fields(recipe, report)
        )
        report["registered"] = str(register(manifest, ModelStore(store_root)))
        say(f"registered {recipe.name}: {report['registered']}")
        write_card(Path(report["card"]), recipe.name, _card(recipe, report))
    (run_dir / "report.json").write_text(json.dumps(report, indent=1, default=str) + "\n", "utf-8")
    from edge_assist.quantize.training import clear_checkpoints

    clear_checkpoints(run_dir)
    return report


def _artifact_files(recipe: Recipe, artifact: Path) -> list[Path]:
    if recipe.kind == "encoder":
        return [artifact / name for name in ("model.onnx", "tokenizer.json", "labels.json")]
    return [artifact]


def _task_format(recipe: Recipe) -> tuple[str, str]:
    return ("classify", "onnx") if recipe.kind == "encoder" else ("chat", "gguf")


def _manifest_fields(recipe: Recipe, report: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": recipe.name,
        "licence": recipe.student.licence,
        "upstream": recipe.student.ref,
        "description": (recipe.description or f"distilled by edge-assist ({recipe.kind})")[:200],
    }
    if recipe.kind == "encoder":
        fields |= {
            "quant": f"int8 {recipe.export.int8}",
            "context_length": recipe.train.max_length,
            "runtime": {"labels": len(report["labels"]), "max_length": recipe.train.max_length},
        }
    else:
        fields |= {
            "quant": report.get("registered_type", ""),
            "chat_template": "gguf",
            "context_length": 2048,
        }
    return fields


def _card_dir(recipe: Recipe, run_dir: Path) -> Path:
    if recipe.output.card_dir:
        return expand(recipe.output.card_dir, recipe.base_dir, "output.card_dir") / recipe.name
    if recipe.base_dir.name == "quantize" and (recipe.base_dir.parent / "pyproject.toml").is_file():
        return recipe.base_dir.parent / "models" / recipe.name
    return run_dir


def _card(recipe: Recipe, report: dict[str, Any]) -> dict[str, Any]:
    status = (
        f"registered as `{recipe.name}` ({report['registered']})"
        if report.get("registered")
        else "passed its gates"
        if report["passed"]
        else "NOT registered: a gate failed"
    )
    return {
        "Status": status,
        "What it is": recipe.description or recipe.kind,
        "Provenance and licences": {
            "student (base weights)": f"{recipe.student.ref} ({recipe.student.licence})",
            "teacher": f"{recipe.teacher.kind} {recipe.teacher.model} ({recipe.teacher.licence})".strip(),
            "data": f"{recipe.data.provenance or recipe.data.train} ({recipe.data.licence})",
        },
        "Recipe": f"`{recipe.path}`: kind {recipe.kind}, train {recipe.train.model_dump()}, "
        f"export {recipe.export.model_dump()}",
        "Training (where it ran, how long)": report.get("training", {}),
        "Metrics (dev data; before and after quantization)": report["metrics"],
        "Gates": report["gates"],
        "Files (size, SHA-256)": [
            f"{f['name']}: {f['size']} bytes, sha256 {f['sha256']}" for f in report["files"]
        ],
        "Reproduce": f"`edge-assist distill {recipe.path}` (the run directory keeps report.json)",
    }
