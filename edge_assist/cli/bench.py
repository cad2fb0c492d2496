"""``edge-assist bench``: tokens/s, sentences/s and peak memory, as a table and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from edge_assist.cli._common import State, echo_json, json_option, table


@click.command()
@click.argument("names", nargs=-1,
                type=click.Choice(["llm", "encoder", "search", "ask", "speech", "note", "tui", "extract",
                                   "all"]))
@click.option("--model", help="Model id or alias (default: the profile's).")
@click.option("--output", type=click.Path(path_type=Path), default=Path("bench-results"),
              show_default=True, help="Folder for the JSON results.")
@json_option
@click.pass_obj
def bench(state: State, names: tuple[str, ...], model: str | None, output: Path,
          as_json: bool) -> None:
    """Measure speed and peak memory of the runtimes on this machine."""
    from edge_assist.bench import BENCHMARKS, run

    state.settings  # noqa: B018 - validate config before minutes of work
    chosen = BENCHMARKS if not names or "all" in names else names
    results = []
    for name in chosen:
        result = run(name, model=model) if model and name in ("llm", "ask", "speech") else run(name)
        results.append(result.as_dict())
        output.mkdir(parents=True, exist_ok=True)
        (output / f"bench-{name}.json").write_text(json.dumps(result.as_dict(), indent=2), "utf-8")
        if not as_json:
            click.echo(f"\n{name} ({result.machine['cpu']}, "
                       f"{result.machine['physical_cores']} physical cores)")
            keys = list(dict.fromkeys(k for row in result.rows for k in row))
            click.echo(table([k.upper() for k in keys],
                             [[row.get(k, "") for k in keys] for row in result.rows]))
    if as_json:
        echo_json(results)
