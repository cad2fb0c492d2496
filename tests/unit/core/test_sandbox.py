"""``edge-assist --sandbox``: the same command line, re-executed in a network namespace with only loopback.

The tests that make a namespace are skipped only where ``unshare -n true`` (``unshare -r -n true``
for a user who is not root) is refused, checked explicitly by running it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from edge_assist import sandbox
from edge_assist.cli import cli

ROOT = Path(__file__).parents[3]


def _unshare_permitted() -> bool:
    """Run ``unshare -n true`` (the exact prefix --sandbox uses) and look at its exit status."""
    if shutil.which("unshare") is None:
        return False
    return subprocess.run([*sandbox.unshare_command(), "true"], capture_output=True,
                          check=False).returncode == 0


_REFUSED = "`unshare -n true` is not permitted here (needs root or user namespaces)"
needs_netns = pytest.mark.skipif(not _unshare_permitted(), reason=_REFUSED)


def _edge_assist(args: list[str], home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("EDGE_ASSIST_")}
    full_env.update({"EDGE_ASSIST_HOME": str(home), **env})
    return subprocess.run([sys.executable, "-m", "edge_assist", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120, check=False)


@needs_netns
def test_a_sandboxed_command_runs_with_no_network_but_loopback(edge_home: Path) -> None:
    """`--sandbox doctor --offline-check` runs in the namespace: no interface up, isolation proven."""
    done = _edge_assist(["--sandbox", "doctor", "--offline-check", "--json"], edge_home)
    assert done.returncode == 0, done.stderr
    offline = json.loads(done.stdout)["offline"]
    assert offline["interfaces_up"] == [] and offline["network_isolated"] is True
    assert offline["guard_active"] is True


@needs_netns
def test_group_options_and_the_audit_entry_survive_the_re_exec(edge_home: Path) -> None:
    """The child gets the whole command line (--profile too) and audits the run, marked sandboxed."""
    done = _edge_assist(["--profile", "tiny", "--sandbox", "calc", "run", "bmi", "--weight", "70",
                         "--height", "175", "--json"], edge_home)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["value"] == pytest.approx(22.86, abs=0.01)
    entry = json.loads((edge_home / "audit.jsonl").read_text().splitlines()[-1])
    assert entry["action"] == "calc run"
    assert entry["details"]["sandbox"] is True and entry["details"]["profile"] == "tiny"


_LOOPBACK_ECHO = """
import os, socket, threading
from edge_assist import offline, sandbox
offline.enable()
sandbox.enter()
server = socket.create_server(("127.0.0.1", 0))
threading.Thread(target=lambda: (lambda c: (c.sendall(c.recv(5)), c.close()))(server.accept()[0])).start()
with socket.create_connection(server.getsockname(), timeout=5) as client:
    client.sendall(b"hello")
    print(client.recv(5).decode(), sandbox.netns_id() != os.environ[sandbox.PARENT_NETNS_ENV])
"""


@needs_netns
@pytest.mark.parametrize("path", ["with-ip", "ioctl-only"])
def test_loopback_is_brought_up_and_serves_inside(path: str) -> None:
    """Inside the namespace lo comes up (by `ip`, or by the ioctl without it) and 127.0.0.1 works."""
    env = {**os.environ, sandbox.PARENT_NETNS_ENV: sandbox.netns_id()}
    if path == "ioctl-only":
        env["PATH"] = ""  # no `ip` to find: Python's own SIOCSIFFLAGS must do it
    unshare = shutil.which("unshare")
    assert unshare is not None
    done = subprocess.run([unshare, *sandbox.unshare_command()[1:], "--", sys.executable, "-c",
                           _LOOPBACK_ECHO], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["hello", "True"]


def test_a_refused_namespace_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the kernel refuses, --sandbox says so in one line and exits 3 (no exec happens)."""
    monkeypatch.setattr(sandbox, "unshare_command", lambda: ["unshare", "--no-such-option", "-n"])
    result = CliRunner().invoke(cli, ["--sandbox", "calc", "list"])
    assert result.exit_code == 3
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert "does not let unshare --no-such-option -n make a network namespace" in errors[0]
    assert "Fix:" in result.stderr and result.stdout == ""


