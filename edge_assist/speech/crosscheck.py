"""A second, cheap decode of the audio around numbers, doses and drug names.

A number Whisper is unsure of often comes out differently from a different search.
The first pass is beam search with the clinical hints; this one is greedy (beam 1,
temperature 0) with no hints, over only the audio around the words that matter
for a dose: numbers, units, drug names and the prescribing words of
``data/drug_context.txt``, each padded by ``pad`` seconds, merged where they
overlap and joined with short silences into one clip, so a segment costs at most
one extra decode of a clip no longer than the segment (greedy decoding measured
about 0.7 times the time of the first pass's beam search on the bench clip).
The words come back in file time for :meth:`~edge_assist.speech.review.Reviewer.flag`
to compare; nothing here changes the transcript.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from edge_assist.models.base import Transcriber
from edge_assist.speech.audio import RATE, AudioChunk, read_span
from edge_assist.speech.redecode import to_file_time
from edge_assist.speech.types import TimedWord

PAD = 0.6  # seconds either side of a word that matters
GAP = 0.3  # seconds of silence between the pieces of the joined clip


def windows(words: list[TimedWord], wanted: list[bool], pad: float = PAD) -> list[tuple[float, float]]:
    """Padded, merged stretches of audio (file time) around the ``wanted`` words."""
    out: list[tuple[float, float]] = []
    for word, keep in zip(words, wanted, strict=True):
        if not keep:
            continue
        start, end = max(0.0, word.start - pad), word.end + pad
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def decode_again(transcriber: Transcriber, wav: Path, offset: float, spans: list[tuple[float, float]],
                 decode: dict[str, object]) -> list[TimedWord]:
    """The words of ``spans`` of ``wav`` (which starts ``offset`` s into the file) decoded greedily
    without hints, in file time; empty when there is nothing to decode."""
    gap = np.zeros(int(GAP * RATE), dtype=np.int16)
    pieces: list[np.ndarray] = []
    placed: list[tuple[float, float, float]] = []
    at = 0.0
    for start, end in spans:
        samples = read_span(wav, start - offset, end - offset)
        if not len(samples):
            continue
        placed.append((at, at + len(samples) / RATE, start))
        pieces += [samples, gap]
        at += (len(samples) + len(gap)) / RATE
    if not pieces:
        return []
    options = {**decode, "beam_size": 1, "temperature": 0.0}
    with tempfile.TemporaryDirectory(prefix="edge-assist-crosscheck-") as tmp:
        clip = AudioChunk(0.0, np.concatenate(pieces)).write_wav(Path(tmp) / "clip.wav")
        segments = list(transcriber.transcribe(clip, word_timestamps=True, vad_filter=False, **options))
    heard = [TimedWord(w.start, w.end, w.word, w.probability) for s in segments for w in s.words]
    return to_file_time(heard, placed)
