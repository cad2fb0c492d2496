"""eval note-facts: the fragment detector, negated items, the fact matcher, negative P/R, the split,
the gold set's shape, and the task end to end on fakes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from edge_assist.errors import InputError
from edge_assist.eval import get_task
from edge_assist.eval.note_facts import (
    ASSERTIONS,
    KINDS,
    dialogue_support,
    evaluate,
    fact_score,
    load_sources,
    match_facts,
    negatives_counts,
    part,
    read_encounters,
)
from edge_assist.eval.note_quality import fragment_reasons, fragment_share, is_fragment, negated_items

GOLD = Path(__file__).parents[2] / "data" / "note_facts" / "encounters.jsonl"
SHARED = Path(__file__).resolve().parents[4] / "shared" / "data"


# -- fragments ------------------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "The patient has been feeling, the patient has been feeling kind of.",  # stutter, filler, 'of'
    "The patient thinks the patient, it all started with.",                 # ends on 'with'
    "It started with the sore throat and runny nose, and.",                 # ends on 'and'
    "Um, tired all the time.",                                              # filler
    "It was, like, sore for a while.",                                      # 'like' set off by commas
    "I, I feel tired today.",                                               # stutter
    "Pain in the the knee.",                                                # stutter
    "You know, the knee hurts.",                                            # filler phrase
    "Knee pain.",                                                           # under three words
    "Plan: rest and.",                                                      # a label line still ends on 'and'
])
def test_fragments_are_found(line: str) -> None:
    assert is_fragment(line), line


@pytest.mark.parametrize("line", [
    "Sore throat, runny nose and cough for 4 days; night sweats.",
    "No chest pain, nausea or vomiting.",
    "NKDA.",                          # standard short item
    "Unremarkable.",
    "No fever.",                      # a negative
    "Allergies: none.",               # label line
    "Impression: viral URTI.",
    "Felt like a heart attack, sharp and central.",   # 'like' as a comparison
    "He had had surgery in 2019.",    # 'had had' is English
    "Follow up in 1 week.",           # ends on a number; 'up' is a particle
])
def test_note_lines_are_not_fragments(line: str) -> None:
    assert fragment_reasons(line) == [], line


def test_short_line_reasons_and_share() -> None:
    assert fragment_reasons("Ruled out.") == ["under three words"]
    assert fragment_share(["No fever.", "Um, and.", "Cough for 4 days.", "It hurts the"]) == 0.5
    assert fragment_share([]) == 0.0


# -- negated items --------------------------------------------------------------------------

def test_negated_items_split_lists_and_expand_abbreviations() -> None:
    assert negated_items("No CP, N/V.") == ["chest pain", "nausea", "vomiting"]
    assert negated_items("Denies fever, chills or cough but has a rash.") == ["fever", "chills", "cough"]
    assert negated_items("Cough for 4 days.") == []
    assert negated_items("The patient denies any nausea and no vomiting.") == ["nausea", "vomiting"]


# -- fact matcher ---------------------------------------------------------------------------

def _f(kind: str, text: str, assertion: str = "present", subject: str = "patient") -> dict[str, str]:
    return {"kind": kind, "text": text, "assertion": assertion, "subject": subject}


def test_matcher_is_lenient_on_wording() -> None:
    assert fact_score(_f("complaint", "shortness of breath"), _f("complaint", "SOB on exertion")) > 0
    assert fact_score(_f("medication", "lasix"), _f("medication", "furosemide 80 mg daily")) > 0
    assert fact_score(_f("complaint", "knee pain"), _f("complaint", "right knee pains")) > 0
    assert fact_score(_f("history", "anaemia"), _f("diagnosis", "anemia")) > 0          # one kind group
    assert fact_score(_f("history", "lobectomy", "historical"), _f("history", "lobectomy")) > 0
    assert fact_score(_f("family", "diabetes", subject="maternal grandmother"),
                      _f("family", "type 2 diabetes", subject="grandmother")) > 0


def test_matcher_is_strict_on_assertion_subject_and_kind() -> None:
    assert fact_score(_f("complaint", "nausea", "absent"), _f("complaint", "nausea")) == 0
    assert fact_score(_f("diagnosis", "lyme disease", "possible"), _f("diagnosis", "lyme disease")) == 0
    assert fact_score(_f("family", "diabetes", subject="grandmother"), _f("history", "diabetes")) == 0
    mother, father = (_f("family", "diabetes", subject=s) for s in ("mother", "father"))
    assert fact_score(mother, father) == 0
    assert fact_score(_f("medication", "ibuprofen"), _f("plan", "ibuprofen")) == 0
    assert fact_score(_f("complaint", "fever"), _f("complaint", "chest pain")) == 0


def test_matching_is_one_to_one() -> None:
    gold = [_f("complaint", "cough"), _f("complaint", "dry cough")]
    system = [_f("complaint", "cough")]
    assert len(match_facts(gold, system)) == 1
    assert match_facts([_f("plan", "echocardiogram")], [_f("plan", "order an echo")]) == [(0, 0)]


# -- negatives P/R --------------------------------------------------------------------------

def test_negative_recall_and_precision_on_a_hand_case() -> None:
    """Gold: fever, chest pain, vomiting. Draft negates fever, vomiting, rash, headache.
    The dialogue negates headache (asked, answered no), not rash. Recall 2/3, precision 3/4."""
    gold = [{"text": t, "kind": "complaint"} for t in ("fever", "chest pain", "vomiting")]
    turns = [SimpleNamespace(index=0, speaker="doctor", text="any headache or fever ?"),
             SimpleNamespace(index=1, speaker="patient", text="no ."),
             SimpleNamespace(index=2, speaker="patient", text="i have a rash on my arm .")]
    counts = negatives_counts(gold, ["fever", "vomiting", "rash", "headache"], dialogue_support(turns))
    assert counts == {"gold": 3, "recalled": 2, "draft": 4, "correct": 3}


def test_dialogue_support_reads_negated_lists_in_turns() -> None:
    turns = [SimpleNamespace(index=0, speaker="patient", text="no numbness , no tingling .")]
    supported = dialogue_support(turns)
    assert supported("tingling") and not supported("fever")


# -- split and gold set ---------------------------------------------------------------------

def test_split_is_the_first_byte_of_the_sha256() -> None:
    for item_id in ("aci-valid-D2N068", "mts-valid-9", "x"):
        expected = "tune" if hashlib.sha256(item_id.encode()).digest()[0] < 128 else "check"
        assert part(item_id) == expected
    assert {part(f"id-{n}") for n in range(20)} == {"tune", "check"}


def test_every_gold_line_parses() -> None:
    items = read_encounters(GOLD)
    assert len(items) >= 30 and {i["part"] for i in items} == {"tune", "check"}
    for item in items:
        assert item["facts"] and len(item["terse_note"].splitlines()) <= 12
        assert all(f["kind"] in KINDS and f["assertion"] in ASSERTIONS for f in item["facts"])
        absent = {f["text"] for f in item["facts"] if f["assertion"] == "absent"}
        assert {n["text"] for n in item["negatives"]} <= absent, item["id"]


def test_a_wrong_part_or_kind_is_refused(tmp_path: Path) -> None:
    line = json.loads(GOLD.read_text("utf-8").splitlines()[0])
    bad = tmp_path / "e.jsonl"
    bad.write_text(json.dumps({**line, "part": "check" if line["part"] == "tune" else "tune"}), "utf-8")
    with pytest.raises(InputError, match="hash part"):
        read_encounters(bad)
    bad.write_text(json.dumps({**line, "facts": [{"kind": "mood", "text": "x"}]}), "utf-8")
    with pytest.raises(InputError, match="kind"):
        read_encounters(bad)


@pytest.mark.skipif(not (SHARED / "aci-bench").is_dir() or not (SHARED / "mts-dialog").is_dir(),
                    reason="the public dev data (../shared/data with aci-bench/ and mts-dialog/) is not here")
def test_every_gold_encounter_exists_upstream() -> None:
    items = read_encounters(GOLD)
    sources = load_sources(SHARED, items)
    assert len(sources) == len(items) and all(d.strip() and r.strip() for d, r in sources.values())


# -- the task on fakes ----------------------------------------------------------------------

def _fake_note(text: str) -> SimpleNamespace:
    lines = ["Cough for 4 days.", "No fever or chills.", "Um, and the."]
    sentences = [SimpleNamespace(text=t, label="") for t in lines]
    turns = [SimpleNamespace(index=0, speaker="doctor", text="any fever or chills ?"),
             SimpleNamespace(index=1, speaker="patient", text="no .")]
    return SimpleNamespace(sections=[SimpleNamespace(sentences=sentences)], turns=turns)


def _fake_read(turns: list[object]) -> list[dict[str, str]]:
    return [_f("complaint", "cough"), _f("complaint", "fever", "absent"), _f("complaint", "rash")]


def test_evaluate_on_fakes_reports_both_parts() -> None:
    items = []
    for item_id in ("a-1", "a-2", "a-3", "a-4", "a-5", "a-6"):
        items.append({"id": item_id, "source": "aci-bench/valid.csv", "encounter_id": item_id,
                      "part": part(item_id), "terse_note": "Cough 4/7. No fever.",
                      "facts": [_f("complaint", "cough"), _f("complaint", "fever", "absent")],
                      "negatives": [{"text": "fever", "kind": "complaint"}]})
    sources = {("aci-bench/valid.csv", i["id"]): ("[doctor] hi", "Cough. No fever. " * 5) for i in items}
    result, records = evaluate(items, sources, _fake_note, _fake_read)
    assert len(records) == 6
    assert result["fragment_share"] == pytest.approx(1 / 3, abs=1e-3)
    assert result["neg_recall"] == 1.0 and result["neg_precision"] == 1.0   # chills: asked, answered no
    assert result["fact_precision"] == pytest.approx(2 / 3, abs=1e-3) and result["fact_recall"] == 1.0
    assert result["facts_neg_recall"] == 1.0
    assert {"tune_fact_f1", "check_fact_f1", "tune_latency_p95", "check_rouge1"} <= set(result)
    assert result["length_ratio_terse_p50"] > 1


def test_task_is_registered() -> None:
    assert get_task("note-facts").data_file == "encounters.jsonl"
