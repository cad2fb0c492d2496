"""HF -> f16 GGUF (llama.cpp's converter) -> quantized GGUF, on a tiny random Llama; bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from edge_assist.errors import InputError
from edge_assist.quantize import gguf
from edge_assist.quantize.errors import ConversionError, DiskFullError, ToolkitMissingError


def _converter_or_skip() -> None:
    try:
        gguf.find_converter()
    except ToolkitMissingError:
        pytest.skip("llama.cpp's convert_hf_to_gguf.py is not installed (scripts/setup --dev keeps it)")


@pytest.fixture(scope="module")
def tiny_f16(tiny_llama: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    _converter_or_skip()
    return gguf.hf_to_gguf(tiny_llama, tmp_path_factory.mktemp("gguf") / "tiny.f16.gguf")


@pytest.mark.slow
def test_hf_to_gguf_matches_the_torch_model(tiny_llama: Path, tiny_f16: Path) -> None:
    ref = gguf.logits_of(tiny_f16, ["the patient", "doctor: any allergies?"], n_ctx=64)
    torch_side = gguf.torch_logits(tiny_llama, [ids for ids, _ in ref])

    agree = gguf.compare_logits(torch_side, ref)

    assert gguf.is_gguf(tiny_f16)
    assert agree.top1 >= 0.9
    assert agree.mean_cosine >= 0.99


@pytest.mark.slow
def test_quantize_many_writes_each_type_with_its_agreement(tiny_f16: Path, tmp_path: Path) -> None:
    results = gguf.quantize_many(tiny_f16, tmp_path, ["Q8_0"], stem="tiny", prompts=["the patient has"])

    assert [r.type for r in results] == ["Q8_0"]
    assert Path(results[0].path).name == "tiny.Q8_0.gguf"
    assert gguf.is_gguf(Path(results[0].path))
    assert results[0].agreement is not None and results[0].agreement.top1 >= 0.5
    assert not list(tmp_path.glob(".*partial"))


def test_an_unsupported_architecture_is_a_clear_conversion_error(tiny_llama: Path, tmp_path: Path) -> None:
    _converter_or_skip()
    odd = tmp_path / "odd"
    shutil.copytree(tiny_llama, odd)
    config = json.loads((odd / "config.json").read_text())
    config["architectures"] = ["NotARealForCausalLM"]
    (odd / "config.json").write_text(json.dumps(config))

    with pytest.raises(ConversionError, match=r"cannot convert this architecture"):
        gguf.hf_to_gguf(odd, tmp_path / "odd.gguf")
    assert not list(tmp_path.glob("*.gguf")) and not list(tmp_path.glob(".*partial"))


def test_quantizing_a_file_that_is_not_gguf_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "model.gguf"
    bogus.write_bytes(b"not a gguf")

    with pytest.raises(InputError, match=r"not a GGUF"):
        gguf.quantize_gguf(bogus, tmp_path / "out.gguf", "Q8_0")


def test_an_unknown_quant_type_names_the_known_ones() -> None:
    with pytest.raises(InputError, match=r"Q4_K_M"):
        gguf.ftype("Q3_XYZ")


def test_disk_full_is_detected_before_writing(
    tiny_llama: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _converter_or_skip()
    monkeypatch.setattr(gguf.shutil, "disk_usage", lambda _p: SimpleNamespace(free=1 << 20))

    with pytest.raises(DiskFullError, match=r"not enough disk"):
        gguf.hf_to_gguf(tiny_llama, tmp_path / "tiny.gguf")


def test_a_missing_converter_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EDGE_ASSIST_LLAMA_CPP_DIR", str(tmp_path))
    monkeypatch.setattr(gguf, "LLAMA_CPP_VERSION", "0.0.0-none")

    with pytest.raises(ToolkitMissingError, match=r"convert_hf_to_gguf.py"):
        gguf.find_converter()


def test_compare_logits_counts_positions() -> None:
    import numpy as np

    a = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    b = np.array([[1.0, 0.1, 0.0], [1.0, 0.0, 0.0]])

    agree = gguf.compare_logits([a], [b])

    assert (agree.positions, agree.top1) == (2, 0.5)
