"""``edge-assist quantize onnx|gguf`` and ``edge-assist distill`` at the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from edge_assist.cli import cli


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_quantize_onnx_reports_its_agreement_as_json(tiny_bert: Path, tmp_path: Path) -> None:
    result = run(
        "quantize", "onnx", str(tiny_bert), "--out", str(tmp_path / "o"), "--min-cosine", "0.5", "--json"
    )

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["int8"] == "per-channel" and report["agreement"]["n"] > 0


@pytest.mark.slow
def test_quantize_gguf_converts_a_hf_folder_then_quantizes(tiny_llama: Path, tmp_path: Path) -> None:
    from edge_assist.quantize.errors import ToolkitMissingError
    from edge_assist.quantize.gguf import find_converter

    try:
        find_converter()
    except ToolkitMissingError:
        pytest.skip("llama.cpp's converter is not installed")
    result = run("quantize", "gguf", str(tiny_llama), "--types", "Q8_0", "--out", str(tmp_path), "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["f16"]["agreement_with_hf"]["top1"] >= 0.9
    assert [q["type"] for q in report["quantized"]] == ["Q8_0"]


def test_bad_input_is_one_line_and_an_input_exit_code(tmp_path: Path) -> None:
    missing = run("distill", str(tmp_path / "nope.toml"))
    not_gguf = run("quantize", "gguf", str(tmp_path))
    bad_type = run("quantize", "gguf", str(tmp_path), "--types", "Q9_Z")

    assert missing.exit_code == 7 and "recipe" in missing.output and "does not exist" in missing.output
    assert not_gguf.exit_code == 7 and "config.json" in not_gguf.output
    assert bad_type.exit_code == 7 and "unknown GGUF quantization type" in bad_type.output


def test_distill_set_overrides_are_validated(tmp_path: Path) -> None:
    recipe = Path(__file__).resolve().parents[3] / "quantize" / "tiny-encoder.toml"

    result = run("distill", str(recipe), "--set", "train.max_steps=-1")

    assert result.exit_code == 3
    assert "train.max_steps" in result.output
