"""The JSON grammar: no raw control characters in strings, every size bounded."""

from edge_assist.models.grammar import bound_schema, fix_char_rule, schema_to_gbnf


def test_char_rule_forbids_raw_newlines() -> None:
    """The generated grammar excludes U+0000-U+001F inside strings; escapes stay allowed."""
    gbnf = schema_to_gbnf({"type": "object", "properties": {"a": {"type": "string"}}})
    char = next(line for line in gbnf.splitlines() if line.startswith("char ::="))
    assert "\\x00-\\x1F" in char
    assert '"\\\\" (["\\\\/bfnrt]' in char


def test_fix_char_rule_is_a_no_op_on_fixed_grammar() -> None:
    """Fixing twice changes nothing."""
    once = fix_char_rule('char ::= [^"\\\\] | "x"')
    assert fix_char_rule(once) == once


def test_unbounded_strings_and_arrays_get_bounds() -> None:
    """maxLength/maxItems are added where missing and kept where given."""
    schema = {"type": "object", "properties": {
        "a": {"type": "string"}, "b": {"type": "array", "items": {"type": "string"}},
        "c": {"type": "string", "maxLength": 5}, "d": {"type": "string", "enum": ["x"]}}}
    bounded = bound_schema(schema)
    props = bounded["properties"]
    assert props["a"]["maxLength"] == 300
    assert props["b"]["maxItems"] == 32 and props["b"]["items"]["maxLength"] == 300
    assert props["c"]["maxLength"] == 5
    assert "maxLength" not in props["d"]
    assert "maxLength" not in schema["properties"]["a"]  # the caller's schema is untouched
