"""``edge-assist ask``: a short cited answer from local evidence, or an honest abstention."""

from __future__ import annotations

from typing import Any

import click

from edge_assist.cli._common import State, echo_json, json_option


@click.command()
@click.argument("question")
@click.option("--k", default=3, show_default=True, type=click.IntRange(min=1, max=10),
              help="Passages to answer from (the --draft mode).")
@click.option("--extractive", is_flag=True, help="Evidence units only; never load the language model.")
@click.option("--long", "long_", is_flag=True, help="A longer answer (more evidence units).")
@click.option("--rephrase", is_flag=True,
              help="Let the language model condense the quoted units (kept only when a unit entails it).")
@click.option("--draft", is_flag=True, help="The model writes the answer; each sentence is checked.")
@click.option("--sources", "show_sources", is_flag=True, help="Show the cited sections in full.")
@click.option("--model", help="Chat model id or alias (default: the profile's).")
@click.option("--collection", help="Index collection (default: guidelines).")
@json_option
@click.pass_obj
def ask(state: State, question: str, k: int, extractive: bool, long_: bool, rephrase: bool, draft: bool,
        show_sources: bool, model: str | None, collection: str | None, as_json: bool) -> None:
    """Answer a clinical question from the local evidence, quoting and citing it."""
    from edge_assist.assistant import Assistant

    def stream(piece: str) -> None:  # the unchecked draft goes to stderr; stdout gets the checked answer
        click.echo(click.style(piece, dim=True), nl=False, err=True)

    with Assistant(state.settings) as assistant:
        answer = assistant.ask(question, k=k, extractive=extractive, model=model,
                               on_token=None if as_json else stream, collection=collection,
                               long=long_, rephrase=rephrase, draft=draft)
    if as_json:
        echo_json(answer.as_dict())
        return
    if answer.draft:
        click.echo("", err=True)
    _render(answer, show_sources)


def _render(answer: Any, show_sources: bool) -> None:
    """The short answer first, then the sources (in full with --sources, as Markdown rendered)."""
    click.echo(answer.text)
    if answer.abstained and answer.reason:
        click.echo(f"({answer.reason})")
    click.echo()
    click.echo("Closest passages (not an answer):" if answer.abstained else "Sources:")
    for c in answer.citations:
        doi = f"  doi:{c.doi}" if c.doi else ""
        click.echo(f"[{c.number}] {c.title} > {c.section}{doi}")
        if show_sources:
            _markdown(c.snippet)
        elif answer.abstained:
            click.echo("    " + " ".join(c.snippet.replace("**", "").split())[:300])
    dropped = [s for s in answer.sentences if not s.supported]
    if dropped and not answer.abstained:
        click.echo(f"({len(dropped)} unsupported sentence(s) removed)")
    if not show_sources and answer.citations:
        click.echo("(--sources shows the cited sections in full)")


def _markdown(text: str) -> None:
    """Guideline Markdown drawn for the terminal: tables, bullets, bold, code blocks."""
    import shutil

    from rich.console import Console
    from rich.markdown import Markdown
    from rich.padding import Padding

    console = Console(width=min(shutil.get_terminal_size().columns, 110), soft_wrap=False,
                      force_terminal=None, highlight=False)
    with console.capture() as captured:
        console.print(Padding(Markdown(text), (0, 0, 1, 4)))
    click.echo("\n".join(line.rstrip() for line in captured.get().splitlines()))
