"""``edge-assist tui``: --hash-pin prints a config line; --kiosk without a PIN is a config error."""

from __future__ import annotations

from click.testing import CliRunner

from edge_assist.cli import cli
from edge_assist.tui.kiosk import verify_pin


def test_hash_pin_prints_a_config_line_without_the_pin() -> None:
    """The printed hash verifies the PIN and does not contain it."""
    result = CliRunner().invoke(cli, ["tui", "--hash-pin"], input="97531\n97531\n")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if x.startswith("admin_pin_hash"))
    stored = line.split('"')[1]
    assert "97531" not in stored and verify_pin("97531", stored)


def test_kiosk_without_pin_exits_with_config_error() -> None:
    """No admin PIN configured: exit code 3 and the fix, before any screen is drawn."""
    result = CliRunner().invoke(cli, ["tui", "--kiosk"])
    assert result.exit_code == 3
    assert "hash-pin" in result.output
