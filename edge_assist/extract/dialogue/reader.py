"""Reading facts from a conversation: question-answer pairs, statements, and the clinician's talk.

One pass over the turns. A doctor's question and the patient's next turn are read together
(:mod:`~edge_assist.extract.dialogue.qa_pairs`): a bare "no" to "any chest pain, nausea or
vomiting?" makes each absent. Every other sentence is a statement: its terms take their assertion
from ConText within the sentence; a condition said of a blood relative is family history; the
clinician's sentences are read as examination, assessment or plan by where the talk has got to.
"""

from __future__ import annotations

from collections.abc import Sequence

from edge_assist.extract.dialogue import attributes, clinician, history, mentions, qa_pairs, speech
from edge_assist.extract.dialogue.mentions import assertion_of
from edge_assist.extract.dialogue.speech import CLINICIAN, Doc, Sentence, TurnLike
from edge_assist.extract.dialogue.types import Assertion, Fact
from edge_assist.extract.medications import default_tagger


class Reading:
    """The state of one pass: the joined text, its mentions, tags, and the facts so far."""

    def __init__(self, turns: Sequence[TurnLike]) -> None:
        self.doc: Doc = speech.build(turns)
        self.asserter = mentions.Asserter(self.doc)
        self.mentions: dict[int, list[mentions.Mention]] = {}
        for m in mentions.find(self.doc):
            self.mentions.setdefault(self.doc.sentence_index(m.start), []).append(m)
        self.tags = default_tagger().tag(self.doc.note)
        self.handled: set[int] = set()  # starts of mentions and tags already made into facts
        self.facts: list[Fact] = []
        self.focus: list[Fact] = []
        self.answer_topic: dict[int, qa_pairs.Topic] = {}  # answer turn position -> question topic
        clinician.assign_roles(self.doc)

    # -- facts ---------------------------------------------------------------------------
    def add(self, kind: str, text: str, assertion: Assertion, turns: list[int],
            attrs: dict[str, str] | None = None, subject: str = "patient") -> Fact:
        """Add a fact, or merge it into the same one already found (turns and attributes joined)."""
        for fact in self.facts:
            if (fact.kind, fact.text, fact.subject, fact.assertion) == (kind, text, subject, assertion):
                fact.turns = sorted(set(fact.turns) | set(turns))
                for key, value in (attrs or {}).items():
                    fact.attrs.setdefault(key, value)
                return fact
        fact = Fact(kind, text, assertion, dict(attrs or {}), subject, sorted(set(turns)))  # type: ignore[arg-type]
        self.facts.append(fact)
        return fact

    def sentence_text(self, s: Sentence) -> str:
        """The sentence as written."""
        return self.doc.text[s.start:s.end]

    def tags_in(self, s: Sentence) -> list:
        """The medication tags in a sentence."""
        return [t for t in self.tags if s.start <= t.start < s.end]

    # -- the pass ------------------------------------------------------------------------
    def run(self) -> list[Fact]:
        """Read every turn; the facts in the order found."""
        by_position: dict[int, list[Sentence]] = {}
        for s in self.doc.sentences:
            by_position.setdefault(s.position, []).append(s)
        for position in sorted(by_position):
            sentences = by_position[position]
            if sentences[0].speaker == "doctor":
                qa_pairs.read(self, position, by_position)
            for s in sentences:
                if s.speaker == "doctor" and s.question:
                    continue
                self.statement(s, self.answer_topic.get(position))
        return [f for f in self.facts if f.turns and f.text]

    def statement(self, s: Sentence, topic: qa_pairs.Topic | None) -> None:
        """One sentence that is not a doctor's question."""
        if speech.is_backchannel(self.sentence_text(s)):
            return
        history.family(self, s, topic)
        history.allergies(self, s, topic)
        if s.speaker in CLINICIAN:
            clinician.read(self, s)
        history.medications(self, s)
        history.social(self, s, topic)
        self.complaints(s, topic)

    def complaints(self, s: Sentence, topic: qa_pairs.Topic | None) -> None:
        """Symptoms and past history in a history-taking sentence, with their attributes."""
        if s.speaker in CLINICIAN and s.role != "history":
            return
        text = self.sentence_text(s)
        found: list[Fact] = []
        for m in self.mentions.get(self.doc.sentence_index(s.start), []):
            if m.start in self.handled:
                continue
            self.handled.add(m.start)
            assertion = assertion_of(self.asserter(m.start, m.end))
            if assertion == "hypothetical":
                continue
            kind = "complaint" if m.kind == "symptom" else "history"
            attrs = {k: v for k, v in (("site", m.site), ("laterality", m.laterality)) if v}
            if kind == "history" and assertion == "historical":
                assertion = "present"
            found.append(self.add(kind, m.text, assertion, [s.turn], attrs))
        said = attributes.read(text)
        targets = [f for f in found if f.kind == "complaint" and f.assertion == "present"]
        if not targets and topic is not None and topic.about_attributes:
            targets = [f for f in self.focus if f.assertion == "present"]
        for fact in targets:
            for key, value in said.items():
                fact.attrs.setdefault(key, value)
            if said and s.turn not in fact.turns:
                fact.turns = sorted({*fact.turns, s.turn})
        if any(f.kind == "complaint" for f in found):
            self.focus = [f for f in found if f.kind == "complaint"]


def read_facts(turns: Sequence[TurnLike]) -> list[Fact]:
    """The facts of a conversation (``[doctor]``/``[patient]`` turns or dictation sentences).

    Args:
        turns: objects with ``index``, ``speaker`` and ``text`` (notes' ``Turn``,
            :class:`~edge_assist.extract.dialogue.types.DialogueTurn`).

    Examples:
        >>> from edge_assist.extract.dialogue.types import DialogueTurn as T
        >>> facts = read_facts([T(0, "doctor", "Any chest pain or nausea?"), T(1, "patient", "No.")])
        >>> [(f.text, f.assertion, f.turns) for f in facts]
        [('chest pain', 'absent', [0, 1]), ('nausea', 'absent', [0, 1])]
    """
    turns = [t for t in turns if str(t.text).strip()]
    if not turns:
        return []
    return Reading(turns).run()
