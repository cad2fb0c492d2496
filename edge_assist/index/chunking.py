"""Split documents into retrievable chunks that remember their heading path.

A guideline's sentence means little without its heading ("Child-Pugh C >
Action"), so every chunk carries the path of Markdown headings above it, and
the path is indexed with the text. Chunks are built from whole paragraphs (a
table or list stays in one piece where it fits) up to ``max_chars``, about the
256-token window of the MiniLM encoder; only an over-long paragraph is split,
at sentence ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from edge_assist.index.types import Chunk

MAX_CHARS = 1000
MIN_CHARS = 40
# Bumped when the same text would be cut differently; the store re-chunks documents it cut before.
# 2: a long list or table split across chunks keeps its line breaks (items and rows stay apart).
CHUNKER_VERSION = 2
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[])")


def chunk_markdown(text: str, max_chars: int = MAX_CHARS) -> list[Chunk]:
    """Chunks of Markdown (or plain) text, each with its ``A > B > C`` heading path.

    Examples:
        >>> chunk_markdown("# Gout\\n## Flares\\nColchicine is first line.")[0].section
        'Gout > Flares'
    """
    chunks: list[Chunk] = []
    for section, paragraphs in _sections(text):
        chunks.extend(Chunk(section, body) for body in _pack(paragraphs, max_chars))
    return _merge_tiny(chunks)


def _sections(text: str) -> Iterator[tuple[str, list[str]]]:
    path: list[tuple[int, str]] = []
    paragraphs: list[str] = []
    current: list[str] = []

    def flush_paragraph() -> None:
        if current:
            paragraphs.append("\n".join(current).strip())
            current.clear()

    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            flush_paragraph()
            if paragraphs:
                yield _path(path), list(paragraphs)
                paragraphs.clear()
            level = len(match.group(1))
            path = [(lvl, h) for lvl, h in path if lvl < level] + [(level, _clean(match.group(2)))]
        elif line.strip():
            current.append(line.rstrip())
        else:
            flush_paragraph()
    flush_paragraph()
    if paragraphs:
        yield _path(path), paragraphs


def _path(path: list[tuple[int, str]]) -> str:
    return " > ".join(h for _, h in path)


def _clean(heading: str) -> str:
    return heading.replace("**", "").strip()


def _pack(paragraphs: list[str], max_chars: int) -> Iterator[str]:
    buffer: list[str] = []
    size = 0
    for paragraph in (p for para in paragraphs for p in _split_long(para, max_chars)):
        if buffer and size + len(paragraph) + 2 > max_chars:
            yield "\n\n".join(buffer)
            buffer, size = [], 0
        buffer.append(paragraph)
        size += len(paragraph) + 2
    if buffer:
        yield "\n\n".join(buffer)


def _split_long(paragraph: str, max_chars: int) -> Iterator[str]:
    if len(paragraph) <= max_chars:
        yield paragraph
        return
    piece = ""
    glue = "\n" if "\n" in paragraph else " "  # list items and table rows stay one to a line
    for sentence in _pieces(paragraph):
        if piece and len(piece) + len(sentence) + 1 > max_chars:
            yield piece
            piece = ""
        piece = f"{piece}{glue}{sentence}" if piece else sentence
    if piece:
        yield piece


def _pieces(paragraph: str) -> Iterator[str]:
    """Sentences (or lines, for tables and lists), hard-cut if still too long."""
    parts = paragraph.splitlines() if "\n" in paragraph else _SENTENCE_END.split(paragraph)
    for part in parts:
        while len(part) > MAX_CHARS * 2:
            yield part[: MAX_CHARS * 2]
            part = part[MAX_CHARS * 2:]
        if part.strip():
            yield part


def _merge_tiny(chunks: list[Chunk]) -> list[Chunk]:
    """Fold a chunk too short to retrieve on its own into the previous one of its section."""
    merged: list[Chunk] = []
    for chunk in chunks:
        if (merged and len(chunk.text) < MIN_CHARS and merged[-1].section == chunk.section):
            merged[-1] = Chunk(chunk.section, merged[-1].text + "\n\n" + chunk.text)
        else:
            merged.append(chunk)
    return merged
