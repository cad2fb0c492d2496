"""``edge-assist eval TASK --data PATH``: measure a capability on a public data set."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from edge_assist.cli._common import State, echo_json, json_option, table


@click.command("eval")
@click.argument("task_name", metavar="TASK", required=False)
@click.option("--data", type=click.Path(path_type=Path), help="The data file or its folder.")
@click.option("--limit", type=click.IntRange(min=1), help="Evaluate at most N items.")
@click.option("--profile", "profile_name", type=click.Choice(["auto", "tiny", "default", "quality"]),
              help="Model profile to evaluate.")
@click.option("--list", "list_tasks", is_flag=True, help="List the available tasks.")
@json_option
@click.pass_obj
def eval_command(state: State, task_name: str | None, data: Path | None, limit: int | None,
                 profile_name: str | None, list_tasks: bool, as_json: bool) -> None:
    """Evaluate a capability on a public data set in its upstream format."""
    from edge_assist.assistant import Assistant
    from edge_assist.eval import available_tasks, run_task

    if list_tasks or not task_name:
        tasks = available_tasks()
        if as_json:
            echo_json([{"name": t.name, "description": t.description} for t in tasks])
        else:
            click.echo(table(["TASK", "DESCRIPTION"], [[t.name, t.description] for t in tasks]))
        return
    if data is None:
        raise click.UsageError("--data PATH is required")
    settings = state.settings
    if profile_name:
        settings = settings.model_copy(update={"profile": profile_name})
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        if not sys.stderr.isatty():
            return  # a log file or CI: no carriage-return progress spam
        click.echo(f"\r{task_name}: {done[0]}{'/' + str(limit) if limit else ''} items",
                   nl=False, err=True)

    with Assistant(settings) as assistant:
        result = run_task(task_name, data, assistant, limit, tick)
    click.echo("", err=True)
    if as_json:
        echo_json(result.as_dict())
        return
    click.echo(f"{result.task} on {result.n} items ({result.model}, {result.seconds:.1f} s)")
    click.echo(table(["METRIC", "VALUE"], [[k, v] for k, v in result.metrics.items()]))
