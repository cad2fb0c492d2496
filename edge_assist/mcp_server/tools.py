"""The MCP tools as data: one per calculator (built from its spec), plus extract, ask and note.

Nothing here knows the protocol: a :class:`Tool` is a name, a description, a JSON Schema
for its arguments and a function of ``(Assistant, arguments)`` that returns the same JSON
object as the matching ``--json`` command. :func:`invoke` is the one path every call
takes: check the arguments against the schema, run, and write one audit entry, so the
server in :mod:`edge_assist.mcp_server.server` only translates to and from MCP types.

Why one tool per calculator rather than one ``calc(name, inputs)`` tool: a client (and
the model behind it) sees each calculator's typed inputs, units and citation in the tool
list, and its arguments are validated against that calculator's own schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, by_relevance

from edge_assist.errors import EdgeAssistError, ExitCode, InputError
from edge_assist.qa.pipeline import MAX_QUESTION_CHARS

if TYPE_CHECKING:
    from edge_assist.assistant import Assistant
    from edge_assist.calculators import Calculator
    from edge_assist.calculators.spec import InputSpec

Arguments = dict[str, Any]
Runner = Callable[["Assistant", Arguments], dict[str, Any]]
#: Arguments whose values are identifiers of the installation, safe for the audit log.
SAFE_NAMES = frozenset({"template", "writer", "collection", "model"})
#: A number written with its unit, as ``calc run`` accepts it: "88 umol/L".
NUMBER_WITH_UNIT = r"^\s*[-+]?\d+(?:[.,]\d+)?\s*\S.*$"
TEXT_LIMIT = "at most 2 MB of UTF-8 text"


@dataclass(frozen=True)
class Tool:
    """One MCP tool.

    Attributes:
        name: the tool name (letters, digits, ``_``).
        title: a human name.
        description: what it does, its units and its source.
        input_schema: JSON Schema (2020-12) of the arguments object.
        run: computes the JSON result from the checked arguments.
        audit: the arguments as safe audit details (never free text).
    """

    name: str
    title: str
    description: str
    input_schema: dict[str, Any]
    run: Runner
    audit: Callable[[Arguments], dict[str, Any]]


@dataclass(frozen=True)
class Outcome:
    """A tool call's result: the JSON data, or a one-line error message."""

    data: dict[str, Any] | None
    error: str = ""


# -- calculators ------------------------------------------------------------------------------
def tool_name(calculator_id: str) -> str:
    """The tool name of a calculator: ``chads-vasc`` -> ``calc_chads_vasc``."""
    return "calc_" + calculator_id.replace("-", "_")


def calculator_tool(calc: Calculator) -> Tool:
    """The tool of one calculator: typed inputs with units, its citation in the description."""
    spec = calc.spec
    source = spec.source.citation + (f" doi:{spec.source.doi}" if spec.source.doi else "")
    out = f" Output: {spec.output_unit}." if spec.output_unit else ""
    description = (f"{spec.name} ({spec.category}). {spec.description}".rstrip() + f"{out} "
                   f"Formula {spec.formula_version}. Source: {source}. Returns value, band "
                   "(interpretation), steps, assumptions and the citation.")
    return Tool(tool_name(spec.id), spec.name, " ".join(description.split()), input_schema(calc),
                _calculate(spec.id), lambda args, cid=spec.id: {"calculator": cid, "inputs": len(args)})


def input_schema(calc: Calculator) -> dict[str, Any]:
    """The JSON Schema of a calculator's inputs (canonical units; other units as strings)."""
    inputs = calc.spec.inputs
    return {"type": "object", "properties": {i.name: _property(i) for i in inputs},
            "required": [i.name for i in inputs if i.required], "additionalProperties": False}


def _property(spec: InputSpec) -> dict[str, Any]:
    label = spec.label or spec.name.replace("_", " ")
    text = label + (f" — {spec.help}" if spec.help else "")
    prop: dict[str, Any]
    if spec.type == "number":
        text += _number_text(spec)
        prop = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": NUMBER_WITH_UNIT}]}
        if spec.unit:
            prop["x-unit"] = spec.unit
    elif spec.type == "bool":
        prop = {"type": "boolean"}
        text += ": true if the criterion is present."
    elif spec.type == "choice":
        prop = {"type": "string", "enum": [c.value for c in spec.choices]}
        text += ": " + "; ".join(f"{c.value}" + (f" = {c.label}" if c.label else "") for c in spec.choices)
    else:
        prop = {"type": "string", "format": "date"}
        text += " (MM/DD/YYYY or YYYY-MM-DD)."
    if not spec.required and spec.default is not None:
        prop["default"] = spec.default
    prop["description"] = text
    return prop


