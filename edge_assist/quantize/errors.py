"""Errors of the model-making tools, each with a message and a hint (see :mod:`edge_assist.errors`)."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

from edge_assist.errors import ConfigError, EdgeAssistError, ExitCode, InputError


class ToolkitMissingError(ConfigError):
    """The ``quantize`` extra (torch, transformers, ...) or llama.cpp's converter is not installed."""


class ConversionError(InputError):
    """A model cannot be exported or converted (unsupported architecture, unreadable weights)."""


class TeacherOutputError(InputError):
    """The teacher model produced output the recipe cannot use (invalid JSON, empty)."""


class DiskFullError(InputError):
    """A write failed because the disk is full."""


class GateFailedError(EdgeAssistError):
    """A produced model did not meet its recipe's thresholds, so it was not registered."""

    exit_code = ExitCode.ERROR


class TrainingMismatchError(ConfigError):
    """A checkpoint to resume from was made by different training settings or data."""


class TrainingInterrupted(EdgeAssistError):
    """Training stopped (Ctrl-C, SIGTERM) after saving a checkpoint it can resume from."""

    exit_code = ExitCode.INTERRUPTED


def require(*modules: str) -> None:
    """Import ``modules`` or fail with the install command.

    Raises:
        ToolkitMissingError: one of them is not installed.
    """
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            raise ToolkitMissingError(
                f"{name} is not installed: model making needs the quantize extra",
                "pip install 'edge-assist[quantize]' (or scripts/setup --dev)",
            ) from None


@contextmanager
def disk_guard(what: str) -> Iterator[None]:
    """Turn ENOSPC (and EDQUOT) while writing ``what`` into a :class:`DiskFullError`."""
    try:
        yield
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFullError(f"disk full while writing {what}", "free some space and run again") from None
        raise
