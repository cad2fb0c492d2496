"""The MCP server through the SDK's own client (in-memory JSON-RPC), on the fake models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from edge_assist import calculators
from edge_assist.mcp_server.tools import tool_name
from edge_assist.models.fakes import FakeChatModel
from edge_assist.trust import audit

from .conftest import connect, spec_inputs

DATA = Path(__file__).parents[1] / "data"
NOTE = "Denies chest pain. History of asthma. Takes metformin 500 mg twice daily."


async def test_lists_a_typed_cited_tool_per_calculator_and_the_three_capabilities(assistant) -> None:
    """Every calculator is a tool with a valid schema, its units and its DOI; then extract, ask, note."""
    async with connect(assistant) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    expected = {tool_name(c.id) for c in calculators.available()} | {"extract", "ask", "note"}
    assert set(tools) == expected and len(tools) >= 61
    for tool in tools.values():
        Draft202012Validator.check_schema(tool.input_schema)
        assert tool.input_schema["type"] == "object" and tool.description
    ckd = tools["calc_ckd_epi_2021"]
    assert "doi:10.1056/NEJMoa2102953" in ckd.description
    creatinine = ckd.input_schema["properties"]["creatinine"]
    assert creatinine["x-unit"] == "mg/dL" and "mg/dL" in creatinine["description"]
    assert set(ckd.input_schema["required"]) == {"age", "sex", "creatinine"}
    chads = tools["calc_chads_vasc"].input_schema["properties"]
    assert chads["hypertension"]["type"] == "boolean" and chads["sex"]["enum"] == ["male", "female"]
    assert tools["note"].input_schema["properties"]["writer"]["enum"] == ["extractive", "llm", "hybrid"]


async def test_every_calculator_is_callable_and_agrees_with_the_library(assistant) -> None:
    """Each calculator tool, called with inputs from its own spec, returns what `calc run --json` does."""
    async with connect(assistant) as client:
        for calc in calculators.available():
            args = spec_inputs(calc)
            result = await client.call_tool(tool_name(calc.id), args)
            assert not result.is_error, (calc.id, result.content[0].text)
            data = result.structured_content
            expected = json.loads(json.dumps(calc.compute(args).as_dict(), default=str))
            assert data["value"] == expected["value"] and data["band"] == expected["band"], calc.id
            assert data["source"] == calc.spec.source.citation and data["doi"] == calc.spec.source.doi
            assert json.loads(result.content[0].text) == data


@pytest.mark.parametrize(("calculator", "args", "expected"), [
    ("chads-vasc", {"age": 72, "sex": "female", "hypertension": True}, 3),
    ("curb-65", {"age": 70, "bun": 25, "respiratory_rate": 32, "sbp": 85, "dbp": 50, "confusion": True}, 5),
    ("gcs", {"eye": "to pain", "verbal": "confused", "motor": "localizes pain"}, 11),
    ("bmi", {"weight": 70, "height": 175}, 22.857),
    ("ckd-epi-2021", {"age": 50, "sex": "female", "creatinine": 0.7}, 105.3),
    ("ckd-epi-2021", {"age": 50, "sex": "female", "creatinine": "61.9 umol/L"}, 105.3),  # converted
    ("anion-gap", {"sodium": 140, "chloride": 100, "bicarbonate": 24}, 16),
    ("due-date", {"lmp": "01/01/2024", "cycle_length": 30}, "10/09/2024"),
    ("gestational-age", {"lmp": "01/01/2024", "current_date": "2024-02-05"}, [5, 0]),
])
async def test_worked_examples_through_the_protocol(assistant, calculator: str, args: dict,
                                                    expected: Any) -> None:
    """Published worked examples come back with their band, steps and citation."""
    async with connect(assistant) as client:
        result = await client.call_tool(tool_name(calculator), args)
    assert not result.is_error, result.content[0].text
    data = result.structured_content
    if isinstance(expected, float | int) and not isinstance(expected, bool):
        assert data["value"] == pytest.approx(expected, rel=2e-3)
    else:
        assert data["value"] == expected
    assert data["steps"] and data["source"] and data["status"] in ("ok", "flagged")


async def test_extract_gives_findings_with_assertions_and_fhir_on_request(assistant) -> None:
    """Negated and historical findings keep their assertions; fhir=true gives a validated Bundle."""
    async with connect(assistant) as client:
        found = (await client.call_tool("extract", {"note": NOTE})).structured_content
        bundle = (await client.call_tool("extract", {"note": NOTE, "fhir": True})).structured_content
    problems = {p["text"].lower(): p["assertion"] for p in found["problems"]}
    assert problems["chest pain"]["is_negated"] is True
    assert problems["asthma"]["is_historical"] is True and problems["asthma"]["is_negated"] is False
    assert any(m["text"].lower().startswith("metformin") for m in found["medications"])
    assert bundle["resourceType"] == "Bundle" and bundle["entry"]


async def test_ask_abstains_on_an_empty_index(assistant) -> None:
    """With nothing indexed the answer is an abstention, not text from the model."""
    assistant.open_index(create=True).ensure_collection("guidelines", assistant.embedder)
    FakeChatModel.enqueue("Give 40 mg of something [1].")
    async with connect(assistant) as client:
        result = await client.call_tool("ask", {"question": "First-line treatment of a gout flare?"})
    assert not result.is_error, result.content[0].text
    data = result.structured_content
    assert data["abstained"] is True and data["citations"] == [] and "40 mg" not in data["text"]
    assert "question" not in data  # as `ask --json`: the question may be patient text


async def test_ask_answers_with_citations_from_the_index(assistant) -> None:
    """A supported answer carries numbered citations and per-sentence support."""
    assistant.ingest([DATA / "index" / "corpus"], pack="demo")
    FakeChatModel.replies.clear()
    FakeChatModel.enqueue("A CURB-65 score of 3 or more indicates severe pneumonia [1].")
    async with connect(assistant) as client:
        data = (await client.call_tool("ask", {"question": "What CURB-65 score means severe pneumonia?",
                                               "k": 3})).structured_content
    assert data["abstained"] is False and data["sentences"][0]["supported"] is True
    assert data["citations"][0]["section"] == "Community Acquired Pneumonia > Severity"


async def test_note_drafts_from_a_transcript(assistant) -> None:
    """A conversation becomes a draft note whose sentences name their source turns."""
    transcript = (DATA / "notes" / "encounter.txt").read_text("utf-8")
    async with connect(assistant) as client:
        data = (await client.call_tool("note", {"transcript": transcript,
                                                "template": "soap"})).structured_content
        bundle = (await client.call_tool("note", {"transcript": transcript, "fhir": True})).structured_content
    assert data["status"] == "draft for clinician review"
    sentences = [s for section in data["sections"] for s in section["sentences"]]
    assert sentences and all(s["turns"] for s in sentences)
    assert bundle["resourceType"] == "Bundle"


BAD = [
    ("calc_nope", {}, "unknown tool 'calc_nope'"),
    ("calc_chads_vasc", {"age": "seventy", "sex": "female"}, "age must be a number"),
    ("calc_chads_vasc", {"age": True, "sex": "female"}, "age must be a number"),
    ("calc_chads_vasc", {"sex": "female"}, "missing age"),
    ("calc_chads_vasc", {"age": 72, "sex": "X"}, "sex must be one of male, female"),
    ("calc_chads_vasc", {"age": 72, "sex": "male", "potato": 1}, "unknown argument(s) potato"),
    ("calc_chads_vasc", {"age": 72, "sex": "male", "hypertension": "yes"}, "hypertension must be a boolean"),
    ("calc_ckd_epi_2021", {"age": 60, "sex": "male", "creatinine": 88}, "outside the plausible range"),
    ("calc_ckd_epi_2021", {"age": 60, "sex": "male", "creatinine": "1 kg"}, "cannot convert"),
    ("calc_due_date", {"lmp": "yesterday"}, "is not a date"),
    ("extract", {"note": "   "}, "the note is empty"),
    ("extract", {}, "missing note"),
    ("calc_curb_65", {"age": 70}, "missing bun, respiratory_rate, sbp, dbp"),
    ("extract", {"note": 42}, "note must be a string"),
    ("note", {"transcript": ""}, "empty"),
    ("note", {"transcript": "[doctor] hi", "writer": "poet"}, "writer must be one of"),
    ("ask", {"question": "gout?", "k": 0}, "k must be at least 1"),
    ("ask", {"question": "gout?"}, "no evidence index"),
    ("ask", {"question": "x" * 3000}, "question must be at most 2000 characters long"),
]


async def test_bad_input_is_a_one_line_tool_error_and_the_server_goes_on(assistant) -> None:
    """Unknown tools, wrong types, missing inputs, empty notes: isError with one line, never a crash."""
    async with connect(assistant) as client:
        for name, args, message in BAD:
            result = await client.call_tool(name, args)
            text = result.content[0].text
            assert result.is_error, (name, args)
            assert message in text and "\n" not in text and "Traceback" not in text, (name, text)
        assert len((await client.list_tools()).tools) >= 61  # still serving
        assert not (await client.call_tool("calc_map", {"sbp": 120, "dbp": 80})).is_error


async def test_an_unexpected_error_names_its_class_not_its_message(assistant, monkeypatch) -> None:
    """A bug inside a capability is reported without its message (which could quote the note)."""
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Jane Doe has HIV")

    monkeypatch.setattr(type(assistant), "extract", broken)
    async with connect(assistant) as client:
        result = await client.call_tool("extract", {"note": NOTE})
        assert result.is_error and "RuntimeError" in result.content[0].text
        assert "Jane" not in result.content[0].text
        assert not (await client.call_tool("calc_map", {"sbp": 120, "dbp": 80})).is_error


async def test_every_call_is_audited_without_patient_text(assistant) -> None:
    """One entry per call: the tool, safe options and the outcome; never the note or the values."""
    async with connect(assistant) as client:
        await client.call_tool("extract", {"note": NOTE, "fhir": True})
        await client.call_tool("calc_chads_vasc", {"age": 72, "sex": "female", "hypertension": True})
        await client.call_tool("calc_chads_vasc", {"age": 500, "sex": "female"})
        await client.call_tool("nope", {"note": NOTE})
    path = assistant.settings.audit_path
    entries = [e for _, e in audit.read(path)]
    assert [(e["action"], e["outcome"], e["exit_code"]) for e in entries] == [
        ("mcp extract", "ok", 0), ("mcp calc_chads_vasc", "ok", 0),
        ("mcp calc_chads_vasc", "InputError", 7), ("mcp unknown", "InputError", 7)]
    assert entries[0]["details"] == {"note": "<given>", "fhir": True}
    assert entries[1]["details"] == {"calculator": "chads-vasc", "inputs": 3}
    raw = path.read_text("utf-8")
    assert "metformin" not in raw and "asthma" not in raw and "500" not in raw
    assert audit.verify(path).ok


async def test_a_result_whose_audit_entry_cannot_be_written_is_withheld(assistant, tmp_path) -> None:
    """As the CLI fails a command it cannot audit, the tool call fails instead of answering unaudited."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    assistant.settings.audit.path = blocker / "audit.jsonl"
    async with connect(assistant) as client:
        result = await client.call_tool("calc_map", {"sbp": 120, "dbp": 80})
    assert result.is_error and "audit log" in result.content[0].text
    assert result.structured_content is None
