"""The fast matchers give exactly what the plain regex scans gave, on real lexicons and odd text."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from edge_assist.extract.context import ConText, Trigger, default_context
from edge_assist.extract.findings import clinical_lexicon
from edge_assist.extract.lexicon import alternation, context_rules
from edge_assist.extract.measurements import measurement_finder
from edge_assist.extract.medications import default_tagger
from edge_assist.extract.scan import Intervals, PhraseScanner, RangeScanner, WordIndex

NOTE = (Path(__file__).parents[2] / "data" / "extract" / "note_bullets.txt").read_text("utf-8")
GLUE = [" ", "  ", "\n", ", ", ". ", "-", "/", "(", ")", ":", "?", "; ", "\t", "é", "İ", "ſ", "K", "_", "x",
        "1", "2.5 ", "**NAME[AAA] ", "| "]


def _scanners() -> dict[str, PhraseScanner]:
    tagger, lex, ctx = default_tagger(), clinical_lexicon(), default_context()
    found = {f"context {c}": scanner for c, (scanner, _) in ctx._by_category.items()}
    for name in ("synonym_scan", "route_scan", "freq_scan", "dose_scan", "status_scan", "header_scan",
                 "context_scan"):
        found[name] = getattr(tagger, name)
    for name in ("problem_scan", "procedure_scan", "reaction_scan", "allergen_scan", "no_allergy_scan",
                 "abbrev_scan"):
        found[name] = getattr(lex, name)
    found["measurements"] = measurement_finder().scanner
    return found


def _phrases() -> list[str]:
    tagger, lex = default_tagger(), clinical_lexicon()
    return sorted({*(r.literal for r in context_rules()), *tagger.synonyms, *tagger.routes,
                   *tagger.frequencies, *lex.problems, *lex.abbreviations, *measurement_finder().kinds,
                   "blood   pressure", "q 4 h", "2-3x/day", "every six hours", "1/2 tab", "forgot his drops"})


def _random_texts(n: int, seed: int = 5) -> list[str]:
    """Texts stitched from lexicon phrases (in any case) and awkward separators."""
    rng = random.Random(seed)
    phrases = _phrases()
    texts = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(5, 60)):
            phrase = rng.choice(phrases)
            phrase = rng.choice([phrase, phrase.upper(), phrase.title(), phrase[1:], phrase + "s"])
            parts += [phrase, rng.choice(GLUE)]
        texts.append("".join(parts))
    return texts


def _spans(matches) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in matches]


@pytest.mark.parametrize("name", sorted(_scanners()))
def test_scanner_finds_what_the_regex_finds(name: str) -> None:
    """Every shipped lexicon scanner returns exactly regex.finditer's matches, on notes and on noise."""
    scanner = _scanners()[name]
    for text in [NOTE, *_random_texts(40)]:
        assert _spans(scanner.finditer(text, WordIndex(text))) == _spans(scanner.regex.finditer(text)), text


def test_phrases_starting_with_punctuation_or_non_ascii_are_found() -> None:
    """'?' has no left guard and 'état' has no ASCII head: both are still tried where they occur."""
    words = ["?", "état", "no"]
    scanner = PhraseScanner(re.compile(alternation(words), re.IGNORECASE), words)
    text = "Pneumonia? ÉTAT stable, no fever, NO.?"
    assert _spans(scanner.finditer(text)) == _spans(scanner.regex.finditer(text))
    assert [m.group() for m in scanner.finditer(text)] == ["?", "ÉTAT", "no", "NO", "?"]


def test_non_ascii_case_twins_are_candidates() -> None:
    """Case folding matches 'İ' to 'i' and 'K' (Kelvin) to 'k': such words are always tried."""
    words = ["insulin", "kcl"]
    scanner = PhraseScanner(re.compile(alternation(words), re.IGNORECASE), words)
    text = "İnsulin and \u212aCl"
    assert [m.group() for m in scanner.finditer(text)] == ["İnsulin", "\u212aCl"]


