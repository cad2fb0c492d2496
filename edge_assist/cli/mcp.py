"""``edge-assist mcp``: serve the calculators, extract, ask and note to an MCP client over stdio."""

from __future__ import annotations

import click

from edge_assist.cli._common import State


@click.command("mcp")
@click.pass_obj
def mcp(state: State) -> None:
    """Serve the tools to an MCP client (Claude Desktop, an IDE) over stdin/stdout, offline.

    Configure the client to start `edge-assist mcp`; stdout carries the protocol, so run it
    from the client, not by hand. Every tool call is written to the audit log.
    """
    from edge_assist.assistant import Assistant
    from edge_assist.mcp_server import serve_stdio

    with Assistant(state.settings) as assistant:
        serve_stdio(assistant)
