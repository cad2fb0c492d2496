"""``edge-assist note``: text, Markdown and JSON output, stdin, templates and bad input."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from edge_assist.cli import cli

DATA = Path(__file__).parents[1] / "data" / "notes"
ENCOUNTER = str(DATA / "encounter.txt")


def test_note_json_has_sections_provenance_and_the_draft_status() -> None:
    """--json prints the draft with sentences, their turns and flags."""
    result = CliRunner().invoke(cli, ["note", ENCOUNTER, "--template", "aci", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "draft for clinician review" and data["template"] == "aci"
    sentences = [s for sec in data["sections"] for s in sec["sentences"]]
    assert sentences and all(s["turns"] for s in sentences)


def test_note_markdown_shows_turn_references() -> None:
    """--markdown marks each sentence with its [T#] source turns."""
    result = CliRunner().invoke(cli, ["note", ENCOUNTER, "--markdown"])
    assert result.exit_code == 0 and "## SUBJECTIVE" in result.stdout and "[T" in result.stdout


def test_note_reads_stdin_and_prints_the_draft_label() -> None:
    """'-' (the default) reads the transcript from stdin."""
    result = CliRunner().invoke(cli, ["note", "-"], input="[doctor] any fever ?\n[patient] no .\n")
    assert result.exit_code == 0 and result.stdout.startswith("DRAFT") and "Denies fever." in result.stdout


def test_note_user_template_file() -> None:
    """--template takes a path to a TOML template."""
    result = CliRunner().invoke(cli, ["note", ENCOUNTER, "--template", str(DATA / "custom_template.toml")])
    assert result.exit_code == 0 and "FINDINGS" in result.stdout


def test_note_empty_input_is_exit_7_with_a_fix() -> None:
    """An empty transcript is a one-line error with exit code 7, no traceback."""
    result = CliRunner().invoke(cli, ["note", "-"], input="")
    assert result.exit_code == 7 and "empty" in result.output and "Traceback" not in result.output


def test_note_non_utf8_file_is_exit_7(tmp_path: Path) -> None:
    """A Latin-1 file is refused with a conversion hint."""
    path = tmp_path / "latin1.txt"
    path.write_bytes("[doctor] caf\xe9 ?".encode("latin-1"))
    result = CliRunner().invoke(cli, ["note", str(path)])
    assert result.exit_code == 7 and "UTF-8" in result.output


def test_note_bad_template_is_exit_7() -> None:
    """An invalid template names the bad keys."""
    result = CliRunner().invoke(cli, ["note", ENCOUNTER, "--template", str(DATA / "bad_template.toml")])
    assert result.exit_code == 7 and "colour" in result.output


def test_note_missing_file_is_a_usage_error() -> None:
    """A file that does not exist is reported by the CLI, not a traceback."""
    result = CliRunner().invoke(cli, ["note", "/no/such/file.txt"])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_note_other_language_is_exit_7_saying_english_only() -> None:
    """A Spanish transcript is a one-line error naming the language limit, no traceback."""
    spanish = ("[doctor] ¿desde cuándo tiene dolor en la rodilla?\n"
               "[patient] desde hace tres semanas, me duele mucho al subir escaleras.\n")
    result = CliRunner().invoke(cli, ["note", "-"], input=spanish)
    assert result.exit_code == 7 and "English" in result.output and "Traceback" not in result.output


def test_note_asr_markers_are_reported_in_the_json_warnings() -> None:
    """Timestamps and <UNSURE>/[inaudible] markers leave the note and are listed as input warnings."""
    marked = "[00:00:01] [doctor] any <UNSURE>fever</UNSURE> ?\n[patient] no [inaudible] .\n"
    result = CliRunner().invoke(cli, ["note", "-", "--json"], input=marked)
    assert result.exit_code == 0, result.output
    warnings = json.loads(result.stdout)["warnings"]
    assert any("ASR marker" in w for w in warnings) and any("timestamp" in w for w in warnings)
