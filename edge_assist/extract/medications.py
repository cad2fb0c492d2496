"""Medications: drug names (normalized, brand -> generic) and their signature parts.

Drug names come from two lexicons: the ``drug-named-entity-recognition``
package (DrugBank/MeSH ids, about 20k names) and ``rules/drugs.json`` for the
brands and bedside abbreviations it lacks ("ATs", "Travatan Z"). Signature
parts (route, frequency, dose, strength, duration) and status words come from
``rules/medications.json``. Ambiguous words ("on", "daily", "IV") only count
in a sentence that mentions a drug or drops, so a line about warm compresses
yields nothing. Every tag is a span of the original text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from edge_assist.extract.lexicon import alternation, load_lexicon, phrase_regex
from edge_assist.extract.lexicon import norm as _norm
from edge_assist.extract.scan import PhraseScanner
from edge_assist.extract.text import Note

Label = Literal["drug", "route", "frequency", "dose", "strength", "duration", "start", "continue",
                "use", "change", "stop", "adherence", "header"]
STATUS_LABELS = ("start", "continue", "use", "change", "stop")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9']*")
_TIME_OF_DAY = {"at bedtime", "every morning"}
_COMBINE = re.compile(r"\s*[/-]\s*")
_PREFIX = re.compile(r"(?:\bpf|\bpreservative[\s-]+free|\bgeneric)\s+$", re.IGNORECASE)
_KEYS = {"routes", "frequencies", "frequency_patterns", "dose_forms", "dose_counts", "strength_pattern",
         "duration_pattern", "start_words", "continue_words", "use_words", "change_words", "stop_words",
         "med_headers", "context_words", "adherence_patterns"}


@dataclass(frozen=True)
class Tag:
    """A labelled span; ``value`` is the canonical form (generic name, 'twice daily', ...)."""

    start: int
    end: int
    label: Label
    value: str = ""
    info: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@lru_cache(maxsize=1)
def _drug_synonyms() -> dict[str, str]:
    data = load_lexicon("drugs.json", {"drugs"})
    table: dict[str, str] = {}
    for i, item in enumerate(data["drugs"]):
        from edge_assist.extract.lexicon import check_keys

        check_keys(f"drugs.json drug {i}", item, {"name", "synonyms"}, {"exact_case"})
        for synonym in item["synonyms"]:
            table[" ".join(synonym.lower().split())] = item["name"]
        for synonym in item.get("exact_case", ()):
            table[synonym] = item["name"]
    return table


@lru_cache(maxsize=4096)
def drug_info(name: str) -> dict[str, Any]:
    """What ``drug-named-entity-recognition`` knows about ``name`` (empty when nothing)."""
    from drug_named_entity_recognition import find_drugs

    hits = find_drugs(name.split(), is_ignore_case=True)
    return dict(hits[0][0]) if hits else {}


class MedicationTagger:
    """Tags drug names, signature parts and status words in a note."""

    def __init__(self) -> None:
        data = load_lexicon("medications.json", _KEYS)
        flags = re.IGNORECASE
        self.synonyms = _drug_synonyms()
        folded = [k for k in self.synonyms if k == k.lower()]
        exact = [k for k in self.synonyms if k != k.lower()]
        self.synonym_re = re.compile(f"(?i:{alternation(folded, '/')})|{alternation(exact, '/')}")
        self.synonym_scan = PhraseScanner(self.synonym_re, self.synonyms)
        self.routes = _phrase_table(data["routes"])
        self.frequencies = _phrase_table(data["frequencies"])
        self.route_re = re.compile(alternation(list(self.routes), "/"), flags)
        self.freq_re = re.compile("|".join([alternation(list(self.frequencies), ""),
                                            *data["frequency_patterns"]]), flags)
        self.dose_re = re.compile(rf"(?:{alternation(data['dose_counts'])})\s+"
                                  rf"(?:{alternation(data['dose_forms'])})", flags)
        self.route_scan = PhraseScanner(self.route_re, self.routes)
        self.freq_scan = PhraseScanner(self.freq_re, self.frequencies, data["frequency_patterns"], flags)
        self.dose_scan = PhraseScanner(self.dose_re, data["dose_counts"])
        self.strength_re = re.compile(data["strength_pattern"], flags)
        self.duration_re = re.compile(data["duration_pattern"], flags)
        self.status = {label: set(data[f"{label}_words"]) for label in STATUS_LABELS}
        words = [w for label in STATUS_LABELS for w in data[f"{label}_words"]]
        self.status_re = re.compile(alternation(words), flags)
        self.header_re = re.compile(rf"(?:{alternation(data['med_headers'])})(?=\s*:|\s*$)",
                                    flags | re.MULTILINE)
        self.context_re = re.compile(alternation(data["context_words"]), flags)
        self.status_scan = PhraseScanner(self.status_re, words)
        self.header_scan = PhraseScanner(self.header_re, data["med_headers"])
        self.context_scan = PhraseScanner(self.context_re, data["context_words"])
        self.adherence_re = re.compile("|".join(data["adherence_patterns"]), flags)

    # -- drugs --------------------------------------------------------------------------
    def drugs(self, note: Note) -> list[Tag]:
        """Drug-name tags, merged into combinations ("dorzolamide/timolol") and prefixes ("PF")."""
        text = note.text
        found = [Tag(m.start(), m.end(), "drug", self.synonyms.get(m.group()) or
                     self.synonyms[_norm(m.group())]) for m in self.synonym_scan.finditer(text, note.words)]
        found += self._package_drugs(text)
        tags = _longest_first(t for t in found if not note.is_masked(t.start, t.end))
        return _merge_combinations(text, tags)

    def _package_drugs(self, text: str) -> list[Tag]:
        from drug_named_entity_recognition import find_drugs

        tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        tags = []
        for info, first, last in find_drugs([t[2] for t in tokens], is_ignore_case=True):
            start, end = tokens[first][0], tokens[last - 1][1] if last > first else tokens[first][1]
            if end - start >= 4:  # two- and three-letter hits are words, not drugs, in notes
                tags.append(Tag(start, end, "drug", str(info.get("name", "")), dict(info)))
        return tags

    # -- everything ---------------------------------------------------------------------
    def tag(self, note: Note) -> list[Tag]:
        """Every medication tag in the note, non-overlapping, in text order."""
        drugs = self.drugs(note)
        tags: list[Tag] = list(drugs)
        anchors = [(t.start, t.end) for t in drugs]
        anchors += [(m.start(), m.end()) for m in self.context_scan.finditer(note.text, note.words)]
        drug_sentences = {note.sentence_at(s) for s, _ in anchors}
        tags += self._signature(note, drug_sentences, sorted((t.start, t.end) for t in drugs))
        tags += self._statuses(note, sorted(anchors))
        tags += [Tag(m.start(), m.end(), "header") for m in self.header_scan.finditer(note.text, note.words)]
        tags += [Tag(m.start(), m.end(), "adherence") for m in self.adherence_re.finditer(note.text)
                 if m.end() > m.start()]
        return _longest_first(t for t in tags if not note.is_masked(t.start, t.end))

    def _signature(self, note: Note, drug_sentences: set[tuple[int, int]],
                   drug_spans: list[tuple[int, int]]) -> list[Tag]:
        text = note.text
        tags: list[Tag] = []
        for m in self.route_scan.finditer(text, note.words):
            if _near(note, m.start(), m.end(), drug_spans, after=3, before=8):
                tags.append(Tag(m.start(), m.end(), "route", self.routes[_norm(m.group())]))
        for m in self.freq_scan.finditer(text, note.words):
            value = self.frequencies.get(_norm(m.group()), _norm(m.group()))
            if note.sentence_at(m.start()) in drug_sentences and (
                    value not in _TIME_OF_DAY or _near(note, m.start(), m.end(), drug_spans, 0, 6)):
                tags.append(Tag(m.start(), m.end(), "frequency", value))
        for label, matches in (("dose", self.dose_scan.finditer(text, note.words)),
                               ("strength", self.strength_re.finditer(text)),
                               ("duration", self.duration_re.finditer(text))):
            tags += [Tag(m.start(), m.end(), label, _norm(m.group())) for m in matches
                     if note.sentence_at(m.start()) in drug_sentences]
        return tags

    def _statuses(self, note: Note, anchors: list[tuple[int, int]]) -> list[Tag]:
        tags = []
        for m in self.status_scan.finditer(note.text, note.words):
            word = _norm(m.group())
            label = next(lb for lb in STATUS_LABELS if word in self.status[lb])
            after = 1 if word == "on" else 5
            if _near(note, m.start(), m.end(), anchors, after=after, before=3 if after > 1 else 0):
                tags.append(Tag(m.start(), m.end(), label, word))
        return tags


def _near(note: Note, start: int, end: int, anchors: list[tuple[int, int]], after: int,
          before: int) -> bool:
    """Whether an anchor lies in the same sentence, fewer than ``after`` words after the span
    (the span precedes it: "using latanoprost") or ``before`` words before it ("Timolol stopped").

    ``anchors`` must be sorted; only the neighbours on each side are looked at.
    """
    sentence = note.sentence_at(start)
    i = bisect_left(anchors, (start, start))
    nxt = next((a for a in anchors[i:i + 3] if a[0] >= end), None)
    prev = next((a for a in reversed(anchors[max(0, i - 3):i]) if a[1] <= start), None)
    if nxt and nxt[0] < sentence[1] and len(note.text[end:nxt[0]].split()) < after:
        return True
    return bool(prev and prev[0] >= sentence[0] and len(note.text[prev[1]:start].split()) < before)



def _phrase_table(groups: dict[str, list[str]]) -> dict[str, str]:
    return {_norm(p): canonical for canonical, phrases in groups.items() for p in phrases}


def _longest_first(tags: Any) -> list[Tag]:
    """Non-overlapping tags, preferring longer ones, in text order."""
    chosen: list[Tag] = []  # kept sorted by start; a new tag only needs its two neighbours checked
    for tag in sorted(tags, key=lambda t: (-(t.end - t.start), t.start)):
        i = bisect_left(chosen, tag.start, key=lambda t: t.start)
        if (i == len(chosen) or tag.end <= chosen[i].start) and (i == 0 or chosen[i - 1].end <= tag.start):
            chosen.insert(i, tag)
    return chosen


def _merge_combinations(text: str, drugs: list[Tag]) -> list[Tag]:
    merged: list[Tag] = []
    for tag in drugs:
        prefix = _PREFIX.search(text[max(0, tag.start - 24):tag.start])
        if prefix:
            tag = Tag(tag.start - (len(prefix.group())), tag.end, "drug", tag.value, tag.info)
        last = merged[-1] if merged else None
        if last and _COMBINE.fullmatch(text[last.end:tag.start]):
            merged[-1] = Tag(last.start, tag.end, "drug", f"{last.value} and {tag.value}", {})
        else:
            merged.append(tag)
    return merged


@lru_cache(maxsize=1)
def default_tagger() -> MedicationTagger:
    """The tagger over the shipped lexicons (built once)."""
    return MedicationTagger()


def phrase(literal: str) -> re.Pattern[str]:
    """A compiled case-insensitive regex for one phrase (helper for callers and tests)."""
    return re.compile(phrase_regex(literal), re.IGNORECASE)
