"""Note-quality measures shared by the note evals: fragments, negated items, clinical text matching.

The word lists live in ``eval/data/note_quality.toml``; this module holds only the rules.

**Fragment.** A drafted line (one :class:`~edge_assist.notes.NoteSentence`; a labelled one is
read as ``"Label: text"``) is a fragment when its text (the part after ``Label:`` if it has one):

* ends on a function word (``"It started with the sore throat and."``);
* keeps a speech filler as whole words (``um``, ``uh``, ``you know``, ``kind of``, ``sort of``,
  ``I mean``, ``okay so`` ...), or ``like`` set off by a comma or opening the line;
* stutters: a word said twice back to back (``"I, I"``; "had had" allowed), or a run of two to
  six words said twice back to back (``"the patient, the patient"``); numbers are not words here;
* has fewer than three words, unless the line is a ``Label: value`` line, a standard short note
  item (``"NKDA."``, ``"Unremarkable."``; the list is data), or a negative (``"No fever."``).

**Negated items.** After a negation cue (``no``, ``denies``, ``negative for``, ``without`` ...)
up to the clause's end (``. ; ? !``) or a contrast word (``but``, ``however``), the list is split
on commas, ``and``, ``or``, ``nor`` and ``/``; clinical abbreviations are expanded first, so
``"No CP, N/V."`` gives chest pain, nausea and vomiting.

**Matching.** :func:`canon` turns a clinical phrase into a set of concept words: lower case,
British spellings folded, plurals folded, synonyms and brand names rewritten to one form
(``"SOB"``, ``"shortness of breath"`` -> ``dyspnea``; ``"Lasix"`` -> ``furosemide``), and
function, negation and attribute words (side, severity, timing, dose and frequency wording,
numbers) dropped. :func:`text_score` says how well two phrases name the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from edge_assist.errors import ConfigError

_WORD = re.compile(r"[a-z0-9]+(?:['’/&.\-][a-z0-9]+)*")
_LABEL = re.compile(r"^\s*(?:[•*\-]\s*)?([A-Za-z][A-Za-z0-9 /&()'\-]{0,40}?):\s+(\S.*)$")
_NUMERIC = re.compile(r"^[\d./%x\-+]+$")
_CLAUSE = re.compile(r"[.;!?\n]+(?:\s|$)")
_SPLIT = re.compile(r",|/|\bor\b|\band\b|\bnor\b")
_LIKE = re.compile(r"(?:^|,)\s*like\b|\blike\s*,")


@dataclass(frozen=True)
class Lexicon:
    """The word lists of ``note_quality.toml``, checked and folded for matching."""

    function_words: frozenset[str]
    fillers: tuple[tuple[str, ...], ...]
    doubles_allowed: frozenset[str]
    short_items: frozenset[str]
    cues: tuple[str, ...]
    terminators: frozenset[str]
    negative_answers: tuple[str, ...]
    abbreviations: dict[str, str]
    ignore: frozenset[str]
    spelling: tuple[tuple[str, str], ...]
    relatives: dict[str, str]
    synonyms: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # folded phrase -> canonical words


@cache
def lexicon() -> Lexicon:
    """The shipped word lists.

    Raises:
        ConfigError: the data file is missing a table or a list holds a non-string.
    """
    import tomllib

    data = tomllib.loads((resources.files("edge_assist.eval") / "data" / "note_quality.toml")
                         .read_text("utf-8"))
    frag, neg, match = _table(data, "fragment"), _table(data, "negation"), _table(data, "match")
    spelling = tuple(sorted(_strings(match, "spelling").items(), key=lambda kv: -len(kv[0])))
    partial = Lexicon(frozenset(), (), frozenset(), frozenset(), (), frozenset(), (), {}, frozenset(),
                      spelling, {}, ())
    synonyms = []
    for canonical, variants in _strings(data, "synonyms").items():
        target = tuple(_fold(w, partial) for w in _WORD.findall(canonical.lower()))
        for variant in [canonical, *variants]:
            synonyms.append((tuple(_fold(w, partial) for w in _WORD.findall(variant.lower())), target))
    synonyms.sort(key=lambda pair: -len(pair[0]))
    return Lexicon(
        function_words=frozenset(_strings(frag, "function_words")),
        fillers=tuple(tuple(f.split()) for f in _strings(frag, "fillers")),
        doubles_allowed=frozenset(_strings(frag, "doubles_allowed")),
        short_items=frozenset(_strings(frag, "short_items")),
        cues=tuple(sorted(_strings(neg, "cues"), key=len, reverse=True)),
        terminators=frozenset(_strings(neg, "terminators")),
        negative_answers=tuple(_strings(neg, "negative_answers")),
        abbreviations=_strings(data, "abbreviations"),
        ignore=frozenset(_fold(w, partial) for w in _strings(match, "ignore")),
        spelling=spelling,
        relatives=_strings(match, "relatives"),
        synonyms=tuple(synonyms),
    )


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ConfigError(f"note_quality.toml lacks the [{key}] table")
    return value


def _strings(table: dict[str, Any], key: str) -> Any:
    """A list of strings, a table of strings, or a table of lists of strings, checked."""
    value = table.get(key)
    items = value.values() if isinstance(value, dict) else value
    flat = [x for v in (items or []) for x in (v if isinstance(v, list) else [v])]
    if value is None or not flat or not all(isinstance(x, str) for x in flat):
        raise ConfigError(f"note_quality.toml: {key} must be strings")
    return value


def words(text: str) -> list[str]:
    """Lower-case words of ``text`` (``2/6``, ``n/v``, ``mm-hmm`` stay one word)."""
    return _WORD.findall(text.lower())


def split_label(line: str) -> tuple[str, str]:
    """``("Label", "value")`` of a ``Label: value`` line, else ``("", line)``."""
    m = _LABEL.match(line)
    if m and len(m.group(1).split()) <= 5:
        return m.group(1).strip(), m.group(2).strip()
    return "", line.strip()


def fragment_reasons(line: str) -> list[str]:
    """Why ``line`` is a fragment (empty when it is a proper note line); see the module doc."""
    lex = lexicon()
    label, value = split_label(line)
    said = words(value)
    if not said:
        return ["empty"]
    reasons = []
    if said[-1] in lex.function_words:
        reasons.append(f"ends on {said[-1]!r}")
    if _has_filler(said, value, lex):
        reasons.append("filler")
    if _stutters(said, lex):
        reasons.append("stutter")
    if len(said) < 3 and not label and not _short_item(said, lex):
        reasons.append("under three words")
    return reasons


def is_fragment(line: str) -> bool:
    """Whether ``line`` is a fragment."""
    return bool(fragment_reasons(line))


def fragment_share(lines: list[str]) -> float:
    """The share of ``lines`` that are fragments (0 for no lines)."""
    return sum(map(is_fragment, lines)) / len(lines) if lines else 0.0


def _has_filler(said: list[str], value: str, lex: Lexicon) -> bool:
    for filler in lex.fillers:
        n = len(filler)
        if any(tuple(said[i:i + n]) == filler for i in range(len(said) - n + 1)):
            return True
    return bool(_LIKE.search(value.lower()))


def _stutters(said: list[str], lex: Lexicon) -> bool:
    plain = [w for w in said if not _NUMERIC.match(w)]
    for i in range(len(plain) - 1):
        if plain[i] == plain[i + 1] and plain[i] not in lex.doubles_allowed:
            return True
    for n in range(2, 7):
        for i in range(len(plain) - 2 * n + 1):
            if plain[i:i + n] == plain[i + n:i + 2 * n]:
                return True
    return False


def _short_item(said: list[str], lex: Lexicon) -> bool:
    if " ".join(said) in lex.short_items:
        return True
    return len(said) == 2 and said[0] in {"no", "nil", "denies", "negative"}


# -- negation -------------------------------------------------------------------------------


def expand_abbreviations(text: str) -> str:
    """``text`` with the clinical abbreviations of the data file written out (whole words)."""
    lex = lexicon()

    def repl(m: re.Match[str]) -> str:
        return lex.abbreviations.get(m.group(0).lower(), m.group(0))

    return _WORD.sub(repl, text.lower())


def negated_items(text: str) -> list[str]:
    """The items ``text`` states as absent, each a short phrase (see the module doc)."""
    lex = lexicon()
    items: list[str] = []
    for clause in _CLAUSE.split(expand_abbreviations(text)):
        scope = _scope(clause, lex)
        if scope is None:
            continue
        for part in _SPLIT.split(scope):
            item = _strip_cues(part.strip(" ,:-"), lex)
            if words(item):
                items.append(item)
    return items


def _scope(clause: str, lex: Lexicon) -> str | None:
    """The words after the clause's first negation cue, up to a contrast word."""
    best = None
    for cue in lex.cues:
        m = re.search(rf"(?:^|[^a-z0-9']){re.escape(cue)}(?![a-z0-9'])", clause)
        if m and (best is None or m.end() < best):
            best = m.end()
    if best is None:
        return None
    kept = []
    for word in clause[best:].split():
        if word.strip(",").lower() in lex.terminators:
            break
        kept.append(word)
    return " ".join(kept)


