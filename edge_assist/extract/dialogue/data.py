"""The fact layer's clinical knowledge: the TOML files under ``data/``, loaded once and checked.

Each file has a schema here (its keys and what each holds); a misspelt key, a wrong type or a bad
regex is a :class:`~edge_assist.errors.ConfigError` naming the file and key, as the extraction
rules' loaders do (:mod:`edge_assist.extract.lexicon`), never a silently ignored rule.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from edge_assist.errors import ConfigError
from edge_assist.extract.lexicon import ContextRule, check_keys

# Kinds of value: "strs" a list of phrases, "regexes" a list of patterns, "groups" a table of
# canonical -> phrases, "ints" a table of word -> number, "int", and "records:<req>|<opt>" a list of
# tables with those keys (comma-separated).
_SCHEMAS: dict[str, dict[str, str]] = {
    "speech.toml": {"fillers": "strs", "backchannels": "strs", "negative_answers": "strs",
                    "affirmative_answers": "strs", "question_openers": "strs", "stop_words": "strs",
                    "numbers": "ints",
                    "context_rules": "records:literal,category,direction|pattern,max_scope"},
    "findings.toml": {"duration_units": "strs", "pain_words": "strs",
                      "terms": "records:text,phrases|",
                      "sites": "groups", "laterality": "groups", "character": "groups",
                      "severity": "groups", "course": "groups", "timing": "groups", "modifiers": "groups"},
    "history.toml": {"family_links": "strs", "family_cues": "strs", "not_family": "strs",
                     "adherence": "groups",
                     "relatives": "groups", "social": "records:topic,text,cues,former,never,exclude|",
                     "patterns": "regex_groups"},
    "clinician.toml": {"exam_cues": "strs", "result_cues": "strs", "assessment_cues": "strs",
                       "assessment_weak_cues": "strs", "plan_cues": "strs", "plan_weak_cues": "strs",
                       "diagnosis_heads": "strs", "diagnosis_suffixes": "strs",
                       "diagnosis_max_words": "int", "exam": "records:text,patterns|",
                       "tests": "records:text,phrases|", "test_cues": "strs", "referral_cues": "strs",
                       "referrals": "groups", "advice_cues": "strs", "advice": "groups",
                       "safety_conditions": "regexes", "safety_actions": "strs",
                       "emergency_actions": "strs", "follow_up_cues": "strs"},
}


@cache
def load(name: str) -> dict[str, Any]:
    """The checked contents of ``data/<name>`` (read once).

    Raises:
        ConfigError: unreadable TOML, an unknown or missing key, a wrong type, a bad regex.
    """
    schema = _SCHEMAS[name]
    try:
        text = (resources.files("edge_assist.extract.dialogue") / "data" / name).read_text("utf-8")
        data = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read dialogue rules {name}: {exc}",
                          "reinstall edge-assist or fix the rules file") from None
    check_keys(name, data, set(schema), {"description", "sources"})
    for key, kind in schema.items():
        _check(f"{name} {key}", data[key], kind)
    return data


def _check(where: str, value: Any, kind: str) -> None:
    if kind == "int":
        _expect(where, isinstance(value, int), "an integer")
    elif kind in ("strs", "regexes"):
        _expect(where, isinstance(value, list) and all(isinstance(v, str) and v for v in value),
                "a list of non-empty strings")
        if kind == "regexes":
            for pattern in value:
                _regex(where, pattern)
    elif kind in ("groups", "regex_groups", "ints"):
        _expect(where, isinstance(value, dict), "a table")
        for sub, item in value.items():
            _check(f"{where}.{sub}", item, "int" if kind == "ints" else
                   "regexes" if kind == "regex_groups" else "strs")
    elif kind.startswith("records:"):
        required, optional = (set(filter(None, part.split(","))) for part in kind[8:].split("|"))
        _expect(where, isinstance(value, list), "a list of tables")
        for i, item in enumerate(value):
            _expect(f"{where} {i}", isinstance(item, dict), "a table")
            check_keys(f"{where} {i}", item, required, optional)


def _expect(where: str, ok: bool, what: str) -> None:
    if not ok:
        raise ConfigError(f"dialogue rules: {where} must be {what}", "fix the rules file")


def _regex(where: str, pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"dialogue rules: {where}: bad pattern ({exc})", "fix the rules file") from None


@cache
def extra_context_rules() -> tuple[ContextRule, ...]:
    """The spoken-English ConText triggers of ``speech.toml`` (added to the written-note rules)."""
    return tuple(ContextRule.from_dict(dict(item), f"speech.toml context_rules {i}")
                 for i, item in enumerate(load("speech.toml")["context_rules"]))


def all_files() -> tuple[str, ...]:
    """The names of the data files (for checks and tests)."""
    return tuple(_SCHEMAS)
