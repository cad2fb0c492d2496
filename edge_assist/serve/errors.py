"""HTTP errors: one JSON shape for every failure, OpenAI's, so any client can read it.

Every error body is one line, ``{"error": {"message", "type", "code", "param", "hint"}}``
(the OpenAI shape plus edge-assist's ``hint``). An :class:`~edge_assist.errors.EdgeAssistError`
keeps its message and hint, which never hold patient text; its class picks the status. Anything
else becomes a 500 naming only the exception's class: its message might quote the input.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from edge_assist import errors as ea


class ApiError(Exception):
    """An HTTP error raised by a route or middleware.

    Args:
        status: the HTTP status.
        message: one line, no patient text.
        code: a machine-readable code (``model_not_found``, ``invalid_json``...).
        hint: the fix, one line.
        param: the request field at fault, if one is.
    """

    def __init__(self, status: int, message: str, code: str, hint: str = "", param: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.hint, self.param = status, message, code, hint, param
        self.headers = headers or {}

    @property
    def type(self) -> str:
        """OpenAI's error ``type``: who has to act."""
        if self.status == 401:
            return "authentication_error"
        if self.status == 404:
            return "not_found_error"
        if self.status == 429 or self.status == 503:
            return "overloaded_error"
        return "invalid_request_error" if self.status < 500 else "server_error"

    def body(self) -> dict[str, Any]:
        """The JSON body."""
        return {"error": {"message": self.message, "type": self.type, "code": self.code,
                          "param": self.param, "hint": self.hint}}

    def response(self) -> JSONResponse:
        """The JSON response."""
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


#: HTTP status of each edge-assist error class (the nearest listed base class wins).
_STATUS: tuple[tuple[type[ea.EdgeAssistError], int, str], ...] = (
    (ea.UnknownModelError, 404, "model_not_found"),
    (ea.ModelNotInstalledError, 404, "model_not_installed"),
    (ea.ModelTaskError, 400, "model_task"),
    (ea.ContextTooLongError, 400, "context_length_exceeded"),
    (ea.InputError, 400, "invalid_input"),
    (ea.GenerationCancelled, 499, "cancelled"),
    (ea.IndexNotBuiltError, 503, "index_not_built"),
    (ea.ModelLoadError, 503, "model_load"),
    (ea.StorageError, 507, "storage"),
    (ea.ModelIntegrityError, 500, "model_integrity"),
    (ea.OfflineViolationError, 500, "offline_violation"),
    (ea.OutputValidationError, 502, "model_output_invalid"),
    (ea.ConfigError, 500, "config"),
)


def from_library(error: ea.EdgeAssistError) -> ApiError:
    """The HTTP error for a library error (its message and hint kept)."""
    for cls, status, code in _STATUS:
        if isinstance(error, cls):
            return ApiError(status, error.message, code, error.hint)
    return ApiError(500, error.message, "edge_assist_error", error.hint)


def unexpected(error: BaseException) -> ApiError:
    """A 500 for a bug: the class name only, never the message (it may quote the input)."""
    return ApiError(500, f"unexpected {type(error).__name__}", "internal_error",
                    "see the server's log; set EDGE_ASSIST_RAISE_ERRORS=1 for the traceback")


def as_api_error(error: BaseException) -> ApiError:
    """Any exception as the :class:`ApiError` a client is shown."""
    if isinstance(error, ApiError):
        return error
    if isinstance(error, ea.EdgeAssistError):
        return from_library(error)
    return unexpected(error)


def exit_code(error: BaseException | None, status: int) -> int:
    """The CLI exit code an audit entry records for a request that ended with ``status``."""
    if error is not None and isinstance(error, ea.EdgeAssistError):
        return int(error.exit_code)
    if status < 400:
        return int(ea.ExitCode.OK)
    if status in (400, 413, 415, 422):
        return int(ea.ExitCode.INPUT)
    if status == 404:
        return int(ea.ExitCode.USAGE)
    return int(ea.ExitCode.ERROR)
