"""Clinical notes from a conversation or dictation, every sentence traceable to its source turns.

A transcript (``[doctor] ... [patient] ...`` as in ACI-Bench, ``Doctor: ...``,
or a free dictation) becomes a *draft* note in a template's sections (SOAP,
the ACI full note, a progress note, or a user's TOML). The pipeline parses
turns, assigns each sentence to a content class by rules, writes each section
from only its turns (extractively by default, or with the LLM under a JSON
schema), records the supporting turns of every sentence, and flags any
number, dose or drug not in the transcript and any negated finding the note
affirms. Audio goes through the speech capability first and arrives here as text.

Example:
    >>> from edge_assist.notes import write_note
    >>> note = write_note("[doctor] any fever ?\\n[patient] no .", template="soap")
    >>> note.status
    'draft for clinician review'
"""

from __future__ import annotations

from edge_assist.notes.pipeline import write_note
from edge_assist.notes.templates import Template, builtin_names, load_template
from edge_assist.notes.types import DRAFT_LABEL, ClinicalNote, NoteSection, NoteSentence, SafetyFlag, Turn

__all__ = ["DRAFT_LABEL", "ClinicalNote", "NoteSection", "NoteSentence", "SafetyFlag", "Template", "Turn",
           "builtin_names", "load_template", "write_note"]
