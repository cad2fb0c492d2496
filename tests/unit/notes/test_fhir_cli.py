"""``edge-assist note --fhir``: the draft as a FHIR document Bundle on stdout."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from edge_assist.cli import cli

ENCOUNTER = str(Path(__file__).parents[2] / "data" / "notes" / "encounter.txt")


def test_note_fhir_prints_a_document_bundle() -> None:
    """--fhir prints a document Bundle led by a preliminary Composition, with a Provenance."""
    result = CliRunner().invoke(cli, ["note", ENCOUNTER, "--fhir"])
    assert result.exit_code == 0, result.output
    bundle = json.loads(result.stdout)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert bundle["type"] == "document" and kinds[0] == "Composition" and "Provenance" in kinds
    assert bundle["entry"][0]["resource"]["status"] == "preliminary"
    device = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Device")
    assert device["version"]
