"""``jahan claims``: the founding texts' claims tested, written as a report and a table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jahan._cli.common import LangOption, console, lang_or_exit
from jahan._i18n import tr


def claims(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for claims_<lang>.html and claims.parquet.")
    ] = Path("claims"),
    draws: Annotated[
        int, typer.Option("--draws", help="Draws for the bands of the model figures.")
    ] = 50,
    seed: Annotated[int, typer.Option("--seed", help="Seed of every draw and bootstrap.")] = 1,
    lang: LangOption = None,
) -> None:
    """Test the founding texts' claims on observed data: one section and one verdict per claim."""
    import jahan as jh

    lang = lang_or_exit(lang)
    out.mkdir(parents=True, exist_ok=True)
    with console().status(tr("Testing the claims...", lang)):
        result = jh.claims(lang=lang, draws=draws, seed=seed)
    report = result.report(out / f"claims_{lang}.html", lang=lang)
    table = result.to_parquet(out / "claims.parquet")
    con = console()
    con.print(result.summary(lang=lang), highlight=False)
    con.print(tr("Report: {path}", lang, path=str(report)), highlight=False)
    con.print(tr("Table: {path}", lang, path=str(table)), highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``jahan claims`` to ``app``."""
    app.command("claims")(claims)
