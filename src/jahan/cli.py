"""The ``jahan`` command line (typer + rich).

Each command group lives in its own module under ``jahan/_cli/`` and exposes
``register(app)``; this file only assembles them, so ``jahan --help`` lists every command.
"""

from __future__ import annotations

import importlib
import sys

import typer

from jahan.errors import JahanError, Message

# Modules that add commands to the app, each with a ``register(app: typer.Typer)`` function.
COMMAND_MODULES: tuple[str, ...] = (
    "jahan._cli.world",
    "jahan._cli.estimate",
    "jahan._cli.run",
    "jahan._cli.evaluate",
    "jahan._cli.language",
    "jahan._cli.index",
    "jahan._cli.serve",
    "jahan._cli.claims",
)

app = typer.Typer(
    name="jahan",
    help="jahan (жаһан): measure globalization and simulate regional integration.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _module in COMMAND_MODULES:
    importlib.import_module(_module).register(app)


def main() -> None:
    """Entry point: run the app; a JahanError or a file system error becomes a one-line message
    in the command's language (``--lang``, else the default) and exit code 2."""
    try:
        app()
    except JahanError as exc:
        lang = _argv_lang(sys.argv[1:])
        _fail(exc.translated(lang), lang)
    except OSError as exc:
        # A file system fault outside the run folder's own checks (read-only disk, disk full, a
        # name too long, a folder where a file belongs): name the path and the reason.
        lang = _argv_lang(sys.argv[1:])
        where = exc.filename if exc.filename is not None else Message("a file")
        _fail(
            Message(
                "cannot read or write {where}: {reason}",
                where=where,
                reason=exc.strerror or str(exc),
            ).render(lang),
            lang,
        )


def _argv_lang(args: list[str]) -> str:
    """The language the command line asks for (``--lang xx``, ``--lang=xx``, ``-l xx``), or the
    default language; an unusable value gives the default (the command reports it itself)."""
    from jahan._i18n import check_lang, default_lang

    asked = None
    for k, arg in enumerate(args):
        if arg in ("--lang", "-l") and k + 1 < len(args):
            asked = args[k + 1]
        elif arg.startswith("--lang="):
            asked = arg.split("=", 1)[1]
    for choice in (asked, None):
        try:
            return check_lang(choice) if choice else default_lang()
        except JahanError:
            continue
    return "en"


def _fail(message: str, lang: str = "en") -> None:
    from rich.console import Console
    from rich.markup import escape

    from jahan._i18n import tr

    Console(stderr=True).print(
        f"[bold red]{escape(tr('error:', lang))}[/] {escape(message)}", highlight=False
    )
    sys.exit(2)


if __name__ == "__main__":
    main()
