"""MTS-Dialog: name the note section of a short doctor-patient exchange and write its text.

Reads the upstream CSV unchanged (``ID, section_header, section_text,
dialogue``; Ben Abacha et al. 2023, CC BY 4.0). ``header_accuracy`` is over
the 20 normalised headers, named by the shipped learned classifier
(:mod:`edge_assist.notes.header_model`, trained on the training CSV only) when
the profile's embedder is the one it was trained with, else by the cue rules
(``edge_assist/notes/rules/headers.toml``); the result says which.
``rouge1`` compares the extractive section text (the whole exchange rewritten
in note style, within a word budget) with the reference section text.
"""

from __future__ import annotations

import statistics
from itertools import islice
from pathlib import Path

from edge_assist.assistant import Assistant
from edge_assist.errors import InputError
from edge_assist.eval.aci_bench import rouge_scores
from edge_assist.eval.base import EvalResult, EvalTask, Progress, read_csv_rows, register

_COLUMNS = ("section_header", "section_text", "dialogue")
_SECTION_TOML = """
name = "mts-section"
[[sections]]
key = "section"
title = "SECTION"
content = ["complaint", "history", "ros", "exam", "results", "assessment", "plan"]
max_words = 60
"""


class MtsDialogTask(EvalTask):
    """Section-header accuracy and ROUGE-1 of the section text on MTS-Dialog."""

    name = "mts-dialog"
    description = "MTS-Dialog: section-header accuracy over its 20 headers, ROUGE-1 of the section (CSV)"
    data_file = "MTS-Dialog-ValidationSet.csv"

    def run(self, data: Path, assistant: Assistant, limit: int | None,
            progress: Progress | None = None) -> EvalResult:
        import tomllib

        from edge_assist.errors import EdgeAssistError
        from edge_assist.notes import Template, write_note

        path = self.locate(data)
        template = Template.from_dict(tomllib.loads(_SECTION_TOML), "mts-section")
        rows = list(islice(_rows(path), limit))
        headers, classifier = _headers([r["dialogue"] for r in rows], assistant)
        hits, rouge, skipped = [], [], 0
        for row, header in zip(rows, headers, strict=True):
            try:
                note = write_note(row["dialogue"], template, check=False)
            except EdgeAssistError:
                skipped += 1
                continue
            hits.append(header == row["section_header"].strip().upper())
            rouge.append(rouge_scores(note.sections[0].text, row["section_text"])["rouge1"])
            if progress:
                progress(1)
        if not hits:
            raise InputError(f"{path.name} has no usable rows")
        return EvalResult(self.name, str(path), len(hits),
                          {"header_accuracy": round(sum(hits) / len(hits), 4),
                           "rouge1": round(statistics.mean(rouge), 4) if rouge else 0.0,
                           "skipped": skipped},
                          model=classifier, notes=[f"header classifier: {classifier}"])


def _headers(dialogues: list[str], assistant: Assistant) -> tuple[list[str], str]:
    """Headers by the learned model when the profile's embedder fits it, else by the cue rules."""
    from edge_assist.errors import ModelLoadError
    from edge_assist.notes.header_model import shipped_model
    from edge_assist.notes.headers import classify_header

    try:
        model = shipped_model()
        if assistant.model_id("embedder") == model.embedder_id:
            return model.predict(dialogues, assistant.embedder), f"learned ({model.embedder_id} + TF-IDF)"
    except ModelLoadError:
        pass
    return [classify_header(d) for d in dialogues], "rules (edge_assist/notes/rules/headers.toml)"


def _rows(path: Path):  # type: ignore[no-untyped-def]
    yield from read_csv_rows(path, _COLUMNS,
                             "give an MTS-Dialog CSV (e.g. MTS-Dialog-ValidationSet.csv)")


register(MtsDialogTask())
