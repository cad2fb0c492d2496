"""The in-process network guard: remote connections fail, loopback and Unix sockets work."""

import socket
import threading

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
