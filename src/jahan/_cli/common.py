"""Options and helpers shared by the command modules."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from jahan._i18n import check_lang

LangOption = Annotated[
    str,
    typer.Option("--lang", "-l", help="Language of names and labels: kk (Kazakh), ru (Russian), en."),
]


def console() -> Console:
    """A rich console for standard output."""
    return Console(highlight=False)


def lang_or_exit(lang: str) -> str:
    """Validate a --lang value (raises JahanError with the allowed values)."""
    return check_lang(lang)
