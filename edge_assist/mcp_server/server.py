"""The MCP server: the tools of :mod:`edge_assist.mcp_server.tools` over the official SDK.

Built on the SDK's low-level ``Server`` (one handler per method) rather than its decorator
API, because the calculator tools are generated from specs at start-up, each with its own
JSON Schema, which the decorator API would rebuild from Python signatures.

Tool calls run one at a time in a worker thread: the Assistant's models (llama.cpp above
all) are not safe to drive from two threads at once, and the event loop stays free to
answer pings while a model works. Every failure a caller can cause comes back as a tool
result with ``isError`` and one line of text; the server itself never stops on one.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread
import mcp_types as types
from mcp.server import Server
from mcp.server.context import ServerRequestContext
from mcp.server.stdio import stdio_server

from edge_assist import __version__
from edge_assist.mcp_server.tools import Tool, build_tools, invoke

if TYPE_CHECKING:
    from edge_assist.assistant import Assistant

INSTRUCTIONS = (
    "edge-assist runs on this machine, offline: no text sent to these tools leaves it. Calculator "
    "tools (calc_*) compute cited clinical scores from typed inputs in the units shown; extract finds "
    "findings in a note; ask answers only from the local evidence and abstains when it does not "
    "answer; note drafts a note for clinician review. Results are decision support, not decisions."
)


def to_mcp(tool: Tool) -> types.Tool:
    """The MCP description of one tool (all of them read-only and local)."""
    return types.Tool(name=tool.name, title=tool.title, description=tool.description,
                      input_schema=tool.input_schema,
                      annotations=types.ToolAnnotations(read_only_hint=True, open_world_hint=False,
                                                        idempotent_hint=True))


def make_server(assistant: Assistant) -> Server[Any]:
    """An MCP server over ``assistant`` (which the caller keeps open, and closes).

    Examples:
        >>> with Assistant() as assistant:   # doctest: +SKIP
        ...     server = make_server(assistant)
    """
    tools = build_tools(assistant)
    listing = types.ListToolsResult(tools=[to_mcp(t) for t in tools.values()])
    one_at_a_time = anyio.CapacityLimiter(1)

    async def list_tools(ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
                         ) -> types.ListToolsResult:
        return listing

    async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
                        ) -> types.CallToolResult:
        outcome = await anyio.to_thread.run_sync(invoke, assistant, tools, params.name, params.arguments,
                                                 limiter=one_at_a_time)
        if outcome.data is None:
            return types.CallToolResult(content=[types.TextContent(text=outcome.error)], is_error=True)
        text = json.dumps(outcome.data, indent=2, ensure_ascii=False)
        return types.CallToolResult(content=[types.TextContent(text=text)], structured_content=outcome.data)

    return Server("edge-assist", version=__version__, title="edge-assist",
                  description="An offline clinical assistant: calculators, extraction, cited answers, notes.",
                  instructions=INSTRUCTIONS, on_list_tools=list_tools, on_call_tool=call_tool)


def serve_stdio(assistant: Assistant) -> None:
    """Serve ``assistant`` over stdin/stdout until the client closes stdin."""
    server = make_server(assistant)

    async def main() -> None:
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())

    anyio.run(main)
