"""``edge-assist ask``: a cited answer from local evidence, or an honest abstention."""

from __future__ import annotations

import click

from edge_assist.cli._common import State, echo_json, json_option


@click.command()
@click.argument("question")
@click.option("--k", default=3, show_default=True, type=click.IntRange(min=1, max=10),
              help="Passages to answer from.")
@click.option("--extractive", is_flag=True, help="Return the passages verbatim; no language model.")
@click.option("--model", help="Chat model id or alias (default: the profile's).")
@click.option("--collection", help="Index collection (default: guidelines).")
@json_option
@click.pass_obj
def ask(state: State, question: str, k: int, extractive: bool, model: str | None,
        collection: str | None, as_json: bool) -> None:
    """Answer a clinical question from the local evidence, citing every sentence."""
    from edge_assist.assistant import Assistant

    def stream(piece: str) -> None:  # the unchecked draft goes to stderr; stdout gets the checked answer
        click.echo(click.style(piece, dim=True), nl=False, err=True)

    with Assistant(state.settings) as assistant:
        answer = assistant.ask(question, k=k, extractive=extractive, model=model,
                               on_token=None if as_json else stream, collection=collection)
    if as_json:
        echo_json(answer.as_dict())
        return
    if answer.draft:
        click.echo("", err=True)
    _render(answer)


def _render(answer) -> None:  # type: ignore[no-untyped-def]
    click.echo(answer.text)
    click.echo()
    label = "Closest passages (not an answer):" if answer.abstained else "Sources:"
    click.echo(label)
    for c in answer.citations:
        doi = f"  doi:{c.doi}" if c.doi else ""
        click.echo(f"[{c.number}] {c.title} > {c.section}{doi}")
        if answer.abstained:
            click.echo("    " + " ".join(c.snippet.split())[:300])
    dropped = [s for s in answer.sentences if not s.supported]
    if dropped and not answer.abstained:
        click.echo(f"({len(dropped)} unsupported sentence(s) removed)")
