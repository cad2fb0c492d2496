"""``edge-assist doctor``: is this machine ready, and is it offline?"""

from __future__ import annotations

import click

from edge_assist.cli._common import State, echo_json, human_size, json_option, table


@click.command()
@click.option("--verify", is_flag=True, help="Re-hash model files instead of trusting the cache.")
@click.option("--offline-check", is_flag=True,
              help="Exit non-zero unless the guard is active and no network interface is up.")
@json_option
@click.pass_obj
def doctor(state: State, verify: bool, offline_check: bool, as_json: bool) -> None:
    """Check hardware, models and the offline guard; recommend a profile."""
    from edge_assist.models.diagnostics import diagnose

    report = diagnose(state.settings, verify=verify)
    if as_json:
        echo_json(report.as_dict())
    else:
        _render(report)
    if offline_check and not (report.offline.guard_active and report.offline.network_isolated):
        raise SystemExit(1)


def _render(report) -> None:  # type: ignore[no-untyped-def]
    hw = report.hardware
    click.echo(f"CPU            {hw.cpu_model} ({hw.machine})")
    click.echo(f"Cores          {hw.physical_cores} physical, {hw.logical_cores} logical")
    click.echo(f"Memory         {human_size(hw.ram_bytes)} total, "
               f"{human_size(hw.available_bytes)} available")
    click.echo(f"CPU flags      {' '.join(hw.cpu_flags) or '-'}")
    click.echo(f"Profile        {report.active_profile} (configured: {report.configured_profile}, "
               f"recommended for this machine: {report.recommended_profile})")
    off = report.offline
    guard = "active" if off.guard_active else "OFF"
    if off.guard_blocked_probe:
        guard += " (blocked a test connection)"
    click.echo(f"Offline guard  {guard}")
    click.echo("Network        " + ("isolated: no interface up besides loopback"
                                    if off.network_isolated else
                                    f"interfaces up: {', '.join(off.interfaces_up)}"))
    click.echo("")
    click.echo(table(["ROLE", "MODEL", "STATE"], [[c.role, c.id, c.state] for c in report.models]))
    for problem in report.problems:
        click.secho(f"! {problem}", fg="yellow")
    if not report.problems:
        click.secho("All checks passed.", fg="green")
