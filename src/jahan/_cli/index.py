"""``jahan index`` (the measured globalization index, or the KOF-structured preset) and ``jahan readiness BLOC``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jahan._cli.common import LangOption, console, lang_or_exit
from jahan._i18n import tr
from jahan.errors import DataError, Message


def _read_table(path: Path):
    import pandas as pd

    if not path.exists():
        raise DataError(Message("data file {path!r} does not exist", path=str(path)))
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix in {".csv", ".txt"}:
        return pd.read_csv(path)
    if suffix in {".tsv", ".tab"}:
        return pd.read_csv(path, sep="\t")
    raise DataError(
        Message(
            "data file {path!r}: unknown format {suffix!r}; use .csv, .tsv or .parquet",
            path=str(path),
            suffix=suffix,
        )
    )


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


def _measured(
    data,
    with_builtin,
    year,
    weighting,
    include_partial,
    draws,
    seed,
    focus,
    over_time,
    out,
    report,
    lang,
):
    """``jahan index`` with the measured preset: coverage, ranking, not ranked, sensitivity, path."""
    import pandas as pd

    from jahan.index.measured import (
        VARIABLES,
        check_user_table,
        measured_index,
        measured_index_over_time,
        measured_uncertainty,
        node_label,
        sensitivity_text,
    )
    from jahan.world import World
    from jahan.world.globalization import globalization_variables

    world = World.builtin()
    frames = []
    if data is not None:
        frames.append(check_user_table(_read_table(data), [c for c, _, _ in VARIABLES], world.iso3))
    if data is None or with_builtin:
        frames.append(globalization_variables())
    table = pd.concat(frames, ignore_index=True)
    result = measured_index(table, year, weighting=weighting, include_partial=include_partial)
    con = console()
    for line in result.coverage_lines(lang):
        con.print(line, highlight=False)
    for dim in result.dimensions_not_scored:
        con.print(
            tr("Dimension not scored: {dim}", lang, dim=node_label(dim, lang)), highlight=False
        )
    from rich import box
    from rich.table import Table

    grid = Table(
        title=tr("Globalization index (measured variables), {year}", lang, year=result.year)
    )
    grid.box = box.SIMPLE_HEAD
    grid.padding = (0, 1)
    grid.pad_edge = False
    grid.add_column("#", justify="right", no_wrap=True)
    grid.add_column("ISO3", no_wrap=True)
    grid.add_column(tr("Overall", lang), justify="right", no_wrap=True)
    shown = [
        d for d in ("economic", "social", "political") if d not in result.dimensions_not_scored
    ]
    labels = {
        "economic": tr("Econ.", lang),
        "social": tr("Soc.", lang),
        "political": tr("Pol.", lang),
    }
    for dim in shown:
        grid.add_column(labels[dim], justify="right", no_wrap=True)
    frame = result.table()
    for country, row in frame[frame["rank"].notna()].iterrows():
        grid.add_row(
            str(int(row["rank"])),
            str(country),
            _cell(row["globalization"], lang),
            *(_cell(row[d], lang) for d in shown),
        )
    con.print(grid)
    if result.not_ranked:
        con.print(
            tr(
                "Not ranked (too few variables with data): {codes}",
                lang,
                codes=", ".join(result.not_ranked),
            ),
            highlight=False,
        )
    unc = None
    if draws > 0 and focus in result.ranked:
        unc = measured_uncertainty(result, table, draws=draws, seed=seed)
        row = unc.intervals.loc[focus]
        con.print(
            sensitivity_text(row, len(result.ranked), draws, focus, unc.most_influential, lang),
            highlight=False,
        )
    path = members = None
    if over_time or report is not None:
        from jahan.index.readiness import parse_bloc

        code = (over_time or "CA5").strip().upper()
        members = (code,) if code in world.iso3 else parse_bloc(over_time or "CA5", world)[1]
        path = measured_index_over_time(table, weighting=weighting, include_partial=include_partial)
    if over_time:
        wide = path[path["country"].isin(members)].pivot(
            index="year", columns="country", values="rank"
        )
        trend = Table(title=tr("Rank over time: {members}", lang, members=", ".join(members)))
        trend.add_column(tr("Year", lang), justify="right")
        for code in wide.columns:
            trend.add_column(str(code), justify="right")
        for y, values in wide.iterrows():
            trend.add_row(str(y), *("–" if pd.isna(v) else str(int(v)) for v in values))
        con.print(trend)
    con.print(
        tr(
            "No published ranking with an open licence is available here to compare with; the "
            "index is built from the measured variables alone (docs/index.md).",
            lang,
        ),
        highlight=False,
    )
    if out is not None:
        written = result.to_parquet(out)
        con.print(tr("Written: {file}", lang, file=str(written)))
    if report is not None:
        from jahan.report.index_report import write_index_report

        written = write_index_report(
            result, path, members, report, lang,
            interval=None if unc is None else unc.intervals.loc[focus], focus=focus,
            most_influential="" if unc is None else unc.most_influential, draws=draws,
        )  # fmt: skip
        con.print(tr("Report written: {path}", lang, path=str(written)))


def index(
    preset: Annotated[
        str,
        typer.Option(
            "--preset",
            help="measured (built-in measured variables, default) or kof (bring KOF's own variables).",
        ),
    ] = "measured",
    data: Annotated[
        Path | None,
        typer.Option(
            "--data", "-d", help="Long table (CSV or Parquet): country, year, indicator, value."
        ),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", "-y", help="Year to score (default: the latest).")
    ] = None,
    with_builtin: Annotated[
        bool,
        typer.Option(
            "--with-builtin",
            help="Add the built-in indicators to --data (used alone without --data).",
        ),
    ] = False,
    weighting: Annotated[
        str, typer.Option(help="Weights inside sub-indices: pca (as KOF) or equal.")
    ] = "pca",
    include_partial: Annotated[
        bool,
        typer.Option(
            "--include-partial",
            help="Also use agreement and organisation counts from the world's partial group list.",
        ),
    ] = False,
    draws: Annotated[
        int, typer.Option(help="Uncertainty draws for the focus country's rank interval (0: none).")
    ] = 500,
    seed: Annotated[int, typer.Option(help="Seed of the uncertainty draws.")] = 1,
    focus: Annotated[str, typer.Option(help="Country whose rank interval is stated.")] = "KAZ",
    over_time: Annotated[
        str | None,
        typer.Option(
            "--over-time",
            help="Also print the rank in every year for a group or countries (CA5, KAZ,UZB).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write all scores and ranks to this Parquet file."),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Also write an HTML report with the path over time (--over-time group, default CA5).",
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Rank countries by globalization: coverage first, then the index and its sensitivity."""
    lang = lang_or_exit(lang)
    if preset == "measured":
        _measured(
            data,
            with_builtin,
            year,
            weighting,
            include_partial,
            draws,
            seed,
            focus.strip().upper(),
            over_time,
            out,
            report,
            lang,
        )
        return
    if preset != "kof":
        raise DataError(
            Message("unknown preset {preset!r}: use 'measured' or 'kof'", preset=preset)
        )
    _kof(data, with_builtin, year, weighting, out, lang)


