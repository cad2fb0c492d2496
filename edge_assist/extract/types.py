"""The typed result of extraction: findings with exact spans and ConText attributes.

Every finding carries ``start``/``end`` character offsets into the *original*
note (``note[start:end] == text``), so a front end can highlight exactly what
was read, and an :class:`Assertion` with the five ConText attributes, so a
negated or family-history mention is never mistaken for a current problem.
Models forbid unknown fields: a typo in a consumer's code fails loudly.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Source = Literal["rules", "llm"]
CodeSource = Literal["lexicon", "index"]
MedicationStatus = Literal["active", "started", "stopped", "continued", "changed", "unknown"]
AbnormalFlag = Literal["H", "L", "N", ""]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Span(_Model):
    """A stretch of the original note: ``note[start:end] == text``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Assertion(_Model):
    """ConText attributes of one finding (all False: present, about the patient, now)."""

    is_negated: bool = False
    is_uncertain: bool = False
    is_historical: bool = False
    is_family: bool = False
    is_hypothetical: bool = False
    triggers: list[Span] = Field(default_factory=list, description="Trigger phrases that set these.")

    @property
    def label(self) -> str:
        """One word for display: negated, possible, family, hypothetical, historical or present."""
        for name, flag in (("negated", self.is_negated), ("family", self.is_family),
                           ("hypothetical", self.is_hypothetical), ("possible", self.is_uncertain),
                           ("historical", self.is_historical)):
            if flag:
                return name
        return "present"


class Finding(Span):
    """Base of every extracted entity: span, section, assertion and where it came from."""

    section: str = "unknown"
    assertion: Assertion = Field(default_factory=Assertion)
    source: Source = "rules"


class Code(_Model):
    """A code suggestion from a terminology, and where it came from.

    ``source`` is "lexicon" for a code from the shipped rules (exact, reviewed)
    and "index" for one found by searching the evidence index's ICD-10-CM
    collection (a ranked guess: ``score`` is its fused search score).
    """

    system: str
    code: str
    display: str = ""
    source: CodeSource = "lexicon"
    score: float | None = None


class Problem(Finding):
    """A problem, diagnosis or symptom, with ICD-10-CM suggestions."""

    kind: Literal["problem", "symptom"] = "problem"
    normalized: str = ""
    icd10: list[Code] = Field(default_factory=list)


class Medication(Finding):
    """A drug mention with its signature parts (each a span of the note when found)."""

    name: str = Field(description="Normalized generic name.")
    drug_id: str = Field(default="", description="DrugBank id when known, else MeSH, else ''.")
    codes: list[Code] = Field(default_factory=list)
    is_brand: bool = False
    strength: Span | None = None
    dose: Span | None = None
    route: Span | None = None
    frequency: Span | None = None
    duration: Span | None = None
    status: MedicationStatus = "unknown"
    status_span: Span | None = None


class Allergy(Finding):
    """An allergen (drug, food or other) and the reactions named with it."""

    substance: str
    reactions: list[Span] = Field(default_factory=list)
    no_known_allergies: bool = False


class Measurement(Finding):
    """A vital sign or lab result with its value span."""

    name: str = Field(description="Canonical name, e.g. 'heart_rate', 'hemoglobin'.")
    display: str = ""
    value: float
    value_span: Span
    value2: float | None = Field(default=None, description="Diastolic pressure for blood pressure.")
    unit: str = ""
    loinc: str = ""
    abnormal: AbnormalFlag = ""


class Procedure(Finding):
    """A procedure or operation named in the note."""

    normalized: str = ""


class Section(Span):
    """A note section: ``text`` is the header, ``body_end`` where the section stops."""

    name: str
    body_end: int


class Abbreviation(Span):
    """An abbreviation whose expansion changes how the text reads."""

    expansion: str


class ExtractionResult(_Model):
    """Everything extracted from one note."""

    text_length: int
    sections: list[Section] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    medications: list[Medication] = Field(default_factory=list)
    allergies: list[Allergy] = Field(default_factory=list)
    vitals: list[Measurement] = Field(default_factory=list)
    labs: list[Measurement] = Field(default_factory=list)
    procedures: list[Procedure] = Field(default_factory=list)
    abbreviations: list[Abbreviation] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    used_llm: bool = False

    def findings(self) -> list[Finding]:
        """Every finding, in note order."""
        items: list[Finding] = [*self.problems, *self.medications, *self.allergies, *self.vitals,
                                *self.labs, *self.procedures]
        return sorted(items, key=lambda f: (f.start, f.end))