def test_a_missing_unshare_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """No unshare binary: the error names util-linux."""
    monkeypatch.setattr(sandbox, "unshare_command", lambda: ["no-such-unshare-binary", "-n"])
    result = CliRunner().invoke(cli, ["--sandbox", "calc", "list"])
    assert result.exit_code == 3 and "needs the unshare command (util-linux)" in result.stderr


def test_the_marker_alone_does_not_count_as_a_sandbox(edge_home: Path) -> None:
    """Setting the child's variable by hand, in the parent's namespace, is refused."""
    done = _edge_assist(["--sandbox", "calc", "list"], edge_home,
                        **{sandbox.PARENT_NETNS_ENV: sandbox.netns_id()})
    assert done.returncode == 3
    assert "not in a network namespace of its own" in done.stderr and done.stdout == ""


_TUI_DRIVER = """
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "edge_assist", "--sandbox"])
screen, end = b"", time.time() + 60
while time.time() < end and not (b"Ask" in screen and len(screen) > 10000):
    if select.select([fd], [], [], 0.5)[0]:
        screen += os.read(fd, 65536)
os.write(fd, b"\\x11")  # Ctrl+Q
_, status = os.waitpid(pid, 0)
print(b"Ask" in screen, os.waitstatus_to_exitcode(status))
"""


@needs_netns
def test_the_tui_runs_sandboxed(edge_home: Path) -> None:
    """`edge-assist --sandbox` with no command starts the terminal UI inside the namespace."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDGE_ASSIST_")}
    env.update({"EDGE_ASSIST_HOME": str(edge_home), "TERM": "xterm-256color"})
    done = subprocess.run([sys.executable, "-c", _TUI_DRIVER], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.stdout.split() == ["True", "0"], done.stderr[-2000:]
    entry = json.loads((edge_home / "audit.jsonl").read_text().splitlines()[-1])
    assert entry["action"] == "tui" and entry["details"] == {"sandbox": True}


_GET_HEALTH = ("import json, sys, urllib.request; "
               "print(json.load(urllib.request.urlopen(sys.argv[1], timeout=10))['status'])")


@needs_netns
@pytest.mark.skipif("serve" not in cli.commands, reason="no serve command in this build")
@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("nsenter") is None,
                    reason="joining the namespace to reach it needs root and nsenter")
def test_serve_listens_on_loopback_inside_the_namespace(edge_home: Path) -> None:
    """`--sandbox serve` answers on 127.0.0.1 inside its namespace and is unreachable from outside it."""
    import select
    import signal
    import socket

    env = {k: v for k, v in os.environ.items() if not k.startswith("EDGE_ASSIST_")}
    env.update({"EDGE_ASSIST_HOME": str(edge_home), "PYTHONUNBUFFERED": "1"})
    server = subprocess.Popen([sys.executable, "-m", "edge_assist", "--sandbox", "serve", "--port", "0"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr is not None  # serve says where it listens on stderr
        assert select.select([server.stderr], [], [], 60)[0], "serve printed nothing in 60 s"
        line = server.stderr.readline()
        url = line.split("listening on ", 1)[1].split()[0]
        port = int(url.rsplit(":", 1)[1])
        inside = subprocess.run(["nsenter", "-t", str(server.pid), "-n", sys.executable, "-c", _GET_HEALTH,
                                 f"{url}/api/health"], capture_output=True, text=True, timeout=60,
                                check=False)
        assert inside.stdout.strip() == "ok", inside.stderr
        with socket.socket() as probe:  # our own namespace: nothing listens there
            assert probe.connect_ex(("127.0.0.1", port)) != 0
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
