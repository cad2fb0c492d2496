"""Decoder distillation: teacher outputs -> LoRA-tuned student -> merged -> GGUF -> quantized.

The LEADER / on-device-scribe recipe at small scale. A teacher GGUF (e.g.
Qwen2.5-Coder-1.5B) answers the task's instruction for each training text
through llama.cpp (JSON-constrained when the task's output is JSON; unusable
answers are dropped, and too many of them stop the run with
:class:`TeacherOutputError`). The student GGUF (e.g. SmolLM2-135M) is
dequantized into transformers, LoRA-tuned with peft on the teacher's answers
(loss on the answer tokens only, chat template from the student's GGUF),
merged, converted back to an f16 GGUF with the student's original vocabulary,
and quantized. The base student, the merged f16 student and every quantized
file then answer the held-out texts through llama.cpp (no grammar: the format
must have been learned) and are scored against the teacher's answers.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from edge_assist.quantize.errors import TeacherOutputError
from edge_assist.quantize.recipe import Recipe, data_file, resolve_model

Log = Callable[[str], None]
MAX_TEXT_CHARS = 1500


def prompt_for(recipe: Recipe, text: str) -> str:
    """The user message: the task's instruction, then the (clipped) text."""
    return f"{recipe.task.instruction.strip()}\n\n{text[:MAX_TEXT_CHARS]}"


def parse_output(raw: str, kind: str) -> Any:
    """The usable form of one model answer (a JSON object, or stripped text); None when unusable."""
    raw = (raw or "").strip()
    if kind == "text":
        return raw or None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) and value else None


def generate(
    gguf_path: Path, prompts: Sequence[str], max_tokens: int, json_mode: bool, n_ctx: int = 2048
) -> tuple[list[str], float]:
    """Greedy answers of a GGUF chat model (llama.cpp, 2 threads) and its generation speed (tokens/s)."""
    from llama_cpp import Llama

    llm = Llama(model_path=str(gguf_path), n_ctx=n_ctx, n_threads=2, n_threads_batch=2, verbose=False)
    outputs, tokens, seconds = [], 0, 0.0
    try:
        for prompt in prompts:
            started = time.perf_counter()
            kwargs: dict[str, Any] = {"response_format": {"type": "json_object"}} if json_mode else {}
            done = llm.create_chat_completion(
                [{"role": "user", "content": prompt}],
                max_tokens=max_tokens,
                temperature=0.0,
                seed=0,
                **kwargs,
            )
            seconds += time.perf_counter() - started
            tokens += done["usage"]["completion_tokens"]
            outputs.append(done["choices"][0]["message"]["content"] or "")
    finally:
        llm.close()
    return outputs, round(tokens / max(seconds, 1e-9), 1)


def teacher_outputs(
    recipe: Recipe, teacher: Path, texts: Sequence[str], run_dir: Path, log: Log
) -> list[Any]:
    """The teacher's parsed answers, cached in ``teacher.jsonl`` (``None`` where unusable).

    Raises:
        TeacherOutputError: more than ``teacher.max_invalid`` of the answers are unusable.
    """
    cache = run_dir / "teacher.jsonl"
    known: dict[str, str] = {}
    if cache.is_file():
        for line in cache.read_text("utf-8").splitlines():
            row = json.loads(line)
            known[row["prompt"]] = row["raw"]
    prompts = [prompt_for(recipe, t) for t in texts]
    todo = [p for p in dict.fromkeys(prompts) if p not in known]
    if todo:
        log(f"teacher {teacher.name} answering {len(todo)} prompts ({len(known)} cached)")
        for i in range(0, len(todo), 4):  # append as we go: an interrupted run keeps what it paid for
            batch = todo[i : i + 4]
            answers, _ = generate(teacher, batch, recipe.teacher.max_tokens, recipe.task.output == "json")
            with cache.open("a", encoding="utf-8") as fh:
                for p, a in zip(batch, answers, strict=True):
                    fh.write(json.dumps({"prompt": p, "raw": a}) + "\n")
                    known[p] = a
    parsed = [parse_output(known[p], recipe.task.output) for p in prompts]
    bad = sum(v is None for v in parsed)
    if bad > recipe.teacher.max_invalid * len(parsed):
        raise TeacherOutputError(
            f"the teacher produced unusable {'JSON' if recipe.task.output == 'json' else 'text'} for "
            f"{bad} of {len(parsed)} prompts (more than teacher.max_invalid = {recipe.teacher.max_invalid})",
            f"raise teacher.max_tokens, use a stronger teacher or check the instruction (answers: {cache})",
        )
    return parsed


