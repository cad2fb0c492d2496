"""The clinician's talk: where it has got to (history, exam, result, assessment, plan) and what it states.

Roles follow the usual order of a consultation: a cue ("on exam", "results", "I think you have",
"I'd like to prescribe") moves the talk on, and a sentence without a cue keeps the role before it.
Exam findings come from ``clinician.toml`` and the clinical lexicon; diagnoses from the lexicon
and phrases ending on a diagnostic head noun ("acute lumbar strain", "viral illness"), with
ConText's uncertainty ("probably" -> possible); plan items from the test, referral and advice
tables, safety-netting ("if it gets worse, come back") and follow-up intervals ("in 5-7 days").
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from edge_assist.extract.dialogue import attributes
from edge_assist.extract.dialogue.data import load
from edge_assist.extract.dialogue.speech import CLINICIAN, Doc, Sentence, stop_words, strip_fillers
from edge_assist.extract.lexicon import alternation, norm

if TYPE_CHECKING:
    from edge_assist.extract.dialogue.reader import Reading


@cache
def _tables() -> dict:
    d = load("clinician.toml")

    def rx(phrases: list[str]) -> re.Pattern[str]:
        return re.compile(alternation(phrases), re.IGNORECASE)

    tests = {norm(p): t["text"] for t in d["tests"] for p in t["phrases"]}
    referrals = {norm(p): k for k, v in d["referrals"].items() for p in v}
    advice = {norm(p): k for k, v in d["advice"].items() for p in v}
    heads = "|".join(re.escape(h) for h in d["diagnosis_heads"])
    suffixes = "|".join(re.escape(x) for x in d["diagnosis_suffixes"])
    return {
        "exam": rx(d["exam_cues"]), "result": rx(d["result_cues"]), "assess": rx(d["assessment_cues"]),
        "assess_weak": rx(d["assessment_weak_cues"]), "plan": rx(d["plan_cues"]),
        "plan_weak": rx(d["plan_weak_cues"]),
        "findings": [(f["text"], [re.compile(p, re.IGNORECASE) for p in f["patterns"]]) for f in d["exam"]],
        "tests": tests, "test_re": rx(list(tests)), "test_cue": rx(d["test_cues"]),
        "referrals": referrals, "referral_re": rx(list(referrals)), "referral_cue": rx(d["referral_cues"]),
        "advice": advice, "advice_re": rx(list(advice)), "advice_cue": rx(d["advice_cues"]),
        "safety": [re.compile(p, re.IGNORECASE) for p in d["safety_conditions"]],
        "action": rx(d["safety_actions"]), "emergency": rx(d["emergency_actions"]),
        "follow": rx(d["follow_up_cues"]),
        "head": re.compile(rf"\b(?:{heads}|[a-z]+(?:{suffixes}))\b", re.IGNORECASE),
        "max_words": d["diagnosis_max_words"],
    }


def assign_roles(doc: Doc) -> None:
    """Set each clinician sentence's role by the cues said so far."""
    t = _tables()
    state = "history"
    for s in doc.sentences:
        if s.speaker not in CLINICIAN:
            continue
        text = doc.words(s)
        late = state in ("result", "assessment", "plan")
        if t["assess"].search(text) or (late and t["assess_weak"].search(text)):
            state = "assessment"
        elif t["plan"].search(text) or (state in ("assessment", "plan") and t["plan_weak"].search(text)):
            state = "plan"
        elif t["exam"].search(text):
            state = "exam"
        elif t["result"].search(text) and not s.question:
            state = "result"
        s.role = state


def read(r: Reading, s: Sentence) -> None:
    """The exam findings, diagnoses and plan items of one clinician sentence."""
    if s.role == "exam":
        _exam(r, s)
    elif s.role == "result":
        for m in r.mentions.get(r.doc.sentence_index(s.start), []):
            r.handled.add(m.start)
    elif s.role == "assessment":
        _diagnoses(r, s)
        _plan(r, s)
    elif s.role == "plan":
        for m in r.mentions.get(r.doc.sentence_index(s.start), []):
            r.handled.add(m.start)
        _plan(r, s)
    if s.role != "plan":
        _safety_and_follow_up(r, s)


