"""Spoken numbers as digits: the one reading both the note writer and the safety check use.

The writer puts "one twenty two over seventy" into a note as 122/70, and the safety check
must count the same words as supporting "122" - so both read them with this module, which
sits below both of them (it imports nothing of the package).
"""

from __future__ import annotations

import re

_ONES = {w: i for i, w in enumerate((  # noqa: SIM905
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen").split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}  # noqa: SIM905
_NUMBER_WORD = "|".join([*_ONES, *_TENS, "hundred", "thousand"])
_CLOCK = re.compile(r"\s*(?:in the (?:morning|evening|afternoon)|at night|tonight|a\.?m\b|p\.?m\b|o'clock)")
_POINT = re.compile(r"\b(\d+) (?:point|\.) (\d+)\b")
_NUMBER_WORDS = re.compile(rf"\b(?:{_NUMBER_WORD})(?:[\s-]+(?:and\s+)?(?:{_NUMBER_WORD}))*\b", re.IGNORECASE)


def words_to_digits(text: str) -> str:
    """Spelled-out numbers as digits, read the way clinicians say them.

    "forty five mg" -> "45 mg"; "one twenty two over seventy" -> "122 over 70"
    (a leading one or two before a tens word is hundreds, as in pressures and
    glucose); "eight thirty in the morning" -> "8:30 in the morning"; "ninety
    eight point six" -> "98.6"; other runs that do not compose ("two two")
    stay separate numbers, never summed into a value nobody said.
    """
    def convert(match: re.Match[str]) -> str:
        groups = _number_groups(re.split(r"[\s-]+", match.group().lower()))
        after = text[match.end():match.end() + 16].lower()
        if len(groups) == 2 and 1 <= groups[0] <= 12 and 10 <= groups[1] <= 59 and _CLOCK.match(after):
            return f"{groups[0]}:{groups[1]:02d}"
        if len(groups) == 2 and groups[0] in (1, 2) and 20 <= groups[1] <= 99 and not _CLOCK.match(after):
            return str(groups[0] * 100 + groups[1])
        return " ".join(str(g) for g in groups)

    text = _NUMBER_WORDS.sub(convert, text)
    return _POINT.sub(r"\1.\2", text)


def _number_groups(words: list[str]) -> list[int]:
    """Number words split into the values they compose: [one, twenty, two] -> [1, 22]."""
    groups: list[int] = []
    total = current = 0
    last = ""  # the kind of the previous word: "ones", "teens", "tens", "scale"
    for word in words:
        if word == "and":
            continue
        value = _ONES.get(word, _TENS.get(word))
        kind = "tens" if word in _TENS else ("teens" if value is not None and value >= 10 else "ones")
        if word in ("hundred", "thousand"):
            if word == "hundred":
                current = max(current, 1) * 100
            else:
                total, current = total + max(current, 1) * 1000, 0
            last = "scale"
            continue
        composes = last == "" or last == "scale" or (last == "tens" and kind == "ones" and current % 10 == 0)
        if not composes:
            groups.append(total + current)
            total = current = 0
        current += value or 0
        last = kind
    groups.append(total + current)
    return groups
