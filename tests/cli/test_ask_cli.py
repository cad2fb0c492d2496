"""`edge-assist ask` through the CLI, on fakes."""

from __future__ import annotations

import json
from pathlib import Path

from edge_assist.models.fakes import FakeChatModel

from .test_index_cli import fake_cli  # noqa: F401  (fixture)

DATA = Path(__file__).parents[1] / "data" / "index"


def test_ask_json_has_answer_citations_support_and_timings(fake_cli) -> None:  # noqa: F811
    """--json carries the checked text, citations with provenance and per-sentence support."""
    fake_cli("index", "add", str(DATA / "corpus"))
    FakeChatModel.replies.clear()
    FakeChatModel.enqueue("A CURB-65 score of 3 or more indicates severe pneumonia [1].")
    data = json.loads(fake_cli("ask", "What CURB-65 score means severe pneumonia?", "--json", "--draft").stdout)  # noqa: E501
    assert data["abstained"] is False
    assert data["citations"][0]["section"] == "Community Acquired Pneumonia > Severity"
    assert data["sentences"][0]["supported"] is True
    assert "total" in data["timings"]
    assert "question" not in data


def test_ask_text_shows_sources(fake_cli) -> None:  # noqa: F811
    """Text output shows the answer then numbered sources."""
    fake_cli("index", "add", str(DATA / "corpus"))
    result = fake_cli("ask", "What CURB-65 score indicates severe pneumonia?", "--extractive", "--sources")
    assert result.exit_code == 0
    assert "Sources:" in result.stdout and "[1]" in result.stdout
    assert "CURB-65" in result.stdout.split("Sources:")[0]
    assert "**" not in result.stdout and "#" not in result.stdout  # Markdown drawn, not dumped


def test_ask_abstains_visibly(fake_cli) -> None:  # noqa: F811
    """An unanswerable question shows the abstention and the closest passages."""
    fake_cli("index", "add", str(DATA / "corpus"))
    result = fake_cli("ask", "zebra quantum xylophone")
    assert "does not answer" in result.stdout
    assert "Closest passages" in result.stdout


def test_ask_huge_question_exits_7(fake_cli) -> None:  # noqa: F811
    """A 100 kB question is refused with exit code 7."""
    fake_cli("index", "add", str(DATA / "corpus"))
    assert fake_cli("ask", "x" * 100_000).exit_code == 7


def test_yes_no_question_shows_the_verdict(fake_cli, monkeypatch) -> None:  # noqa: F811
    """A yes/no question is answered yes/no/maybe first, from the label probabilities, then cited."""
    from edge_assist.models.fakes import FAKE_IDS
    from edge_assist.qa import verdict

    monkeypatch.setitem(verdict.CALIBRATION, FAKE_IDS["chat"], verdict.Calibration())
    fake_cli("index", "add", str(DATA / "corpus"))
    FakeChatModel.replies.clear()
    FakeChatModel.enqueue("A CURB-65 score of 3 or more indicates severe pneumonia [1].")
    FakeChatModel.enqueue_scores({"Yes": -0.1, "No": -3.0, "Maybe": -4.0})
    data = json.loads(fake_cli("ask", "Does a CURB-65 score of 3 mean severe pneumonia?", "--json", "--draft").stdout)  # noqa: E501
    assert data["verdict"] == "yes" and data["text"].startswith("Yes (")
    assert set(data["verdict_probabilities"]) == {"yes", "no", "maybe"}
