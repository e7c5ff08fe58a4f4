"""The scenario report: one self-contained HTML file that opens offline, in kk, ru or en.

plotly.js and the country geometry are embedded; plotly's geo subplot is given an empty
built-in topology (``window.PlotlyGeoAssets``), so it never asks the network for its own
world outlines. Labels go through :func:`jahan._i18n.tr`; country names come from the world.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import jinja2
import numpy as np

from jahan._i18n import check_lang, fmt_number, fmt_pct, fmt_signif, tr
from jahan.report.columns import distinct_outputs, draws_text, has_bands
from jahan.report.figures import focus_bars, sector_bars, welfare_map
from jahan.report.io import write_text
from jahan.scenario import tr_shock_type
from jahan.scenario.shelter import shelter_line

_GEO_LAYERS = ("land", "ocean", "coastlines", "lakes", "rivers", "countries", "subunits")

GEO_STUB = (
    "window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};\n"
    "window.PlotlyGeoAssets.topojson.world_110m = {type: 'Topology', arcs: [], objects: {"
    + ", ".join(f"{name}: {{type: 'GeometryCollection', geometries: []}}" for name in _GEO_LAYERS)
    + "}};"
)
"""An empty world topology under plotly's own name, so plotly.js has nothing to download."""


@cache
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@cache
def template_environment(package: str = "jahan.report") -> jinja2.Environment:
    """The Jinja environment for ``package``'s ``templates/`` folder, with ``tr`` available."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["tr"] = tr
    return env


def _script_json(fig) -> str:
    """Figure JSON safe inside a <script> element."""
    return fig.to_json().replace("</", "<\\/")


def _localised(meta, field: str, lang: str) -> str:
    text = getattr(meta, f"{field}_{lang}", "") if lang != "en" else ""
    return text or getattr(meta, field)


_SOURCE_LANGUAGE = {"000": "kk", "003": "en"}
"""Language of each founding text (../seeds/): 000 is Kazakh, 003 English."""


def claim_context(meta, lang: str) -> dict:
    """The claim a scenario tests, in ``lang``, and where it comes from, said in words.

    The quote is taken from ``claim_<lang>`` when the file has it (a translation, marked as
    such), else the original. A trailing "(003)" in the quote is dropped: the source is named
    in the sentence introducing it ("founding text 003, in English; our translation").
    """
    import re

    original = str(getattr(meta, "claim", "") or "")
    own = str(getattr(meta, f"claim_{lang}", "") or "") if lang != "en" else ""
    text = own or original
    source = str(getattr(meta, "source", "") or "")
    if source:
        text = re.sub(rf"\s*\({re.escape(source)}\)\s*$", "", text)
    origin = _SOURCE_LANGUAGE.get(source)
    translated = bool(own) and origin != lang
    if source:
        where = tr("founding text {source}", lang, source=source)
        if origin is not None:
            where += ", " + tr(
                "original in {language}", lang, language=_language_name(origin, lang)
            )
        if translated:
            where += "; " + tr("our translation", lang)
    else:
        where = ""
    return {"claim": text, "claim_source": where}


def _language_name(code: str, lang: str) -> str:
    import babel

    return babel.Locale.parse(lang).languages.get(code, code)


def bloc_members(result) -> list[str]:
    """Members of the scenario's first agreement shock, if any (for members versus outsiders)."""
    shocks = result.shocks
    rows = shocks[shocks["type"] == "agreement"]
    if rows.empty:
        return []
    return [c.strip() for c in str(rows.iloc[0]["members"]).split(",") if c.strip()]


def _members_text(members: str, limit: int = 12) -> str:
    codes = [c.strip() for c in members.split(",") if c.strip()]
    shown = ", ".join(codes[:limit])
    return shown + (f" +{len(codes) - limit}" if len(codes) > limit else "")


