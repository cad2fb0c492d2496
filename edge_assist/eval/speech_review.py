"""Scoring the speech review flags: are the wrong numbers, doses and drug names flagged?

Reference and transcript are compared word by word after the eval's normaliser,
each word normalised on its own so a flag stays on its word ("7.5 milligrams" →
``7.5 milligram``). A reference number, dose (a number and the unit after it) or
drug name that the transcript substituted or dropped is *wrong*; so is a number
or drug name in the transcript that the reference does not have there. A wrong
word is flagged when its transcript word is (for a dropped one: a word either
side of the gap). Precision is the share of flagged words that are wrong; the
cost is the share of right words flagged. Everything is a count, so the halves
and the whole set are sums.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from edge_assist.speech.normalize import normalize

UNITS = frozenset({"milligram", "microgram", "gram", "unit", "units", "milliliter", "kilogram"})
CATEGORIES = ("number", "dose", "drug")


@dataclass(frozen=True)
class Token:
    """One normalised transcript word: whether it is flagged for a reason other than its
    probability, its probability and whether a probability bar applies to it."""

    text: str
    other: bool
    probability: float
    doubtable: bool

    def flagged(self, bar: float) -> bool:
        """Flagged with ``bar`` as the probability bar."""
        return self.other or (self.doubtable and self.probability < bar)


def transcript_tokens(transcript: Any, reviewer: Any) -> list[Token]:
    """The transcript's words as tokens, with what the review made of each."""
    out: list[Token] = []
    for segment in transcript.segments:
        other = {i for f in segment.flags if set(f.reasons) - {"low_probability"}
                 for i in range(f.first, f.last + 1)}
        for i, word in enumerate(segment.words):
            doubtable = reviewer.kind(word) is not None
            out += [Token(t, i in other, word.probability, doubtable) for t in normalize(word.text).split()]
    return out


def _category(tokens: list[str], i: int, drugs: frozenset[str]) -> str | None:
    token = tokens[i]
    if token in drugs:
        return "drug"
    if token in UNITS and i > 0 and _is_number(tokens[i - 1]):
        return "dose"
    if _is_number(token):
        return "dose" if i + 1 < len(tokens) and tokens[i + 1] in UNITS else "number"
    return None


def _is_number(token: str) -> bool:
    return token.replace(".", "", 1).isdigit()


def count(reference: str, tokens: list[Token], drugs: frozenset[str], bar: float) -> Counter[str]:
    """Counts for one clip: ``wrong/<category>``, ``caught/<category>``, ``flagged``,
    ``flagged_wrong``, ``right``, ``right_flagged``."""
    import jiwer

    ref = [t for w in reference.split() for t in normalize(w).split()]
    hyp = [t.text for t in tokens]
    counts: Counter[str] = Counter()
    flagged = [t.flagged(bar) for t in tokens]
    counts["flagged"] = sum(flagged)
    if not ref or not hyp:
        return counts
    out = jiwer.process_words(" ".join(ref), " ".join(hyp))
    for chunk in out.alignments[0]:
        rs, re_, hs, he = chunk.ref_start_idx, chunk.ref_end_idx, chunk.hyp_start_idx, chunk.hyp_end_idx
        if chunk.type == "equal":
            counts["right"] += he - hs
            counts["right_flagged"] += sum(flagged[hs:he])
            continue
        counts["flagged_wrong"] += sum(flagged[hs:he])
        for k in range(rs, re_):  # reference words substituted or dropped
            kind = _category(ref, k, drugs)
            if kind is None:
                continue
            j = hs + (k - rs)
            caught = flagged[j] if j < he else any(flagged[max(0, hs - 1):hs + 1])
            counts[f"wrong/{kind}"] += 1
            counts[f"caught/{kind}"] += int(caught)
        for j in range(hs, he):  # transcript numbers and drugs the reference does not have here
            kind = _category(hyp, j, drugs)
            k = rs + (j - hs)
            if kind is None or (k < re_ and _category(ref, k, drugs) is not None):
                continue  # a substitution of one number or drug for another is counted once, above
            counts[f"wrong/{kind}"] += 1
            counts[f"caught/{kind}"] += int(flagged[j])
    return counts


def metrics(counts: Counter[str]) -> dict[str, float]:
    """Flag recall per category and overall, flag precision and the share of right words flagged."""
    out: dict[str, float] = {}
    for kind in CATEGORIES:
        wrong = counts[f"wrong/{kind}"]
        out[f"flag_recall_{kind}"] = round(counts[f"caught/{kind}"] / wrong, 4) if wrong else 1.0
        out[f"wrong_{kind}s"] = float(wrong)
    wrong = sum(counts[f"wrong/{k}"] for k in CATEGORIES)
    caught = sum(counts[f"caught/{k}"] for k in CATEGORIES)
    out["flag_recall"] = round(caught / wrong, 4) if wrong else 1.0
    flagged = counts["flagged"]
    out["flag_precision"] = round(counts["flagged_wrong"] / flagged, 4) if flagged else 1.0
    out["right_flagged"] = round(counts["right_flagged"] / counts["right"], 4) if counts["right"] else 0.0
    out["words_flagged"] = float(counts["flagged"])
    out["note_wrong_doses"] = float(counts["note_wrong_doses"])
    out["note_wrong_doses_unmarked"] = float(counts["note_wrong_doses_unmarked"])
    return out


def note_doses(reference: str, transcript: Any) -> Counter[str]:
    """Draft a note from the transcript (rules only), mark it, and count the lines stating a dose
    whose number the reference does not have: ``note_wrong_doses`` and those left unmarked."""
    from edge_assist.errors import EdgeAssistError
    from edge_assist.notes import write_note
    from edge_assist.notes.review_flags import from_transcript, mark

    counts: Counter[str] = Counter()
    if not transcript.text.strip():
        return counts
    try:
        note = write_note(transcript.text, "soap", writer="extractive")
    except EdgeAssistError:
        return counts
    mark(note, from_transcript(transcript))
    said = {t for t in normalize(reference).split() if _is_number(t)}
    for section in note.sections:
        for sentence in section.sentences:
            words = normalize(sentence.text).split()
            wrong = any(_is_number(w) and w not in said and i + 1 < len(words) and words[i + 1] in UNITS
                        for i, w in enumerate(words))
            if wrong:
                counts["note_wrong_doses"] += 1
                marked = any(f.kind == "speech_review" for f in sentence.flags)
                counts["note_wrong_doses_unmarked"] += int(not marked)
    return counts
