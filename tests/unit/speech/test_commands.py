"""Dictation commands become punctuation and layout; ordinary speech is left alone."""

from __future__ import annotations

import pytest

from edge_assist.errors import ConfigError
from edge_assist.speech.commands import DictationCommand, apply_commands, join_segments


@pytest.mark.parametrize(("said", "written"), [
    ("no known allergies period", "No known allergies."),
    ("plan comma rest", "Plan, rest"),
    ("history new paragraph plan", "History\n\nPlan"),
    ("first line new line second line", "First line\nSecond line"),
    ("is he stable question mark", "Is he stable?"),
    ("Allergies colon none", "Allergies: none"),
])
def test_commands_are_applied(said: str, written: str) -> None:
    """Each spoken command writes its mark."""
    assert apply_commands(said) == written


def test_whisper_punctuation_around_a_command_is_merged() -> None:
    """Whisper's own comma or full stop around "period" does not double up."""
    assert apply_commands("Stable, period. New paragraph. Plan, comma, rest.") == "Stable.\n\nPlan, rest."


def test_period_as_a_word_is_kept() -> None:
    """"a period of two weeks" is speech, not a command."""
    assert apply_commands("symptoms for a period of two weeks") == "Symptoms for a period of two weeks"


def test_colon_as_anatomy_is_kept() -> None:
    """"the sigmoid colon" is anatomy."""
    assert "sigmoid colon" in apply_commands("mass in the sigmoid colon")


def test_unknown_key_in_command_data_is_rejected() -> None:
    """A misspelt key in the command data names the allowed keys."""
    with pytest.raises(ConfigError, match="allowed keys"):
        DictationCommand.from_dict({"say": "comma", "wrte": ","})


def test_join_segments_keeps_breaks_tight() -> None:
    """Segments join with spaces, with no spaces around line breaks."""
    assert join_segments(["History.\n\n", " Plan: rest."]) == "History.\n\nPlan: rest."
