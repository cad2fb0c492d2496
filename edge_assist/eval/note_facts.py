"""``eval note-facts``: notes a clinician would sign, scored against hand-made facts and terse notes.

The data are hand-made gold encounters (JSON Lines; ``tests/data/note_facts`` has the set this
project wrote, rules in its PROVENANCE.md): upstream ids, fact lists, pertinent negatives and a
terse GP-style note. The dialogue and the reference note are read from the upstream files under
the shared data root (``$EDGE_ASSIST_DATA``, else the first ``shared/data`` folder beside an
ancestor of ``--data``), by ``source`` and ``encounter_id``; they are never copied.

Each encounter falls in ``tune`` or ``check`` by the first byte of the SHA-256 of its id (< 128:
tune), fixed before any output was read. Every metric is reported per part (``tune_``, ``check_``)
and over all.

The draft is ``write_note`` with its default writer (rules only, no model) on the ``gp`` template
(``soap`` where there is none); the facts are ``read_facts`` on the draft's parsed turns.

Metrics:

* ``fragment_share``: drafted lines that are fragments (:mod:`edge_assist.eval.note_quality`);
* ``neg_recall``: gold pertinent negatives the draft states as negatives (a negated item of the
  draft matches it as text); ``neg_precision``: negated items of the draft that match a gold
  negative or that the dialogue negates - the item occurs in a negated list of a turn, or in a
  clinician's question whose next patient turn answers "no";
* ``fact_precision`` / ``fact_recall`` / ``fact_f1``: ``read_facts`` against the gold facts, one
  to one, matched by :func:`fact_score`; ``facts_neg_recall``: gold negatives among the facts;
* ``rouge1`` / ``rouge2`` / ``rougeL`` of the draft against the terse note;
  ``length_ratio_terse_p50`` / ``length_ratio_reference_p50``: draft words over the terse note's
  and over the upstream reference note's, median;
* ``latency_p50`` / ``latency_p95`` of the note (s), ``facts_latency_p50`` of ``read_facts``.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from edge_assist.assistant import Assistant
from edge_assist.errors import InputError
from edge_assist.eval.aci_bench import rouge_scores
from edge_assist.eval.base import EvalResult, EvalTask, Progress, read_csv_rows, register
from edge_assist.eval.note_quality import answers_no, canon, is_fragment, negated_items, relative, text_score

PARTS = ("tune", "check")
KINDS = ("complaint", "history", "family", "social", "medication", "allergy", "exam", "result",
         "diagnosis", "plan")
ASSERTIONS = ("present", "absent", "possible", "historical", "hypothetical")
# Kinds a writer may reasonably file a fact under interchangeably: a chronic condition is history
# in one note and a problem of the assessment in another; a vital sign is an exam or a result.
_KIND_GROUP = {"complaint": "problem", "history": "problem", "diagnosis": "problem",
               "exam": "objective", "result": "objective"}
# Past and present are both affirmed (the kind carries "past"); negation and uncertainty are strict.
_ASSERTION_CLASS = {"present": "affirmed", "historical": "affirmed"}
# Upstream formats: the id column and the reference-note column of each data set's CSV.
_FORMATS = {"aci-bench": ("encounter_id", "note"), "mts-dialog": ("ID", "section_text")}

Writer = Callable[[str], Any]
Reader = Callable[[Any], list[Any]]


def part(item_id: str) -> str:
    """``tune`` when the first byte of the id's SHA-256 is below 128, else ``check``."""
    return PARTS[hashlib.sha256(item_id.encode("utf-8")).digest()[0] >= 128]


# -- data -----------------------------------------------------------------------------------


