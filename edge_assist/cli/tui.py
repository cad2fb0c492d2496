"""``edge-assist tui``: the terminal UI (also what bare ``edge-assist`` starts)."""

from __future__ import annotations

import click

from edge_assist.cli._common import State
from edge_assist.settings import Settings


def run_tui(settings: Settings) -> None:
    """Start the Textual app in this terminal."""
    from edge_assist.tui.app import make_app

    make_app(settings).run()


@click.command()
@click.pass_obj
def tui(state: State) -> None:
    """Start the terminal UI."""
    run_tui(state.settings)
