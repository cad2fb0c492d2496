"""Assigning transcript sentences to content classes: phases of the visit, cue phrases, and Q/A pairs.

The issue asks for a small classifier here and lets rules stand in until the
GPU path distills one. The rules follow how a visit unfolds: history first,
then the examination, then assessment and plan. The first clinician sentence
with an exam cue starts the exam phase and the first with a plan cue after it
starts the plan phase (cues in ``rules/cues.toml``). Within a phase, cue
phrases choose the class; a clinician question answered "no"/"yes" becomes a
``ros`` unit ("Denies chest pain.") citing both turns. Every unit keeps the
turn it came from, which is what note provenance is built on.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from edge_assist.notes.rewrite import clauses, clean, split_sentences
from edge_assist.notes.types import Speaker, Turn

_NEGATIVE = re.compile(r"^(?:(?:uh|um|oh|well|so|hmm)\s*,?\s*)*(?:no|nope|nah|not really|none|never|negative|"
                       r"i do ?n't|i have ?n't|i haven't|i don't|i have not|i did not|i didn't|not|"
                       r"not that i)\b", re.IGNORECASE)
_POSITIVE = re.compile(r"^(?:(?:uh|um|oh|well|so|hmm)\s*,?\s*)*(?:yes|yeah|yep|yup|i do|i have|i did|"
                       r"a little|sometimes|correct|uh-huh|mm-hmm)\b", re.IGNORECASE)
_QUESTION_LEAD = re.compile(
    r"^.*?\b(?:any other symptoms like|symptoms like|any|have you (?:had|noticed|been having|"
    r"experienced|felt)|do you have|are you having|did you have|are you|any issues with|"
    r"how about|what about|no)\b\s*", re.IGNORECASE)
_NUMBER = re.compile(r"\d")
_SHORT = 12
"""Below this many sentences a transcript is one exchange: no phase is guessed from position."""
_TAG_QUESTION = re.compile(r",?\s*\b(?:okay|ok|right|all right|alright|you know|yeah|correct|is that okay|"
                           r"does that sound good|sound good|does that make sense|fair)\s*\?$", re.IGNORECASE)
_STOP = frozenset((  # noqa: SIM905 - a word list reads best as words
    "the a an and or but of to in on at for with is are was were be been it this that i you he she we "
    "they my your her his our their me him them do does did have has had so just like okay yeah um uh "
    "not no yes there here what how"
).split())


@dataclass
class Unit:
    """A sentence (or a question and its answer) with its class and source turns."""

    text: str
    turns: list[int]
    speaker: Speaker
    kind: str = ""
    polarity: str = ""  # "negative" / "positive" for an answered question
    order: int = 0
    score: float = 0.0
    heading: str = ""  # the section name dictated before it, if any ("assessment")


@dataclass
class Assignment:
    """Units per content class plus the phase boundaries found (as unit positions)."""

    units: dict[str, list[Unit]] = field(default_factory=dict)
    exam_start: int = 0
    plan_start: int = 0


@dataclass(frozen=True)
class Cues:
    """Phase and class cue phrases, compiled."""

    phases: dict[str, re.Pattern[str]]
    classes: dict[str, re.Pattern[str]]
    commands: re.Pattern[str]
    headings: dict[str, str] = field(default_factory=dict)
    heading: re.Pattern[str] = re.compile(r"(?!)")
    inner_heading: re.Pattern[str] = re.compile(r"(?!)")
    phrases: tuple[str, ...] = ()  # every phrase of the file, lower case

    def hits(self, kind: str, text: str) -> int:
        """How many cue phrases of class ``kind`` occur in ``text``."""
        return len(self.classes[kind].findall(text))


@lru_cache(maxsize=1)
def cues() -> Cues:
    """The shipped cue lists, compiled once."""
    data = tomllib.loads((resources.files("edge_assist.notes") / "rules" / "cues.toml").read_text("utf-8"))
    headings = {phrase.lower(): kind
                for kind, phrases in data.get("headings", {}).items() for phrase in phrases}
    body = "|".join(re.escape(p) for p in sorted(headings, key=len, reverse=True)) or "(?!)"
    return Cues({k: _phrases(v) for k, v in data["phases"].items() if k != "commands"},
                {k: _phrases(v) for k, v in data["classes"].items()}, _phrases(data["phases"]["commands"]),
                headings, re.compile(rf"^\s*({body})\s*(?:[:.,;\u2013\u2014-]+\s*|$)", re.IGNORECASE),
                re.compile(rf"(?<=[,;])\s+(?=(?:{body})\s*[:,])", re.IGNORECASE),
                tuple(p.lower() for table in data.values() for phrases in table.values() for p in phrases))


def _phrases(items: list[str]) -> re.Pattern[str]:
    body = "|".join(re.escape(p) for p in sorted(items, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


def units_of(turns: list[Turn]) -> list[Unit]:
    """One unit per sentence of every turn, in order, without tag questions ("..., okay?")."""
    units = []
    commands = cues().commands
    for turn in turns:
        for sentence in (c for s in split_sentences(turn.text) for c in clauses(s)):
            sentence = _TAG_QUESTION.sub(".", sentence)
            if not commands.match(sentence):
                units.append(Unit(sentence, [turn.index], turn.speaker, order=len(units)))
    return units


def assign(turns: list[Turn], wanted: set[str] | None = None) -> Assignment:
    """Sort the transcript's sentences into content classes.

    Args:
        turns: the parsed transcript.
        wanted: classes the template uses (others are not built); default all.

    Returns:
        Units per class in transcript order; chit-chat and unanswered questions are dropped.
    """
    units = units_of(turns)
    cue = cues()
    dictation = all(u.speaker == "dictation" for u in units)
    units, dictated = _dictated_sections(units, cue) if dictation else (units, {})
    exam, plan = _phases(units, cue)
    result = Assignment(exam_start=exam, plan_start=plan)
    paired: set[int] = set()
    for i, unit in enumerate(units):
        if i in paired:
            continue
        kind, pair = _classify(units, i, exam, plan, cue, dictation)
        if i in dictated:
            kind = _within(dictated[i], kind, unit.text, cue)
        if pair is not None:
            paired.add(pair.order)
            unit = _answered(unit, units[pair.order])
        if kind and (wanted is None or kind in wanted):
            unit.kind = kind
            result.units.setdefault(kind, []).append(unit)
        also_history = wanted is None or "history" in wanted
        if kind == "complaint" and _is_history_dictation(unit.text) and also_history:
            result.units.setdefault("history", []).append(Unit(unit.text, unit.turns, unit.speaker,
                                                               "history", order=unit.order))
    _keep_one_complaint(result)
    if (wanted is None or "complaint" in wanted) and not result.units.get("complaint"):
        _complaint_fallback(result, units)
    if (wanted is None or {"history", "complaint"} <= wanted) and result.units.get("complaint"):
        _add_opener(result)
    _add_bookends(result, units, plan)
    return result


_BODY = ("knee|ankle|shoulder|elbow|wrist|hand|hip|back|neck|foot|feet|toe|finger|thumb|arm|leg|chest|"
         "abdominal|stomach|belly|head|ear|eye|throat|jaw|kidney|joint|flank|pelvic|calf|thigh|heel|"
         "skin|scalp|lung|bladder|tooth|sinus|groin|rib|spine|muscle")
_SYMPTOM = re.compile(
    rf"\b(?:(?:left|right|bilateral|lower|upper|low)\s+){{0,2}}(?:{_BODY})\s+(?:pain|ache|swelling|injury|"
    r"ulcer|rash|twitch|infections?|fracture|sprain|numbness|stones?|problems?)\b"
    r"|\b(?:headaches?|sore throat|shortness of breath|difficulty (?:swallowing|urinating|breathing))\b",
    re.IGNORECASE)


_ASKS_OR_DENIES = re.compile(r"\?\s*$|^(?:(?:so|and|okay|now|um|uh)\s+)*(?:do|does|did|have|has|are|is|any|"
                             r"how|what|when|where|can|could|were|was)\b|\b(?:no|not|denies|denied|without|never|"
                             r"n't|negative for)\b", re.IGNORECASE)
"""A sentence that asks about or denies a symptom does not make it the complaint."""


def _complaint_fallback(result: Assignment, units: list[Unit]) -> None:
    """No "here for ..." sentence: the symptom phrase stated most often in the history is the complaint.

    Only statements count (questions and denials never do: "any chest pain?" /
    "no" must not become the complaint); ``right knee pain`` stated five times
    outranks ``back pain`` stated once. The unit cites the first turn that
    names it. Nothing is added when no statement names a symptom phrase.
    """
    history = [u for u in units[: max(len(units) // 2, 1)] if not _ASKS_OR_DENIES.search(u.text)]
    counts: dict[str, int] = {}
    first: dict[str, Unit] = {}
    for unit in history:
        for match in _SYMPTOM.finditer(unit.text):
            phrase = " ".join(match.group().lower().split())
            counts[phrase] = counts.get(phrase, 0) + 1
            first.setdefault(phrase, unit)
    if not counts:
        return
    # A phrase also scores the mentions of its shorter forms ("knee pain" counts for "left knee pain").
    best = max(counts, key=lambda p: (sum(c for q, c in counts.items() if q in p), len(p)))
    source = first[best]
    result.units["complaint"] = [Unit(best, source.turns, source.speaker, "complaint", order=source.order)]


def _add_opener(result: Assignment) -> None:
    """The history opens, as the ACI note does, with why the patient came (cited to the complaint's turn)."""
    complaint = result.units["complaint"][0]
    phrase = complaint_phrase(complaint)
    if phrase:
        result.units.setdefault("history", []).insert(
            0, Unit(f"The patient presents for evaluation of {phrase[0].lower() + phrase[1:]}.",
                    complaint.turns, "dictation", "opener", order=-1))


_COMPLAINT_CUT = re.compile(r"\b(?:who|which|that|because|but|since|and i|so)\b|[,.?!;]", re.IGNORECASE)


def complaint_phrase(unit: Unit, max_words: int = 12) -> str:
    """What the patient came for, from a complaint unit: "here today for back pain, ..." -> "back pain"."""
    match = cues().classes["complaint"].search(unit.text)
    rest = unit.text[match.end():] if match else unit.text
    rest = _COMPLAINT_CUT.split(clean(rest))[0]
    rest = re.sub(r"^(?:(?:of|for|a|an|the|her|his|their|your|my|evaluation of|some|is|are|with)\s+)+", "",
                  rest.strip(), flags=re.IGNORECASE)
    rest = re.sub(r"\s+(?:today|and|or|with|to|of|the|a)$", "", rest, flags=re.IGNORECASE)
    return " ".join(rest.split()[:max_words])


_INTRO = re.compile(r"\b\d+[- ](?:year|month)s?[- ]old\b", re.IGNORECASE)


def _add_bookends(result: Assignment, units: list[Unit], plan: int) -> None:
    """The ACI note's assessment opens by restating who the patient is, in the clinician's words.

    The clinician's "N-year-old ... presents" sentence is taken from the transcript (cited to
    its turn) and nothing is added when there is none. No closing line is templated: a
    patient's "okay" is not consent to a treatment plan, and a note may say only what the
    encounter said (issue 21).
    """
    if "assessment" not in result.units and "plan" not in result.units:
        return
    intro = next((u for u in units if u.speaker in ("doctor", "dictation") and _INTRO.search(u.text)
                  and _is_history_dictation(u.text)), None)
    if intro is not None:
        result.units.setdefault("assessment", []).insert(
            0, Unit(intro.text, intro.turns, intro.speaker, "intro", order=-1))


def _phases(units: list[Unit], cue: Cues) -> tuple[int, int]:
    n = len(units)
    clin = [u for u in units if u.speaker in ("doctor", "dictation")]
    start = n * 0.2 if n >= _SHORT else 0
    exam = next((u.order for u in clin if u.order >= start and cue.phases["exam"].search(u.text)), None)
    plan_from = exam if exam is not None else int(n * 0.35)
    plan = next((u.order for u in clin if u.order > plan_from and cue.phases["plan"].search(u.text)),
                None)
    if plan is None and n < _SHORT:  # a short exchange has no phases unless announced
        plan = n
    if plan is None:  # no announced plan: the first plan-like clinician sentence after the exam
        plan = next((u.order for u in clin if u.order > plan_from and cue.hits("plan", u.text)),
                    max(int(n * 0.75), plan_from + 1))
    return (exam if exam is not None and exam < plan else plan), plan


def _classify(units: list[Unit], i: int, exam: int, plan: int, cue: Cues,
              dictation: bool) -> tuple[str, Unit | None]:
    unit = units[i]
    text = unit.text
    clinician = unit.speaker in ("doctor", "dictation")
    if i < max(12, len(units) // 4) and cue.hits("complaint", text) and clinician:
        return "complaint", None
    if clinician and text.rstrip().endswith("?"):
        answer = _answer_to(units, i)
        if answer is not None and i < plan and cue.hits("ros", text):
            return "ros", answer
        return "", None
    if clinician and cue.hits("results", text) and not cue.hits("plan", text) and (
            exam <= i < plan or _NUMBER.search(text) or cue.hits("result_verbs", text)):
        return "results", None
    if clinician and exam <= i < plan and cue.hits("exam", text):
        return "exam", None
    if i >= plan and clinician:
        return _plan_or_assessment(text, cue), None
    if i < exam and _content_words(text) >= 3 and (unit.speaker != "doctor" or _is_history_dictation(text)):
        return "history", None
    if dictation and _content_words(text) >= 3:
        return "history", None
    return "", None


_FAMILY = {"complaint": ("complaint",), "history": ("complaint", "history", "ros"), "ros": ("ros",),
           "exam": ("exam", "results"), "results": ("results",), "assessment": ("assessment",),
           "plan": ("plan",), "assessment_plan": ("assessment", "plan")}


def _dictated_sections(units: list[Unit], cue: Cues) -> tuple[list[Unit], dict[int, str]]:
    """Units without their dictated headings, and the heading each unit falls under.

    A clinician dictating says the section's name ("Assessment: chest pain, likely
    angina. Plan: ECG and troponin."). The name is a heading, not note text: it is
    cut from its sentence (a sentence that is only the name is dropped), and the
    sentences after it go to that section until the next heading. With no heading
    dictated, nothing changes and the phases and cues decide as for a conversation.
    Speech recognition often writes the names between commas ("Assessment, acute
    bronchitis, plan, rest and fluids."): a name set off by commas inside a sentence
    starts a new piece there.
    """
    out: list[Unit] = []
    under: dict[int, str] = {}
    current = ""
    pieces = [Unit(_ended(text), u.turns, u.speaker) for u in units
              for text in cue.inner_heading.split(u.text) if text.strip()]
    for unit in pieces:
        match = cue.heading.match(unit.text)
        if match:
            current = cue.headings[" ".join(match.group(1).lower().split())]
            rest = unit.text[match.end():].strip()
            if not rest:
                continue
            unit = Unit(rest[0].upper() + rest[1:], unit.turns, unit.speaker)
        unit.order = len(out)
        if current:
            under[unit.order] = unit.heading = current
        out.append(unit)
    return out, under


def _ended(piece: str) -> str:
    """A piece cut at a comma ends as a sentence ("Acute bronchitis," -> "Acute bronchitis.")."""
    piece = piece.strip()
    return piece[:-1].rstrip() + "." if piece.endswith((",", ";")) else piece


def _within(heading: str, kind: str, text: str, cue: Cues) -> str:
    """The class of a sentence dictated under ``heading``: the cues' own class if it belongs there."""
    if kind in _FAMILY[heading]:
        return kind
    if heading == "assessment_plan":
        return _plan_or_assessment(text, cue) or "plan"
    return heading


def _is_history_dictation(text: str) -> bool:
    return bool(re.search(r"year-old|years old|year old|history of|presents|reports|states|denies",
                          text, re.IGNORECASE))


def _plan_or_assessment(text: str, cue: Cues) -> str:
    if _content_words(text) < 3:
        return ""
    plan_hits, assess_hits = cue.hits("plan", text), cue.hits("assessment", text)
    if plan_hits >= assess_hits and plan_hits:
        return "plan"
    return "assessment" if assess_hits else ("plan" if _content_words(text) >= 5 else "")


def _answer_to(units: list[Unit], i: int) -> Unit | None:
    nxt = units[i + 1] if i + 1 < len(units) else None
    if nxt is None or nxt.speaker not in ("patient", "other") or nxt.turns == units[i].turns:
        return None
    return nxt if (_NEGATIVE.match(nxt.text) or _POSITIVE.match(nxt.text)) else None


def _answered(question: Unit, answer: Unit) -> Unit:
    negative = bool(_NEGATIVE.match(answer.text))
    finding = _QUESTION_LEAD.sub("", question.text.rstrip(" ?")).strip(" ,")
    lead = "Denies" if negative else "Reports"
    return Unit(f"{lead} {finding}", question.turns + answer.turns, question.speaker,
                polarity="negative" if negative else "positive", order=question.order)


def _keep_one_complaint(result: Assignment) -> None:
    found = result.units.get("complaint", [])
    if len(found) > 1:
        result.units["complaint"] = found[:1]


def _content_words(text: str) -> int:
    return sum(1 for w in re.findall(r"[a-z0-9']+", text.lower()) if w not in _STOP)
