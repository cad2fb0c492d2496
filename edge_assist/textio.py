"""Reading user text (notes, transcripts) from bytes, with one set of clear errors.

Every front door that takes a file or stdin needs the same two refusals —
binary data and non-UTF-8 text — and they should read the same everywhere.
"""

from __future__ import annotations

from edge_assist.errors import InputError


def decode_text(data: bytes, what: str, binary_hint: str, example_file: str) -> str:
    """``data`` as text (UTF-8, a BOM allowed).

    Args:
        data: the raw bytes.
        what: what the text is, for messages ("note", "transcript").
        binary_hint: the fix shown when the data is binary.
        example_file: a file name for the iconv example in the hint.

    Raises:
        InputError: binary data (a NUL byte near the start) or not UTF-8.
    """
    if b"\x00" in data[:8192]:
        raise InputError(f"the {what} looks like a binary file, not text", binary_hint)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"the {what} is not UTF-8 text (bad byte at offset {exc.start})",
                         f"convert it first, e.g. iconv -f latin1 -t utf-8 {example_file}") from None
