"""Logging that never writes patient text unless the user turns that on.

Code that logs something derived from a note, a question or a transcript
wraps it in :class:`PatientText`. By default such a value renders as
``<patient text: N chars>``; only with ``log_patient_text = true`` does the text
itself reach a handler. Making the safe form the default (rather than asking
every call site to remember) is what keeps a stray ``log.info`` from leaking a
note.
"""

from __future__ import annotations

import logging
import sys

_allow_patient_text = False
LOGGER_NAME = "edge_assist"


class PatientText:
    """A value that may contain patient data; renders redacted unless allowed."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        if _allow_patient_text:
            return self.text
        return f"<patient text: {len(self.text)} chars>"

    __repr__ = __str__


def allow_patient_text(allowed: bool) -> None:
    """Let :class:`PatientText` values render in full (the ``log_patient_text`` setting)."""
    global _allow_patient_text
    _allow_patient_text = allowed


def get_logger(name: str = "") -> logging.Logger:
    """A child of the ``edge_assist`` logger."""
    return logging.getLogger(f"{LOGGER_NAME}.{name}" if name else LOGGER_NAME)


def configure(level: str = "WARNING", log_patient_text: bool = False) -> None:
    """Send edge-assist's log records to stderr at ``level`` (idempotent)."""
    allow_patient_text(log_patient_text)
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(level)
    if not any(getattr(h, "_edge_assist", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._edge_assist = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.propagate = False