def _exam(r: Reading, s: Sentence) -> None:
    from edge_assist.extract.dialogue.mentions import assertion_of

    text = r.sentence_text(s)
    site, side = attributes.site_in(text)
    grade = re.search(r"\b(\d) out of (5|6)\b", text)
    for name, patterns in _tables()["findings"]:
        for pattern in patterns:
            m = pattern.search(text)
            if m:
                attrs = {k: v for k, v in (("site", site), ("laterality", side)) if v}
                found = assertion_of(r.asserter(s.start + m.start(), s.start + m.end()))
                r.add("exam", name, "absent" if found == "absent" else "present", [s.turn], attrs)
                break
    for m in r.mentions.get(r.doc.sentence_index(s.start), []):
        if m.start in r.handled:
            continue
        r.handled.add(m.start)
        found = assertion_of(r.asserter(m.start, m.end))
        attrs = {"value": f"{grade.group(1)}/{grade.group(2)}"} if grade and "murmur" in m.text else {}
        r.add("exam", m.text, "absent" if found == "absent" else "present", [s.turn], attrs)


def _diagnoses(r: Reading, s: Sentence) -> None:
    from edge_assist.extract.dialogue.mentions import assertion_of

    text = r.sentence_text(s)
    taken: list[tuple[int, int]] = []
    for m in r.mentions.get(r.doc.sentence_index(s.start), []):
        r.handled.add(m.start)
        found = assertion_of(r.asserter(m.start, m.end))
        if found != "hypothetical":
            r.add("diagnosis", m.text, "present" if found == "historical" else found, [s.turn])
            taken.append((m.start - s.start, m.end - s.start))
    for head in _tables()["head"].finditer(text):
        if any(a <= head.start() < b for a, b in taken):
            continue
        phrase = _phrase_before(text, head.start(), head.end())
        if (phrase and len(phrase.split()) >= 2) or phrase in ("flu", "covid", "gout", "asthma"):
            found = assertion_of(r.asserter(s.start + head.start(), s.start + head.end()))
            if found not in ("hypothetical", "absent"):
                r.add("diagnosis", phrase, "possible" if found == "possible" else "present", [s.turn])


def _phrase_before(text: str, start: int, end: int) -> str:
    """The head noun and up to three content words before it, fillers removed ("acute lumbar strain")."""
    before = strip_fillers(text[max(0, start - 80):start]).lower()
    words: list[str] = []
    for word in reversed(re.findall(r"[a-z0-9'-]+|[,.;?!]", before)):
        if not word[0].isalnum() or word in stop_words() or len(words) >= _tables()["max_words"] - 1:
            break
        words.insert(0, word)
    return " ".join([*words, text[start:end].lower()])


def _plan(r: Reading, s: Sentence) -> None:
    t = _tables()
    text = r.sentence_text(s)
    if t["test_cue"].search(text):
        for m in t["test_re"].finditer(text):
            r.add("plan", t["tests"][norm(m.group())], "present", [s.turn], {"topic": "test"})
    if t["referral_cue"].search(text):
        for m in t["referral_re"].finditer(text):
            r.add("plan", t["referrals"][norm(m.group())], "present", [s.turn], {"topic": "referral"})
    if t["advice_cue"].search(text) and not any(p.search(text) for p in t["safety"]):
        for m in t["advice_re"].finditer(text):
            r.add("plan", t["advice"][norm(m.group())], "present", [s.turn], {"topic": "advice"})
    _safety_and_follow_up(r, s)


def _safety_and_follow_up(r: Reading, s: Sentence) -> None:
    t = _tables()
    text = r.sentence_text(s)
    if s.question:
        return
    if any(p.search(text) for p in t["safety"]) and t["action"].search(text):
        symptoms = [m.text for m in r.mentions.get(r.doc.sentence_index(s.start), [])]
        action = "seek urgent care" if t["emergency"].search(text) else "return"
        persist = re.search(r"better|improv|persist|still|continue", text, re.IGNORECASE)
        condition = " or ".join(dict.fromkeys(symptoms)) or ("not improving" if persist else "worse")
        r.add("plan", f"{action} if {condition}", "present", [s.turn], {"topic": "safety_net"})
    if t["follow"].search(text):
        m = re.search(r"\bin (?:about |another |a further |around )?(.{0,30})", text, re.IGNORECASE)
        interval = attributes.read(m.group(1)).get("duration", "") if m else ""
        if interval:
            r.add("plan", f"follow-up in {interval}", "present", [s.turn],
                  {"topic": "follow_up", "interval": interval})
