"""``edge-assist quantize onnx|gguf`` and ``edge-assist distill``: make small models.

They need the quantize extra (torch, transformers, optimum, peft, accelerate, gguf).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from edge_assist.cli._common import echo_json, human_size, json_option, table


def _offline_hub() -> None:
    # Every model these commands read is local; never let transformers/optimum ask the Hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _say(message: str) -> None:
    click.echo(message, err=True)


@click.group()
def quantize() -> None:
    """Export and quantize models: ONNX int8 (encoders) and GGUF (LLMs)."""


@quantize.command("onnx")
@click.argument("src", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), help="Output folder (default: SRC-onnx-int8).")
@click.option(
    "--int8",
    "int8",
    type=click.Choice(["per-channel", "static", "none"]),
    default="per-channel",
    show_default=True,
    help="Dynamic per-channel int8, static (calibrated QDQ) int8, or fp32.",
)
@click.option(
    "--task",
    type=click.Choice(["auto", "feature-extraction", "text-classification"]),
    default="auto",
    show_default=True,
)
@click.option(
    "--min-cosine",
    type=float,
    default=0.98,
    show_default=True,
    help="Refuse the result if any sample's cosine with the source is below this.",
)
@json_option
def onnx_command(src: Path, out: Path | None, int8: str, task: str, min_cosine: float, as_json: bool) -> None:
    """Export a Hugging Face encoder folder to ONNX and quantize it, checked against the source."""
    from edge_assist.quantize.onnx import export_onnx

    _offline_hub()
    out = out or src.with_name(f"{src.name}-onnx-{int8}")
    result = export_onnx(src, out, int8=int8, task=task, min_cosine=min_cosine)
    if as_json:
        echo_json(result.to_dict())
        return
    a = result.agreement
    click.echo(
        f"{result.task} -> {result.path} ({human_size(result.size_bytes)}, source "
        f"{human_size(result.source_bytes)}, {result.seconds:.0f} s)"
    )
    click.echo(
        f"agreement with the source on {a.n} texts: min cosine {a.min_cosine:.4f}, mean "
        f"{a.mean_cosine:.4f}" + (f", top-1 {a.top1:.2%}" if a.top1 is not None else "")
    )


@quantize.command("gguf")
@click.argument("src", type=click.Path(path_type=Path))
@click.option(
    "--types",
    default="Q4_K_M,Q5_K_M,Q8_0",
    show_default=True,
    help="Comma-separated llama.cpp quantization types.",
)
@click.option("--out", type=click.Path(path_type=Path), help="Output folder (default: SRC-gguf).")
@click.option("--no-check", is_flag=True, help="Skip the logit-agreement check against the f16 source.")
@json_option
def gguf_command(src: Path, types: str, out: Path | None, no_check: bool, as_json: bool) -> None:
    """Quantize an f16 GGUF, or convert a Hugging Face folder to f16 GGUF first."""
    from edge_assist.errors import InputError
    from edge_assist.quantize import gguf

    _offline_hub()
    wanted = [t.strip() for t in types.split(",") if t.strip()]
    if not wanted:
        raise click.UsageError("--types needs at least one type")
    out = out or src.with_name(f"{src.stem}-gguf")
    out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"source": str(src)}
    if src.is_dir():
        for t in wanted:
            gguf.ftype(t)
        _say(f"converting {src} to f16 GGUF")
        f16 = gguf.hf_to_gguf(src, out / f"{src.name}.f16.gguf")
        report["f16"] = {"path": str(f16), "size_bytes": f16.stat().st_size}
        if not no_check:
            ref = gguf.logits_of(f16, gguf.PROMPTS)
            agree = gguf.compare_logits(gguf.torch_logits(src, [ids for ids, _ in ref]), ref)
            report["f16"]["agreement_with_hf"] = agree.__dict__
    elif gguf.is_gguf(src):
        f16 = src
    else:
        raise InputError(
            f"{src} is neither a GGUF file nor a model folder",
            "give an f16 GGUF or a Hugging Face folder with config.json",
        )
    _say(f"quantizing {f16.name} to {', '.join(wanted)}")
    results = gguf.quantize_many(
        f16, out, wanted, stem=src.stem if src.is_file() else src.name, check=not no_check
    )
    report["quantized"] = [r.to_dict() for r in results]
    if as_json:
        echo_json(report)
        return
    if "agreement_with_hf" in report.get("f16", {}):
        a = report["f16"]["agreement_with_hf"]
        click.echo(f"f16 GGUF vs HF source: top-1 {a['top1']:.2%}, cosine {a['mean_cosine']:.4f}")
    click.echo(
        table(
            ["TYPE", "SIZE", "TOP-1 VS F16", "COSINE", "FILE"],
            [
                [
                    r.type,
                    human_size(r.size_bytes),
                    f"{r.agreement.top1:.2%}" if r.agreement else "-",
                    f"{r.agreement.mean_cosine:.4f}" if r.agreement else "-",
                    r.path,
                ]
                for r in results
            ],
        )
    )


@click.command("distill")
@click.argument("recipe", type=click.Path(path_type=Path))
@click.option("--data", "data_root", help="Data root the recipe's data paths are relative to.")
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a recipe key, e.g. --set train.max_steps=20 (value parsed as JSON if it can be).",
)
@click.option("--no-register", is_flag=True, help="Measure and gate, but do not register the model.")
@json_option
def distill(
    recipe: Path, data_root: str | None, overrides: tuple[str, ...], no_register: bool, as_json: bool
) -> None:
    """Run a distillation recipe: train, export, quantize, gate, write the model card, register."""
    from edge_assist.quantize.distill import run_recipe

    _offline_hub()
    parsed = {}
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.UsageError(f"--set {item}: use KEY=VALUE")
        try:
            parsed[key.strip()] = json.loads(value)
        except ValueError:
            parsed[key.strip()] = value
    report = run_recipe(
        recipe, data_root=data_root, overrides=parsed, do_register=False if no_register else None, log=_say
    )
    if as_json:
        echo_json(report)
        return
    click.echo(table(["METRIC", "VALUE"], [[k, v] for k, v in report["metrics"].items()]))
    click.echo("gates: " + "; ".join(report["gates"]))
    click.echo(f"model card: {report['card']}")
    click.echo(
        f"registered: {report['registered']}"
        if report["registered"]
        else "not registered (--no-register or output.register = false)"
    )
