"""GGUF: Hugging Face -> f16 GGUF (llama.cpp's converter), llama.cpp quantization, agreement checks.

* :func:`hf_to_gguf` runs ``convert_hf_to_gguf.py`` from the llama.cpp sources
  that llama-cpp-python vendors (same release as the runtime, so the files it
  writes are ones that runtime loads). ``scripts/setup --dev`` keeps a copy in
  ``.wheels/llama.cpp-<version>/``; ``$EDGE_ASSIST_LLAMA_CPP_DIR`` points elsewhere.
* :func:`quantize_gguf` calls ``llama_model_quantize`` through llama-cpp-python's
  low-level API (no llama.cpp binaries needed).
* :func:`gguf_to_hf` dequantizes a GGUF into a transformers model folder
  (``from_pretrained(gguf_file=...)``): how a student is loaded for training.
* :func:`compare_gguf` teacher-forces a few prompts through two GGUFs with
  llama.cpp and reports per-position top-1 agreement and logit cosine.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from edge_assist.errors import InputError
from edge_assist.quantize.errors import (
    ConversionError,
    DiskFullError,
    ToolkitMissingError,
    disk_guard,
    require,
)

DEFAULT_TYPES = ("Q4_K_M", "Q5_K_M", "Q8_0")
LLAMA_CPP_VERSION = "0.3.36"
PROMPTS: tuple[str, ...] = (
    "The patient is a 54-year-old man with a history of",
    "Assessment and plan: type 2 diabetes, poorly controlled. We will",
    "Common side effects of metformin include",
    '{"medications": [{"name": "lisinopril", "dose": "',
    "Doctor: What brings you in today?\nPatient: I have had a cough for",
    "Normal adult resting heart rate is between",
)


@dataclass(frozen=True)
class LogitAgreement:
    """Teacher-forced agreement of two causal LMs over the same token ids."""

    positions: int
    top1: float
    mean_cosine: float


@dataclass(frozen=True)
class QuantizedFile:
    """One quantized GGUF and how it compares with its f16 source."""

    type: str
    path: str
    size_bytes: int
    agreement: LogitAgreement | None
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return asdict(self)


def is_gguf(path: Path) -> bool:
    """True when ``path`` is a file starting with the GGUF magic."""
    try:
        with Path(path).open("rb") as fh:
            return fh.read(4) == b"GGUF"
    except OSError:
        return False


def ftype(name: str) -> int:
    """llama.cpp's file-type constant for a quant name such as ``Q4_K_M``.

    Raises:
        InputError: llama.cpp has no such type.
    """
    import llama_cpp

    value = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{name.strip().upper()}", None)
    if value is None:
        known = sorted(
            n.removeprefix("LLAMA_FTYPE_MOSTLY_")
            for n in dir(llama_cpp)
            if n.startswith("LLAMA_FTYPE_MOSTLY_")
        )
        raise InputError(f"unknown GGUF quantization type {name!r}", f"use one of {', '.join(known)}")
    return int(value)


def find_converter() -> Path:
    """The llama.cpp ``convert_hf_to_gguf.py`` to use.

    Raises:
        ToolkitMissingError: no copy found.
    """
    candidates = []
    if env := os.environ.get("EDGE_ASSIST_LLAMA_CPP_DIR"):
        candidates.append(Path(env))
    repo = Path(__file__).resolve().parents[2]
    candidates += [
        repo / ".wheels" / f"llama.cpp-{LLAMA_CPP_VERSION}",
        Path.home() / ".cache" / "edge-assist" / f"llama.cpp-{LLAMA_CPP_VERSION}",
    ]
    for folder in candidates:
        script = folder / "convert_hf_to_gguf.py"
        if script.is_file() and (folder / "conversion").is_dir():
            return script
    raise ToolkitMissingError(
        "llama.cpp's convert_hf_to_gguf.py is not available, so a Hugging Face folder cannot become a GGUF",
        f"run scripts/setup --dev (it keeps the llama.cpp {LLAMA_CPP_VERSION} sources in .wheels/), "
        "or set EDGE_ASSIST_LLAMA_CPP_DIR to a llama.cpp checkout; an f16 GGUF input needs no converter",
    )


def hf_to_gguf(src: Path, out: Path, outtype: str = "f16") -> Path:
    """Convert a Hugging Face causal-LM folder to one GGUF file (written whole or not at all).

    Raises:
        InputError: ``src`` is not a model folder.
        ConversionError: the converter does not support the architecture, or failed.
        DiskFullError: not enough free space for the result.
    """
    from edge_assist.quantize.onnx import read_config

    src, out = Path(src), Path(out)
    config = read_config(src)
    script = find_converter()
    require("torch", "sentencepiece")
    weights = sum(p.stat().st_size for p in src.iterdir() if p.suffix in (".safetensors", ".bin"))
    _need_space(
        out.parent,
        weights // 2 if outtype == "f16" and config.get("torch_dtype") == "float32" else weights,
        "the f16 GGUF",
    )
    tmp = out.with_name(f".{out.name}.partial")
    cmd = [sys.executable, str(script), str(src), "--outfile", str(tmp), "--outtype", outtype]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not is_gguf(tmp):
            raise ConversionError(_converter_error(done.stderr, config), _converter_hint(done.stderr))
        source = _source_gguf(src)
        with disk_guard(str(out)):
            if source is not None:
                transplant_vocab(tmp, source, out)
            else:
                os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _source_gguf(src: Path) -> Path | None:
    """The GGUF a folder was dequantized from (``source.json`` by :func:`gguf_to_hf`), if still there."""
    try:
        path = Path(json.loads((src / "source.json").read_text("utf-8"))["gguf"])
    except (OSError, ValueError, KeyError):
        return None
    return path if is_gguf(path) else None


def transplant_vocab(model: Path, vocab_from: Path, out: Path) -> Path:
    """Write ``model``'s GGUF to ``out`` with every ``tokenizer.*`` key taken from ``vocab_from``.

    A GGUF dequantized into transformers comes back with a re-derived tokenizer
    (SmolLM2's byte-level BPE returns as a SentencePiece-style vocabulary with a
    different EOS); the original file's vocabulary, merges, special ids and chat
    template are the ones the student was trained against, so they are restored.
    """
    import gguf

    src, donor = gguf.GGUFReader(str(model)), gguf.GGUFReader(str(vocab_from))
    arch = src.fields[gguf.Keys.General.ARCHITECTURE].contents()
    tmp = out.with_name(f".{out.name}.vocab.partial")
    writer = gguf.GGUFWriter(str(tmp), arch=arch, endianess=src.endianess)
    try:
        for reader, keep in (
            (src, lambda n: not n.startswith("tokenizer.")),
            (donor, lambda n: n.startswith("tokenizer.")),
        ):
            for field in reader.fields.values():
                if (
                    field.name == gguf.Keys.General.ARCHITECTURE
                    or field.name.startswith("GGUF.")
                    or not keep(field.name)
                ):
                    continue
                kind = field.types[0]
                sub = field.types[-1] if kind == gguf.GGUFValueType.ARRAY else None
                writer.add_key_value(field.name, field.contents(), kind, sub_type=sub)
        for t in src.tensors:
            writer.add_tensor_info(t.name, t.data.shape, t.data.dtype, t.data.nbytes, t.tensor_type)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_ti_data_to_file()
        for t in src.tensors:
            writer.write_tensor_data(t.data, tensor_endianess=src.endianess)
        writer.close()
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _converter_error(stderr: str, config: dict[str, Any]) -> str:
    arch = ", ".join(config.get("architectures") or ["?"])
    if "not supported" in stderr or "NotImplementedError" in stderr:
        return f"llama.cpp cannot convert this architecture ({arch})"
    if "No space left" in stderr:
        return "disk full while writing the GGUF"
    lines = [ln for ln in stderr.strip().splitlines() if ln.strip()]
    return f"HF -> GGUF conversion of {arch} failed: {lines[-1] if lines else 'no output'}"[:300]


def _converter_hint(stderr: str) -> str:
    if "not supported" in stderr or "NotImplementedError" in stderr:
        return "llama.cpp supports Llama, Qwen2, Gemma 3 and other listed architectures; pick one of those"
    if "No space left" in stderr:
        return "free some disk space and run again"
    return "run the converter by hand to see its full output"


def _need_space(folder: Path, needed: int, what: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(folder).free
    if free < needed + (64 << 20):
        raise DiskFullError(
            f"not enough disk for {what}: {free >> 20} MiB free, about {needed >> 20} MiB needed",
            f"free space under {folder} and run again",
        )


def quantize_gguf(src: Path, out: Path, qtype: str, threads: int = 2) -> Path:
    """Quantize an f16/f32/bf16 GGUF to ``qtype`` with llama.cpp (written whole or not at all).

    Raises:
        InputError: ``src`` is not a GGUF, or ``qtype`` unknown.
        ConversionError: llama.cpp refused (e.g. the source is already quantized).
        DiskFullError: not enough free space.
    """
    import llama_cpp

    src, out = Path(src), Path(out)
    if not is_gguf(src):
        raise InputError(f"{src} is not a GGUF file", "give an f16 GGUF or a Hugging Face model folder")
    kind = ftype(qtype)
    _need_space(
        out.parent,
        src.stat().st_size * 6 // 10 if "Q8" not in qtype.upper() else src.stat().st_size,
        f"{qtype} GGUF",
    )
    params = llama_cpp.llama_model_quantize_default_params()
    params.nthread = threads
    params.ftype = kind
    tmp = out.with_name(f".{out.name}.partial")
    try:
        rc = llama_cpp.llama_model_quantize(str(src).encode(), str(tmp).encode(), ctypes.byref(params))
        if rc != 0 or not is_gguf(tmp):
            raise ConversionError(
                f"llama.cpp could not quantize {src.name} to {qtype} (code {rc})",
                "give an f16/bf16/f32 GGUF; re-quantizing a quantized file is refused",
            )
        with disk_guard(str(out)):
            os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def quantize_many(
    src: Path,
    out_dir: Path,
    types: Sequence[str],
    stem: str | None = None,
    check: bool = True,
    prompts: Sequence[str] = PROMPTS,
) -> list[QuantizedFile]:
    """Quantize ``src`` to each of ``types`` in ``out_dir``; with ``check``, compare each with ``src``."""
    stem = stem or Path(src).stem.removesuffix(".f16").removesuffix("-f16")
    for t in types:
        ftype(t)  # fail on a bad name before any work
    reference = logits_of(src, prompts) if check else None
    results = []
    for t in types:
        started = time.monotonic()
        path = quantize_gguf(src, Path(out_dir) / f"{stem}.{t.upper()}.gguf", t)
        agree = compare_logits(reference, logits_of(path, prompts)) if reference is not None else None
        results.append(
            QuantizedFile(
                t.upper(), str(path), path.stat().st_size, agree, round(time.monotonic() - started, 1)
            )
        )
    return results


def logits_of(path: Path, prompts: Sequence[str], n_ctx: int = 512) -> list[tuple[list[int], Any]]:
    """(token ids, logits per position) of each prompt, teacher-forced through llama.cpp."""
    import numpy as np
    from llama_cpp import Llama

    llm = Llama(
        model_path=str(path), n_ctx=n_ctx, logits_all=True, n_threads=2, n_threads_batch=2, verbose=False
    )
    try:
        rows = []
        for prompt in prompts:
            ids = llm.tokenize(prompt.encode("utf-8"), add_bos=True)[: n_ctx - 1]
            llm.reset()
            llm.eval(ids)
            rows.append((ids, np.array(llm.scores[: len(ids)], dtype=np.float32)))
        return rows
    finally:
        llm.close()


def torch_logits(hf_dir: Path, token_ids: Sequence[Sequence[int]]) -> list[Any]:
    """Logits per position of a transformers causal LM for the given token ids (float32, CPU)."""
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(
        str(hf_dir), dtype=torch.float32, local_files_only=True
    ).eval()
    out = []
    with torch.no_grad():
        for ids in token_ids:
            out.append(model(torch.tensor([list(ids)])).logits[0].float().numpy())
    return out


def compare_logits(
    reference: Sequence[tuple[list[int], Any]] | Sequence[Any],
    candidate: Sequence[tuple[list[int], Any]] | Sequence[Any],
) -> LogitAgreement:
    """Top-1 agreement and mean cosine of logits, position by position."""
    import numpy as np

    ref = [r[1] if isinstance(r, tuple) else r for r in reference]
    cand = [c[1] if isinstance(c, tuple) else c for c in candidate]
    top, cos, n = 0, 0.0, 0
    for a, b in zip(ref, cand, strict=True):
        width = min(a.shape[-1], b.shape[-1])
        a, b = a[:, :width].astype(np.float64), b[:, :width].astype(np.float64)
        top += int((a.argmax(1) == b.argmax(1)).sum())
        cos += float(
            (
                (a * b).sum(1) / np.clip(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-12, None)
            ).sum()
        )
        n += len(a)
    return LogitAgreement(n, round(top / max(n, 1), 4), round(cos / max(n, 1), 5))


def gguf_to_hf(gguf_path: Path, out_dir: Path) -> Path:
    """Dequantize a GGUF into a transformers folder (float32 safetensors + tokenizer).

    Raises:
        ConversionError: transformers cannot read this GGUF's architecture.
    """
    require("torch", "transformers", "gguf")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from edge_assist.quantize._files import staged_dir

    gguf_path = Path(gguf_path)
    if not is_gguf(gguf_path):
        raise InputError(f"{gguf_path} is not a GGUF file", "check the path")
    folder, name = str(gguf_path.parent), gguf_path.name
    try:
        tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
        model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    except (ValueError, KeyError, NotImplementedError) as exc:
        raise ConversionError(
            f"transformers cannot load {name}: {exc}".splitlines()[0][:300],
            "transformers reads llama, qwen2, gemma3 and a few other GGUF architectures",
        ) from None
    with staged_dir(Path(out_dir)) as stage:
        model.save_pretrained(stage)
        tokenizer.save_pretrained(stage)
        # A SentencePiece tokenizer rebuilt from GGUF metadata saves a tokenizer.model the converter cannot
        # parse; tokenizer.json carries the vocabulary, and hf_to_gguf restores the GGUF's own anyway.
        (stage / "tokenizer.model").unlink(missing_ok=True)
        (stage / "source.json").write_text(json.dumps({"gguf": str(gguf_path)}) + "\n", "utf-8")
    return Path(out_dir)
