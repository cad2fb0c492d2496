"""The real PyPI models, loaded and used: LLM JSON, streaming, embeddings, transcription."""

from __future__ import annotations

import threading

import pytest

from edge_assist.errors import ContextTooLongError, GenerationCancelled, ModelTaskError
from edge_assist.models import (
    ChatModel,
    Embedder,
    GenerationOptions,
    Message,
    Transcriber,
    get_model,
)

pytestmark = pytest.mark.real_models
QWEN = "qwen2.5-coder-0.5b-instruct-q4_k_m"
NOTE = ("62-year-old woman seen for diabetes follow-up. She takes metformin 500 mg twice daily "
        "and lisinopril 10 mg once daily. Allergic to penicillin (rash). Denies chest pain.")
SCHEMA = {
    "type": "object",
    "properties": {
        "medications": {"type": "array", "items": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "dose": {"type": "string"},
                           "frequency": {"type": "string"}},
            "required": ["name", "dose", "frequency"]}},
        "allergies": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["medications", "allergies"],
}


@pytest.fixture(scope="module")
def qwen_holder():
    holder: dict[str, ChatModel] = {}
    yield holder
    for model in holder.values():
        model.close()


@pytest.fixture
def qwen(need, qwen_holder) -> ChatModel:
    settings = need(QWEN)
    if "m" not in qwen_holder:
        qwen_holder["m"] = get_model(QWEN, ChatModel, settings)
    return qwen_holder["m"]


def test_llm_extracts_medications_as_valid_json(qwen) -> None:
    """The default LLM fills a JSON schema from a short note; the result validates."""
    out = qwen.generate_json(
        [Message("system", "You extract structured data from clinical notes. Reply with JSON only."),
         Message("user", f"Note: {NOTE}\n\nList every medication (name, dose, frequency) "
                 "and every allergy in the note.")],
        SCHEMA, GenerationOptions(max_tokens=200))
    names = {m["name"].lower() for m in out["medications"]}
    assert {"metformin", "lisinopril"} <= names
    assert any("penicillin" in a.lower() for a in out["allergies"])
    assert not any("\n" in m["name"] for m in out["medications"])


def test_llm_output_is_deterministic(qwen) -> None:
    """Greedy decoding: the same input gives the same output."""
    opts = GenerationOptions(max_tokens=24)
    assert qwen.chat("Name one antiplatelet drug.", opts) == qwen.chat(
        "Name one antiplatelet drug.", GenerationOptions(max_tokens=24))


def test_llm_streams_and_cancels(qwen) -> None:
    """Streaming yields pieces; setting the cancel event stops generation."""
    cancel = threading.Event()
    stream = qwen.stream("List twenty antibiotics.", GenerationOptions(max_tokens=200, cancel=cancel))
    first = next(stream)
    assert first
    cancel.set()
    with pytest.raises(GenerationCancelled):
        for _ in stream:
            pass


def test_repeated_generations_do_not_hold_on_to_memory(qwen) -> None:
    """Each generation frees its sampler chain when it ends (llama-cpp-python left it to the cycle
    collector: +1.75 MB per generation, +30 MB over these 20, until a full collection ran)."""
    import gc

    from edge_assist.bench.load import rss_mb
    from edge_assist.models.memory import trim

    opts = GenerationOptions(max_tokens=4)
    qwen.chat("case 0: summarise " + "word " * 40, opts)  # positions and buffers touched once
    gc.collect()
    gc.disable()  # a collection in the middle would hide the leak this test is about
    try:
        trim()
        before = rss_mb()
        for i in range(20):
            qwen.chat(f"case {i}: summarise " + "word " * 40, opts)
        trim()
        after = rss_mb()
    finally:
        gc.enable()
    assert qwen._llm._sampler is None
    assert after - before < 8, f"RSS grew {after - before:.1f} MB over 20 generations"


def test_llm_refuses_a_prompt_longer_than_its_context(qwen) -> None:
    """A prompt over n_ctx is a ContextTooLongError before llama.cpp sees it."""
    with pytest.raises(ContextTooLongError, match="exceeds"):
        qwen.chat("cough " * 5000, GenerationOptions(max_tokens=16))


def test_gemma_base_model_completes_but_does_not_chat(need) -> None:
    """Gemma-3-270M base has no chat template: chat is refused, completion works."""
    settings = need("gemma-3-270m-q4_k_m")
    with get_model("gemma3-270m", ChatModel, settings) as gemma:
        with pytest.raises(ModelTaskError):
            gemma.chat("hello")
        assert gemma.complete("The heart has four", GenerationOptions(max_tokens=8)).strip()


