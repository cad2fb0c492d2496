"""The error root and its one mapping to exit codes."""

from edge_assist.errors import (
    ConfigError,
    EdgeAssistError,
    ExitCode,
    ModelIntegrityError,
    UnknownModelError,
    exit_code_for,
)


def test_every_subclass_maps_to_its_exit_code() -> None:
    """Typed errors carry their own exit code; anything else is a generic failure."""
    assert exit_code_for(ConfigError("x")) == ExitCode.CONFIG
    assert exit_code_for(UnknownModelError("x")) == ExitCode.MODEL_NOT_FOUND
    assert exit_code_for(ModelIntegrityError("x")) == ExitCode.MODEL_INTEGRITY
    assert exit_code_for(KeyboardInterrupt()) == ExitCode.INTERRUPTED
    assert exit_code_for(RuntimeError("bug")) == ExitCode.ERROR


def test_message_and_hint_render_on_one_line() -> None:
    """str() gives the message and the fix together, for logs and notifications."""
    err = EdgeAssistError("model missing", "run edge-assist models pull x")
    assert str(err) == "model missing (run edge-assist models pull x)"
    assert err.hint.startswith("run")
