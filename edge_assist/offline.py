"""The in-process network guard: patient data cannot leave through a socket Python opens.

edge-assist never needs the network at run time (models come from installed
packages, evidence from local files). The guard makes that a property rather
than a hope: once :func:`enable` runs, any attempt from Python code to resolve a
remote name or to connect or send to a non-loopback address raises
:class:`OfflineViolationError`, before a packet is sent. Loopback (127.0.0.0/8,
::1, ``localhost``), Unix sockets and netlink stay allowed, because local IPC is
not egress: a local server on 127.0.0.1 keeps working.

What it covers, in two layers:

* patched entry points, which fail early with a message naming the address:
  ``socket.socket.connect``/``connect_ex``/``sendto``/``sendmsg``,
  ``socket.create_connection``, and the name services ``getaddrinfo``,
  ``gethostbyname``, ``gethostbyname_ex``, ``gethostbyaddr`` and ``getnameinfo``
  (in ``socket`` and in ``_socket``, for code that calls the C module directly);
* a PEP 578 audit hook, the backstop for everything the interpreter's socket
  module does whoever calls it (a reference taken before :func:`enable`, a
  subclass, ``_socket`` itself, asyncio, ssl, http.client, urllib, smtplib):
  the same checks on the ``socket.connect``, ``sendto``, ``sendmsg``,
  ``getaddrinfo``, ``gethostbyname`` and ``gethostbyaddr`` events, and socket
  families other than Unix, IPv4, IPv6, netlink and the kernel crypto API
  (``AF_PACKET``, Bluetooth, CAN, VSOCK, …) refused when the socket is made.

What it cannot cover: native code that calls the C library itself (llama.cpp,
onnxruntime, CTranslate2, a subprocess) never passes through Python's socket
module, and a socket inherited already connected is not re-checked. The proof
against those is a network namespace: ``edge-assist --sandbox`` (see
:mod:`edge_assist.sandbox` and docs/trust.md). Listening is not egress and is not
watched here (``serve`` checks its own bind address).

It also sets the Hugging Face and telemetry switches so libraries that would
phone home take their offline path first and never reach the guard.
"""

from __future__ import annotations

import _socket
import ipaddress
import os
import socket
import sys
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
_HINT = "nothing in edge-assist needs the network; report which action triggered this"
_METHODS = ("connect", "connect_ex", "sendto", "sendmsg")
_LOOKUPS = ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo")
#: Socket families that stay on this machine; any other is refused when a socket is made.
_LOCAL_FAMILIES = frozenset(getattr(socket, name) for name in ("AF_UNIX", "AF_INET", "AF_INET6",
                                                               "AF_NETLINK", "AF_ALG")
                            if hasattr(socket, name)) | {-1}
