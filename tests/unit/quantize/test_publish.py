"""Gates, model cards and all-or-nothing registration into the user's store."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from edge_assist.models.manifest import user_manifests
from edge_assist.models.store import ModelStore
from edge_assist.quantize.errors import DiskFullError, GateFailedError
from edge_assist.quantize.publish import build_manifest, check_gates, register, require_pass, write_card
from edge_assist.quantize.recipe import Gates


def test_gates_pass_fail_and_missing_metrics() -> None:
    results = check_gates(
        Gates(min={"acc": 0.8, "absent": 0.1}, max={"drop": 0.02}), {"acc": 0.85, "drop": 0.05}
    )

    assert [r.passed for r in results] == [True, False, False]
    assert results[1].line() == "absent missing >= 0.1 FAIL"
    with pytest.raises(GateFailedError, match=r"drop 0\.0500 <= 0\.02 FAIL"):
        require_pass(results, "m")


def _files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "artifact"
    folder.mkdir()
    for name in ("model.onnx", "tokenizer.json", "labels.json"):
        (folder / name).write_text(f"{name} bytes")
    return sorted(folder.iterdir())


def test_register_writes_the_manifest_last_and_the_catalog_lists_it(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "store")
    manifest = build_manifest("m1", _files(tmp_path), "classify", "onnx", licence="Apache-2.0")

    path = register(manifest, store)

    assert path == store.user_catalog_dir() / "m1.toml"
    assert [m.id for m in user_manifests(store.user_catalog_dir())] == ["m1"]
    assert store.status(user_manifests(store.user_catalog_dir())[0], verify=True).state == "ready"


def test_a_failed_registration_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ModelStore(tmp_path / "store")
    manifest = build_manifest("m2", _files(tmp_path), "classify", "onnx", licence="x")
    real_remember = ModelStore._remember
    calls = {"n": 0}

    def full_disk_on_second_file(self: ModelStore, *args: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_remember(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ModelStore, "_remember", full_disk_on_second_file)

    with pytest.raises(DiskFullError):
        register(manifest, store)
    assert not (store.user_catalog_dir() / "m2.toml").exists()
    assert not store.model_dir(manifest).exists()


def test_card_has_one_section_per_entry(tmp_path: Path) -> None:
    path = write_card(
        tmp_path / "MODEL_CARD.md", "m", {"Status": "ok", "Metrics": {"acc": 0.5}, "Files": ["a: 1 bytes"]}
    )

    text = path.read_text()
    assert text.startswith("# m\n")
    assert "## Metrics" in text and "| acc | 0.5000 |" in text and "- a: 1 bytes" in text
