"""``jahan serve``: the local web dashboard."""

from __future__ import annotations

from typing import Annotated

import typer

from jahan._cli.common import LangOption, console, lang_or_exit
from jahan._i18n import tr
from jahan.errors import JahanError


def serve_cmd(
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (default: loopback only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on.")] = 8050,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="JAHAN_TOKEN",
            help="Secret every request must carry; required when --host is not loopback.",
        ),
    ] = None,
    max_draws: Annotated[
        int, typer.Option("--max-draws", help="Largest number of draws a run may ask for.")
    ] = 2000,
    world: Annotated[
        str,
        typer.Option("--world", "-w", help="'builtin' or a path to a world folder or flows file."),
    ] = "builtin",
    lang: LangOption = None,
) -> None:
    """Start the dashboard: build scenarios, run them, see maps and tables, in kk, ru or en."""
    lang = lang_or_exit(lang)
    try:
        from jahan.web.app import Limits
        from jahan.web.server import check_binding, is_loopback, serve
    except ModuleNotFoundError as exc:
        raise JahanError(
            tr(
                "The dashboard needs the web extra: pip install 'jahan[web]' (missing module: "
                "{module}).",
                lang,
                module=exc.name,
            )
        ) from None

    con = console()
    check_binding(host, token)
    if not is_loopback(host):
        con.print(
            tr(
                "Warning: the dashboard listens on {host}, reachable from other machines; "
                "every request must carry the token.",
                lang,
                host=host,
            ),
            style="bold yellow",
        )
    from jahan.world import World

    loaded = World.builtin() if world.strip().lower() == "builtin" else World.read(world)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    address = f"http://{shown}:{port}/?lang={lang}" + (f"&token={token}" if token else "")
    con.print(tr("Dashboard: {url} (Ctrl+C stops it)", lang, url=address))
    serve(host, port, token, world=loaded, limits=Limits(max_draws=max_draws))


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the jahan app."""
    app.command("serve")(serve_cmd)


__all__ = ["register"]
