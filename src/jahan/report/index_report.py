"""The globalization-index report: coverage first, the ranking, Kazakhstan's rank interval, and the
path of a group of countries over time as a figure; one self-contained HTML page (plotly.js
embedded, no network needed), in Kazakh, Russian or English."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from jahan._i18n import check_lang, fmt_number, tr
from jahan._io import write_text_atomic
from jahan.index.measured import MeasuredIndex, node_label, sensitivity_text
from jahan.report.culture_figures import _STYLE, _figure_json, _plotly_js


def path_figure(path: pd.DataFrame, countries: Sequence[str], lang: str = "en") -> go.Figure:
    """Index score over the years for ``countries`` (one line each; the rank on hover).

    ``path`` is the long table of :func:`jahan.index.measured.measured_index_over_time`.
    """
    lang = check_lang(lang)
    fig = go.Figure()
    for code in countries:
        one = path[path["country"] == code].sort_values("year")
        if one["score"].notna().any():
            fig.add_trace(
                go.Scatter(
                    x=one["year"], y=one["score"], mode="lines+markers", name=str(code),
                    customdata=one["rank"],
                    hovertemplate=f"{code} %{{x}}: %{{y:.1f}} (#%{{customdata}})<extra></extra>",
                )
            )  # fmt: skip
    fig.update_layout(
        xaxis_title=tr("Year", lang),
        yaxis_title=tr("Globalization index (measured variables)", lang),
        margin={"l": 60, "r": 20, "t": 20, "b": 50},
        template="plotly_white",
    )
    return fig


def render_index_report(
    result: MeasuredIndex,
    path: pd.DataFrame,
    countries: Sequence[str],
    lang: str = "en",
    *,
    interval: pd.Series | None = None,
    focus: str = "KAZ",
    most_influential: str = "",
    draws: int = 0,
    top: int = 30,
) -> str:
    """The report as one HTML page: coverage, ranking, sensitivity, path over time, what is missing."""
    lang = check_lang(lang)
    e = html.escape
    title = tr("Globalization index (measured variables), {year}", lang, year=result.year)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)} | jahan</title><style>{_STYLE}</style>",
        f"<script>{_plotly_js()}</script></head><body>",
        f'<header><h1 id="title">{e(title)}</h1></header><main>',
        f'<section id="coverage"><h2>{e(tr("Coverage", lang))}</h2><ul>',
        *(f"<li>{e(line.strip())}</li>" for line in result.coverage_lines(lang)),
        *(
            f"<li>{e(tr('Dimension not scored: {dim}', lang, dim=node_label(d, lang)))}</li>"
            for d in result.dimensions_not_scored
        ),
        "</ul></section>",
    ]
    table = result.table()
    ranked = table[table["rank"].notna()]
    shown = ranked.head(top)
    if focus in ranked.index and focus not in shown.index:
        shown = pd.concat([shown, ranked.loc[[focus]]])
    dims = [d for d in ("economic", "social", "political") if d not in result.dimensions_not_scored]
    header = ["#", "ISO3", tr("Overall", lang), *(node_label(d, lang) for d in dims)]
    parts += [
        f'<section id="ranking"><h2>{e(tr("Ranking", lang))}</h2>',
        '<table id="ranking-table"><thead><tr>'
        + "".join(f"<th>{e(h)}</th>" for h in header)
        + "</tr></thead><tbody>",
    ]
    for code, row in shown.iterrows():
        cells = [str(int(row["rank"])), str(code), fmt_number(row["globalization"], lang, 1)]
        cells += [fmt_number(row[d], lang, 1) for d in dims]
        parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
    parts.append("</tbody></table>")
    if result.not_ranked:
        parts.append(
            "<p>"
            + e(tr("Not ranked (too few variables with data): {codes}", lang,
                   codes=", ".join(result.not_ranked)))
            + "</p>"
        )  # fmt: skip
    parts.append("</section>")
    if interval is not None:
        parts += [
            f'<section id="sensitivity"><h2>{e(tr("Sensitivity", lang))}</h2><p>',
            e(sensitivity_text(interval, len(result.ranked), draws, focus, most_influential, lang)),
            "</p></section>",
        ]
    fig = path_figure(path, countries, lang)
    parts += [
        f'<section id="path-section"><h2>{e(tr("Over time: {members}", lang, members=", ".join(countries)))}</h2>',
        '<div id="path" class="figure"></div>',
        f'<script>(function(){{var f = {_figure_json(fig)};'
        'Plotly.newPlot("path", f.data, f.layout, {displaylogo: false, responsive: true});})();</script>',
        f'<p class="muted">{e(tr("Scores share one normalisation over 2000-2016, so years are comparable; ranks are among the countries ranked in each year.", lang))}</p>',
        "</section>",
        f'<section id="missing"><h2>{e(tr("What is not measured here", lang))}</h2><p>',
        e(tr("Capital and information flows, tariffs and the services share of trade have no source here; see docs/index.md.", lang)),
        "</p></section></main></body></html>",
    ]  # fmt: skip
    return "\n".join(parts)


def write_index_report(
    result: MeasuredIndex, path: pd.DataFrame, countries: Sequence[str], target: str | Path,
    lang: str = "en", **kwargs: object,
) -> Path:  # fmt: skip
    """Render :func:`render_index_report` and write it to ``target`` atomically."""
    return write_text_atomic(render_index_report(result, path, countries, lang, **kwargs), target)  # type: ignore[arg-type]
