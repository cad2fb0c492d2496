"""An English text normaliser for word error rate, after Whisper's.

Whisper's paper scores WER only after normalising both sides, because "20 mg"
and "twenty milligrams" are the same words said; published WERs are computed
that way, so ours is too (and the eval reports the raw figure beside it). This
is a small re-implementation of that idea (``whisper/normalizers/english.py``,
MIT) without its 1,700-word spelling table:

* lower case; text in square or angle brackets dropped (tags, not speech);
  text in parentheses kept, since it is read aloud;
* contractions expanded, filler words ("um", "hmm") dropped, titles spelled out;
* dotted abbreviations joined ("p.m." = "pm", "b.i.d." = "bid");
* punctuation and symbols removed, except the decimal point;
* numbers as digits ("twenty five" = "25", "one point five" = "1.5"),
  ordinals as "21st";
* clinical units as one word ("mg" = "milligrams" = "milligram"), a few
  British spellings as American ones.
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
_ORDINAL_ONES = {w: i + 1 for i, w in enumerate((
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
    "eighteenth", "nineteenth"))}
_ORDINAL_TENS = {w: 10 * (i + 2) for i, w in enumerate((
    "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth",
    "ninetieth"))}
_CONTRACTIONS = (("won't", "will not"), ("can't", "can not"), ("cannot", "can not"), ("n't", " not"),
                 ("'re", " are"), ("'ve", " have"), ("'ll", " will"), ("'m", " am"), ("'d", " would"),
                 ("let's", "let us"))
_FILLERS = frozenset({"um", "uh", "uhm", "umm", "hmm", "mhm", "mmm", "er", "erm"})
# One spelling for each: units (after Whisper's "standardise spellings" step),
# titles, and British forms common in clinical text.
SPELLINGS = {
    "mg": "milligram", "milligrams": "milligram", "mcg": "microgram", "micrograms": "microgram",
    "kg": "kilogram", "kilograms": "kilogram", "ml": "milliliter", "milliliters": "milliliter",
    "millilitres": "milliliter", "millilitre": "milliliter", "cm": "centimeter",
    "centimeters": "centimeter", "centimetres": "centimeter", "mm": "millimeter",
    "millimeters": "millimeter", "millimetres": "millimeter", "grams": "gram", "g": "gram",
    "%": "percent", "okay": "ok", "mmhg": "millimeter of mercury", "dr": "doctor", "mr": "mister",
    "mrs": "missus", "vs": "versus", "alright": "all right", "xray": "x ray",
    "haemoglobin": "hemoglobin", "oedema": "edema", "anaemia": "anemia", "anaemic": "anemic",
    "oesophagus": "esophagus", "paediatric": "pediatric", "haematoma": "hematoma",
    "diarrhoea": "diarrhea", "oestrogen": "estrogen", "litre": "liter", "litres": "liters",
    "centre": "center", "colour": "color", "behaviour": "behavior", "tumour": "tumor",
    "foetal": "fetal", "orthopaedic": "orthopedic", "haemorrhage": "hemorrhage",
    "sulphate": "sulfate", "sulphur": "sulfur", "sulphonylurea": "sulfonylurea",
    "ischaemia": "ischemia", "ischaemic": "ischemic", "leukaemia": "leukemia",
    "anaesthesia": "anesthesia", "anaesthetic": "anesthetic", "haematology": "hematology",
    "haemodialysis": "hemodialysis", "haematuria": "hematuria", "haemoptysis": "hemoptysis",
    "oesophageal": "esophageal", "paediatrics": "pediatrics", "gynaecology": "gynecology",
    "dyspnoea": "dyspnea", "apnoea": "apnea", "faeces": "feces", "caesarean": "cesarean",
    "coeliac": "celiac", "oestradiol": "estradiol", "aluminium": "aluminum", "fibre": "fiber",
    "labour": "labor", "tumours": "tumors", "haemorrhoids": "hemorrhoids", "hypoglycaemia":
    "hypoglycemia", "hyperglycaemia": "hyperglycemia", "hypokalaemia": "hypokalemia",
    "hyperkalaemia": "hyperkalemia", "hyponatraemia": "hyponatremia", "septicaemia": "septicemia",
}
UNITS = SPELLINGS  # the former name


def normalize(text: str) -> str:
    """``text`` in the form WER is computed on.

    Examples:
        >>> normalize("Start Lisinopril 20 mg, twice-daily (BID).")
        'start lisinopril 20 milligram twice daily bid'
        >>> normalize("five hundred milligrams; one point five")
        '500 milligram 1.5'
        >>> normalize("Seen on the twenty-first at 3 p.m.")
        'seen on the 21st at 3 pm'
    """
    s = text.lower().replace("’", "'").replace("‘", "'")
    s = re.sub(r"[\[<][^\]>]*[\]>]", " ", s)
    for short, long in _CONTRACTIONS:
        s = s.replace(short, long)
    s = re.sub(r"\b((?:[a-z]\.){2,})", lambda m: m.group(1).replace(".", "") + " ", s)  # p.m. -> pm
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s)                 # 4,500 -> 4500
    s = re.sub(r"(\d)\s*%", r"\1 percent", s)
    s = s.replace("°", " degrees ").replace("&", " and ").replace("+", " plus ")
    s = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1@\2", s)         # keep 21st whole
    s = re.sub(r"(\d)([a-z]+)", r"\1 \2", s)                # 20mg -> 20 mg
    s = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", s)               # keep decimal points only
    s = re.sub(r"[^\w\s.@]", " ", s.replace("_", " ")).replace("@", "")
    words = [SPELLINGS.get(w, w) for w in s.split() if w not in _FILLERS]
    return " ".join(_numbers(" ".join(words).split()))


def _numbers(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        value, used = _parse_number(words, i)
        if used:
            out.append(value)
            i += used
        elif words[i] in _ORDINAL_ONES or words[i] in _ORDINAL_TENS:
            out.append(_ordinal(_ORDINAL_ONES.get(words[i]) or _ORDINAL_TENS[words[i]]))
            i += 1
        else:
            out.append(words[i])
            i += 1
    return out


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


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
        elif w in _ORDINAL_ONES and seen and last in {"tens", "scale"}:  # twenty first -> 21st
            return _ordinal(total + current + _ORDINAL_ONES[w]), j + 1 - i
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