def inequality_section(result, lang: str) -> dict | None:
    """The inequality-of-gains section (Gini and Theil of welfare ratios, winners and losers).

    Uses :func:`jahan.index.inequality.inequality_of_gains` when that module is installed;
    returns None (no section) otherwise.
    """
    try:
        from jahan.index.inequality import inequality_of_gains
    except ImportError:
        return None
    names = {c: result.name_of(c, lang) for c in result.countries.index}
    population = result.names.get("population")
    if population is not None and population.isna().any():
        population = None
    members = bloc_members(result)
    out = inequality_of_gains(
        result.countries["welfare_pct"],
        population=population,
        members=members or None,
        names=names,
    )
    m = out.measures
    rows = [
        [
            tr("Gini index", lang),
            fmt_signif(m.at["gini", "unweighted"], lang),
            fmt_signif(m.at["gini", "population_weighted"], lang),
        ],
        [
            tr("Theil index", lang),
            fmt_signif(m.at["theil", "unweighted"], lang),
            fmt_signif(m.at["theil", "population_weighted"], lang),
        ],
    ]
    members_rows = []
    if out.members is not None:
        labels = {"members": tr("Members", lang), "outsiders": tr("Outsiders", lang)}
        for key, row in out.members.iterrows():
            members_rows.append(
                [
                    labels.get(str(key), str(key)),
                    fmt_number(row["countries"], lang, 0),
                    fmt_pct(row["mean_pct"], lang, 3),
                    fmt_number(row["losers"], lang, 0),
                ]
            )
    return {
        "title": tr("Inequality of gains", lang),
        "headline": out.headline(lang),
        "columns": [tr("Measure", lang), tr("Unweighted", lang), tr("Population-weighted", lang)],
        "rows": rows,
        "members_columns": [
            tr("Group", lang),
            tr("Countries", lang),
            tr("Mean welfare change", lang),
            tr("Countries that lose", lang),
        ],
        "members_rows": members_rows,
        "note": tr(
            "Measured on welfare ratios 1 + change/100: zero when every country gains the same percentage.",
            lang,
        ),
    }


