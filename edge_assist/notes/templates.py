"""Note templates as validated data: TOML files naming sections and the content each one takes.

Why data: a clinic adds its own template (a wound-care note, a telehealth
note) without code. A template lists sections; each names the *content
classes* it takes (``complaint``, ``history``, ``ros``, ``exam``, ``results``,
``assessment``, ``plan``: what :mod:`edge_assist.notes.assign` sorts transcript
turns into), a word budget, and an instruction for the LLM writer. Loading
rejects unknown keys and unknown classes and lists the allowed ones, as
medspaCy's ``ContextRule.from_dict`` does, so a typo fails at load, not as an
empty section.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from edge_assist.errors import InputError

CONTENT_CLASSES = ("complaint", "history", "ros", "exam", "results", "assessment", "plan")
GROUPS = ("subjective", "objective_exam", "objective_results", "assessment_and_plan")
_TEMPLATE_KEYS = {"name", "title", "description", "sections"}
_SECTION_KEYS = {"key", "title", "content", "instruction", "max_words", "group", "labels", "facts", "style"}
LABEL_SETS = ("", "systems", "plan_parts")
STYLES = ("lines", "brief")
"""How the facts writer fills a section: every line of its facts, or the terms alone (a chief complaint)."""


@dataclass(frozen=True)
class SectionSpec:
    """One section of a template.

    Attributes:
        key: identifier (``hpi``), unique in the template.
        title: heading printed in the note.
        content: the content classes whose turns this section is written from.
        instruction: what the LLM writer is told the section holds.
        max_words: word budget of the section.
        group: ACI-Bench evaluation group (subjective, objective_exam, ...).
        labels: a label set of ``rules/labels.toml`` (``systems``, ``plan_parts``) that
            groups the section's sentences under sub-headings, or "".
        facts: what the facts writer puts here, in order: fact kinds, each optionally narrowed
            to assertions (``"complaint:absent"``, ``"complaint:present,possible"``). A template
            without it takes the kinds of its content classes (``rules/clinical_style.toml``).
        style: ``lines`` (every line of the facts) or ``brief`` (their terms only).
    """

    key: str
    title: str
    content: tuple[str, ...]
    instruction: str = ""
    max_words: int = 120
    group: str = "subjective"
    labels: str = ""
    facts: tuple[str, ...] = ()
    style: str = "lines"

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str) -> SectionSpec:
        """Build from a TOML table, rejecting unknown keys and content classes.

        Raises:
            InputError: the table is malformed; the message names what is allowed.
        """
        unknown = set(data) - _SECTION_KEYS
        if unknown:
            raise InputError(f"{where}: unknown section key(s) {sorted(unknown)}",
                             f"allowed: {', '.join(sorted(_SECTION_KEYS))}")
        if not isinstance(data.get("key"), str) or not isinstance(data.get("title"), str):
            raise InputError(f"{where}: every section needs a 'key' and a 'title' (strings)")
        content = data.get("content", [])
        bad = [c for c in content if c not in CONTENT_CLASSES] if isinstance(content, list) else [content]
        if bad or not content:
            raise InputError(f"{where}: section {data['key']!r} has bad content {bad or '[]'}",
                             f"content is a non-empty list of: {', '.join(CONTENT_CLASSES)}")
        group = data.get("group", "subjective")
        if group not in GROUPS:
            raise InputError(f"{where}: section {data['key']!r} has unknown group {group!r}",
                             f"groups: {', '.join(GROUPS)}")
        max_words = data.get("max_words", 120)
        if not isinstance(max_words, int) or not 1 <= max_words <= 2000:
            raise InputError(f"{where}: max_words of {data['key']!r} must be an integer 1-2000")
        labels = data.get("labels", "")
        if labels not in LABEL_SETS:
            raise InputError(f"{where}: section {data['key']!r} has unknown labels {labels!r}",
                             f"label sets: {', '.join(x for x in LABEL_SETS if x)}")
        style = data.get("style", "lines")
        if style not in STYLES:
            raise InputError(f"{where}: section {data['key']!r} has unknown style {style!r}",
                             f"styles: {', '.join(STYLES)}")
        facts = _fact_selectors(data.get("facts", []), data["key"], where)
        return cls(data["key"], data["title"], tuple(content), str(data.get("instruction", "")),
                   max_words, group, labels, facts, style)


def _fact_selectors(value: Any, key: str, where: str) -> tuple[str, ...]:
    """``["complaint:absent", "history"]`` checked against the fact kinds and assertions."""
    from typing import get_args

    from edge_assist.extract.dialogue.types import Assertion, FactKind

    kinds, assertions = get_args(FactKind), get_args(Assertion)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: facts of {key!r} must be a list of strings",
                         f"e.g. facts = [\"complaint:absent\"]; kinds: {', '.join(kinds)}")
    for selector in value:
        kind, _, wanted = selector.partition(":")
        bad = [a for a in wanted.split(",") if a not in assertions] if wanted else []
        if kind not in kinds or bad:
            raise InputError(f"{where}: section {key!r} has bad facts selector {selector!r}",
                             f"kinds: {', '.join(kinds)}; assertions after ':': {', '.join(assertions)}")
    return tuple(value)


@dataclass(frozen=True)
class Template:
    """A note template: a name and its sections in order."""

    name: str
    title: str
    sections: tuple[SectionSpec, ...]
    description: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "template") -> Template:
        """Build and validate a template from parsed TOML.

        Raises:
            InputError: unknown keys, no sections, or duplicate section keys.
        """
        unknown = set(data) - _TEMPLATE_KEYS
        if unknown:
            raise InputError(f"{where}: unknown key(s) {sorted(unknown)}",
                             f"allowed: {', '.join(sorted(_TEMPLATE_KEYS))}")
        tables = data.get("sections")
        if not isinstance(tables, list) or not tables:
            raise InputError(f"{where}: no [[sections]]", "add at least one [[sections]] table")
        sections = tuple(SectionSpec.from_dict(t, where) for t in tables)
        keys = [s.key for s in sections]
        if len(set(keys)) != len(keys):
            raise InputError(f"{where}: duplicate section keys", "give every section its own key")
        name = str(data.get("name", where))
        return cls(name, str(data.get("title", name)), sections, str(data.get("description", "")))

    @property
    def content_classes(self) -> set[str]:
        """Every content class some section takes."""
        return {c for s in self.sections for c in s.content}


def builtin_names() -> list[str]:
    """Names of the templates shipped in ``edge_assist/notes/templates/``."""
    folder = resources.files("edge_assist.notes") / "templates"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def load_template(name_or_path: str | Path) -> Template:
    """A built-in template by name (``soap``, ``aci``, ``progress``) or a user's TOML file.

    Raises:
        InputError: unknown name, unreadable file, bad TOML, or an invalid template.

    Examples:
        >>> [s.key for s in load_template("soap").sections]
        ['subjective', 'objective', 'assessment', 'plan']
    """
    text, where = _read(str(name_or_path))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where} is not valid TOML ({exc})") from None
    return Template.from_dict(data, where)


def _read(name: str) -> tuple[str, str]:
    if name in builtin_names():
        folder = resources.files("edge_assist.notes") / "templates"
        return (folder / f"{name}.toml").read_text("utf-8"), name
    path = Path(name).expanduser()
    if path.suffix == ".toml" or path.exists():
        try:
            return path.read_text("utf-8"), path.name
        except (OSError, UnicodeDecodeError):
            raise InputError(f"cannot read template file {path}", "give a UTF-8 TOML file") from None
    raise InputError(f"unknown template {name!r}",
                     f"built-in: {', '.join(builtin_names())}; or a path to a .toml template")
