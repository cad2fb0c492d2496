"""Encoder distillation: a MiniLM sequence classifier from gold labels plus a teacher's labels.

The student is a pretrained encoder (all-MiniLM-L6-v2) with a classification
head, fine-tuned end to end on the training CSV. Its loss mixes the gold
label's cross-entropy with the teacher's: the *rules* teacher
(:func:`edge_assist.notes.headers.classify_header`, hard labels) or the
*header-model* teacher (the shipped MiniLM + TF-IDF softmax regression, soft
probabilities). Texts in ``data.silver`` have no gold label and learn from the
teacher alone. The result is exported to int8 ONNX and measured on the dev CSV
next to its teacher and its unquantized (torch fp32) self, exactly as
``edge-assist eval mts-dialog`` scores headers (normalised upper-case labels).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from edge_assist.errors import InputError
from edge_assist.quantize.recipe import Recipe, data_file, resolve_model

Log = Callable[[str], None]


def read_rows(path: Path, text_col: str, label_col: str | None, limit: int = 0) -> list[tuple[str, str]]:
    """(text, label) pairs of a CSV (label ``""`` when ``label_col`` is None); empty texts skipped."""
    from edge_assist.eval import read_csv_rows

    cols = [text_col] + ([label_col] if label_col else [])
    rows = []
    for row in read_csv_rows(path, cols, f"the recipe expects columns {cols}"):
        text = (row[text_col] or "").strip()
        if text:
            rows.append((text, (row[label_col] or "").strip().upper() if label_col else ""))
        if limit and len(rows) >= limit:
            break
    if not rows:
        raise InputError(f"{path.name} has no usable rows", f"it needs a non-empty {text_col} column")
    return rows


def teacher_probabilities(kind: str, texts: Sequence[str], labels: Sequence[str], store_root: Path) -> Any:
    """A (len(texts), len(labels)) matrix of the teacher's label probabilities (rows of zeros: no opinion)."""
    import numpy as np

    probs = np.zeros((len(texts), len(labels)), np.float32)
    column = {label: i for i, label in enumerate(labels)}
    if kind == "rules":
        from edge_assist.notes.headers import classify_header

        for row, text in enumerate(texts):
            if (label := classify_header(text).upper()) in column:
                probs[row, column[label]] = 1.0
    elif kind == "header-model":
        from edge_assist.models.base import Embedder
        from edge_assist.models.registry import make_default_registry
        from edge_assist.models.store import ModelStore
        from edge_assist.notes.header_model import shipped_model
        from edge_assist.settings import Settings

        try:
            model = shipped_model()
        except Exception as exc:  # a missing or half-rebuilt npz fails in numpy, not as a typed error
            raise InputError(
                f"the header-model teacher cannot be loaded: {exc}".splitlines()[0],
                "rebuild it (python -m edge_assist.notes.train_headers) or use teacher.kind = 'rules'",
            ) from None
        store = ModelStore(store_root)
        embedder = make_default_registry(store).load(model.embedder_id, Embedder, Settings(), store)
        try:
            theirs = model.probabilities(list(texts), embedder)
        finally:
            embedder.close()
        for j, label in enumerate(model.labels):
            if label.upper() in column:
                probs[:, column[label.upper()]] = theirs[:, j]
    return probs


def teacher_predict(kind: str, texts: Sequence[str], labels: Sequence[str], store_root: Path) -> list[str]:
    """The teacher's label for each text (``""`` where it has none in ``labels``)."""
    probs = teacher_probabilities(kind, texts, labels, store_root)
    return [labels[int(r.argmax())] if r.max() > 0 else "" for r in probs]


