"""`edge-assist index ...` through the CLI, on the fake embedder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from edge_assist.cli import cli

DATA = Path(__file__).parents[1] / "data" / "index"


@pytest.fixture
def fake_cli(fake_env, monkeypatch):
    """Make the CLI's default registry the one with the fakes, and select them."""
    from edge_assist.models import registry as registry_module

    registry, _ = fake_env
    monkeypatch.setattr(registry_module, "_default", registry)
    monkeypatch.setenv("EDGE_ASSIST_MODELS__LLM", "fake-chat")
    monkeypatch.setenv("EDGE_ASSIST_MODELS__EMBEDDER", "fake-embed")
    monkeypatch.setenv("EDGE_ASSIST_PROFILE", "default")

    def run(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return run


def test_add_list_search_stats_rm(fake_cli) -> None:
    """The whole life of a pack through the CLI, JSON on stdout."""
    added = json.loads(fake_cli("index", "add", str(DATA / "corpus"), "--pack", "demo", "--json").stdout)
    assert len(added["added"]) == 6 and added["failed"] == []
    docs = json.loads(fake_cli("index", "list", "--json").stdout)
    assert {d["pack"] for d in docs} == {"demo"}
    hits = json.loads(fake_cli("index", "search", "CURB-65 pneumonia", "--json").stdout)
    assert hits[0]["section"] == "Community Acquired Pneumonia > Severity"
    stats = json.loads(fake_cli("index", "stats", "--json").stdout)
    assert stats["collections"][0]["model"] == "fake-embed"
    assert "demo" in fake_cli("index", "stats").output
    assert json.loads(fake_cli("index", "rm", "--pack", "demo", "--json").stdout) == {"removed": 6}


def test_duplicate_add_reports_unchanged(fake_cli) -> None:
    """Adding the same folder twice adds nothing the second time."""
    fake_cli("index", "add", str(DATA / "corpus"))
    result = fake_cli("index", "add", str(DATA / "corpus"))
    assert result.exit_code == 0
    assert "added 0" in result.output and "unchanged 6" in result.output


def test_unsupported_file_exits_7_with_reason(fake_cli, tmp_path) -> None:
    """An explicitly named bad file fails with exit code 7 and its reason."""
    bad = tmp_path / "x.docx"
    bad.write_bytes(b"PK")
    result = fake_cli("index", "add", str(bad))
    assert result.exit_code == 7
    assert "unsupported file type" in result.output


def test_export_import_round_trip(fake_cli, tmp_path, monkeypatch) -> None:
    """A pack exported from one index imports into another home."""
    fake_cli("index", "add", str(DATA / "corpus"), "--pack", "demo")
    pack = tmp_path / "demo.eapack"
    assert fake_cli("index", "export", "demo", str(pack)).exit_code == 0
    monkeypatch.setenv("EDGE_ASSIST_INDEX__DB_PATH", str(tmp_path / "kiosk.db"))
    report = json.loads(fake_cli("index", "import", str(pack), "--json").stdout)
    assert len(report["added"]) == 6


def test_search_before_any_index_exits_3(fake_cli) -> None:
    """No index yet: a config-class error naming the fix."""
    result = fake_cli("index", "search", "gout")
    assert result.exit_code == 3
    assert "build-default" in result.output


def test_empty_query_exits_7(fake_cli) -> None:
    """An empty search query is bad input."""
    fake_cli("index", "add", str(DATA / "corpus"))
    assert fake_cli("index", "search", " ").exit_code == 7


def test_build_default_without_icd_is_idempotent(fake_cli) -> None:
    """The default pack builds, and a second run adds nothing."""
    first = json.loads(fake_cli("index", "build-default", "--no-icd", "--json").stdout)
    assert len(first["added"]) == 145
    second = json.loads(fake_cli("index", "build-default", "--no-icd", "--json").stdout)
    assert second["added"] == [] and len(second["unchanged"]) == 145


def test_build_default_reads_a_site_recipe(fake_cli, tmp_path) -> None:
    """--recipe builds what the given recipe says; a broken one is a config error (exit 3), one line."""
    recipe = (Path(__file__).parents[2] / "index" / "default.toml").read_text("utf-8")
    site = tmp_path / "site.toml"
    site.write_text(recipe.replace('name = "open-medicine"', 'name = "ward-guides"', 1), "utf-8")
    built = fake_cli("index", "build-default", "--no-icd", "--recipe", str(site), "--json")
    report = json.loads(built.stdout)
    assert len(report["added"]) == 145 and report["added"][0].startswith("ward-guides:")
    site.write_text(recipe.replace('chunking = "markdown"', 'chunking = "pages"'), "utf-8")
    result = fake_cli("index", "build-default", "--recipe", str(site))
    assert result.exit_code == 3
    assert "chunked 'markdown', not 'pages'" in result.output and "Traceback" not in result.output
