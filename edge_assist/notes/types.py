"""The typed result of note writing: sections of sentences, each with its provenance and flags.

A :class:`ClinicalNote` is always a *draft*: ``status`` is fixed to
``"draft for clinician review"`` and every renderer prints that label first,
so no front end can show a generated note as if it were signed. Each
:class:`NoteSentence` names the transcript turns that support it and carries
the :class:`SafetyFlag` s the checks raised on it, so a reviewer sees
exactly which sentence to verify and why.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from edge_assist.extract.dialogue.types import Fact

Speaker = Literal["doctor", "patient", "other", "dictation"]
FlagKind = Literal["unsupported_number", "unsupported_drug", "unsupported_dose",
                   "contradicts_negation", "no_provenance", "speech_review"]
Writer = Literal["facts", "extractive", "llm"]
DRAFT_LABEL = "DRAFT for clinician review: verify every sentence against the encounter before signing."


@dataclass(frozen=True)
class Turn:
    """One speaker turn of the transcript (or one sentence of a dictation).

    Attributes:
        index: 0-based position in the transcript; what provenance points at.
        speaker: who spoke.
        text: the turn's words, ASR markers and timestamps removed.
    """

    index: int
    speaker: Speaker
    text: str


@dataclass(frozen=True)
class SafetyFlag:
    """A problem the safety checks found in one sentence of the draft."""

    kind: FlagKind
    detail: str


@dataclass
class NoteSentence:
    """One sentence (a note line) of the draft with the turns it came from and any flags.

    ``facts`` holds the encounter's facts a line of the facts writer states (its ``turns`` are
    their union); it is empty for the extractive and LLM writers, which write from turns.
    """

    text: str
    turns: list[int] = field(default_factory=list)
    flags: list[SafetyFlag] = field(default_factory=list)
    writer: Writer = "extractive"
    label: str = ""
    facts: list[Fact] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        """Whether any safety check fired on this sentence."""
        return bool(self.flags)


@dataclass
class NoteSection:
    """A titled section of the draft."""

    key: str
    title: str
    sentences: list[NoteSentence] = field(default_factory=list)

    @property
    def text(self) -> str:
        """One paragraph, or one line per label ("Cardiovascular: ...") when sentences are labelled."""
        if not any(s.label for s in self.sentences):
            return " ".join(s.text for s in self.sentences)
        groups: dict[str, list[str]] = {}
        for s in self.sentences:
            groups.setdefault(s.label, []).append(s.text)
        return "\n".join(f"• {label}: {' '.join(texts)}" if label else " ".join(texts)
                         for label, texts in groups.items())


@dataclass
class ClinicalNote:
    """A draft note: sections, the parsed turns they cite, and warnings about the input.

    Attributes:
        template: the template's name.
        sections: in template order; a section with no supporting turns is empty.
        turns: the parsed transcript, so provenance indices can be resolved.
        warnings: input problems worth a reviewer's attention (ASR markers, one speaker).
        timings: seconds per pipeline step.
        model: the chat model that polished or wrote sections, or "".
        writer: which writer made the draft (``facts``, ``extractive``, ``llm``, ``hybrid``).
    """

    template: str
    sections: list[NoteSection]
    turns: list[Turn]
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    model: str = ""
    status: str = "draft for clinician review"
    writer: str = ""

    @property
    def flags(self) -> list[tuple[str, NoteSentence]]:
        """Every flagged sentence with its section key."""
        return [(sec.key, s) for sec in self.sections for s in sec.sentences if s.flags]

    def text(self, label: bool = True) -> str:
        """Plain text: UPPERCASE titles and paragraphs, with the draft label first unless ``label`` is off."""
        parts = [DRAFT_LABEL] if label else []
        for section in self.sections:
            if section.sentences:
                parts.append(f"{section.title.upper()}\n\n{section.text}")
        return "\n\n".join(parts)

    def markdown(self) -> str:
        """Markdown with each sentence's source turns as ``[T3]`` and flags in bold."""
        lines = [f"> **{DRAFT_LABEL}**", ""]
        for section in self.sections:
            lines += [f"## {section.title}", ""]
            if not section.sentences:
                lines += ["_Nothing in the transcript for this section._", ""]
                continue
            for s in section.sentences:
                refs = " ".join(f"[T{i}]" for i in s.turns)
                warn = "".join(f" **⚠ {f.kind}: {f.detail}**" for f in s.flags)
                head = f"{s.label}: " if s.label else ""
                lines.append(f"- {head}{s.text} {refs}{warn}".rstrip())
            lines.append("")
        if self.warnings:
            lines += ["## Input warnings", "", *[f"- {w}" for w in self.warnings], ""]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """JSON form (the CLI's ``--json``)."""
        return {"status": self.status, "label": DRAFT_LABEL, "template": self.template,
                "model": self.model, "writer": self.writer, "warnings": self.warnings,
                "timings": {k: round(v, 3) for k, v in self.timings.items()},
                "flag_count": len(self.flags),
                "sections": [{"key": s.key, "title": s.title,
                              "sentences": [asdict(x) for x in s.sentences]} for s in self.sections],
                "turns": [asdict(t) for t in self.turns]}
