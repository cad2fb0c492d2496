"""`edge-assist models`: list, info, add, verify, pull — text and --json."""

import json
from pathlib import Path

from click.testing import CliRunner

from edge_assist.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_list_json_has_every_catalog_model() -> None:
    """--json gives one object per model with its state."""
    result = run("models", "list", "--json")
    assert result.exit_code == 0
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert rows["whisper-tiny.en"]["task"] == "transcribe"
    assert rows["qwen2.5-coder-0.5b-instruct-q4_k_m"]["state"] == "not pulled"


def test_list_text_is_a_table() -> None:
    """The text form has a header and the aliases."""
    result = run("models", "list")
    assert result.output.splitlines()[0].split()[:3] == ["ID", "TASK", "FORMAT"]
    assert "qwen-0.5b" in result.output


def test_info_by_alias_shows_hash_and_licence() -> None:
    """info accepts an alias and prints the pinned SHA-256."""
    result = run("models", "info", "qwen-0.5b")
    assert result.exit_code == 0
    assert "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32" in result.output
    assert "Apache-2.0" in result.output


def test_add_then_list_and_verify(tmp_path: Path) -> None:
    """A side-loaded GGUF appears in the list and verifies."""
    gguf = tmp_path / "site.gguf"
    gguf.write_bytes(b"GGUF" + b"x" * 32)
    added = run("models", "add", str(gguf), "--task", "chat", "--alias", "site", "--json")
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["id"] == "site"
    listed = {r["id"]: r for r in json.loads(run("models", "list", "--json").stdout)}
    assert listed["site"]["state"] == "ready" and listed["site"]["source"] == "user"
    assert run("models", "verify", "site").exit_code == 0


def test_pull_requires_a_target() -> None:
    """pull with nothing to pull is a usage error."""
    result = CliRunner().invoke(cli, ["models", "pull"])
    assert result.exit_code == 2


def test_pull_side_loaded_model_is_idempotent(tmp_path: Path) -> None:
    """Pulling an already-assembled model re-verifies and succeeds."""
    gguf = tmp_path / "again.gguf"
    gguf.write_bytes(b"GGUF" + b"y" * 32)
    run("models", "add", str(gguf), "--task", "completion")
    result = run("models", "pull", "again", "--no-install", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["verified"] is True
