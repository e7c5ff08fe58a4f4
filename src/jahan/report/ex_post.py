"""The ex-post evaluation report: one self-contained HTML file (no scripts, no network), kk/ru/en.

Texts come from :mod:`jahan.analysis.text`, so the report and ``jahan evaluate`` say the same
thing; the welfare chart is inline SVG drawn here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jahan._i18n import check_lang, fmt_number, fmt_pct, group_label, tr
from jahan.analysis.text import case_labels, caveats, cell, outcome_labels, specification
from jahan.report.html import _version, template_environment
from jahan.report.io import write_text

_COLOURS = {"estimated": "#00618f", "reference": "#f2b705"}


def welfare_svg(result: Any, lang: str, width: int = 720) -> str:
    """Horizontal bars of the members' welfare effect with 5-95% whiskers, both cases."""
    codes = result.shown
    frame = result.countries
    cols = [f"welfare_pct_{c}{s}" for c in ("estimated", "reference") for s in ("", "_p05", "_p95")]
    values = frame.loc[codes, cols].to_numpy()
    lo, hi = min(0.0, float(values.min())), max(0.0, float(values.max()))
    span = (hi - lo) or 1.0
    left, right, row_h, bar_h = 170, 20, 36, 12
    plot_w = width - left - right
    height = 30 + row_h * len(codes)

    def x(v: float) -> float:
        return left + (v - lo) / span * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{tr("Welfare", lang)}" font-size="12">'
    ]
    zero = x(0.0)
    parts.append(
        f'<line x1="{zero:.1f}" y1="10" x2="{zero:.1f}" y2="{height - 10}" stroke="#888"/>'
    )
    for k, code in enumerate(codes):
        top = 20 + k * row_h
        parts.append(
            f'<text x="{left - 8}" y="{top + bar_h + 2}" text-anchor="end">'
            f"{_esc(result.name_of(code, lang))}</text>"
        )
        for m, case in enumerate(("estimated", "reference")):
            y = top + m * (bar_h + 2)
            c, a, b = (
                float(frame.at[code, f"welfare_pct_{case}{s}"]) for s in ("", "_p05", "_p95")
            )
            x0, x1 = sorted((zero, x(c)))
            parts.append(
                f'<rect x="{x0:.1f}" y="{y}" width="{max(x1 - x0, 0.5):.1f}" '
                f'height="{bar_h}" fill="{_COLOURS[case]}"><title>'
                f"{_esc(fmt_pct(c, lang, 2))}</title></rect>"
            )
            mid = y + bar_h / 2
            parts.append(
                f'<line x1="{x(a):.1f}" y1="{mid}" x2="{x(b):.1f}" y2="{mid}" '
                'stroke="#222" stroke-width="1.5"/>'
            )
    parts.append(f'<text x="{left}" y="{height - 2}">{_esc(fmt_pct(lo, lang, 2))}</text>')
    parts.append(
        f'<text x="{width - right}" y="{height - 2}" text-anchor="end">'
        f"{_esc(fmt_pct(hi, lang, 2))}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def _esc(text: str) -> str:
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def render_ex_post_report(result: Any, lang: str = "kk") -> str:
    """The report as an HTML string."""
    lang = check_lang(lang)
    cases = case_labels(result, lang)
    labels = outcome_labels(lang)
    frame = result.countries
    rows = []
    for code in result.shown:
        row = frame.loc[code]
        rows.append(
            {
                "name": f"{result.name_of(code, lang)} ({code})",
                "cells": [
                    (
                        labels[o],
                        cell(row, f"{o}_estimated", lang),
                        cell(row, f"{o}_reference", lang),
                    )
                    for o in labels
                ],
            }
        )
    trade = result.bloc_trade
    effects = result.effects
    effect_rows = [
        (
            cases[c],
            fmt_number(float(effects.at[c, "effect"]), lang, 4),
            fmt_number(float(effects.at[c, "se"]), lang, 4),
            str(effects.at[c, "source"]),
        )
        for c in ("estimated", "reference")
    ]
    template = template_environment().get_template("ex_post.html")
    return template.render(
        lang=lang,
        version=_version(),
        title=tr("{bloc}: what the union did, ex post", lang, bloc=group_label(result.bloc, lang)),
        cases=cases,
        rows=rows,
        trade=[cell(trade.loc[c], "trade_pct", lang, 1) for c in ("estimated", "reference")],
        effect_rows=effect_rows,
        specification=specification(result, lang),
        caveats=caveats(result, lang),
        chart=welfare_svg(result, lang),
        colours=_COLOURS,
        dropped=list(result.estimate.dropped_member_rows),
        settings=sorted((k, str(v)) for k, v in result.settings.items()),
        created=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def write_ex_post_report(result: Any, path: Path, lang: str = "kk") -> Path:
    """Render the report and write it to ``path`` atomically."""
    return write_text(render_ex_post_report(result, lang), Path(path))


__all__ = ["render_ex_post_report", "welfare_svg", "write_ex_post_report"]
