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

from edge_assist.extract.lexicon import CATEGORIES, ContextRule, context_rules
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
        self._by_category: dict[str, tuple[re.Pattern[str], dict[str, list[ContextRule]]]] = {}
        for category in CATEGORIES:
            mine = sorted((r for r in rules if r.category == category),
                          key=lambda r: len(r.literal), reverse=True)
            if not mine:
                continue
            regex = re.compile("|".join(f"(?:{r.regex})" for r in mine), re.IGNORECASE)
            by_literal: dict[str, list[ContextRule]] = {}
            for rule in mine:
                by_literal.setdefault(_norm(rule.literal), []).append(rule)
            self._by_category[category] = (regex, by_literal)

    def triggers(self, text: str) -> dict[str, list[Trigger]]:
        """Every trigger in ``text``, per category, in text order."""
        found: dict[str, list[Trigger]] = {}
        for category, (regex, by_literal) in self._by_category.items():
            items: list[Trigger] = []
            for match in regex.finditer(text):
                for rule in by_literal.get(_norm(match.group()), ()):
                    items.append(Trigger(match.start(), match.end(), rule))
            found[category] = items
        return found

    def assert_span(self, triggers: dict[str, list[Trigger]], text: str, sentence: tuple[int, int],
                    start: int, end: int) -> Assertion:
        """The ConText attributes of the target ``text[start:end]`` within ``sentence``."""
        values: dict[str, object] = {}
        spans: list[Span] = []
        for category, items in triggers.items():
            hit = _scoping_trigger(items, text, sentence, start, end)
            if hit is not None:
                values[_ATTRIBUTE[category]] = True
                spans.append(Span(start=hit.start, end=hit.end, text=text[hit.start:hit.end]))
        return Assertion(**values, triggers=spans)  # type: ignore[arg-type]


def _norm(phrase: str) -> str:
    return " ".join(phrase.lower().split())


def _in_sentence(items: list[Trigger], sentence: tuple[int, int], start: int, end: int) -> list[Trigger]:
    lo = bisect_left(items, sentence[0], key=lambda t: t.start)
    hi = bisect_left(items, sentence[1], lo=lo, key=lambda t: t.start)
    return [t for t in items[lo:hi] if t.end <= sentence[1] and (t.end <= start or t.start >= end)]


def _scoping_trigger(items: list[Trigger], text: str, sentence: tuple[int, int],
                     start: int, end: int) -> Trigger | None:
    """The trigger whose scope covers [start, end), or None."""
    local = _in_sentence(items, sentence, start, end)
    before = [t for t in local if t.end <= start]
    nearest = [t for t in before if before and t.start == before[-1].start]
    for trigger in nearest:
        if trigger.direction in ("forward", "bidirectional") and _within(trigger, text[trigger.end:start]):
            return trigger
    after = [t for t in local if t.start >= end]
    if after and after[0].rule.category in _BACKWARD_THROUGH_TERMINATORS:
        after = [t for t in after if t.direction != "terminate"]
    nearest = [t for t in after if t.start == after[0].start]
    for trigger in nearest:
        if trigger.direction in ("backward", "bidirectional") and _within(trigger, text[end:trigger.start]):
            return trigger
    return None


def _within(trigger: Trigger, gap: str) -> bool:
    limit = trigger.rule.max_scope
    return limit is None or len(_TOKEN.findall(gap)) < limit


@lru_cache(maxsize=1)
def default_context() -> ConText:
    """The ConText engine over the shipped rules (built once: compiling takes ~20 ms)."""
    return ConText()
