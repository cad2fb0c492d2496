"""Chunking keeps heading paths and stays within size."""

from edge_assist.index.chunking import chunk_markdown


def test_heading_path_is_kept() -> None:
    """Each chunk knows the headings above it, with deeper levels replacing siblings."""
    text = ("# Gout\n\n## Flares\n\nColchicine is first line for flares here.\n\n"
            "## Urate\n\nAllopurinol first line therapy.")
    chunks = chunk_markdown(text)
    assert [c.section for c in chunks] == ["Gout > Flares", "Gout > Urate"]
    assert "Colchicine" in chunks[0].text


def test_long_paragraph_is_split_at_sentences() -> None:
    """No chunk is far beyond the limit, and no text is lost."""
    text = " ".join(f"Sentence number {i} says something clinical." for i in range(200))
    chunks = chunk_markdown(text, max_chars=300)
    assert len(chunks) > 5
    assert all(len(c.text) <= 300 for c in chunks)
    assert sum(c.text.count("Sentence number") for c in chunks) == 200


def test_tiny_trailing_chunk_is_merged() -> None:
    """A fragment too short to retrieve on its own joins its neighbour in the same section."""
    chunks = chunk_markdown("# A\n\n" + "x " * 200 + "\n\nok.", max_chars=400)
    assert chunks[-1].text.endswith("ok.")
    assert all(len(c.text) >= 3 for c in chunks)
