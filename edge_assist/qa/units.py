"""Evidence units: the sentences, list items and table rows of a guideline section.

An answer is built from the units that state it, quoted as written. A section's
Markdown becomes:

* ``sentence``: a sentence of a paragraph;
* ``item``: one list item (a nested item keeps its parent item as context);
* ``list``: a whole list with the line that introduces it ("Criteria (any of):"),
  for questions that ask for criteria or components;
* ``row``: a table row written with its header row ("Drug: Vancomycin; Target: AUC/MIC > 400");
* ``code``: a fenced block (an algorithm), kept whole.

Each unit keeps ``context``: the heading path and the lead-in or parent item it
reads under, which the scorer uses and the display leaves out unless the unit
cannot be read without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])")
_BOLD = re.compile(r"\*\*|__|(?<!\w)`|`(?!\w)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
MAX_LIST_ITEMS = 14
MAX_LIST_WORDS = 120


@dataclass
class Unit:
    """One quotable piece of evidence.

    Attributes:
        text: the unit as shown (Markdown emphasis removed, words as written).
        kind: ``sentence``, ``item``, ``list``, ``row`` or ``code``.
        context: what the unit reads under: heading path, lead-in line, parent item.
        lead: the lead-in a list item needs to be understood ("Contraindications:"), or ''.
        source: index of the section (citation) it came from.
        order: position in its section.
    """

    text: str
    kind: str
    context: str
    lead: str = ""
    source: int = 0
    order: int = 0

    @property
    def shown(self) -> str:
        """The unit as quoted in an answer: a short list item keeps its lead-in."""
        if self.lead and self.kind == "item":
            sep = " — " if ":" in self.text.split()[0] or ": " in self.text[:40] else ": "
            return f"{self.lead.rstrip(':').rstrip()}{sep}{self.text}"
        return self.text


def plain(text: str) -> str:
    """Markdown emphasis, code ticks and link targets removed; whitespace collapsed."""
    return " ".join(_BOLD.sub("", _LINK.sub(r"\1", text)).split())


def split_units(markdown: str, heading: str = "", source: int = 0) -> list[Unit]:
    """The units of one section's Markdown, in reading order.

    Examples:
        >>> [u.kind for u in split_units("Give fluids. Then reassess.\\n\\n- one\\n- two")]
        ['sentence', 'sentence', 'item', 'item', 'list']
    """
    units: list[Unit] = []
    base = heading
    for kind, lines, lead in _blocks(markdown):
        if kind == "heading":
            heading = _join(base, plain(lines[0]))
        elif kind == "table":
            units.extend(_rows(lines, heading, lead))
        elif kind == "list":
            units.extend(_items(lines, heading, lead))
        elif kind == "code":
            body = "\n".join(lines).strip()
            if body:
                units.append(Unit(body, "code", heading))
        else:
            para = plain(" ".join(lines))
            units.extend(Unit(s, "sentence", _join(heading, lead)) for s in sentences(para))
    for n, unit in enumerate(units):
        unit.source, unit.order = source, n
    return units


def sentences(paragraph: str) -> list[str]:
    """Sentences of a plain paragraph (split before a capital after . ! or ?)."""
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def _join(*parts: str) -> str:
    return " > ".join(p for p in parts if p)


def _blocks(markdown: str) -> list[tuple[str, list[str], str]]:
    """(kind, lines, lead-in) blocks: ``para``, ``list``, ``table`` or ``code``."""
    blocks: list[tuple[str, list[str], str]] = []
    kind, lines, fence = "", [], False
    last_para = ""

    def flush() -> None:
        nonlocal kind, lines, last_para
        if lines:
            lead = last_para if kind in ("list", "table") else ""
            blocks.append((kind or "para", lines, lead))
            if kind == "para":
                last_para = plain(" ".join(lines))
            elif kind != "code":
                last_para = ""
        kind, lines = "", []

    for raw in markdown.splitlines():
        line = raw.rstrip()
        if line.lstrip().startswith("```"):
            if fence:
                flush()
                fence = False
            else:
                flush()
                kind, fence = "code", True
            continue
        if fence:
            lines.append(line)
            continue
        heading = _HEADING.match(line)
        if heading:  # a chunk normally has none (they are its section path), plain text may
            flush()
            blocks.append(("heading", [heading.group(2)], ""))
            last_para = ""
            continue
        if not line.strip():
            if kind != "list":
                flush()
            continue
        now = "table" if line.lstrip().startswith("|") else "list" if _ITEM.match(line) else "para"
        if kind == "list" and now == "para" and (line.startswith((" ", "\t")) or not lines):
            now = "list"  # an item's continuation line
        if now != kind:
            flush()
            kind = now
        lines.append(line)
    flush()
    return blocks


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    return [plain(c) for c in body.split("|")]


def _rows(lines: list[str], heading: str, lead: str) -> list[Unit]:
    """One unit per body row, each cell labelled with its column header."""
    if len(lines) >= 2 and _TABLE_SEP.match(lines[1]):
        header, body = _cells(lines[0]), lines[2:]
    else:
        header, body = [], lines  # a table cut from its header: cells unlabelled
    units = []
    for line in body:
        if _TABLE_SEP.match(line):
            continue
        cells = _cells(line)
        if not any(cells):
            continue
        parts = [f"{h}: {c}" if h and c else c for h, c in zip(header or [""] * len(cells), cells,
                                                                  strict=False) if c]
        units.append(Unit("; ".join(parts), "row", _join(heading, lead, " | ".join(header))))
    firsts = [u.text.split(";")[0].partition(": ")[2] if header and header[0] else u.text.split(";")[0]
              for u in units]
    if header and header[0] and 1 < len(firsts) <= MAX_LIST_ITEMS:  # "Component: Age, BP, ..." (criteria)
        units.append(Unit(f"{header[0]}: {', '.join(firsts)}.", "list", _join(heading, lead)))
    return units


def _label(parent: str) -> str:
    """A parent item's label ("Consider magnesium sulfate IV:"), which a nested item reads under."""
    head, colon, _ = parent.partition(":")
    return f"{head}:" if colon and 0 < len(head.split()) <= 8 else ""


