"""The report "The founding texts, tested": one self-contained HTML page (plotly.js embedded) with a
section per claim (quoted sentence, analysis, figure with its 90% band, data and years, verdict)
and a closing note listing every verdict and figure."""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from jahan._i18n import check_lang, fmt_number, tr
from jahan._io import write_text_atomic
from jahan.analysis.claims.result import figure_line
from jahan.analysis.claims.verdict import verdict_text

_VERDICT_COLOURS = {
    "supported": "#1a7f37",
    "not_supported": "#b42318",
    "mixed": "#b54708",
    "untestable": "#555555",
}

_STYLE = """
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; margin: 0; color: #1d2330; background: #fafafa; }
header { background: #00618f; color: #fff; padding: 18px 32px; }
header h1 { margin: 0; font-size: 26px; }
main { max-width: 1180px; margin: 0 auto; padding: 12px 32px 40px 32px; }
section { background: #fff; border: 1px solid #dde2e8; border-radius: 6px; padding: 14px 20px; margin: 16px 0; }
h2 { font-size: 19px; margin: 4px 0 10px 0; color: #00618f; }
blockquote { border-left: 4px solid #00618f; margin: 8px 0; padding: 4px 14px; font-style: italic; }
.verdict { display: inline-block; padding: 3px 10px; border-radius: 4px; color: #fff; font-weight: bold; }
table { border-collapse: collapse; font-size: 14px; }
th, td { border-bottom: 1px solid #e4e8ee; padding: 5px 12px; text-align: left; vertical-align: top; }
th { background: #f0f4f8; }
.figure { width: 100%; height: 360px; }
.muted { color: #666; font-size: 13px; }
code { background: #f5f5f5; padding: 1px 4px; font-size: 12px; }
"""


def _script_json(fig: go.Figure) -> str:
    return fig.to_json().replace("</", "<\\/")


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def band_figure(claim: Any, lang: str) -> go.Figure | None:
    """One panel per figure with a value: the central value, its 90% band and the threshold."""
    shown = [f for f in claim.figures if math.isfinite(f.value)]
    if not shown:
        return None
    fig = make_subplots(
        rows=len(shown),
        cols=1,
        vertical_spacing=0.5 / max(len(shown), 1) if len(shown) > 1 else 0.1,
    )
    for k, f in enumerate(shown, start=1):
        has_band = math.isfinite(f.low) and math.isfinite(f.high)
        fig.add_trace(
            go.Scatter(
                x=[f.value],
                y=[""],
                mode="markers",
                marker={"size": 12, "color": "#00618f"},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [f.high - f.value if has_band else 0.0],
                    "arrayminus": [f.value - f.low if has_band else 0.0],
                    "thickness": 3,
                    "width": 8,
                },
                name=f.label_text(lang),
                showlegend=False,
                hovertext=figure_line(f, lang),
                hoverinfo="text",
            ),
            row=k,
            col=1,
        )
        fig.add_vline(x=f.threshold, line={"color": "#999", "dash": "dot"}, row=k, col=1)
        fig.update_xaxes(
            title_text=f"{f.label_text(lang)} ({tr(f.unit, lang)})",
            title_font={"size": 11},
            row=k,
            col=1,
        )
    fig.update_layout(
        height=130 * len(shown) + 60,
        margin={"l": 20, "r": 20, "t": 20, "b": 40},
        template="plotly_white",
    )
    return fig


