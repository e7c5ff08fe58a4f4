"""The ``jahan`` command line (typer + rich).

Each command group lives in its own module under ``jahan/_cli/`` and exposes
``register(app)``; this file only assembles them, so ``jahan --help`` lists every command.
"""

from __future__ import annotations

import importlib
import sys

import typer

from jahan.errors import JahanError

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
    and exit code 2."""
    try:
        app()
    except JahanError as exc:
        _fail(str(exc))
    except OSError as exc:
        # A file system fault outside the run folder's own checks (read-only disk, disk full, a
        # name too long, a folder where a file belongs): name the path and the reason.
        where = exc.filename if exc.filename is not None else "a file"
        _fail(f"cannot read or write {where}: {exc.strerror or exc}")


def _fail(message: str) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False)
    sys.exit(2)


if __name__ == "__main__":
    main()
