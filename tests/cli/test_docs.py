"""The README documents every command, and .ci/run runs the README's test command."""

from pathlib import Path

import click

from edge_assist.cli import cli

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text("utf-8")


def _commands(group: click.Group, prefix: str = "edge-assist") -> list[str]:
    names = []
    for name, command in group.commands.items():
        names.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            names += _commands(command, f"{prefix} {name}")
    return names


def test_every_command_is_in_the_readme_and_has_help() -> None:
    """A command nobody can discover does not exist for users."""
    for name in _commands(cli):
        assert name in README, f"{name} missing from README"
    for command in cli.commands.values():
        assert command.help


def test_ci_runs_the_readme_test_command() -> None:
    """CI and a newcomer run the same thing."""
    command = "scripts/setup --dev && scripts/test"
    assert command in README
    assert command in (ROOT / ".ci" / "run").read_text("utf-8")
