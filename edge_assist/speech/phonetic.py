"""A sound key for drug names, so "lasics" finds Lasix and "synopril" finds lisinopril.

Speech models miss drug names by sound, not by typing slips: voiced and
unvoiced consonants swap (d/t, b/p, g/k, v/f), vowels drift, ``x`` is heard as
``cks``. The key keeps the consonant skeleton after merging those pairs, in
the spirit of Metaphone (Philips 1990), which was made for English names and
spells ``ph``, soft ``c`` and ``g`` and ``x`` the same way.
"""

from __future__ import annotations

import re

_RULES: tuple[tuple[str, str], ...] = (
    (r"^(kn|gn|pn|ps|wr)", lambda m: m.group(0)[1]),  # type: ignore[dict-item]
    (r"ph", "f"), (r"ck", "k"), (r"^x", "s"), (r"x", "ks"), (r"qu", "kw"), (r"q", "k"),
    (r"c(?=[eiy])", "s"), (r"sch", "sk"), (r"(sh|ch)", "X"), (r"th", "0"),
    (r"dg(?=[eiy])", "j"), (r"g(?=[eiy])", "j"), (r"c", "k"), (r"z", "s"),
    (r"v", "f"), (r"d", "t"), (r"b", "p"), (r"g", "k"), (r"mb$", "m"),
    (r"(?<=[^aeiou])h", ""), (r"w(?![aeiou])", ""),
)  # fmt: skip


def sound_key(word: str) -> str:
    """The consonant skeleton of ``word`` (a leading vowel kept as ``A``).

    Examples:
        >>> sound_key("Lasix") == sound_key("lasics")
        True
    """
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return ""
    for pattern, repl in _RULES:
        w = re.sub(pattern, repl, w)
    head = "A" if w[0] in "aeiouy" else ""
    body = re.sub(r"[aeiouy]", "", w)
    return head + re.sub(r"(.)\1+", r"\1", body).upper()
