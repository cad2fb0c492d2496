"""Patient text stays out of logs unless the user turns it on."""

import logging

from edge_assist import logs


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_patient_text_is_redacted_by_default() -> None:
    """A logged note shows only its length."""
    logs.configure("INFO", log_patient_text=False)
    collect = _Collect()
    logging.getLogger("edge_assist").addHandler(collect)
    try:
        logs.get_logger("test").info("note: %s", logs.PatientText("Jane Doe has chest pain"))
    finally:
        logging.getLogger("edge_assist").removeHandler(collect)
    assert collect.lines == ["note: <patient text: 23 chars>"]


def test_patient_text_appears_only_when_allowed() -> None:
    """log_patient_text = true lets the text through."""
    logs.allow_patient_text(True)
    try:
        assert str(logs.PatientText("chest pain")) == "chest pain"
    finally:
        logs.allow_patient_text(False)
    assert str(logs.PatientText("chest pain")) == "<patient text: 10 chars>"
