"""Clinical knowledge as validated data: loaders for the files under ``rules/``.

Triggers, section headers, abbreviations and medication vocabularies are JSON
files shipped inside the package and read with :mod:`importlib.resources`, so
a clinician can review or extend them without reading Python. Each loader
checks every key, as medspaCy's ``ConTextRule.from_dict`` does: a misspelt key
is an error naming the allowed ones, not a silently ignored rule.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, get_args

from edge_assist.errors import ConfigError

Category = Literal["negated", "uncertain", "historical", "family", "hypothetical"]
Direction = Literal["forward", "backward", "bidirectional", "terminate", "pseudo"]
CATEGORIES: tuple[str, ...] = get_args(Category)
DIRECTIONS: tuple[str, ...] = get_args(Direction)


def read_rules_file(name: str) -> dict[str, Any]:
    """Parse ``rules/<name>`` (JSON) from the package.

    Raises:
        ConfigError: missing or not a JSON object.
    """
    try:
        text = (resources.files("edge_assist.extract") / "rules" / name).read_text("utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read extraction rules {name}: {exc}",
                          "reinstall edge-assist or fix the rules file") from None
    if not isinstance(data, dict):
        raise ConfigError(f"extraction rules {name} must be a JSON object")
    return data


def check_keys(where: str, item: dict[str, Any], required: set[str], optional: set[str]) -> None:
    """Reject unknown or missing keys, naming the allowed ones.

    Raises:
        ConfigError: an unknown key or a missing required one.
    """
    allowed = required | optional
    unknown = set(item) - allowed
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {sorted(unknown)}",
                          f"allowed keys: {sorted(allowed)}")
    missing = required - set(item)
    if missing:
        raise ConfigError(f"{where}: missing key(s) {sorted(missing)}")


def phrase_regex(literal: str, glue: str = "/-") -> str:
    """A regex for ``literal``: case-insensitive words, any run of spaces between them.

    Word boundaries are added only where the literal starts or ends with a word
    character, so ``?`` and ``r/o`` still match; characters in ``glue`` count as
    part of a word ("heme-negative" is not "negative").
    """
    body = r"\s+".join(re.escape(part) for part in literal.split())
    left = rf"(?<![\w{glue}])" if literal[:1].isalnum() else ""
    right = rf"(?![\w{glue}])" if literal[-1:].isalnum() else ""
    return f"{left}{body}{right}"


@dataclass(frozen=True)
class ContextRule:
    """One ConText trigger.

    Attributes:
        literal: the trigger phrase (matched case-insensitively).
        category: which attribute it sets.
        direction: forward/backward/bidirectional scope, terminate, or pseudo.
        pattern: a regex used instead of the literal.
        max_scope: scope limit in tokens (None: to the sentence end or next trigger).
    """

    literal: str
    category: Category
    direction: Direction
    pattern: str | None = None
    max_scope: int | None = None

    _REQUIRED = frozenset({"literal", "category", "direction"})
    _OPTIONAL = frozenset({"pattern", "max_scope"})

    @classmethod
    def from_dict(cls, item: dict[str, Any], where: str = "context rule") -> ContextRule:
        """Build a rule from its JSON form.

        Raises:
            ConfigError: unknown keys, an unknown category or direction, a bad regex.
        """
        check_keys(where, item, set(cls._REQUIRED), set(cls._OPTIONAL))
        if item["category"] not in CATEGORIES:
            raise ConfigError(f"{where}: category {item['category']!r}", f"one of {CATEGORIES}")
        if item["direction"] not in DIRECTIONS:
            raise ConfigError(f"{where}: direction {item['direction']!r}", f"one of {DIRECTIONS}")
        rule = cls(literal=str(item["literal"]).lower(), category=item["category"],
                   direction=item["direction"], pattern=item.get("pattern"),
                   max_scope=item.get("max_scope"))
        try:
            re.compile(rule.regex)
        except re.error as exc:
            raise ConfigError(f"{where}: bad pattern ({exc})") from None
        return rule

    @property
    def regex(self) -> str:
        """The regex this rule matches."""
        return self.pattern or phrase_regex(self.literal)


@lru_cache(maxsize=1)
def context_rules() -> tuple[ContextRule, ...]:
    """Every ConText rule in ``rules/context_rules.json`` (loaded once)."""
    data = read_rules_file("context_rules.json")
    check_keys("context_rules.json", data, {"rules"}, {"description", "sources"})
    return tuple(ContextRule.from_dict(item, f"context_rules.json rule {i}")
                 for i, item in enumerate(data["rules"]))


def load_lexicon(name: str, required: set[str], optional: set[str] | None = None) -> dict[str, Any]:
    """A rules file whose top-level keys are checked (``description`` is always allowed).

    Raises:
        ConfigError: unknown or missing keys.
    """
    data = read_rules_file(name)
    check_keys(name, data, required, (optional or set()) | {"description", "sources"})
    return data


# The non-ASCII characters that ``re.IGNORECASE`` matches to an ASCII letter (Python's sre case
# table: dotted and dotless i, long s, Kelvin sign). A lexicon hit written with one of them
# ("İnsulin") must still find its table entry, so lookups fold them first.
_ASCII_TWINS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def norm(phrase: str) -> str:
    """The lookup key of a matched phrase: ASCII twins folded, lower-cased, single spaces.

    Examples:
        >>> norm("Blood   Pressure"), norm("\u0130nsulin")
        ('blood pressure', 'insulin')
    """
    return " ".join(phrase.translate(_ASCII_TWINS).lower().split())


def alternation(phrases: list[str], glue: str = "/-") -> str:
    """One regex matching any of ``phrases``, longest first (so 'twice daily' beats 'daily')."""
    return "|".join(phrase_regex(p, glue) for p in sorted(set(phrases), key=len, reverse=True))
