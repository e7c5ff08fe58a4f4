"""Figures of language-shift dynamics (phase plane or phase line, projection with bands) and the
language-shift report.

Figures are plotly objects; :func:`write_figure_html` writes one atomically with plotly.js embedded,
and :func:`write_language_report` writes one self-contained HTML report (no network needed to
open either).
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import plotly.graph_objects as go

from jahan._i18n import check_lang, fmt_number, plotly_separators, tr
from jahan._io import write_text_atomic
from jahan.culture import (
    AbramsStrogatz,
    LanguageFit,
    LanguageProjection,
    ModelSpec,
    fixed_points,
)
from jahan.culture.dynamics import batch_params, integrate_batch

_COLORS = {
    "stable": "#1a9850",
    "unstable": "#d73027",
    "saddle": "#fc8d59",
    "non-hyperbolic": "#999999",
}


def _stability_label(stability: str, lang: str) -> str:
    labels = {
        "stable": tr("stable", lang),
        "unstable": tr("unstable", lang),
        "saddle": tr("saddle", lang),
        "non-hyperbolic": tr("non-hyperbolic", lang),
    }
    return labels.get(stability, stability)


def _first(shown: set[str], key: str) -> bool:
    if key in shown:
        return False
    shown.add(key)
    return True


ARRIVAL_DISTANCE = 1e-3
"""Distance in the (monolingual A, monolingual B) plane at which a trajectory has reached an attractor."""

_HORIZON_RATE_UNITS = (400.0, 4_000.0, 40_000.0, 400_000.0)
"""Integration horizons tried in turn, in units of 1/c (years times the rate c)."""


def trajectories_to_rest(
    spec: ModelSpec, starts: list[tuple[float, float]], attractors: np.ndarray
) -> list[np.ndarray]:
    """Minett-Wang trajectories from ``starts`` (x, y), each run until it reaches an attractor.

    Near the all-bilingual corner (x = y = 0) the field vanishes like :math:`x^a`, so a trajectory
    starting close to it leaves it only after a time of order :math:`x_0^{1-a} / c`: no fixed
    horizon suits every ``a``. The horizon is therefore lengthened (400, 4,000, 40,000, 400,000
    times 1/c) until every trajectory is within :data:`ARRIVAL_DISTANCE` of one of ``attractors`` (the
    stable fixed points); with no attractor the first horizon is used. Times are spaced
    geometrically from 0.05/c (100 per decade), so the fast start of each path is drawn smoothly
    and the slow approach is not oversampled. Each path is cut at its first point within :data:`ARRIVAL_DISTANCE`.

    Parameters
    ----------
    spec
        A Minett-Wang model with its parameter values.
    starts
        Initial (monolingual A, monolingual B) shares.
    attractors
        Stable fixed points, shape (k, 2) in (monolingual A, monolingual B).

    Returns
    -------
    list of ndarray
        One array of shape (n_i, 2) per start: the path in (monolingual A, monolingual B).
    """
    attractors = np.asarray(attractors, dtype=float).reshape(-1, 2)
    rate = max(float(spec.params["c"]), 1e-12)
    initial = np.array(starts, dtype=float).T  # (2, batch)
    params = batch_params(spec.model, spec.params, initial.shape[1])
    for units in _HORIZON_RATE_UNITS:
        horizon = units / rate
        first = 0.05 / rate  # a twentieth of the model's time scale
        times = np.concatenate(
            [[0.0], np.geomspace(first, horizon, int(100 * np.log10(horizon / first)) + 2)]
        )
        states, _ = integrate_batch(spec.model, params, initial, 0.0, times)
        paths = np.clip(states, 0.0, 1.0)  # (time, 2, batch)
        if attractors.size:
            gaps = np.linalg.norm(
                paths[:, :, :, None] - attractors.T[None, :, None, :], axis=1
            ).min(axis=-1)
            arrived = gaps <= ARRIVAL_DISTANCE  # (time, batch)
        else:
            arrived = np.ones((times.size, initial.shape[1]), dtype=bool)
        if arrived[-1].all():
            break
    out = []
    for k in range(initial.shape[1]):
        hits = np.flatnonzero(arrived[:, k])
        stop = int(hits[0]) + 1 if attractors.size and hits.size else times.size
        out.append(paths[:stop, :, k])
    return out


def phase_plane_figure(fit: LanguageFit, lang: str = "en") -> go.Figure:
    """Phase plane of the fitted model with its fixed points and the observed path.

    Abrams-Strogatz: the phase line dx/dt against x. Minett-Wang: trajectories in the
    (monolingual A, monolingual B) triangle from a grid of starts.
    """
    cls = fit.model_class()
    est = {k: v for k, v in fit.estimate().items() if k in cls.symbols()}
    spec = ModelSpec(cls, est)
    points = fixed_points(spec)
    shown: set[str] = set()
    fig = go.Figure()
    if cls is AbramsStrogatz:
        x = np.linspace(0.0, 1.0, 401)
        params = {k: np.full(x.size, v) for k, v in spec.params.items()}
        dx = cls.rhs(x[None, :], params)[0]
        fig.add_trace(go.Scatter(x=x, y=dx, mode="lines", name=tr("rate of change dx/dt", lang)))
        obs = fit.series.frame["monolingual_a"] + fit.series.frame["bilingual"]
        fig.add_trace(
            go.Scatter(
                x=obs,
                y=np.zeros(len(obs)),
                mode="markers",
                name=tr("observed shares", lang),
                marker={"symbol": "line-ns-open", "size": 10},
            )
        )
        for _, row in points.iterrows():
            fig.add_trace(
                go.Scatter(
                    x=[row["monolingual_a"]],
                    y=[0.0],
                    mode="markers",
                    name=_stability_label(row["stability"], lang),
                    legendgroup=row["stability"],
                    showlegend=_first(shown, row["stability"]),
                    marker={"size": 14, "color": _COLORS.get(row["stability"], "#000")},
                )
            )
        fig.update_layout(xaxis_title=tr("share speaking A (x)", lang), yaxis_title="dx/dt")
    else:
        starts = [
            (x0, y0)
            for x0 in np.linspace(0.05, 0.9, 6)
            for y0 in np.linspace(0.05, 0.9, 6)
            if x0 + y0 < 0.98
        ]
        stable = points.loc[
            points["stability"] == "stable", ["monolingual_a", "monolingual_b"]
        ].to_numpy()
        for i, path in enumerate(trajectories_to_rest(spec, starts, stable)):
            # A dot marks where each trajectory starts, so its open end is not read as a stop.
            fig.add_trace(
                go.Scatter(
                    x=path[:, 0],
                    y=path[:, 1],
                    mode="lines+markers",
                    line={"color": "#bbbbbb", "width": 1},
                    marker={"color": "#999999", "size": [5] + [0] * (len(path) - 1)},
                    showlegend=i == 0,
                    name=tr("trajectories", lang),
                    hoverinfo="skip",
                )
            )
        f = fit.series.frame
        fig.add_trace(
            go.Scatter(
                x=f["monolingual_a"],
                y=f["monolingual_b"],
                mode="markers+lines",
                name=tr("observed shares", lang),
            )
        )
        for _, row in points.iterrows():
            fig.add_trace(
                go.Scatter(
                    x=[row["monolingual_a"]],
                    y=[row["monolingual_b"]],
                    mode="markers",
                    name=_stability_label(row["stability"], lang),
                    legendgroup=row["stability"],
                    showlegend=_first(shown, row["stability"]),
                    marker={"size": 14, "color": _COLORS.get(row["stability"], "#000")},
                )
            )
        fig.update_layout(
            xaxis_title=tr("monolingual in A (x)", lang),
            yaxis_title=tr("monolingual in B (y)", lang),
            xaxis={"range": [0, 1]},
            yaxis={"range": [0, 1]},
        )
    fig.update_layout(title=tr("Phase plane of the {model} model", lang, model=fit.model))
    fig.update_layout(separators=plotly_separators(lang))  # axes in the locale's symbols
    return fig


def projection_figure(
    projection: LanguageProjection, fit: LanguageFit | None = None, lang: str = "en"
) -> go.Figure:
    """Share speaking A (monolinguals plus bilinguals), baseline and policy, with bootstrap bands."""
    fig = go.Figure()
    names = {"baseline": tr("baseline", lang), "policy": tr("policy", lang)}
    colors = {"baseline": "#4575b4", "policy": "#d73027"}
    for scenario, part in projection.frame.groupby("scenario", sort=False):
        c = colors[str(scenario)]
        years = part["year"].to_numpy()
        fig.add_trace(
            go.Scatter(
                x=np.concatenate([years, years[::-1]]),
                y=np.concatenate([part["speakers_a_upper"], part["speakers_a_lower"][::-1]]),
                fill="toself",
                line={"width": 0},
                fillcolor=c,
                opacity=0.2,
                hoverinfo="skip",
                name=tr("{level} band", lang, level=f"{projection.level:.0%}"),
                showlegend=False,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=years,
                y=part["speakers_a"],
                mode="lines",
                line={"color": c},
                name=names[str(scenario)],
            )
        )
    if fit is not None:
        f = fit.series.frame
        fig.add_trace(
            go.Scatter(
                x=f["year"],
                y=f["monolingual_a"] + f["bilingual"],
                mode="markers",
                name=tr("observed shares", lang),
                marker={"color": "#000"},
            )
        )
    fig.add_vline(x=projection.policy.from_year, line_dash="dot")
    fig.update_layout(
        title=tr("Share speaking language A: baseline and policy", lang),
        xaxis_title=tr("year", lang),
        yaxis_title=tr("share speaking A", lang),
        yaxis={"range": [0, 1]},
    )
    fig.update_layout(separators=plotly_separators(lang))  # axes in the locale's symbols
    return fig


def language_section(fit: LanguageFit, projection: LanguageProjection, lang: str = "en") -> dict:
    """A report section (the dict shape the HTML report's sections use) for a fit and a projection.

    Keys: title, headline, columns, rows (one per parameter: symbol, estimate, interval), note,
    figures (projection and phase plane, plotly figures).
    """
    final = projection.final()
    base, pol = final.loc["baseline"], final.loc["policy"]
    rows = []
    for symbol, row in fit.params.iterrows():
        if row["fixed"]:
            interval = tr("fixed", lang)
        else:
            interval = f"[{fmt_number(row['lower'], lang, 4)}, {fmt_number(row['upper'], lang, 4)}]"
            if not row["identified"]:
                interval += " " + tr("(not identified)", lang)
        rows.append([str(symbol), fmt_number(row["estimate"], lang, 4), interval])
    return {
        "title": tr("Language shift: {model} model", lang, model=fit.model),
        "headline": tr(
            "Share speaking A in {year}: {baseline} without the policy, {policy} with it.",
            lang,
            year=int(base["year"]),
            baseline=fmt_number(base["speakers_a"], lang, 3),
            policy=fmt_number(pol["speakers_a"], lang, 3),
        ),
        "columns": [
            tr("Parameter", lang),
            tr("Estimate", lang),
            tr("{level} interval", lang, level=f"{fit.level:.0%}"),
        ],
        "rows": rows,
        "note": (
            tr(
                "Intervals: profile likelihood, threshold calibrated by the parametric bootstrap. "
                "Bands: parametric bootstrap of the fit.",
                lang,
            )
            if fit.record.critical
            else tr("Intervals: profile likelihood. Bands: parametric bootstrap of the fit.", lang)
        ),
        "figures": [projection_figure(projection, fit, lang), phase_plane_figure(fit, lang)],
    }


def write_figure_html(fig: go.Figure, path: str | Path) -> Path:
    """Write ``fig`` to ``path`` as self-contained HTML (plotly.js embedded), atomically."""
    return write_text_atomic(fig.to_html(include_plotlyjs=True, full_html=True), path)


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _figure_json(fig: go.Figure) -> str:
    """Figure JSON safe inside a <script> element."""
    return fig.to_json().replace("</", "<\\/")


def identification_notes(fit: LanguageFit, lang: str = "en") -> list[str]:
    """Translated warnings about the fit: parameters not identified, a fit that stopped early."""
    notes = []
    for symbol, row in fit.params.iterrows():
        if not row["fixed"] and not row["identified"]:
            notes.append(
                tr(
                    "Parameter {symbol} is not identified by these data: its profile stays under the "
                    "threshold out to the parameter's limit, or the data cannot separate it from other "
                    "parameters. Fix it (e.g. a = 1.31) or add data.",
                    lang,
                    symbol=str(symbol),
                )
            )
    if not fit.record.converged:
        notes.append(
            tr(
                "The least-squares fit stopped before convergence; read the estimates with caution.",
                lang,
            )
        )
    return notes


def policy_lines(projection: LanguageProjection, lang: str = "en") -> list[str]:
    """The policy levers, one translated line each."""
    p = projection.policy
    year = (
        str(int(p.from_year))
        if float(p.from_year).is_integer()
        else fmt_number(p.from_year, lang, 1)
    )
    lines = []
    if p.status is not None:
        lines.append(
            tr(
                "From {year}: status of language A, s = {value}",
                lang,
                year=year,
                value=fmt_number(p.status, lang, 3),
            )
        )
    if p.bilingual_acquisition is not None:
        lines.append(
            tr(
                "From {year}: bilingual acquisition of A by monolinguals of B, eps = {value} per year",
                lang,
                year=year,
                value=fmt_number(p.bilingual_acquisition, lang, 4),
            )
        )
    if p.transmission is not None:
        lines.append(
            tr(
                "From {year}: intergenerational transmission of bilingualism, tau = {value}",
                lang,
                year=year,
                value=fmt_number(p.transmission, lang, 3),
            )
        )
    if not lines:
        lines.append(tr("No lever is changed: the policy scenario is the baseline.", lang))
    return lines


_STYLE = """
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; margin: 0; color: #1d2330; background: #fafafa; }
header { background: #00618f; color: #fff; padding: 18px 32px; }
header h1 { margin: 0; font-size: 26px; }
main { max-width: 1180px; margin: 0 auto; padding: 12px 32px 40px 32px; }
section { background: #fff; border: 1px solid #dde2e8; border-radius: 6px; padding: 14px 20px; margin: 16px 0; }
h2 { font-size: 19px; margin: 4px 0 10px 0; color: #00618f; }
.notice { background: #fff6e0; border: 1px solid #e8c66a; border-radius: 6px; padding: 10px 16px; }
table { border-collapse: collapse; font-size: 14px; }
th, td { border-bottom: 1px solid #e4e8ee; padding: 5px 12px; text-align: left; }
th { background: #f0f4f8; }
.figure { width: 100%; height: 480px; }
.muted { color: #666; font-size: 13px; }
pre { background: #f5f5f5; padding: 8px; font-size: 12px; white-space: pre-wrap; }
"""


def render_language_report(
    fit: LanguageFit,
    projection: LanguageProjection,
    lang: str = "en",
    *,
    source: str = "",
    source_notes: list[str] | None = None,
    synthetic: bool = False,
) -> str:
    """The language-shift report as one self-contained HTML page (plotly.js embedded).

    Parameters
    ----------
    fit, projection
        The fit and the projection under a policy.
    lang
        "kk", "ru" or "en"; every label is translated.
    source
        Where the shares come from (a file name).
    source_notes
        The source statement of the data (e.g. the comment lines of the CSV), shown verbatim.
    synthetic
        True when the data are a synthetic example: the report says so at the top.
    """
    lang = check_lang(lang)
    sec = language_section(fit, projection, lang)
    e = html.escape
    title = tr("Language shift report", lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)} | jahan</title><style>{_STYLE}</style>",
        f"<script>{_plotly_js()}</script></head><body>",
        f'<header><h1 id="title">{e(title)}</h1></header><main>',
        f'<section id="data-source"><h2>{e(tr("Data source", lang))}</h2>',
    ]
    if synthetic:
        parts.append(
            f'<p class="notice" id="synthetic"><strong>{e(tr("Synthetic example", lang))}.</strong> '
            f"{e(tr('These shares were generated by a model with noise, not observed: they show the method, not a language.', lang))}</p>"
        )
    if source:
        parts.append(f"<p>{e(tr('File: {path}', lang, path=source))}</p>")
    if source_notes:
        parts.append(f"<pre>{e(chr(10).join(source_notes))}</pre>")
    elif not synthetic:
        parts.append(f'<p class="muted">{e(tr("The file gives no source statement.", lang))}</p>')
    parts.append("</section>")
    parts += [
        f'<section id="parameters"><h2>{e(tr("Fitted parameters", lang))}</h2>',
        f"<p>{e(sec['title'])}; "
        + e(
            tr(
                "{n} years; residual standard deviation {sigma}",
                lang,
                n=fit.nobs,
                sigma=fmt_number(fit.sigma, lang, 4),
            )
        )
        + "</p>",
        '<table id="parameters-table"><thead><tr>'
        + "".join(f"<th>{e(c)}</th>" for c in sec["columns"])
        + "</tr></thead><tbody>",
    ]
    for row in sec["rows"]:
        parts.append("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>")
    parts += ["</tbody></table>", f'<p class="muted">{e(sec["note"])}</p></section>']
    notes = identification_notes(fit, lang)
    parts.append(f'<section id="identification"><h2>{e(tr("Identification warnings", lang))}</h2>')
    if notes:
        parts.append("<ul>" + "".join(f'<li class="warning">{e(n)}</li>' for n in notes) + "</ul>")
    else:
        parts.append(
            f"<p>{e(tr('None: every fitted parameter is identified by the data.', lang))}</p>"
        )
    parts.append("</section>")
    parts += [
        f'<section id="policy"><h2>{e(tr("Policy", lang))}</h2><ul>',
        *(f"<li>{e(line)}</li>" for line in policy_lines(projection, lang)),
        f"</ul><p><strong>{e(sec['headline'])}</strong></p></section>",
    ]
    projection_fig, phase_fig = sec["figures"]
    for key, heading, fig in (
        ("projection", tr("Projection", lang), projection_fig),
        ("phase-plane", tr("Phase plane", lang), phase_fig),
    ):
        parts += [
            f'<section id="{key}-section"><h2>{e(heading)}</h2>',
            f'<div id="{key}" class="figure"></div>',
            f"<script>(function(){{var f = {_figure_json(fig)};"
            f'Plotly.newPlot("{key}", f.data, f.layout, {{displaylogo: false, responsive: true}});}})();</script>',
            "</section>",
        ]
    parts.append("</main></body></html>")
    return "\n".join(parts)


def write_language_report(
    fit: LanguageFit,
    projection: LanguageProjection,
    path: str | Path,
    lang: str = "en",
    **kwargs: object,
) -> Path:
    """Render :func:`render_language_report` and write it to ``path`` atomically."""
    return write_text_atomic(render_language_report(fit, projection, lang, **kwargs), path)  # type: ignore[arg-type]


__all__ = [
    "ARRIVAL_DISTANCE",
    "identification_notes",
    "language_section",
    "phase_plane_figure",
    "policy_lines",
    "projection_figure",
    "render_language_report",
    "trajectories_to_rest",
    "write_figure_html",
    "write_language_report",
]
