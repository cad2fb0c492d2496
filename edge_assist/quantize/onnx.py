"""ONNX export (optimum) and int8 quantization (onnxruntime), checked against the source model.

``export_onnx(src, out)`` turns a Hugging Face / sentence-transformers encoder
folder into the folder the runtime loads (``model.onnx`` int8 + ``tokenizer.json``,
plus ``labels.json`` for a classifier), then runs the *same token ids* through
the torch source and the int8 graph and reports their agreement:

* feature extraction: cosine of the mean-pooled, L2-normalised sentence vectors;
* sequence classification: cosine of the logits and top-1 agreement.

Quantization is ``per-channel`` (dynamic: int8 weights per output channel,
activations quantized on the fly; no calibration data) or ``static`` (QDQ,
activation ranges calibrated on sample texts). The result is written only when
its worst-case cosine reaches ``min_cosine``.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from edge_assist.errors import InputError
from edge_assist.models.onnx_session import padded_feeds
from edge_assist.quantize._files import dir_size, staged_dir
from edge_assist.quantize.errors import ConversionError, GateFailedError, require

INT8_MODES = ("per-channel", "static", "none")
TASKS = ("auto", "feature-extraction", "text-classification")

# Agreement and calibration texts: short, made-up clinical sentences (no patient data).
SAMPLE_TEXTS: tuple[str, ...] = (
    "Patient reports chest pain radiating to the left arm since this morning.",
    "No known drug allergies.",
    "Doctor: Any fever or chills? Patient: No, just a dry cough for two weeks.",
    "Metformin 500 mg twice daily with meals.",
    "Blood pressure 142/88, heart rate 96, afebrile.",
    "Assessment: community-acquired pneumonia, right lower lobe.",
    "Plan: start amoxicillin, follow up in one week, return if breathing worsens.",
    "Family history of type 2 diabetes and hypertension in the mother.",
    "She quit smoking ten years ago and drinks alcohol socially.",
    "Review of systems is otherwise negative.",
    "The wound is clean, dry and intact with no signs of infection.",
    "Hemoglobin A1c 8.2 percent, up from 7.5 three months ago.",
)


@dataclass(frozen=True)
class Agreement:
    """How closely a converted model reproduces its source on the same inputs."""

    n: int
    min_cosine: float
    mean_cosine: float
    top1: float | None = None  # classifiers only: share of texts with the same argmax


@dataclass(frozen=True)
class OnnxResult:
    """What :func:`export_onnx` wrote and how it compares with the source."""

    path: str
    task: str
    int8: str
    size_bytes: int
    source_bytes: int
    agreement: Agreement
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return asdict(self)


def detect_task(src: Path) -> str:
    """``text-classification`` when the config names a sequence-classification head, else feature extraction.

    Raises:
        InputError: ``src`` is not a model folder with a ``config.json``.
    """
    config = read_config(src)
    archs = config.get("architectures") or []
    if any(a.endswith("ForSequenceClassification") for a in archs):
        return "text-classification"
    return "feature-extraction"


def read_config(src: Path) -> dict[str, Any]:
    """The ``config.json`` of a Hugging Face model folder.

    Raises:
        InputError: the folder or its config is missing or unreadable.
    """
    path = Path(src) / "config.json"
    if not Path(src).is_dir() or not path.is_file():
        raise InputError(
            f"{src} is not a Hugging Face model folder (no config.json)",
            "give the folder that holds config.json, the weights and tokenizer.json",
        )
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path} cannot be read: {exc}".splitlines()[0]) from None


def export_onnx(
    src: Path,
    out: Path,
    int8: str = "per-channel",
    task: str = "auto",
    texts: Sequence[str] = SAMPLE_TEXTS,
    min_cosine: float = 0.98,
) -> OnnxResult:
    """Export ``src`` to ONNX, quantize it to int8 and check it against ``src``.

    Raises:
        InputError: ``src`` is not a model folder, or ``int8``/``task`` is unknown.
        ConversionError: optimum cannot export this architecture.
        GateFailedError: the int8 model's worst cosine is below ``min_cosine`` (nothing written).
        ToolkitMissingError: the quantize extra is not installed.
    """
    if int8 not in INT8_MODES:
        raise InputError(f"unknown int8 mode {int8!r}", f"use one of {', '.join(INT8_MODES)}")
    src = Path(src)
    task = detect_task(src) if task == "auto" else task
    if task not in TASKS[1:]:
        raise InputError(f"unknown task {task!r}", f"use one of {', '.join(TASKS)}")
    if not (src / "tokenizer.json").is_file():
        raise InputError(f"{src} has no tokenizer.json", "save the model with a fast tokenizer")
    require("torch", "transformers", "optimum.exporters.onnx", "onnxruntime.quantization")
    started = time.monotonic()
    with staged_dir(Path(out)) as stage:
        fp32 = stage / "fp32"
        _optimum_export(src, fp32, task)
        if int8 == "none":
            shutil.move(fp32 / "model.onnx", stage / "model.onnx")
        else:
            quantize_int8(fp32 / "model.onnx", stage / "model.onnx", int8, fp32 / "tokenizer.json", texts)
        for name in ("tokenizer.json", "config.json"):
            shutil.copy2(fp32 / name if (fp32 / name).is_file() else src / name, stage / name)
        if task == "text-classification":
            write_labels(read_config(src), stage / "labels.json")
        shutil.rmtree(fp32)
        agreement = compare_with_source(src, stage, task, texts)
        if agreement.min_cosine < min_cosine:
            raise GateFailedError(
                f"int8 model agrees too little with its source: min cosine {agreement.min_cosine:.4f} "
                f"< {min_cosine} (mean {agreement.mean_cosine:.4f}); nothing written",
                "try --int8 per-channel, or lower --min-cosine if this is expected",
            )
        size = dir_size(stage / "model.onnx")
    return OnnxResult(
        str(out), task, int8, size, _weights_size(src), agreement, round(time.monotonic() - started, 1)
    )


def write_labels(config: dict[str, Any], path: Path) -> None:
    """``labels.json`` (labels in logit order) from a config's ``id2label``."""
    id2label = config.get("id2label") or {}
    labels = [id2label[k] for k in sorted(id2label, key=int)]
    path.write_text(json.dumps({"labels": labels}, indent=1) + "\n", "utf-8")


