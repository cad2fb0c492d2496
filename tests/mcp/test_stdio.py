"""`edge-assist mcp` as a real process, driven over its stdin/stdout by the SDK's stdio client."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from edge_assist.trust import audit

ROOT = Path(__file__).parents[2]
NOTE = "Denies chest pain. Takes metformin 500 mg twice daily."


@asynccontextmanager
async def spawn(args: list[str], errlog: Path, **env: str) -> AsyncIterator[ClientSession]:
    """Start ``python ARGS`` with this test's user dir and open an initialized session to it."""
    params = StdioServerParameters(command=sys.executable, args=args, cwd=str(ROOT),
                                   env={"EDGE_ASSIST_HOME": os.environ["EDGE_ASSIST_HOME"], **env})
    with errlog.open("w") as err:
        async with stdio_client(params, errlog=err) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            yield session


async def test_the_command_serves_the_calculators_over_stdio(edge_home: Path, tmp_path: Path) -> None:
    """`python -m edge_assist mcp` lists the tools and computes a score; the CLI audits the session."""
    errlog = tmp_path / "stderr.txt"
    async with spawn(["-m", "edge_assist", "mcp"], errlog) as session:
        names = {t.name for t in (await session.list_tools()).tools}
        result = await session.call_tool("calc_curb_65", {"age": 70, "bun": 25, "respiratory_rate": 32,
                                                          "sbp": 85, "dbp": 50, "confusion": True})
        bad = await session.call_tool("calc_curb_65", {"age": "old", "bun": 25, "respiratory_rate": 32,
                                                       "sbp": 85, "dbp": 50})
    assert {"calc_curb_65", "extract", "ask", "note"} <= names
    assert result.is_error is False and result.structured_content["value"] == 5
    assert bad.is_error and "age must be a number" in bad.content[0].text
    actions = [e["action"] for _, e in audit.read(edge_home / "audit.jsonl")]
    assert actions == ["mcp calc_curb_65", "mcp calc_curb_65", "mcp"]  # each call, then the command
    assert "Traceback" not in errlog.read_text("utf-8")


async def test_on_fake_models_every_capability_answers_offline(edge_home: Path, tmp_path: Path) -> None:
    """The fake-model process extracts, drafts, abstains, refuses bad input, with the offline guard on."""
    errlog, guard = tmp_path / "stderr.txt", tmp_path / "guard.txt"
    transcript = (ROOT / "tests" / "data" / "notes" / "encounter.txt").read_text("utf-8")
    async with spawn(["-m", "tests.mcp._fake_server"], errlog,
                     EDGE_ASSIST_TEST_GUARD_FILE=str(guard)) as session:
        found = await session.call_tool("extract", {"note": NOTE})
        note = await session.call_tool("note", {"transcript": transcript})
        no_index = await session.call_tool("ask", {"question": "First-line treatment of a gout flare?"})
        empty = await session.call_tool("note", {"transcript": "  "})
        unknown = await session.call_tool("calc_potato", {})
    assert found.structured_content["problems"][0]["assertion"]["is_negated"] is True
    assert note.structured_content["status"] == "draft for clinician review"
    assert no_index.is_error and "no evidence index" in no_index.content[0].text
    assert empty.is_error and unknown.is_error and "unknown tool" in unknown.content[0].text
    assert guard.read_text("utf-8") == "on"
    logs = errlog.read_text("utf-8") + (edge_home / "audit.jsonl").read_text("utf-8")
    assert "metformin" not in logs and "Traceback" not in logs
