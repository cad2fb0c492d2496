"""``edge-assist extract``: text, JSON and FHIR output, stdin, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from edge_assist.cli import cli

NOTE = "HPI: denies chest pain.\nMedications: Metoprolol 25 mg PO BID\nBP 150/95\n"


def _run(args: list[str], stdin: bytes | str | None = None):
    return CliRunner().invoke(cli, ["extract", *args], input=stdin)


def test_json_output_from_a_file(tmp_path: Path) -> None:
    """--json prints the typed result, with offsets into the file's text."""
    path = tmp_path / "note.txt"
    path.write_text(NOTE, "utf-8")
    result = _run([str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    med = data["medications"][0]
    assert med["name"] == "Metoprolol" and NOTE[med["start"]:med["end"]] == med["text"]
    assert data["problems"][0]["assertion"]["is_negated"] is True


def test_fhir_output_from_stdin() -> None:
    """--fhir reads stdin and prints a Bundle."""
    result = _run(["-", "--fhir"], NOTE)
    assert result.exit_code == 0, result.output
    bundle = json.loads(result.stdout)
    assert bundle["resourceType"] == "Bundle"
    assert any(e["resource"]["resourceType"] == "MedicationStatement" for e in bundle["entry"])


def test_text_output_is_a_table() -> None:
    """Without flags, a plain table with assertions."""
    result = _run(["-"], NOTE)
    assert result.exit_code == 0
    assert "negated" in result.stdout and "MedicationStatement" in result.stdout


def test_empty_input_is_exit_7() -> None:
    """An empty note is a bad-input error with a hint."""
    result = _run(["-"], "")
    assert result.exit_code == 7
    assert "empty" in result.stderr


def test_binary_file_is_exit_7(tmp_path: Path) -> None:
    """Binary and non-UTF-8 files are refused, never a traceback."""
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF\x00\x01\x02")
    assert _run([str(path)]).exit_code == 7
    latin = tmp_path / "latin.txt"
    latin.write_bytes("café au lait".encode("latin-1"))
    result = _run([str(latin)])
    assert result.exit_code == 7 and "UTF-8" in result.stderr


def test_missing_file_is_exit_7() -> None:
    """A path that does not exist is a clear error."""
    assert _run(["/no/such/note.txt"]).exit_code == 7


def test_json_and_fhir_together_is_a_usage_error() -> None:
    """The two output formats exclude each other."""
    assert _run(["-", "--json", "--fhir"], NOTE).exit_code == 2


def test_json_marks_where_icd_codes_come_from() -> None:
    """Each ICD-10-CM suggestion says its source (lexicon here: no index is built) and score."""
    result = _run(["-", "--json"], "Hx of HFrEF and ESRD.\n")
    assert result.exit_code == 0, result.output
    codes = {p["normalized"]: p["icd10"][0] for p in json.loads(result.stdout)["problems"]}
    assert codes["systolic heart failure"]["code"] == "I50.20"
    assert {(c["source"], c["score"]) for c in codes.values()} == {("lexicon", None)}