def _number_text(spec: InputSpec) -> str:
    """" in mg/dL; plausible 0.1–20. A string may carry its unit (converted), e.g. "10 mg/dL"."."""
    known = spec.min is not None and spec.max is not None
    plausible = f"; plausible {spec.min:g}–{spec.max:g}" if known else ""
    if not spec.unit:
        return f"{plausible}."
    middle = (spec.min + spec.max) / 2 if spec.min is not None and spec.max is not None else 1
    example = f"{middle:g} {spec.unit}"
    return f" in {spec.unit}{plausible}. A string may carry its unit (converted), e.g. \"{example}\"."


def _calculate(calculator_id: str) -> Runner:
    def run(assistant: Assistant, args: Arguments) -> dict[str, Any]:
        return assistant.calculator(calculator_id).compute(args).as_dict()

    return run


# -- extract, ask, note -----------------------------------------------------------------------
def extract_tool() -> Tool:
    """Findings of a note, each with its assertion (negated, historical, family...), or FHIR."""
    schema = _object({"note": {"type": "string", "description": f"The clinical note ({TEXT_LIMIT})."},
                      "fhir": {"type": "boolean", "default": False,
                               "description": "Return a validated FHIR R4 collection Bundle instead."},
                      "llm": {"type": "boolean", "default": False,
                              "description": "Let the chat model fill medication details the rules missed."}},
                     ["note"])

    def run(assistant: Assistant, args: Arguments) -> dict[str, Any]:
        result = assistant.extract(args["note"], use_llm=args.get("llm", False))
        if args.get("fhir"):
            return assistant.extraction_fhir(result, args["note"])
        return result.model_dump(mode="json")

    return Tool("extract", "Extract findings",
                "Extract problems, medications, allergies, vitals, labs and procedures from a clinical "
                "note, each with its span, section and assertion (affirmed, negated, hypothetical, "
                "historical, family), coded where possible (ICD-10-CM, DrugBank). Rules only unless "
                "llm is true; runs on this machine.", schema, run, _safe)


def ask_tool() -> Tool:
    """A cited answer from the local evidence index, or an abstention with the closest passages."""
    schema = _object({"question": {"type": "string", "maxLength": MAX_QUESTION_CHARS,
                                   "description": "The clinical question (at most 2,000 characters)."},
                      "k": {"type": "integer", "minimum": 1, "maximum": 10, "default": 3,
                            "description": "Passages to answer from."},
                      "extractive": {"type": "boolean", "default": False,
                                     "description": "Return the passages verbatim; no language model."},
                      "collection": {"type": "string", "description": "Index collection (default: "
                                                                      "guidelines)."}},
                     ["question"])

    def run(assistant: Assistant, args: Arguments) -> dict[str, Any]:
        return assistant.ask(args["question"], k=args.get("k", 3), extractive=args.get("extractive", False),
                             collection=args.get("collection")).as_dict()

    return Tool("ask", "Ask the evidence",
                "Answer a clinical question from the local evidence index only. Every sentence cites a "
                "passage and is checked against it; unsupported sentences are removed. When the "
                "evidence does not answer, abstained is true and citations are the closest passages "
                "(not an answer).", schema, run, _safe)


def note_tool() -> Tool:
    """A draft clinical note from a conversation or dictation, every sentence with its source turns."""
    from edge_assist.notes.templates import builtin_names

    schema = _object({"transcript": {"type": "string", "description": "[doctor]/[patient] turns, "
                                                                      f"'Doctor:' lines or a dictation "
                                                                      f"({TEXT_LIMIT})."},
                      "template": {"type": "string", "enum": builtin_names(), "default": "soap",
                                   "description": "The note template."},
                      "writer": {"type": "string", "enum": ["extractive", "llm", "hybrid"],
                                 "default": "extractive",
                                 "description": "extractive: rules, no model; llm: the chat model writes "
                                                "each section; hybrid: both."},
                      "fhir": {"type": "boolean", "default": False,
                               "description": "Return a validated FHIR R4 document Bundle instead."}},
                     ["transcript"])

    def run(assistant: Assistant, args: Arguments) -> dict[str, Any]:
        note = assistant.note(args["transcript"], template=args.get("template", "soap"),
                              writer=args.get("writer", "extractive"))
        return assistant.note_fhir(note) if args.get("fhir") else note.as_dict()

    return Tool("note", "Draft a note",
                "Draft a clinical note (status: draft for clinician review) from a transcript. Every "
                "sentence names its source turns; numbers, doses or drugs not in the transcript are "
                "flagged.", schema, run, _safe)


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def _safe(args: Arguments) -> dict[str, Any]:
    """Audit details as the CLI records options: flags and numbers, identifiers, else ``<given>``."""
    out: dict[str, Any] = {}
    for key, value in args.items():
        if value is None or value is False:
            continue
        if isinstance(value, bool | int | float):
            out[key] = value
        else:
            out[key] = str(value)[:64] if key in SAFE_NAMES else "<given>"
    return out