def _weights_size(src: Path) -> int:
    return sum(p.stat().st_size for p in src.iterdir() if p.suffix in (".safetensors", ".bin"))


def _optimum_export(src: Path, dest: Path, task: str) -> None:
    from optimum.exporters.onnx import main_export

    try:
        main_export(
            str(src),
            dest,
            task=task,
            device="cpu",
            library_name="transformers",
            local_files_only=True,
            do_validation=False,
        )
    except (ValueError, KeyError, NotImplementedError) as exc:
        raise ConversionError(
            f"optimum cannot export {src.name} for {task}: {exc}".splitlines()[0],
            "this architecture is not supported by the ONNX exporter",
        ) from None


def quantize_int8(model: Path, dest: Path, mode: str, tokenizer: Path, texts: Sequence[str]) -> None:
    """Quantize one ONNX graph to int8 (``per-channel`` dynamic or ``static`` QDQ)."""
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_dynamic, quantize_static

    if mode == "per-channel":
        quantize_dynamic(str(model), str(dest), per_channel=True, weight_type=QuantType.QInt8)
        return
    reader = _CalibrationReader(model, tokenizer, texts)
    # uint8 activations and only MatMul/Gemm quantized: on MiniLM, int8 activations or quantizing
    # every op (LayerNorm, GELU, Softmax inputs) dropped the worst-case cosine to 0.6-0.8.
    quantize_static(
        str(model),
        str(dest),
        reader,
        quant_format=QuantFormat.QDQ,
        per_channel=True,
        activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul", "Gemm"],
    )


class _CalibrationReader:
    """Feeds for onnxruntime's static calibration, one text at a time."""

    def __init__(self, model: Path, tokenizer: Path, texts: Sequence[str]) -> None:
        import onnx

        names = {i.name for i in onnx.load(str(model), load_external_data=False).graph.input}
        self._feeds = iter(
            [
                {k: v[None, :] for k, v in f.items() if k in names}
                for f in (encode(tokenizer, [t]) for t in texts)
                for f in [{k: v[0] for k, v in f.items()}]
            ]
        )

    def get_next(self) -> dict[str, Any] | None:
        return next(self._feeds, None)

    def rewind(self) -> None:  # pragma: no cover - onnxruntime calls it only for some methods
        pass


def encode(tokenizer: Path, texts: Sequence[str], max_length: int = 256) -> dict[str, Any]:
    """Padded ``input_ids``/``attention_mask``/``token_type_ids`` as the runtime builds them."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer))
    tok.enable_truncation(max_length)
    tok.no_padding()
    return padded_feeds(tok.encode_batch(list(texts)), {"token_type_ids"})


def onnx_outputs(folder: Path, texts: Sequence[str], task: str) -> Any:
    """Pooled unit vectors (feature extraction) or logits (classification) of the ONNX model in ``folder``."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])
    feeds = encode(folder / "tokenizer.json", texts)
    names = {i.name for i in session.get_inputs()}
    out = session.run(None, {k: v for k, v in feeds.items() if k in names})[0]
    return out if task == "text-classification" else _pool(out, feeds["attention_mask"])


def torch_outputs(src: Path, texts: Sequence[str], task: str, max_length: int = 256) -> Any:
    """The same quantities from the torch source model (texts truncated to ``max_length`` tokens)."""
    import torch
    from transformers import AutoModel, AutoModelForSequenceClassification

    feeds = encode(src / "tokenizer.json", texts, max_length)
    cls = AutoModelForSequenceClassification if task == "text-classification" else AutoModel
    model = cls.from_pretrained(str(src), local_files_only=True).eval()
    with torch.no_grad():
        out = model(**{k: torch.from_numpy(v) for k, v in feeds.items()})
    if task == "text-classification":
        return out.logits.numpy()
    return _pool(out.last_hidden_state.numpy(), feeds["attention_mask"])


def compare_with_source(src: Path, folder: Path, task: str, texts: Sequence[str]) -> Agreement:
    """Run ``texts`` through the torch source and the ONNX folder; cosine (and top-1) agreement."""
    return agreement(
        torch_outputs(src, texts, task),
        onnx_outputs(folder, texts, task),
        classify=task == "text-classification",
    )


def agreement(reference: Any, candidate: Any, classify: bool = False) -> Agreement:
    """Row-wise cosine between two output matrices, plus argmax agreement for logits."""
    import numpy as np

    ref = np.asarray(reference, np.float64)
    cand = np.asarray(candidate, np.float64)
    cos = (ref * cand).sum(1) / np.clip(
        np.linalg.norm(ref, axis=1) * np.linalg.norm(cand, axis=1), 1e-12, None
    )
    top1 = float((ref.argmax(1) == cand.argmax(1)).mean()) if classify else None
    return Agreement(
        len(ref),
        round(float(cos.min()), 5),
        round(float(cos.mean()), 5),
        None if top1 is None else round(top1, 4),
    )


def _pool(hidden: Any, mask: Any) -> Any:
    import numpy as np

    w = mask[..., None].astype(np.float32)
    pooled = (hidden * w).sum(1) / np.clip(w.sum(1), 1e-9, None)
    return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
