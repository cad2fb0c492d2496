"""A doctor's question read with the patient's answer: pertinent negatives and confirmations.

"Any chest pain, nausea or vomiting?" / "No." makes each of the three absent, citing both turns.
"No chest pain but some nausea" is read as statements (each term takes its own ConText
assertion) and leaves vomiting unasserted. A bare "yes" confirms a question about one thing only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from edge_assist.extract.dialogue import history, speech
from edge_assist.extract.dialogue.speech import CLINICIAN, Sentence

if TYPE_CHECKING:
    from edge_assist.extract.dialogue.reader import Reading

_ALLERGY = re.compile(r"\ballerg\w*", re.IGNORECASE)


@dataclass
class Topic:
    """What a question was about, so its answer is read in that light."""

    family: bool = False
    relative: str = ""
    allergy: bool = False
    social: list[str] = field(default_factory=list)
    about_attributes: bool = False
    polarity: str = ""


_ATTRIBUTE_QUESTION = re.compile(r"\b(?:how long|when did|when was|how bad|scale|what makes|anything help|"
                                 r"does anything|feel like|describe|where is|better|worse|how often|"
                                 r"how are you feeling)\b", re.IGNORECASE)

def read(r: Reading, position: int, by_position: dict[int, list[Sentence]]) -> None:
    """Read the question block ending the doctor turn at ``position`` with the next turn's answer."""
    questions = _question_block(by_position[position])
    answer = by_position.get(position + 1)
    if not questions or not answer or answer[0].speaker in CLINICIAN:
        return
    q_text = " ".join(r.sentence_text(q) for q in questions)
    a_text = " ".join(r.sentence_text(a) for a in answer)
    polarity = speech.answer_polarity(a_text)
    is_bare = bool(polarity) and speech.bare(a_text, polarity)
    relative = history.relative_in(q_text)
    topic = Topic(family=history.is_family_talk(q_text) or bool(relative), relative=relative,
                  allergy=bool(_ALLERGY.search(q_text)), social=history.social_topics(q_text),
                  about_attributes=bool(_ATTRIBUTE_QUESTION.search(q_text)), polarity=polarity)
    r.answer_topic[position + 1] = topic
    turns = [questions[0].turn, answer[0].turn]
    answered = {m.concept for a in answer for m in r.mentions.get(r.doc.sentence_index(a.start), [])}
    items = [m for q in questions for m in r.mentions.get(r.doc.sentence_index(q.start), [])]
    if (polarity == "no" and is_bare) or (polarity == "yes" and len(items) == 1 and not answered):
        _items(r, items, answered, polarity, topic, turns, answer, q_text)
    if polarity == "no" and is_bare and topic.allergy:
        r.add("allergy", "NKDA", "present", turns)
    for name in topic.social:
        if is_bare and not history.social_topics(a_text):
            r.add("social", history.social_text(name), "absent" if polarity == "no" else "present",
                  turns, {"topic": name})


def _items(r: Reading, items: list, answered: set[str], polarity: str, topic: Topic,
           turns: list[int], answer: list[Sentence], q_text: str) -> None:
    from edge_assist.extract.dialogue import attributes

    made = []
    for m in items:
        r.handled.add(m.start)
        if m.concept in answered:
            continue
        negated_in_question = r.asserter(m.start, m.end).is_negated
        absent = polarity == "no" or negated_in_question
        attrs = {k: v for k, v in (("site", m.site), ("laterality", m.laterality)) if v}
        if topic.family:
            subject = history.relative_in(" ".join(r.sentence_text(a) for a in answer)) or topic.relative
            made.append(r.add("family", m.text, "absent" if absent else "present", turns, attrs,
                              subject or "family"))
            continue
        kind = "complaint" if m.kind == "symptom" else "history"
        if not absent and kind == "complaint":
            attrs.update(attributes.read(q_text))
        made.append(r.add(kind, m.text, "absent" if absent else "present", turns, attrs))
    complaints = [f for f in made if f.kind == "complaint" and f.assertion == "present"]
    if complaints:
        r.focus = complaints


def _question_block(sentences: list[Sentence]) -> list[Sentence]:
    """The questions the answer replies to: the turn's last run of question sentences."""
    block: list[Sentence] = []
    for s in reversed(sentences):
        if s.question:
            block.insert(0, s)
        elif block:
            break
    return block
