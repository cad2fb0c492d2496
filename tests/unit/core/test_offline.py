"""The in-process network guard: remote connections fail, loopback and Unix sockets work."""

import socket
import threading
import types

import pytest

from edge_assist import offline
from edge_assist.errors import OfflineViolationError


def test_guard_is_on_for_the_test_session() -> None:
    """conftest turns it on, so no test can quietly download anything."""
    assert offline.is_enabled()


@pytest.mark.parametrize("host", ["192.0.2.1", "10.0.0.1", "2001:db8::1"])
def test_remote_connect_is_blocked_before_any_packet(host: str) -> None:
    """connect() to a non-loopback address raises OfflineViolationError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock, pytest.raises(OfflineViolationError):
        sock.connect((host, 443))


def test_remote_name_lookup_is_blocked() -> None:
    """Resolving a remote host name is refused (DNS would leak what we look up)."""
    with pytest.raises(OfflineViolationError):
        socket.getaddrinfo("example.org", 443)


def test_udp_send_to_remote_is_blocked() -> None:
    """sendto() a remote address is refused too."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock, pytest.raises(OfflineViolationError):
        sock.sendto(b"x", ("192.0.2.1", 53))


def test_loopback_connection_still_works() -> None:
    """Local IPC over 127.0.0.1 is not egress and keeps working."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    accepted = threading.Thread(target=lambda: server.accept()[0].close())
    accepted.start()
    with socket.create_connection(("localhost", port), timeout=2):
        pass
    accepted.join(2)
    server.close()


def test_unix_sockets_are_allowed(tmp_path) -> None:
    """AF_UNIX is local by definition."""
    path = str(tmp_path / "s")
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen(1)
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(path)
    server.close()


def test_offline_environment_switches_are_set() -> None:
    """HF_HUB_OFFLINE and friends are set so libraries take their offline path first."""
    import os

    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["TRANSFORMERS_OFFLINE"] == "1"


@pytest.mark.parametrize(("host", "local"), [("127.0.0.1", True), ("::1", True),
                                             ("localhost", True), ("127.8.9.10", True),
                                             ("8.8.8.8", False), ("example.org", False)])
def test_is_local_host(host: str, local: bool) -> None:
    """Only loopback counts as local."""
    assert offline.is_local_host(host) is local


# -- every Python-level way out ----------------------------------------------------------------------
REMOTE = ("192.0.2.1", 9)  # TEST-NET-1: never routed, so a missed block still sends nothing useful


def test_sendmsg_to_remote_is_blocked() -> None:
    """sendmsg() with a remote address is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock, pytest.raises(OfflineViolationError):
        sock.sendmsg([b"x"], [], 0, REMOTE)


def test_sendmsg_and_sendto_to_loopback_work() -> None:
    """UDP to 127.0.0.1 arrives, through sendto and sendmsg alike."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        server.bind(("127.0.0.1", 0))
        server.settimeout(2)
        client.sendto(b"one", server.getsockname())
        client.sendmsg([b"two"], [], 0, server.getsockname())
        assert {server.recv(10), server.recv(10)} == {b"one", b"two"}


@pytest.mark.parametrize("lookup", ["gethostbyname", "gethostbyname_ex", "gethostbyaddr"])
def test_remote_name_services_are_blocked(lookup: str) -> None:
    """Forward and reverse lookups of remote names or addresses never reach a resolver."""
    with pytest.raises(OfflineViolationError, match="name lookup"):
        getattr(socket, lookup)("example.org" if lookup != "gethostbyaddr" else "192.0.2.1")


def test_loopback_name_services_work() -> None:
    """localhost still resolves."""
    assert socket.gethostbyname("localhost").startswith("127.")
    assert socket.gethostbyname_ex("localhost")[2]
    assert socket.getaddrinfo("127.0.0.1", 80)


def test_reverse_getnameinfo_is_blocked_but_numeric_is_not() -> None:
    """getnameinfo of a remote address is a reverse lookup; with NI_NUMERICHOST it is only formatting."""
    with pytest.raises(OfflineViolationError):
        socket.getnameinfo(REMOTE, 0)
    assert socket.getnameinfo(REMOTE, socket.NI_NUMERICHOST | socket.NI_NUMERICSERV) == ("192.0.2.1", "9")


@pytest.mark.parametrize("host", ["192.0.2.1", "example.org", "2001:db8::1"])
def test_create_connection_to_remote_is_blocked(host: str) -> None:
    """create_connection() (what http.client, urllib, smtplib use) fails before any lookup."""
    with pytest.raises(OfflineViolationError, match="network connection"):
        socket.create_connection((host, 443), timeout=1)


def test_connect_ex_to_remote_is_blocked() -> None:
    """connect_ex() is guarded like connect()."""
    with socket.socket() as sock, pytest.raises(OfflineViolationError):
        sock.connect_ex(REMOTE)


def test_the_c_module_and_early_references_are_covered() -> None:
    """Calling _socket directly, or a method looked up before the guard, still hits the audit hook."""
    import _socket

    with pytest.raises(OfflineViolationError):
        _socket.getaddrinfo("example.org", 443)
    with pytest.raises(OfflineViolationError):
        _socket.gethostbyname("example.org")
    raw = _socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(OfflineViolationError):
            raw.connect(REMOTE)  # _socket.socket.connect is not patched: only the audit hook sees it
    finally:
        raw.close()
    offline.disable()
    early_sendto = socket.socket.sendto
    offline.enable()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock, pytest.raises(OfflineViolationError):
        early_sendto(sock, b"x", REMOTE)


def test_asyncio_connections_are_blocked() -> None:
    """asyncio's own connect path goes through the guard too."""
    import asyncio

    async def attempt() -> None:
        await asyncio.open_connection("192.0.2.1", 9)

    with pytest.raises(OfflineViolationError):
        asyncio.run(attempt())


@pytest.mark.skipif(not hasattr(socket, "AF_PACKET"), reason="AF_PACKET is Linux-only")
def test_link_layer_sockets_are_refused() -> None:
    """A raw AF_PACKET socket (which could write frames on any interface) cannot even be made."""
    with pytest.raises(OfflineViolationError, match="family"):
        socket.socket(socket.AF_PACKET, socket.SOCK_RAW)


def test_ipv4_mapped_loopback_is_local() -> None:
    """::ffff:127.0.0.1 is loopback; ::ffff:8.8.8.8 is not."""
    assert offline.is_local_host("::ffff:127.0.0.1")
    assert not offline.is_local_host("::ffff:8.8.8.8")


def test_disable_restores_everything() -> None:
    """After disable() the originals are back (and the audit hook goes quiet); enable() guards again."""
    import _socket

    offline.disable()
    try:
        assert socket.gethostbyname is _socket.gethostbyname
        assert isinstance(socket.gethostbyname, types.BuiltinFunctionType)  # not _guarded_gethostbyname
        assert socket.socket.sendmsg.__name__ == "sendmsg"  # the C method, not _guarded_sendmsg
        assert not offline.is_enabled()
    finally:
        offline.enable()
    assert socket.socket.sendmsg.__name__ == "_guarded_sendmsg"
