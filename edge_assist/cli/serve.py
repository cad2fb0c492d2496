"""``edge-assist serve``: the local HTTP API (OpenAI-compatible and edge-assist's own routes)."""

from __future__ import annotations

import click

from edge_assist.cli._common import State


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback needs --allow-remote and a serve_token.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port (0: any free port, printed at start).")
@click.option("--allow-remote", is_flag=True,
              help="Allow a non-loopback --host (requires serve_token / EDGE_ASSIST_SERVE_TOKEN).")
@click.option("--max-body-mb", default=4.0, show_default=True, type=click.FloatRange(0.001, 1024),
              help="Largest JSON request body.")
@click.option("--max-audio-mb", default=64.0, show_default=True, type=click.FloatRange(0.001, 4096),
              help="Largest audio upload.")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Library calls running at once (threads).")
@click.option("--max-waiting", default=32, show_default=True, type=click.IntRange(0, 10_000),
              help="Requests queued per model before the server answers 503.")
@click.pass_obj
def serve(state: State, host: str, port: int, allow_remote: bool, max_body_mb: float,
          max_audio_mb: float, workers: int, max_waiting: int) -> None:
    """Serve the API on http://127.0.0.1:8765 until Ctrl-C (see docs/serve.md).

    Every request is audited; with serve_token set, each needs `Authorization: Bearer <token>`.
    """
    from edge_assist.assistant import Assistant
    from edge_assist.serve import ServeOptions, make_app
    from edge_assist.serve import server as http

    settings = state.settings
    token = settings.serve_token.get_secret_value() if settings.serve_token else None
    http.check_bind(host, allow_remote, token)  # before anything listens or loads
    options = ServeOptions(host=host, port=port, allow_remote=allow_remote,
                           max_body_bytes=int(max_body_mb * 2**20), max_audio_bytes=int(max_audio_mb * 2**20),
                           workers=workers, max_waiting=max_waiting)
    sock = http.bind(host, port)
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    with Assistant(settings) as assistant:
        app = make_app(assistant, settings, options)
        guard = "token required" if token else "no token (loopback only)"
        click.echo(f"edge-assist serve: listening on http://{shown}:{bound_port} ({guard}); Ctrl-C stops",
                   err=True)
        http.run(app, sock, options)
    click.echo("edge-assist serve: stopped", err=True)