def render_report(result, lang: str = "kk", focus: list[str] | None = None) -> str:
    """The report as one HTML string."""
    lang = check_lang(lang)
    meta = result.spec.scenario
    codes = list(focus) if focus else result.focus
    codes = [c for c in codes if c in result.countries.index] or list(
        result.countries["welfare_pct"].abs().sort_values(ascending=False).index[:8]
    )
    frame = result.countries
    sectoral = getattr(result, "sectors", None) is not None
    summary_outputs = output_labels(lang, sectoral=sectoral)
    if not sectoral and result.spec.tariffs is not None:
        # A scenario that moves tariffs shows what they do: the volume-of-trade effect and the
        # change in tariff revenue (percent of baseline income).
        summary_outputs = [
            *summary_outputs[:3],
            ("volume_of_trade_pct", tr("Volume of trade", lang)),
            ("tariff_revenue_income_pct", tr("Tariff revenue", lang)),
            *summary_outputs[3:],
        ]
    summary_outputs, same_notes = distinct_outputs(frame, summary_outputs, lang)

    def band(code: str, output: str) -> dict:
        return {
            "central": fmt_pct(frame.at[code, output], lang, 3),
            "low": fmt_pct(frame.at[code, f"{output}_p05"], lang, 3),
            "high": fmt_pct(frame.at[code, f"{output}_p95"], lang, 3),
        }

    focus_rows = [
        {
            "code": c,
            "name": result.name_of(c, lang),
            "cells": [band(c, o) for o, _ in summary_outputs],
        }
        for c in codes
    ]
    ordered = frame.sort_values("welfare_pct", ascending=False).index
    all_rows = [
        {
            "code": c,
            "name": result.name_of(c, lang),
            "cells": [band(c, o) for o, _ in summary_outputs],
        }
        for c in ordered
    ]
    shocks = []
    for number, row in result.shocks.iterrows():
        has_trade = bool(row["pairs"]) and np.isfinite(row["trade_pct"])
        shocks.append(
            {
                "number": number,
                "label": row.get(f"label_{lang}", row["label"]) if lang != "en" else row["label"],
                "type": tr_shock_type(row["type"], lang),
                "members": _members_text(row["members"])
                + (
                    f" · {_members_text(str(row['sectors']), 8)}"
                    if str(row.get("sectors", "") or "").strip()
                    else ""
                ),
                "pairs": fmt_number(row["pairs"], lang, 0),
                "trade": fmt_pct(row["trade_pct"], lang, 2) if has_trade else "",
                "low": fmt_pct(row["trade_pct_p05"], lang, 2) if has_trade else "",
                "high": fmt_pct(row["trade_pct_p95"], lang, 2) if has_trade else "",
            }
        )
    shock_labels = result.shocks
    label_column = f"label_{lang}" if f"label_{lang}" in shock_labels.columns else "label"
    parameters = [
        {
            "name": shock_labels.loc[int(row["shock"]), label_column],
            "unit": _term(row["unit"], lang),
            "mean": fmt_number(row["mean"], lang, 3),
            "se": fmt_number(row["se"], lang, 3),
            "low": fmt_number(row["p05"], lang, 3),
            "high": fmt_number(row["p95"], lang, 3),
        }
        for _, row in result.parameters.iterrows()
    ]
    s = result.settings
    elasticity = (
        tr("Trade elasticity (mean over sectors)", lang)
        if sectoral
        else tr("Trade elasticity", lang)
    )
    settings = [
        (elasticity, fmt_number(s["trade_elasticity"], lang, 2)),
        (tr("Closure", lang), _term(s["closure"], lang)),
        (tr("Trade imbalances", lang), _term(s["imbalances"], lang)),
        (tr("Baseline year", lang), str(s["baseline_year"])),
        (tr("Membership year", lang), str(s["membership_year"])),
        (tr("Countries", lang), fmt_number(s["n_countries"], lang, 0)),
        (
            tr("Uncertainty draws", lang),
            fmt_number(s["draws"], lang, 0)
            if has_bands(result)
            else tr("none: no parameter is uncertain", lang),
        ),
        (tr("Seed", lang), str(s["seed"])),
        (
            tr("Solver converged", lang),
            tr("yes", lang) if s["central_converged"] else tr("no", lang),
        ),
        (tr("Solver iterations", lang), str(s["central_iterations"])),
        (tr("Largest residual", lang), f"{s['central_max_residual']:.1e}"),
    ]
    if sectoral:
        settings.insert(1, (tr("Model", lang), tr("multi-sector with input-output links", lang)))
        settings.insert(2, (tr("Sectors", lang), fmt_number(s["n_sectors"], lang, 0)))
    context = {
        "notes": scenario_notes(result, lang),
        "lang": lang,
        "title": _localised(meta, "name", lang),
        "description": _localised(meta, "description", lang),
        **claim_context(meta, lang),
        "references": list(meta.references),
        "modelled": result.modelled_baseline,
        "flows_kind": s["flows_kind"],
        "focus_rows": focus_rows,
        "all_rows": all_rows,
        "columns": [label for _, label in summary_outputs],
        "shocks": shocks,
        "parameters": parameters,
        "settings": settings,
        "draws": s["draws"],
        "bands": has_bands(result),
        "draws_text": draws_text(result, lang),
        "same_notes": same_notes,
        "inequality": inequality_section(result, lang),
        "sectors": sector_section(result, codes, lang) if sectoral else None,
        "map_json": _script_json(welfare_map(result, lang)),
        "bars_json": _script_json(focus_bars(result, codes, lang)),
        "plotly_js": _plotly_js(),
        "geo_stub": GEO_STUB,
        "scenario_toml": result.text,
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "version": _version(),
    }
    return template_environment().get_template("report.html").render(**context)


def scenario_notes(result, lang: str) -> list[str]:
    """Stated tariff assumptions, overlap with baseline agreements, and the crisis shelter."""
    spec = result.spec
    notes: list[str] = []
    if spec.tariffs is not None:
        stated = spec.tariffs
        note = getattr(stated, f"note_{lang}", "") if lang != "en" else ""
        notes.append(
            tr(
                "Baseline tariffs assumed: {rate} on pairs not stated. {note}",
                lang,
                rate=fmt_pct(100 * stated.elsewhere, lang, 1).lstrip("+"),
                note=note or stated.note,
            )
        )
        for line in stated.rates:
            notes.append(
                tr(
                    "{importers} on imports from {exporters}: {rate} ({source})",
                    lang,
                    importers=_codes_text(line.importers),
                    exporters=_codes_text(line.exporters),
                    rate=fmt_pct(100 * line.rate, lang, 1).lstrip("+"),
                    source=line.source or tr("assumption", lang),
                )
            )
    for shock in spec.shocks:
        label = _localised(shock, "label", lang) or shock.type
        if getattr(shock, "external_tariff", None) is not None:
            before = ", ".join(
                f"{c} {fmt_pct(100 * v, lang, 1).lstrip('+')}"
                for c, v in shock.tariffs_before.items()
            )
            notes.append(
                tr(
                    "{shock}: common external tariff {rate}; tariffs before: {before}; "
                    "internal tariff before: {internal}",
                    lang,
                    shock=label,
                    rate=fmt_pct(100 * shock.external_tariff, lang, 1).lstrip("+"),
                    before=before or "-",
                    internal=fmt_pct(100 * shock.internal_tariff_before, lang, 1).lstrip("+"),
                )
            )
    shocks = result.shocks
    if "overlap" in shocks.columns:
        for _, row in shocks.iterrows():
            if row["overlap"]:
                label = row[f"label_{lang}"] if lang != "en" else row["label"]
                notes.append(
                    tr(
                        "{shock}: these pairs already share an agreement in the baseline "
                        "year ({pairs}); the result is what the shock adds on top of them.",
                        lang,
                        shock=label,
                        pairs=row["overlap"],
                    )
                )
    shelter = result.settings.get("shelter")
    if shelter:
        notes.append(
            tr(
                'Crisis shelter against "{against}": each crisis is measured from its own '
                "pre-crisis world; shelter = loss without the union minus loss with it "
                "(paired draws).",
                lang,
                against=shelter["against"],
            )
        )
        for code, row in shelter["countries"].items():
            notes.append(shelter_line(result.name_of(code, lang), row, lang, digits=4))
    return notes


