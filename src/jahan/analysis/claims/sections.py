"""One function per claim: each takes the shared inputs and returns a sealed :class:`Claim`.

The sections are separate so that each can be rewired when the shared analysis it needs lands
(an ex-post bloc evaluation for claim 1, the crisis-shelter difference in differences for claim 2).
Every figure carries its 90% band and the direction the claim predicts; the verdict rules are in
:mod:`jahan.analysis.claims.verdict` and docs/claims.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jahan.analysis.claims import pwt_measures as pm
from jahan.analysis.claims import trade
from jahan.analysis.claims.result import Claim, Conditions, Precise
from jahan.analysis.claims.verdict import Z90, Figure

NAN = float("nan")
SCENARIOS = "src/jahan/scenario/library/"
CODE = "src/jahan/analysis/claims/"


@dataclass(frozen=True)
class Inputs:
    """What every section reads: the world, the PWT 9.1 panel, draws and seed."""

    world: Any
    pwt: pd.DataFrame
    draws: int
    seed: int
    language_shares: pd.DataFrame | None = None

    @property
    def eaeu(self) -> list[str]:
        return list(self.world.group("EAEU", year=self.world.baseline_year))


def claim_1(inp: Inputs) -> Claim:
    """Integration within the Customs Union / EAEU lifts Kazakhstan: the shared ex-post evaluation
    (:func:`jahan.analysis.evaluate_bloc`: three-way PPML on the observed panel, then the observed
    world against the same world without the union in GE)."""
    from jahan.analysis.ex_post import evaluate_bloc

    ev = evaluate_bloc("EAEU", world=inp.world, focus="KAZ", draws=inp.draws, seed=inp.seed)
    b = ev.estimate
    coef, se = float(b.effect), float(b.se)
    kaz = ev.countries.loc["KAZ"]
    years = f"{min(b.years)}-{max(b.years)}"
    figures = (
        Figure(
            "eaeu_trade_effect",
            "EAEU effect on members' trade",
            coef,
            coef - Z90 * se,
            coef + Z90 * se,
            "log points",
            +1,
            data="ITPD-E observed trade, every fourth year {years}",
            fill={"years": years},
        ),
        Figure(
            "eaeu_welfare_kaz",
            "Kazakhstan's welfare with the union, against none",
            kaz["welfare_pct_estimated"],
            kaz["welfare_pct_estimated_p05"],
            kaz["welfare_pct_estimated_p95"],
            "percent",
            +1,
            data="Built-in world, one-sector GE, trade elasticity 5",
        ),
    )
    notes: tuple[tuple[str, dict[str, Any]], ...] = (
        (
            "PPML with exporter-year, importer-year and pair fixed effects on {n} international "
            "flows; errors clustered by pair.",
            {"n": int(b.nobs)},
        ),
        (
            "The welfare figure removes the estimated effect from the observed baseline and reports "
            "the gain of having the union; {draws} draws of the effect.",
            {"draws": inp.draws},
        ),
    )
    return Claim(
        1,
        "eaeu_lifts_kazakhstan",
        "Integration in the Customs Union and the EAEU lifts Kazakhstan",
        figures,
        notes=notes,
        reproduce="src/jahan/analysis/ex_post.py (evaluate_bloc); `jahan evaluate EAEU`",
    )


def claim_2(inp: Inputs) -> Claim:
    """The Customs Union shelters Kazakhstan from global crises."""
    moves = trade.trade_moves(inp.world, "KAZ", inp.eaeu)
    figures = []
    for label, row in moves.iterrows():
        figures.append(
            Figure(
                f"kaz_trade_{label}",
                "Kazakhstan's trade change minus the non-member median, {period}",
                row["relative"],
                row["low"],
                row["high"],
                "log points",
                +1,
                data="ITPD-E observed trade, exports plus imports in current USD",
                fill={"period": str(label)},
            )
        )
    model = trade.shelter_model(inp.world, inp.draws, inp.seed)
    notes: list[tuple[str, dict]] = [
        (
            "The band is a placebo band: Kazakhstan's change minus the 95th and the 5th percentile of "
            "the changes of {n} non-member countries.",
            {"n": int(moves["nonmembers"].min())},
        ),
        (
            "Kazakhstan's trade fell {kaz} log points in 2008-2009; the median non-member's fell "
            "{other}.",
            {
                "kaz": -float(moves.iloc[0]["country_change"]),
                "other": -float(moves.iloc[0]["nonmember_median"]),
            },
        ),
    ]
    if model is None:
        figures.append(
            Figure(
                "shelter_model",
                "Model shelter: crisis loss without the union minus with it",
                NAN,
                NAN,
                NAN,
                "percent",
                +1,
                data="Built-in world, one-sector GE",
            )
        )
        notes.append(
            (
                "The model part (a difference in differences of crisis losses with and without "
                "the union, paired draws) is not available in this installation yet.",
                {},
            )
        )
    else:
        figures.append(
            Figure(
                "shelter_model",
                "Model shelter: crisis loss without the union minus with it",
                model["value"],
                model["low"],
                model["high"],
                "percent",
                +1,
                data="Built-in world, one-sector GE",
            )
        )
        notes.append(
            (
                "In the model Kazakhstan's crisis loss is {without} percent of real income "
                "without the union and {with_} with it (a negative loss is a gain; {draws} "
                "paired draws).",
                {
                    "without": Precise(model["loss_without"]),
                    "with_": Precise(model["loss_with"]),
                    "draws": model["draws"],
                },
            )
        )
    return Claim(
        2,
        "union_shelters_kazakhstan",
        "The Customs Union shelters Kazakhstan from global crises",
        tuple(figures),
        notes=tuple(notes),
        decide="Firm- or product-level trade of members and non-members through the crises",
        reproduce=CODE
        + "trade.py (trade_moves, shelter_model); "
        + SCENARIOS
        + "global_crisis_with_eaeu.toml, global_crisis_without_eaeu.toml",
    )


THETA_MEAN, THETA_SD = 5.0, 1.0
"""Trade elasticity for the autarky costs: 5 (Head and Mayer 2014's structural median is about 5),
its band from a normal spread of 1 (an assumption stated in docs/claims.md)."""


def claim_3(inp: Inputs) -> Claim:
    """Economically closed countries have no future."""
    costs = trade.autarky_costs(inp.world, THETA_MEAN)
    lo_theta, hi_theta = THETA_MEAN + Z90 * THETA_SD, THETA_MEAN - Z90 * THETA_SD
    # The cost falls as theta rises, so the high theta gives the low end of the band.
    low, high = trade.autarky_costs(inp.world, lo_theta), trade.autarky_costs(inp.world, hi_theta)
    og = pm.openness_growth(inp.pwt, inp.world.countries.index)
    table = pd.DataFrame({"cost_pct": costs, "cost_p05": low, "cost_p95": high}).sort_values(
        "cost_pct"
    )
    figures = (
        Figure(
            "autarky_cost_min",
            "Smallest welfare cost of autarky among all countries",
            float(costs.min()),
            float(low.min()),
            float(high.min()),
            "percent",
            +1,
            data="Built-in world {year}, domestic shares; Arkolakis, Costinot, Rodriguez-Clare (2012)",
            fill={"year": inp.world.baseline_year},
        ),
        Figure(
            "openness_growth",
            "Growth per 10 points of openness, conditional on 1970 income",
            og["slope"],
            og["slope"] - Z90 * og["se"],
            og["slope"] + Z90 * og["se"],
            "percentage points",
            +1,
            data="PWT 9.1, 1970-2017",
        ),
    )
    notes: tuple[tuple[str, dict[str, Any]], ...] = (
        (
            "Kazakhstan would lose {kaz} percent of real income in autarky; the median country {median}.",
            {"kaz": float(costs.get("KAZ", NAN)), "median": float(costs.median())},
        ),
        (
            "Openness and growth across {n} countries: a correlation, not a cause; open economies differ "
            "in many other ways.",
            {"n": og["countries"]},
        ),
    )
    return Claim(
        3,
        "closed_countries",
        "Economically closed countries have no future",
        figures,
        notes=notes,
        reproduce=CODE
        + "trade.py (autarky_costs); "
        + CODE
        + "pwt_measures.py (openness_growth); "
        + SCENARIOS
        + "kazakhstan_autarky.toml",
        _table=table,
    )


def claim_4(inp: Inputs) -> Claim:
    """No country can be confident in its future if its neighbours are poor."""
    _, kaz = trade.scenario_band(
        "neighbours_growth", inp.world, ["KAZ"], draws=inp.draws, seed=inp.seed
    )
    corr = pm.neighbour_growth_correlation(inp.pwt, inp.world.pairs["contiguity"], seed=inp.seed)
    figures = (
        Figure(
            "neighbours_growth_kaz",
            "Kazakhstan's welfare when Kyrgyzstan and Tajikistan grow 10%",
            kaz["value"],
            kaz["low"],
            kaz["high"],
            "percent",
            +1,
            data="Built-in world, one-sector GE, trade elasticity 5",
        ),
        Figure(
            "neighbour_growth_correlation",
            "Growth correlation of neighbours minus that of other pairs",
            corr["difference"],
            corr["p05"],
            corr["p95"],
            "correlation",
            +1,
            data="PWT 9.1, growth of real GDP per head, 1991-2017",
        ),
    )
    notes: tuple[tuple[str, dict[str, Any]], ...] = (
        (
            "Mean correlation {near} across {n} neighbouring pairs, {far} across other pairs; the band "
            "resamples pairs, which share countries, so it is too narrow rather than too wide.",
            {"near": corr["neighbours"], "far": corr["others"], "n": corr["neighbour_pairs"]},
        ),
    )
    return Claim(
        4,
        "poor_neighbours",
        "No country is secure if its neighbours are poor",
        figures,
        notes=notes,
        reproduce=SCENARIOS
        + "neighbours_growth.toml; "
        + CODE
        + "pwt_measures.py (neighbour_growth_correlation)",
    )


INEQUALITY_FIRST, INEQUALITY_LAST = 1960, 2017
"""Balanced panel for the verdict on claim 5: 1960 is the first year with more than 100 countries."""


def claim_5(inp: Inputs) -> Claim:
    """Competition increases the inequality of states; the North-South division."""
    countries = inp.world.countries
    series = pm.inequality_over_time(inp.pwt, countries["region"], by="region")
    by_income = pm.inequality_over_time(inp.pwt, countries["income_group"], by="income_group")
    # Income groups miss a few countries (the world gives none for them), so the share between
    # income groups is computed on the income-group series' own countries.
    series["between_income_share"] = by_income["theil_between"] / by_income["theil"]
    change = pm.theil_change(
        inp.pwt,
        countries.index,
        INEQUALITY_FIRST,
        INEQUALITY_LAST,
        draws=max(inp.draws, 200),
        seed=inp.seed,
    )
    data = "PWT 9.1 GDP per head (rgdpe / pop), balanced panel {a}-{b}"
    span = {"a": INEQUALITY_FIRST, "b": INEQUALITY_LAST}
    u, w = change.loc["unweighted"], change.loc["population_weighted"]
    last = series.loc[INEQUALITY_LAST]
    figures = (
        Figure(
            "theil_change",
            "Change in the Theil index across countries",
            u["change"],
            u["p05"],
            u["p95"],
            "index",
            +1,
            data=data,
            fill=span,
        ),
        Figure(
            "theil_weighted_change",
            "Change in the population-weighted Theil index",
            w["change"],
            w["p05"],
            w["p95"],
            "index",
            +1,
            data=data,
            fill=span,
        ),
        Figure(
            "north_south_share",
            "Share of inequality between income groups, 2017",
            last["between_income_share"],
            NAN,
            NAN,
            "share",
            0,
            counts=False,
            data="PWT 9.1, 2017",
        ),
    )
    notes: tuple[tuple[str, dict[str, Any]], ...] = (
        (
            "{n} countries have data in both {a} and {b}; the band resamples countries.",
            {"n": int(u["countries"]), "a": INEQUALITY_FIRST, "b": INEQUALITY_LAST},
        ),
        (
            "The series cover every country with data in each year: {first} in 1950, {last} in 2017, "
            "so early years describe fewer countries.",
            {"first": int(series.iloc[0]["countries"]), "last": int(last["countries"])},
        ),
        (
            "Inequality rising does not show that competition raised it: this is a trend, not a cause.",
            {},
        ),
    )
    return Claim(
        5,
        "inequality_of_states",
        "Competition widens the inequality of states; North and South",
        figures,
        notes=notes,
        reproduce=CODE + "pwt_measures.py (inequality_over_time, theil_change)",
        _series=series,
    )


OVERLAP_NOTE: tuple[str, dict[str, Any]] = (
    "The scenario's shock covers pairs that already share an agreement in the baseline year: its "
    "result is what the shock adds on top of them.",
    {},
)
"""Note for a library scenario whose shocks cover pairs the baseline already joins by agreement."""

TOP_POPULATION = 0.2
"""Claim 6: the share of the total gain taken by the fifth of the population that gains most per head."""


def top_share(gains_usd: np.ndarray, population: np.ndarray, top: float = TOP_POPULATION) -> float:
    """Share of the total positive gain taken by the ``top`` share of population that gains most
    per head (countries sorted by gain per head; the country at the boundary counts in part).
    Losses are left out of the total: they are not fruits."""
    gains = np.clip(np.asarray(gains_usd, float), 0.0, None)
    pop = np.asarray(population, float)
    total = gains.sum()
    if total <= 0:
        return NAN
    order = np.argsort(-gains / pop, kind="stable")
    g, p = gains[order], pop[order] / pop.sum()
    before = np.concatenate([[0.0], np.cumsum(p)[:-1]])
    part = np.clip((top - before) / p, 0.0, 1.0)
    return float((g * part).sum() / total)


def claim_6(inp: Inputs) -> Claim:
    """The gains of integration are divided unfairly: a minority takes the fruits."""
    from jahan.index.inequality import inequality_of_gains

    out, band = trade.scenario_band(
        "eaeu_customs_union", inp.world, ["KAZ"], draws=inp.draws, seed=inp.seed
    )
    countries = inp.world.countries
    codes = list(out.countries.index)
    gdp = countries.loc[codes, "gdp_usd"].to_numpy(float)
    pop = countries.loc[codes, "population"].to_numpy(float)
    central = out.countries["welfare_pct"].to_numpy(float)
    share = top_share(central / 100.0 * gdp, pop)
    draws = out.draw_outputs("welfare_pct").to_numpy(float) if inp.draws else central[None, :]
    shares = np.array([top_share(d / 100.0 * gdp, pop) for d in draws])
    members = [c for c in inp.eaeu if c in codes]
    m_idx = [codes.index(c) for c in members]
    m_share = top_share(central[m_idx] / 100.0 * gdp[m_idx], pop[m_idx])
    ineq = inequality_of_gains(
        out.countries["welfare_pct"], population=countries.loc[codes, "population"], members=members
    )
    figures = (
        Figure(
            "top_fifth_share",
            "Share of the world's gain taken by the fifth of people who gain most",
            share,
            float(np.percentile(shares, 5)),
            float(np.percentile(shares, 95)),
            "share",
            +1,
            threshold=0.5,
            data="Built-in world, EAEU customs union scenario",
        ),
        Figure(
            "members_top_fifth_share",
            "The same share among the union's members",
            m_share,
            NAN,
            NAN,
            "share",
            0,
            counts=False,
            data="Built-in world, EAEU customs union scenario",
        ),
    )
    notes: tuple[tuple[str, dict[str, Any]], ...] = (
        (
            "Gini of welfare changes across all countries {gini}; members gain {members} percent on "
            "average, outsiders {outsiders}.",
            {
                "gini": Precise(ineq.measures.at["gini", "unweighted"]),
                "members": float(ineq.members.at["members", "mean_pct"]),  # type: ignore[union-attr]
                "outsiders": float(ineq.members.at["outsiders", "mean_pct"]),  # type: ignore[union-attr]
            },
        ),
        (
            "Gains in dollars are welfare changes times GDP; the rule asks whether a fifth of the "
            "population takes more than half of them.",
            {},
        ),
    ) + ((OVERLAP_NOTE,) if band["overlap"] else ())
    return Claim(
        6,
        "unfair_division",
        "The gains of integration are divided unfairly",
        figures,
        notes=notes,
        reproduce=SCENARIOS + "eaeu_customs_union.toml; " + CODE + "sections.py (top_share)",
        _table=ineq.members,
    )


def claim_7(inp: Inputs) -> Claim:
    """Central Asian corridors break continental isolation."""
    ca5 = list(inp.world.group("CA5"))
    out, smallest = trade.scenario_band(
        "central_asia_corridor", inp.world, ca5, draws=inp.draws, seed=inp.seed, reduce="min"
    )
    gravity = trade.landlocked_gravity(inp.world)
    table = out.countries.loc[ca5, ["welfare_pct", "welfare_pct_p05", "welfare_pct_p95"]]
    figures = (
        Figure(
            "corridor_gain_min",
            "Smallest gain of the five Central Asian states from the corridor",
            smallest["value"],
            smallest["low"],
            smallest["high"],
            "percent",
            +1,
            data="Built-in world, one-sector GE; a 10% cost cut (s.e. 4) assumed",
        ),
        Figure(
            "landlocked_effect",
            "Landlocked penalty on international trade",
            gravity["coef"],
            gravity["low"],
            gravity["high"],
            "log points",
            -1,
            data="ITPD-E observed trade {year}, with domestic flows",
            fill={"year": gravity["year"]},
        ),
    )
    notes: tuple[tuple[str, dict[str, Any]], ...] = (
        (
            "Landlocked countries trade {pct} percent less across borders than comparable coastal ones "
            "(PPML, {n} flows).",
            {"pct": 100.0 * (1.0 - float(np.exp(gravity["coef"]))), "n": gravity["nobs"]},
        ),
        ("The size of the cost cut is an assumption of the scenario, not an estimate.", {}),
    )
    return Claim(
        7,
        "corridors",
        "Central Asian corridors break continental isolation",
        figures,
        notes=notes,
        reproduce=SCENARIOS
        + "central_asia_corridor.toml; "
        + CODE
        + "trade.py (landlocked_gravity)",
        _table=table,
    )


def claim_8(inp: Inputs) -> Claim:
    """The EurAsEC currency union."""
    from jahan.scenario import Scenario

    scenario = Scenario.load("eurasec_currency_union")
    shock = scenario.spec.shocks[0]
    effect, se = float(shock.effect), float(shock.se)  # type: ignore[union-attr, arg-type]
    _, kaz = trade.scenario_band(
        "eurasec_currency_union", inp.world, ["KAZ"], draws=inp.draws, seed=inp.seed
    )
    figures = (
        Figure(
            "currency_union_effect",
            "Currency-union effect on members' trade (assumed)",
            effect,
            effect - Z90 * se,
            effect + Z90 * se,
            "log points",
            +1,
            counts=False,
            data="Assumption of the scenario; Larch, Wanner, Yotov, Zylkin (2019)",
        ),
        Figure(
            "currency_union_welfare_kaz",
            "Kazakhstan's welfare under the assumed effect",
            kaz["value"],
            kaz["low"],
            kaz["high"],
            "percent",
            +1,
            counts=False,
            data="Built-in world, one-sector GE, trade elasticity 5",
        ),
    )
    notes: tuple[tuple[str, dict[str, Any]], ...] = (
        (
            "With PPML and three-way fixed effects, Larch, Wanner, Yotov and Zylkin (2019) find the "
            "average currency-union effect small and not significant; the effect here is assumed.",
            {},
        ),
        ("No EurAsEC currency union exists, so no observed trade can show its effect.", {}),
    ) + ((OVERLAP_NOTE,) if kaz["overlap"] else ())
    return Claim(
        8,
        "currency_union",
        "A EurAsEC currency union",
        figures,
        notes=notes,
        decide="Trade of countries that entered or left currency unions like the proposed one",
        reproduce=SCENARIOS + "eurasec_currency_union.toml",
    )


LANGUAGE_POLICY_YEAR, LANGUAGE_STATUS, LANGUAGE_UNTIL = 2030, 0.55, 2080
"""Claim 9's policy lever: the status of language A raised to 0.55 from 2030, projected to 2080."""


def claim_9(inp: Inputs) -> Claim:
    """The pressure on small languages: a model with synthetic data, never a measurement."""
    from jahan.culture import LanguagePolicy, fit_language_model, project
    from jahan.world import language_example

    shares = inp.language_shares if inp.language_shares is not None else language_example()
    fit = fit_language_model(
        shares, "minett-wang", draws=min(inp.draws, 20), seed=inp.seed, calibration=0
    )
    proj = project(
        fit, LanguagePolicy(LANGUAGE_POLICY_YEAR, status=LANGUAGE_STATUS), until=LANGUAGE_UNTIL
    )
    final = proj.final()
    base, pol = final.loc["baseline"], final.loc["policy"]
    figures = (
        Figure(
            "speakers_a_baseline",
            "Share speaking language A in 2080 without a policy",
            base["speakers_a"],
            base["speakers_a_lower"],
            base["speakers_a_upper"],
            "share",
            -1,
            counts=False,
            data="Synthetic series (Minett-Wang model), 1970-2020",
        ),
        Figure(
            "speakers_a_policy",
            "The same share with its status raised to 0.55 from 2030",
            pol["speakers_a"],
            pol["speakers_a_lower"],
            pol["speakers_a_upper"],
            "share",
            0,
            counts=False,
            data="Synthetic series (Minett-Wang model), 1970-2020",
        ),
    )
    notes: tuple[tuple[str, dict[str, Any]], ...] = (
        (
            "A model run on synthetic shares: it shows what the levers can do, not what is happening.",
            {},
        ),
    )
    return Claim(
        9,
        "small_languages",
        "Globalization presses on small languages",
        figures,
        notes=notes,
        decide="Census series of monolingual and bilingual speakers over several censuses",
        reproduce="src/jahan/culture/ (fit_language_model, project); `jahan language`",
        _series=proj.to_frame(),
    )


def claim_10(inp: Inputs) -> Claim:
    """The eleven conditions of integration: readiness of CA5 and the EAEU."""
    from jahan.index.readiness import readiness

    rows = []
    figures = []
    missing_by_bloc: dict[str, Conditions] = {}
    for bloc in ("CA5", "EAEU"):
        r = readiness(bloc, inp.world)
        missing = [c for c, row in r.conditions.iterrows() if row["source"] == "missing"]
        rows.append(
            {
                "bloc": bloc,
                "overall": r.overall,
                "measured": r.measured,
                "missing": ", ".join(missing),
            }
        )
        missing_by_bloc[bloc] = Conditions(missing)
        figures.append(
            Figure(
                f"readiness_{bloc.lower()}",
                "Overall readiness of {bloc}",
                r.overall,
                NAN,
                NAN,
                "index",
                0,
                counts=False,
                data="Built-in world {year}",
                fill={"bloc": bloc, "year": inp.world.baseline_year},
            )
        )
    table = pd.DataFrame(rows).set_index("bloc")
    notes = tuple(
        (
            "{bloc}: {n} of 11 conditions measured; missing: {missing}.",
            {"bloc": bloc, "n": int(row["measured"]), "missing": missing_by_bloc[str(bloc)]},
        )
        for bloc, row in table.iterrows()
    )
    return Claim(
        10,
        "conditions",
        "The eleven conditions of integration",
        tuple(figures),
        notes=notes,
        decide="Measures of the missing conditions for many blocs, and how far each bloc integrated",
        reproduce="src/jahan/index/readiness.py; `jahan readiness CA5`",
        _table=table,
    )


SECTIONS = (
    claim_1,
    claim_2,
    claim_3,
    claim_4,
    claim_5,
    claim_6,
    claim_7,
    claim_8,
    claim_9,
    claim_10,
)


__all__ = ["SECTIONS", "Inputs", "top_share", *[f"claim_{k}" for k in range(1, 11)]]
