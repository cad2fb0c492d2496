"""Short problem words: plain words match in any case, abbreviations only in capitals."""

from edge_assist.extract import extract


def _problems(note: str) -> list[str]:
    return [p.text.lower() for p in extract(note).problems]


def test_plain_short_words_match_in_lower_case() -> None:
    """'rash' and 'gout' are findings however they are typed."""
    found = _problems("Patient has a rash on the arm and a history of gout.")
    assert "rash" in found and "gout" in found


def test_short_abbreviations_still_need_capitals() -> None:
    """'pe' and 'mi' are ordinary syllables in lower case; 'PE' and 'MI' are findings."""
    assert _problems("We will pe the results and mi amigo agrees.") == []
    assert {"pe", "mi"} <= set(_problems("Concern for PE. History of MI."))
