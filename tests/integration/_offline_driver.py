"""Run every edge-assist command on the fakes under a socket audit hook; print a JSON report.

``python -m tests.integration._offline_driver`` (the offline tests run it plainly and inside
``unshare -n``). The audit hook (PEP 578) sees every ``socket.connect``, ``sendto``, ``sendmsg``
and ``getaddrinfo`` in the process, whoever makes it (our code, a library, a C extension going
through Python's socket module), and records any that is not loopback or a Unix socket.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import tempfile
import traceback
import wave
from pathlib import Path

from edge_assist.offline import is_local_host

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data"
EVENTS: list[str] = []
_MODEL_VARS = ("EDGE_ASSIST_MODELS__LLM", "EDGE_ASSIST_MODELS__EMBEDDER", "EDGE_ASSIST_MODELS__TRANSCRIBER")


def _audit(event: str, args: tuple) -> None:  # type: ignore[type-arg]
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) != getattr(socket, "AF_UNIX", -1):
            host = address[0] if isinstance(address, tuple) and address else address
            if not is_local_host(host):
                EVENTS.append(f"{event} {address!r}")
    elif event == "socket.getaddrinfo" and not is_local_host(args[0]):
        EVENTS.append(f"{event} {args[0]!r}")


def _setup(home: Path) -> None:
    from edge_assist.models import registry as registry_module
    from edge_assist.models.fakes import install_fakes
    from edge_assist.models.registry import make_default_registry
    from edge_assist.models.store import ModelStore
    from edge_assist.settings import load_settings

    os.environ.update({"EDGE_ASSIST_HOME": str(home), "EDGE_ASSIST_PROFILE": "default",
                       "EDGE_ASSIST_MODELS__LLM": "fake-chat", "EDGE_ASSIST_MODELS__EMBEDDER": "fake-embed",
                       "EDGE_ASSIST_MODELS__TRANSCRIBER": "fake-whisper",
                       "EDGE_ASSIST_HISTORY__ENABLED": "true", "EDGE_ASSIST_HISTORY_PASSPHRASE": "pw"})
    store = ModelStore(load_settings().model_store)
    registry = make_default_registry(store)
    install_fakes(registry, store, home / "fake-weights")
    registry_module._default = registry


def _wav(path: Path) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x00\x10" * 16000)
    return path


def commands(tmp: Path) -> list[list[str]]:
    """One or more invocations of every command, on the fakes."""
    gguf = tmp / "site.gguf"
    gguf.write_bytes(b"GGUF" + b"\x01" * 64)
    note, encounter = str(DATA / "extract" / "note_bullets.txt"), str(DATA / "notes" / "encounter.txt")
    return [
        ["models", "add", str(gguf), "--task", "chat", "--id", "site-model"],
        ["models", "list"], ["models", "info", "site-model"], ["models", "verify", "site-model"],
        ["models", "pull", "site-model", "--no-install"],
        ["doctor"], ["doctor", "--offline-check"],
        ["eval", "--list"], ["eval", "phi", "--data", "synthetic", "--limit", "20"],
        ["eval", "negex", "--data", str(DATA / "extract" / "negex_tiny.tsv")],
        ["bench", "--help"],
        ["serve", "--help"], ["mcp", "--help"],
        ["calc", "list"], ["calc", "show", "curb-65"],
        ["calc", "run", "chads-vasc", "--age", "72", "--sex", "F", "--hypertension"],
        ["calc", "from-note", "chads-vasc"],
        ["extract", note], ["extract", note, "--fhir"], ["note", encounter, "--json"],
        ["index", "add", str(DATA / "index" / "corpus"), "--pack", "demo"],
        ["index", "build-default", "--no-icd"], ["index", "list"], ["index", "stats"],
        ["index", "search", "CURB-65 pneumonia"], ["index", "export", "demo", str(tmp / "demo.zip")],
        ["index", "rm", "--pack", "demo"], ["index", "import", str(tmp / "demo.zip")],
        ["ask", "What CURB-65 score means severe pneumonia?", "--extractive"],
        ["ask", "What CURB-65 score means severe pneumonia?"],
        ["transcribe", str(_wav(tmp / "one.wav"))], ["dictate", "--seconds", "1"],
        ["tui", "--help"],
        ["history", "list"], ["history", "show", "1"], ["history", "export", str(tmp / "h.jsonl"),
                                                         "--deidentified"],
        ["history", "forget", "--all"], ["audit", "show"], ["audit", "verify"],
        # The model-making tools, as far as their input checks on the fakes; their real runs
        # (tests/integration/test_quantize_real.py) go through scripts/test under unshare -n.
        ["quantize", "onnx", str(tmp / "no-model")], ["quantize", "gguf", str(tmp / "no-model.gguf")],
        ["distill", str(tmp / "no-recipe.toml")],
    ]


def main() -> None:
    sys.addaudithook(_audit)
    from click.testing import CliRunner

    from edge_assist.cli import cli

    report = {"runs": [], "events": EVENTS, "unshared": False}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        _setup(tmp / "home")
        for args in commands(tmp):
            stdin = "72 yo woman with hypertension." if args[:2] == ["calc", "from-note"] else ""
            # doctor builds its own registry from the catalog: check the profile's real models
            env = dict.fromkeys(_MODEL_VARS) if args[0] == "doctor" else None
            result = CliRunner().invoke(cli, args, input=stdin, env=env)
            crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
            report["runs"].append({
                "args": args, "exit": result.exit_code, "output": result.output[-400:],
                "traceback": "".join(traceback.format_exception(result.exception)) if crashed else ""})
    print(json.dumps(report))


if __name__ == "__main__":
    main()
