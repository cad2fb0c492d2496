"""``edge-assist index``: add, list, search, remove, count, export and import local evidence."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from edge_assist.cli._common import State, echo_json, human_size, json_option, table
from edge_assist.errors import InputError

collection_option = click.option("--collection", default="guidelines", show_default=True,
                                  help="Index collection (e.g. icd10cm for ICD-10-CM codes).")


@contextmanager
def _assistant(state: State) -> Iterator[Any]:
    from edge_assist.assistant import Assistant

    with Assistant(state.settings) as assistant:
        yield assistant


@contextmanager
def _bar(length: int, label: str) -> Iterator[Any]:
    with click.progressbar(length=length, label=label, file=sys.stderr, show_pos=True) as bar:
        yield bar


@click.group("index")
def index() -> None:
    """Manage the local evidence index (documents, packs, search)."""


@index.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--pack", default="local", show_default=True, help="Pack the documents belong to.")
@click.option("--pack-version", default="1", show_default=True)
@click.option("--licence", default="", help="Licence recorded for documents that state none.")
@collection_option
@json_option
@click.pass_obj
def add(state: State, paths: tuple[Path, ...], pack: str, pack_version: str, licence: str,
        collection: str, as_json: bool) -> None:
    """Add txt, Markdown, HTML, PDF and JSONL files or folders (unchanged files are skipped)."""
    from edge_assist.index.ingest import add_paths, count_files

    with _assistant(state) as assistant, _bar(count_files(list(paths)), "indexing") as bar:
        report = add_paths(assistant.open_index(create=True), list(paths), assistant.embedder,
                           collection, pack, pack_version, licence, progress=bar.update)
    _show_report(report, as_json)
    if report.failed:
        raise InputError(f"{len(report.failed)} file(s) could not be added",
                         "see the reasons above; the other files were added")


def _show_report(report: Any, as_json: bool) -> None:
    if as_json:
        echo_json(report.as_dict())
        return
    click.echo(f"added {len(report.added)}, updated {len(report.updated)}, unchanged "
               f"{len(report.unchanged)}, duplicates {len(report.duplicates)}, skipped "
               f"{len(report.skipped)}: {report.chunks} chunks in {report.seconds:.1f} s")
    for source, error in report.failed:
        click.echo(f"  failed: {source}: {error}", err=True)


@index.command("build-default")
@click.option("--no-icd", is_flag=True, help="Skip the ICD-10-CM collection (about 75k codes).")
@click.option("--recipe", type=click.Path(path_type=Path, dir_okay=False),
              help="A pack recipe to build instead of the shipped one (a copy of index/default.toml).")
@json_option
@click.pass_obj
def build_default(state: State, no_icd: bool, recipe: Path | None, as_json: bool) -> None:
    """Build the default packs (open-medicine guidelines, ICD-10-CM) from their recipe; idempotent."""
    from edge_assist.index.defaults import build_default as build
    from edge_assist.index.defaults import default_document_count
    from edge_assist.index.recipe import load_recipe

    plan = load_recipe(recipe)
    total = default_document_count(not no_icd, plan)
    with _assistant(state) as assistant, _bar(total, "default pack") as bar:
        report = build(assistant.open_index(create=True), assistant.embedder, not no_icd, bar.update, plan)
    _show_report(report, as_json)


@index.command("list")
@click.option("--pack", help="Only this pack.")
@click.option("--collection", help="Only this collection.")
@json_option
@click.pass_obj
def list_documents(state: State, pack: str | None, collection: str | None, as_json: bool) -> None:
    """List indexed documents with their pack, DOI and chunk count."""
    with _assistant(state) as assistant:
        docs = assistant.open_index().documents(collection, pack)
    if as_json:
        echo_json(docs)
        return
    click.echo(table(["COLLECTION", "PACK", "SOURCE", "DOI", "CHUNKS"],
                     [[d["collection"], d["pack"], d["source"], d["doi"], d["chunks"]] for d in docs])
               if docs else "The index is empty.")


@index.command()
@click.argument("query")
@click.option("--k", default=5, show_default=True, type=click.IntRange(min=1, max=100))
@collection_option
@json_option
@click.pass_obj
def search(state: State, query: str, k: int, collection: str, as_json: bool) -> None:
    """Hybrid (BM25 + vector) search of the index."""
    from edge_assist.qa.pipeline import check_question

    with _assistant(state) as assistant:
        hits = assistant.open_index().search(check_question(query), assistant.embedder, collection, k)
    if as_json:
        echo_json([h.as_dict() for h in hits])
        return
    for n, h in enumerate(hits, 1):
        click.echo(f"[{n}] {h.title} > {h.section}  (score {h.score:.4f}, cosine {h.similarity:.2f})")
        click.echo(f"    {h.source}{'  doi:' + h.doi if h.doi else ''}")
        click.echo("    " + " ".join(h.text.split())[:300])
    if not hits:
        click.echo("No matches.")


@index.command()
@click.option("--pack", help="Remove this pack's documents.")
@click.option("--source", help="Remove documents from this file or folder.")
@click.option("--collection", help="Limit to (or, alone, drop) this collection.")
@json_option
@click.pass_obj
def rm(state: State, pack: str | None, source: str | None, collection: str | None,
       as_json: bool) -> None:
    """Remove documents by pack, source or collection."""
    if source and Path(source).exists():
        source = str(Path(source))
    with _assistant(state) as assistant:
        removed = assistant.open_index().remove(collection, pack, source)
    echo_json({"removed": removed}) if as_json else click.echo(f"removed {removed} document(s)")


@index.command()
@json_option
@click.pass_obj
def stats(state: State, as_json: bool) -> None:
    """Documents and chunks per collection and pack, and the index size."""
    with _assistant(state) as assistant:
        data = assistant.open_index().stats()
    if as_json:
        echo_json(data)
        return
    click.echo(f"{data['path']} ({human_size(data['bytes'])})")
    click.echo(table(["COLLECTION", "MODEL", "VECTORS", "DOCUMENTS", "CHUNKS"],
                     [[c["name"], c["model"], f"{c['quantization']}[{c['dimensions']}]", c["documents"],
                       c["chunks"]] for c in data["collections"]]))
    if data["packs"]:
        click.echo(table(["PACK", "VERSION", "LICENCE", "DOCUMENTS"],
                         [[p["name"], p["version"], p["licence"], p["documents"]] for p in data["packs"]]))


@index.command("export")
@click.argument("pack")
@click.argument("file", type=click.Path(path_type=Path))
@json_option
@click.pass_obj
def export(state: State, pack: str, file: Path, as_json: bool) -> None:
    """Write a pack to one file (manifest of hashes and licences) for other machines."""
    from edge_assist.index.packs import export_pack

    with _assistant(state) as assistant:
        manifest = export_pack(assistant.open_index(), pack, file)
    if as_json:
        echo_json({"file": str(file), "pack": manifest["pack"], "documents": len(manifest["documents"])})
    else:
        click.echo(f"wrote {pack} ({len(manifest['documents'])} documents) to {file}")


@index.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@json_option
@click.pass_obj
def import_(state: State, file: Path, as_json: bool) -> None:
    """Check a pack file's hashes and add its documents."""
    from edge_assist.index.packs import import_pack

    with _assistant(state) as assistant:
        report = import_pack(assistant.open_index(create=True), file, assistant.embedder)
    _show_report(report, as_json)
