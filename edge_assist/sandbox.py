"""``edge-assist --sandbox``: run the command in a network namespace that has no network but loopback.

The in-process guard (:mod:`edge_assist.offline`) sees only what goes through Python's
socket module. llama.cpp, onnxruntime and CTranslate2 are native code that could call the C
library directly; the proof that they cannot reach the network either is to run the whole
process where there is no network to reach. ``--sandbox`` re-executes the same command line
as ``unshare -n -- python -m edge_assist ARGS...`` (``unshare -r -n`` for a user who is not root,
mapping them to root inside a new user namespace, which is what lets them make the network
namespace). Inside, loopback is brought up (``ip link set lo up``, or the same ``SIOCSIFFLAGS``
ioctl from Python where ``ip`` is missing), so a local server such as ``serve`` listens on
127.0.0.1 inside the namespace, reachable from nothing outside it.

Why re-exec rather than ``unshare(2)`` in-process: namespaces apply per thread, and by the time
the CLI parses its options libraries may have started threads; a fresh process is in the
namespace from its first instruction. The child knows it is the sandboxed run from
:data:`PARENT_NETNS_ENV` (the parent's namespace inode) and checks that its own namespace is a
different one with no interface up but loopback, so setting the variable by hand buys nothing.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import struct
import subprocess
import sys
from typing import NoReturn

from edge_assist.errors import ConfigError

#: Set for the re-executed child: the network namespace (inode) of the process that asked.
PARENT_NETNS_ENV = "EDGE_ASSIST_SANDBOX_FROM"
_HINT = ("run as root, or allow unprivileged user namespaces (sysctl user.max_user_namespaces, "
         "kernel.unprivileged_userns_clone=1), or start edge-assist in a container with no network")
_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1
_IFREQ = "16sh22x"  # struct ifreq on Linux: name, flags, padding to 40 bytes


class SandboxError(ConfigError):
    """The network namespace cannot be made here, or the sandboxed run is not isolated (exit 3)."""


def unshare_command() -> list[str]:
    """The ``unshare`` prefix for this user: ``-n`` as root, ``-r -n`` otherwise."""
    return ["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-r", "-n"]


def check_permitted(prefix: list[str] | None = None) -> None:
    """Make sure ``unshare`` exists and the kernel lets this user make a network namespace.

    Raises:
        SandboxError: no ``unshare`` binary, or ``unshare ... true`` is refused (its reason is quoted).
    """
    prefix = prefix or unshare_command()
    if shutil.which(prefix[0]) is None:
        raise SandboxError("--sandbox needs the unshare command (util-linux), which is not installed",
                           "install util-linux, or run without --sandbox")
    probe = subprocess.run([*prefix, "true"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        reason = (probe.stderr.strip().splitlines() or [f"exit {probe.returncode}"])[-1][:200]
        raise SandboxError(f"--sandbox: this kernel does not let {' '.join(prefix)} make a network "
                           f"namespace here ({reason})", _HINT)


def netns_id() -> str:
    """The inode of this process's network namespace ("" where /proc does not say)."""
    try:
        return str(os.stat("/proc/self/ns/net").st_ino)
    except OSError:
        return ""


def is_child() -> bool:
    """Whether this process is the re-executed, sandboxed run."""
    return PARENT_NETNS_ENV in os.environ


def run_sandboxed(args: list[str]) -> None:
    """Re-execute ``edge-assist ARGS`` in a new network namespace; in that child, enter it.

    Returns only in the child, after :func:`enter` checked the isolation.

    Raises:
        SandboxError: the namespace cannot be made, or the child is not isolated.
    """
    if is_child():
        enter()
        return
    reexec(args)


def reexec(args: list[str]) -> NoReturn:
    """Replace this process by ``unshare -n -- python -m edge_assist ARGS`` (never returns).

    Raises:
        SandboxError: ``unshare -n`` is not permitted here (checked before the exec, so the
            error is one line instead of unshare's own).
    """
    prefix = unshare_command()
    check_permitted(prefix)
    env = {**os.environ, PARENT_NETNS_ENV: netns_id() or "unknown"}
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvpe(prefix[0], [*prefix, "--", sys.executable, "-m", "edge_assist", *args], env)


def enter() -> None:
    """In the sandboxed child: check the namespace is new and empty, then bring loopback up.

    Raises:
        SandboxError: still in the parent's namespace, an interface other than loopback is up,
            or loopback cannot be brought up.
    """
    from edge_assist.offline import network_interfaces_up

    if netns_id() in ("", os.environ.get(PARENT_NETNS_ENV)):
        raise SandboxError(f"--sandbox: this process is not in a network namespace of its own "
                           f"({PARENT_NETNS_ENV} is set, but the namespace is the parent's)",
                           f"unset {PARENT_NETNS_ENV}; edge-assist --sandbox sets it itself")
    up = network_interfaces_up()
    if up:
        raise SandboxError(f"--sandbox: the namespace has network interfaces up ({', '.join(up)[:80]})",
                           "run edge-assist --sandbox from a normal shell, not inside another namespace")
    if not bring_up_loopback():
        raise SandboxError("--sandbox: loopback cannot be brought up inside the namespace",
                           "install iproute2 (the ip command), or run as root")


def bring_up_loopback() -> bool:
    """Set ``lo`` up (``ip link set lo up``, else the ioctl); True when it is up afterwards."""
    if _loopback_up():
        return True
    ip = shutil.which("ip")
    if ip is not None:
        subprocess.run([ip, "link", "set", "lo", "up"], capture_output=True, check=False)
    if not _loopback_up():
        _ioctl_loopback_up()
    return _loopback_up()


def _loopback_flags(sock: socket.socket) -> int:
    request = struct.pack(_IFREQ, b"lo", 0)
    return int(struct.unpack(_IFREQ, fcntl.ioctl(sock.fileno(), _SIOCGIFFLAGS, request))[1])


def _loopback_up() -> bool:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            return bool(_loopback_flags(sock) & _IFF_UP)
    except OSError:
        return False


def _ioctl_loopback_up() -> None:
    """Python's own means: SIOCSIFFLAGS with IFF_UP (needs CAP_NET_ADMIN in the namespace)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            flags = _loopback_flags(sock)
            fcntl.ioctl(sock.fileno(), _SIOCSIFFLAGS, struct.pack(_IFREQ, b"lo", flags | _IFF_UP))
    except OSError:
        return
