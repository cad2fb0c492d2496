"""The README documents every command, quotes only real ones, stays short; .ci/run runs its test command."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from edge_assist.cli import cli

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text("utf-8")
MAX_README_LINES = 250


def _commands(group: click.Group, prefix: str = "edge-assist") -> list[str]:
    names = []
    for name, command in group.commands.items():
        names.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            names += _commands(command, f"{prefix} {name}")
    return names


def quoted_commands(markdown: str) -> list[str]:
    """Every `edge-assist ...` the text quotes: inline code spans and lines of fenced code blocks."""
    found = []
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", markdown, flags=re.MULTILINE | re.DOTALL)
    for block in blocks:
        for line in block.splitlines():
            for match in re.finditer(r"(?:^|[\s/])(edge-assist\b[^#&;\n]*)", line):
                found.append(match.group(1).strip())
    outside = re.sub(r"^```.*?^```", "", markdown, flags=re.MULTILINE | re.DOTALL)
    found += [span.strip() for span in re.findall(r"`([^`\n]+)`", outside) if span.startswith("edge-assist")]
    return found


def _options(chain: list[click.Command]) -> dict[str, click.Option]:
    """Every option a command line may give at this point: the command's and its groups'."""
    options = {"--help": click.Option(["--help"], is_flag=True)}
    for command in chain:
        for param in command.params:
            if isinstance(param, click.Option):
                options.update({name: param for name in [*param.opts, *param.secondary_opts]})
    return options


def _name(chain: list[click.Command]) -> str:
    return " ".join(["edge-assist", *(c.name or "" for c in chain[1:])])


def check_command_line(text: str, root: click.Group = cli) -> str | None:
    """Why ``text`` ("edge-assist models pull ID... | --all") is not a real command line, or None.

    Words that name a subcommand are followed down the groups; every ``--option`` (alternatives
    written ``--a|--b`` or ``[--a]`` count too) must belong to the command reached or a group above
    it; other words are arguments, placeholders or values and are not checked. A command that
    takes options of its own (``calc run NAME --age 72``) is not checked past its name.
    """
    words = text.replace("\\|", " | ").split()[1:]
    chain: list[click.Command] = [root]
    takes_value = False
    for raw in words:
        word = raw.strip("[](),.:;\"'")
        if takes_value and not word.startswith("-"):
            takes_value = False
            continue
        takes_value = False
        current = chain[-1]
        if current.context_settings.get("ignore_unknown_options"):
            return None
        if word.startswith("-") and word != "-":  # a lone "-" is stdin
            for alternative in word.split("|"):
                name = alternative.split("=")[0]
                if name.startswith("-") and name != "-" and name not in _options(chain):
                    return f"{name} is not an option of {_name(chain)}"
                option = _options(chain).get(name)
                takes_value = bool(option is not None and not option.is_flag and not option.count)
            continue
        if isinstance(current, click.Group) and re.fullmatch(r"[a-z][a-z0-9-]*", word):
            if word not in current.commands:
                return f"{word!r} is not a command of {_name(chain)}"
            chain.append(current.commands[word])
    return None


def test_every_command_is_in_the_readme_and_has_help() -> None:
    """A command nobody can discover does not exist for users."""
    for name in _commands(cli):
        assert name in README, f"{name} missing from README"
    for command in cli.commands.values():
        assert command.help


def test_every_command_the_readme_quotes_is_real() -> None:
    """A README line a user copies must run: each quoted command and option exists."""
    quoted = quoted_commands(README)
    assert len(quoted) > 20
    problems = [f"`{text}`: {why}" for text in quoted if (why := check_command_line(text))]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("text", "says"), [
    ("edge-assist modles list", "'modles' is not a command"),
    ("edge-assist models pull --every", "--every is not an option"),
    ("edge-assist ask \"Q\" [--kk N]", "--kk is not an option"),
    ("edge-assist index build-default [--no-icd|--no-guidelines]", "--no-guidelines"),
])
def test_the_command_check_can_fail(text: str, says: str) -> None:
    """The checker itself: a misspelt verb or option is caught."""
    assert says in (check_command_line(text) or "")


@pytest.mark.parametrize("text", [
    "edge-assist --profile quality eval pubmedqa --data ../shared/data/pubmedqa",
    "edge-assist calc run NAME --age 72 --sex F --hypertension ...",
    "edge-assist models pull ID... \\| --profile P \\| --all",
    "edge-assist history forget ID... | --older-than DAYS | --all",
])
def test_the_command_check_accepts_real_lines(text: str) -> None:
    """Values, placeholders and a command's own free options are not mistaken for errors."""
    assert check_command_line(text) is None


def test_the_readme_is_short() -> None:
    """The README says what it is and how to start; method notes and run-by-run tables live in docs/."""
    lines = len(README.splitlines())
    why = f"README.md has {lines} lines (at most {MAX_README_LINES}): move detail to docs/"
    assert lines <= MAX_README_LINES, why


def test_the_readme_links_resolve() -> None:
    """Every relative link of the README names a file in the repository."""
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", README)
    missing = [link for link in links if "://" not in link and not (ROOT / link).exists()]
    assert not missing, f"README links to missing files: {missing}"


def test_ci_runs_the_readme_test_command() -> None:
    """CI and a newcomer run the same thing."""
    command = "scripts/setup --dev && scripts/test"
    assert command in README
    assert command in (ROOT / ".ci" / "run").read_text("utf-8")
