"""Dictation commands: "new paragraph", "period", "comma" and friends become layout.

The phrases and what they write are data (``data/dictation_commands.json``),
checked on load. A phrase that is also ordinary speech ("a period of two
weeks", "the sigmoid colon") lists the words after which it is speech, not a
command. Commands are applied to dictation (``edge-assist dictate``) and on
request to files; a recorded consultation is left as said.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from edge_assist.errors import ConfigError

_KEYS = {"say", "write", "not_after"}


@dataclass(frozen=True)
class DictationCommand:
    """One spoken command.

    Attributes:
        say: the phrase, lower case.
        write: the text it stands for (punctuation, a line or paragraph break).
        not_after: words after which the phrase is ordinary speech.
    """

    say: str
    write: str
    not_after: frozenset[str] = frozenset()

    @classmethod
    def from_dict(cls, item: dict[str, object]) -> DictationCommand:
        """Build from the JSON form, rejecting unknown keys.

        Raises:
            ConfigError: unknown or missing keys.
        """
        unknown = set(item) - _KEYS
        if unknown or not {"say", "write"} <= set(item):
            raise ConfigError(f"dictation command {item!r}: bad keys",
                              f"allowed keys: {sorted(_KEYS)}; 'say' and 'write' are required")
        return cls(str(item["say"]).lower(), str(item["write"]),
                   frozenset(str(w).lower() for w in item.get("not_after", [])))  # type: ignore[attr-defined]


@cache
def load_commands() -> tuple[DictationCommand, ...]:
    """The shipped commands, longest phrase first.

    Raises:
        ConfigError: the data file is missing or malformed.
    """
    try:
        raw = (resources.files("edge_assist.speech") / "data" / "dictation_commands.json").read_text("utf-8")
        items = json.loads(raw)["commands"]
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"cannot read dictation commands ({type(exc).__name__})",
                          "reinstall edge-assist") from None
    commands = [DictationCommand.from_dict(item) for item in items]
    return tuple(sorted(commands, key=lambda c: -len(c.say)))


def _pattern(commands: tuple[DictationCommand, ...]) -> re.Pattern[str]:
    phrases = "|".join(r"\s+".join(map(re.escape, c.say.split())) for c in commands)
    # The word before (to check "not_after"), the phrase, and punctuation Whisper put around it.
    return re.compile(rf"(?P<before>\b[\w-]+)?(?P<gap>[\s,.;:]*)\b(?P<say>{phrases})\b[,.;:!?]*",
                      re.IGNORECASE)


def apply_commands(text: str, commands: tuple[DictationCommand, ...] | None = None) -> str:
    """Replace spoken commands in ``text`` with what they write.

    Examples:
        >>> apply_commands("no known allergies period new paragraph plan comma rest")
        'No known allergies.\\n\\nPlan, rest'
    """
    commands = commands or load_commands()
    by_phrase = {c.say: c for c in commands}

    def replace(m: re.Match[str]) -> str:
        command = by_phrase[" ".join(m.group("say").lower().split())]
        before = m.group("before") or ""
        if before.lower() in command.not_after:
            return m.group(0)
        kept = "".join(ch for ch in m.group("gap") if ch in ".;:") if "\n" in command.write else ""
        return f"{before}{kept}\x00{command.write}\x00"

    marked = _pattern(commands).sub(replace, text)
    return _tidy(marked)


def _tidy(marked: str) -> str:
    text = re.sub(r"\s*\x00([.,;:!?)])\x00\s*", r"\1 ", marked)
    text = re.sub(r"\s*\x00\(\x00\s*", " (", text)
    text = re.sub(r"[ \t]*\x00(\n+)\x00[ \t]*", r"\1", text)
    text = re.sub(r"([.,;:!?])[.,;:]+", r"\1", text)
    text = re.sub(r"(^|[.!?]\s+|\n)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    return re.sub(r"[ \t]{2,}", " ", text).strip(" ")


def join_segments(texts: Iterable[str]) -> str:
    """Join segment texts with single spaces, keeping line and paragraph breaks tight."""
    joined = " ".join(t.strip(" ") for t in texts if t.strip(" "))
    return re.sub(r"[ \t]*\n[ \t]*", "\n", joined).strip()
