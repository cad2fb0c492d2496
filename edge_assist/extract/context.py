"""ConText (Harkema et al. 2009), implemented natively over the trigger lexicon in ``rules/``.

Why native and not medspaCy: medspaCy pins spaCy 3.7 and numpy 1.26, which
would downgrade the numpy that onnxruntime and CTranslate2 use here. ConText
itself is small: find trigger phrases, give each a scope within its sentence,
and mark targets inside a scope. Following genConText (the Java ConText that
was evaluated on the NegEx test kit), each category is matched on its own
(leftmost-longest, so a pseudo-trigger such as "no change" swallows "no"), and
a scope runs from its trigger to the sentence end, stopping at the next trigger
of the same category (the "closest trigger" policy), at a terminator ("but",
"presents"), or after ``max_scope`` tokens. Backward triggers ("... was ruled
out") scope back to the previous trigger or the sentence start.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from edge_assist.extract.lexicon import CATEGORIES, ContextRule, context_rules
from edge_assist.extract.lexicon import norm as _norm
from edge_assist.extract.scan import PhraseScanner, WordIndex
from edge_assist.extract.types import Assertion, Span

_TOKEN = re.compile(r"\S+")
# genConText: a negation post-trigger ("... resolved") reaches back over
# terminators ("nausea and vomiting resolved"); other categories stop at them.
_BACKWARD_THROUGH_TERMINATORS = frozenset({"negated"})
_ATTRIBUTE = {"negated": "is_negated", "uncertain": "is_uncertain", "historical": "is_historical",
              "family": "is_family", "hypothetical": "is_hypothetical"}


@dataclass(frozen=True)
class Trigger:
    """A trigger phrase found in the text."""

    start: int
    end: int
    rule: ContextRule

    @property
    def direction(self) -> str:
        """The rule's direction."""
        return self.rule.direction


class Triggers(dict[str, list[Trigger]]):
    """The triggers of a text per category, in text order, with their start offsets kept.

    A plain ``dict`` as before; ``starts[category]`` holds each trigger's start so
    that finding a sentence's triggers is a binary search over ints (a 1 MB note
    asserts ~28,000 findings against ~30,000 triggers).
    """

    def __init__(self, found: dict[str, list[Trigger]]) -> None:
        super().__init__(found)
        self.starts = {category: [t.start for t in items] for category, items in found.items()}


class ConText:
    """Finds triggers in a text and decides the attributes of target spans.

    Args:
        rules: the trigger rules; default: ``rules/context_rules.json``.

    Examples:
        >>> ctx = ConText()
        >>> text = "Patient denies chest pain."
        >>> ctx.assert_span(ctx.triggers(text), text, (0, len(text)), 15, 25).is_negated
        True
    """

    def __init__(self, rules: Sequence[ContextRule] | None = None) -> None:
        rules = tuple(rules if rules is not None else context_rules())
        self._by_category: dict[str, tuple[PhraseScanner, dict[str, list[ContextRule]]]] = {}
        for category in CATEGORIES:
            mine = sorted((r for r in rules if r.category == category),
                          key=lambda r: len(r.literal), reverse=True)
            if not mine:
                continue
            regex = re.compile("|".join(f"(?:{r.regex})" for r in mine), re.IGNORECASE)
            scanner = PhraseScanner(regex, [r.literal for r in mine if r.pattern is None],
                                    [r.pattern for r in mine if r.pattern is not None], re.IGNORECASE)
            by_literal: dict[str, list[ContextRule]] = {}
            for rule in mine:
                by_literal.setdefault(_norm(rule.literal), []).append(rule)
            self._by_category[category] = (scanner, by_literal)

    def triggers(self, text: str, words: WordIndex | None = None) -> Triggers:
        """Every trigger in ``text``, per category, in text order.

        Args:
            text: the text.
            words: its word index, when the caller has one (built here otherwise).
        """
        words = words if words is not None else WordIndex(text)
        found: dict[str, list[Trigger]] = {}
        for category, (scanner, by_literal) in self._by_category.items():
            items: list[Trigger] = []
            for match in scanner.finditer(text, words):
                for rule in by_literal.get(_norm(match.group()), ()):
                    items.append(Trigger(match.start(), match.end(), rule))
            found[category] = items
        return Triggers(found)

    def assert_span(self, triggers: dict[str, list[Trigger]], text: str, sentence: tuple[int, int],
                    start: int, end: int) -> Assertion:
        """The ConText attributes of the target ``text[start:end]`` within ``sentence``."""
        values: dict[str, object] = {}
        spans: list[Span] = []
        starts = triggers.starts if isinstance(triggers, Triggers) else {}
        for category, items in triggers.items():
            offsets = starts.get(category) or [t.start for t in items]
            hit = _scoping_trigger(items, offsets, text, sentence, start, end)
            if hit is not None:
                values[_ATTRIBUTE[category]] = True
                spans.append(Span(start=hit.start, end=hit.end, text=text[hit.start:hit.end]))
        return Assertion(**values, triggers=spans)  # type: ignore[arg-type]



