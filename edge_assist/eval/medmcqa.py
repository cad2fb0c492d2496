"""MedMCQA: four-option medical exam questions, answered by the chat model.

The answer is forced through a JSON schema whose only field is an enum of
the option letters, so a small model cannot wander off into prose and every
answer is scoreable. Reads the upstream JSONL unchanged: ``question``,
``opa``..``opd``, ``cop`` (1-4, 1 = opa).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from edge_assist.assistant import Assistant
from edge_assist.errors import EdgeAssistError, InputError
from edge_assist.eval.base import EvalResult, EvalTask, Progress, register
from edge_assist.models.base import GenerationOptions, Message

LETTERS = ("A", "B", "C", "D")
SCHEMA = {"type": "object", "properties": {"answer": {"type": "string", "enum": list(LETTERS)}},
          "required": ["answer"]}
SYSTEM = ("You are a medical expert answering multiple-choice exam questions. "
          'Reply with JSON {"answer": "<letter>"} naming the single best option.')


def read_items(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of the upstream JSONL, checked for the fields this task needs."""
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                cop = int(row["cop"])
                options = [str(row[k]) for k in ("opa", "opb", "opc", "opd")]
                question = str(row["question"])
            except (ValueError, KeyError, TypeError):
                raise InputError(f"{path.name} line {lineno} is not a MedMCQA row",
                                 "expected JSONL with question, opa-opd and cop") from None
            if not 1 <= cop <= 4:
                raise InputError(f"{path.name} line {lineno}: cop must be 1-4")
            yield {"question": question, "options": options, "answer": LETTERS[cop - 1]}


def prompt_for(item: dict[str, Any], evidence: str = "") -> list[Message]:
    """The chat messages for one question, with retrieved passages quoted first if given."""
    options = "\n".join(f"{letter}. {text}" for letter, text in zip(LETTERS, item["options"],
                                                                   strict=True))
    context = f"Reference passages (may not be relevant):\n{evidence}\n\n" if evidence else ""
    return [Message("system", SYSTEM), Message("user", f"{context}{item['question']}\n{options}")]


class MedMCQATask(EvalTask):
    """Accuracy on MedMCQA (chance is 0.25)."""

    name = "medmcqa"
    description = "MedMCQA multiple-choice accuracy of the chat model (JSONL, cop 1-4)"
    data_file = "medmcqa_dev.jsonl"

    def run(self, data: Path, assistant: Assistant, limit: int | None,
            progress: Progress | None = None) -> EvalResult:
        path = self.locate(data)
        correct = invalid = n = 0
        for item in read_items(path):
            if limit is not None and n >= limit:
                break
            n += 1
            try:
                reply = assistant.llm.generate_json(prompt_for(item, self.evidence(assistant, item)), SCHEMA,
                                                    GenerationOptions(max_tokens=16))
                correct += reply["answer"] == item["answer"]
            except EdgeAssistError as exc:
                if exc.exit_code == 130:
                    raise
                invalid += 1
            if progress:
                progress(1)
        if n == 0:
            raise InputError(f"{path.name} has no questions")
        return EvalResult(self.name, str(path), n,
                          {"accuracy": round(correct / n, 4), "invalid_rate": round(invalid / n, 4)},
                          model=assistant.model_id("llm"))


    def evidence(self, assistant: Assistant, item: dict[str, Any]) -> str:
        """Passages to quote with the question ('' without retrieval)."""
        return ""


class MedMCQARetrievalTask(MedMCQATask):
    """MedMCQA with the top passages of the local evidence index quoted before each question."""

    name = "medmcqa-rag"
    description = "MedMCQA accuracy with hybrid retrieval from the local index (needs index build-default)"
    passages = 3

    def evidence(self, assistant: Assistant, item: dict[str, Any]) -> str:
        """The top passages for the question and its options, trimmed."""
        query = " ".join([item["question"], *item["options"]])[:2000]
        hits = assistant.open_index().search(query, assistant.embedder, k=self.passages)
        return "\n".join(f"- {' '.join(h.text.split())[:400]}" for h in hits)


register(MedMCQATask())
register(MedMCQARetrievalTask())