def distill_decoder(recipe: Recipe, run_dir: Path, store_root: Path, log: Log) -> dict[str, Any]:
    """Teacher answers, LoRA training, merge, GGUF export, quantization and scoring; returns the report."""
    from edge_assist.quantize import gguf as g
    from edge_assist.quantize.encoder import read_rows
    from edge_assist.quantize.errors import require

    train_csv, dev_csv = data_file(recipe, "train"), data_file(recipe, "dev")
    student_gguf = resolve_model(recipe.student.ref, "student.ref", recipe.base_dir, store_root)
    teacher_gguf = resolve_model(recipe.teacher.model, "teacher.model", recipe.base_dir, store_root)
    require("torch", "transformers", "peft", "accelerate", "gguf")
    d, task = recipe.data, recipe.task
    train_texts = [t for t, _ in read_rows(train_csv, d.text_column, None, task.train_examples)]
    dev_texts = [t for t, _ in read_rows(dev_csv, d.text_column, None, task.eval_examples)]
    started = time.monotonic()
    train_answers = teacher_outputs(recipe, teacher_gguf, train_texts, run_dir, log)
    dev_answers = teacher_outputs(recipe, teacher_gguf, dev_texts, run_dir, log)
    teacher_seconds = round(time.monotonic() - started, 1)
    pairs = [
        (prompt_for(recipe, t), _render(a))
        for t, a in zip(train_texts, train_answers, strict=True)
        if a is not None
    ]
    hf_base = run_dir / "student-base-hf"
    if not (hf_base / "config.json").is_file():
        log(f"loading the student {student_gguf.name} into transformers (dequantized)")
        g.gguf_to_hf(student_gguf, hf_base)
    model, stats = _lora_train(hf_base, pairs, recipe, run_dir, log)
    merged = run_dir / "student-merged-hf"
    _save_merged(model, hf_base, merged, student_gguf)
    gguf_dir = run_dir / "gguf"
    gguf_dir.mkdir(exist_ok=True)
    f16 = g.hf_to_gguf(merged, gguf_dir / f"{recipe.name}.f16.gguf")
    log(f"merged student -> {f16.name}; quantizing to {', '.join(recipe.export.gguf_types)}")
    quantized = g.quantize_many(f16, gguf_dir, recipe.export.gguf_types, stem=recipe.name)
    report = _score(recipe, student_gguf, f16, quantized, dev_texts, dev_answers, log)
    report["training"] = {
        **asdict(stats),
        "examples": len(pairs),
        "teacher_seconds": teacher_seconds,
        "teacher_unusable": sum(a is None for a in train_answers + dev_answers),
    }
    report["inputs"] = {
        "train": str(train_csv),
        "dev": str(dev_csv),
        "student": str(student_gguf),
        "teacher": str(teacher_gguf),
    }
    return report


def _render(answer: Any) -> str:
    return json.dumps(answer, ensure_ascii=False) if not isinstance(answer, str) else answer