def _scoping_trigger(items: list[Trigger], starts: list[int], text: str, sentence: tuple[int, int],
                     start: int, end: int) -> Trigger | None:
    """The trigger whose scope covers [start, end), or None.

    Only the nearest trigger group on each side is looked at (found by binary
    search and a short walk), so a sentence with thousands of triggers (a 1 MB
    note with no sentence breaks) costs no more per target than a short one.
    """
    for trigger in _nearest_before(items, starts, sentence, start):
        if trigger.direction in ("forward", "bidirectional") and _within(trigger, text, trigger.end, start):
            return trigger
    for trigger in _nearest_after(items, starts, sentence, end):
        if trigger.direction in ("backward", "bidirectional") and _within(trigger, text, end, trigger.start):
            return trigger
    return None


def _nearest_before(items: list[Trigger], starts: list[int], sentence: tuple[int, int],
                    start: int) -> list[Trigger]:
    """The triggers (one match, all its rules) ending at or before ``start``, nearest first match."""
    lo = bisect_left(starts, sentence[0])
    i = bisect_left(starts, start, lo=lo) - 1
    while i >= lo and items[i].end > start:  # overlaps the target
        i -= 1
    if i < lo:
        return []
    first = i
    while first > lo and starts[first - 1] == starts[i]:
        first -= 1
    return [t for t in items[first:i + 1] if t.end <= start]


def _nearest_after(items: list[Trigger], starts: list[int], sentence: tuple[int, int],
                   end: int) -> list[Trigger]:
    """The triggers of the first match starting at or after ``end`` within the sentence.

    A negation post-trigger looks past terminators (see ``_BACKWARD_THROUGH_TERMINATORS``).
    """
    i = bisect_left(starts, max(end, sentence[0]))
    group: list[Trigger] = []
    while i < len(items) and starts[i] < sentence[1]:
        t = items[i]
        if group and t.start != group[0].start:
            break
        keep = t.end <= sentence[1] and not (t.rule.category in _BACKWARD_THROUGH_TERMINATORS
                                             and t.direction == "terminate")
        if keep:
            group.append(t)
        i += 1
    return group


def _within(trigger: Trigger, text: str, gap_start: int, gap_end: int) -> bool:
    """Whether the gap has fewer than the rule's ``max_scope`` tokens (counting stops at the limit)."""
    limit = trigger.rule.max_scope
    if limit is None:
        return True
    return sum(1 for _ in islice(_TOKEN.finditer(text, gap_start, gap_end), max(limit, 0))) < limit


@lru_cache(maxsize=1)
def default_context() -> ConText:
    """The ConText engine over the shipped rules (built once: compiling takes ~20 ms)."""
    return ConText()
