"""Evidence: what the local index holds, adding files with a progress bar, and hybrid search."""

from __future__ import annotations

import threading
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, ProgressBar, Static

from edge_assist.errors import EdgeAssistError, GenerationCancelled
from edge_assist.tui.messages import IndexStats, IngestDone, IngestProgress, SearchDone
from edge_assist.tui.screens.base import EdgeScreen
from edge_assist.tui.widgets.bounded import BoundedInput
from edge_assist.tui.widgets.dialogs import PATH_LIMIT

PACK = "local"


def render_stats(stats: dict[str, Any]) -> Text:
    """Collections (documents, chunks, embedding model) and packs."""
    text = Text()
    for c in stats.get("collections", []):
        text.append(f"{c['name']}: ", style="bold")
        text.append(f"{c['documents']} documents, {c['chunks']} chunks ({c.get('model', '')})\n")
    packs = ", ".join(f"{p['name']} v{p['version']} ({p['documents']} docs)" for p in stats.get("packs", []))
    text.append(f"Packs: {packs or 'none'}", style="dim")
    return text


def render_hits(hits: list[Any]) -> Text:
    """Numbered hits with title, section, reference and the passage start."""
    if not hits:
        return Text("No passages found.", style="bold yellow")
    text = Text()
    for n, hit in enumerate(hits, 1):
        text.append(f"{n}. {hit.title or hit.source}", style="bold")
        text.append(f" — {hit.section}" if hit.section else "")
        ref = f"doi:{hit.doi}" if hit.doi else hit.url
        text.append(f"  {ref} [{hit.pack or '-'}] score {hit.score:.3f}\n", style="dim")
        text.append(f"   {' '.join(hit.text.split())[:220]}\n")
    return text


class EvidenceScreen(EdgeScreen):
    """The local evidence index."""

    NAME = "evidence"
    BINDINGS = [Binding("escape", "cancel", "Cancel"),
                Binding("ctrl+r", "reload", "Reload stats", priority=True)]

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[Any] = []
        self.stats_loaded = False

    def compose_body(self) -> ComposeResult:
        yield Static("Reading the index…", id="index-stats")
        with Horizontal(id="ingest-row"):
            yield BoundedInput(placeholder=f"add a file or folder to pack '{PACK}': path, Enter",
                               id="ingest-path", max_length=PATH_LIMIT)
            bar = ProgressBar(id="ingest-progress", show_eta=False)
            bar.display = False
            yield bar
        yield BoundedInput(placeholder="search the evidence, Enter", id="search", max_length=2000)
        with VerticalScroll(id="hits-box"):
            yield Static("", id="hits")

    def on_mount(self) -> None:
        self.action_reload()
        self.query_one("#search", Input).focus()

    def action_reload(self) -> None:
        """Re-read the index's counts."""
        assistant = self.assistant

        def job(cancel: threading.Event) -> IndexStats:
            return IndexStats(assistant.open_index().stats())

        self.run_job(job, "Reading the index")

    @on(IndexStats)
    def stats_read(self, message: IndexStats) -> None:
        self.set_activity("")
        self.stats_loaded = True
        self.query_one("#index-stats", Static).update(render_stats(message.stats))

    @on(Input.Submitted, "#ingest-path")
    def ingest(self, event: Input.Submitted) -> None:
        try:
            path = self.edge_app.fence.check(event.value.strip())
        except EdgeAssistError as exc:
            self.show_error(f"{exc.message}\n→ {exc.hint}")
            return
        assistant = self.assistant

        def job(cancel: threading.Event) -> IngestDone:
            def progress(done: int, total: int) -> None:
                if cancel.is_set():
                    raise GenerationCancelled("ingest cancelled (files so far are kept)")
                self.post_message(IngestProgress(done, total))

            return IngestDone(assistant.ingest([path], PACK, progress))

        bar = self.query_one("#ingest-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.run_job(job, f"Adding {path.name}")

    @on(IngestProgress)
    def ingest_progress(self, message: IngestProgress) -> None:
        self.query_one("#ingest-progress", ProgressBar).update(total=message.total, progress=message.done)

    @on(IngestDone)
    def ingested(self, message: IngestDone) -> None:
        self.query_one("#ingest-progress", ProgressBar).display = False
        report = message.report
        self.notify(f"Added {len(report.added)}, updated {len(report.updated)}, unchanged "
                    f"{len(report.unchanged)}, failed {len(report.failed)} ({report.chunks} chunks)",
                    markup=False)
        self.action_reload()

    @on(Input.Submitted, "#search")
    def search(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        if not query:
            return
        assistant = self.assistant

        def job(cancel: threading.Event) -> SearchDone:
            return SearchDone(assistant.open_index().search(query, assistant.embedder, k=5))

        self.run_job(job, "Searching")

    @on(SearchDone)
    def found(self, message: SearchDone) -> None:
        self.set_activity("")
        self.hits = message.hits
        self.query_one("#hits", Static).update(render_hits(self.hits))

    def show_error(self, text: str) -> None:
        widget = "#hits" if self.stats_loaded else "#index-stats"
        self.query_one(widget, Static).update(Text(text, style="bold red"))

    def clear_session(self) -> None:
        self.hits = []
        for wid in ("#ingest-path", "#search"):
            self.query_one(wid, Input).value = ""
        self.query_one("#hits", Static).update("")
        self.query_one("#ingest-progress", ProgressBar).display = False