def distill_encoder(recipe: Recipe, run_dir: Path, store_root: Path, log: Log) -> dict[str, Any]:
    """Train, export and measure the classifier; returns the report (metrics, files, timings).

    Raises:
        InputError / ConfigError: a data file or model in the recipe is missing.
        TrainingInterrupted: stopped; the next run resumes.
    """
    from edge_assist.quantize.errors import require

    train_csv, dev_csv = data_file(recipe, "train"), data_file(recipe, "dev")
    silver_csv = data_file(recipe, "silver") if recipe.data.silver else None
    student_dir = resolve_model(recipe.student.ref, "student.ref", recipe.base_dir, store_root)
    require("torch", "transformers", "accelerate", "optimum.exporters.onnx")
    d = recipe.data
    train_rows = read_rows(train_csv, d.text_column, d.label_column, d.train_limit)
    dev_rows = read_rows(dev_csv, d.text_column, d.label_column, d.dev_limit)
    silver = [text for text, _ in read_rows(silver_csv, d.text_column, None)] if silver_csv else []
    labels = sorted({label for _, label in train_rows})
    log(
        f"{len(train_rows)} gold + {len(silver)} silver training texts, {len(labels)} labels, "
        f"{len(dev_rows)} dev texts"
    )
    texts = [text for text, _ in train_rows] + silver
    soft = _cached_teacher(run_dir, recipe, texts, labels, store_root, log)
    gold = [labels.index(label) for _, label in train_rows] + [-1] * len(silver)
    examples = [{"text": x, "gold": g, "soft": s} for x, g, s in zip(texts, gold, soft, strict=True)]
    model, tokenizer = _student(student_dir, labels)
    for name, param in model.named_parameters():
        if any(name.startswith(prefix) for prefix in recipe.train.freeze):
            param.requires_grad = False
    started = time.monotonic()
    model, stats = _train(model, tokenizer, examples, recipe, run_dir, log)
    hf_dir = run_dir / "student-hf"
    _save(model, tokenizer, hf_dir)
    log(f"trained {stats.steps} steps in {stats.seconds:.0f}s on {stats.device}; exporting int8 ONNX")
    report = _measure(recipe, hf_dir, run_dir / "onnx-int8", dev_rows, labels, store_root, log)
    report["training"] = {
        **asdict(stats),
        "train_texts": len(texts),
        "gold": len(train_rows),
        "silver": len(silver),
        "labels": len(labels),
        "wall_seconds": round(time.monotonic() - started, 1),
    }
    report["inputs"] = {
        "train": str(train_csv),
        "dev": str(dev_csv),
        "student": str(student_dir),
        "silver": str(silver_csv or ""),
    }
    return report


def _cached_teacher(
    run_dir: Path, recipe: Recipe, texts: list[str], labels: list[str], store_root: Path, log: Log
) -> list[list[float] | None]:
    kind = recipe.teacher.kind
    if kind == "none":
        return [None] * len(texts)
    cache = run_dir / "teacher-labels.json"
    if cache.is_file():
        data = json.loads(cache.read_text("utf-8"))
        if data.get("labels") == labels and data.get("kind") == kind and len(data["probs"]) == len(texts):
            return [p if sum(p) > 0 else None for p in data["probs"]]
    log(f"labelling {len(texts)} texts with the {kind} teacher")
    probs = teacher_probabilities(kind, texts, labels, store_root).round(5).tolist()
    cache.write_text(json.dumps({"kind": kind, "labels": labels, "probs": probs}), "utf-8")
    return [p if sum(p) > 0 else None for p in probs]


