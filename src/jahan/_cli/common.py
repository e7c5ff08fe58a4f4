"""Options and helpers shared by the command modules."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from jahan._i18n import resolve_lang

LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        "-l",
        help="Language of names and labels: kk (Kazakh, the default), ru (Russian), en; "
        "the environment variable JAHAN_LANG changes the default.",
        show_default=False,
    ),
]


def console() -> Console:
    """A rich console for standard output."""
    return Console(highlight=False)


def lang_or_exit(lang: str | None) -> str:
    """Validate a --lang value, or give the default language when it is not given.

    Raises JahanError naming the allowed values. The one default (Kazakh, or ``$JAHAN_LANG``)
    is :func:`jahan._i18n.default_lang`.
    """
    return resolve_lang(lang)
