"""Start the dashboard: bind (loopback by default), check the token rule, run uvicorn."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

from jahan.errors import JahanError, Message
from jahan.web.app import LOOPBACK_HOSTS, Limits, create_app


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_binding(host: str, token: str | None) -> None:
    """Refuse a non-loopback address without a token (anyone on the network could run jobs)."""
    if not is_loopback(host) and not token:
        raise JahanError(
            Message(
                "binding to {host!r} exposes the dashboard beyond this machine; pass --token "
                "SECRET (at least 16 characters) or bind to 127.0.0.1",
                host=host,
            )
        )
    if token is not None and len(token) < 16:
        raise JahanError(
            Message(
                "the token is too short: use at least 16 characters "
                "(python -c 'import secrets; print(secrets.token_urlsafe())')"
            )
        )


@dataclass
class RunningServer:
    """A dashboard running in a background thread (for tests and notebooks)."""

    server: Any
    thread: threading.Thread
    url: str

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for the thread."""
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _config(app, host: str, port: int):
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=2,
        lifespan="on",
    )


def serve(
    host: str = "127.0.0.1",
    port: int = 8050,
    token: str | None = None,
    *,
    world=None,
    limits: Limits | None = None,
) -> None:
    """Run the dashboard until interrupted (blocking).

    Parameters
    ----------
    host, port : str, int
        Address to bind; anything but loopback needs ``token``.
    token : str, optional
        Required on every request when set.
    world : World, optional
        Default: the built-in world.
    limits : Limits, optional
        Body size, draws and worker bounds.
    """
    import uvicorn

    check_binding(host, token)
    app = create_app(world=world, token=token, loopback=is_loopback(host), limits=limits)
    uvicorn.Server(_config(app, host, port)).run()


def start_in_thread(
    host: str = "127.0.0.1",
    port: int = 0,
    token: str | None = None,
    *,
    world=None,
    limits: Limits | None = None,
) -> RunningServer:
    """Start the dashboard in a daemon thread; ``port=0`` picks a free port. Returns when listening."""
    import uvicorn

    check_binding(host, token)
    if port == 0:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
    app = create_app(world=world, token=token, loopback=is_loopback(host), limits=limits)
    server = uvicorn.Server(_config(app, host, port))
    thread = threading.Thread(target=server.run, name="jahan-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise JahanError(
                Message("the dashboard did not start on {host}:{port}", host=host, port=str(port))
            )
        time.sleep(0.02)
    return RunningServer(server, thread, f"http://{host}:{port}")


__all__ = ["RunningServer", "check_binding", "is_loopback", "serve", "start_in_thread"]
