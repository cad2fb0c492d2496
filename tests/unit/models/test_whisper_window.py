"""The one change to faster-whisper's search: the final, part-filled window is decoded once.

No model is loaded: the window bookkeeping is called on a bare instance with the
attributes faster-whisper's constructor would set for a Whisper model.
"""

from types import SimpleNamespace

import pytest

pytest.importorskip("faster_whisper")

from edge_assist.models.whisper import _model_class

TS = 50_000  # the first timestamp token id of the fake tokenizer
FULL = 3000  # frames in a whole 30 s window


def _split(tokens: list[int], segment_size: int, seek: int = 0) -> tuple[int, bool]:
    model = object.__new__(_model_class())
    model.feature_extractor = SimpleNamespace(nb_max_frames=FULL)
    model.time_precision, model.input_stride = 0.02, 2
    tokenizer = SimpleNamespace(timestamp_begin=TS)
    _, next_seek, single_ending = model._split_segments_by_timestamps(
        tokenizer, tokens, seek * 0.01, segment_size, segment_size * 0.01, seek)
    return next_seek, single_ending


def test_final_window_that_was_consumed_is_not_reopened() -> None:
    """Text with no closing timestamp in a part-filled window: the window counts as finished."""
    assert _split([TS, 101, 102, 103], segment_size=1490) == (1490, True)


def test_full_windows_keep_faster_whispers_rewind() -> None:
    """In a whole 30 s window a word may be cut at the boundary, so the rewind stays possible."""
    assert _split([TS, 101, 102, 103], segment_size=FULL) == (FULL, False)


def test_unfinished_segment_in_the_final_window_is_still_decoded_again() -> None:
    """Consecutive timestamps then more text: faster-whisper seeks to the last timestamp; unchanged."""
    tokens = [TS, 101, TS + 250, TS + 250, 102]
    next_seek, single_ending = _split(tokens, segment_size=1490)
    assert (next_seek, single_ending) == (500, False)


def test_sampling_is_seeded_before_the_model_starts(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """The temperature fallback samples: the seed is set before WhisperModel starts its threads."""
    import ctranslate2

    from edge_assist.models import whisper
    from edge_assist.settings import Settings

    calls: list[str] = []
    monkeypatch.setattr(ctranslate2, "set_random_seed", lambda seed: calls.append(f"seed {seed}"))

    class _Model:
        def __init__(self, *args: object, **kwargs: object) -> None:
            calls.append("model")

    monkeypatch.setattr(whisper, "_model_class", lambda: _Model)
    manifest = SimpleNamespace(id="whisper-test", runtime={"language": "en"})
    whisper.WhisperTranscriber(manifest, {"model.bin": tmp_path / "model.bin"}, Settings())  # type: ignore[arg-type]
    assert calls == [f"seed {whisper.SEED}", "model"]