def read_encounters(path: Path) -> list[dict[str, Any]]:
    """The gold encounters of a JSON Lines file, each checked.

    Raises:
        InputError: unreadable, not JSON, a field missing, an unknown kind or assertion, a part
            that is not the id's hash, or a repeated id.
    """
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        raise InputError(f"cannot read {path}", "point --data at encounters.jsonl or its folder") from None
    items = [_encounter(path.name, n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    ids = [i["id"] for i in items]
    if len(set(ids)) != len(ids):
        raise InputError(f"{path.name}: repeated encounter ids")
    return items


def _encounter(name: str, n: int, line: str) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError:
        raise InputError(f"{name} line {n} is not JSON") from None
    need = ("id", "source", "encounter_id", "part", "facts", "negatives", "terse_note")
    if not isinstance(item, dict) or any(k not in item for k in need):
        raise InputError(f"{name} line {n} lacks one of {', '.join(need)}")
    if item["part"] != part(item["id"]):
        raise InputError(f"{name} line {n}: part {item['part']!r} is not the hash part of {item['id']!r}")
    for fact in item["facts"] + item["negatives"]:
        if not isinstance(fact, dict) or fact.get("kind") not in KINDS or not fact.get("text"):
            raise InputError(f"{name} line {n}: a fact without a known kind and a text")
        if fact.get("assertion", "absent") not in ASSERTIONS:
            raise InputError(f"{name} line {n}: unknown assertion {fact.get('assertion')!r}")
    return item


def data_root(data: Path) -> Path:
    """The shared data root: ``$EDGE_ASSIST_DATA``, else ``shared/data`` beside an ancestor of ``data``.

    Raises:
        InputError: neither exists.
    """
    if os.environ.get("EDGE_ASSIST_DATA"):
        root = Path(os.environ["EDGE_ASSIST_DATA"])
        if root.is_dir():
            return root
    for folder in Path(data).resolve().parents:
        if (folder / "shared" / "data").is_dir():
            return folder / "shared" / "data"
    raise InputError("no shared data root for the upstream dialogues",
                     "set EDGE_ASSIST_DATA to the folder holding aci-bench/ and mts-dialog/")


def load_sources(root: Path, encounters: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[str, str]]:
    """``(source, encounter_id) -> (dialogue, reference note)`` for every encounter, from upstream.

    Raises:
        InputError: an unknown data set, a missing upstream file, or an id the file lacks.
    """
    wanted: dict[str, set[str]] = {}
    for e in encounters:
        wanted.setdefault(e["source"], set()).add(str(e["encounter_id"]))
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for source, ids in wanted.items():
        fmt = _FORMATS.get(source.split("/")[0])
        if fmt is None:
            raise InputError(f"unknown source {source!r}", f"sources: {', '.join(_FORMATS)}/<file>.csv")
        path = root / source
        if not path.is_file():
            raise InputError(f"no {source} under {root}", "set EDGE_ASSIST_DATA to the shared data folder")
        key, ref = fmt
        for row in read_csv_rows(path, (key, "dialogue", ref), f"{source} as published upstream"):
            if row[key] in ids:
                found[(source, row[key])] = (row["dialogue"], row[ref])
        missing = sorted(ids - {k for s, k in found if s == source})
        if missing:
            raise InputError(f"{source} has no encounter(s) {', '.join(missing)}")
    return found


# -- matching -------------------------------------------------------------------------------


def _get(fact: Any, key: str, default: str = "") -> str:
    value = fact.get(key, default) if isinstance(fact, dict) else getattr(fact, key, default)
    return str(value or default)


def _subject_ok(gold: str, system: str) -> bool:
    if gold == "patient" or system == "patient":
        return gold == system
    return relative(gold) in {"family", "relative"} or relative(gold) == relative(system)


def fact_score(gold: Any, system: Any) -> float:
    """How well a system fact states a gold fact (0: not at all).

    Strict on the kind group (problem: complaint/history/diagnosis; objective: exam/result; every
    other kind its own), on the assertion (present and historical count as one; absent, possible
    and hypothetical each their own) and on the subject (the patient, or the same relative -
    maternal/paternal and plurals folded; a gold "family" takes any relative); lenient on wording:
    :func:`~edge_assist.eval.note_quality.text_score` of the texts, attributes ignored.
    """
    kinds = [_get(f, "kind") for f in (gold, system)]
    if _KIND_GROUP.get(kinds[0], kinds[0]) != _KIND_GROUP.get(kinds[1], kinds[1]):
        return 0.0
    asserted = [_get(f, "assertion", "present") for f in (gold, system)]
    if _ASSERTION_CLASS.get(asserted[0], asserted[0]) != _ASSERTION_CLASS.get(asserted[1], asserted[1]):
        return 0.0
    if not _subject_ok(_get(gold, "subject", "patient"), _get(system, "subject", "patient")):
        return 0.0
    return text_score(_get(gold, "text"), _get(system, "text"))


def match_facts(gold: list[Any], system: list[Any]) -> list[tuple[int, int]]:
    """One-to-one ``(gold index, system index)`` pairs, best-scoring pairs first."""
    scored = sorted(((fact_score(g, s), i, j) for i, g in enumerate(gold) for j, s in enumerate(system)),
                    key=lambda t: (-t[0], t[1], t[2]))
    used_g: set[int] = set()
    used_s: set[int] = set()
    pairs = []
    for score, i, j in scored:
        if score > 0 and i not in used_g and j not in used_s:
            pairs.append((i, j))
            used_g.add(i)
            used_s.add(j)
    return sorted(pairs)


# -- negatives ------------------------------------------------------------------------------


def _neg_matches(negative: dict[str, Any], item: str) -> bool:
    return text_score(negative["text"], item) > 0


def negatives_counts(gold: list[dict[str, Any]], draft_items: list[str],
                     supported: Callable[[str], bool]) -> dict[str, int]:
    """Counts for pertinent-negative recall and precision.

    ``recalled``: gold negatives some draft item matches; ``correct``: draft items that match a
    gold negative or that ``supported`` (the dialogue negates them) accepts.
    """
    recalled = sum(any(_neg_matches(g, d) for d in draft_items) for g in gold)
    correct = sum(any(_neg_matches(g, d) for g in gold) or supported(d) for d in draft_items)
    return {"gold": len(gold), "recalled": recalled, "draft": len(draft_items), "correct": correct}


def dialogue_support(turns: list[Any]) -> Callable[[str], bool]:
    """Whether the dialogue negates an item: in a negated list of a turn, or asked and answered "no"."""
    negated: list[str] = []
    asked: list[str] = []
    for k, turn in enumerate(turns):
        text = _get(turn, "text")
        negated += negated_items(text)
        nxt = turns[k + 1] if k + 1 < len(turns) else None
        if ("?" in text and _get(turn, "speaker") != "patient" and nxt is not None
                and _get(nxt, "speaker") == "patient" and answers_no(_get(nxt, "text"))):
            asked.append(text)

    def supported(item: str) -> bool:
        return (any(text_score(item, n) > 0 for n in negated)
                or any(_contained(item, q) for q in asked))

    return supported


def _contained(item: str, question: str) -> bool:
    words = canon(item)
    return bool(words) and words <= canon(question)


# -- running --------------------------------------------------------------------------------


def draft_lines(note: Any) -> list[str]:
    """The drafted lines of a note: each sentence, a labelled one as ``Label: text``."""
    return [f"{s.label}: {s.text}" if getattr(s, "label", "") else s.text
            for section in note.sections for s in section.sentences]


def score_encounter(item: dict[str, Any], dialogue: str, reference: str, write: Writer,
                    read: Reader) -> dict[str, Any]:
    """One encounter's record: draft lines and fragments, negatives, facts, ROUGE, lengths, times."""
    started = time.perf_counter()
    note = write(dialogue)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    facts = [f.as_dict() if hasattr(f, "as_dict") else f for f in read(note.turns)]
    facts_seconds = time.perf_counter() - started
    lines = draft_lines(note)
    draft = "\n".join(lines)
    items = [i for line in lines for i in negated_items(line)]
    pairs = match_facts(item["facts"], facts)
    absent = [f for f in facts if _get(f, "assertion") == "absent"]
    words = len(draft.split())
    return {
        "id": item["id"], "part": item["part"], "lines": len(lines),
        "fragments": [line for line in lines if is_fragment(line)],
        "negatives": negatives_counts(item["negatives"], items, dialogue_support(note.turns)),
        "facts_neg_recalled": sum(any(fact_score({**g, "assertion": "absent"}, f) > 0 for f in absent)
                                  for g in item["negatives"]),
        "gold_facts": len(item["facts"]), "system_facts": len(facts), "matched": len(pairs),
        "missed_kinds": [g["kind"] for i, g in enumerate(item["facts"]) if i not in {p[0] for p in pairs}],
        "gold_kinds": [g["kind"] for g in item["facts"]],
        "rouge": rouge_scores(draft, item["terse_note"]),
        "ratio_terse": words / max(1, len(item["terse_note"].split())),
        "ratio_reference": words / max(1, len(reference.split())),
        "seconds": seconds, "facts_seconds": facts_seconds,
    }


def metrics(records: list[dict[str, Any]], prefix: str = "") -> dict[str, float]:
    """The task's metrics over ``records`` (pooled counts; medians of ratios and times)."""
    if not records:
        return {}
    lines = sum(r["lines"] for r in records)
    neg = {k: sum(r["negatives"][k] for r in records) for k in ("gold", "recalled", "draft", "correct")}
    gold, system, matched = (sum(r[k] for r in records) for k in ("gold_facts", "system_facts", "matched"))
    precision, recall = _share(matched, system), _share(matched, gold)
    secs = sorted(r["seconds"] for r in records)
    out: dict[str, float] = {
        "encounters": len(records), "lines": lines,
        "fragment_share": _share(sum(len(r["fragments"]) for r in records), lines),
        "gold_negatives": neg["gold"], "draft_negatives": neg["draft"],
        "neg_recall": _share(neg["recalled"], neg["gold"]),
        "neg_precision": _share(neg["correct"], neg["draft"]),
        "facts_neg_recall": _share(sum(r["facts_neg_recalled"] for r in records), neg["gold"]),
        "gold_facts": gold, "system_facts": system, "fact_precision": precision, "fact_recall": recall,
        "fact_f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
    }
    for kind in KINDS:
        total = sum(r["gold_kinds"].count(kind) for r in records)
        if total:
            missed = sum(r["missed_kinds"].count(kind) for r in records)
            out[f"recall_{kind}"] = _share(total - missed, total)
    for key in ("rouge1", "rouge2", "rougeL"):
        out[key] = round(statistics.mean(r["rouge"][key] for r in records), 4)
    out |= {
        "length_ratio_terse_p50": round(statistics.median(r["ratio_terse"] for r in records), 3),
        "length_ratio_reference_p50": round(statistics.median(r["ratio_reference"] for r in records), 3),
        "latency_p50": round(statistics.median(secs), 3),
        "latency_p95": round(secs[min(len(secs) - 1, int(0.95 * len(secs)))], 3),
        "facts_latency_p50": round(statistics.median(r["facts_seconds"] for r in records), 3),
    }
    return {f"{prefix}{k}": v for k, v in out.items()}


def _share(n: int | float, d: int | float) -> float:
    return round(n / d, 4) if d else 0.0


def evaluate(items: list[dict[str, Any]], sources: dict[tuple[str, str], tuple[str, str]],
             write: Writer, read: Reader, progress: Progress | None = None) -> tuple[dict[str, float],
                                                                                     list[dict[str, Any]]]:
    """Score every encounter with ``write`` (dialogue -> note) and ``read`` (turns -> facts)."""
    records = []
    for item in items:
        dialogue, reference = sources[(item["source"], str(item["encounter_id"]))]
        records.append(score_encounter(item, dialogue, reference, write, read))
        if progress:
            progress(1)
    result = metrics(records)
    for name in PARTS:
        result |= metrics([r for r in records if r["part"] == name], f"{name}_")
    return result, records


def default_template() -> str:
    """``gp`` where the build has it, else ``soap``."""
    from edge_assist.notes import builtin_names

    return "gp" if "gp" in builtin_names() else "soap"


class NoteFactsTask(EvalTask):
    """Fragments, pertinent negatives, facts, ROUGE and length of notes on hand-made gold encounters."""

    name = "note-facts"
    description = ("notes from dialogues vs hand-made facts, negatives and terse GP notes: fragment share, "
                   "negative P/R, fact P/R/F1, ROUGE, length ratio, latency; tune and check parts (JSONL)")
    data_file = "encounters.jsonl"

    def run(self, data: Path, assistant: Assistant, limit: int | None,
            progress: Progress | None = None) -> EvalResult:
        from edge_assist.extract.dialogue import read_facts
        from edge_assist.notes import write_note

        path = self.locate(data)
        items = read_encounters(path)[:limit]
        if not items:
            raise InputError(f"{path.name} has no encounters")
        sources = load_sources(data_root(path), items)
        template = default_template()
        result, records = evaluate(items, sources, lambda text: write_note(text, template), read_facts,
                                   progress)
        return EvalResult(self.name, str(path), len(records), result, model="rules",
                          notes=[f"template={template}; write_note default writer, rules only",
                                 "parts by SHA-256 of the id: first byte < 128 tune, else check"])


register(NoteFactsTask())
