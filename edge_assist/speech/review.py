"""Review flags: the numbers, doses and drug names of a transcript a clinician must check.

Word error rate stays high for a small model on synthetic or accented speech, and
a dose nobody said ("a big 7.5 milligrams" for "apixaban 5 milligrams") is written
as cleanly as the true words. Nothing here changes a word; it says which words to
doubt, why, and what else they may be. A flag is raised on:

* ``low_probability``: a number, unit or drug name the model gave less than
  ``unsure_below`` probability (faster-whisper's ``word.probability``);
* ``changed_between_decodes``: a number that a second, cheap decode of the same
  audio (greedy, no hints; :mod:`edge_assist.speech.crosscheck`) heard differently,
  or a number the second decode heard where the first wrote none;
* ``corrected_drug``: a drug name correction wrote (the heard words are the alternative);
* ``unlisted_drug``: a drug name outside the prescribed lexicon (the drugs with a
  MedlinePlus page and the common list: a rarity such as "depressin" is more often a
  mishearing than a prescription);
* ``implausible_dose``: a dose outside the usual adult range of the drug named
  (``data/dose_ranges.toml``);
* ``dose_without_drug``: a dose with no drug name near it, so the words where the name
  should be ("a big 7.5 milligrams") and the dose are flagged, with the nearest drug names.
"""

from __future__ import annotations

from dataclasses import dataclass

from edge_assist.speech.correction import DrugCorrector
from edge_assist.speech.doses import Dose, core, dose_table, drug_of, find_doses, unit_of
from edge_assist.speech.normalize import normalize
from edge_assist.speech.types import Correction, ReviewFlag, ReviewKind, ReviewReason, TimedWord

ORDER: tuple[ReviewReason, ...] = ("implausible_dose", "changed_between_decodes", "corrected_drug",
                                   "dose_without_drug", "unlisted_drug", "low_probability")
"""Reasons, most serious first (a flag lists its reasons in this order)."""


@dataclass(frozen=True)
class ReviewOptions:
    """When words are flagged for review.

    Attributes:
        enabled: flag at all.
        unsure_below: a number, unit or drug name below this probability is doubted
            (chosen on the speech eval's tune half).
        crosscheck: decode the audio around numbers once more and flag what changed.
        near_names: drug names offered as alternatives.
        lead_words: words before a dose with no drug that are flagged as where its name was.
    """

    enabled: bool = True
    unsure_below: float = 0.6
    crosscheck: bool = True
    near_names: int = 3
    lead_words: int = 2


@dataclass
class _Mark:
    kind: ReviewKind
    reasons: set[str]
    alternatives: list[str]


class Reviewer:
    """Flags the words of one segment (see the module docstring for the rules).

    Args:
        corrector: the drug lexicon, the English guard and near-name search.
        options: thresholds.
    """

    def __init__(self, corrector: DrugCorrector, options: ReviewOptions | None = None) -> None:
        self.corrector = corrector
        self.options = options or ReviewOptions()
        lexicon = corrector.lexicon
        self._listed = frozenset(lexicon.prescribed) | frozenset(lexicon.common)

    def kind(self, word: TimedWord) -> ReviewKind | None:
        """``number``, ``unit`` or ``drug`` for a word of those kinds, else None."""
        text = core(word.text)
        if not text:
            return None
        if unit_of(text):
            return "unit"
        if any(ch.isdigit() for ch in text) or normalize(text).replace(".", "", 1).isdigit():
            return "number"
        return "drug" if self.is_drug(text) else None

    def is_drug(self, text: str) -> bool:
        """Whether a lower-case word is a drug name (not a common or medical English word)."""
        lexicon = self.corrector.lexicon
        return text in lexicon.names and (text in lexicon.common or not self.corrector.is_word(text))

    def flag(self, words: list[TimedWord], corrections: list[Correction] | tuple[Correction, ...] = (),
             other: list[TimedWord] | None = None) -> tuple[ReviewFlag, ...]:
        """The review flags of one segment's words.

        Args:
            words: the segment's words after correction.
            corrections: the corrections made in them.
            other: a second decode's words of the same audio, in file time (None: not decoded).
        """
        if not self.options.enabled or not words:
            return ()
        marks: dict[int, _Mark] = {}
        kinds = [self.kind(w) for w in words]
        self._probability(words, kinds, marks)
        self._drugs(words, kinds, corrections, marks)
        self._doses(words, kinds, marks)
        if other is not None:
            self._changed(words, kinds, other, marks)
        return _spans(words, marks)

    def _probability(self, words: list[TimedWord], kinds: list[ReviewKind | None],
                     marks: dict[int, _Mark]) -> None:
        for i, (word, kind) in enumerate(zip(words, kinds, strict=True)):
            if kind is not None and word.probability < self.options.unsure_below:
                _mark(marks, i, kind, "low_probability")

    def _drugs(self, words: list[TimedWord], kinds: list[ReviewKind | None],
               corrections: list[Correction] | tuple[Correction, ...], marks: dict[int, _Mark]) -> None:
        for i, word in enumerate(words):
            fix = next((c for c in corrections if c.start == word.start and c.end == word.end
                        and c.replacement in word.text), None)
            if fix is not None:
                _mark(marks, i, "drug", "corrected_drug", [f"heard: {fix.original}"])
            elif (kinds[i] == "drug" and self.corrector.lexicon.prescribed
                  and core(word.text) not in self._listed):
                _mark(marks, i, "drug", "unlisted_drug", self._near(core(word.text)))

    def _doses(self, words: list[TimedWord], kinds: list[ReviewKind | None], marks: dict[int, _Mark]) -> None:
        drugs = {i: core(w.text) for i, w in enumerate(words)
                 if kinds[i] == "drug" or (i in marks and "corrected_drug" in marks[i].reasons)}
        table = dose_table()
        for dose in find_doses(words):
            at = drug_of(dose, drugs)
            if at is None:
                self._no_drug(words, kinds, dose, marks)
                continue
            usual = table.get(drugs[at])
            if usual is not None and usual.contains(dose.value, dose.unit) is False:
                for i in range(dose.first, dose.last + 1):
                    _mark(marks, i, "dose", "implausible_dose", [f"{drugs[at]}: {usual.describe()}"])

    def _no_drug(self, words: list[TimedWord], kinds: list[ReviewKind | None], dose: Dose,
                 marks: dict[int, _Mark]) -> None:
        """A dose no drug name is near: the drug was probably misheard just before it."""
        lead: list[int] = []
        for i in range(dose.first - 1, max(-1, dose.first - 1 - self.options.lead_words), -1):
            text = words[i].text.strip()
            if not core(text) or text[-1] in ".,;:" or kinds[i] is not None or self.corrector.is_cue(text):
                break
            lead.insert(0, i)
        heard = "".join(core(words[i].text) for i in lead)
        near = self._near(heard) if len(heard) >= 3 else []
        for i in [*lead, *range(dose.first, dose.last + 1)]:
            _mark(marks, i, "word" if i in lead else "dose", "dose_without_drug", near)

    def _changed(self, words: list[TimedWord], kinds: list[ReviewKind | None], other: list[TimedWord],
                 marks: dict[int, _Mark]) -> None:
        """Numbers the second decode heard otherwise, and words it heard as a number."""
        for first, last in _number_runs(kinds):
            start, end = words[first].start, words[last].end
            said = _numbers("".join(w.text for w in words[first:last + 1]))
            heard_words = _overlapping(other, start, end)
            heard = _numbers("".join(w.text for w in heard_words))
            if said != heard:
                alternative = "".join(w.text for w in heard_words).strip() or "(nothing)"
                for i in range(first, last + 1):
                    _mark(marks, i, kinds[i] or "number", "changed_between_decodes",
                          [f"other decode: {alternative}"])
        for w in other:
            if not _numbers(w.text):
                continue
            here = [i for i, x in enumerate(words) if x.end > w.start and x.start < w.end]
            if here and all(kinds[i] != "number" for i in here):
                for i in here:
                    _mark(marks, i, "number", "changed_between_decodes", [f"other decode: {w.text.strip()}"])

    def _near(self, heard: str) -> list[str]:
        if not heard:
            return []
        names = self.corrector.candidates(heard, self.options.near_names, 0.5)
        return [name for name, _score in names if name.lower() != heard]


