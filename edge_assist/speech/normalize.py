"""A basic English text normaliser for word error rate, after Whisper's.

Whisper's paper scores WER only after normalising both sides (lower case,
punctuation removed, spelled numbers as digits, contractions expanded),
because "20 mg" and "twenty milligrams" are the same words said. This is a
small re-implementation of that idea (``whisper/normalizers/english.py``, MIT)
without its large spelling table, plus clinical units: ``mg`` and "milligrams"
both become ``milligram``. Tags in square or angle brackets are dropped (they
are not speech); text in parentheses is kept, since it is read aloud.
"""

from __future__ import annotations

import re

_ONES = {w: i for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen"))}
_TENS = {w: 10 * i for i, w in enumerate(("", "", "twenty", "thirty", "forty", "fifty", "sixty",
                                         "seventy", "eighty", "ninety")) if w}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_CONTRACTIONS = (("won't", "will not"), ("can't", "can not"), ("n't", " not"), ("'re", " are"),
                 ("'ve", " have"), ("'ll", " will"), ("'m", " am"), ("'d", " would"))
UNITS = {
    "mg": "milligram", "milligrams": "milligram", "mcg": "microgram", "micrograms": "microgram",
    "kg": "kilogram", "kilograms": "kilogram", "ml": "milliliter", "milliliters": "milliliter",
    "millilitres": "milliliter", "cm": "centimeter", "centimeters": "centimeter",
    "mm": "millimeter", "millimeters": "millimeter", "grams": "gram", "g": "gram",
    "%": "percent", "okay": "ok", "mmhg": "millimeters of mercury",
}


def normalize(text: str) -> str:
    """``text`` in the form WER is computed on.

    Examples:
        >>> normalize("Start Lisinopril 20 mg, twice-daily (BID).")
        'start lisinopril 20 milligram twice daily bid'
        >>> normalize("five hundred milligrams; one point five")
        '500 milligram 1.5'
    """
    s = text.lower().replace("’", "'")
    s = re.sub(r"[\[<][^\]>]*[\]>]", " ", s)
    for short, long in _CONTRACTIONS:
        s = s.replace(short, long)
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s)                 # 4,500 -> 4500
    s = re.sub(r"(\d)\s*%", r"\1 percent", s)
    s = re.sub(r"(\d)([a-z]+)", r"\1 \2", s)                # 20mg -> 20 mg
    s = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", s)               # keep decimal points only
    s = re.sub(r"[^\w\s.]", " ", s.replace("_", " "))
    words = [UNITS.get(w, w) for w in s.split()]
    return " ".join(_numbers(words))


def _numbers(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        value, used = _parse_number(words, i)
        if used:
            out.append(value)
            i += used
        else:
            out.append(words[i])
            i += 1
    return out


def _parse_number(words: list[str], i: int) -> tuple[str, int]:
    total = current = 0
    j = i
    seen = False
    last = ""  # "ones", "tens" or "scale": "five twenty" is two numbers, not 25
    while j < len(words):
        w = words[j]
        if w in _ONES and last not in {"ones"} and not (last == "tens" and _ONES[w] >= 10):
            current += _ONES[w]
            last = "ones"
        elif w in _TENS and last not in {"ones", "tens"}:
            current += _TENS[w]
            last = "tens"
        elif w in _SCALES and seen:
            scale = _SCALES[w]
            if scale == 100:
                current *= 100
            else:
                total += current * scale
                current = 0
            last = "scale"
        elif w == "and" and seen and j + 1 < len(words) and words[j + 1] in {**_ONES, **_TENS}:
            pass
        else:
            break
        seen = True
        j += 1
    if not seen:
        return "", 0
    number = str(total + current)
    if j + 1 < len(words) and words[j] == "point" and words[j + 1] in _ONES:
        digits = []
        j += 1
        while j < len(words) and words[j] in _ONES and _ONES[words[j]] < 10:
            digits.append(str(_ONES[words[j]]))
            j += 1
        number += "." + "".join(digits)
    return number, j - i