def _items(lines: list[str], heading: str, lead: str) -> list[Unit]:
    """One unit per item (continuation lines joined), and the whole list under its lead-in."""
    items: list[tuple[int, str]] = []
    for line in lines:
        match = _ITEM.match(line)
        if match:
            items.append((len(match.group(1).expandtabs(4)), match.group(2)))
        elif items:
            depth, text = items[-1]
            items[-1] = (depth, f"{text} {line.strip()}")
    units: list[Unit] = []
    parents: list[tuple[int, str]] = []
    top = min((d for d, _ in items), default=0)
    for depth, raw in items:
        text = plain(raw)
        parents = [(d, t) for d, t in parents if d < depth]
        parent = parents[-1][1] if parents else ""
        item_lead = lead if depth == top and lead.endswith(":") else _label(parent)
        units.append(Unit(text, "item", _join(heading, lead, parent), lead=item_lead))
        parents.append((depth, text))
    firsts = [u.text for u, (d, _) in zip(units, items, strict=True) if d == top]
    words = sum(len(t.split()) for t in firsts)
    if 1 < len(firsts) <= MAX_LIST_ITEMS and words <= MAX_LIST_WORDS:
        body = "; ".join(t.rstrip(".;") for t in firsts) + "."
        units.append(Unit(f"{lead} {body}".strip() if lead.endswith(":") else body, "list",
                          _join(heading, lead)))
    return units


def to_plain(markdown: str) -> str:
    """A section's Markdown as clean plain text: headings bare, bullets as "•", table rows labelled."""
    lines: list[str] = []
    for kind, block, _ in _blocks(markdown):
        if kind == "heading":
            lines.append(plain(block[0]))
        elif kind == "table":
            lines.extend(f"• {u.text}" for u in _rows(block, "", ""))
        elif kind == "list":
            lines.extend(_bullets(block))
        elif kind == "code":
            lines.extend(block)
        else:
            lines.append(plain(" ".join(block)))
    return "\n".join(lines)


def _bullets(block: list[str]) -> list[str]:
    out: list[str] = []
    for line in block:
        match = _ITEM.match(line)
        if match:
            out.append(f"{' ' * len(match.group(1).expandtabs(4))}• {plain(match.group(2))}")
        elif out:
            out[-1] = f"{out[-1]} {plain(line)}"
    return out