def inequality_figure(series: Any, lang: str) -> go.Figure:
    """Theil and Gini of GDP per head across countries over time, unweighted and weighted, with the
    part of the Theil index between regions."""
    fig = go.Figure()
    lines = (
        ("theil", tr("Theil, countries equal", lang), "#00618f", "solid"),
        ("theil_weighted", tr("Theil, weighted by population", lang), "#b54708", "solid"),
        ("theil_between", tr("Theil between regions, countries equal", lang), "#00618f", "dot"),
        (
            "theil_weighted_between",
            tr("Theil between regions, weighted by population", lang),
            "#b54708",
            "dot",
        ),
        ("gini", tr("Gini, countries equal", lang), "#1a7f37", "dash"),
        ("gini_weighted", tr("Gini, weighted by population", lang), "#7a3e9d", "dash"),
    )
    for column, name, colour, dash in lines:
        fig.add_trace(
            go.Scatter(
                x=series.index,
                y=series[column],
                name=name,
                mode="lines",
                line={"color": colour, "dash": dash},
            )
        )
    fig.update_layout(
        height=420,
        template="plotly_white",
        margin={"l": 50, "r": 20, "t": 30, "b": 40},
        xaxis_title=tr("Year", lang),
        yaxis_title=tr("Inequality of GDP per head", lang),
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def _plot(div_id: str, fig: go.Figure) -> list[str]:
    return [
        f'<div id="{div_id}" class="figure" style="height:{int(fig.layout.height or 360)}px"></div>',
        f"<script>(function(){{var f = {_script_json(fig)};"
        f'Plotly.newPlot("{div_id}", f.data, f.layout, {{displaylogo: false, responsive: true}});}})();</script>',
    ]


def _verdict_badge(claim: Any, lang: str, *, element_id: str) -> str:
    colour = _VERDICT_COLOURS[claim.verdict]
    return (
        f'<span class="verdict" id="{element_id}" data-verdict="{claim.verdict}" '
        f'style="background:{colour}">{html.escape(verdict_text(claim.verdict, lang))}</span>'
    )


def render_claims_report(result: Any, lang: str = "kk") -> str:
    """The report as one HTML string in ``lang``."""
    lang = check_lang(lang)
    e = html.escape
    title = tr("The founding texts, tested", lang)
    s = result.settings
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)} | jahan</title><style>{_STYLE}</style>",
        f"<script>{_plotly_js()}</script></head><body>",
        f'<header><h1 id="title">{e(title)}</h1></header><main>',
        '<section id="rules">',
        f"<h2>{e(tr('How the verdicts are reached', lang))}</h2>",
        "<ul>",
        f"<li>{e(tr('Every figure has a 90% band: the 5th to 95th percentile of the draws, or the estimate plus and minus 1.645 standard errors.', lang))}</li>",
        f"<li>{e(tr('A figure supports the claim when its whole band lies beyond the threshold in the claimed direction; otherwise it does not.', lang))}</li>",
        f"<li>{e(tr('A claim is supported when all its counted figures support it, not supported when none does, mixed otherwise; a claim without a counted figure cannot be tested with the data here.', lang))}</li>",
        f"<li>{e(tr('Figures that restate an assumption or describe are shown but not counted.', lang))}</li>",
        "</ul>",
        f'<p class="muted">{e(tr("Built-in world: {kind} trade, baseline {year}, {n} economies; {draws} draws, seed {seed}.", lang, kind=tr(str(s.get("flows_kind", "")), lang), year=s.get("baseline_year", ""), n=s.get("countries", ""), draws=s.get("draws", ""), seed=s.get("seed", "")))}</p>',
        "</section>",
    ]
    for claim in result.claims:
        n = claim.number
        parts += [
            f'<section id="claim-{n}" class="claim" data-claim="{n}">',
            f"<h2>{n}. {e(tr(claim.title, lang))}</h2>",
            f"<blockquote>{e(claim.quote(lang))}</blockquote>",
            f'<p class="muted">{e(claim.quote_source(lang))}</p>',
            f"<p><strong>{e(tr('Verdict', lang))}:</strong> {_verdict_badge(claim, lang, element_id=f'verdict-{n}')}</p>",
            f"<h3>{e(tr('Analysis', lang))}</h3><ul>",
        ]
        for f in claim.figures:
            counted = "" if f.counts and f.direction else f" ({tr('shown, not counted', lang)})"
            parts.append(
                f"<li>{e(figure_line(f, lang) + counted)}<br>"
                f'<span class="muted">{e(tr("Data", lang))}: {e(f.data_text(lang))}</span></li>'
            )
        parts.append("</ul>")
        notes = claim.note_texts(lang)
        if notes:
            parts.append(
                "<ul class='muted'>" + "".join(f"<li>{e(t)}</li>" for t in notes) + "</ul>"
            )
        if claim.verdict in ("untestable", "mixed", "not_supported") and claim.decide:
            parts.append(
                f"<p>{e(tr('Data that would decide it', lang))}: {e(tr(claim.decide, lang))}</p>"
            )
        band = band_figure(claim, lang)
        if band is not None:
            parts += _plot(f"figure-{n}", band)
        if claim.number == 5 and claim.series is not None:
            parts += _plot("figure-5-series", inequality_figure(claim.series, lang))
        parts += [
            f'<p class="muted">{e(tr("Reproduce", lang))}: <code>{e(claim.reproduce)}</code></p>',
            "</section>",
        ]
    parts += [
        '<section id="closing">',
        f"<h2>{e(tr('Closing note: every verdict', lang))}</h2>",
        f"<table><thead><tr><th>#</th><th>{e(tr('Claim', lang))}</th><th>{e(tr('Verdict', lang))}</th>"
        f"<th>{e(tr('Figures, data and years', lang))}</th></tr></thead><tbody>",
    ]
    for claim in result.claims:
        cells = "<br>".join(
            e(figure_line(f, lang) + " (" + f.data_text(lang) + ")") for f in claim.figures
        )
        parts.append(
            f"<tr><td>{claim.number}</td><td>{e(tr(claim.title, lang))}</td>"
            f"<td>{e(verdict_text(claim.verdict, lang))}</td><td>{cells}</td></tr>"
        )
    parts += [
        "</tbody></table>",
        f'<p class="muted">{e(tr("The analysis took {seconds} seconds.", lang, seconds=fmt_number(float(s.get("seconds", 0.0)), lang, 1)))}</p>',
        "</section></main></body></html>",
    ]
    return "\n".join(parts)


def write_claims_report(result: Any, path: Path, lang: str = "kk") -> Path:
    """Render :func:`render_claims_report` and write it to ``path`` atomically."""
    return write_text_atomic(render_claims_report(result, lang), path)


__all__ = ["band_figure", "inequality_figure", "render_claims_report", "write_claims_report"]
