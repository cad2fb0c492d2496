"""Shared helpers of the MCP tests: a client on the in-memory transport, inputs from a spec."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from mcp import Client

from edge_assist.calculators import Calculator


@asynccontextmanager
async def connect(assistant: Any) -> AsyncIterator[Client]:
    """An SDK client talking JSON-RPC to ``make_server(assistant)`` over in-memory streams.

    ``mode="legacy"`` runs the initialize handshake and the full JSON-RPC framing (the stdio
    path minus the pipes), not the SDK's direct in-process dispatch.
    """
    from edge_assist.mcp_server import make_server

    async with Client(make_server(assistant), mode="legacy", cache=None) as client:
        yield client


def spec_inputs(calc: Calculator) -> dict[str, Any]:
    """Typed inputs read from the calculator's own spec: each required number at the middle of
    its plausible range, the first option of a choice, criteria absent, dates in order."""
    values: dict[str, Any] = {}
    for spec in calc.spec.inputs:
        if not spec.required:
            continue
        if spec.type == "number":
            low = spec.min if spec.min is not None else 0.0
            high = spec.max if spec.max is not None else low + 100
            values[spec.name] = round((low + high) / 2, 1)
        elif spec.type == "bool":
            values[spec.name] = False
        elif spec.type == "choice":
            values[spec.name] = spec.choices[0].value
        else:
            values[spec.name] = "01/01/2024" if spec.name == "lmp" else "03/01/2024"
    return values

