"""Terminal UI latency, measured from outside: the real app in a pseudo-terminal, as a user sees it.

Two figures the TUI issue sets targets for (first screen ≤ 1.5 s on 2 cores,
input ≤ 100 ms while generating):

* ``launch_to_ready_s``: from starting ``python -m edge_assist tui`` to the
  Ask screen's input being painted on the terminal (median of a few launches).
* ``key_to_paint_ms``: from writing one key to the terminal to the terminal
  receiving the repaint that shows it, typed into the question box while
  the chat model streams an answer (and, for comparison, while idle).

The app is driven through a pty (80x24) and its output is read as bytes, so
the numbers include Textual's rendering and the terminal write; nothing in
the app is instrumented. This module runs the app as a program: it does not
import the TUI (the bench layer sits below it).
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from typing import Any

from edge_assist.errors import EdgeAssistError

READY = "Ask a clinical question"
QUESTION = "What is the first-line treatment for an acute gout flare?"
_AFTER_ASK = r"Drafting|NO ANSWER|no evidence index|Unexpected|Answer, every"
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)")


class _Terminal:
    """The app running in a pseudo-terminal, with its output as plain text."""

    def __init__(self, args: list[str], size: tuple[int, int] = (80, 24)) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(size[0]), "LINES": str(size[1])}
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.fd = master
        self.text = ""

    def read(self, timeout: float) -> str:
        """Whatever the app painted within ``timeout`` seconds, escape codes removed."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return ""
        try:
            chunk = os.read(self.fd, 1 << 16).decode("utf-8", "replace")
        except OSError:
            return ""
        plain = _ANSI.sub("", chunk)
        self.text += plain
        return plain

    def wait_for(self, pattern: str, timeout: float, since: int = 0) -> float | None:
        """Seconds until ``pattern`` (a regex) appears in output after offset ``since``; None on timeout."""
        start = time.perf_counter()
        regex = re.compile(pattern)
        while time.perf_counter() - start < timeout:
            if regex.search(self.text, since):
                return time.perf_counter() - start
            self.read(0.01)
        return None

    def send(self, keys: str) -> None:
        """Type ``keys`` into the terminal."""
        os.write(self.fd, keys.encode())

    def close(self) -> None:
        """Stop the app (Ctrl+Q, then a signal) and free the pty."""
        try:
            self.send("\x11")
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        os.close(self.fd)


def _command() -> list[str]:
    return [sys.executable, "-m", "edge_assist", "tui"]


def measure_launch(runs: int = 3, timeout: float = 30.0) -> dict[str, Any]:
    """Launch the app ``runs`` times; seconds until the Ask input is on screen."""
    times = []
    for _ in range(runs):
        term = _Terminal(_command())
        try:
            found = term.wait_for(re.escape(READY), timeout)
            seconds = time.perf_counter() - term.started
        finally:
            term.close()
        if found is None:
            raise EdgeAssistError(f"the TUI did not show its first screen within {timeout:.0f} s")
        times.append(seconds)
    return {"measure": "launch_to_ready_s", "runs": runs, "median": round(statistics.median(times), 3),
            "max": round(max(times), 3)}


def _key_latencies(term: _Terminal, keys: int, stop: str | None) -> tuple[list[float], bool]:
    """Type '~' ``keys`` times, timing each until the input repaints with one more '~'.

    Returns the latencies taken before ``stop`` (the answer finished) appeared, and whether it did.
    """
    latencies: list[float] = []
    for n in range(1, keys + 1):
        mark = len(term.text)
        sent = time.perf_counter()
        term.send("~")
        if term.wait_for("~" * (n + 2), 5.0, since=mark) is None:
            break
        if stop and re.search(stop, term.text):
            return latencies, True
        latencies.append(time.perf_counter() - sent)
        time.sleep(0.05)
    return latencies, bool(stop and re.search(stop, term.text))


def _summary(name: str, latencies: list[float], **extra: Any) -> dict[str, Any]:
    ms = sorted(x * 1000 for x in latencies)
    if not ms:
        return {"measure": name, "keys": 0, **extra}
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return {"measure": name, "keys": len(ms), "median": round(statistics.median(ms), 1),
            "p95": round(p95, 1), "max": round(ms[-1], 1), **extra}


def measure_keys(keys: int = 30, first_token_timeout: float = 120.0) -> list[dict[str, Any]]:
    """Keystroke-to-paint latency while idle, then while the chat model generates an answer."""
    term = _Terminal(_command())
    try:
        if term.wait_for(re.escape(READY), 30.0) is None:
            raise EdgeAssistError("the TUI did not show its first screen within 30 s")
        term.send("~~")
        term.wait_for("~~", 5.0)
        idle, _ = _key_latencies(term, keys, None)
        # Keys go in separate writes: a burst of text is not what a typist sends.
        term.send("\x15")  # Ctrl+U clears the input
        time.sleep(0.2)
        term.send(QUESTION + " ~~")
        term.wait_for(re.escape("flare? ~~"), 5.0)
        mark = len(term.text)
        term.send("\r")
        waited = term.wait_for(_AFTER_ASK, first_token_timeout, since=mark)
        generating = bool(waited is not None and re.search("Drafting", term.text[mark:]))
        busy: list[float] = []
        finished = False
        if generating:  # the question stays in the input: keep typing after its " ~~"
            busy, finished = _key_latencies(term, keys, r"Answer, every sentence|NO ANSWER")
    finally:
        term.close()
    rows = [_summary("key_to_paint_idle_ms", idle)]
    note = "" if generating else "the model did not start generating (no index or no chat model?)"
    rows.append(_summary("key_to_paint_generating_ms", busy, answer_finished_first=finished,
                         **({"note": note} if note else {})))
    return rows


def bench_tui(model: str | None = None) -> list[dict[str, Any]]:
    """Launch-to-ready time and keystroke-to-paint latency (idle and during generation).

    Args:
        model: unused (the profile's chat model answers); kept for the common bench signature.

    Raises:
        EdgeAssistError: the app did not start.
    """
    del model
    return [measure_launch(), *measure_keys()]
