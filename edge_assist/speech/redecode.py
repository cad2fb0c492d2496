"""A second, targeted decoding pass for drug names the first pass probably misheard.

Correction (:mod:`edge_assist.speech.correction`) can only fix a near miss it
recognises from the text: "lasics" is close to Lasix, but "project 20 milligrams"
is not close enough to Prozac to change it on spelling and sound alone. The audio
can decide. So the words the model was unsure of, next to a dose, a unit or a
prescribing word or another drug name, are *suspects*; each gets the few
lexicon names it is loosely close to (a lower bar than correction's); the audio
around the suspects is cut out (with a little padding), the pieces of one segment
are joined with short silences, and Whisper decodes that one short clip again
with an ``initial_prompt`` naming only those candidates. A short, specific prompt
biases it far more than the long general one of the first pass (which makes
tiny.en loop). Where the second pass hears a lexicon drug at a suspect's time,
the suspect's words are replaced by it and the change is reported as a
:class:`~edge_assist.speech.types.Correction` with method ``redecode``.

The cost is bounded: at most one extra decode per segment that has suspects,
of a clip of at most ``max_windows`` short pieces.

It is off by default (``SpeechOptions(redecode=RedecodeOptions(enabled=True))`` turns
it on): on the speech eval's tune half (tiny.en, 54 clips, 52 drug mentions) it took
drug names from 53.8% to 69.2% and WER from 0.205 to 0.196, but on the test half
(59 clips, 54 mentions) drug names stayed at 64.8%, WER rose from 0.238 to 0.247 and
none of its 11 changes was right, at about 1.9 times the decoding time. The second
pass is too suggestible: prompted with a name, tiny.en often writes it.
"""

from __future__ import annotations

import itertools
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edge_assist.models.base import Transcriber
from edge_assist.speech.audio import RATE, AudioChunk, read_span
from edge_assist.speech.correction import _CORE, _NUMBER_WORDS, DrugCorrector
from edge_assist.speech.types import Correction, TimedWord


@dataclass(frozen=True)
class RedecodeOptions:
    """When a second pass runs and what it may change.

    Attributes:
        enabled: run the second pass at all (off: it did not hold up on held-out clips).
        unsure_below: a suspect holds a word the model gave less probability than this.
        min_score: the loose bar (mean of spelling and sound similarity) for a candidate name.
        per_suspect: candidate names kept per suspect.
        max_candidates: names in one second-pass prompt.
        max_words: the longest run of words one suspect covers.
        min_chars: shortest run (letters) worth a second look.
        pad: seconds of audio kept either side of a suspect.
        gap: seconds of silence between the pieces of the joined clip.
        max_windows: pieces decoded per segment (the most suspect first).
        tolerance: how far (seconds) a second-pass word may sit outside its suspect's time.
        english_window: words either side searched for a dose, unit or prescribing word when
            every word of a run is common English (bare numbers do not count there).
        foreign_alone: a run with a word that is not common English is a suspect without
            any such word near.
        greedy: decode the second pass with beam 1 and no temperature fallback (cheaper).
    """

    enabled: bool = False
    unsure_below: float = 0.5
    min_score: float = 0.6
    per_suspect: int = 4
    max_candidates: int = 8
    max_words: int = 3
    min_chars: int = 4
    pad: float = 1.0
    gap: float = 0.5
    max_windows: int = 4
    tolerance: float = 0.3
    english_window: int = 2
    foreign_alone: bool = False
    greedy: bool = False


@dataclass(frozen=True)
class Suspect:
    """Words ``first``..``last`` (inclusive) that may be a misheard drug name."""

    first: int
    last: int
    start: float
    end: float
    candidates: tuple[str, ...]
    score: float


@dataclass
class _Window:
    start: float
    end: float
    suspects: list[Suspect]


def find_suspects(
    words: list[TimedWord], corrector: DrugCorrector, options: RedecodeOptions | None = None
) -> list[Suspect]:
    """Non-overlapping runs of words that may be misheard drug names, in order.

    A run qualifies when the model was unsure of one of its words, a dose, unit,
    prescribing word or another drug name is near (right next to it where the run is
    common English), and some lexicon name passes the loose bar.
    """
    options = options or RedecodeOptions()
    cues = [corrector.is_cue(w.text) or _drug(w, corrector) is not None for w in words]
    strong = _strong_cues(words, cues)
    found = [s for i in range(len(words)) if (s := _best_from(words, i, (cues, strong), corrector, options))]
    chosen: list[Suspect] = []
    for suspect in sorted(found, key=lambda s: -s.score):
        if all(suspect.last < c.first or suspect.first > c.last for c in chosen):
            chosen.append(suspect)
    return sorted(chosen, key=lambda s: s.first)


