"""Saving the Settings screen's changes into ``config.toml``, keeping everything else as it was.

The standard library reads TOML but does not write it, and a round trip
through a writer would drop the administrator's comments and key order. So
the file is edited line by line: a changed key's value is replaced in place
(its trailing comment kept), a missing key is added at the end of its table,
a missing table at the end of the file. The result is parsed again and must
equal the old file's data with exactly the requested changes; anything else
(an inline table, a multi-line value, a file that changed shape) is refused
with a message and nothing is written. The new file replaces the old one
atomically (same folder, fsync, ``os.replace``), keeping its permissions.
"""

from __future__ import annotations

import copy
import json
import os
import re
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from edge_assist.errors import ConfigError

Key = tuple[str, ...]
"""A setting's path: ``("profile",)`` or ``("tui", "theme")``."""
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def toml_value(value: Any) -> str:
    """A scalar as TOML: booleans, integers, floats and basic strings.

    Raises:
        ConfigError: a value of another type (the Settings screen writes scalars only).
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML basic strings
    raise ConfigError(f"cannot write a {type(value).__name__} to config.toml", "edit the file by hand")


def update_toml(text: str, changes: Mapping[Key, Any]) -> str:
    """``text`` with each key in ``changes`` set, comments and unrelated lines untouched.

    Raises:
        ConfigError: ``text`` is not valid TOML, or the edit could not be made safely.
    """
    try:
        before = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config.toml is not valid TOML ({exc})", "fix the file by hand first") from None
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    for key, value in changes.items():
        lines = _set(lines, key, toml_value(value))
    result = "".join(lines)
    expected = copy.deepcopy(before)
    for key, value in changes.items():
        node = expected
        for part in key[:-1]:
            node = node.setdefault(part, {})
        node[key[-1]] = value
    try:
        after = tomllib.loads(result)
    except tomllib.TOMLDecodeError:
        after = None
    if after != expected:
        raise ConfigError("config.toml has a layout the Settings screen cannot edit safely; "
                          "nothing was saved", "edit the file by hand")
    return result


def _set(lines: list[str], key: Key, value: str) -> list[str]:
    table, name = ".".join(key[:-1]), key[-1]
    start, end = _table_range(lines, table)
    places = [(start, end, name)] if start is not None else []
    if table:  # also a dotted key at the root: `tui.theme = "dark"`
        places.append((*_table_range(lines, ""), f"{table}.{name}"))  # type: ignore[arg-type]
    for lo, hi, candidate in places:
        for i in range(lo, hi):
            match = re.match(rf"^(\s*{re.escape(candidate)}\s*=\s*)(.*?)(\s*)$", lines[i])
            if match:
                lines[i] = f"{match.group(1)}{value}{_comment(match.group(2))}\n"
                return lines
    if start is None:  # no such table yet: a new one at the end
        gap = "\n" if lines and lines[-1].strip() else ""
        return [*lines, f"{gap}[{table}]\n", f"{name} = {value}\n"]
    at = _after_last_key(lines, start, end)
    if not table and at == 0:  # the first root key: below the file's opening comments
        while at < end and lines[at].lstrip().startswith("#"):
            at += 1
    gap = ["\n"] if at < len(lines) and _HEADER.match(lines[at]) else []
    return [*lines[:at], f"{name} = {value}\n", *gap, *lines[at:]]


def _table_range(lines: list[str], table: str) -> tuple[int | None, int]:
    """(first line after the header, line of the next header) of ``table``; '' is the root."""
    start: int | None = 0 if table == "" else None
    for i, line in enumerate(lines):
        match = _HEADER.match(line)
        if not match:
            continue
        if start is not None:
            return start, i
        if match.group(1).replace(" ", "") == table and not line.lstrip().startswith("[["):
            start = i + 1
    return start, len(lines)


def _after_last_key(lines: list[str], start: int, end: int) -> int:
    """Where to add a key to a table: after its last key line (comments before the next header stay put)."""
    at = start
    for i in range(start, end):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#"):
            at = i + 1
    return at


def _comment(old_value: str) -> str:
    """The trailing comment after a scalar value, with its spacing ('' when there is none)."""
    if old_value[:1] in "\"'":
        quote = old_value[0]
        i = 1
        while i < len(old_value) and old_value[i] != quote:
            i += 2 if quote == '"' and old_value[i] == "\\" else 1
        rest = old_value[i + 1:]
    else:
        rest = old_value[old_value.find("#"):] if "#" in old_value else ""
        return f"  {rest}" if rest else ""
    hash_at = rest.find("#")
    return f"  {rest[hash_at:]}" if hash_at >= 0 else ""


def save_changes(path: Path, changes: Mapping[Key, Any]) -> None:
    """Write ``changes`` into the TOML file at ``path`` atomically (created if missing).

    Raises:
        ConfigError: the file cannot be read, parsed, edited safely or written.
    """
    try:
        text = path.read_text("utf-8") if path.exists() else ""
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o600
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}", "fix its permissions or encoding") from None
    body = update_toml(text, changes)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".config.", suffix=".toml", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror}", "check the folder's permissions") from None