def _kof(data, with_builtin, year, weighting, out, lang) -> None:
    """Print the overall score and the de facto and de jure sub-indices per dimension for every country."""
    import pandas as pd

    from jahan.index.builtin import builtin_indicators
    from jahan.index.kof import KOF_VARIABLES, kof_index

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

    grid = Table(
        title=tr("Globalization index (KOF structure), {year}", lang, year=result.result.year)
    )
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
            *(
                _cell(row[c], lang)
                for c in (
                    "economic_de_facto",
                    "economic_de_jure",
                    "social_de_facto",
                    "social_de_jure",
                    "political_de_facto",
                    "political_de_jure",
                )
            ),
        )
    con = console()
    con.print(
        tr(
            "KOF variables with data: {n} of {total}.",
            lang,
            n=len(result.kof_variables_used),
            total=len(KOF_VARIABLES),
        ),
        highlight=False,
    )
    if result.kof_variables_missing:
        con.print(
            tr(
                "KOF variables missing (not filled in): {names}",
                lang,
                names=", ".join(result.kof_variables_missing),
            )
        )
    con.print(grid)
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
    bloc: Annotated[
        str,
        typer.Argument(
            help="A group (CA5, EAEU), groups and countries joined by + (EAEU+UZB), or ISO3 codes (KAZ,UZB)."
        ),
    ],
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            "-d",
            help="User values (CSV or Parquet): country, condition, value[, source].",
        ),
    ] = None,
    gains: Annotated[
        bool,
        typer.Option(
            "--gains",
            help="Also simulate the bloc as a trade agreement and show the members' welfare gain.",
        ),
    ] = False,
    lang: LangOption = None,
) -> None:
    """List the eleven conditions of integration for a bloc or pair: value, score and source, or missing."""
    import pandas as pd
    from rich.table import Table

    from jahan.index.readiness import readiness as measure
    from jahan.scenario.readiness import readiness_vs_gains
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
