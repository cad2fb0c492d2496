"""Binding and running: loopback unless told otherwise, on uvicorn, with the offline guard on.

The socket is bound here and handed to uvicorn, for three reasons: the address check happens
before anything listens; port 0 (any free port) reports the port actually bound; and no name is
resolved. The offline guard refuses name lookups of non-loopback names (``0.0.0.0`` included),
so a remote bind must be an IP address; the guard does not watch ``bind``/``accept``, and the
server never opens an outgoing connection, so serving works with the guard on.

uvicorn runs with the h11 protocol, no websockets, no lifespan, no access log (a URL may carry
text a client put there; the audit log records each request instead) and its own logging
configuration off, so edge-assist's logging and PHI filter apply.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from typing import Any

import uvicorn
from starlette.applications import Starlette

from edge_assist.errors import ConfigError
from edge_assist.offline import is_local_host
from edge_assist.serve.context import ServeOptions

MIN_REMOTE_TOKEN = 16


class ServeConfigError(ConfigError):
    """The server cannot listen as asked (an address, a missing token, a busy port)."""


def check_bind(host: str, allow_remote: bool, token: str | None) -> None:
    """Refuse a non-loopback address unless ``allow_remote`` and a long enough token.

    Raises:
        ServeConfigError: the address is not loopback and remote serving is not fully set up.
    """
    if is_local_host(host):
        return
    if not allow_remote:
        raise ServeConfigError(f"refusing to listen on {host[:64]}: edge-assist serves on loopback only",
                               "use --host 127.0.0.1, or pass --allow-remote with a serve_token set")
    if not token:
        raise ServeConfigError("--allow-remote needs a bearer token: serve_token is not set",
                               "set serve_token in config.toml or EDGE_ASSIST_SERVE_TOKEN")
    if len(token) < MIN_REMOTE_TOKEN:
        raise ServeConfigError(f"serve_token is under {MIN_REMOTE_TOKEN} characters, too short for "
                               "remote clients", "use a long random token, e.g. `openssl rand -hex 32`")


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host`` (an IP address or ``localhost``) and ``port``.

    Raises:
        ServeConfigError: not an IP address, or the port is taken or not allowed.
    """
    address = "127.0.0.1" if host.lower() == "localhost" else host.strip("[]")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise ServeConfigError(f"--host must be an IP address, not {host[:64]!r}",
                               "use 127.0.0.1 (with --allow-remote: an address of this machine)") from None
    sock = socket.socket(socket.AF_INET6 if ip.version == 6 else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((str(ip), port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise ServeConfigError(f"cannot listen on {address}:{port}: {exc.strerror or exc}",
                               "choose another --port (0 picks a free one)") from None
    sock.set_inheritable(True)
    return sock


def uvicorn_config(app: Starlette, options: ServeOptions) -> uvicorn.Config:
    """The uvicorn settings edge-assist runs with."""
    return uvicorn.Config(app, http="h11", ws="none", lifespan="off", interface="asgi3",
                          log_config=None, log_level=None, access_log=False, server_header=False,
                          proxy_headers=False, limit_concurrency=options.max_connections,
                          timeout_keep_alive=5, timeout_graceful_shutdown=5)


def run(app: Starlette, sock: socket.socket, options: ServeOptions) -> None:
    """Serve ``app`` on ``sock`` until SIGINT/SIGTERM; then free the models loaded for requests."""
    try:
        uvicorn.Server(uvicorn_config(app, options)).run(sockets=[sock])
    finally:
        app.state.ctx.pool.close()
        sock.close()


class BackgroundServer:
    """``app`` served from a thread on a free loopback port (tests, embedding in a program).

    Example:
        >>> with BackgroundServer(make_app(assistant)) as server:   # doctest: +SKIP
        ...     httpx.get(server.url + "/api/health")
    """

    def __init__(self, app: Starlette, host: str = "127.0.0.1", port: int = 0,
                 options: ServeOptions | None = None) -> None:
        self.app = app
        self.options = options or app.state.ctx.options
        self.sock = bind(host, port)
        self.host, self.port = self.sock.getsockname()[:2]
        self.server = uvicorn.Server(uvicorn_config(app, self.options))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       name="edge-assist-serve", daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self, timeout: float = 10.0) -> BackgroundServer:
        """Start serving; return once uvicorn accepts connections.

        Raises:
            ServeConfigError: it did not start within ``timeout`` seconds.
        """
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise ServeConfigError("the server did not start", "see the log for uvicorn's error")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop accepting, finish open requests (at most 5 s) and join the thread."""
        self.server.should_exit = True
        self.thread.join(timeout)
        self.app.state.ctx.pool.close()
        self.sock.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
