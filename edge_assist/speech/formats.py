"""Transcript renderers: plain text, SubRip (SRT), WebVTT and JSON.

SRT and VTT differ only in the header, the decimal mark of timestamps and the
cue numbers; both take one cue per segment so a player shows the words as
they were said.

Review flags (:mod:`edge_assist.speech.review`) go with their cue. WebVTT has
comments: a ``NOTE review`` block before the cue lists each flag (players skip
it). SubRip has no comment syntax, so the cue itself gets one more line per flag,
``[review: "7.5 milligrams": changed_between_decodes (or: other decode: 5 milligrams)]``;
every SRT reader shows it as text, which is the point: a flagged dose is never
shown without its doubt. Plain text carries no flags (use ``--json``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Literal

from edge_assist.speech.types import ReviewFlag, Transcript

Format = Literal["text", "srt", "vtt", "json"]


def timestamp(seconds: float, decimal: str = ",") -> str:
    """``HH:MM:SS,mmm`` (SRT) or with ``.`` (VTT).

    Examples:
        >>> timestamp(3725.5)
        '01:02:05,500'
    """
    ms = max(0, round(seconds * 1000))
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal}{ms:03d}"


def to_srt(transcript: Transcript) -> str:
    """SubRip: numbered cues, comma before milliseconds, blank line between cues."""
    cues = [f"{i}\n{timestamp(s.start)} --> {timestamp(s.end)}\n{_cue_text(s.text)}\n"
            + "".join(f"[review: {_safe(f.describe())}]\n" for f in s.flags)
            for i, s in enumerate(transcript.segments, 1)]
    return "\n".join(cues)


def to_vtt(transcript: Transcript) -> str:
    """WebVTT: a ``WEBVTT`` header, full stop before milliseconds."""
    cues = [_vtt_note(s.flags)
            + f"{timestamp(s.start, '.')} --> {timestamp(s.end, '.')}\n{_cue_text(s.text)}\n"
            for s in transcript.segments]
    return "\n".join(["WEBVTT\n", *cues])


def to_text(transcript: Transcript) -> str:
    """The transcript's text with a final newline."""
    return transcript.text + "\n"


def to_json(transcript: Transcript) -> str:
    """Indented JSON of :meth:`Transcript.as_dict`."""
    return json.dumps(transcript.as_dict(), indent=2, ensure_ascii=False) + "\n"


RENDERERS: dict[str, Callable[[Transcript], str]] = {
    "text": to_text, "srt": to_srt, "vtt": to_vtt, "json": to_json}


def render(transcript: Transcript, fmt: Format = "text") -> str:
    """The transcript in ``fmt``."""
    return RENDERERS[fmt](transcript)


def _cue_text(text: str) -> str:
    # A blank line ends a cue in both formats, so paragraph breaks become single lines.
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return "\n".join(lines) or "..."


def _vtt_note(flags: tuple[ReviewFlag, ...]) -> str:
    """A WebVTT comment block listing ``flags`` (empty when there are none)."""
    if not flags:
        return ""
    return "NOTE review\n" + "".join(f"{_safe(f.describe())}\n" for f in flags) + "\n"


def _safe(text: str) -> str:
    # "-->" would start a cue in VTT and a blank line would end the block or cue.
    return " ".join(text.replace("-->", "->").split())
