"""What every command shares: its state, JSON output, tables and sizes.

The error boundary, which turns an :class:`EdgeAssistError` into a message and an
exit code, is :mod:`edge_assist.cli._boundary`; it sits above this module and
:mod:`edge_assist.cli.audit`, which both of them use.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import click

from edge_assist.settings import Settings


@dataclass
class State:
    """Per-invocation state carried in ``click.Context.obj``."""

    profile: str | None = None
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        """Settings loaded once per command, with ``--profile`` applied."""
        if self._settings is None:
            from edge_assist.settings import load_settings

            overrides = {"profile": self.profile} if self.profile else {}
            self._settings = load_settings(**overrides)
        return self._settings


def echo_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout."""
    click.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain, aligned text table (no colours, so it pipes and logs cleanly)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def human_size(n: float) -> str:
    """Bytes as B/KB/MB/GB (base 1024)."""
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