_lock = threading.Lock()
_originals: dict[str, Callable[..., Any]] = {}
_hook_installed = False


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
        ip = ipaddress.ip_address(name.split("%")[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1 is loopback too
    return ip.is_loopback or bool(mapped and mapped.is_loopback)


def _blocked(what: str, host: object) -> OfflineViolationError:
    return OfflineViolationError(f"blocked {what} {host!r}: edge-assist runs offline", _HINT)


def _check_address(family: int, address: object) -> None:
    if family in (getattr(socket, "AF_UNIX", -1), getattr(socket, "AF_NETLINK", -1)):
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if not is_local_host(host):
        raise _blocked("a network connection to", host)


def _check_lookup(host: object) -> None:
    if not is_local_host(host):
        raise _blocked("a name lookup of", host)


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    _check_address(self.family, address)
    return _originals["connect"](self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    _check_address(self.family, address)
    return _originals["connect_ex"](self, address)


def _guarded_sendto(self: socket.socket, data: Any, *args: Any) -> Any:
    _check_address(self.family, args[-1] if args else None)
    return _originals["sendto"](self, data, *args)


def _guarded_sendmsg(self: socket.socket, buffers: Any, *args: Any) -> Any:
    if len(args) >= 3 and args[2] is not None:  # (ancdata, flags, address)
        _check_address(self.family, args[2])
    return _originals["sendmsg"](self, buffers, *args)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    _check_lookup(host)
    return _originals["getaddrinfo"](host, *args, **kwargs)


def _guarded_gethostbyname(host: Any) -> Any:
    _check_lookup(host)
    return _originals["gethostbyname"](host)


def _guarded_gethostbyname_ex(host: Any) -> Any:
    _check_lookup(host)
    return _originals["gethostbyname_ex"](host)


def _guarded_gethostbyaddr(host: Any) -> Any:
    _check_lookup(host)
    return _originals["gethostbyaddr"](host)


def _guarded_getnameinfo(sockaddr: Any, flags: int) -> Any:
    """Reverse lookups of remote addresses are refused; purely numeric conversion is not a lookup."""
    host = sockaddr[0] if isinstance(sockaddr, tuple) and sockaddr else sockaddr
    if not flags & socket.NI_NUMERICHOST:
        _check_lookup(host)
    return _originals["getnameinfo"](sockaddr, flags)


def _guarded_create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
    host = address[0] if isinstance(address, tuple) and address else address
    if not is_local_host(host):
        raise _blocked("a network connection to", host)
    return _originals["create_connection"](address, *args, **kwargs)


_GUARDS: dict[str, Callable[..., Any]] = {
    "connect": _guarded_connect, "connect_ex": _guarded_connect_ex, "sendto": _guarded_sendto,
    "sendmsg": _guarded_sendmsg, "getaddrinfo": _guarded_getaddrinfo,
    "gethostbyname": _guarded_gethostbyname, "gethostbyname_ex": _guarded_gethostbyname_ex,
    "gethostbyaddr": _guarded_gethostbyaddr, "getnameinfo": _guarded_getnameinfo,
    "create_connection": _guarded_create_connection,
}


def _audit_hook(event: str, args: tuple[Any, ...]) -> None:
    """The backstop: the same checks on the interpreter's own socket events (PEP 578)."""
    if not event.startswith("socket.") or not _originals:
        return
    if event == "socket.__new__":
        if args[1] not in _LOCAL_FAMILIES:
            raise OfflineViolationError(f"blocked a socket of family {args[1]!r}: edge-assist runs "
                                        "offline (only Unix, IP loopback and netlink sockets)", _HINT)
    elif event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        if args[1] is not None:
            _check_address(args[0].family, args[1])
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
        _check_lookup(args[0])


def set_offline_environment() -> None:
    """Set the offline switches of the ML libraries, keeping any value a user set."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def enable() -> None:
    """Turn the guard on for this process (idempotent)."""
    global _hook_installed
    set_offline_environment()
    with _lock:
        if _originals:
            return
        for name in _METHODS:
            _originals[name] = getattr(socket.socket, name)
            setattr(socket.socket, name, _GUARDS[name])
        for name in (*_LOOKUPS, "create_connection"):
            _originals[name] = getattr(socket, name)
            setattr(socket, name, _GUARDS[name])
            if name in _LOOKUPS and name != "getaddrinfo":  # socket.getaddrinfo wraps _socket's
                setattr(_socket, name, _GUARDS[name])
        _originals["_socket.getaddrinfo"] = _socket.getaddrinfo
        _socket.getaddrinfo = _guarded_raw_getaddrinfo
        if not _hook_installed:  # an audit hook cannot be removed: it checks _originals instead
            sys.addaudithook(_audit_hook)
            _hook_installed = True


def _guarded_raw_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    _check_lookup(host)
    return _originals["_socket.getaddrinfo"](host, *args, **kwargs)


def disable() -> None:
    """Restore the original socket functions (tests; never the product)."""
    with _lock:
        if not _originals:
            return
        _socket.getaddrinfo = _originals.pop("_socket.getaddrinfo")
        for name in _METHODS:
            setattr(socket.socket, name, _originals.pop(name))
        for name in (*_LOOKUPS, "create_connection"):
            original = _originals.pop(name)
            setattr(socket, name, original)
            if name in _LOOKUPS and name != "getaddrinfo":
                setattr(_socket, name, original)


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
