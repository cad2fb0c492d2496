"""glibc arena cap and malloc_trim: they succeed on Linux glibc, respect MALLOC_ARENA_MAX, never raise."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from edge_assist.models import memory

GLIBC = memory._libc() is not None


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(memory.ENV, raising=False)
    monkeypatch.setattr(memory, "_applied", None)


@pytest.mark.skipif(not GLIBC, reason="needs Linux with glibc")
def test_cap_and_trim_succeed_on_glibc() -> None:
    """mallopt(M_ARENA_MAX, n) is accepted; a second call is a no-op; malloc_trim answers a bool."""
    assert memory.cap_malloc_arenas(2) == 2
    assert memory.cap_malloc_arenas(2) == 2
    assert isinstance(memory.trim(), bool)


def test_explicit_env_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    """An explicit MALLOC_ARENA_MAX is left alone (glibc read it at start-up): mallopt is not called."""
    monkeypatch.setenv(memory.ENV, "4")
    monkeypatch.setattr(memory, "_libc", lambda: pytest.fail("mallopt must not be called"))
    assert memory.cap_malloc_arenas(2) == 4
    monkeypatch.setenv(memory.ENV, "lots")
    assert memory.cap_malloc_arenas(2) is None


def test_no_op_off_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    """Elsewhere (macOS, Windows, musl) both functions do nothing and never raise."""
    monkeypatch.setattr(sys, "platform", "darwin")
    assert memory.cap_malloc_arenas() is None
    assert memory.trim() is False


def test_bad_n_and_refusal_do_not_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    """A limit below 1 is ignored; mallopt answering 0 (error) gives None."""
    assert memory.cap_malloc_arenas(0) is None

    class Refusing:
        def mallopt(self, *_: object) -> int:
            return 0

        def malloc_trim(self, *_: object) -> int:
            raise OSError("gone")

    monkeypatch.setattr(memory, "_libc", Refusing)
    assert memory.cap_malloc_arenas(3) is None
    assert memory.trim() is False


@pytest.mark.skipif(not GLIBC, reason="needs Linux with glibc")
def test_assistant_caps_arenas_at_construction(tmp_path) -> None:
    """Constructing an Assistant sets the cap (checked in a fresh process, where nothing set it before)."""
    code = (
        "from edge_assist.models import memory\n"
        "from edge_assist.assistant import Assistant\n"
        "assert memory._applied is None\n"
        "Assistant.open(profile='tiny')\n"
        "print(memory._applied)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != memory.ENV}
    env["EDGE_ASSIST_HOME"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "2"


def test_trim_when_idle_trims_only_when_the_last_call_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """Overlapping calls: no trim while one is still running; one trim when the last ends, even on error."""
    calls: list[int] = []
    monkeypatch.setattr(memory, "trim", lambda: calls.append(1) or True)
    idle = memory.TrimWhenIdle()
    outer = idle.call()
    outer.__enter__()
    with idle.call():
        pass
    assert calls == []  # the outer call is still running
    outer.__exit__(None, None, None)
    assert calls == [1] and idle.trims == 1
    with pytest.raises(ValueError), idle.call():
        raise ValueError("a failed call still ends")
    assert idle.trims == 2
    off = memory.TrimWhenIdle(enabled=False)
    with off.call():
        pass
    assert off.trims == 0 and calls == [1, 1]


def test_the_assistant_trims_after_its_calls(fake_env) -> None:
    """ask, chat, note, calc and extract each count as a call; the process is idle after each."""
    from edge_assist.assistant import Assistant

    registry, settings = fake_env
    with Assistant(settings, registry) as assistant:
        assistant.chat("hello")
        assistant.note("[doctor] any fever ?\n[patient] no .")
        assistant.calc("72 yo woman with hypertension.", "chads-vasc")
        assistant.extract("Denies chest pain.")
        assert assistant._idle.trims == 4
