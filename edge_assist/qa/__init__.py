"""Cited question answering over the local evidence index.

``ask`` retrieves passages, drafts an answer with inline ``[n]`` citations,
checks each sentence against the passage it cites, drops what the evidence
does not support, and abstains when too little is left. The Assistant calls
it (``Assistant.ask``); eval and bench go through the Assistant.
"""

from __future__ import annotations

from edge_assist.qa.pipeline import AskOptions, ask
from edge_assist.qa.types import ABSTAIN_TEXT, Answer, Citation, SentenceSupport

__all__ = ["ABSTAIN_TEXT", "Answer", "AskOptions", "Citation", "SentenceSupport", "ask"]