def _strong_cues(words: list[TimedWord], cues: list[bool]) -> list[bool]:
    """Cue words that are not bare numbers, and numbers followed by such a word ("20 milligrams")."""
    plain = [cue and not _is_number(w.text) for w, cue in zip(words, cues, strict=True)]
    return [
        p or (cue and i + 1 < len(words) and plain[i + 1])
        for i, (p, cue) in enumerate(zip(plain, cues, strict=True))
    ]


def _is_number(text: str) -> bool:
    core = "".join(ch for ch in text.lower() if ch.isalnum())
    return any(ch.isdigit() for ch in core) or core in _NUMBER_WORDS


def _best_from(
    words: list[TimedWord],
    i: int,
    cue_sets: tuple[list[bool], list[bool]],
    corrector: DrugCorrector,
    options: RedecodeOptions,
) -> Suspect | None:
    cues, strong = cue_sets
    best: Suspect | None = None
    cores: list[str] = []
    unsure = foreign = False
    window = corrector.options.context_window
    for j in range(i, min(len(words), i + options.max_words)):
        m = _CORE.match(words[j].text.strip())
        if not m or (j > i and _CORE.match(words[j - 1].text.strip()).group(3)):  # type: ignore[union-attr]
            break
        core = m.group(2).lower()
        if core in corrector.lexicon.names or cues[j]:
            break  # a drug spelt right, or a dose or unit word, is never part of a suspect
        cores.append(core.replace("-", "").replace("'", ""))
        unsure = unsure or words[j].probability < options.unsure_below
        foreign = foreign or not corrector.is_word(core)
        text = "".join(cores)
        if not unsure or len(text) < options.min_chars:
            continue
        if foreign:
            near = any(cues[max(0, i - window) : i]) or any(cues[j + 1 : j + 1 + window])
        else:  # common English words need a dose or prescribing word right next to them
            near = any(strong[max(0, i - options.english_window) : i]) or any(
                strong[j + 1 : j + 1 + options.english_window]
            )
        if not near and not (foreign and options.foreign_alone):
            continue
        names = corrector.candidates(text, options.per_suspect, options.min_score)
        if names and (best is None or names[0][1] > best.score):
            best = Suspect(i, j, words[i].start, words[j].end, tuple(n for n, _ in names), names[0][1])
    return best


def plan_windows(suspects: list[Suspect], options: RedecodeOptions) -> list[_Window]:
    """Padded stretches of audio around the suspects, merged where they overlap."""
    keep = sorted(sorted(suspects, key=lambda s: -s.score)[: options.max_windows], key=lambda s: s.start)
    windows: list[_Window] = []
    for s in keep:
        start, end = max(0.0, s.start - options.pad), s.end + options.pad
        if windows and start <= windows[-1].end:
            windows[-1].end = max(windows[-1].end, end)
            windows[-1].suspects.append(s)
        else:
            windows.append(_Window(start, end, [s]))
    return windows


