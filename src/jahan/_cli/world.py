"""``jahan world``: the built-in world's summary, a country card, the groups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jahan._cli.common import LangOption, console, lang_or_exit
from jahan._i18n import fmt_number, tr

world_app = typer.Typer(
    name="world",
    help="The built-in world: summary, country cards and groups.",
    no_args_is_help=False,
)


def _load(year: int | None = None):
    from jahan.world import World

    return World.builtin(year)


YearOption = Annotated[
    int | None, typer.Option(help="Baseline year of the observed world, 2000-2016 (default 2016).")
]


_RULES = {
    "itpde": "ITPD-E's own domestic trade",
    "gdp_net_exports": "GDP minus gross exports",
    "itpde_partial": "ITPD-E's partial domestic trade",
}


def _region(name: object, lang: str) -> str:
    """An English UN M49 region name in ``lang`` through CLDR (babel)."""
    import babel

    text = str(name)
    if lang == "en":
        return text
    english = babel.Locale.parse("en").territories
    code = next((k for k, v in english.items() if v == text and k.isdigit()), None)
    return babel.Locale.parse(lang).territories.get(code, text) if code else text


def _languages(codes: object, lang: str) -> str:
    import babel

    names = babel.Locale.parse(lang).languages
    return ", ".join(names.get(c, c) for c in str(codes).split(";") if c)


def _income(value: object, lang: str) -> str:
    labels = {
        "High income": tr("High income", lang),
        "Upper middle income": tr("Upper middle income", lang),
        "Lower middle income": tr("Lower middle income", lang),
        "Low income": tr("Low income", lang),
    }
    return labels.get(str(value), str(value))


def _kind_label(kind: str, lang: str) -> str:
    if kind == "modelled":
        return tr("modelled (structural gravity, not observed trade)", lang)
    return tr("observed (ITPD-E; domestic sales constructed)", lang)


@world_app.callback(invoke_without_command=True)
def summary(ctx: typer.Context, lang: LangOption = None, year: YearOption = None) -> None:
    """Summary of the built-in world: countries, baseline year, totals, flows kind, sources."""
    if ctx.invoked_subcommand is not None:
        return
    lang = lang_or_exit(lang)
    w = _load(year)
    s = w.headline()
    out = console()
    out.print(f"[bold]{tr('jahan built-in world', lang)}[/]")
    table = Table(show_header=False, box=None)
    table.add_row(tr("Countries", lang), str(s["countries"]))
    table.add_row(tr("Baseline year", lang), str(s["baseline_year"]))
    table.add_row(
        tr("World GDP, USD billions", lang), fmt_number(float(s["gdp_usd_total"]) / 1e9, lang, 0)
    )
    table.add_row(
        tr("Population, millions", lang), fmt_number(float(s["population_total"]) / 1e6, lang, 0)
    )
    table.add_row(tr("Flows", lang), _kind_label(w.flows_kind, lang))
    table.add_row(
        tr("International trade, USD billions", lang),
        fmt_number(float(s["international_flows_musd"]) / 1e3, lang, 0),
    )
    table.add_row(
        tr("Domestic sales, USD billions", lang),
        fmt_number(float(s["domestic_flows_musd"]) / 1e3, lang, 0),
    )
    table.add_row(tr("Groups", lang), ", ".join(w.group_names()))
    out.print(table)
    out.print(f"[bold]{tr('Sources', lang)}[/]")
    for row in w.sources.itertuples():
        out.print(f"  {row.package} {row.version}: {row.path} ({row.licence}, {row.year})")


@world_app.command("show")
def show(
    iso3: Annotated[str, typer.Argument(help="ISO3 code of the country, e.g. KAZ.")],
    lang: LangOption = None,
    top: Annotated[int, typer.Option(help="How many trade partners to list.")] = 10,
    year: YearOption = None,
) -> None:
    """A country card: neighbours, groups, GDP, the top trade partners and migrants."""
    lang = lang_or_exit(lang)
    w = _load(year)
    c = w.country(iso3)
    code = str(c.name)
    out = console()
    out.print(f"[bold]{w.name(code, lang)}[/] ({code})")
    card = Table(show_header=False, box=None)
    card.add_row(tr("Capital", lang), str(c["capital"]))
    card.add_row(
        tr("Region", lang), f"{_region(c['region'], lang)} / {_region(c['subregion'], lang)}"
    )
    card.add_row(
        tr("Population, millions", lang), fmt_number(float(c["population"]) / 1e6, lang, 2)
    )
    card.add_row(
        tr("GDP {year}, USD billions", lang, year=w.baseline_year),
        fmt_number(float(c["gdp_usd"]) / 1e9, lang, 1),
    )
    card.add_row(tr("Area, km2", lang), fmt_number(float(c["area_km2"]), lang, 0))
    card.add_row(
        tr("Landlocked", lang), tr("yes", lang) if bool(c["landlocked"]) else tr("no", lang)
    )
    card.add_row(tr("Official languages", lang), _languages(c["languages"], lang))
    card.add_row(tr("Currency", lang), str(c["currency"]))
    card.add_row(tr("Income group", lang), _income(c["income_group"], lang))
    neighbours = [f"{w.name(n, lang)} ({n})" for n in w.neighbours(code)]
    card.add_row(tr("Land neighbours", lang), ", ".join(neighbours) or "-")
    card.add_row(
        tr("Groups in {year}", lang, year=w.baseline_year), ", ".join(w.groups_of(code)) or "-"
    )
    out.print(card)

    if w.has_flows:
        m = w.flows_matrix()
        exports = m.loc[code].drop(code)
        imports = m[code].drop(code)
        domestic = float(m.loc[code, code])
        total = exports + imports
        heading = tr(
            "Top trade partners ({kind}), USD millions", lang, kind=_kind_label(w.flows_kind, lang)
        )
        table = Table(title=heading, title_justify="left")
        table.add_column(tr("Partner", lang))
        table.add_column(tr("Exports", lang), justify="right")
        table.add_column(tr("Imports", lang), justify="right")
        for partner in total.sort_values(ascending=False).index[:top]:
            table.add_row(
                f"{w.name(partner, lang)} ({partner})",
                fmt_number(float(exports[partner]), lang, 0),
                fmt_number(float(imports[partner]), lang, 0),
            )
        out.print(table)
        share = float(imports.sum()) / (float(imports.sum()) + domestic)
        out.print(
            tr(
                "Import share of spending: {share}",
                lang,
                share=fmt_number(100 * share, lang, 1) + " %",
            )
        )
        rule = c.get("domestic_rule")
        if w.flows_kind == "observed" and isinstance(rule, str) and rule in _RULES:
            out.print(
                tr(
                    "Domestic sales {value} USD millions, constructed from {rule} (docs/world.md).",
                    lang,
                    value=fmt_number(domestic, lang, 0),
                    rule=tr(_RULES[rule], lang),
                )
            )
    _migrant_tables(w, code, lang, top=min(top, 5))


def _migrant_tables(w, code: str, lang: str, top: int) -> None:
    """Largest diasporas abroad and immigrant origins, UN DESA 2019 (latest year)."""
    try:
        m = w.migrants
    except Exception:  # a world without migrant stocks: nothing to show
        return
    if m.empty:
        return
    year = int(m["year"].max())
    latest = m[m["year"] == year]
    out = console()
    for title, mine, other in (
        ("Largest diasporas abroad, {year} (UN DESA), persons", "origin", "destination"),
        ("Largest immigrant origins, {year} (UN DESA), persons", "destination", "origin"),
    ):
        rows = latest[latest[mine] == code].nlargest(top, "persons")
        if rows.empty:
            continue
        table = Table(title=tr(title, lang, year=year), title_justify="left", min_width=64)
        table.add_column(tr("Country", lang))
        table.add_column(tr("Persons", lang), justify="right")
        for r in rows.itertuples():
            partner = getattr(r, other)
            table.add_row(
                f"{w.name(partner, lang)} ({partner})", fmt_number(float(r.persons), lang, 0)
            )
        out.print(table)


@world_app.command("groups")
def groups(
    lang: LangOption = None,
    year: Annotated[
        int | None, typer.Option(help="Membership year (default: the baseline year).")
    ] = None,
) -> None:
    """Groups and their members in a year."""
    lang = lang_or_exit(lang)
    w = _load()
    yr = w.baseline_year if year is None else year
    table = Table(title=tr("Groups in {year}", lang, year=yr), title_justify="left")
    table.add_column(tr("Group", lang))
    table.add_column(tr("Members", lang), justify="right")
    table.add_column(tr("Countries", lang))
    for name in w.group_names():
        members = w.group(name, year=yr)
        shown = ", ".join(members if len(members) <= 12 else members[:12] + ["..."])
        table.add_row(name, str(len(members)), shown)
    console().print(table)


@world_app.command("export")
def export(
    table: Annotated[str, typer.Argument(help="flows, pairs, countries or panel.")] = "flows",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="File to write (default: TABLE.csv); .csv, .parquet or .xlsx."
        ),
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv, parquet or xlsx (default: from --out).")
    ] = None,
    world: Annotated[
        str,
        typer.Option("--world", "-w", help="'builtin' or a path to a world folder or flows file."),
    ] = "builtin",
    lang: LangOption = None,
) -> None:
    """Write a table of the world with the column names gravity formulas use (trade, ln_dist, cntg)."""
    from jahan._io import table_format, write_table_atomic
    from jahan.world.export import export_table

    lang = lang_or_exit(lang)
    target = Path(out) if out is not None else Path(f"{table.strip().lower()}.{fmt or 'csv'}")
    kind = table_format(target, fmt)
    if world.strip().lower() == "builtin":
        w = _load()
    else:
        from jahan.world import World

        w = World.read(world)
    frame = export_table(w, table)
    path = write_table_atomic(frame, target, kind, sheet=table)
    console().print(
        tr(
            "{table}: {rows} rows, {cols} columns -> {path}",
            lang,
            table=table,
            rows=fmt_number(len(frame), lang, 0),
            cols=frame.shape[1],
            path=str(path),
        )
    )
    console().print(
        tr("Columns: {names}", lang, names=", ".join(map(str, frame.columns))), soft_wrap=True
    )


def register(app: typer.Typer) -> None:
    """Add ``jahan world`` to the main app."""
    app.add_typer(world_app, name="world")
