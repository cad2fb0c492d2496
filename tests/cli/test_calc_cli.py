"""``edge-assist calc``: list, show, run and from-note, text and JSON."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from edge_assist.cli import cli


def test_calc_list_json() -> None:
    """calc list --json names every calculator."""
    result = CliRunner().invoke(cli, ["calc", "list", "--json"])
    assert result.exit_code == 0
    ids = {c["id"] for c in json.loads(result.stdout)}
    assert {"chads-vasc", "curb-65", "news2", "apache-ii"} <= ids


def test_calc_show() -> None:
    """calc show prints inputs, formula version and source."""
    result = CliRunner().invoke(cli, ["calc", "show", "ckd-epi-2021"])
    assert result.exit_code == 0 and "--creatinine" in result.stdout and "doi:" in result.stdout


def test_calc_run_json() -> None:
    """calc run computes from options, with units on numbers."""
    result = CliRunner().invoke(cli, ["calc", "run", "chads-vasc", "--age", "72", "--sex", "F",
                                      "--hypertension", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["value"] == 3 and data["status"] == "ok" and data["steps"]


def test_calc_run_with_unit() -> None:
    """A number may carry its unit: 106 µmol/L is converted to mg/dL before the formula runs."""
    args = ["calc", "run", "ckd-epi-2021", "--age", "60", "--sex", "M", "--creatinine", "106 umol/L"]
    scr = 106 * 113.12 / 1e4  # µmol/L -> mg/dL through creatinine's molar mass (1.199 mg/dL)
    expected = 142 * (scr / 0.9) ** -1.2 * 0.9938**60  # CKD-EPI 2021, male, Scr/κ > 1
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert f"{expected:.1f} mL/min/1.73 m²" in result.stdout  # 69.3: the number, not only the unit
    data = json.loads(CliRunner().invoke(cli, [*args, "--json"]).stdout)
    assert data["value"] == pytest.approx(expected, abs=0.01)
    assert data["inputs"]["creatinine"]["value"] == pytest.approx(scr, abs=1e-3)


def test_calc_run_bad_value_exits_7() -> None:
    """An implausible value is a one-line error with exit code 7."""
    result = CliRunner().invoke(cli, ["calc", "run", "ckd-epi-2021", "--age", "60", "--sex", "M",
                                      "--creatinine", "88"])
    assert result.exit_code == 7 and "plausible range" in result.output


def test_calc_unknown_name_exits_7() -> None:
    """An unknown calculator is a bad-input error."""
    result = CliRunner().invoke(cli, ["calc", "show", "nope"])
    assert result.exit_code == 7


def test_calc_from_note_json() -> None:
    """from-note reads stdin and reports inputs with spans."""
    note = "A 70-year-old man, confused. BUN 30 mg/dL, respiratory rate 32, BP 85/50 mmHg."
    result = CliRunner().invoke(cli, ["calc", "from-note", "curb-65", "--json"], input=note)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["value"] == 5
    assert data["inputs"]["bun"]["span"]["text"].startswith("BUN")


def test_calc_from_empty_note_exits_7() -> None:
    """An empty note is refused."""
    result = CliRunner().invoke(cli, ["calc", "from-note", "bmi"], input="")
    assert result.exit_code == 7
