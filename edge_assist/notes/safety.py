"""Safety checks on a draft: facts must come from the transcript, negations must survive.

Two checks, each flagging the sentence it fires on (never silently editing it):

* **Facts**: every number, dose (number + unit) and drug name in a note sentence
  must occur somewhere in the transcript. Number words in the transcript
  ("forty milligrams") count as their digits ("40 mg").
* **Negation**: a finding the transcript negates and never affirms must not be
  affirmed in the note. Both sides are read with ConText from
  :mod:`edge_assist.extract` (the colleague-built capability); a clinician's
  question answered "no" ("any chest pain?" / "no") negates the findings it
  asks about, which ConText alone cannot see across turns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from edge_assist.notes.assign import _NEGATIVE, _POSITIVE
from edge_assist.notes.numbers import words_to_digits
from edge_assist.notes.rewrite import split_sentences
from edge_assist.notes.types import NoteSection, SafetyFlag, Turn

_NUM = re.compile(r"(?<![\w.])\d+(?:[.,/]\d+)*(?![\w])|(?<![\w.])\d+(?=[a-z%])", re.IGNORECASE)
_DOSE = re.compile(r"(\d+(?:\.\d+)?)\s*(mg|milligrams?|mcg|micrograms?|g|grams?|ml|milliliters?|cc|"
                   r"units?|iu|meq|mmol)\b", re.IGNORECASE)
_UNITS = {"milligram": "mg", "milligrams": "mg", "microgram": "mcg", "micrograms": "mcg",
          "gram": "g", "grams": "g", "milliliter": "ml", "milliliters": "ml", "cc": "ml",
          "unit": "units", "iu": "units"}
_AFFIRMING = frozenset(("present", "historical"))
"""ConText labels that assert the patient has (or had) the finding."""
_RATIO = re.compile(r"\b(\d+) (?:over|out of) (\d+)\b", re.IGNORECASE)


@dataclass
class TranscriptFacts:
    """What the transcript supports: its numbers, doses, drug names and asserted findings."""

    text: str
    numbers: set[str] = field(default_factory=set)
    doses: set[tuple[str, str]] = field(default_factory=set)
    negated: set[str] = field(default_factory=set)
    affirmed: set[str] = field(default_factory=set)


def _norm_number(value: str) -> str:
    value = value.replace(",", "")
    return value[:-2] if value.endswith(".0") else value


def numbers_in(text: str) -> set[str]:
    """The numbers written in ``text``, normalised (thousands separators and '.0' dropped)."""
    found = set()
    for match in _NUM.finditer(text):
        found.add(_norm_number(match.group()))
        found.update(_norm_number(part) for part in match.group().split("/"))
    return found


def doses_in(text: str) -> set[tuple[str, str]]:
    """(value, unit) pairs in ``text`` with units canonicalised (milligrams -> mg)."""
    return {(_norm_number(v), _UNITS.get(u.lower(), u.lower())) for v, u in _DOSE.findall(text)}


def transcript_facts(turns: list[Turn]) -> TranscriptFacts:
    """Read the transcript once: numbers, doses, and which findings are negated or affirmed."""
    text = "\n\n".join(t.text for t in turns)
    digits = words_to_digits(text)
    # "122 over 70" / "3 out of 6" are written 122/70 and 3/6 in a note: both forms are supported.
    digits += "\n\n" + _RATIO.sub(r"\1/\2", digits)
    facts = TranscriptFacts(digits.lower(), numbers_in(digits), doses_in(digits))
    _assertions(turns, facts)
    return facts


def _assertions(turns: list[Turn], facts: TranscriptFacts) -> None:
    from edge_assist.extract import extract

    for i, turn in enumerate(turns):
        problems = _problems(extract, turn.text)
        answer = turns[i + 1].text if i + 1 < len(turns) and turns[i + 1].speaker != turn.speaker else ""
        is_question = turn.speaker in ("doctor", "dictation") and turn.text.rstrip().endswith("?")
        for name, label in problems:
            if is_question and answer and _NEGATIVE.match(answer.strip()):
                facts.negated.add(name)
            elif is_question and answer and _POSITIVE.match(answer.strip()):
                facts.affirmed.add(name)
            elif label == "negated":
                facts.negated.add(name)
            elif label in _AFFIRMING and not is_question:
                facts.affirmed.add(name)


def _problems(extract, text: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    if not text.strip():
        return []
    # One sentence per paragraph: ACI-style lower-case text ("no . i have a cough") would otherwise
    # be one sentence to ConText, and the "no" would scope over the cough.
    result = extract("\n\n".join(split_sentences(text)))
    return [((p.normalized or p.text).lower(), p.assertion.label) for p in result.problems]


def check_sections(sections: list[NoteSection], facts: TranscriptFacts) -> int:
    """Flag every sentence whose facts the transcript does not support; returns the flag count.

    Args:
        sections: the draft; flags are appended to its sentences in place.
        facts: from :func:`transcript_facts`.
    """
    from edge_assist.extract import extract

    count = 0
    for section in sections:
        for sentence in section.sentences:
            flags = _fact_flags(sentence.text, facts, extract)
            sentence.flags.extend(flags)
            count += len(flags)
    return count


def _fact_flags(text: str, facts: TranscriptFacts, extract) -> list[SafetyFlag]:  # type: ignore[no-untyped-def]
    flags = []
    digits = words_to_digits(text)
    for value, unit in sorted(doses_in(digits) - facts.doses):
        flags.append(SafetyFlag("unsupported_dose", f"{value} {unit} is not in the transcript"))
    for number in sorted(numbers_in(digits) - facts.numbers):
        flags.append(SafetyFlag("unsupported_number", f"{number} is not in the transcript"))
    result = extract("\n\n".join(split_sentences(text)))
    for med in result.medications:
        if med.text.lower() not in facts.text and med.name.lower() not in facts.text:
            flags.append(SafetyFlag("unsupported_drug", f"{med.text} is not in the transcript"))
    for problem in result.problems:
        name = (problem.normalized or problem.text).lower()
        # A past finding affirms it too ("history of diabetes" after "no" to "do you have diabetes?").
        if problem.assertion.label in _AFFIRMING and name in facts.negated and name not in facts.affirmed:
            flags.append(SafetyFlag("contradicts_negation",
                                    f"'{problem.text}' is negated in the transcript but affirmed here"))
    return flags


def polish_problems(polished: list[str], lines: list[str]) -> list[str]:
    """Why an LLM rewrite of a section's ``lines`` must not replace them; empty when it may.

    The rewrite may change words, never facts: each of its numbers, doses and drugs must be in
    the rules lines, a finding they negate must not be affirmed, and it may neither add a
    negation they lack nor drop one they state. The reasons name check kinds only, never text.
    """
    from edge_assist.extract import extract

    reference = transcript_facts([Turn(i, "dictation", t) for i, t in enumerate(lines)])
    rewritten = transcript_facts([Turn(i, "dictation", t) for i, t in enumerate(polished)])
    reasons = [flag.kind for text in polished for flag in _fact_flags(text, reference, extract)]
    if rewritten.negated - reference.negated:
        reasons.append("adds_negation")
    if reference.negated - rewritten.negated:
        reasons.append("drops_negation")
    return reasons
