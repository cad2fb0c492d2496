"""JSON-schema → GBNF for llama.cpp, with the string rule fixed and sizes bounded.

llama-cpp-python's converter lets any character but ``"`` and ``\\`` into a
JSON string, raw newlines and control characters included: output that is not
valid JSON. We forbid U+0000-U+001F and U+007F in the ``char`` rule (escapes
stay allowed) and give every string and array an upper bound when the schema
has none, so a small model cannot loop inside one value until ``max_tokens``.
"""

from __future__ import annotations

import copy
import json
from typing import Any

DEFAULT_MAX_LENGTH = 300
DEFAULT_MAX_ITEMS = 32

_LOOSE_CHAR = 'char ::= [^"\\\\] |'
_STRICT_CHAR = 'char ::= [^"\\\\\\x7F\\x00-\\x1F] |'


def bound_schema(
    schema: dict[str, Any], max_length: int = DEFAULT_MAX_LENGTH, max_items: int = DEFAULT_MAX_ITEMS
) -> dict[str, Any]:
    """A copy of ``schema`` with ``maxLength``/``maxItems`` on every unbounded string/array."""
    bounded = copy.deepcopy(schema)
    _bound(bounded, max_length, max_items)
    return bounded


def _bound(node: Any, max_length: int, max_items: int) -> None:
    if isinstance(node, list):
        for item in node:
            _bound(item, max_length, max_items)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "string" in kinds and "enum" not in node and "const" not in node and "pattern" not in node:
        node.setdefault("maxLength", max_length)
    if "array" in kinds:
        node.setdefault("maxItems", max_items)
    for value in node.values():
        _bound(value, max_length, max_items)


def schema_to_gbnf(schema: dict[str, Any]) -> str:
    """GBNF text for ``schema`` (bounded), with the strict ``char`` rule."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    text = json_schema_to_gbnf(json.dumps(bound_schema(schema)))
    return fix_char_rule(text)


def fix_char_rule(gbnf: str) -> str:
    """Forbid raw control characters inside JSON strings in a generated grammar."""
    return gbnf.replace(_LOOSE_CHAR, _STRICT_CHAR)
