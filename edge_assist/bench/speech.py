"""Speech speed: real-time factor per Whisper model on 2 threads, and peak memory.

The clip is synthesised with espeak-ng from a fixed dictation (no patient
data), about 30 s long, so every machine measures the same audio. Each model
runs in its own child process (peak RSS is that model's alone) with
``n_threads=2``: the target is a 2-core laptop. One warm-up pass loads the
model and the lexicon; the timed pass is the full pipeline (VAD, vocabulary,
word timings, correction), and a bare-Whisper pass and a greedy pass (beam 1,
no temperature fallback: the faster, slightly less accurate search) are timed too. RTF is
decode wall time over audio time; the machine's load average is recorded next
to it, since on a shared machine the figure is only as good as the quiet.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from typing import Any

from edge_assist.bench.child import in_child

TEXT = ("Seventy two year old woman with hypertension and atrial fibrillation, seen for follow up. "
        "She reports mild shortness of breath on exertion and ankle swelling for two weeks. "
        "Continue lisinopril 20 mg daily and apixaban 5 mg twice a day. "
        "Increase furosemide to 40 mg in the morning. Start atorvastatin 40 mg at bedtime. "
        "Check creatinine and potassium in one week and review in clinic in a month.")
MODELS = ("whisper-tiny.en", "whisper-base")


def _measure(model_id: str, threads: int) -> dict[str, Any]:
    from edge_assist.assistant import Assistant
    from edge_assist.settings import load_settings, user_dir
    from edge_assist.speech.pipeline import DecodeOptions
    from edge_assist.speech.synth import synthesize

    wav = synthesize(TEXT, user_dir() / "cache" / "speech-bench")
    settings = load_settings(models={"n_threads": threads})
    with Assistant(settings) as assistant:
        full = assistant.speech_pipeline(model_id)
        plain = assistant.speech_pipeline(model_id, bias=False, correct=False)
        full.transcribe(wav)  # warm-up: model, lexicon, VAD
        load = os.getloadavg()[0]
        started = time.perf_counter()
        transcript = full.transcribe(wav)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        plain.transcribe(wav)
        seconds_plain = time.perf_counter() - started
        full.options = replace(full.options, decode=DecodeOptions(beam_size=1, fallback=False))
        started = time.perf_counter()
        full.transcribe(wav)
        seconds_greedy = time.perf_counter() - started
    return {"model": model_id, "threads": threads, "audio_s": round(transcript.duration, 1),
            "rtf": round(seconds / transcript.duration, 4),
            "rtf_plain": round(seconds_plain / transcript.duration, 4),
            "rtf_greedy": round(seconds_greedy / transcript.duration, 4),
            "load_average_1m": round(max(load, os.getloadavg()[0]), 2), "cpu_count": os.cpu_count()}


def bench_speech(model: str | None = None, threads: int = 2) -> list[dict[str, Any]]:
    """One row per model: RTF (pipeline and bare Whisper) on ``threads`` threads, peak RSS."""
    return [in_child(_measure, model_id=m, threads=threads) for m in ((model,) if model else MODELS)]
