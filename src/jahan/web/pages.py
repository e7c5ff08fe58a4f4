"""What each dashboard page shows: tables, figures and labels, in the page's language.

Figures reuse the report's (:mod:`jahan.report.figures`); the map geometry is the report's
embedded Natural Earth file, served by the dashboard at ``/static/countries.geo.json``.
"""

from __future__ import annotations

import json
import math
from numbers import Real

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from jahan._i18n import fmt_number, fmt_pct, plotly_separators, tr
from jahan.report.columns import distinct_outputs, draws_text, has_bands
from jahan.report.html import output_labels

GEOJSON_URL = "/static/countries.geo.json"

OUTPUTS = tuple(output for output, _ in output_labels("en"))
"""The one-sector outputs the dashboard shows, in order (labels from the report)."""


AGREEMENT_KINDS: tuple[tuple[str, str], ...] = (
    ("customs_union", "customs union"),
    ("fta", "free trade area"),
    ("deep", "deep agreement"),
    ("currency_union", "currency union"),
)
"""Agreement kinds the builder offers (msgids of their labels), in the order shown."""

MODEBAR_MARGIN_PX = 40
"""Top margin of dashboard figures: plotly's toolbar sits in it instead of over a colour-bar title."""


def output_label(output: str, lang: str) -> str:
    """Translated column label of a result output."""
    return dict(output_labels(lang)).get(output, output)


def js_messages(lang: str) -> dict[str, str]:
    """Texts the browser script shows (progress, states, errors), already translated."""
    return {
        "queued": tr("Waiting for a free worker…", lang),
        "running": tr("Solving: {done} of {total} draws", lang),
        "central": tr("Solving the central run…", lang),
        "done": tr("Done. Opening the results…", lang),
        "failed": tr("The run failed:", lang),
        "cancelled": tr("The run was cancelled.", lang),
        "error": tr("The server refused the request:", lang),
        "members_hint": tr("Click countries on the map to add them to the selected shock.", lang),
        "no_shocks": tr("Add at least one shock.", lang),
        "blank_shock": tr(
            "Shock {n}: choose its countries (a group, ISO3 codes or clicks on the map).", lang
        ),
        "blank_other": tr("Shock {n}: choose the other side (a group or ISO3 codes).", lang),
        "unknown_code": tr(
            "Shock {n}: {code} is neither a country code nor a group of this world.", lang
        ),
        "unknown_code_near": tr(
            "Shock {n}: {code} is neither a country code nor a group of this world. "
            "Did you mean {near}?",
            lang,
        ),
        "valid": tr("The scenario is valid; this is the file that will run.", lang),
    }


def localised(meta, field: str, lang: str) -> str:
    """A scenario text field in ``lang`` (``name_kk``...), falling back to English."""
    text = getattr(meta, f"{field}_{lang}", "") if lang != "en" else ""
    return text or getattr(meta, field)


def _json(fig: go.Figure, lang: str | None = None) -> str:
    if lang is not None:
        fig.update_layout(separators=plotly_separators(lang))  # axes in the locale's symbols
    return fig.to_json().replace("</", "<\\/")


def _name(world, code: str, lang: str) -> str:
    row = world.countries.loc[code]
    value = row.get(f"name_{lang}")
    return value if isinstance(value, str) and value else str(row.get("name_en") or code)


def region_name(region: str, lang: str) -> str:
    """Translated UN region or subregion name (the world's data holds the English one)."""
    names = {
        "Australasia": tr("Australasia", lang),
        "Caribbean": tr("Caribbean", lang),
        "Central America": tr("Central America", lang),
        "Central Asia": tr("Central Asia", lang),
        "Eastern Africa": tr("Eastern Africa", lang),
        "Eastern Asia": tr("Eastern Asia", lang),
        "Eastern Europe": tr("Eastern Europe", lang),
        "Melanesia": tr("Melanesia", lang),
        "Micronesian Region": tr("Micronesian Region", lang),
        "Middle Africa": tr("Middle Africa", lang),
        "Northern Africa": tr("Northern Africa", lang),
        "Northern America": tr("Northern America", lang),
        "Northern Europe": tr("Northern Europe", lang),
        "Polynesia": tr("Polynesia", lang),
        "South America": tr("South America", lang),
        "Southeast Asia": tr("Southeast Asia", lang),
        "Southern Africa": tr("Southern Africa", lang),
        "Southern Asia": tr("Southern Asia", lang),
        "Southern Europe": tr("Southern Europe", lang),
        "Western Africa": tr("Western Africa", lang),
        "Western Asia": tr("Western Asia", lang),
        "Western Europe": tr("Western Europe", lang),
        "Africa": tr("Africa", lang),
        "Americas": tr("Americas", lang),
        "Asia": tr("Asia", lang),
        "Europe": tr("Europe", lang),
        "Oceania": tr("Oceania", lang),
    }
    return names.get(region, region)