def test_smollm2_chats(need) -> None:
    """The tiny profile's model loads and answers."""
    settings = need("smollm2-135m-instruct-q4_1")
    with get_model("smollm2", ChatModel, settings) as smol:
        assert smol.chat("Say hello.", GenerationOptions(max_tokens=12)).strip()


def test_embeddings_rank_related_text_first(need) -> None:
    """ONNX int8 MiniLM: unit vectors of 384 dims; related clinical text is closer."""
    settings = need("all-minilm-l6-v2-int8")
    import numpy as np

    with get_model("minilm", Embedder, settings) as emb:
        q, near, far = (np.array(v) for v in emb.embed_batch(
            ["heart attack", "acute myocardial infarction", "ankle fracture"]))
    assert q.shape == (384,) and abs(np.linalg.norm(q) - 1) < 1e-3
    assert q @ near > q @ far + 0.1


def test_encoder_keeps_no_memory_pattern_per_input_shape(need) -> None:
    """onnxruntime's memory patterns, planned and kept per (batch, length) shape, are off: sentence
    batches come in ever new shapes, and the kept patterns were a +42 MB step in bench load."""
    settings = need("all-minilm-l6-v2-int8")
    with get_model("minilm", Embedder, settings) as emb:
        assert emb._session.get_session_options().enable_mem_pattern is False
        for n in range(1, 6):
            assert len(emb.embed_batch(["fever and cough " * n] * n)) == n


def test_int8_embeddings_agree_with_torch(need) -> None:
    """The int8 ONNX vectors match sentence-transformers' fp32 ones (cosine >= 0.985)."""
    settings = need("all-minilm-l6-v2-int8")
    st = pytest.importorskip("sentence_transformers")
    import numpy as np

    from edge_assist.models.registry import make_default_registry
    from edge_assist.models.store import resolve_part

    texts = ["Patient denies chest pain.", "Start metformin 500 mg twice daily.",
             "CT head showed no acute intracranial abnormality.", "Fever and productive cough."]
    manifest = make_default_registry().get("minilm")
    folder = resolve_part(next(f for f in manifest.files if f.name == "tokenizer.json").parts[0])
    reference = st.SentenceTransformer(str(folder.parent), device="cpu").encode(
        texts, normalize_embeddings=True)
    with get_model("minilm", Embedder, settings) as emb:
        ours = np.array(emb.embed_batch(texts))
    cosines = (ours * reference).sum(axis=1)
    assert cosines.min() >= 0.985


def test_whisper_transcribes_a_dictated_clip(need, speech_clip) -> None:
    """tiny.en transcribes an espeak-ng clip; key clinical words come through."""
    settings = need("whisper-tiny.en")
    wav, _text = speech_clip
    with get_model("tiny.en", Transcriber, settings) as whisper:
        segments = list(whisper.transcribe(wav, word_timestamps=True))
    text = " ".join(s.text for s in segments).lower()
    assert "cough" in text and "fever" in text
    assert segments[0].words and segments[0].end > segments[0].start


def test_whisper_rejects_non_audio(need, tmp_path) -> None:
    """A file that is not audio is an InputError, not a decoder traceback."""
    from edge_assist.errors import InputError

    settings = need("whisper-tiny.en")
    bogus = tmp_path / "note.wav"
    bogus.write_text("this is not audio")
    with get_model("tiny.en", Transcriber, settings) as whisper, pytest.raises(InputError):
        list(whisper.transcribe(bogus))


def test_dictated_clip_becomes_a_note(need, tmp_path) -> None:
    """Speech to note on the real models: a dictation with section names lands in those sections."""
    import shutil
    import subprocess

    from edge_assist.assistant import Assistant

    if not (shutil.which("espeak-ng") and shutil.which("sox")):
        pytest.skip("espeak-ng and sox are needed (scripts/setup --dev installs them)")
    settings = need("whisper-tiny.en")
    said = ("The patient has had a cough and a fever for three days. Assessment: acute bronchitis. "
            "Plan: rest, fluids and review in one week.")
    raw, wav = tmp_path / "raw.wav", tmp_path / "clip.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(raw), said], check=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", str(wav)], check=True)
    with Assistant(settings) as assistant:
        transcript = assistant.transcribe(wav, model="tiny.en")
        note = assistant.note(transcript.text)
    sections = {s.key: " ".join(x.text for x in s.sentences).lower() for s in note.sections}
    assert "bronchitis" in sections["assessment"] and "week" in sections["plan"]
    assert "cough" in sections["subjective"]
