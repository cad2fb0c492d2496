"""Notes on the real default LLM (skipped when it is not pulled)."""

from __future__ import annotations

import pytest

from edge_assist.assistant import Assistant

pytestmark = pytest.mark.real_models

TRANSCRIPT = """[doctor] hi , how are you feeling today ?
[patient] i've had a sore throat for 3 days and a fever of 101 .
[doctor] any cough or shortness of breath ?
[patient] no .
[doctor] on exam , your throat is red and your tonsils are swollen .
[doctor] i want to start you on amoxicillin 500 mg twice a day for 10 days .
"""


def test_real_llm_writes_a_checked_soap_note(need) -> None:
    """The 0.5B model writes each section under the schema; every sentence is cited or flagged."""
    settings = need("qwen2.5-coder-0.5b-instruct-q4_k_m")
    with Assistant(settings) as assistant:
        note = assistant.note(TRANSCRIPT, template="soap", writer="llm")
    sentences = [s for sec in note.sections for s in sec.sentences]
    assert note.status == "draft for clinician review" and sentences
    assert all(s.turns or s.flags for s in sentences)
    assert note.model == "qwen2.5-coder-0.5b-instruct-q4_k_m"