def country_names(world, lang: str) -> dict[str, str]:
    """ISO3 -> name in ``lang`` for every country of the world."""
    return {c: _name(world, c, lang) for c in world.countries.index}


def json_records(frame: pd.DataFrame) -> list[dict]:
    """A frame's rows as JSON-ready dicts: a missing number or text (NaN, NA, None) is null,
    since JSON has no NaN."""
    rows = frame.astype(object).to_dict(orient="records")
    return [{key: None if _missing(value) else value for key, value in row.items()} for row in rows]


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array: not a missing scalar
        return False


def _text(value: object) -> str:
    """A text field of a user world, "" where it is missing (NA, NaN, None)."""
    return "" if value is None or _missing(value) else str(value)


def shown_number(value: object, lang: str, digits: int, scale: float = 1.0) -> str:
    """``value / scale`` formatted for ``lang``, or "no data" in ``lang`` when it is missing."""
    number = float(value) if isinstance(value, Real) and not _missing(value) else float("nan")
    if not np.isfinite(number):
        return tr("no data", lang)
    return fmt_number(number / scale, lang, digits)


def world_page(world, lang: str) -> dict:
    """The world page: a map of income per person and one card per country (a user world may
    lack GDP or population for some: those read "no data" and are left off the map)."""
    frame = world.countries
    names = country_names(world, lang)
    gdp = pd.to_numeric(frame["gdp_usd"], errors="coerce").astype(float)
    population = pd.to_numeric(frame["population"], errors="coerce").astype(float)
    per_person = gdp / population
    all_codes = list(frame.index)
    codes = [c for c in all_codes if np.isfinite(per_person[c])]
    z = np.log10(per_person[codes].clip(lower=1.0)).to_numpy()
    hover = [
        f"<b>{names[c]}</b> ({c})<br>{tr('GDP per person, USD', lang)}: {fmt_number(per_person[c], lang, 0)}"
        for c in codes
    ]
    ticks = [2, 3, 4, 5]
    fig = go.Figure(
        go.Choropleth(
            geojson=GEOJSON_URL,
            featureidkey="id",
            locations=codes,
            z=z,
            colorscale="Viridis",
            marker_line_width=0.3,
            marker_line_color="#555",
            text=hover,
            hovertemplate="%{text}<extra></extra>",
            colorbar={
                "title": {"text": tr("GDP per person, USD", lang)},
                "tickvals": ticks,
                "ticktext": [fmt_number(10.0**t, lang, 0) for t in ticks],
                "thickness": 14,
            },
        )
    )
    _geo_layout(fig, 460)
    cards = []
    for c in sorted(all_codes, key=lambda k: names[k]):
        row = frame.loc[c]
        cards.append(
            {
                "code": c,
                "name": names[c],
                "capital": _text(row.get("capital")),
                "region": region_name(
                    _text(row.get("subregion")) or _text(row.get("region")), lang
                ),
                "population": shown_number(population[c], lang, 1, 1e6),
                "gdp": shown_number(gdp[c], lang, 1, 1e9),
                "per_person": shown_number(per_person[c], lang, 0),
                "landlocked": not _missing(row.get("landlocked")) and bool(row.get("landlocked")),
                "groups": ", ".join(world.groups_of(c)),
            }
        )
    return {
        "map_json": _json(fig, lang),
        "cards": cards,
        "n_countries": len(all_codes),
        "baseline_year": world.baseline_year,
        "modelled": world.flows_kind == "modelled",
    }


def _geo_layout(fig: go.Figure, height: int) -> None:
    fig.update_geos(
        visible=False, projection_type="natural earth", lataxis_range=[-58, 85], showframe=False
    )
    fig.update_layout(margin={"l": 0, "r": 0, "t": MODEBAR_MARGIN_PX, "b": 0}, height=height)


