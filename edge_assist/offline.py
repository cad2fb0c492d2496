"""The in-process network guard: patient data cannot leave through a socket we open.

edge-assist never needs the network at run time (models come from installed
packages, evidence from local files). The guard makes that a property rather
than a hope: once :func:`enable` runs, any attempt to resolve a remote name or
connect/send to a non-loopback address raises :class:`OfflineViolationError`.
Unix sockets and loopback (127.0.0.0/8, ::1, localhost) stay allowed, because
local IPC is not egress.

It also sets the Hugging Face and telemetry switches so libraries that would
phone home take their offline path first and never reach the guard.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

from edge_assist.errors import OfflineViolationError

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "DO_NOT_TRACK": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
}

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""}
_lock = threading.Lock()
_originals: dict[str, Callable[..., Any]] = {}


def is_local_host(host: object) -> bool:
    """True for loopback addresses and names; everything else counts as remote."""
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    name = str(host).strip("[]").lower()
    if name in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check_address(family: int, address: object) -> None:
    if family == getattr(socket, "AF_UNIX", -1):
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if not is_local_host(host):
        raise OfflineViolationError(
            f"blocked a network connection to {host!r}: edge-assist runs offline",
            "nothing in edge-assist needs the network; report which action triggered this",
        )


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    _check_address(self.family, address)
    return _originals["connect"](self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    _check_address(self.family, address)
    return _originals["connect_ex"](self, address)


def _guarded_sendto(self: socket.socket, data: Any, *args: Any) -> Any:
    _check_address(self.family, args[-1])
    return _originals["sendto"](self, data, *args)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not is_local_host(host):
        raise OfflineViolationError(
            f"blocked a name lookup of {host!r}: edge-assist runs offline",
            "nothing in edge-assist needs the network; report which action triggered this",
        )
    return _originals["getaddrinfo"](host, *args, **kwargs)


def set_offline_environment() -> None:
    """Set the offline switches of the ML libraries, keeping any value a user set."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def enable() -> None:
    """Turn the guard on for this process (idempotent)."""
    set_offline_environment()
    with _lock:
        if _originals:
            return
        _originals["connect"] = socket.socket.connect
        _originals["connect_ex"] = socket.socket.connect_ex
        _originals["sendto"] = socket.socket.sendto
        _originals["getaddrinfo"] = socket.getaddrinfo
        socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
        socket.socket.sendto = _guarded_sendto  # type: ignore[method-assign,assignment]
        socket.getaddrinfo = _guarded_getaddrinfo


def disable() -> None:
    """Restore the original socket functions (tests; never the product)."""
    with _lock:
        if not _originals:
            return
        socket.socket.connect = _originals.pop("connect")  # type: ignore[method-assign]
        socket.socket.connect_ex = _originals.pop("connect_ex")  # type: ignore[method-assign]
        socket.socket.sendto = _originals.pop("sendto")  # type: ignore[method-assign]
        socket.getaddrinfo = _originals.pop("getaddrinfo")


def is_enabled() -> bool:
    """Whether the guard is active in this process."""
    return bool(_originals)


def network_interfaces_up() -> list[str]:
    """Names of non-loopback network interfaces that are up, without sending a byte.

    In a network namespace made with ``unshare -n`` this is empty: the run is
    offline by construction, not only by the guard.
    """
    import psutil

    up = []
    for name, stats in psutil.net_if_stats().items():
        addrs = psutil.net_if_addrs().get(name, [])
        loopback = all(is_local_host(a.address) for a in addrs if a.family in _INET)
        if stats.isup and not loopback and name != "lo":
            up.append(name)
    return sorted(up)


_INET = (socket.AF_INET, socket.AF_INET6)
