"""``jahan estimate``: fit a PPML gravity equation from a data file and print the table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from jahan._cli.common import LangOption, console, lang_or_exit
from jahan.errors import DataError, Message


def _read_table(path: Path):
    import pandas as pd

    if not path.exists():
        raise DataError(Message("data file {path!r} does not exist", path=str(path)))
    suffix = path.suffix.lower()
    if suffix == ".dta":
        return pd.read_stata(path)
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix in {".tsv", ".tab"}:
        return pd.read_csv(path, sep="\t")
    if suffix in {".csv", ".dlm", ".txt"}:
        return pd.read_csv(path, sep=None, engine="python")
    raise DataError(
        Message(
            "data file {path!r}: unknown format {suffix!r}; use .csv, .dlm, .tsv, .dta or .parquet",
            path=str(path),
            suffix=suffix,
        )
    )


def estimate(
    formula: Annotated[
        str, typer.Argument(help="fixest formula, e.g. 'trade ~ ln_dist | exporter + importer'.")
    ],
    data: Annotated[
        Path, typer.Option("--data", "-d", help="Data file: CSV, DLM, TSV, Stata .dta or Parquet.")
    ],
    vcov: Annotated[
        str,
        typer.Option(
            help="hetero, stata_robust, iid, or cluster:VAR (cluster:VAR1+VAR2 for two-way)."
        ),
    ] = "hetero",
    max_iter: Annotated[
        int, typer.Option("--max-iter", "--maxiter", help="Maximum IRLS iterations.")
    ] = 50,
    tol: Annotated[
        float, typer.Option(help="IRLS tolerance on the relative deviance change.")
    ] = 1e-8,
    as_json: Annotated[bool, typer.Option("--json", help="Print the estimate as JSON.")] = False,
    lang: LangOption = None,
) -> None:
    """Estimate a gravity equation by PPML with fixed effects and print the table."""
    from jahan._i18n import fmt_number, tr
    from jahan.estimate import fepois

    lang = lang_or_exit(lang)
    frame = _read_table(data)
    est = fepois(formula, frame, vcov=vcov, max_iter=max_iter, tol=tol)
    out = console()
    if as_json:
        out.print_json(json.dumps(est.to_dict()))
        return
    out.print(
        tr("Data: {file} ({rows} rows)", lang, file=str(data), rows=fmt_number(len(frame), lang, 0))
    )
    out.print(est.summary(lang=lang), markup=False)


def register(app: typer.Typer) -> None:
    """Add ``jahan estimate`` to the command line."""
    app.command("estimate")(estimate)