def builder_page(world, lang: str, max_draws: int) -> dict:
    """The scenario builder: library scenarios, groups with their members, a clickable map."""
    from jahan.report.html import tr_shock_type
    from jahan.scenario import Scenario, library_names
    from jahan.scenario.defaults import AGREEMENT_DEFAULTS
    from jahan.scenario.schema import SHOCK_TYPES

    names = country_names(world, lang)
    library = []
    for name in library_names():
        sc = Scenario.load(name)
        meta = sc.spec.scenario
        library.append(
            {
                "name": name,
                "title": localised(meta, "name", lang),
                "description": localised(meta, "description", lang),
                "draws": sc.spec.uncertainty.draws,
                "seed": sc.spec.uncertainty.seed,
            }
        )
    groups = {g: world.group(g) for g in world.group_names()}
    codes = list(world.countries.index)
    fig = go.Figure(
        go.Choropleth(
            geojson=GEOJSON_URL,
            featureidkey="id",
            locations=codes,
            z=[0] * len(codes),
            zmin=0,
            zmax=1,
            colorscale=[[0, "#dfe6ee"], [1, "#d9822b"]],
            showscale=False,
            marker_line_width=0.3,
            marker_line_color="#555",
            text=[f"{names[c]} ({c})" for c in codes],
            hovertemplate="%{text}<extra></extra>",
        )
    )
    _geo_layout(fig, 380)
    return {
        "library": library,
        "groups": groups,
        "names": names,
        "shock_types": [(t, tr_shock_type(t, lang)) for t in SHOCK_TYPES if t != "corridor"],
        # The library's defaults, so an agreement composed here is the one `jahan run` solves.
        "agreement_kinds": [
            (
                kind,
                tr(label, lang),
                repr(AGREEMENT_DEFAULTS[kind].effect),
                repr(AGREEMENT_DEFAULTS[kind].se),
            )
            for kind, label in AGREEMENT_KINDS
        ],
        "map_json": _json(fig, lang),
        "max_draws": max_draws,
    }


def _band(frame, code: str, output: str, lang: str) -> dict:
    values = [float(frame.at[code, o]) for o in (output, f"{output}_p05", f"{output}_p95")]
    return {
        "value": repr(values[0]),
        "central": fmt_pct(values[0], lang, 3),
        "low": fmt_pct(values[1], lang, 3),
        "high": fmt_pct(values[2], lang, 3),
    }


def result_rows(
    result, codes: list[str], lang: str, outputs: tuple[str, ...] = OUTPUTS
) -> list[dict]:
    """Table rows: name, code and for each output the central value with its band."""
    frame = result.countries
    return [
        {
            "code": c,
            "name": result.name_of(c, lang),
            "cells": [_band(frame, c, o, lang) for o in outputs],
        }
        for c in codes
    ]


def focus_codes(result) -> list[str]:
    """The scenario's focus countries, or the eight most affected."""
    codes = result.focus
    if codes:
        return codes
    return list(result.countries["welfare_pct"].abs().sort_values(ascending=False).index[:8])


def results_page(result, lang: str) -> dict:
    """The results page: map, focus bars with bands, tables, inequality of gains."""
    from jahan.report.figures import focus_bars, welfare_map
    from jahan.report.html import claim_context, inequality_section, tr_shock_type

    codes = focus_codes(result)
    shown, same_notes = distinct_outputs(
        result.countries, [(o, output_label(o, lang)) for o in OUTPUTS], lang
    )
    outputs = tuple(o for o, _ in shown)
    fig = welfare_map(result, lang)
    fig.update_traces(geojson=GEOJSON_URL)
    fig.update_layout(margin={"t": MODEBAR_MARGIN_PX})
    ordered = list(result.countries.sort_values("welfare_pct", ascending=False).index)
    shocks = []
    for number, row in result.shocks.iterrows():
        has_trade = bool(row["pairs"]) and math.isfinite(row["trade_pct"])
        shocks.append(
            {
                "number": number,
                "label": row.get(f"label_{lang}", row["label"]) if lang != "en" else row["label"],
                "type": tr_shock_type(row["type"], lang),
                "members": row["members"],
                "pairs": fmt_number(row["pairs"], lang, 0),
                "trade": fmt_pct(row["trade_pct"], lang, 2) if has_trade else "",
                "band": (
                    f"[{fmt_pct(row['trade_pct_p05'], lang, 2)}; {fmt_pct(row['trade_pct_p95'], lang, 2)}]"
                    if has_trade and has_bands(result)
                    else ""
                ),
            }
        )
    s = result.settings
    settings = [
        (tr("Trade elasticity", lang), fmt_number(s["trade_elasticity"], lang, 2)),
        (
            tr("Closure", lang),
            tr("full general equilibrium", lang)
            if s["closure"] == "full"
            else tr("conditional general equilibrium", lang),
        ),
        (
            tr("Uncertainty draws", lang),
            fmt_number(s["draws"], lang, 0)
            if has_bands(result)
            else tr("none: no parameter is uncertain", lang),
        ),
        (tr("Seed", lang), str(s["seed"])),
        (tr("Baseline year", lang), str(s["baseline_year"])),
        (
            tr("Solver converged", lang),
            tr("yes", lang) if s["central_converged"] else tr("no", lang),
        ),
    ]
    # Central values of every output in the map's country order, for the output switch.
    locations = list(fig.data[0].locations)
    map_outputs = {
        o: {
            "label": output_label(o, lang),
            "z": [float(v) for v in result.countries.loc[locations, o]],
        }
        for o in OUTPUTS
    }
    return {
        "map_outputs": json.dumps(map_outputs),
        "title": localised(result.spec.scenario, "name", lang),
        "description": localised(result.spec.scenario, "description", lang),
        **claim_context(result.spec.scenario, lang),
        "modelled": result.modelled_baseline,
        "map_json": _json(fig, lang),
        "bars_json": _json(focus_bars(result, codes, lang)),
        "columns": [label for _, label in shown],
        "same_notes": same_notes,
        "bands": has_bands(result),
        "draws_text": draws_text(result, lang),
        "map_choices": [(o, output_label(o, lang)) for o in OUTPUTS],
        "focus_rows": result_rows(result, codes, lang, outputs),
        "all_rows": result_rows(result, ordered, lang, outputs),
        "shocks": shocks,
        "settings": settings,
        "inequality": inequality_section(result, lang),
        "draws": result.draws,
    }


