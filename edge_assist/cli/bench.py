"""``edge-assist bench``: tokens/s, sentences/s, peak memory and load, as a table and JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from edge_assist.cli._common import State, echo_json, json_option, table


@click.command()
@click.argument(
    "names",
    nargs=-1,
    type=click.Choice(["llm", "encoder", "search", "ask", "speech", "note", "tui", "extract", "load", "all"]),
)
@click.option("--model", help="Model id or alias (default: the profile's).")
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=Path("bench-results"),
    show_default=True,
    help="Folder for the JSON results.",
)
@click.option(
    "--asks",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="load: sequential asks on one Assistant.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=0),
    default=8,
    show_default=True,
    help="load: threads then asking at once through the same Assistant.",
)
@click.option(
    "--per-caller",
    type=click.IntRange(min=1),
    default=25,
    show_default=True,
    help="load: asks per concurrent thread.",
)
@click.option(
    "--llm-every",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="load: draft every Nth answer with the LLM, the rest extractively (1: all with the LLM).",
)
@click.option(
    "--rounds",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="load: run the concurrent phase this many times, with RSS after each.",
)
@click.option(
    "--profile",
    "load_profile",
    type=click.Choice(["auto", "tiny", "default", "quality"]),
    help="load: the profile to load-test (default: the configured one).",
)
@json_option
@click.pass_obj
def bench(
    state: State,
    names: tuple[str, ...],
    model: str | None,
    output: Path,
    asks: int,
    concurrency: int,
    per_caller: int,
    llm_every: int,
    rounds: int,
    load_profile: str | None,
    as_json: bool,
) -> None:
    """Measure speed and peak memory of the runtimes on this machine.

    `bench load` drives one Assistant with --asks sequential asks, then --concurrency threads
    of --per-caller asks each, and reports errors, latency percentiles and RSS growth.
    It is left out of `all`: with the LLM on every ask it takes hours on two cores (see --llm-every).
    """
    from edge_assist.bench import BENCHMARKS, run

    settings = state.settings  # validate config before minutes of work
    chosen = BENCHMARKS if not names or "all" in names else names
    load = {
        "asks": asks,
        "concurrency": concurrency,
        "per_caller": per_caller,
        "llm_every": llm_every,
        "rounds": rounds,
        "profile": load_profile or state.profile or settings.profile,
    }
    results = []
    for name in chosen:
        result = run(name, **_options(name, model, load))
        results.append(result.as_dict())
        output.mkdir(parents=True, exist_ok=True)
        (output / f"bench-{name}.json").write_text(json.dumps(result.as_dict(), indent=2), "utf-8")
        if not as_json:
            click.echo(
                f"\n{name} ({result.machine['cpu']}, {result.machine['physical_cores']} physical cores)"
            )
            keys = list(dict.fromkeys(k for row in result.rows for k in row))
            click.echo(
                table(
                    [k.upper() for k in keys], [[_cell(row.get(k, "")) for k in keys] for row in result.rows]
                )
            )
    if as_json:
        echo_json(results)


def _options(name: str, model: str | None, load: dict[str, Any]) -> dict[str, Any]:
    if name == "load":
        return load
    return {"model": model} if model and name in ("llm", "ask", "speech") else {}


def _cell(value: Any) -> str:
    return json.dumps(value) if isinstance(value, dict | list) else str(value)
