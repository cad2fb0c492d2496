"""``edge-assist mcp``: the calculators, extraction, cited answers and notes as MCP tools over stdio.

A front end beside the CLI and the TUI: :func:`make_server` builds an MCP server (the
official ``mcp`` SDK) from an :class:`~edge_assist.assistant.Assistant`, and
:func:`serve_stdio` runs it on stdin/stdout for a desktop MCP client. The tools
themselves are protocol-free data in :mod:`edge_assist.mcp_server.tools`.

The SDK is imported only here, so ``import edge_assist`` never loads it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["make_server", "serve_stdio"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from edge_assist.mcp_server import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
