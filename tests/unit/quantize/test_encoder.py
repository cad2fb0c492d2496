"""Encoder distillation end to end on a tiny BERT and a tiny MTS-Dialog-shaped CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from edge_assist.models.manifest import user_manifests
from edge_assist.quantize.distill import run_recipe
from edge_assist.quantize.errors import GateFailedError

ROWS = [
    ("ALLERGY", "Doctor: any allergies? Patient: penicillin gives me a rash."),
    ("MEDICATIONS", "Doctor: what medicines do you take? Patient: metformin twice a day."),
    ("FAM/SOCHX", "Doctor: any family history? Patient: my mother had diabetes."),
    ("FAM/SOCHX", "Doctor: do you smoke? Patient: I quit ten years ago."),
]


def _csv(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["ID", "section_header", "section_text", "dialogue"])
        for i, (label, text) in enumerate(rows):
            writer.writerow([i, label, "text", text])


def _recipe(tmp_path: Path, student: Path, gates: str, teacher: str = "rules") -> Path:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    _csv(data / "train.csv", ROWS * 3)
    _csv(data / "dev.csv", ROWS)
    path = tmp_path / "recipe.toml"
    path.write_text(
        f"""
name = "tiny-clf"
kind = "encoder"
[student]
ref = "{student}"
licence = "test"
[teacher]
kind = "{teacher}"
[data]
root = "{data}"
train = "train.csv"
dev = "dev.csv"
[train]
max_steps = 3
batch_size = 4
max_length = 32
checkpoint_every = 2
threads = 1
[gates]
{gates}
[output]
dir = "{tmp_path / "run"}"
""",
        "utf-8",
    )
    return path


@pytest.mark.slow
def test_a_passing_classifier_is_registered_with_its_card(tiny_bert: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    recipe = _recipe(
        tmp_path, tiny_bert, "min = { int8_top1_vs_fp32 = 0.0 }\nmax = { quantization_drop = 1.0 }"
    )

    report = run_recipe(recipe, store_root=store)

    assert report["passed"] and report["registered"]
    [manifest] = user_manifests(store / "_user")
    assert (manifest.id, manifest.task, manifest.format) == ("tiny-clf", "classify", "onnx")
    assert {f.name for f in manifest.files} == {"model.onnx", "tokenizer.json", "labels.json"}
    assert {"accuracy_fp32", "accuracy_int8", "accuracy_teacher", "ms_per_text_int8_2_threads"} <= set(
        report["metrics"]
    )
    card = Path(report["card"]).read_text()
    assert "registered as `tiny-clf`" in card and "sha256" in card
    assert not (tmp_path / "run" / "checkpoints").exists()  # cleared once registered
    from edge_assist.models.onnx_classifier import OnnxClassifier
    from edge_assist.models.store import ModelStore

    clf = OnnxClassifier.from_registered("tiny-clf", ModelStore(store))
    assert set(clf.predict([text for _, text in ROWS])) <= {label for label, _ in ROWS}


@pytest.mark.slow
def test_a_failing_gate_registers_nothing(tiny_bert: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    recipe = _recipe(tmp_path, tiny_bert, "min = { accuracy_int8 = 1.01 }", teacher="none")

    with pytest.raises(GateFailedError, match=r"tiny-clf was not registered: accuracy_int8"):
        run_recipe(recipe, store_root=store)

    assert not user_manifests(store / "_user")
    assert "NOT registered" in (tmp_path / "run" / "MODEL_CARD.md").read_text()


def test_a_recipe_naming_a_missing_student_fails_before_training(tmp_path: Path) -> None:
    from edge_assist.errors import InputError

    recipe = _recipe(tmp_path, tmp_path / "no-such-model", "")

    with pytest.raises(InputError, match=r"student.ref"):
        run_recipe(recipe, store_root=tmp_path / "store")
    assert not (tmp_path / "run" / "checkpoints").exists()
