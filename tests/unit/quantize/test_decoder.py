"""Decoder distillation: teacher-output validation, scoring, and the pipeline on tiny GGUFs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from edge_assist.quantize import decoder
from edge_assist.quantize.errors import TeacherOutputError, ToolkitMissingError
from edge_assist.quantize.recipe import load_recipe


def test_parse_output_accepts_only_non_empty_json_objects() -> None:
    assert decoder.parse_output('{"medications": ["metformin"]}', "json") == {"medications": ["metformin"]}
    for bad in ['{"medications": ["metf', "[1, 2]", "{}", "sure! here it is", ""]:
        assert decoder.parse_output(bad, "json") is None
    assert decoder.parse_output("  text  ", "text") == "text"


def test_field_f1_compares_items_per_key() -> None:
    ref = {"medications": ["Metformin", "lisinopril"], "symptoms": []}

    assert decoder.field_f1(ref, {"medications": ["metformin", "lisinopril"]}) == 1.0
    assert decoder.field_f1(ref, {"medications": ["metformin"]}) == pytest.approx(2 / 3)
    assert decoder.field_f1(ref, None) == 0.0
    assert decoder.field_f1({}, {}) == 1.0
    assert decoder.field_f1({"medications": []}, None) == 0.0  # invalid output never matches "nothing found"


def _recipe(
    tmp_path: Path, student: str, teacher: str, output: str = "json", max_invalid: float = 0.25
) -> Path:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    for name in ("train.csv", "dev.csv"):
        with (data / name).open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["dialogue"])
            for text in (
                "Doctor: any medicines? Patient: metformin.",
                "Doctor: pain? Patient: in my knee.",
                "Doctor: allergies? Patient: none.",
            ):
                w.writerow([text])
    path = tmp_path / "recipe.toml"
    path.write_text(
        f"""
name = "tiny-dec"
kind = "decoder"
[student]
ref = "{student}"
[teacher]
kind = "llm"
model = "{teacher}"
max_tokens = 12
max_invalid = {max_invalid}
[data]
root = "{data}"
train = "train.csv"
dev = "dev.csv"
[task]
instruction = "List the medicines."
output = "{output}"
train_examples = 3
eval_examples = 2
[train]
max_steps = 2
batch_size = 2
max_length = 96
lora_r = 2
lora_alpha = 4
threads = 1
[export]
gguf_types = ["Q8_0"]
[gates]
min = {{ student_top1_vs_f16 = 0.0 }}
[output]
dir = "{tmp_path / "run"}"
register = false
""",
        "utf-8",
    )
    return path


def test_a_teacher_that_emits_invalid_json_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_teacher(_path: Path, prompts: list[str], *_a: object, **_k: object) -> tuple[list[str], float]:
        return ['{"medications": ["metf'] * len(prompts), 1.0

    monkeypatch.setattr(decoder, "generate", broken_teacher)
    recipe = load_recipe(_recipe(tmp_path, "x", "y"))
    run = tmp_path / "run"
    run.mkdir()

    with pytest.raises(TeacherOutputError, match=r"unusable JSON for 3 of 3 prompts"):
        decoder.teacher_outputs(recipe, Path("teacher.gguf"), ["a", "b", "c"], run, lambda _m: None)
    assert len((run / "teacher.jsonl").read_text().splitlines()) == 3  # kept for inspection


def test_cached_teacher_answers_are_not_generated_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def teacher(_path: Path, prompts: list[str], *_a: object, **_k: object) -> tuple[list[str], float]:
        calls.append(len(prompts))
        return ['{"medications": ["metformin"]}'] * len(prompts), 1.0

    monkeypatch.setattr(decoder, "generate", teacher)
    recipe = load_recipe(_recipe(tmp_path, "x", "y"))
    run = tmp_path / "run"
    run.mkdir()
    first = decoder.teacher_outputs(recipe, Path("t.gguf"), ["a", "b"], run, lambda _m: None)
    again = decoder.teacher_outputs(recipe, Path("t.gguf"), ["a", "b", "c"], run, lambda _m: None)

    assert first == again[:2] == [{"medications": ["metformin"]}] * 2
    assert calls == [2, 1]


@pytest.mark.slow
def test_the_pipeline_runs_on_tiny_ggufs(tiny_llama: Path, tmp_path: Path) -> None:
    from edge_assist.quantize import gguf
    from edge_assist.quantize.distill import run_recipe

    try:
        gguf.find_converter()
    except ToolkitMissingError:
        pytest.skip("llama.cpp's converter is not installed")
    tiny = gguf.hf_to_gguf(tiny_llama, tmp_path / "tiny.f16.gguf")
    recipe = _recipe(tmp_path, str(tiny), str(tiny), output="text", max_invalid=1.0)

    report = run_recipe(recipe, store_root=tmp_path / "store")

    m = report["metrics"]
    assert {"base_valid", "f16_valid", "Q8_0_valid", "Q8_0_top1_vs_f16", "quantization_drop"} <= set(m)
    assert report["passed"] and report["registered"] is None
    assert Path(report["artifact"]).name == "tiny-dec.Q8_0.gguf"
    assert gguf.is_gguf(Path(report["artifact"]))
