"""Bad input at the command line: one clear line, a non-zero exit, never a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from edge_assist.cli import cli

DATA = Path(__file__).parents[1] / "data"


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_unknown_model_lists_the_models_that_exist() -> None:
    """`models info gpt-5` exits 4 and names what exists."""
    result = run("models", "info", "gpt-5")
    assert result.exit_code == 4
    assert "unknown model 'gpt-5'" in result.output
    assert "qwen2.5-coder-0.5b-instruct-q4_k_m" in result.output


def test_missing_model_names_the_pull_command(fake_env) -> None:
    """Verifying a model that is not pulled exits 5 with the fix."""
    result = run("models", "verify", "whisper-base")
    assert result.exit_code == 5
    assert "edge-assist models pull whisper-base" in result.output


@pytest.mark.parametrize(("config", "message"), [
    ("bad_value.toml", "invalid setting 'models.n_ctx'"),
    ("bad_syntax.toml", "is not valid TOML"),
])
def test_invalid_config_file_exits_3(config: str, message: str) -> None:
    """A bad config file is a one-line message and exit 3."""
    result = run("models", "list", env={"EDGE_ASSIST_CONFIG": str(DATA / "config" / config)})
    assert result.exit_code == 3
    assert message in result.output


def test_invalid_env_value_exits_3() -> None:
    """A bad EDGE_ASSIST_* value names the variable to fix."""
    result = run("doctor", env={"EDGE_ASSIST_MODELS__N_THREADS": "-4"})
    assert result.exit_code == 3
    assert "EDGE_ASSIST_MODELS__N_THREADS" in result.output


def test_add_unreadable_path_exits_7(tmp_path: Path) -> None:
    """Side-loading a path that does not exist is an input error."""
    result = run("models", "add", str(tmp_path / "missing.gguf"), "--task", "chat")
    assert result.exit_code == 7
    assert "does not exist" in result.output


def test_add_wrong_task_exits_7(tmp_path: Path) -> None:
    """A GGUF side-loaded as a transcriber is refused."""
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 12)
    result = run("models", "add", str(gguf), "--task", "transcribe")
    assert result.exit_code == 7
    assert "cannot be a transcribe model" in result.output


def test_tampered_model_fails_verification(fake_env) -> None:
    """Changing a pulled file makes `models verify` exit 5 naming the model."""
    _, settings = fake_env
    # The fakes are not in the default registry the CLI builds: side-load a real file instead.
    src = settings.home / "src.gguf"
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_bytes(b"GGUF" + b"1" * 100)
    assert run("models", "add", str(src), "--task", "chat", "--id", "site-model").exit_code == 0
    stored = settings.model_store / "site-model" / "src.gguf"
    stored.unlink()
    stored.write_bytes(b"GGUF" + b"2" * 100)
    result = run("models", "verify", "site-model")
    assert result.exit_code == 5
    assert "MISMATCH" in result.output


def test_real_process_prints_no_traceback(tmp_path: Path) -> None:
    """Outside pytest's raise-errors mode the process shows one line, no traceback."""
    env = {"EDGE_ASSIST_HOME": str(tmp_path), "PATH": str(Path(sys.executable).parent)}
    done = subprocess.run([sys.executable, "-m", "edge_assist", "models", "info", "nope"],
                          capture_output=True,
                          text=True, env=env, check=False)
    assert done.returncode == 4
    assert "Traceback" not in done.stderr and "unknown model 'nope'" in done.stderr
