"""Real Whisper models on an espeak-ng clip: the pipeline end to end (marker real_models)."""

from __future__ import annotations

import pytest

from edge_assist.assistant import Assistant
from edge_assist.speech.normalize import normalize
from edge_assist.speech.review import ReviewOptions

pytestmark = pytest.mark.real_models


@pytest.mark.parametrize("model_id", ["whisper-tiny.en", "whisper-base"])
def test_real_model_transcribes_clip_with_drug_name(need, speech_clip, model_id: str) -> None:
    """The synthesised dictation comes back with timings, word confidences and its words."""
    settings = need(model_id)
    wav, text = speech_clip
    with Assistant(settings) as assistant:
        transcript = assistant.transcribe(wav, model=model_id)
    assert transcript.segments and transcript.duration > 3
    assert all(0.0 <= s.confidence <= 1.0 and s.start <= s.end for s in transcript.segments)
    assert transcript.segments[0].words and transcript.segments[0].words[0].probability > 0
    heard = set(normalize(transcript.text).split())
    # Structure and rough content only: drug-name accuracy is measured by `eval speech`,
    # and on this clip both models currently miss "amoxicillin" (see the report).
    assert len(set(normalize(text).split()) & heard) >= 4


def test_short_clip_is_decoded_in_one_window(need, speech_clip, monkeypatch) -> None:
    """With the clinical hotwords on, a clip under 30 s costs one decoding pass, not a second one
    over the silence after its last word (which tiny.en filled with "Thank you." and drug names)."""
    import faster_whisper.transcribe as fw

    settings = need("whisper-tiny.en")
    wav, _ = speech_clip
    calls = []
    original = fw.WhisperModel.generate_with_fallback

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(fw.WhisperModel, "generate_with_fallback", counted)
    with Assistant(settings) as assistant:
        pipeline = assistant.speech_pipeline()
        assert pipeline.options.bias and pipeline.vocabulary.hotwords
        # the review's second decode around dose words is its own pass; this counts the windows
        pipeline.options.review = ReviewOptions(crosscheck=False)
        transcript = pipeline.transcribe(wav)
    assert transcript.text and len(calls) == 1
