"""``edge-assist tui``: the terminal UI (also what bare ``edge-assist`` starts)."""

from __future__ import annotations

import click

from edge_assist.cli._common import State
from edge_assist.settings import Settings


def run_tui(settings: Settings, kiosk: bool = False) -> None:
    """Start the Textual app in this terminal."""
    from edge_assist.tui.app import make_app

    make_app(settings, kiosk=kiosk).run()


@click.command()
@click.option("--kiosk", is_flag=True,
              help="Lock down for a shared machine: no suspend, exit only with the admin PIN, "
                   "files only in tui.kiosk_folders, session wiped when idle.")
@click.option("--hash-pin", is_flag=True,
              help="Print a salted hash of a new admin PIN for tui.admin_pin_hash, then exit.")
@click.pass_obj
def tui(state: State, kiosk: bool, hash_pin: bool) -> None:
    """Start the terminal UI."""
    if hash_pin:
        from edge_assist.tui.kiosk import hash_pin as make_hash

        pin = click.prompt("Admin PIN", hide_input=True, confirmation_prompt=True, err=True)
        click.echo(f'[tui]\nadmin_pin_hash = "{make_hash(pin)}"')
        return
    run_tui(state.settings, kiosk)
