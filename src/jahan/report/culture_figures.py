"""Figures of language-shift dynamics: phase plane (or phase line) and projection with bands.

Figures are plotly objects; :func:`write_figure_html` writes one atomically with plotly.js embedded
(no network needed to open it).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import plotly.graph_objects as go

from jahan._i18n import fmt_number, tr
from jahan.culture import (
    AbramsStrogatz,
    LanguageFit,
    LanguageProjection,
    ModelSpec,
    fixed_points,
    simulate,
)

_COLORS = {"stable": "#1a9850", "unstable": "#d73027", "saddle": "#fc8d59", "non-hyperbolic": "#999999"}


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
            go.Scatter(x=obs, y=np.zeros(len(obs)), mode="markers", name=tr("observed shares", lang),
                       marker={"symbol": "line-ns-open", "size": 10})
        )
        for _, row in points.iterrows():
            fig.add_trace(
                go.Scatter(x=[row["monolingual_a"]], y=[0.0], mode="markers",
                           name=_stability_label(row["stability"], lang),
                           legendgroup=row["stability"], showlegend=_first(shown, row["stability"]),
                           marker={"size": 14, "color": _COLORS.get(row["stability"], "#000")})
            )
        fig.update_layout(xaxis_title=tr("share speaking A (x)", lang), yaxis_title="dx/dt")
    else:
        starts = [(x0, y0) for x0 in np.linspace(0.05, 0.9, 6) for y0 in np.linspace(0.05, 0.9, 6) if x0 + y0 < 0.98]
        years = np.linspace(0.0, 400.0 / max(spec.params["c"], 1e-3), 200)
        for i, (x0, y0) in enumerate(starts):
            path = simulate(spec, (x0, 1.0 - x0 - y0, y0), years)
            fig.add_trace(
                go.Scatter(x=path["monolingual_a"], y=path["monolingual_b"], mode="lines",
                           line={"color": "#bbbbbb", "width": 1}, showlegend=i == 0,
                           name=tr("trajectories", lang))
            )
        f = fit.series.frame
        fig.add_trace(go.Scatter(x=f["monolingual_a"], y=f["monolingual_b"], mode="markers+lines",
                                 name=tr("observed shares", lang)))
        for _, row in points.iterrows():
            fig.add_trace(
                go.Scatter(x=[row["monolingual_a"]], y=[row["monolingual_b"]], mode="markers",
                           name=_stability_label(row["stability"], lang),
                           legendgroup=row["stability"], showlegend=_first(shown, row["stability"]),
                           marker={"size": 14, "color": _COLORS.get(row["stability"], "#000")})
            )
        fig.update_layout(xaxis_title=tr("monolingual in A (x)", lang),
                          yaxis_title=tr("monolingual in B (y)", lang),
                          xaxis={"range": [0, 1]}, yaxis={"range": [0, 1]})
    fig.update_layout(title=tr("Phase plane of the {model} model", lang, model=fit.model))
    return fig


def projection_figure(projection: LanguageProjection, fit: LanguageFit | None = None, lang: str = "en") -> go.Figure:
    """Share speaking A (monolinguals plus bilinguals), baseline and policy, with bootstrap bands."""
    fig = go.Figure()
    names = {"baseline": tr("baseline", lang), "policy": tr("policy", lang)}
    colors = {"baseline": "#4575b4", "policy": "#d73027"}
    for scenario, part in projection.frame.groupby("scenario", sort=False):
        c = colors[str(scenario)]
        years = part["year"].to_numpy()
        fig.add_trace(
            go.Scatter(x=np.concatenate([years, years[::-1]]),
                       y=np.concatenate([part["speakers_a_upper"], part["speakers_a_lower"][::-1]]),
                       fill="toself", line={"width": 0}, fillcolor=c, opacity=0.2, hoverinfo="skip",
                       name=tr("{level} band", lang, level=f"{projection.level:.0%}"), showlegend=False)
        )
        fig.add_trace(go.Scatter(x=years, y=part["speakers_a"], mode="lines", line={"color": c},
                                 name=names[str(scenario)]))
    if fit is not None:
        f = fit.series.frame
        fig.add_trace(go.Scatter(x=f["year"], y=f["monolingual_a"] + f["bilingual"], mode="markers",
                                 name=tr("observed shares", lang), marker={"color": "#000"}))
    fig.add_vline(x=projection.policy.from_year, line_dash="dot")
    fig.update_layout(
        title=tr("Share speaking language A: baseline and policy", lang),
        xaxis_title=tr("year", lang),
        yaxis_title=tr("share speaking A", lang),
        yaxis={"range": [0, 1]},
    )
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
            "Share speaking A in {year}: {baseline} without the policy, {policy} with it.", lang,
            year=int(base["year"]), baseline=fmt_number(base["speakers_a"], lang, 3),
            policy=fmt_number(pol["speakers_a"], lang, 3),
        ),
        "columns": [tr("Parameter", lang), tr("Estimate", lang), tr("{level} interval", lang, level=f"{fit.level:.0%}")],
        "rows": rows,
        "note": tr("Intervals: profile likelihood. Bands: parametric bootstrap of the fit.", lang),
        "figures": [projection_figure(projection, fit, lang), phase_plane_figure(fit, lang)],
    }


def write_figure_html(fig: go.Figure, path: str | Path) -> Path:
    """Write ``fig`` to ``path`` as self-contained HTML (plotly.js embedded), atomically."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    html = fig.to_html(include_plotlyjs=True, full_html=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(html)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return target


__all__ = ["language_section", "phase_plane_figure", "projection_figure", "write_figure_html"]