def _lora_train(
    hf_base: Path, pairs: list[tuple[str, str]], recipe: Recipe, run_dir: Path, log: Log
) -> tuple[Any, Any]:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from edge_assist.quantize.training import train

    cfg = recipe.train
    tokenizer = AutoTokenizer.from_pretrained(str(hf_base), local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(str(hf_base), dtype=torch.float32, local_files_only=True)
    model = get_peft_model(
        model,
        LoraConfig(
            r=cfg.lora_r,
            lora_alpha=cfg.lora_alpha,
            lora_dropout=0.05,
            target_modules=cfg.lora_targets,
            task_type="CAUSAL_LM",
        ),
    )
    end = "<|im_end|>\n" if "<|im_end|>" in tokenizer.get_vocab() else (tokenizer.eos_token or "")
    examples = []
    for prompt, answer in pairs:
        head = _chat_head(tokenizer, prompt)
        p_ids = tokenizer(head, add_special_tokens=False)["input_ids"]
        a_ids = tokenizer(answer + end, add_special_tokens=False)["input_ids"]
        ids = (p_ids + a_ids)[-cfg.max_length :]
        labels = ([-100] * len(p_ids) + a_ids)[-cfg.max_length :]
        examples.append({"ids": ids, "labels": labels})
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0

    def collate(batch: list[dict[str, Any]]) -> dict[str, Any]:
        width = max(len(b["ids"]) for b in batch)
        ids = torch.full((len(batch), width), pad)
        labels = torch.full((len(batch), width), -100)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, b in enumerate(batch):
            ids[row, : len(b["ids"])] = torch.tensor(b["ids"])
            labels[row, : len(b["labels"])] = torch.tensor(b["labels"])
            mask[row, : len(b["ids"])] = 1
        return {"input_ids": ids, "labels": labels, "attention_mask": mask}

    def loss_fn(m: Any, batch: dict[str, Any]) -> Any:
        return m(**batch).loss

    log(f"LoRA r={cfg.lora_r} on {len(examples)} teacher answers")
    return train(model, examples, collate, loss_fn, cfg, run_dir, log)


def _chat_head(tokenizer: Any, prompt: str) -> str:
    """The prompt as the runtime formats it: the GGUF's chat template, else llama.cpp's llama-2 default."""
    if tokenizer.chat_template:
        return str(
            tokenizer.apply_chat_template(
                [{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True
            )
        )
    return f"[INST] {prompt} [/INST]"


def _save_merged(model: Any, hf_base: Path, folder: Path, source_gguf: Path) -> None:
    from transformers import AutoTokenizer

    from edge_assist.quantize._files import staged_dir

    merged = model.merge_and_unload()
    with staged_dir(folder) as stage:
        merged.save_pretrained(stage)
        AutoTokenizer.from_pretrained(str(hf_base), local_files_only=True).save_pretrained(stage)
        (stage / "tokenizer.model").unlink(missing_ok=True)  # see gguf.gguf_to_hf
        # the converter restores this GGUF's vocabulary and chat template (see gguf.transplant_vocab)
        (stage / "source.json").write_text(json.dumps({"gguf": str(source_gguf)}) + "\n", "utf-8")


def field_f1(reference: Any, candidate: Any) -> float:
    """Micro F1 of (key, item) pairs between two JSON objects (strings compared case-insensitively)."""
    if not isinstance(candidate, dict):
        return 0.0  # an unusable answer scores nothing, even where the teacher found nothing
    ref, cand = _items(reference), _items(candidate)
    if not ref and not cand:
        return 1.0
    hit = len(ref & cand)
    return 0.0 if not hit else 2 * hit / (len(ref) + len(cand))


def _items(value: Any) -> set[tuple[str, str]]:
    if not isinstance(value, dict):
        return set()
    out = set()
    for key, v in value.items():
        for item in v if isinstance(v, list) else [v]:
            text = json.dumps(item, sort_keys=True) if not isinstance(item, str) else item
            if text.strip():
                out.add((str(key).lower(), text.strip().lower()))
    return out


def _score(
    recipe: Recipe,
    base: Path,
    f16: Path,
    quantized: list[Any],
    texts: Sequence[str],
    refs: Sequence[Any],
    log: Log,
) -> dict[str, Any]:
    from edge_assist.quantize.gguf import compare_logits, logits_of

    prompts = [prompt_for(recipe, t) for t in texts]
    keep = [i for i, r in enumerate(refs) if r is not None]
    metrics: dict[str, Any] = {"eval_examples": len(keep)}
    candidates = {"base": base, "f16": f16} | {q.type: Path(q.path) for q in quantized}
    for label, path in candidates.items():
        answers, speed = generate(
            path, [prompts[i] for i in keep], recipe.teacher.max_tokens, json_mode=False
        )
        parsed = [parse_output(a, recipe.task.output) for a in answers]
        metrics[f"{label}_valid"] = round(sum(p is not None for p in parsed) / max(len(parsed), 1), 4)
        if recipe.task.output == "json":
            scores = [field_f1(refs[i], p) for i, p in zip(keep, parsed, strict=True)]
            metrics[f"{label}_f1_vs_teacher"] = round(sum(scores) / max(len(scores), 1), 4)
        metrics[f"{label}_tokens_per_second_2_threads"] = speed
        log(
            f"{label}: valid {metrics[f'{label}_valid']}, "
            + (
                f"F1 vs teacher {metrics.get(f'{label}_f1_vs_teacher')}, "
                if recipe.task.output == "json"
                else ""
            )
            + f"{speed} tok/s"
        )
    chosen = (recipe.export.register_type or quantized[0].type).upper()
    reference = logits_of(f16, prompts[:4])
    for q in quantized:
        metrics[f"{q.type}_top1_vs_f16"] = compare_logits(
            reference, logits_of(Path(q.path), prompts[:4])
        ).top1
        metrics[f"{q.type}_size_bytes"] = q.size_bytes
    metrics["f16_size_bytes"] = f16.stat().st_size
    score = "f1_vs_teacher" if recipe.task.output == "json" else "valid"
    metrics["student_valid"] = metrics[f"{chosen}_valid"]
    metrics["student_score"] = metrics[f"{chosen}_{score}"]
    metrics["student_top1_vs_f16"] = metrics[f"{chosen}_top1_vs_f16"]
    metrics["gain_vs_base"] = round(metrics[f"{chosen}_{score}"] - metrics[f"base_{score}"], 4)
    metrics["quantization_drop"] = round(metrics[f"f16_{score}"] - metrics[f"{chosen}_{score}"], 4)
    artifact = next(Path(q.path) for q in quantized if q.type == chosen)
    return {"metrics": metrics, "artifact": str(artifact), "registered_type": chosen}
