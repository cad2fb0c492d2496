"""The clinical vocabulary: hints ranked and cut to Whisper's windows, user words first."""

from __future__ import annotations

import json
from pathlib import Path

from edge_assist.speech.vocabulary import (
    HOTWORD_CHARS,
    PROMPT_CHARS,
    build_vocabulary,
    english_words,
)


def test_user_words_come_first() -> None:
    """The user's word list always fits in the hotwords."""
    vocab = build_vocabulary(["Okafor", "Zyloprim"])
    assert vocab.hotwords.startswith("Okafor Zyloprim ")


def test_hints_fit_the_windows() -> None:
    """Hotwords and prompt stay within their character budgets (about 90 tokens each)."""
    vocab = build_vocabulary()
    assert len(vocab.hotwords) <= HOTWORD_CHARS
    assert len(vocab.initial_prompt) <= PROMPT_CHARS + 2
    assert "Lisinopril" in vocab.hotwords and vocab.hotwords.endswith(".")  # written as a sentence


def test_prompt_continues_where_hotwords_stop() -> None:
    """The prompt names hints that did not fit in the hotwords, not the same ones again."""
    vocab = build_vocabulary()
    assert vocab.hotwords.split()[0] not in vocab.initial_prompt


def test_calculator_terms_are_included() -> None:
    """Calculator names (CURB-65, HAS-BLED, ...) are part of the vocabulary."""
    assert "CURB-65" in build_vocabulary().terms


def test_english_words_from_tokenizer(tmp_path: Path) -> None:
    """Whole-word tokens (Ġword) are the English guard; pieces and capitals are not."""
    tok = tmp_path / "tokenizer.json"
    tok.write_text(json.dumps({"model": {"vocab": {"Ġpatient": 1, "Ġlas": 2, "ix": 3, "ĠThe": 4}}}))
    assert english_words(tok) == frozenset({"patient", "las"})
    assert english_words(tmp_path / "missing.json") == frozenset()


def test_shipped_clinical_words_match_the_packages() -> None:
    """data/clinical_words.txt is what build_clinical_words makes from the installed packages."""
    from edge_assist.speech.vocabulary import build_clinical_words, clinical_words

    built, shipped = set(build_clinical_words()), clinical_words()
    assert len(built ^ shipped) <= len(built) // 100, "regenerate data/clinical_words.txt"
