"""The Assistant records history only when it is turned on, and then sealed."""

from __future__ import annotations

import pytest

from edge_assist.trust import crypto


def test_history_is_off_by_default(assistant) -> None:
    """By default nothing is written: no history file exists after a note and an extraction."""
    assistant.extract("Denies chest pain. Takes metformin 500 mg twice daily.")
    assistant.note("[doctor] any fever ?\n[patient] no .")
    assert not assistant.settings.history_path.exists()


def test_history_records_each_capability_when_on(assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    """With history on, extract, note and calc each leave one sealed entry."""
    from edge_assist.trust.history import History

    monkeypatch.setenv(crypto.PASSPHRASE_ENV, "pw")
    assistant.settings = assistant.settings.model_copy(
        update={"history": assistant.settings.history.model_copy(update={"enabled": True})})
    assistant.extract("Denies chest pain.")
    assistant.note("[doctor] any fever ?\n[patient] no .")
    assistant.calc("72 yo woman with hypertension.", "chads-vasc")
    assistant.close()
    with History.from_settings(assistant.settings) as h:
        kinds = sorted(e.kind for e in h.entries())
        assert kinds == ["calc", "extract", "note"]
        assert h.get(h.entries("note")[0].id)["transcript"].startswith("[doctor]")
    assert b"chest pain" not in assistant.settings.history_path.read_bytes()
