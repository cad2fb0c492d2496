"""ONNX export and int8 quantization of tiny random encoders, checked against their torch source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edge_assist.errors import InputError
from edge_assist.quantize.errors import ConversionError, GateFailedError
from edge_assist.quantize.onnx import agreement, detect_task, export_onnx

from .conftest import TEXTS


def test_per_channel_int8_encoder_agrees_with_its_source(tiny_bert: Path, tmp_path: Path) -> None:
    result = export_onnx(tiny_bert, tmp_path / "out", int8="per-channel", texts=TEXTS, min_cosine=0.9)

    assert result.task == "feature-extraction"
    assert {p.name for p in (tmp_path / "out").iterdir()} == {"model.onnx", "tokenizer.json", "config.json"}
    assert result.agreement.n == len(TEXTS)
    assert result.agreement.min_cosine >= 0.9


def test_classifier_export_writes_labels_and_loads_in_the_runtime(
    tiny_bert_classifier: Path, tmp_path: Path
) -> None:
    from edge_assist.models.onnx_classifier import OnnxClassifier

    result = export_onnx(tiny_bert_classifier, tmp_path / "clf", texts=TEXTS, min_cosine=0.0)
    clf = OnnxClassifier.from_dir(tmp_path / "clf")

    assert result.task == "text-classification"
    assert json.loads((tmp_path / "clf" / "labels.json").read_text())["labels"] == [
        "ALLERGY",
        "MEDICATIONS",
        "FAM/SOCHX",
    ]
    assert result.agreement.top1 is not None
    assert clf.logits(TEXTS).shape == (len(TEXTS), 3)
    assert set(clf.predict(TEXTS)) <= set(clf.labels)
    assert clf.probabilities(TEXTS[:2]).sum(axis=1) == pytest.approx([1.0, 1.0], abs=1e-5)


@pytest.mark.slow
def test_static_int8_is_calibrated_on_the_sample_texts(tiny_bert: Path, tmp_path: Path) -> None:
    result = export_onnx(tiny_bert, tmp_path / "static", int8="static", texts=TEXTS, min_cosine=0.0)

    assert result.int8 == "static"
    assert (tmp_path / "static" / "model.onnx").is_file()


def test_a_gate_failure_writes_nothing_and_keeps_the_previous_output(tiny_bert: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("previous result")

    with pytest.raises(GateFailedError, match=r"min cosine"):
        export_onnx(tiny_bert, out, texts=TEXTS, min_cosine=1.01)

    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert not list(tmp_path.glob(".*partial"))


def test_a_folder_without_config_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no config.json"):
        export_onnx(tmp_path, tmp_path / "out")


def test_an_unknown_int8_mode_is_refused(tiny_bert: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"int8 mode"):
        export_onnx(tiny_bert, tmp_path / "out", int8="int4")


def test_an_architecture_the_exporter_does_not_know_is_a_conversion_error(
    tiny_bert: Path, tmp_path: Path
) -> None:
    import shutil

    odd = tmp_path / "odd"
    shutil.copytree(tiny_bert, odd)
    config = json.loads((odd / "config.json").read_text())
    config.update(model_type="not-a-model", architectures=["NotAModel"])
    (odd / "config.json").write_text(json.dumps(config))

    with pytest.raises(ConversionError):
        export_onnx(odd, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_detect_task_reads_the_head_from_the_config(tiny_bert: Path, tiny_bert_classifier: Path) -> None:
    assert detect_task(tiny_bert) == "feature-extraction"
    assert detect_task(tiny_bert_classifier) == "text-classification"


def test_agreement_is_cosine_and_top1() -> None:
    same = agreement([[1.0, 0.0], [0.0, 2.0]], [[2.0, 0.0], [0.0, 1.0]], classify=True)
    flipped = agreement([[1.0, 0.0]], [[0.0, 1.0]], classify=True)

    assert (same.min_cosine, same.top1) == (1.0, 1.0)
    assert (flipped.min_cosine, flipped.top1) == (0.0, 0.0)