def _mark(marks: dict[int, _Mark], i: int, kind: ReviewKind, reason: str,
          alternatives: list[str] | None = None) -> None:
    mark = marks.setdefault(i, _Mark(kind, set(), []))
    if kind == "dose" or mark.kind not in ("dose", "drug"):
        mark.kind = kind
    mark.reasons.add(reason)
    mark.alternatives.extend(a for a in alternatives or () if a not in mark.alternatives)


def _spans(words: list[TimedWord], marks: dict[int, _Mark]) -> tuple[ReviewFlag, ...]:
    """Adjacent marked words of the same kind and reasons joined into one flag each."""
    out: list[ReviewFlag] = []
    for i in sorted(marks):
        mark = marks[i]
        reasons = tuple(r for r in ORDER if r in mark.reasons)
        prev = out[-1] if out else None
        joinable = (prev.kind == "drug") == (mark.kind == "drug") if prev else False
        if prev and prev.last == i - 1 and joinable and (prev.reasons == reasons
                                                         or mark.kind == "dose" == prev.kind):
            merged = tuple(r for r in ORDER if r in {*prev.reasons, *reasons})
            alternatives = tuple(dict.fromkeys([*prev.alternatives, *mark.alternatives]))
            out[-1] = ReviewFlag(prev.first, i, prev.start, words[i].end,
                                 "".join(w.text for w in words[prev.first:i + 1]).strip(),
                                 _kind(prev.kind, mark.kind), merged, alternatives)
            continue
        out.append(ReviewFlag(i, i, words[i].start, words[i].end, words[i].text.strip(), mark.kind,
                              reasons, tuple(mark.alternatives)))
    return tuple(out)


def _kind(a: ReviewKind, b: ReviewKind) -> ReviewKind:
    if "dose" in (a, b) or {a, b} == {"number", "unit"}:
        return "dose"
    return a if a == b else ("drug" if "drug" in (a, b) else a)


def _number_runs(kinds: list[ReviewKind | None]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for i, kind in enumerate(kinds):
        if kind != "number":
            continue
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _numbers(text: str) -> tuple[str, ...]:
    """The numbers in ``text`` as digits, in order ("twenty five mg" → ``("25",)``)."""
    return tuple(t for t in normalize(text).split() if t.replace(".", "", 1).isdigit())


def _overlapping(words: list[TimedWord], start: float, end: float,
                 tolerance: float = 0.15) -> list[TimedWord]:
    """Words whose middle lies within ``start``..``end`` (widened by ``tolerance``)."""
    return [w for w in words if start - tolerance <= (w.start + w.end) / 2 <= end + tolerance]

