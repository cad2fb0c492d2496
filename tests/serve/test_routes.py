"""edge-assist's own routes return what the CLI's --json prints, over real loopback HTTP."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

import httpx
import pytest

from edge_assist.models.fakes import FakeChatModel

NOTE = "72 yo woman with hypertension. Denies chest pain. Takes metformin 500 mg twice daily."


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """A three-second WAV (the fake transcriber hears its fixed sentence)."""
    wav = tmp_path / "clip.wav"
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 5))) for i in range(48_000)))
    return wav


def test_extract_matches_the_library_result(client: httpx.Client, assistant) -> None:
    """/api/extract returns the extraction's model_dump, as `extract --json` prints it."""
    got = client.post("/api/extract", json={"note": NOTE})
    assert got.status_code == 200
    assert got.json() == assistant.extract(NOTE).model_dump(mode="json")
    problem = next(p for p in got.json()["problems"] if p["text"] == "chest pain")
    assert problem["assertion"]["is_negated"] is True


def test_extract_fhir_is_a_bundle(client: httpx.Client) -> None:
    """format=fhir gives the validated FHIR collection Bundle `extract --fhir` prints."""
    bundle = client.post("/api/extract", json={"note": NOTE, "format": "fhir"}).json()
    assert bundle["resourceType"] == "Bundle"
    assert any(e["resource"]["resourceType"] == "Provenance" for e in bundle["entry"])


def test_calc_from_values_and_from_a_note(client: httpx.Client) -> None:
    """values computes like `calc run`; note fills like `calc from-note`, with source spans."""
    run = client.post("/api/calc", json={"name": "chads-vasc",
                                         "values": {"age": 72, "sex": "F", "hypertension": "yes"}})
    assert run.status_code == 200 and run.json()["value"] == 3
    filled = client.post("/api/calc", json={"name": "chads-vasc", "note": NOTE}).json()
    assert filled["value"] == 3
    assert filled["inputs"]["age"]["value"] == 72


def test_calc_refuses_both_or_neither_and_unknown_names(client: httpx.Client) -> None:
    """Exactly one of values and note; an unknown calculator is a 400 naming the input error."""
    assert client.post("/api/calc", json={"name": "chads-vasc"}).status_code == 400
    assert client.post("/api/calc", json={"name": "chads-vasc", "values": {}, "note": "x"}).status_code == 400
    unknown = client.post("/api/calc", json={"name": "no-such-score", "values": {}})
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "invalid_input"


def test_calculator_list_and_spec(client: httpx.Client) -> None:
    """GET /api/calc lists calculators; GET /api/calc/NAME is `calc show --json`."""
    ids = {c["id"] for c in client.get("/api/calc").json()}
    assert {"chads-vasc", "news2"} <= ids
    assert client.get("/api/calc/chads-vasc").json()["id"] == "chads-vasc"


def test_note_json_markdown_and_fhir(client: httpx.Client) -> None:
    """/api/note drafts like `note --json`; markdown and fhir are the other two renderings."""
    transcript = "[doctor] any fever ?\n[patient] no fever , but a cough for three days ."
    drafted = client.post("/api/note", json={"transcript": transcript}).json()
    assert drafted["status"] == "draft for clinician review" and drafted["template"] == "soap"
    markdown = client.post("/api/note", json={"transcript": transcript, "format": "markdown"}).json()
    assert "DRAFT" in markdown["markdown"]
    bundle = client.post("/api/note", json={"transcript": transcript, "format": "fhir"}).json()
    assert bundle["resourceType"] == "Bundle"


def test_note_template_must_be_built_in(client: httpx.Client, tmp_path: Path) -> None:
    """A template path (which the CLI accepts) is refused: a request cannot make the server read files."""
    got = client.post("/api/note", json={"transcript": "[doctor] hi", "template": str(tmp_path / "t.toml")})
    assert got.status_code == 400 and got.json()["error"]["param"] == "template"


def test_ask_answers_from_the_index_with_citations(serve, indexed) -> None:
    """/api/ask returns Answer.as_dict(): cited text and support, like `ask --json`."""
    server = serve()
    FakeChatModel.enqueue("A CURB-65 score of 3 or more indicates severe pneumonia [1].")
    got = httpx.post(server.url + "/api/ask", json={"question": "What CURB-65 score means severe pneumonia?"})
    assert got.status_code == 200
    data = got.json()
    assert {"text", "abstained", "citations", "sentences", "timings"} <= data.keys()
    assert data["citations"][0]["section"] == "Community Acquired Pneumonia > Severity"
    extractive = httpx.post(server.url + "/api/ask",
                            json={"question": "CURB-65 severity", "extractive": True})
    assert extractive.json()["citations"]


def test_ask_without_an_index_says_how_to_build_one(client: httpx.Client) -> None:
    """No index yet: 503 with the library's hint, not a traceback."""
    got = client.post("/api/ask", json={"question": "What is CURB-65?"})
    assert got.status_code == 503
    assert got.json()["error"]["code"] == "index_not_built"
    assert "index" in got.json()["error"]["hint"]


def test_ask_with_another_model_is_refused(serve, indexed) -> None:
    """The server answers with its own chat model; naming another is a 400, an unknown one 404."""
    server = serve()
    url = server.url + "/api/ask"
    assert httpx.post(url, json={"question": "q", "model": "fake-embed"}).status_code == 400
    assert httpx.post(url, json={"question": "q", "model": "nope"}).status_code == 404


def test_transcribe_multipart_and_raw_body(client: httpx.Client, clip: Path) -> None:
    """A multipart upload and a raw audio/wav body both give Transcript.as_dict()."""
    with clip.open("rb") as fh:
        multipart = client.post("/api/transcribe", files={"file": ("clip.wav", fh, "audio/wav")})
    assert multipart.status_code == 200, multipart.text
    assert multipart.json()["text"] == "the patient is well."
    assert multipart.json()["source"] == "upload"
    raw = client.post("/api/transcribe?commands=true", content=clip.read_bytes(),
                      headers={"content-type": "audio/wav"})
    assert raw.status_code == 200 and raw.json()["segments"]


def test_transcribe_bad_uploads(client: httpx.Client) -> None:
    """Not audio: 400 from the decoder; no file part: 400; a JSON body: 415; an unknown option: 400."""
    junk = client.post("/api/transcribe", files={"file": ("a.wav", b"RIFF not really")})
    assert junk.status_code == 400 and "decode" in junk.json()["error"]["message"]
    assert client.post("/api/transcribe", data={"model": "fake-whisper"},
                       files={"other": ("a.wav", b"x")}).status_code == 400
    assert client.post("/api/transcribe", json={"audio": "x"}).status_code == 415
    assert client.post("/api/transcribe?lang=en", content=b"abc",
                       headers={"content-type": "audio/wav"}).status_code == 400


def test_transcribe_over_the_audio_limit_is_413(client: httpx.Client) -> None:
    """An upload over --max-audio-mb is 413, multipart or raw, and the server keeps serving."""
    big = b"\0" * (600 * 1024)
    assert client.post("/api/transcribe", files={"file": ("a.wav", big)}).status_code == 413
    raw = client.post("/api/transcribe", content=big, headers={"content-type": "audio/wav"})
    assert raw.status_code == 413
    assert client.get("/api/health").status_code == 200


def test_health_names_the_models_and_the_guard(client: httpx.Client) -> None:
    """/api/health shows each role's model and that the offline guard is on."""
    data = client.get("/api/health").json()
    assert data["models"]["llm"] == "fake-chat"
    assert data["offline_guard"] is True