class Redecoder:
    """Runs the targeted second pass on one segment's words.

    Args:
        transcriber: the speech model (the same one as the first pass).
        corrector: the drug-name corrector (its lexicon, English guard and matching).
        options: bars and bounds.
    """

    def __init__(
        self, transcriber: Transcriber, corrector: DrugCorrector, options: RedecodeOptions | None = None
    ) -> None:
        self.transcriber = transcriber
        self.corrector = corrector
        self.options = options or RedecodeOptions()

    def fix(
        self, words: list[TimedWord], wav: Path, offset: float = 0.0, decode: dict[str, object] | None = None
    ) -> tuple[list[TimedWord], list[Correction]]:
        """``words`` with suspects replaced where the second pass heard a drug, and the changes.

        Args:
            words: the segment's words, times from the start of the file.
            wav: the 16 kHz mono WAV the segment was decoded from.
            offset: where ``wav`` starts in the file (seconds).
            decode: extra faster-whisper options (beam size ...).
        """
        suspects = find_suspects(words, self.corrector, self.options)
        windows = plan_windows(suspects, self.options)
        if not windows:
            return words, []
        decode = dict(decode or {})
        if self.options.greedy:
            decode.update(beam_size=1, temperature=0.0)
        heard = self._decode(windows, wav, offset, decode)
        return splice(
            words, [s for w in windows for s in w.suspects], heard, self.corrector, self.options.tolerance
        )

    def _decode(
        self, windows: list[_Window], wav: Path, offset: float, decode: dict[str, object]
    ) -> list[TimedWord]:
        gap = np.zeros(int(self.options.gap * RATE), dtype=np.int16)
        pieces: list[np.ndarray] = []
        spans: list[tuple[float, float, float]] = []  # (start in clip, end in clip, start in file)
        at = 0.0
        for w in windows:
            samples = read_span(wav, w.start - offset, w.end - offset)
            spans.append((at, at + len(samples) / RATE, w.start))
            pieces += [samples, gap]
            at += (len(samples) + len(gap)) / RATE
        names = list(dict.fromkeys(n for w in windows for s in w.suspects for n in s.candidates))
        prompt = ", ".join(names[: self.options.max_candidates]) + "."
        with tempfile.TemporaryDirectory(prefix="edge-assist-redecode-") as tmp:
            clip = AudioChunk(0.0, np.concatenate(pieces)).write_wav(Path(tmp) / "clip.wav")
            segments = list(
                self.transcriber.transcribe(
                    clip, initial_prompt=prompt, word_timestamps=True, vad_filter=False, **decode
                )
            )
        heard = [TimedWord(w.start, w.end, w.word, w.probability) for s in segments for w in s.words]
        return to_file_time(heard, spans)


def to_file_time(words: list[TimedWord], spans: list[tuple[float, float, float]]) -> list[TimedWord]:
    """Words of a joined clip moved back to their file times (``spans``: clip start, clip end, file start)."""
    out = []
    for w in words:
        mid = (w.start + w.end) / 2
        for clip_start, clip_end, file_start in spans:
            if clip_start <= mid <= clip_end:
                shift = file_start - clip_start
                out.append(TimedWord(w.start + shift, w.end + shift, w.text, w.probability))
                break
    return out


def splice(
    words: list[TimedWord],
    suspects: list[Suspect],
    heard: list[TimedWord],
    corrector: DrugCorrector,
    tolerance: float = 0.3,
) -> tuple[list[TimedWord], list[Correction]]:
    """Replace each suspect by a drug name the second pass heard at its time.

    Args:
        words: the first pass's words.
        suspects: the suspects that were decoded again.
        heard: the second pass's words, in file time.
        corrector: fixes near misses in ``heard`` first and decides what is a drug.
        tolerance: seconds a heard drug may lie outside the suspect's time.
    """
    heard, _ = corrector.correct_words(heard)
    names = [str(_drug(w, corrector)).lower() for w in heard]
    # A name said again and again is the prompt echoed (Whisper looping), not speech.
    echoed = {a for a, b in itertools.pairwise(names) if a == b}
    drugs = [w for w, n in zip(heard, names, strict=True) if n != "none" and n not in echoed]
    out = list(words)
    corrections: list[Correction] = []
    used: set[int] = set()
    for s in sorted(suspects, key=lambda s: -s.first):
        wanted = {c.lower() for c in s.candidates}
        near = [
            k
            for k, d in enumerate(drugs)
            if k not in used
            and d.end > s.start - tolerance
            and d.start < s.end + tolerance
            and str(_drug(d, corrector)).lower() in wanted
        ]
        if not near:
            continue  # the second pass heard no candidate of this suspect: keep the first pass
        pick = max(near, key=lambda k: min(drugs[k].end, s.end) - max(drugs[k].start, s.start))
        used.add(pick)
        best = drugs[pick]
        name = _drug(best, corrector)
        first, last = words[s.first], words[s.last]
        lead, trail = _CORE.match(first.text.strip()), _CORE.match(last.text.strip())
        space = " " if first.text.startswith(" ") else ""
        text = f"{space}{lead.group(1) if lead else ''}{name}{trail.group(3) if trail else ''}"
        out[s.first : s.last + 1] = [TimedWord(first.start, last.end, text, round(best.probability, 4))]
        original = "".join(w.text for w in words[s.first : s.last + 1]).strip()
        corrections.append(Correction(original, name, first.start, last.end, round(s.score, 4), "redecode"))
    return out, corrections[::-1]


def _drug(word: TimedWord, corrector: DrugCorrector) -> str | None:
    m = _CORE.match(word.text.strip())
    if not m or not corrector.is_target(m.group(2)):
        return None
    return corrector.lexicon.display(m.group(2))
