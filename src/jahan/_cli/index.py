"""``jahan index`` (a KOF-structured globalization index) and ``jahan readiness BLOC``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jahan._cli.common import LangOption, console, lang_or_exit
from jahan._i18n import tr
from jahan.errors import DataError


def _read_table(path: Path):
    import pandas as pd

    if not path.exists():
        raise DataError(f"data file {str(path)!r} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix in {".csv", ".txt"}:
        return pd.read_csv(path)
    if suffix in {".tsv", ".tab"}:
        return pd.read_csv(path, sep="\t")
    raise DataError(f"data file {str(path)!r}: unknown format {suffix!r}; use .csv, .tsv or .parquet")


def _names(world, lang: str):
    column = f"name_{lang}"
    if world is None or column not in world.countries.columns:
        return {}
    return world.countries[column].dropna().astype(str).to_dict()


def _cell(value: float, lang: str) -> str:
    import math

    from jahan._i18n import fmt_number

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return fmt_number(value, lang, 1)


def index(
    preset: Annotated[str, typer.Option("--preset", help="Framework preset: kof (economic, social, political; de facto and de jure).")] = "kof",
    data: Annotated[
        Path | None,
        typer.Option("--data", "-d", help="Long table (CSV or Parquet): country, year, indicator, value."),
    ] = None,
    year: Annotated[int | None, typer.Option("--year", "-y", help="Year to score (default: the latest).")] = None,
    with_builtin: Annotated[
        bool,
        typer.Option("--with-builtin", help="Add the built-in indicators to --data (used alone without --data)."),
    ] = False,
    weighting: Annotated[str, typer.Option(help="Weights inside sub-indices: pca (as KOF) or equal.")] = "pca",
    out: Annotated[Path | None, typer.Option("--out", help="Also write all scores and ranks to this Parquet file.")] = None,
    lang: LangOption = None,
) -> None:
    """Print the overall score and the de facto and de jure sub-indices per dimension for every country."""
    import pandas as pd

    from jahan.index.builtin import builtin_indicators
    from jahan.index.kof import KOF_VARIABLES, kof_index

    lang = lang_or_exit(lang)
    if preset != "kof":
        raise DataError(f"unknown preset {preset!r}: the available preset is 'kof'")
    world = None
    frames = []
    if data is not None:
        frames.append(_read_table(data))
    if data is None or with_builtin:
        from jahan.world import World

        world = World.builtin()
        frames.append(builtin_indicators(world))
    table = pd.concat(frames, ignore_index=True)
    if "modelled" in table.columns:
        table["modelled"] = table["modelled"].fillna(False).astype(bool)
    result = kof_index(table, year, weighting=weighting)
    from rich.table import Table

    grid = Table(title=tr("Globalization index (KOF structure), {year}", lang, year=result.result.year))
    from rich import box

    grid.box = box.SIMPLE_HEAD
    grid.padding = (0, 1)
    grid.collapse_padding = True
    grid.pad_edge = False
    # Codes and scores never shrink (a cut code "R…" cannot be found); long translated
    # headers wrap instead, so the table fits 80 columns in every language.
    grid.add_column("#", justify="right", no_wrap=True, min_width=3)
    grid.add_column("ISO3", no_wrap=True, min_width=3)
    grid.add_column(tr("Overall", lang), justify="right", min_width=5)
    for dimension in (tr("Econ.", lang), tr("Soc.", lang), tr("Pol.", lang)):
        for kind in (tr("de facto", lang), tr("de jure", lang)):
            grid.add_column(f"{dimension}\n{kind}", justify="right", min_width=5)
    frame = result.table()
    for country, row in frame.iterrows():
        rank = "–" if pd.isna(row["rank"]) else str(int(row["rank"]))
        grid.add_row(
            rank,
            str(country),
            _cell(row["kof"], lang),
            *(_cell(row[c], lang) for c in (
                "economic_de_facto", "economic_de_jure", "social_de_facto",
                "social_de_jure", "political_de_facto", "political_de_jure",
            )),
        )
    con = console()
    con.print(grid)
    con.print(
        tr(
            "KOF variables with data: {n} of {total}.",
            lang,
            n=len(result.kof_variables_used),
            total=len(KOF_VARIABLES),
        )
    )
    if result.kof_variables_missing:
        con.print(
            tr("KOF variables missing (not filled in): {names}", lang, names=", ".join(result.kof_variables_missing))
        )
    if result.proxies:
        con.print(
            tr(
                "Indicators that are not KOF variables: {names}",
                lang,
                names=", ".join(f"{k} (~{v})" if v else k for k, v in result.proxies.items()),
            )
        )
    if result.modelled:
        con.print(tr("Modelled, not observed: {names}", lang, names=", ".join(result.modelled)))
    con.print(tr("Missing scores are shown as –; they are never set to zero.", lang))
    if out is not None:
        path = result.to_parquet(out)
        con.print(tr("Written: {file}", lang, file=str(path)))


def readiness(
    bloc: Annotated[str, typer.Argument(help="A group (CA5, EAEU), groups and countries joined by + (EAEU+UZB), or ISO3 codes (KAZ,UZB).")],
    data: Annotated[
        Path | None,
        typer.Option("--data", "-d", help="User values (CSV or Parquet): country, condition, value[, source]."),
    ] = None,
    gains: Annotated[bool, typer.Option("--gains", help="Also simulate the bloc as a trade agreement and show the members' welfare gain.")] = False,
    lang: LangOption = None,
) -> None:
    """List the eleven conditions of integration for a bloc or pair: value, score and source, or missing."""
    import pandas as pd
    from rich.table import Table

    from jahan.index.readiness import readiness as measure
    from jahan.index.readiness import readiness_vs_gains
    from jahan.world import World

    lang = lang_or_exit(lang)
    world = World.builtin()
    slots = _read_table(data) if data is not None else None
    result = measure(bloc, world, slots)
    names = _names(world, lang)
    con = console()
    con.print(
        tr(
            "Readiness to integrate: {label} ({members})",
            lang,
            label=result.label,
            members=", ".join(names.get(m, m) for m in result.members),
        )
    )
    grid = Table()
    for header in (tr("Condition", lang), tr("Value", lang), tr("Score", lang), tr("Source", lang)):
        grid.add_column(header)
    for _, row in result.table(lang).iterrows():
        score = "–" if pd.isna(row["score"]) else f"{row['score']:.0f}"
        source = row["source"] + (f" ({row['note']})" if row["note"] else "")
        grid.add_row(row["name"], row["value"], score, source)
    con.print(grid)
    con.print(result.overall_line(lang))
    if gains:
        view = readiness_vs_gains({result.label: bloc}, world, slots=slots)
        row = view.iloc[0]
        con.print(
            tr(
                "Members' welfare change if the bloc removes trade costs (modelled): {pct}; outsiders: {out}",
                lang,
                pct=f"{row['members_gain_pct']:+.3f}%",
                out=f"{row['outsiders_gain_pct']:+.4f}%",
            )
        )


def register(app: typer.Typer) -> None:
    """Add ``jahan index`` and ``jahan readiness`` to the command line."""
    app.command("index")(index)
    app.command("readiness")(readiness)
