"""Report figures as plotly figure dictionaries (drawn offline by the embedded plotly.js).

The map uses the embedded Natural Earth geometry (``assets/countries.geo.json``) through
``geojson=``, never plotly's own world outlines, which plotly.js would fetch from a CDN.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import numpy as np
import plotly.graph_objects as go

from jahan._i18n import fmt_pct, plotly_separators, tr


@cache
def country_geometry() -> dict:
    """The embedded country polygons (GeoJSON FeatureCollection, ``id`` = ISO3)."""
    path = resources.files("jahan.report") / "assets" / "countries.geo.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _hover(result, codes, output: str, lang: str) -> list[str]:
    frame = result.countries
    out = []
    for code in codes:
        central = fmt_pct(frame.at[code, output], lang, 3)
        lo = fmt_pct(frame.at[code, f"{output}_p05"], lang, 3)
        hi = fmt_pct(frame.at[code, f"{output}_p95"], lang, 3)
        out.append(f"<b>{result.name_of(code, lang)}</b> ({code})<br>{central} [{lo}; {hi}]")
    return out


def welfare_map(result, lang: str, output: str = "welfare_pct") -> go.Figure:
    """Choropleth world map of ``output`` (central values), diverging around zero."""
    geometry = country_geometry()
    shown = {f["id"] for f in geometry["features"]}
    frame = result.countries
    codes = [c for c in frame.index if c in shown]
    z = frame.loc[codes, output].to_numpy(dtype=float)
    limit = float(np.nanmax(np.abs(z))) if len(z) else 1.0
    limit = limit if limit > 0 else 1.0
    fig = go.Figure(
        go.Choropleth(
            geojson=geometry,
            featureidkey="id",
            locations=codes,
            z=z,
            zmid=0.0,
            zmin=-limit,
            zmax=limit,
            colorscale="RdBu",
            marker_line_width=0.3,
            marker_line_color="#555",
            text=_hover(result, codes, output, lang),
            hovertemplate="%{text}<extra></extra>",
            colorbar={"title": {"text": "%"}, "thickness": 14},
        )
    )
    fig.update_geos(
        visible=False,
        projection_type="natural earth",
        lataxis_range=[-58, 85],
        showframe=False,
    )
    fig.update_layout(margin={"l": 0, "r": 0, "t": 10, "b": 0}, height=460)
    fig.update_layout(separators=plotly_separators(lang))  # axes in the locale's symbols
    return fig


def focus_bars(result, codes: list[str], lang: str, output: str = "welfare_pct") -> go.Figure:
    """Horizontal bars of ``output`` for the focus countries with 5th-95th percentile bands."""
    frame = result.countries.loc[codes]
    central = frame[output].to_numpy(dtype=float)
    lo = frame[f"{output}_p05"].to_numpy(dtype=float)
    hi = frame[f"{output}_p95"].to_numpy(dtype=float)
    labels = [result.name_of(c, lang) for c in codes]
    fig = go.Figure(
        go.Bar(
            x=central,
            y=labels,
            orientation="h",
            marker_color=["#2166ac" if v >= 0 else "#b2182b" for v in central],
            error_x={
                "type": "data",
                "symmetric": False,
                "array": np.maximum(hi - central, 0.0),
                "arrayminus": np.maximum(central - lo, 0.0),
                "color": "#333",
                "thickness": 1.5,
                "width": 6,
            },
            hovertext=_hover(result, codes, output, lang),
            hoverinfo="text",
        )
    )
    fig.update_layout(
        margin={"l": 10, "r": 40, "t": 10, "b": 40},
        height=max(220, 46 * len(codes) + 60),
        xaxis={"title": {"text": tr("Change, percent", lang)}, "zeroline": True},
        yaxis={"autorange": "reversed"},
        showlegend=False,
    )
    fig.update_layout(separators=plotly_separators(lang))  # axes in the locale's symbols
    return fig


def sector_bars(result, codes: list[str], lang: str, output: str = "output_pct") -> go.Figure:
    """Grouped bars of a sector output (default: output) by sector, one colour per focus country."""
    frame = result.sectors
    fig = go.Figure()
    present = set(frame.index.get_level_values("country"))
    for code in codes:
        if code not in present:
            continue
        part = frame.loc[code]
        central = part[output].to_numpy(dtype=float)
        fig.add_trace(
            go.Bar(
                x=[str(s) for s in part.index],
                y=central,
                name=result.name_of(code, lang),
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": np.maximum(part[f"{output}_p95"].to_numpy(dtype=float) - central, 0.0),
                    "arrayminus": np.maximum(
                        central - part[f"{output}_p05"].to_numpy(dtype=float), 0.0
                    ),
                    "thickness": 1.2,
                    "width": 3,
                },
            )
        )
    fig.update_layout(
        barmode="group",
        margin={"l": 50, "r": 10, "t": 10, "b": 60},
        height=380,
        yaxis={"title": {"text": tr("Change in output, percent", lang)}, "zeroline": True},
        xaxis={"title": {"text": tr("Sector", lang)}},
    )
    fig.update_layout(separators=plotly_separators(lang))  # axes in the locale's symbols
    return fig


__all__ = ["country_geometry", "focus_bars", "sector_bars", "welfare_map"]
