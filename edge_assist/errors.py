"""One error root for the whole product, and the one place errors become exit codes.

Every failure a user can cause or fix (a missing model, a tampered file, a bad
config value) is raised at its source as a subclass of :class:`EdgeAssistError`
with a one-line message and a hint naming the fix. The CLI and the TUI never
parse messages: they map the class to an exit code with :func:`exit_code_for`
and print ``message`` and ``hint``. Anything that is not an ``EdgeAssistError``
is a bug and surfaces as such.
"""

from __future__ import annotations

import errno
import os
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the ``edge-assist`` command."""

    OK = 0
    ERROR = 1
    USAGE = 2
    CONFIG = 3
    MODEL_NOT_FOUND = 4
    MODEL_INTEGRITY = 5
    MODEL_LOAD = 6
    INPUT = 7
    OFFLINE_VIOLATION = 8
    STORAGE = 9
    INTERRUPTED = 130


class EdgeAssistError(Exception):
    """Root of every error edge-assist raises on purpose.

    Args:
        message: one line saying what went wrong, with no patient text in it.
        hint: one line naming the fix, shown after the message.
    """

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class ConfigError(EdgeAssistError):
    """A setting is invalid or the config file cannot be read."""

    exit_code = ExitCode.CONFIG


class UnknownModelError(EdgeAssistError):
    """No model in the catalog has this id or alias."""

    exit_code = ExitCode.MODEL_NOT_FOUND


class ModelNotInstalledError(EdgeAssistError):
    """The model is in the catalog but its files are not on this machine."""

    exit_code = ExitCode.MODEL_NOT_FOUND


class ModelIntegrityError(EdgeAssistError):
    """A model file's SHA-256 or size does not match its manifest (truncated or tampered)."""

    exit_code = ExitCode.MODEL_INTEGRITY


class ModelTaskError(EdgeAssistError):
    """The model exists but does a different task (e.g. an embedder asked to chat)."""

    exit_code = ExitCode.USAGE


class ModelLoadError(EdgeAssistError):
    """The runtime (llama.cpp, onnxruntime, CTranslate2) could not load the model."""

    exit_code = ExitCode.MODEL_LOAD


class ContextTooLongError(EdgeAssistError):
    """The prompt does not fit in the model's context window."""

    exit_code = ExitCode.INPUT


class GenerationCancelled(EdgeAssistError):
    """Generation was cancelled by the caller (a key press in the TUI, Ctrl-C)."""

    exit_code = ExitCode.INTERRUPTED


class OutputValidationError(EdgeAssistError):
    """A model's constrained output did not validate against its JSON schema."""

    exit_code = ExitCode.ERROR


class InputError(EdgeAssistError):
    """Input the user gave cannot be used: an unreadable file, bad data, a wrong format."""

    exit_code = ExitCode.INPUT


class AudioDecodeError(InputError):
    """A file is empty, not audio, or corrupt: the decoder cannot read speech from it."""


class AudioDeviceError(EdgeAssistError):
    """No microphone can be opened (no device, no PortAudio library, or access denied)."""

    exit_code = ExitCode.INPUT


class OfflineViolationError(EdgeAssistError):
    """Something tried to open a network connection off this machine."""

    exit_code = ExitCode.OFFLINE_VIOLATION


class IndexNotBuiltError(EdgeAssistError):
    """The evidence index (or the collection asked for) does not exist or is empty yet."""

    exit_code = ExitCode.CONFIG


class IndexSchemaError(EdgeAssistError):
    """The index cannot be used as it is: a newer schema, a corrupt file, or a different embedder."""

    exit_code = ExitCode.CONFIG


class StorageError(EdgeAssistError):
    """The disk is full, or a file or folder edge-assist must write is on a read-only file system."""

    exit_code = ExitCode.STORAGE


_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_FULL_HINT = "free disk space or use another disk (EDGE_ASSIST_HOME for the user dir), then run it again"
_READ_ONLY_HINT = "remount it read-write or use a writable folder (EDGE_ASSIST_HOME for the user dir)"
_SQLITE_MODULES = ("sqlite3", "_sqlite3", "sqlean")  # the stdlib binding and the index's sqlean


def storage_error(exc: BaseException, path: str | os.PathLike[str] | None = None,
                  what: str = "") -> StorageError | None:
    """A :class:`StorageError` explaining ``exc`` if it comes from a full or read-only disk, else None.

    Understands ``OSError`` (``ENOSPC``, ``EDQUOT``, ``EFBIG``, ``EROFS``) and SQLite's errors
    (``SQLITE_FULL``, ``SQLITE_READONLY``; for "unable to open" and I/O errors it looks at the
    file system holding ``path``). Writers call it where they catch an error, so the user reads
    "no space left" instead of "not a usable database".

    Args:
        exc: the error caught.
        path: the file being written, when the caller knows it (OSError's own filename wins).
        what: what that file is, e.g. "the evidence index".
    """
    path = getattr(exc, "filename", None) or path
    kind = _storage_kind(exc, path)
    if kind is None:
        return None
    target = " ".join(x for x in (what, f"{path}" if path else "") if x) or "the output"
    if kind == "full":
        return StorageError(f"cannot write {target}: no space left on the disk", _FULL_HINT)
    return StorageError(f"cannot write {target}: the file system is read-only", _READ_ONLY_HINT)


def _storage_kind(exc: BaseException, path: str | os.PathLike[str] | None) -> str | None:
    if isinstance(exc, OSError):
        if exc.errno in _FULL_ERRNOS:
            return "full"
        return "read-only" if exc.errno == errno.EROFS else None
    if type(exc).__module__.split(".")[0] not in _SQLITE_MODULES:
        return None
    name, text = str(getattr(exc, "sqlite_errorname", "") or ""), str(exc).lower()
    if name.startswith("SQLITE_FULL") or "database or disk is full" in text:
        return "full"
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return "read-only"
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_IOERR")) or "unable to open" in text or "i/o" in text:
        return _file_system_state(path)
    return None


def _file_system_state(path: str | os.PathLike[str] | None) -> str | None:
    """'read-only' or 'full' for the file system holding ``path`` (its nearest existing folder)."""
    if path is None or str(path) == ":memory:":
        return None
    folder = os.path.abspath(os.fspath(path))
    while not os.path.isdir(folder) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    try:
        info = os.statvfs(folder)
    except OSError:
        return None
    if info.f_flag & os.ST_RDONLY:
        return "read-only"
    return "full" if info.f_bavail == 0 or info.f_bfree == 0 else None


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code the command line uses for ``error``."""
    if isinstance(error, EdgeAssistError):
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    return ExitCode.ERROR
