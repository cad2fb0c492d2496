"""Family history, allergies, medications and social history in a sentence.

A condition said of a blood relative ("my grandmother has diabetes") is a ``family`` fact with the
relative as subject, and is never the patient's complaint. Allergies take their substance from the
drug and allergen lexicons of :mod:`edge_assist.extract`; "no allergies" is "NKDA". Medications
carry the signature parts the medication tagger found in the same sentence, and adherence.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from edge_assist.extract.dialogue.data import load
from edge_assist.extract.dialogue.speech import CLINICIAN, Sentence, stop_words
from edge_assist.extract.findings import clinical_lexicon
from edge_assist.extract.lexicon import alternation, norm

if TYPE_CHECKING:
    from edge_assist.extract.dialogue.qa_pairs import Topic
    from edge_assist.extract.dialogue.reader import Reading

_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|me|myself)\b", re.IGNORECASE)


@cache
def _tables() -> dict:
    data = load("history.toml")
    relatives = {norm(p): name for name, phrases in data["relatives"].items() for p in phrases}
    social = {t["topic"]: t for t in data["social"]}
    return {
        "relatives": relatives,
        "relative_re": re.compile(alternation(list(relatives)), re.IGNORECASE),
        "links": re.compile(alternation(data["family_links"]), re.IGNORECASE),
        "family_cue": re.compile(alternation(data["family_cues"]), re.IGNORECASE),
        "social": social,
        "social_re": {k: re.compile(alternation(t["cues"]), re.IGNORECASE) for k, t in social.items()},
        "exclude_re": {k: re.compile(alternation(t["exclude"]), re.IGNORECASE) if t["exclude"] else None
                       for k, t in social.items()},
        "never_re": {k: re.compile(alternation(t["never"]), re.IGNORECASE) if t["never"] else None
                     for k, t in social.items()},
        "former_re": {k: re.compile(alternation(t["former"]), re.IGNORECASE) if t["former"] else None
                      for k, t in social.items()},
        "patterns": {k: [re.compile(p, re.IGNORECASE) for p in v] for k, v in data["patterns"].items()},
        "poor": re.compile(alternation(data["adherence"]["poor"]), re.IGNORECASE),
        "good": re.compile(alternation(data["adherence"]["good"]), re.IGNORECASE),
    }


def relative_in(text: str) -> str:
    """The first blood relative named in ``text`` ("my grandma" -> "grandmother"), or ""."""
    hit = _tables()["relative_re"].search(text)
    return _tables()["relatives"][norm(hit.group())] if hit else ""


def is_family_talk(text: str) -> bool:
    """Whether ``text`` talks about family history ("runs in the family", "anyone in your family")."""
    return bool(_tables()["family_cue"].search(text))


def family(r: Reading, s: Sentence, topic: Topic | None) -> None:
    """Conditions of relatives in the sentence become family facts (and are no complaint)."""
    text = r.sentence_text(s)
    tables = _tables()
    relatives = list(tables["relative_re"].finditer(text))
    cue = is_family_talk(text) or (topic is not None and topic.family)
    if not relatives and not cue:
        return
    for m in r.mentions.get(r.doc.sentence_index(s.start), []):
        if m.start in r.handled:
            continue
        subject = _owner(text, m.start - s.start, relatives)
        if not subject and not cue:
            continue
        if not subject:
            subject = (topic.relative if topic and topic.relative else "") or "family"
        r.handled.add(m.start)
        from edge_assist.extract.dialogue.mentions import assertion_of

        assertion = assertion_of(r.asserter(m.start, m.end))
        r.add("family", m.text, "absent" if assertion == "absent" else "present", [s.turn], {}, subject)


def _owner(text: str, offset: int, relatives: list[re.Match[str]]) -> str:
    """The relative a condition at ``offset`` belongs to: named before it, linked ("has", "died of"),
    with no first-person words between ("my wife noticed I was confused" is not hers)."""
    for rel in reversed([m for m in relatives if m.end() <= offset]):
        between = text[rel.end():offset]
        linked = _tables()["links"].search(between) and not _FIRST_PERSON.search(between)
        if len(between.split()) <= 8 and linked:
            return _tables()["relatives"][norm(rel.group())]
    return ""


def allergies(r: Reading, s: Sentence, topic: Topic | None) -> None:
    """Allergies named in the sentence, or NKDA."""
    lex = clinical_lexicon()
    text = r.sentence_text(s)
    cue = lex.allergy_cue_re.search(text) or re.search(r"\ballerg\w*", text, re.IGNORECASE)
    if not cue and not (topic is not None and topic.allergy):
        return
    negated = bool(cue) and r.asserter(s.start + cue.start(), s.start + cue.end()).is_negated
    if lex.no_allergy_re.search(text) or negated:
        r.add("allergy", "NKDA", "present", [s.turn])
        return
    reactions = [norm(m.group()) for m in lex.reaction_re.finditer(text)]
    for tag in r.tags_in(s):
        if tag.label == "drug":
            r.handled.add(tag.start)
            r.add("allergy", tag.value.lower(), "present", [s.turn],
                  {"reaction": ", ".join(reactions)} if reactions else {})
    for m in lex.allergen_re.finditer(text):
        r.add("allergy", norm(m.group()), "present", [s.turn],
              {"reaction": ", ".join(reactions)} if reactions else {})
    for m in r.mentions.get(r.doc.sentence_index(s.start), []):
        if norm(m.text) in reactions or m.concept in ("rash", "hives"):
            r.handled.add(m.start)


def medications(r: Reading, s: Sentence) -> None:
    """Drugs the patient takes (or took), with dose, frequency, route and adherence."""
    tags = r.tags_in(s)
    drugs = [t for t in tags if t.label == "drug" and t.start not in r.handled]
    text = r.sentence_text(s)
    for i, drug in enumerate(drugs):
        r.handled.add(drug.start)
        stop = drugs[i + 1].start if i + 1 < len(drugs) else s.end
        attrs = {}
        for t in tags:
            if drug.end <= t.start < stop and t.label in ("strength", "dose", "frequency", "route"):
                attrs.setdefault("dose" if t.label == "strength" else t.label, t.value)
        status = next((t.label for t in tags if t.label in ("start", "stop", "continue")), "")
        if status:
            attrs["status"] = {"start": "started", "stop": "stopped", "continue": "taking"}[status]
        poor, good = _tables()["poor"].search(text), _tables()["good"].search(text)
        if poor or good:
            attrs["adherence"] = "poor" if poor else "good"
        from edge_assist.extract.dialogue.mentions import assertion_of

        assertion = assertion_of(r.asserter(drug.start, drug.end))
        if assertion == "hypothetical":
            continue
        kind = "plan" if s.speaker in CLINICIAN and s.role in ("plan", "assessment") else "medication"
        if kind == "plan":
            attrs["topic"] = "prescription"
        r.add(kind, drug.value.lower(), "present" if assertion == "possible" else assertion, [s.turn], attrs)


def social_topics(text: str) -> list[str]:
    """The social-history topics ``text`` talks about."""
    tables = _tables()
    out = []
    for name, regex in tables["social_re"].items():
        exclude = tables["exclude_re"][name]
        if regex.search(text) and not (exclude and exclude.search(text)):
            out.append(name)
    return out


def social_text(topic: str) -> str:
    """The fact text of a social-history topic."""
    return _tables()["social"][topic]["text"]


def social(r: Reading, s: Sentence, topic: Topic | None) -> None:
    """Smoking, alcohol, drugs, exercise, stress, diet, occupation and living situation."""
    if s.speaker in CLINICIAN and s.role != "history":
        return
    text = r.sentence_text(s)
    tables = _tables()
    for name in social_topics(text):
        hit = tables["social_re"][name].search(text)
        attrs = {"topic": name}
        never, former = tables["never_re"][name], tables["former_re"][name]
        if never and never.search(text):
            assertion = "absent"
        elif former and former.search(text):
            assertion, attrs["status"] = "present", "former"
        else:
            assertion = "absent" if r.asserter(s.start + hit.start(), s.start + hit.end()).is_negated \
                else "present"
        r.add("social", social_text(name), assertion, [s.turn], attrs)
    for name, patterns in tables["patterns"].items():
        for pattern in patterns:
            m = pattern.search(text)
            value = _phrase(m.group("x")) if m else ""
            if value:
                text_value = value if name == "occupation" else _living(value, m.group())
                r.add("social", text_value, "present", [s.turn], {"topic": name})
                break


def _phrase(raw: str) -> str:
    """At most three words, cut at the first function word or filler ("teacher at the school")."""
    words = []
    for word in raw.lower().replace("my ", "").split():
        if word in stop_words() and not (words == [] and word in ("alone",)):
            break
        words.append(word)
    return " ".join(words[:3])


def _living(value: str, said: str) -> str:
    if value in ("alone", "by myself", "on my own", "by"):
        return "lives alone"
    return f"lives in {value}" if " in " in said.lower() else f"lives with {value}"