def _codes_text(value) -> str:
    return value if isinstance(value, str) else ", ".join(value)


def sector_section(result, codes: list[str], lang: str) -> dict:
    """The sector section: output, exports, imports and prices by sector for the focus countries."""
    frame = result.sectors
    outputs = [
        ("output_pct", tr("Output", lang)),
        ("exports_pct", tr("Exports", lang)),
        ("imports_pct", tr("Imports", lang)),
        ("price_pct", tr("Price", lang)),
    ]
    rows = []
    for code in codes:
        if code not in frame.index.get_level_values("country"):
            continue
        part = frame.loc[code]
        for sector, row in part.iterrows():
            rows.append(
                {
                    "country": f"{result.name_of(code, lang)} ({code})",
                    "sector": str(sector),
                    "base": fmt_number(row["output_baseline"], lang, 0),
                    "cells": [
                        {
                            "central": fmt_pct(row[o], lang, 2),
                            "low": fmt_pct(row[f"{o}_p05"], lang, 2),
                            "high": fmt_pct(row[f"{o}_p95"], lang, 2),
                        }
                        for o, _ in outputs
                    ],
                }
            )
    return {
        "columns": [label for _, label in outputs],
        "rows": rows,
        "bars_json": _script_json(sector_bars(result, codes, lang)),
    }


def output_labels(lang: str, *, sectoral: bool = False) -> list[tuple[str, str]]:
    """The country outputs shown in summaries, with their translated labels, in order."""
    if sectoral:
        return [
            ("welfare_pct", tr("Welfare", lang)),
            ("terms_of_trade_pct", tr("Terms of trade", lang)),
            ("volume_of_trade_pct", tr("Volume of trade", lang)),
            ("real_wage_pct", tr("Real wage", lang)),
            ("exports_pct", tr("Exports", lang)),
            ("imports_pct", tr("Imports", lang)),
        ]
    return [
        ("welfare_pct", tr("Welfare", lang)),
        ("real_gdp_pct", tr("Real GDP", lang)),
        ("terms_of_trade_pct", tr("Terms of trade", lang)),
        ("exports_pct", tr("Exports", lang)),
        ("imports_pct", tr("Imports", lang)),
    ]


def _term(value: str, lang: str) -> str:
    """Translated model terms and units."""
    terms = {
        "log points": tr("log points", lang),
        "rate": tr("tariff rate (share)", lang),
        "percentage points": tr("percentage points", lang),
        "percent": tr("percent", lang),
        "full": tr("full general equilibrium", lang),
        "conditional": tr("conditional general equilibrium", lang),
        "fixed": tr("fixed deficits", lang),
        "multiplicative": tr("deficits proportional to spending", lang),
        "balanced": tr("balanced trade", lang),
    }
    return terms.get(value, value)


def _version() -> str:
    from jahan import __version__

    return __version__


def write_report(result, path: Path, lang: str = "kk", focus: list[str] | None = None) -> Path:
    """Render the report and write it to ``path`` atomically."""
    return write_text(render_report(result, lang=lang, focus=focus), Path(path))


__all__ = ["GEO_STUB", "inequality_section", "render_report", "sector_section", "write_report"]