def compare_page(ra, rb, lang: str) -> dict:
    """Two runs side by side: welfare of each with bands, and the difference B - A."""
    from jahan.scenario import compare

    frame = compare(ra, rb)
    codes = list(dict.fromkeys([*focus_codes(ra), *focus_codes(rb)]))
    codes = [c for c in codes if c in frame.index]
    rest = [c for c in frame.sort_values("difference", ascending=False).index if c not in codes]
    rows = []
    for c in codes + rest:
        r = frame.loc[c]
        cell = {}
        for tag in ("a", "b"):
            lo, hi = ("_p05", "_p95")
            cell[tag] = {
                "central": fmt_pct(r[tag], lang, 3),
                "value": repr(float(r[tag])),
                "band": f"[{fmt_pct(r[tag + lo], lang, 3)}; {fmt_pct(r[tag + hi], lang, 3)}]",
            }
        cell["d"] = {
            "central": fmt_pct(r["difference"], lang, 3),
            "value": repr(float(r["difference"])),
            "band": f"[{fmt_pct(r['difference_p05'], lang, 3)}; {fmt_pct(r['difference_p95'], lang, 3)}]",
        }
        rows.append({"code": c, "name": ra.name_of(c, lang), "focus": c in codes, **cell})
    labels = [ra.name_of(c, lang) for c in codes]
    fig = go.Figure()
    for tag, result, color in (("a", ra, "#2166ac"), ("b", rb, "#d9822b")):
        central = frame.loc[codes, tag].to_numpy(dtype=float)
        fig.add_bar(
            x=central,
            y=labels,
            orientation="h",
            name=f"{tag.upper()}: {localised(result.spec.scenario, 'name', lang)}",
            marker_color=color,
            error_x={
                "type": "data",
                "symmetric": False,
                "array": np.maximum(frame.loc[codes, f"{tag}_p95"].to_numpy(float) - central, 0),
                "arrayminus": np.maximum(
                    central - frame.loc[codes, f"{tag}_p05"].to_numpy(float), 0
                ),
            },
        )
    fig.update_layout(
        barmode="group",
        height=max(260, 60 * len(codes) + 80),
        margin={"l": 10, "r": 30, "t": 10, "b": 40},
        xaxis={"title": {"text": tr("Welfare change, percent", lang)}},
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "y": -0.15},
    )
    return {
        "title_a": localised(ra.spec.scenario, "name", lang),
        "title_b": localised(rb.spec.scenario, "name", lang),
        "rows": rows,
        "paired": bool(frame.attrs.get("paired")),
        "bars_json": _json(fig, lang),
    }


__all__ = [
    "builder_page",
    "compare_page",
    "country_names",
    "js_messages",
    "json_records",
    "results_page",
    "shown_number",
    "world_page",
]
