"""``jahan evaluate BLOC``: what a bloc did, estimated from observed trade and evaluated ex post."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from jahan._cli.common import LangOption, console, lang_or_exit
from jahan._i18n import tr


def _years(text: str | None) -> list[int] | None:
    if text is None:
        return None
    from jahan.errors import DataError

    try:
        return [int(y) for y in text.replace(" ", "").split(",") if y]
    except ValueError:
        from jahan.errors import Message

        raise DataError(
            Message(
                "--years {text!r}: give years separated by commas, e.g. 2000,2004,2008,2012,2016",
                text=text,
            )
        ) from None


def output_files(lang: str) -> tuple[str, ...]:
    """Names of the files ``jahan evaluate`` writes into its output folder."""
    return (
        "report.html",
        "results.parquet",
        "results.csv",
        "effects.csv",
        "summary.txt",
        "manifest.json",
    )


def evaluate(
    bloc: Annotated[str, typer.Argument(help="A group of the world, e.g. EAEU.")] = "EAEU",
    focus: Annotated[
        str, typer.Option("--focus", "-f", help="Country the summary leads with.")
    ] = "KAZ",
    draws: Annotated[
        int, typer.Option("--draws", "-n", help="Draws of the estimated effect.")
    ] = 500,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Seed of the draws.")] = 1,
    years: Annotated[
        str | None, typer.Option("--years", help="Panel years, e.g. 2000,2004,2008,2012,2016.")
    ] = None,
    trade_elasticity: Annotated[
        float, typer.Option("--trade-elasticity", help="theta of the GE model.")
    ] = 5.0,
    lang: LangOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output folder (default: reports/<bloc>_ex_post)."),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", "-j", help="Local worker processes (0 = all CPUs).")
    ] = 1,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the output folder of an earlier run.")
    ] = False,
) -> None:
    """Estimate a bloc's effect on members' trade (three-way PPML on the observed panel) and
    evaluate it ex post in GE next to the published average RTA effect; print the summary and
    write the report and results."""
    from jahan.analysis import evaluate_bloc
    from jahan.report.ex_post import render_ex_post_report
    from jahan.report.outputs import versions
    from jahan.report.run_folder import check_target, write_run_folder

    lang = lang_or_exit(lang)
    con = console()
    folder = out if out is not None else Path("reports") / f"{bloc.strip().lower()}_ex_post"
    check_target(folder, force=force)  # refuse an existing run folder before any work is done
    with con.status(tr("Estimating and solving draws", lang)):
        result = evaluate_bloc(
            bloc,
            focus=focus,
            draws=draws,
            seed=seed,
            years=_years(years),
            trade_elasticity=trade_elasticity,
            workers=workers,
        )
    text = result.summary(lang=lang)
    con.print(text, markup=False, soft_wrap=True)
    html = render_ex_post_report(result, lang)
    long = result.to_frame()
    effects = result.effects.reset_index()
    files = {
        "report.html": lambda p: p.write_text(html, encoding="utf-8"),
        "results.parquet": lambda p: long.to_parquet(p, index=False),
        "results.csv": lambda p: long.to_csv(p, index=False),
        "effects.csv": lambda p: effects.to_csv(p, index=False),
        "summary.txt": lambda p: p.write_text(text + "\n", encoding="utf-8"),
    }
    manifest = {
        "format": "jahan-run/1",
        "created_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "analysis": "evaluate_bloc",
        "bloc": result.bloc,
        "focus": focus,
        "draws": draws,
        "seed": seed,
        "years": _years(years),
        "trade_elasticity": trade_elasticity,
        "lang": lang,
        "data": {"flows_kind": "observed", "source": "ITPD-E release 1 (built-in world)"},
        "versions": versions(),
        "command": [Path(sys.argv[0]).name, *sys.argv[1:]] if sys.argv else [],
    }
    written = write_run_folder(files, folder, manifest=manifest, force=force)
    con.print(tr("Report: {path}", lang, path=str(written["report.html"].resolve())))
    con.print(tr("Results (Parquet, CSV): {path}", lang, path=str(Path(folder).resolve())))


def register(app: typer.Typer) -> None:
    """Add ``evaluate`` to the jahan app."""
    app.command("evaluate")(evaluate)


__all__ = ["output_files", "register"]