def test_hand_written_patterns_are_candidates() -> None:
    """Branches given as patterns are found wherever they can start, even mid-word."""
    regex = re.compile(r"daily|\d+x/day|(?<=q)\d+h", re.IGNORECASE)
    scanner = PhraseScanner(regex, ["daily"], [r"\d+x/day", r"(?<=q)\d+h"], re.IGNORECASE)
    text = "Timolol daily, 2x/day, q4h."
    assert _spans(scanner.finditer(text)) == _spans(regex.finditer(text))
    assert [m.group() for m in scanner.finditer(text)] == ["daily", "2x/day", "4h"]


def test_range_scanner_matches_finditer_with_bounds() -> None:
    """RangeScanner gives regex.finditer(text, pos, endpos) for any range, in any order."""
    scanner = clinical_lexicon().reaction_scan
    rng = random.Random(3)
    for text in _random_texts(20, seed=11):
        ranges = RangeScanner(scanner, text)
        for _ in range(20):
            pos = rng.randint(0, len(text))
            line_end = text.find("\n", pos) % (len(text) + 1)
            endpos = rng.choice([len(text), rng.randint(pos, len(text)), line_end])
            assert _spans(ranges.finditer(pos, endpos)) == _spans(scanner.regex.finditer(text, pos, endpos))


def test_intervals_agree_with_linear_scans() -> None:
    """covers, holds and overlaps answer as the any(...) scans they replace, overlapping ranges included."""
    rng = random.Random(7)
    for _ in range(200):
        starts = [rng.randint(0, 100) for _ in range(rng.randint(0, 8))]
        ranges = [(s, s + rng.randint(1, 30)) for s in starts]
        spans = Intervals(ranges)
        for _ in range(30):
            a = rng.randint(0, 130)
            b = a + rng.randint(1, 20)
            assert spans.covers(a, b) == any(s <= a and b <= e for s, e in ranges)
            assert spans.holds(a) == any(s <= a < e for s, e in ranges)
            assert spans.overlaps(a, b) == any(s < b and a < e for s, e in ranges)


def _reference_scope(items: list[Trigger], text: str, sentence: tuple[int, int], start: int,
                     end: int) -> Trigger | None:
    """The straightforward ConText scope rule (the implementation before the binary searches)."""
    local = [t for t in items if sentence[0] <= t.start < sentence[1] and t.end <= sentence[1]
             and (t.end <= start or t.start >= end)]
    before = [t for t in local if t.end <= start]
    for t in (t for t in before if t.start == before[-1].start):
        if t.direction in ("forward", "bidirectional") and (
                t.rule.max_scope is None or len(text[t.end:start].split()) < t.rule.max_scope):
            return t
    after = [t for t in local if t.start >= end]
    if after and after[0].rule.category == "negated":
        after = [t for t in after if t.direction != "terminate"]
    for t in (t for t in after if t.start == after[0].start):
        if t.direction in ("backward", "bidirectional") and (
                t.rule.max_scope is None or len(text[end:t.start].split()) < t.rule.max_scope):
            return t
    return None


def test_context_scope_matches_the_reference_rule() -> None:
    """The binary-search scope gives the same trigger as the linear rule for every word of noisy text."""
    ctx: ConText = default_context()
    for text in _random_texts(30, seed=21):
        triggers = ctx.triggers(text)
        sentence = (len(text) // 7, len(text) - len(text) // 9)
        for m in re.finditer(r"\w+", text[sentence[0]:sentence[1]]):
            start, end = sentence[0] + m.start(), sentence[0] + m.end()
            got = ctx.assert_span(triggers, text, sentence, start, end)
            for category, items in triggers.items():
                want = _reference_scope(items, text, sentence, start, end)
                attribute = {"negated": "is_negated", "uncertain": "is_uncertain",
                             "historical": "is_historical", "family": "is_family",
                             "hypothetical": "is_hypothetical"}[category]
                assert getattr(got, attribute) == (want is not None), (text, start, category)
