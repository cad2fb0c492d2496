"""Speech input: offline dictation with clinical vocabulary, from files and the microphone.

faster-whisper (tiny.en or base, int8 on CPU) transcribes; Silero VAD skips
silence; the drug lexicon, clinical terms and the user's words bias decoding;
near-miss drug names are corrected and each correction reported; spoken
commands ("new paragraph", "period") lay out dictation.

Examples:
    >>> from edge_assist.speech import SpeechPipeline, render     # doctest: +SKIP
    >>> transcript = SpeechPipeline(transcriber).transcribe(Path("visit.m4a"))  # doctest: +SKIP
    >>> Path("visit.srt").write_text(render(transcript, "srt"))              # doctest: +SKIP
"""

from __future__ import annotations

from edge_assist.speech.commands import apply_commands
from edge_assist.speech.correction import CorrectionOptions, DrugCorrector
from edge_assist.speech.formats import Format, render
from edge_assist.speech.pipeline import DecodeOptions, SpeechOptions, SpeechPipeline
from edge_assist.speech.types import Correction, TimedWord, Transcript, TranscriptSegment
from edge_assist.speech.vocabulary import ClinicalVocabulary, build_vocabulary, load_lexicon

__all__ = [
    "ClinicalVocabulary", "Correction", "CorrectionOptions", "DecodeOptions", "DrugCorrector", "Format",
    "SpeechOptions", "SpeechPipeline", "TimedWord", "Transcript", "TranscriptSegment",
    "apply_commands", "build_vocabulary", "load_lexicon", "render",
]
