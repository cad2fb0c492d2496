"""Turn files into :class:`Document`\\ s: txt, Markdown, HTML, PDF and JSONL.

Every reader returns text with Markdown headings where the source had
headings, so one chunker serves all formats. HTML is read with the standard
library's ``html.parser`` (no lxml to install on a kiosk); PDF with pypdf,
refusing encrypted and text-less (scanned) files with a clear message instead
of indexing nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from edge_assist.errors import InputError
from edge_assist.index.types import METADATA_FIELDS, Document

SUPPORTED = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
             ".html": "html", ".htm": "html", ".pdf": "pdf", ".jsonl": "jsonl"}
MAX_FILE_BYTES = 200 * 2**20


def read_file(path: Path) -> list[Document]:
    """The documents in one file (JSONL files hold one per line).

    Raises:
        InputError: unsupported type, binary or undecodable content, an
            encrypted or text-less PDF, or a malformed JSONL line.
    """
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"{path.name}: unsupported file type {path.suffix or '(none)'}",
                         f"supported: {', '.join(sorted(SUPPORTED))}")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(f"{path.name} is larger than {MAX_FILE_BYTES // 2**20} MB",
                         "split it into smaller files")
    reader = {"text": _read_text, "markdown": _read_markdown, "html": _read_html,
              "pdf": _read_pdf, "jsonl": _read_jsonl}[kind]
    docs = reader(path)
    if not any(d.text.strip() for d in docs):
        raise InputError(f"{path.name} has no text to index")
    return docs


def iter_files(paths: list[Path]) -> Iterator[tuple[Path, bool]]:
    """Each file under ``paths`` (folders walked in name order) and whether it was named explicitly.

    Raises:
        InputError: a named path does not exist.
    """
    for path in paths:
        if not path.exists():
            raise InputError(f"no such file or folder: {path}")
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if not any(part.startswith(".") for part in child.relative_to(path).parts):
                    yield child, False
        else:
            yield path, True


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise InputError(f"{path.name} looks binary, not text", "give a text, Markdown or PDF file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path.name} is not UTF-8 text", "re-save it as UTF-8") from None


def _title_from(text: str, path: Path) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem.replace("_", " ").replace("-", " ")


def _read_text(path: Path) -> list[Document]:
    text = _decode(path)
    return [Document(str(path), text, title=path.stem.replace("_", " "), format="text")]


def _read_markdown(path: Path) -> list[Document]:
    text = _decode(path)
    return [Document(str(path), text, title=_title_from(text, path))]


class _HtmlToMarkdown(HTMLParser):
    """Headings become ``#`` lines, block elements paragraphs; scripts and styles are dropped."""

    BLOCKS = {"p", "div", "li", "tr", "br", "table", "ul", "ol", "section", "article", "blockquote"}
    SKIP = {"script", "style", "noscript", "template", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.out.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag in self.BLOCKS:
            self.out.append("\n\n" if tag != "br" else "\n")
        elif tag in {"td", "th"}:
            self.out.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif (len(tag) == 2 and tag[0] == "h" and tag[1] in "123456") or tag in self.BLOCKS:
            self.out.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data.strip()
        elif not self._skip:
            self.out.append(" ".join(data.split()) if data.strip() else " ")

    def markdown(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.out).splitlines())
        return "\n".join(line for line in lines)


def _read_html(path: Path) -> list[Document]:
    parser = _HtmlToMarkdown()
    parser.feed(_decode(path))
    parser.close()
    text = parser.markdown()
    return [Document(str(path), text, title=parser.title or _title_from(text, path), format="html")]


def _read_pdf(path: Path) -> list[Document]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{path.name} is an encrypted PDF", "save an unencrypted copy and add that")
        pages = [(i + 1, page.extract_text() or "") for i, page in enumerate(reader.pages)]
        title = str((reader.metadata or {}).get("/Title") or "")
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(f"{path.name} is not a readable PDF ({type(exc).__name__})",
                         "check the file is a complete PDF") from None
    except Exception as exc:  # pypdf raises bare errors on hostile files; never crash ingestion
        if "crypt" in str(exc).lower() or "AES" in str(exc):
            raise InputError(f"{path.name} is an encrypted PDF",
                             "save an unencrypted copy and add that") from None
        raise InputError(f"{path.name} could not be read as PDF ({type(exc).__name__})") from None
    if not any(text.strip() for _, text in pages):
        raise InputError(f"{path.name} has no extractable text (a scanned image?)",
                         "run OCR on it first, or add a text version")
    text = "\n\n".join(f"## Page {n}\n\n{body.strip()}" for n, body in pages if body.strip())
    return [Document(str(path), text, title=title or path.stem.replace("_", " "), format="pdf")]


def _read_jsonl(path: Path) -> list[Document]:
    docs = []
    for lineno, line in enumerate(_decode(path).splitlines(), 1):
        if line.strip():
            docs.append(_jsonl_document(path, lineno, line))
    return docs


def _jsonl_document(path: Path, lineno: int, line: str) -> Document:
    try:
        row: Any = json.loads(line)
    except json.JSONDecodeError:
        raise InputError(f"{path.name} line {lineno} is not JSON") from None
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise InputError(f"{path.name} line {lineno} has no \"text\" string",
                         "each line needs {\"text\": ...} and optional title, section, doi, url, "
                         "date, publisher, licence, id")
    text = row["text"]
    if row.get("section"):
        text = f"# {row['section']}\n\n{text}"
    meta = {k: str(row.get(k, "")) for k in METADATA_FIELDS}
    ident = str(row.get("id") or lineno)
    return Document(f"{path}#{ident}", text, **meta)
