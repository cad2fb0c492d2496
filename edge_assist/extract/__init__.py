"""Clinical information extraction: findings with exact spans, ConText attributes and codes.

Rules and lexicons first (fast, deterministic, every value traceable to its
characters in the note); the small LLM, behind a flag, only fills what the
rules left empty, and only with strings it can point to in the note. The
result is a typed :class:`~edge_assist.extract.types.ExtractionResult`, and
:mod:`edge_assist.extract.fhir` turns it into a FHIR R4 Bundle.

Example:
    >>> from edge_assist.extract import extract
    >>> result = extract("No chest pain. Metoprolol 25 mg PO BID.")
    >>> result.problems[0].assertion.is_negated, result.medications[0].name
    (True, 'Metoprolol')
"""

from __future__ import annotations

from edge_assist.extract.context import default_context
from edge_assist.extract.text import split_sentences
from edge_assist.extract.types import Assertion, ExtractionResult

__all__ = ["Assertion", "ExtractionResult", "assert_concept", "extract"]


def assert_concept(text: str, start: int, end: int) -> Assertion:
    """The ConText attributes of ``text[start:end]`` in its sentence within ``text``.

    Examples:
        >>> assert_concept("She denies fever.", 11, 16).is_negated
        True
    """
    ctx = default_context()
    sentence = next(((s, e) for s, e in split_sentences(text) if s <= start < e), (0, len(text)))
    return ctx.assert_span(ctx.triggers(text[sentence[0]:sentence[1]]), text[sentence[0]:sentence[1]],
                           (0, sentence[1] - sentence[0]), start - sentence[0], end - sentence[0])


def extract(text: str, **kwargs: object) -> ExtractionResult:
    """Extract every finding from a note (see :func:`edge_assist.extract.pipeline.extract`)."""
    from edge_assist.extract.pipeline import extract as run

    return run(text, **kwargs)  # type: ignore[arg-type]