def _student(student_dir: Path, labels: list[str]) -> tuple[Any, Any]:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from edge_assist.quantize.errors import ConversionError

    try:
        tokenizer = AutoTokenizer.from_pretrained(str(student_dir), local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(
            str(student_dir),
            num_labels=len(labels),
            id2label=dict(enumerate(labels)),
            label2id={label: i for i, label in enumerate(labels)},
            local_files_only=True,
        )
    except (OSError, ValueError, KeyError) as exc:
        raise ConversionError(
            f"cannot load {student_dir.name} as a sequence classifier: {exc}".splitlines()[0],
            "the encoder student must be a Hugging Face BERT-like folder",
        ) from None
    return model, tokenizer


def _train(
    model: Any, tokenizer: Any, examples: list[dict[str, Any]], recipe: Recipe, run_dir: Path, log: Log
) -> tuple[Any, Any]:
    import torch

    from edge_assist.quantize.training import train

    weight = recipe.teacher.weight if recipe.teacher.kind != "none" else 0.0
    n_labels = model.config.num_labels

    def collate(batch: list[dict[str, Any]]) -> dict[str, Any]:
        enc = tokenizer(
            [b["text"] for b in batch],
            padding=True,
            truncation=True,
            max_length=recipe.train.max_length,
            return_tensors="pt",
        )
        soft = [b["soft"] if b["soft"] is not None else [0.0] * n_labels for b in batch]
        return {**enc, "gold": torch.tensor([b["gold"] for b in batch]), "soft": torch.tensor(soft)}

    def loss_fn(m: Any, batch: dict[str, Any]) -> Any:
        gold, soft = batch.pop("gold"), batch.pop("soft")
        logits = m(**batch).logits
        has_gold, has_soft = gold >= 0, soft.sum(1) > 0
        ce = torch.nn.functional.cross_entropy(logits, gold.clamp(min=0), reduction="none") * has_gold
        kd = -(soft * torch.log_softmax(logits, -1)).sum(1)
        # gold and teacher: mix by the recipe's weight; gold only: CE; silver only: the teacher's loss
        w = torch.where(has_gold & has_soft, weight, torch.where(has_gold, 0.0, 1.0))
        return ((1 - w) * ce + w * kd).mean()

    return train(model, examples, collate, loss_fn, recipe.train, run_dir, log)


def _save(model: Any, tokenizer: Any, folder: Path) -> None:
    from edge_assist.quantize._files import staged_dir

    with staged_dir(folder) as stage:
        model.save_pretrained(stage)
        tokenizer.save_pretrained(stage)


def _measure(
    recipe: Recipe,
    hf_dir: Path,
    onnx_dir: Path,
    dev: list[tuple[str, str]],
    labels: list[str],
    store_root: Path,
    log: Log,
) -> dict[str, Any]:
    from edge_assist.models.onnx_classifier import OnnxClassifier
    from edge_assist.quantize.onnx import export_onnx, torch_outputs

    texts, gold = [x for x, _ in dev], [y for _, y in dev]
    exported = export_onnx(
        hf_dir,
        onnx_dir,
        int8=recipe.export.int8,
        task="text-classification",
        texts=texts[:32],
        min_cosine=-1.0,
    )
    # both sides see exactly what the runtime sees: the same tokenizer, truncated at the training length
    fp32 = torch_outputs(hf_dir, texts, "text-classification", recipe.train.max_length)
    clf = OnnxClassifier.from_dir(onnx_dir, max_length=recipe.train.max_length, n_threads=2)
    started = time.perf_counter()
    int8_logits = clf.logits(texts)
    ms_per_text = (time.perf_counter() - started) * 1000 / len(texts)
    int8_pred = [clf.labels[i] for i in int8_logits.argmax(1)]
    fp32_pred = [labels[i] for i in fp32.argmax(1)]
    metrics: dict[str, Any] = {
        "accuracy_fp32": _acc(fp32_pred, gold),
        "accuracy_int8": _acc(int8_pred, gold),
        "int8_top1_vs_fp32": _acc(int8_pred, fp32_pred),
        "int8_min_cosine": exported.agreement.min_cosine,
        "ms_per_text_int8_2_threads": round(ms_per_text, 2),
        "size_bytes_int8": exported.size_bytes,
        "size_bytes_fp32": exported.source_bytes,
    }
    half = len(texts) // 2
    metrics["accuracy_int8_first_half"] = _acc(int8_pred[:half], gold[:half])
    metrics["accuracy_int8_second_half"] = _acc(int8_pred[half:], gold[half:])
    metrics["quantization_drop"] = round(metrics["accuracy_fp32"] - metrics["accuracy_int8"], 4)
    if recipe.teacher.kind != "none":
        teacher = teacher_predict(recipe.teacher.kind, texts, labels, store_root)
        metrics["accuracy_teacher"] = _acc(teacher, gold)
        metrics["int8_minus_teacher"] = round(metrics["accuracy_int8"] - metrics["accuracy_teacher"], 4)
    log("dev: " + ", ".join(f"{k} {v}" for k, v in metrics.items()))
    return {"metrics": metrics, "artifact": str(onnx_dir), "labels": labels}


def _acc(pred: Sequence[str], gold: Sequence[str]) -> float:
    return round(sum(p == g for p, g in zip(pred, gold, strict=True)) / max(len(gold), 1), 4)
