"""The default evidence built at setup: open-medicine guideline summaries and ICD-10-CM.

The 43 guideline summaries ship as Markdown inside the MIT-licensed
``open-medicine`` package (``open_medicine/guidelines/content/<id>/*.md``),
with a ``registry.json`` giving each guideline's title, DOI, year and issuing
body; those become the citation metadata. ICD-10-CM descriptions come from
``simple-icd-10-cm``'s bundled tabular list, one chunk per billable code, in a
separate collection so code look-up never crowds guideline answers out. It is
stored with binary vectors and re-ranked on floats: ~75k short strings, where
bit search keeps look-ups fast.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from importlib import metadata, resources
from typing import Any

from edge_assist.index.ingest import add_documents
from edge_assist.index.store import DEFAULT_COLLECTION, EmbedderLike, EvidenceIndex
from edge_assist.index.types import Chunk, Document, IngestReport

GUIDELINE_PACK = "open-medicine"
ICD_PACK = "icd-10-cm"
ICD_COLLECTION = "icd10cm"
Progress = Callable[[int], None]


def guideline_documents() -> Iterator[Document]:
    """One document per guideline section file, with title, DOI, year and issuing body."""
    root = resources.files("open_medicine.guidelines")
    registry = {g["id"]: g for g in json.loads((root / "registry.json").read_text("utf-8"))}
    content = root / "content"
    for folder in sorted(content.iterdir(), key=lambda p: p.name):
        info: dict[str, Any] = registry.get(folder.name, {})
        for page in sorted(folder.iterdir(), key=lambda p: p.name):
            if page.name.endswith(".md"):
                yield _guideline(folder.name, page.name[:-3], page.read_text("utf-8"), info)


def _guideline(gid: str, section: str, text: str, info: dict[str, Any]) -> Document:
    doi = str(info.get("doi") or "")
    return Document(
        source=f"{GUIDELINE_PACK}:{gid}/{section}", text=text,
        title=str(info.get("title") or gid), date=str(info.get("year") or ""),
        publisher=str(info.get("organization") or ""),
        licence="MIT (open-medicine summary; see the cited guideline for its own terms)",
        doi=doi, url=f"https://doi.org/{doi}" if doi else "")


def icd_documents() -> Iterator[tuple[Document, list[Chunk]]]:
    """One document per 3-character category, one chunk per billable (leaf) code."""
    import simple_icd_10_cm as icd

    for category in (c for c in icd.get_all_codes(with_dots=True) if icd.is_category(c)):
        leaves = [c for c in [category, *icd.get_descendants(category)] if icd.is_leaf(c)]
        chunks = [Chunk(f"{icd.get_description(category)}", f"{code} {icd.get_description(code)}")
                  for code in leaves]
        text = "\n".join(c.text for c in chunks)
        yield Document(source=f"{ICD_PACK}:{category}", text=text,
                       title=f"ICD-10-CM {category} {icd.get_description(category)}",
                       publisher="CDC/NCHS", licence="public domain (US government work)",
                       url="https://www.cdc.gov/nchs/icd/icd-10-cm/"), chunks


def build_default(index: EvidenceIndex, embedder: EmbedderLike, icd: bool = True,
                  progress: Progress | None = None) -> IngestReport:
    """Add (or bring up to date) the default packs; unchanged documents are skipped by hash.

    Args:
        icd: also build the ICD-10-CM collection (about 75k codes; minutes on 2 cores).
        progress: called with 1 per document.
    """
    started = time.perf_counter()
    report = IngestReport()
    index.set_pack(GUIDELINE_PACK, metadata.version("open-medicine"), "MIT",
                   "Guideline summaries shipped in the open-medicine package, with DOIs")
    for doc in guideline_documents():
        add_documents(index, [doc], embedder, DEFAULT_COLLECTION, GUIDELINE_PACK,
                      metadata.version("open-medicine"), report)
        if progress:
            progress(1)
    if icd:
        _build_icd(index, embedder, report, progress)
    report.seconds = time.perf_counter() - started
    return report


def _build_icd(index: EvidenceIndex, embedder: EmbedderLike, report: IngestReport,
               progress: Progress | None) -> None:
    version = metadata.version("simple-icd-10-cm")
    index.set_pack(ICD_PACK, version, "public domain", "ICD-10-CM code descriptions (simple-icd-10-cm)")
    index.ensure_collection(ICD_COLLECTION, embedder, "bit")
    lists = {"added": report.added, "updated": report.updated, "unchanged": report.unchanged,
             "duplicate": report.duplicates}
    for doc, chunks in icd_documents():
        outcome = index.add_document(doc, embedder, ICD_COLLECTION, ICD_PACK, version, chunks=chunks)
        lists[outcome].append(doc.source)
        report.chunks += len(chunks) if outcome in ("added", "updated") else 0
        if progress:
            progress(1)


def default_document_count(icd: bool = True) -> int:
    """How many documents :func:`build_default` visits (for a progress bar)."""
    n = sum(1 for _ in guideline_documents())
    if icd:
        import simple_icd_10_cm as icd_mod

        n += sum(1 for c in icd_mod.get_all_codes(with_dots=True) if icd_mod.is_category(c))
    return n
