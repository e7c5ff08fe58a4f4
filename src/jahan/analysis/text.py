"""Texts of the ex-post evaluation: specification, caveats and the summary table, in kk, ru, en.

The HTML report and the command line use the same sentences, so a reader sees one wording.
"""

from __future__ import annotations

from typing import Any

from jahan._i18n import check_lang, fmt_number, group_label, tr
from jahan._text import text_table
from jahan.scenario.result import band_text as cell  # "central [p05; p95]", as every result


def outcome_labels(lang: str) -> dict[str, str]:
    """Outcome column -> its label in ``lang``."""
    return {
        "welfare_pct": tr("Welfare", lang),
        "real_gdp_pct": tr("Real GDP", lang),
        "exports_pct": tr("Exports", lang),
        "imports_pct": tr("Imports", lang),
    }


def case_labels(result: Any, lang: str) -> dict[str, str]:
    """Case -> column heading, with the effect fed to the GE model."""
    return {
        "estimated": tr(
            "Estimated for {bloc}: {effect}",
            lang,
            bloc=group_label(result.bloc, lang),
            effect=fmt_number(result.estimate.effect, lang, 3),
        ),
        "reference": tr(
            "Average RTA effect: {effect}",
            lang,
            effect=fmt_number(result.reference_effect, lang, 3),
        ),
    }


def specification(result: Any, lang: str) -> list[str]:
    """Sentences stating the estimate, its specification and the GE set-up."""
    est = result.estimate
    s = result.settings
    lines = [
        tr(
            "Estimate: {coef} = {effect} (s.e. {se}, clustered by pair), N = {n}, years {years}.",
            lang,
            coef=est.coefficient,
            effect=fmt_number(est.effect, lang, 4),
            se=fmt_number(est.se, lang, 4),
            n=fmt_number(est.nobs, lang, 0),
            years=s["years"],
        ),
        tr(
            "Specification: PPML on international flows (ITPD-E, all industries, USD millions) with "
            "exporter-year, importer-year and pair fixed effects: {formula}.",
            lang,
            formula=est.formula,
        ),
        tr(
            "Dropped before fitting: {separated} separated and {singletons} singleton observations; "
            "rows of member pairs dropped: {lost}.",
            lang,
            separated=fmt_number(s["separated"], lang, 0),
            singletons=fmt_number(s["singletons"], lang, 0),
            lost=fmt_number(len(est.dropped_member_rows), lang, 0),
        ),
        tr(
            "GE: the observed world of {year} ({n} economies, domestic flows constructed) against the "
            "same world without {bloc} among {members}: t_ij^(-theta) times exp(-b) on members' pairs, "
            "theta = {theta}. Results are the bloc's effect in percent (observed minus without), "
            "[5th; 95th percentile] of {draws} draws of b from N(b, s.e.^2).",
            lang,
            year=s["baseline_year"],
            n=s["n_countries"],
            bloc=group_label(result.bloc, lang),
            members=", ".join(result.members),
            theta=fmt_number(s["trade_elasticity"], lang, 1),
            draws=s["draws"],
        ),
    ]
    if est.effect < 0:
        lines.append(
            tr(
                "The data give a negative effect: members traded less with each other, "
                "relative to their trade with others, after they joined. It is reported as "
                "it is.",
                lang,
            )
        )
    return lines


def caveats(result: Any, lang: str) -> list[str]:
    """What an economist would raise about the estimate and the counterfactual."""
    return [
        tr(
            "Oil price and rouble: from 2014 to 2016 the oil price fell by more than half and the rouble and the "
            "tenge lost about half their value. Exporter-year and importer-year effects absorb each "
            "country's shock, but not a shock that fell unevenly across its partners, such as "
            "Russia's recession on its neighbours' sales to it.",
            lang,
        ),
        tr(
            "Services are in the totals: the values sum all ITPD-E industries, services included, "
            "while the union's common tariff concerns goods.",
            lang,
        ),
        tr(
            "The 2010 common external tariff raised Kazakhstan's tariffs on imports from outside "
            "the union (World Bank 2012): part of any rise in members' trade is diverted from "
            "outsiders, and the GE model has no tariffs or tariff revenue.",
            lang,
        ),
        tr(
            "Membership is not random: pair fixed effects absorb constant ties (a shared Soviet "
            "past, language, pipelines), not trends in them; other agreements of the same years "
            "(the CIS free trade area of 2012, WTO accession of Russia in 2012 and Kazakhstan in "
            "2015) are not separated from the union.",
            lang,
        ),
        tr(
            "Measurement changed with the treatment: after the customs union removed its internal "
            "customs posts (July 2011), members' mutual trade is recorded from enterprise reports "
            "rather than customs declarations, so part of the change in recorded trade may be "
            "statistical.",
            lang,
        ),
        tr(
            "Domestic flows are constructed ({rule}); the GE baseline and its welfare changes rest "
            "on them.",
            lang,
            rule=result.settings.get("domestic", ""),
        ),
    ]


def summary_text(result: Any, lang: str = "en") -> str:
    """The summary of a :class:`jahan.analysis.BlocEvaluation` as plain text."""
    lang = check_lang(lang)
    frame = result.countries
    cases = case_labels(result, lang)
    labels = outcome_labels(lang)
    header = [tr("Country", lang), tr("Outcome", lang), cases["estimated"], cases["reference"]]
    rows = []
    for code in result.shown:
        row = frame.loc[code]
        for o, label in labels.items():
            rows.append(
                [
                    f"{result.name_of(code, lang)} ({code})" if o == "welfare_pct" else "",
                    label,
                    cell(row, f"{o}_estimated", lang),
                    cell(row, f"{o}_reference", lang),
                ]
            )
    trade = result.bloc_trade
    rows.append(
        [
            tr("Trade among the members", lang),
            "",
            *(cell(trade.loc[c], "trade_pct", lang, 1) for c in ("estimated", "reference")),
        ]
    )
    title = tr(
        "{bloc}: what the union did, ex post (observed world of {year} minus the world "
        "without it), percent [5th; 95th percentile]",
        lang,
        bloc=group_label(result.bloc, lang),
        year=result.settings["baseline_year"],
    )
    lines = [title, "", *text_table(header, rows), ""]
    lines += specification(result, lang)
    lines += ["", tr("Caveats:", lang)]
    lines += [f"- {c}" for c in caveats(result, lang)]
    return "\n".join(lines)


__all__ = ["case_labels", "caveats", "cell", "outcome_labels", "specification", "summary_text"]
