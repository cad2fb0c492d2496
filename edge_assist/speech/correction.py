"""Near-miss drug names corrected against the lexicon, by spelling and by sound.

A small speech model hears "lasics", "met for in" or "synopril". Each run of
one to four words is compared with the lexicon's one-word drug names two ways:
spelling (normalised edit similarity, rapidfuzz's ``ratio``) and sound (the same
on :func:`~edge_assist.speech.phonetic.sound_key`). The mean of the two must
pass a confidence bar, and a clearly better second candidate must not exist.

A run is only a candidate where the model itself gave a reason to doubt it:
a word that is not common English, or one the model was unsure of. So a
confidently heard "liquids" stays "liquids" however close Eliquis sounds.
Medical words the tokenizer splits ("palpation", "auscultation") count as
English here (``known``): a small model once turned a clearly heard
"palpation" into the drug "palpitin".

Two more checks keep ordinary words from becoming drugs. Targets are the
common-drug list and the drugs patients are prescribed (those with a
MedlinePlus page), not the lexicon's chemical classes and rarities. And the
bar is higher where nothing near the run says "medication": no number, dose,
unit, frequency or prescribing verb within a few words (``data/drug_context.txt``).
Every change is returned as a :class:`~edge_assist.speech.types.Correction`,
so the user sees what was changed and can undo it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from edge_assist.speech.phonetic import sound_key
from edge_assist.speech.types import Correction, TimedWord
from edge_assist.speech.vocabulary import DrugLexicon, read_list

_CORE = re.compile(r"^(\W*)([A-Za-z][A-Za-z\-']*)(\W*)$")
_NUMBER_WORDS = frozenset({
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "half",
})  # fmt: skip


@dataclass(frozen=True)
class CorrectionOptions:
    """How eager correction is.

    Attributes:
        min_score: the confidence bar: mean of spelling and sound similarity (0-1).
        rare_penalty: added to the bar for names outside the common-drug list; the
            lexicon holds thousands of rarely prescribed names that ordinary words resemble.
        english_penalty: added to the bar where every word of the run is common English.
        no_context_penalty: added to the bar where no dose, unit, frequency or prescribing
            word is within ``context_window`` words of the run.
        context_window: how many words either side are searched for that context.
        margin: how far the best name must lead a different second one.
        max_words: the longest run of words merged into one drug name.
        min_chars: shortest run (letters) worth correcting; short words collide.
        unsure_below: a word the model gave less probability than this is doubted.
        common_prior: added to a common drug's similarity when second-pass candidates are ranked.
        primary_prior: the same for a main generic or brand name (not a synonym).
    """

    min_score: float = 0.84
    rare_penalty: float = 0.06
    english_penalty: float = 0.06
    no_context_penalty: float = 0.06
    context_window: int = 4
    margin: float = 0.02
    max_words: int = 4
    min_chars: int = 5
    unsure_below: float = 0.6
    common_prior: float = 0.04
    primary_prior: float = 0.02


@dataclass(frozen=True)
class _Match:
    name: str
    score: float
    method: str


class DrugCorrector:
    """Replaces near-miss drug names in timed words with their lexicon spelling.

    Args:
        lexicon: the one-word drug names (:func:`~edge_assist.speech.vocabulary.load_lexicon`).
        english: common English words (the speech model's whole-word tokens). Without
            them only the common-drug list is used as targets.
        options: the confidence bar and limits.
        known: more real words that are not drugs
            (:func:`~edge_assist.speech.vocabulary.clinical_words`); guarded like English.

    Examples:
        >>> corrector = DrugCorrector(load_lexicon())            # doctest: +SKIP
        >>> corrector.correct_text("the patient takes lasics")   # doctest: +SKIP
        ('the patient takes Lasix', [Correction(original='lasics', ...)])
    """

    def __init__(self, lexicon: DrugLexicon, english: frozenset[str] = frozenset(),
                 options: CorrectionOptions | None = None, known: frozenset[str] = frozenset()) -> None:
        self.lexicon = lexicon
        self.english = english
        self.known = known
        self.options = options or CorrectionOptions()
        self._common = frozenset(lexicon.common)
        self._cues = frozenset(read_list("drug_context.txt"))
        self._by_length: dict[int, list[str]] = defaultdict(list)
        self._keys: dict[str, list[str]] = defaultdict(list)
        for name in lexicon.names:
            # Short English words in the lexicon ("caps", "hops") would attract false fixes;
            # with no English guard at all, only the common drugs are safe targets.
            if name not in self._common and (not english or (len(name) < 6 and name in english)
                                             or (lexicon.prescribed and name not in lexicon.prescribed)):
                continue
            self._by_length[len(name)].append(name)
            self._keys[sound_key(name)].append(name)
        self._key_list = list(self._keys)

    def correct_text(self, text: str, probability: float = 1.0) -> tuple[str, list[Correction]]:
        """Correct plain text whose words carry no timings (one probability for all)."""
        words = [TimedWord(0.0, 0.0, " " + w, probability) for w in text.split()]
        fixed, corrections = self.correct_words(words)
        return "".join(w.text for w in fixed).strip(), corrections

    def correct_words(self, words: list[TimedWord]) -> tuple[list[TimedWord], list[Correction]]:
        """Return ``words`` with near-miss drug names replaced, and the corrections made."""
        out: list[TimedWord] = []
        corrections: list[Correction] = []
        cues = [self._is_cue(w.text) for w in words]
        i = 0
        while i < len(words):
            best, length = self._best_run(words, i, cues)
            if best is None:
                out.append(words[i])
                i += 1
                continue
            run = words[i:i + length]
            lead, trail = _CORE.match(run[0].text.strip()), _CORE.match(run[-1].text.strip())
            prefix = lead.group(1) if lead else ""
            suffix = trail.group(3) if trail else ""
            space = " " if run[0].text.startswith(" ") else ""
            display = self.lexicon.display(best.name)
            out.append(TimedWord(run[0].start, run[-1].end, f"{space}{prefix}{display}{suffix}",
                                 round(best.score, 4)))
            corrections.append(Correction("".join(w.text for w in run).strip(), display,
                                          run[0].start, run[-1].end, round(best.score, 4),
                                          best.method))  # type: ignore[arg-type]
            i += length
        return out, corrections

    def _is_cue(self, text: str) -> bool:
        core = re.sub(r"[^\w]", "", text.lower())
        return core in self._cues or core in _NUMBER_WORDS or any(ch.isdigit() for ch in core)

    def _has_context(self, cues: list[bool], i: int, j: int) -> bool:
        """A cue word within the window before word ``i`` or after word ``j`` (the run excluded)."""
        w = self.options.context_window
        return any(cues[max(0, i - w):i]) or any(cues[j + 1:j + 1 + w])

    def _best_run(self, words: list[TimedWord], i: int, cues: list[bool]) -> tuple[_Match | None, int]:
        best: _Match | None = None
        length = 0
        cores: list[str] = []
        doubted = False
        all_english = True
        for j in range(i, min(len(words), i + self.options.max_words)):
            m = _CORE.match(words[j].text.strip())
            if not m or (j > i and _CORE.match(words[j - 1].text.strip()).group(3)):  # type: ignore[union-attr]
                break  # not a word, or the previous word ended a phrase ("daily,")
            core = m.group(2).lower()
            if core in self.lexicon.names:
                break  # a drug already spelt right is never merged or changed
            cores.append(core.replace("-", "").replace("'", ""))
            all_english = all_english and self.is_word(core)
            doubted = doubted or not all_english or words[j].probability < self.options.unsure_below
            if not doubted or len("".join(cores)) < self.options.min_chars + (j > i):
                continue
            match = self.match("".join(cores), all_english, self._has_context(cues, i, j))
            if match and (best is None or match.score > best.score):
                best, length = match, j - i + 1
        return best, length

    def match(self, text: str, english: bool = False, context: bool = True) -> _Match | None:
        """The lexicon name closest to ``text`` if it passes the bar, else None.

        Args:
            text: letters of one or more heard words, joined.
            english: every heard word was common English (raises the bar).
            context: a dose, unit or prescribing word is near (else the bar is raised).
        """
        if text in self.lexicon.names:
            return _Match(text, 1.0, "spelling")
        key = sound_key(text)
        candidates = set(self._spelling_candidates(text))
        for found, _score, _ in process.extract(key, self._key_list, scorer=fuzz.ratio, limit=5,
                                                score_cutoff=70):
            candidates.update(self._keys[found])
        # Ranked by how far each name clears its own bar, so a common drug beats a
        # rare one that is a hair closer in spelling.
        scored = sorted((self._score(text, key, name) for name in candidates),
                        key=lambda m: m.score - self._bar(m.name, english, context), reverse=True)
        if not scored:
            return None
        top = scored[0]
        lead = top.score - self._bar(top.name, english, context)
        if lead < 0:
            return None
        rival = next((m for m in scored[1:]
                      if self.lexicon.display(m.name) != self.lexicon.display(top.name)), None)
        if rival and lead - (rival.score - self._bar(rival.name, english, context)) < self.options.margin:
            return None
        return top

    def candidates(self, text: str, limit: int = 4, min_score: float = 0.6) -> list[tuple[str, float]]:
        """The closest correction targets to ``text`` above a low bar, best first.

        A wider net than :meth:`match`: these are not corrections, only names for a
        second decoding pass to choose between (:mod:`edge_assist.speech.redecode`).
        Common drugs win near-ties.
        """
        key = sound_key(text)
        n = len(text)
        pool = [name for size in range(int(n * 0.6), int(n * 1.5) + 1)
                for name in self._by_length.get(size, ())]
        names = {name for name, _s, _ in process.extract(text, pool, scorer=fuzz.ratio, limit=10,
                                                          score_cutoff=50)}
        for found, _score, _ in process.extract(key, self._key_list, scorer=fuzz.ratio, limit=10,
                                                score_cutoff=60):
            names.update(self._keys[found])
        scored = [self._score(text, key, name) for name in names]
        ranked = sorted((m for m in scored if m.score >= min_score),
                        key=lambda m: m.score + self._prior(m.name), reverse=True)
        out: dict[str, float] = {}
        for m in ranked:
            out.setdefault(self.lexicon.display(m.name), round(m.score, 4))
        return list(out.items())[:limit]

    def _prior(self, name: str) -> float:
        if name in self._common:
            return self.options.common_prior
        return self.options.primary_prior if name in self.lexicon.primary else 0.0

    def is_word(self, core: str) -> bool:
        """Whether a lower-case word is common English or a known medical word (not a drug)."""
        return core in self.english or core in self.known

    def is_cue(self, text: str) -> bool:
        """Whether ``text`` is a dose, unit, number, frequency or prescribing word."""
        return self._is_cue(text)

    def is_target(self, word: str) -> bool:
        """Whether ``word`` is a drug name correction may produce (common or prescribed)."""
        name = word.lower()
        return name in self._common or name in self._keys.get(sound_key(name), ())

    def _bar(self, name: str, english: bool, context: bool = True) -> float:
        bar = self.options.min_score
        bar += 0.0 if name in self._common else self.options.rare_penalty
        bar += 0.0 if context else self.options.no_context_penalty
        return bar + (self.options.english_penalty if english else 0.0)

    def _spelling_candidates(self, text: str) -> list[str]:
        n = len(text)
        pool = [name for size in range(int(n * 0.7), int(n * 1.4) + 1)
                for name in self._by_length.get(size, ())]
        return [name for name, _s, _ in process.extract(text, pool, scorer=fuzz.ratio, limit=5,
                                                         score_cutoff=65)]

    def _score(self, text: str, key: str, name: str) -> _Match:
        spelling = fuzz.ratio(text, name) / 100
        sound = fuzz.ratio(key, sound_key(name)) / 100
        method = "phonetic" if sound > spelling else "spelling"
        return _Match(name, (spelling + sound) / 2, method)