# -- the registry and the one call path -------------------------------------------------------
def build_tools(assistant: Assistant) -> dict[str, Tool]:
    """Every tool by name: the calculators in id order, then extract, ask and note."""
    tools = [calculator_tool(c) for c in assistant.calculators()]
    tools += [extract_tool(), ask_tool(), note_tool()]
    return {t.name: t for t in tools}


def check_arguments(tool: Tool, args: Mapping[str, Any]) -> None:
    """Check ``args`` against the tool's schema.

    Raises:
        InputError: one line naming the first wrong, missing or unknown argument.
    """
    errors = list(Draft202012Validator(tool.input_schema).iter_errors(dict(args)))
    if errors:  # the most relevant top-level error; not best_match, which reports inside an anyOf
        error = max(errors, key=by_relevance())
        raise InputError(f"{tool.name}: {_describe(error)}", "see the tool's input schema")


def _describe(error: ValidationError) -> str:
    where = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "anyOf":
        return f"{where} must be a number (or a string with its unit, e.g. \"1.2 mg/dL\")"
    if error.validator == "additionalProperties":
        unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"unknown argument(s) {', '.join(unknown)[:80]}"
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        return f"missing {', '.join(missing)}"
    if error.validator in ("maxLength", "minimum", "maximum"):
        bound = {"maxLength": "at most {} characters long", "minimum": "at least {}", "maximum": "at most {}"}
        return f"{where} must be {bound[str(error.validator)].format(error.validator_value)}"
    if error.validator in ("type", "enum"):
        allowed = error.validator_value
        what = f"one of {', '.join(map(str, allowed))}" if error.validator == "enum" else f"a {allowed}"
        return f"{where} must be {what}"[:200]
    return f"{where}: does not match its schema ({error.validator})"  # the message may quote the text


def invoke(assistant: Assistant, tools: Mapping[str, Tool], name: str,
           args: Mapping[str, Any] | None) -> Outcome:
    """Run tool ``name``: check arguments, compute, audit; errors become a one-line message.

    An unexpected exception is a bug: it is reported by class name only (its message could
    quote patient text), audited, and the server goes on. A result whose audit entry cannot
    be written is withheld, as the CLI fails a command whose audit entry fails.
    """
    args = dict(args or {})
    tool = tools.get(name)
    data: dict[str, Any] | None = None
    try:
        if tool is None:
            raise InputError(f"unknown tool {name[:60]!r}", "list the tools (tools/list)")
        check_arguments(tool, args)
        data = _plain(tool.run(assistant, args))
        outcome, code, message = "ok", 0, ""
    except EdgeAssistError as error:
        outcome, code = type(error).__name__, int(error.exit_code)
        message = f"{error.message}" + (f" (fix: {error.hint})" if error.hint else "")
    except Exception as error:
        outcome, code = type(error).__name__, int(ExitCode.ERROR)
        message = f"unexpected {type(error).__name__} (a bug; run it with the CLI to see the traceback)"
    details = tool.audit(args) if tool is not None else {"unknown_tool": True}
    try:
        _audit(assistant, f"mcp {name[:40] if tool is not None else 'unknown'}", details, outcome, code)
    except EdgeAssistError as error:
        return Outcome(None, error.message)
    return Outcome(data) if not message else Outcome(None, " ".join(message.split()))


def _audit(assistant: Assistant, action: str, details: dict[str, Any], outcome: str, code: int) -> None:
    from edge_assist.trust import audit

    if assistant.settings.audit.enabled:
        audit.append(assistant.settings.audit_path, action, details, outcome, code)


def _plain(data: Any) -> dict[str, Any]:
    """JSON-safe data (dates and tuples as the CLI's ``--json`` prints them)."""
    return json.loads(json.dumps(data, default=str, ensure_ascii=False))  # type: ignore[no-any-return]
