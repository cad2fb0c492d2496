"""The bad-input corpus: every malformed input gets one clear message and a non-zero exit.

Each case names a command line (``{D}`` is ``tests/data/bad_inputs``, ``{T}`` a fresh temporary
folder), optional stdin and environment, and the exit codes it may end with. Every case is run
through the CLI on the fakes (CliRunner; under pytest unexpected exceptions are re-raised, so a
crash fails the case with its traceback) with a time limit; a representative subset also runs as a
real process, ``python -m edge_assist``, where a traceback on stderr fails the case. Outputs named
with ``-o``/FILE arguments must not exist after a failure (no partial writes).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from edge_assist.cli import cli
from edge_assist.trust import crypto

D = Path(__file__).parents[1] / "data" / "bad_inputs"
HUGE = "Patient reports chest pain. " * 120_000  # about 3.4 MB
USAGE, CONFIG, NOT_FOUND, INTEGRITY, INPUT = 2, 3, 4, 5, 7


@dataclass
class Case:
    """One malformed input and the exits it may give."""

    id: str
    args: list[str]
    exits: set[int]
    stdin: str | bytes | None = None
    env: dict[str, str] = field(default_factory=dict)
    no_file: str = ""  # a path (with {T}) that must not exist afterwards
    setup: list[str] = field(default_factory=list)  # a command run first (e.g. build an index)
    xfail: str = ""  # a known bug in another package, reported rather than fixed here

    def param(self):  # type: ignore[no-untyped-def]
        marks = [pytest.mark.xfail(strict=True, reason=self.xfail)] if self.xfail else []
        return pytest.param(self, id=self.id, marks=marks)
    process: bool = False  # also run through `python -m edge_assist`


def c(id: str, args: str | list[str], exits: int | set[int], **kw) -> Case:
    return Case(id, args.split() if isinstance(args, str) else args,
                exits if isinstance(exits, set) else {exits}, **kw)


INDEX = ["index", "add", str(Path(__file__).parents[1] / "data" / "index" / "corpus")]
HISTORY_ON = {"EDGE_ASSIST_HISTORY__ENABLED": "true", crypto.PASSPHRASE_ENV: "pw"}

CORPUS = [
    # calculators: wrong types, implausible values, bad units, unknown names
    c("calc-age-not-number", "calc run chads-vasc --age abc --sex F", INPUT, process=True),
    c("calc-age-negative", "calc run chads-vasc --age -5 --sex F", INPUT),
    c("calc-age-implausible", "calc run chads-vasc --age 300 --sex F", INPUT, process=True),
    c("calc-age-nan", "calc run chads-vasc --age nan --sex F", INPUT),
    c("calc-age-inf", "calc run chads-vasc --age inf --sex F", INPUT),
    c("calc-age-empty", ["calc", "run", "chads-vasc", "--age", "", "--sex", "F"], INPUT),
    c("calc-bad-choice", "calc run chads-vasc --age 70 --sex Q", INPUT),
    c("calc-unknown-input", "calc run chads-vasc --age 70 --sex F --shoe-size 9", INPUT),
    c("calc-missing-required", "calc run chads-vasc", INPUT, process=True),
    c("calc-unknown-unit", ["calc", "run", "ckd-epi-2021", "--age", "60", "--sex", "F",
                            "--creatinine", "88 furlongs"], INPUT),
    c("calc-wrong-dimension-unit", ["calc", "run", "ckd-epi-2021", "--age", "60", "--sex", "F",
                                    "--creatinine", "1.2 kg"], INPUT),
    c("calc-unknown-calculator", "calc run no-such-score --age 3", INPUT, process=True),
    c("calc-stray-positional", "calc run chads-vasc 72", USAGE),
    c("calc-show-unknown", "calc show no-such-score", INPUT),
    c("calc-from-note-empty", "calc from-note chads-vasc", INPUT, stdin=""),
    c("calc-from-note-unknown", "calc from-note nope", INPUT, stdin="72 yo woman."),
    c("calc-from-note-binary", "calc from-note chads-vasc", INPUT, stdin=bytes(range(256)) * 4),
    c("calc-from-note-huge", "calc from-note chads-vasc", INPUT, stdin=HUGE),
    # extraction: encodings, empty, binary, huge, missing, directories, option clashes
    c("extract-binary", "extract {D}/binary.bin", INPUT, process=True),
    c("extract-latin1", "extract {D}/latin1.txt", INPUT, process=True),
    c("extract-utf16", "extract {D}/utf16.txt", INPUT),
    c("extract-empty", "extract {D}/empty.txt", INPUT),
    c("extract-whitespace", "extract {D}/whitespace.txt", INPUT),
    c("extract-control-chars", "extract {D}/control.txt", INPUT),
    c("extract-nul-bytes", "extract {D}/note_nul.txt", INPUT),
    c("extract-missing", "extract {D}/no-such-note.txt", INPUT, process=True),
    c("extract-directory", "extract {D}", INPUT),
    c("extract-huge-stdin", "extract -", INPUT, stdin=HUGE),
    c("extract-json-and-fhir", "extract {D}/latin1.txt --json --fhir", USAGE),
    # notes
    c("note-binary", "note {D}/binary.bin", INPUT, process=True),
    c("note-latin1", "note {D}/latin1.txt", INPUT),
    c("note-utf16", "note {D}/utf16.txt", INPUT),
    c("note-empty", "note {D}/empty.txt", INPUT),
    c("note-control-chars", "note {D}/control.txt", INPUT),
    c("note-missing", "note {D}/no-such.txt", INPUT),
    c("note-directory", "note {D}", USAGE),
    c("note-huge-stdin", "note -", INPUT, stdin=HUGE),
    c("note-unknown-template", "note - --template nosuch", INPUT, stdin="[doctor] hi .\n[patient] hi .\n"),
    c("note-template-not-toml", "note - --template {D}/template_not_toml.toml", INPUT,
      stdin="[doctor] hi .\n[patient] hi .\n", process=True),
    c("note-template-unknown-key", "note - --template {D}/template_unknown_key.toml", INPUT,
      stdin="[doctor] hi .\n[patient] hi .\n"),
    c("note-bad-writer", "note - --writer poet", USAGE, stdin="x"),
    # cited answers
    c("ask-empty", ["ask", ""], INPUT, setup=INDEX),
    c("ask-whitespace", ["ask", "   \n "], INPUT, setup=INDEX),
    c("ask-huge", ["ask", "x" * 100_000], INPUT, setup=INDEX),
    c("ask-no-index", ["ask", "gout flare treatment?"], {CONFIG, NOT_FOUND}, process=True),
    c("ask-k-zero", ["ask", "q", "--k", "0"], USAGE),
    c("ask-k-not-int", ["ask", "q", "--k", "many"], USAGE),
    # evidence index
    c("index-add-docx", "index add {D}/doc.docx", INPUT),
    c("index-add-binary", "index add {D}/binary.bin", INPUT),
    c("index-add-empty-md", "index add {D}/empty.md", INPUT),
    c("index-add-missing", "index add {D}/no-such-folder", INPUT),
    c("index-import-not-zip", "index import {D}/not_a_pack.zip", INPUT),
    c("index-import-no-manifest", "index import {D}/pack_no_manifest.zip", INPUT),
    c("index-import-wrong-format", "index import {D}/pack_wrong_format.zip", INPUT),
    c("index-import-bad-hash", "index import {D}/pack_bad_hash.zip", INPUT),
    c("index-import-newer-format", "index import {D}/pack_newer.zip", INPUT),
    c("index-import-missing", "index import {D}/no-such.zip", INPUT),
    c("index-export-unknown-pack", "index export nosuch {T}/out.zip", {CONFIG, INPUT}, no_file="{T}/out.zip"),
    c("index-search-empty", ["index", "search", ""], {CONFIG, INPUT}),
    c("index-search-k-zero", "index search gout --k 0", USAGE),
    # models
    c("models-info-unknown", "models info gpt-5", NOT_FOUND, process=True),
    c("models-add-missing", "models add {D}/nothing.gguf --task chat", INPUT),
    c("models-add-not-gguf", "models add {D}/model_not_gguf.gguf --task chat", INPUT),
    c("models-add-binary", "models add {D}/binary.bin --task chat", INPUT),
    c("models-add-bad-task", "models add {D}/binary.bin --task paint", USAGE),
    c("models-pull-nothing", "models pull", USAGE),
    c("models-pull-unknown", "models pull gpt-5 --no-install", NOT_FOUND),
    c("models-verify-unknown", "models verify gpt-5", NOT_FOUND),
    # speech
    c("transcribe-not-audio", "transcribe {D}/not_audio.wav -o {T}/out.txt", INPUT, no_file="{T}/out.txt"),
    c("transcribe-truncated-wav", "transcribe {D}/truncated.wav -o {T}/out.txt", INPUT,
      no_file="{T}/out.txt"),
    c("transcribe-empty", "transcribe {D}/empty.txt", INPUT),
    c("transcribe-missing", "transcribe {D}/no-such.wav", INPUT),
    c("transcribe-bad-model", "transcribe {D}/not_audio.wav --model huge-v9", USAGE),
    c("dictate-zero-seconds", "dictate --seconds 0", USAGE),
    # evaluation data in the wrong shape
    c("eval-negex-wrong-columns", "eval negex --data {D}/negex_wrong_columns.tsv", INPUT, process=True),
    c("eval-negex-bad-label", "eval negex --data {D}/negex_bad_label.tsv", INPUT),
    c("eval-phi-not-json", "eval phi --data {D}/phi_not_json.jsonl", INPUT),
    c("eval-phi-bad-span", "eval phi --data {D}/phi_bad_span.jsonl", INPUT),
    c("eval-medmcqa-garbage", "eval medmcqa --data {D}/medmcqa_garbage.jsonl", INPUT),
    c("eval-unknown-task", "eval nosuch --data {D}/empty.txt", INPUT),
    c("eval-no-data", "eval negex", USAGE),
    c("eval-missing-data", "eval negex --data {D}/no-such.tsv", INPUT),
    c("eval-limit-zero", "eval phi --data synthetic --limit 0", USAGE),
    # quantization and distillation: missing sources and recipes
    c("quantize-gguf-missing", "quantize gguf {D}/no-such-model", INPUT),
    c("quantize-onnx-missing", "quantize onnx {D}/no-such-model", INPUT),
    c("quantize-no-source", "quantize gguf", USAGE),
    c("distill-missing-recipe", "distill {D}/no-such-recipe.toml", INPUT),
    c("distill-no-recipe", "distill", USAGE),
    # bench: bad numbers for the load test (rejected before any work)
    c("bench-load-zero-asks", "bench load --asks 0", USAGE),
    c("bench-load-bad-profile", "bench load --profile huge", USAGE),
    # configuration: files and environment
    c("config-wrong-type", "calc list", CONFIG, env={"EDGE_ASSIST_CONFIG": "{D}/config_wrong_type.toml"},
      process=True),
    c("config-unknown-key", "calc list", CONFIG, env={"EDGE_ASSIST_CONFIG": "{D}/config_unknown_key.toml"}),
    c("config-bad-profile", "calc list", CONFIG, env={"EDGE_ASSIST_CONFIG": "{D}/config_bad_profile.toml"}),
    c("config-bad-history", "calc list", CONFIG, env={"EDGE_ASSIST_CONFIG": "{D}/config_bad_history.toml"}),
    c("config-binary-file", "calc list", CONFIG, env={"EDGE_ASSIST_CONFIG": "{D}/config_binary.toml"}),
    c("env-bad-int", "calc list", CONFIG, env={"EDGE_ASSIST_MODELS__N_CTX": "lots"}),
    c("env-bad-profile", "calc list", CONFIG, env={"EDGE_ASSIST_PROFILE": "huge"}),
    c("env-bad-bool", "calc list", CONFIG, env={"EDGE_ASSIST_HISTORY__ENABLED": "perhaps"}),
    c("option-bad-profile", "--profile huge calc list", USAGE),
    c("unknown-command", "frobnicate", USAGE, process=True),
    # history and audit
    c("history-show-missing", "history show 999", INPUT, env=HISTORY_ON),
    c("history-show-not-int", "history show abc", USAGE),
    c("history-export-no-folder", "history export {T}/no/such/out.jsonl", INPUT, env=HISTORY_ON,
      no_file="{T}/no/such/out.jsonl"),
    c("history-forget-negative-age", "history forget --older-than -1", USAGE),
    c("history-no-key", "history list", CONFIG, env={"EDGE_ASSIST_HISTORY__ENABLED": "true",
                                                     crypto.PASSPHRASE_ENV: ""}, process=True),
    c("audit-show-limit-zero", "audit show --limit 0", USAGE),
    c("bench-unknown", "bench warp-drive", USAGE),
    c("serve-remote-without-token", "serve --host 10.0.0.1", CONFIG),
    c("serve-bad-port", "serve --port 70000", USAGE),
    c("mcp-unknown-option", "mcp --port 1", USAGE),
]


def _fill(text: str, tmp: Path) -> str:
    return text.replace("{D}", str(D)).replace("{T}", str(tmp))


@pytest.fixture
def time_limit():
    """Fail a case that runs longer than 60 s (a hang) instead of blocking the suite."""
    def expire(signum, frame):  # type: ignore[no-untyped-def]
        raise TimeoutError("the command hung")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def test_the_corpus_is_large_and_covers_every_command() -> None:
    """At least 60 cases, touching every top-level command but the TUI and doctor."""
    assert len(CORPUS) >= 60
    covered = {case.args[0] if not case.args[0].startswith("-") else case.args[2] for case in CORPUS}
    assert set(cli.commands) - covered <= {"tui", "doctor"}


@pytest.mark.parametrize("case", [case.param() for case in CORPUS])
def test_bad_input_gives_a_clear_error(case: Case, fake_env, monkeypatch, tmp_path: Path,
                                       time_limit) -> None:
    """One message, the expected non-zero exit, no traceback, no partial output file."""
    from edge_assist.models import registry as registry_module

    monkeypatch.setattr(registry_module, "_default", fake_env[0])
    fakes = {"EDGE_ASSIST_MODELS__LLM": "fake-chat", "EDGE_ASSIST_MODELS__EMBEDDER": "fake-embed",
             "EDGE_ASSIST_MODELS__TRANSCRIBER": "fake-whisper"}
    if "EDGE_ASSIST_CONFIG" not in case.env:
        fakes["EDGE_ASSIST_PROFILE"] = "default"
    for key, value in {**fakes, **case.env}.items():
        monkeypatch.setenv(key, _fill(value, tmp_path))
    if case.setup:
        assert CliRunner().invoke(cli, case.setup, catch_exceptions=False).exit_code == 0
    args = [_fill(a, tmp_path) for a in case.args]
    result = CliRunner().invoke(cli, args, input=case.stdin, catch_exceptions=False)
    assert result.exit_code in case.exits, result.output
    assert "Error" in result.output and "Traceback" not in result.output
    if case.no_file:
        assert not Path(_fill(case.no_file, tmp_path)).exists()


PROCESS_CASES = [case for case in CORPUS if case.process]


@pytest.mark.parametrize("case", [case.param() for case in PROCESS_CASES])
def test_bad_input_in_a_real_process(case: Case, tmp_path: Path) -> None:
    """The same through `python -m edge_assist`: exit code, one error line, no traceback, no hang."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDGE_ASSIST_")}
    env |= {"EDGE_ASSIST_HOME": str(tmp_path / "home")} | {k: _fill(v, tmp_path) for k, v in case.env.items()}
    stdin = case.stdin.encode() if isinstance(case.stdin, str) else case.stdin
    done = subprocess.run([sys.executable, "-m", "edge_assist", *[_fill(a, tmp_path) for a in case.args]],
                          input=stdin or b"", capture_output=True, env=env, timeout=120, check=False)
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode in case.exits, stderr
    assert "Error" in stderr and "Traceback" not in stderr
