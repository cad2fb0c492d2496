"""SRT, VTT, text and JSON rendering of a transcript."""

from __future__ import annotations

import json

from edge_assist.speech.formats import render, timestamp
from edge_assist.speech.types import Correction, Transcript, TranscriptSegment


def _transcript() -> Transcript:
    corr = Correction("lasics", "Lasix", 1.0, 1.5, 0.9, "phonetic")
    return Transcript("a.wav", "fake-whisper", 3725.5, 1.0, [
        TranscriptSegment(0.0, 2.5, "Takes Lasix.", 0.9, corrections=(corr,)),
        TranscriptSegment(3723.0, 3725.5, "Review in a week.", 0.8),
    ])


def test_timestamps() -> None:
    """Hours, minutes, seconds and milliseconds, with SRT's comma or VTT's full stop."""
    assert timestamp(0) == "00:00:00,000"
    assert timestamp(3725.5) == "01:02:05,500"
    assert timestamp(61.0405, ".") == "00:01:01.040"


def test_srt_has_numbered_cues() -> None:
    """SubRip: index, time range with commas, text, blank line."""
    srt = render(_transcript(), "srt")
    assert srt.startswith("1\n00:00:00,000 --> 00:00:02,500\nTakes Lasix.\n\n2\n")
    assert "01:02:03,000 --> 01:02:05,500" in srt


def test_vtt_has_header_and_dots() -> None:
    """WebVTT: header, full stops before milliseconds, no cue numbers."""
    vtt = render(_transcript(), "vtt")
    assert vtt.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nTakes Lasix.\n")


def test_paragraph_breaks_do_not_end_a_cue() -> None:
    """A dictated blank line inside a segment would end the cue; it becomes one line break."""
    t = Transcript("a.wav", "m", 2.0, 1.0, [TranscriptSegment(0, 2, "History.\n\nPlan.", 1.0)])
    assert "History.\nPlan." in render(t, "srt")


def test_json_lists_corrections_and_rtf() -> None:
    """JSON carries the text, segments, each correction and the real-time factor."""
    data = json.loads(render(_transcript(), "json"))
    assert data["text"] == "Takes Lasix. Review in a week."
    assert data["corrections"][0]["replacement"] == "Lasix"
    assert data["real_time_factor"] == round(1.0 / 3725.5, 4)
    assert "corrections" not in data["segments"][0]


def test_text_is_the_transcript() -> None:
    """Plain text ends with one newline."""
    assert render(_transcript(), "text") == "Takes Lasix. Review in a week.\n"
