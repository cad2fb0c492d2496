"""The fact layer for conversations: typed, cited clinical facts from doctor-patient turns.

Example:
    >>> from edge_assist.extract.dialogue import DialogueTurn, read_facts
    >>> facts = read_facts([DialogueTurn(0, "doctor", "Any fever?"), DialogueTurn(1, "patient", "Nope.")])
    >>> [(f.kind, f.text, f.assertion) for f in facts]
    [('complaint', 'fever', 'absent')]
"""

from __future__ import annotations

from edge_assist.extract.dialogue.reader import read_facts
from edge_assist.extract.dialogue.types import DialogueTurn, Fact

__all__ = ["DialogueTurn", "Fact", "read_facts"]
