"""The CLI against the real store: every pulled catalog model verifies, doctor is green."""

import json

import pytest
from click.testing import CliRunner

from edge_assist.cli import cli

pytestmark = pytest.mark.real_models


def test_every_pulled_catalog_model_verifies(real_settings) -> None:
    """`models verify` re-hashes every assembled file against the pinned SHA-256."""
    result = CliRunner().invoke(cli, ["models", "verify", "--json"], catch_exceptions=False)
    rows = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert {"qwen2.5-coder-0.5b-instruct-q4_k_m", "all-minilm-l6-v2-int8",
            "whisper-tiny.en"} <= {r["id"] for r in rows}
    assert all(r["ok"] for r in rows)


def test_doctor_finds_the_default_profile_ready(real_settings) -> None:
    """With the default models pulled, doctor reports them ready."""
    result = CliRunner().invoke(cli, ["--profile", "default", "doctor", "--json"],
                                catch_exceptions=False)
    report = json.loads(result.stdout)
    assert {m["state"] for m in report["models"]} == {"ready"}
