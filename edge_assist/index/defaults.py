"""The default evidence built at setup: open-medicine guideline summaries and ICD-10-CM.

The 43 guideline summaries ship as Markdown inside the MIT-licensed
``open-medicine`` package (``open_medicine/guidelines/content/<id>/*.md``),
with a ``registry.json`` giving each guideline's title, DOI, year and issuing
body; those become the citation metadata. ICD-10-CM descriptions come from
``simple-icd-10-cm``'s bundled tabular list, one chunk per billable code, in a
separate collection so code look-up never crowds guideline answers out. It is
stored with binary vectors and re-ranked on floats: ~75k short strings, where
bit search keeps look-ups fast.

Which packs, collections and quantization come from the recipe, ``index/default.toml``
(installed as ``edge_assist/index/recipes/default.toml``, see :mod:`edge_assist.index.recipe`);
how each source is read and chunked is the code here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from importlib import metadata, resources
from typing import Any

from edge_assist.index.ingest import add_documents
from edge_assist.index.recipe import IndexRecipe, PackRecipe, load_recipe
from edge_assist.index.store import EmbedderLike, EvidenceIndex
from edge_assist.index.types import Chunk, Document, IngestReport

GUIDELINES = "open-medicine-guidelines"
ICD = "icd-10-cm"
Progress = Callable[[int], None]


def _pack_name(source: str, fallback: str) -> str:
    pack = load_recipe().pack_for(source)
    return pack.name if pack else fallback


def guideline_documents(pack: str | None = None) -> Iterator[Document]:
    """One document per guideline section file, with title, DOI, year and issuing body.

    Args:
        pack: the pack name their sources start with; default: the default recipe's.
    """
    pack = pack or _pack_name(GUIDELINES, "open-medicine")
    root = resources.files("open_medicine.guidelines")
    registry = {g["id"]: g for g in json.loads((root / "registry.json").read_text("utf-8"))}
    content = root / "content"
    for folder in sorted(content.iterdir(), key=lambda p: p.name):
        info: dict[str, Any] = registry.get(folder.name, {})
        for page in sorted(folder.iterdir(), key=lambda p: p.name):
            if page.name.endswith(".md"):
                yield _guideline(pack, folder.name, page.name[:-3], page.read_text("utf-8"), info)


def _guideline(pack: str, gid: str, section: str, text: str, info: dict[str, Any]) -> Document:
    doi = str(info.get("doi") or "")
    return Document(
        source=f"{pack}:{gid}/{section}", text=text,
        title=str(info.get("title") or gid), date=str(info.get("year") or ""),
        publisher=str(info.get("organization") or ""),
        licence="MIT (open-medicine summary; see the cited guideline for its own terms)",
        doi=doi, url=f"https://doi.org/{doi}" if doi else "")


def icd_documents(pack: str | None = None) -> Iterator[tuple[Document, list[Chunk]]]:
    """One document per 3-character category, one chunk per billable (leaf) code.

    Args:
        pack: the pack name their sources start with; default: the default recipe's.
    """
    import simple_icd_10_cm as icd

    pack = pack or _pack_name(ICD, "icd-10-cm")
    for category in (c for c in icd.get_all_codes(with_dots=True) if icd.is_category(c)):
        leaves = [c for c in [category, *icd.get_descendants(category)] if icd.is_leaf(c)]
        chunks = [Chunk(f"{icd.get_description(category)}", f"{code} {icd.get_description(code)}")
                  for code in leaves]
        text = "\n".join(c.text for c in chunks)
        yield Document(source=f"{pack}:{category}", text=text,
                       title=f"ICD-10-CM {category} {icd.get_description(category)}",
                       publisher="CDC/NCHS", licence="public domain (US government work)",
                       url="https://www.cdc.gov/nchs/icd/icd-10-cm/"), chunks


def build_default(index: EvidenceIndex, embedder: EmbedderLike, icd: bool = True,
                  progress: Progress | None = None, recipe: IndexRecipe | None = None) -> IngestReport:
    """Add (or bring up to date) the recipe's packs; unchanged documents are skipped by hash.

    Args:
        icd: also build the ICD-10-CM pack (about 75k codes; minutes on 2 cores).
        progress: called with 1 per document.
        recipe: what to build; default: the shipped default recipe (``index/default.toml``).
    """
    started = time.perf_counter()
    report = IngestReport()
    for pack in _packs(recipe or load_recipe(), icd):
        version = metadata.version(pack.version_from)
        index.set_pack(pack.name, version, pack.licence, pack.description)
        index.ensure_collection(pack.collection, embedder, pack.quantization)
        if pack.source == GUIDELINES:
            _build_guidelines(index, embedder, pack, version, report, progress)
        else:
            _build_icd(index, embedder, pack, version, report, progress)
    report.seconds = time.perf_counter() - started
    return report


def _packs(recipe: IndexRecipe, icd: bool) -> list[PackRecipe]:
    return [p for p in recipe.packs if icd or p.source != ICD]


def _build_guidelines(index: EvidenceIndex, embedder: EmbedderLike, pack: PackRecipe, version: str,
                      report: IngestReport, progress: Progress | None) -> None:
    for doc in guideline_documents(pack.name):
        add_documents(index, [doc], embedder, pack.collection, pack.name, version, report)
        if progress:
            progress(1)


def _build_icd(index: EvidenceIndex, embedder: EmbedderLike, pack: PackRecipe, version: str,
               report: IngestReport, progress: Progress | None) -> None:
    lists = {"added": report.added, "updated": report.updated, "unchanged": report.unchanged,
             "duplicate": report.duplicates}
    for doc, chunks in icd_documents(pack.name):
        outcome = index.add_document(doc, embedder, pack.collection, pack.name, version, chunks=chunks)
        lists[outcome].append(doc.source)
        report.chunks += len(chunks) if outcome in ("added", "updated") else 0
        if progress:
            progress(1)


def default_document_count(icd: bool = True, recipe: IndexRecipe | None = None) -> int:
    """How many documents :func:`build_default` visits (for a progress bar)."""
    n = 0
    for pack in _packs(recipe or load_recipe(), icd):
        if pack.source == GUIDELINES:
            n += sum(1 for _ in guideline_documents(pack.name))
        else:
            import simple_icd_10_cm as icd_mod

            n += sum(1 for c in icd_mod.get_all_codes(with_dots=True) if icd_mod.is_category(c))
    return n
