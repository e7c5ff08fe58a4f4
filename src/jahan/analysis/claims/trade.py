"""Estimates and general-equilibrium runs on the observed world for the trade claims (2, 3, 4, 6-8).
The EAEU estimate of claim 1 is the shared ex-post evaluation (:mod:`jahan.analysis.ex_post`).

Pure functions of a :class:`jahan.World` (no files are read here). Each returns plain numbers so
that the claim sections can state them with their bands.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from jahan.analysis.claims.verdict import Z90
from jahan.errors import DataWarning


def _quiet_fepois(formula: str, data: pd.DataFrame) -> Any:
    """PPML with CRV1 errors by pair; separated observations are dropped by the estimator and
    reported in the result (``dropped``), so the warning is not repeated to the reader here."""
    from jahan.estimate import fepois

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return fepois(formula, data=data, vcov={"CRV1": "pair_id"})


def _run_scenario(scenario: Any, world: Any, draws: int, seed: int) -> tuple[Any, bool]:
    """Run ``scenario``; return the result and whether its shocks cover pairs that already share
    an agreement in the baseline (a ScenarioWarning, which the claim section states as a note
    instead of letting it reach the reader as a bare warning)."""
    try:
        from jahan.errors import ScenarioWarning
    except ImportError:  # older installations have no such warning
        return scenario.run(world=world, draws=draws, seed=seed), False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScenarioWarning)
        out = scenario.run(world=world, draws=draws, seed=seed)
    overlap = False
    for w in caught:
        if issubclass(w.category, ScenarioWarning) and "already share an agreement" in str(
            w.message
        ):
            overlap = True
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return out, overlap


def scenario_band(
    name: str, world: Any, codes: list[str], *, draws: int, seed: int, reduce: str = "each"
) -> tuple[Any, dict[str, float]]:
    """Run a library scenario and return it with a welfare change (percent) and its band:
    ``reduce="each"`` gives that of ``codes[0]``, ``reduce="min"`` the smallest change among
    ``codes`` (central run, and per draw for the band). ``overlap`` says whether the scenario's
    shocks cover pairs that already share an agreement in the baseline."""
    from jahan.scenario import Scenario

    out, overlap = _run_scenario(Scenario.load(name), world, draws, seed)
    central = out.countries.loc[codes, "welfare_pct"]
    per_draw = out.draw_outputs("welfare_pct")[codes] if draws else central.to_frame().T
    if reduce == "min":
        value, spread = float(central.min()), per_draw.min(axis=1).to_numpy()
    else:
        value, spread = float(central.iloc[0]), per_draw.iloc[:, 0].to_numpy()
    return out, {
        "value": value,
        "low": float(np.percentile(spread, 5)),
        "high": float(np.percentile(spread, 95)),
        "overlap": overlap,
    }


def trade_moves(
    world: Any,
    country: str = "KAZ",
    members: list[str] | None = None,
    windows: tuple[tuple[int, int], ...] = ((2008, 2009), (2014, 2016)),
) -> pd.DataFrame:
    """Change of ``country``'s international trade (exports plus imports, current USD) in each
    window, against the changes of non-members.

    Returns a frame indexed by "start-end": country_change (log points), nonmember_median,
    nonmember_p05, nonmember_p95, relative (country minus the non-member median), low and high
    (country minus the non-members' 95th and 5th percentiles: the 90% placebo band), nonmembers.
    """
    years = sorted({y for w in windows for y in w})
    panel = world.trade_panel(years=years)
    panel = panel[panel["international"] == 1]
    exports = panel.groupby(["exporter", "year"])["value"].sum()
    imports = panel.groupby(["importer", "year"])["value"].sum()
    exports.index.names = imports.index.names = ["iso3", "year"]
    total = exports.add(imports, fill_value=0.0).unstack("year")
    member_set = set(members or [])
    rows = {}
    for start, end in windows:
        pos = total[(total[start] > 0) & (total[end] > 0)]
        change = np.log(pos[end] / pos[start])
        others = change.drop(index=[c for c in change.index if c in member_set or c == country])
        own = float(change[country])
        q05, q50, q95 = np.percentile(others.to_numpy(), [5, 50, 95])
        rows[f"{start}-{end}"] = {
            "start": start,
            "end": end,
            "country_change": own,
            "nonmember_median": float(q50),
            "nonmember_p05": float(q05),
            "nonmember_p95": float(q95),
            "relative": own - float(q50),
            "low": own - float(q95),
            "high": own - float(q05),
            "nonmembers": int(len(others)),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def shelter_model(
    world: Any, draws: int, seed: int, country: str = "KAZ"
) -> dict[str, float] | None:
    """The model's shelter figure: the difference in differences of crisis losses with and without
    the union (library scenarios global_crisis_with_eaeu / global_crisis_without_eaeu), paired
    draws. None while :func:`jahan.scenario.crisis_shelter` is not available in this installation.
    """
    try:
        from jahan.scenario import crisis_shelter  # type: ignore[attr-defined]
    except ImportError:
        return None
    from jahan.scenario import Scenario

    result = crisis_shelter(
        Scenario.load("global_crisis_with_eaeu"),
        Scenario.load("global_crisis_without_eaeu"),
        world,
        draws=draws,
        seed=seed,
    )
    row = result.countries.loc[country]
    return {
        "value": float(row["shelter"]),
        "low": float(row["shelter_p05"]),
        "high": float(row["shelter_p95"]),
        "loss_without": float(row["loss_without"]),
        "loss_with": float(row["loss_with"]),
        "draws": int(result.draws),
    }


def autarky_costs(world: Any, theta: float) -> pd.Series:
    """Welfare cost of autarky (percent of real income) by country, Arkolakis, Costinot and
    Rodriguez-Clare (2012): a closed economy's real income is ``lambda_jj^(1/theta)`` times the open
    one's, so the cost is ``100 (1 - lambda_jj^(1/theta))`` with ``lambda_jj`` the domestic share
    of expenditure. Exact in the one-sector model under balanced trade."""
    flows = world.flows
    exp_ = flows.groupby(level=1).sum()
    own = flows[flows.index.get_level_values(0) == flows.index.get_level_values(1)]
    own.index = own.index.get_level_values(1)
    share = (own / exp_.reindex(own.index)).clip(upper=1.0)
    return 100.0 * (1.0 - share ** (1.0 / theta))


def landlocked_gravity(world: Any, year: int | None = None) -> dict[str, float]:
    """How landlockedness shows in gravity: PPML on one year with domestic flows, exporter and
    importer fixed effects, log distance, contiguity, common language, an international-border
    dummy and ``international x landlocked`` (either side landlocked). Country fixed effects
    absorb a country's size; the interaction is identified against its domestic trade (Yotov et
    al. 2016, ch. 1). Errors clustered by pair. Returns the interaction in log points."""
    year = int(year or world.baseline_year)
    panel = world.trade_panel(years=[year])
    either = np.maximum(panel["landlocked_exporter"], panel["landlocked_importer"])
    panel = panel.assign(intl_landlocked=panel["international"] * either)
    est = _quiet_fepois(
        "value ~ ln_dist + contiguity + common_language + international + intl_landlocked"
        " | exporter + importer",
        panel,
    )
    coef, se = float(est.coef["intl_landlocked"]), float(est.se["intl_landlocked"])
    return {
        "coef": coef,
        "se": se,
        "low": coef - Z90 * se,
        "high": coef + Z90 * se,
        "nobs": int(est.nobs),
        "year": year,
    }


__all__ = [
    "autarky_costs",
    "landlocked_gravity",
    "scenario_band",
    "shelter_model",
    "trade_moves",
]