def _strip_cues(item: str, lex: Lexicon) -> str:
    changed = True
    while changed:
        changed = False
        for lead in (*lex.cues, "any", "further", "other", "recent", "significant"):
            if item == lead or item.startswith(lead + " "):
                item, changed = item[len(lead):].strip(), True
    return item


def answers_no(turn: str) -> bool:
    """Whether a patient's turn opens with a negative answer ("No.", "Nope", "I haven't")."""
    text = " ".join(w for w in words(turn) if w not in {"um", "uh", "mm", "well", "oh", "hmm", "so"})
    return any(text == a or text.startswith(a + " ") for a in lexicon().negative_answers)


# -- matching -------------------------------------------------------------------------------


def _fold(word: str, lex: Lexicon) -> str:
    for a, b in lex.spelling:
        word = word.replace(a, b)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def canon(text: str) -> frozenset[str]:
    """The concept words of a clinical phrase (see the module doc)."""
    lex = lexicon()
    folded = [_fold(w, lex) for w in words(text.replace("'s ", " "))]
    out: list[str] = []
    i = 0
    while i < len(folded):
        for phrase, target in lex.synonyms:
            if tuple(folded[i:i + len(phrase)]) == phrase:
                out.extend(target)
                i += len(phrase)
                break
        else:
            out.append(folded[i])
            i += 1
    return frozenset(w for w in out if w not in lex.ignore and not _NUMERIC.match(w))


def text_score(a: str, b: str) -> float:
    """How well two phrases name one thing: their concept words' Jaccard when they match, else 0.

    They match when one's concept words contain the other's and the shared words are at least
    half of the larger set (``"knee pain"`` / ``"right knee pain, 4/10"``), or when the two sets
    overlap with a Dice coefficient of at least 0.75 (word order and one odd word each).
    """
    x, y = canon(a), canon(b)
    if not x or not y:
        return 0.0
    shared = len(x & y)
    nested = (x <= y or y <= x) and shared / max(len(x), len(y)) >= 0.5
    if nested or 2 * shared / (len(x) + len(y)) >= 0.75:
        return shared / len(x | y)
    return 0.0


def relative(subject: str) -> str:
    """A family-history subject folded to one word (``"maternal grandmother"`` -> ``grandmother``)."""
    lex = lexicon()
    said = [w for w in words(subject) if w not in {"maternal", "paternal", "his", "her", "the", "patient's"}]
    folded = [lex.relatives.get(w, w) for w in said]
    return folded[-1] if folded else ""
