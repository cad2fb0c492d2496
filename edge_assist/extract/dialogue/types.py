"""The typed facts of a conversation: what the encounter established, each citing its turns.

A :class:`Fact` is one clinical statement a note line can be written from: a symptom with its
attributes, a pertinent negative, a history item, a relative's condition, a social-history item,
a medication with dose and adherence, an allergy, an exam finding, a result, a diagnosis the
clinician named (with its certainty), or one plan item. Facts are read from ``[doctor]`` /
``[patient]`` turns (or speaker-less dictation) by :func:`edge_assist.extract.dialogue.read_facts`;
both the note writer and ``extract`` on dialogues use them, so an assertion is the same in both.

Every fact names the transcript turns that carry it (``turns``), so a reviewer can check it and
a note line built from it keeps its provenance.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

FactKind = Literal[
    "complaint",    # a presenting symptom of the patient (attrs: site, laterality, onset, duration,
                    # character, severity, course, relieving, aggravating, frequency)
    "history",      # past medical / surgical history item of the patient (attrs: when)
    "family",       # a relative's condition (subject = the relative)
    "social",       # attrs["topic"] in smoking | alcohol | drugs | occupation | living | stress |
                    # exercise | diet
    "medication",   # attrs: dose, route, frequency, adherence, indication, status (taking|started|stopped)
    "allergy",      # text = the substance, or "NKDA"; attrs: reaction
    "exam",         # an examination finding the clinician states (attrs: site, value)
    "result",       # a test result stated in the encounter (attrs: value, unit, when)
    "diagnosis",    # an assessment / impression item (certainty in assertion: present | possible)
    "plan",         # attrs["topic"] in test | prescription | referral | advice | safety_net |
                    # follow_up | procedure
]
Assertion = Literal["present", "absent", "possible", "historical", "hypothetical"]


@dataclass(frozen=True)
class DialogueTurn:
    """One speaker turn (what the fact layer reads); notes' ``Turn`` has the same three fields."""

    index: int
    speaker: str  # "doctor" | "patient" | "other" | "dictation"
    text: str


@dataclass
class Fact:
    """One clinical fact of the encounter.

    Attributes:
        kind: what sort of fact (see :data:`FactKind`).
        text: the clinical term in note style, no fillers: ``"sore throat"``, ``"type 2 diabetes"``,
            ``"metformin"``, ``"chest X-ray"``.
        assertion: ``absent`` for a pertinent negative ("No chest pain"), ``possible`` for an
            uncertain diagnosis ("?viral URTI"), ``historical`` for a past episode.
        attrs: optional attributes by name (see :data:`FactKind`), values in note style
            (``{"duration": "4 days", "course": "worsening"}``).
        subject: ``"patient"``, or the relative for family history (``"mother"``, ``"grandmother"``).
        turns: the transcript turn indices that carry the fact (never empty).
    """

    kind: FactKind
    text: str
    assertion: Assertion = "present"
    attrs: dict[str, str] = field(default_factory=dict)
    subject: str = "patient"
    turns: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)
