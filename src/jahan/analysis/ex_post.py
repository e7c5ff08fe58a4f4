"""Ex-post evaluation of a trade bloc: the observed world against the same world without it.

Two steps, both documented in docs/analysis.md:

1. The bloc's effect on its members' trade, :math:`\\hat\\beta`, is estimated from the observed
   panel by three-way PPML (:func:`jahan.estimate.bloc.estimate_bloc`).
2. The GE model (exact hat algebra, :class:`jahan.GEModel`) removes the bloc from the observed
   baseline: :math:`\\hat t_{ij}^{-\\theta} = \\exp(-\\beta)` for every ordered pair of members of
   the baseline year. With :math:`\\hat W` the welfare of the world without the bloc relative to
   the observed one, the bloc's effect is reported as observed relative to without,
   :math:`100\\,(1/\\hat W - 1)` percent (and the same for real GDP, exports and imports), so a
   positive number means the bloc raised it.

The bands are the 5th and 95th percentiles over draws of
:math:`\\beta \\sim N(\\hat\\beta, \\widehat{se}^2)` solved by the scenario draw machinery; the same
is done with the published average RTA effect (Yotov et al. 2016: 0.557, s.e. 0.056) the library
assumed before, side by side.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from jahan._result import Result, band_frame
from jahan.errors import DataError, Message, ModelledDataWarning
from jahan.estimate.bloc import BlocEstimate, estimate_bloc
from jahan.scenario.defaults import RTA_EFFECT_YOTOV_2016, RTA_SE_YOTOV_2016

OUTCOMES: tuple[str, ...] = ("welfare_pct", "real_gdp_pct", "exports_pct", "imports_pct")
"""GE outcomes reported for each country, as the bloc's effect in percent."""

CASES: tuple[str, ...] = ("estimated", "reference")
"""The two effects fed to the GE model: the panel estimate, and the published average RTA effect."""

LOW, HIGH = 5.0, 95.0


def observed_vs_without(without_pct: np.ndarray) -> np.ndarray:
    """The bloc's effect, observed relative to without, from the change without relative to observed.

    If removing the bloc changes an outcome by ``x`` percent (``Z_without = Z_obs (1 + x/100)``),
    the observed level relative to the level without it is ``1 / (1 + x/100)``.
    """
    return 100.0 * (100.0 / (100.0 + np.asarray(without_pct, dtype=float)) - 1.0)


def _band(central: np.ndarray, draws: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    if draws is None or draws.shape[0] == 0:
        return central.copy(), central.copy()
    lo, hi = np.percentile(draws, [LOW, HIGH], axis=0)
    return lo, hi


@dataclass(frozen=True, eq=False)
class BlocEvaluation(Result):
    """Result of :func:`evaluate_bloc` (read-only: accessors return copies).

    Attributes
    ----------
    bloc : str
        The group evaluated.
    focus : str
        The country the summary leads with.
    members : tuple of str
        Members in the baseline year (the pairs whose costs the GE model changes).
    estimate : BlocEstimate
        The panel estimate: ``effect``, ``se``, ``nobs``, ``years``, ``formula``.
    reference_effect, reference_se : float
        The published average RTA effect and its standard error, run side by side.
    countries : DataFrame
        Indexed by ISO3 (``country``), every country of the world: for each outcome ``o`` of
        :data:`OUTCOMES` and case ``c`` of :data:`CASES`, ``o_c`` (the effect at the central
        coefficient) and its band ``o_c_p05``, ``o_c_p95``, in percent, observed minus without.
    bloc_trade : DataFrame
        Indexed by case: the effect on trade among the members (``trade_pct``, ``_p05``, ``_p95``).
    settings : mapping
        Trade elasticity, draws, seed, baseline year, flows kind, domestic rule, solver record.
    """

    bloc: str
    focus: str
    members: tuple[str, ...]
    estimate: BlocEstimate
    reference_effect: float
    reference_se: float
    _countries: pd.DataFrame = field(repr=False)
    _bloc_trade: pd.DataFrame = field(repr=False)
    _names: pd.DataFrame = field(repr=False)
    _settings: dict = field(repr=False, default_factory=dict)

    @property
    def countries(self) -> pd.DataFrame:
        return self._countries.copy()

    @property
    def bloc_trade(self) -> pd.DataFrame:
        return self._bloc_trade.copy()

    @property
    def settings(self) -> MappingProxyType:
        return MappingProxyType(self._settings)

    @property
    def effects(self) -> pd.DataFrame:
        """The two coefficients fed to the GE model: case, effect, se, source."""
        return pd.DataFrame(
            {
                "effect": [self.estimate.effect, self.reference_effect],
                "se": [self.estimate.se, self.reference_se],
                "source": [
                    f"{self.estimate.formula}; "
                    f"{', '.join(str(y) for y in self.estimate.years)}; N = {self.estimate.nobs}",
                    "Yotov, Piermartini, Monteiro and Larch (2016), ch. 2, application 2",
                ],
            },
            index=pd.Index(list(CASES), name="case"),
        )

    @property
    def shown(self) -> list[str]:
        """Countries shown in the summary: the focus first, then the other members."""
        rest = [c for c in self.members if c != self.focus]
        return [self.focus, *rest]

    def name_of(self, code: str, lang: str = "en") -> str:
        """A country's name in ``lang`` (English, then the code, as fallbacks)."""
        for column in (f"name_{lang}", "name_en"):
            if code in self._names.index and column in self._names.columns:
                value = self._names.at[code, column]
                if isinstance(value, str) and value:
                    return value
        return code

    def to_frame(self) -> pd.DataFrame:
        """Long frame: country, outcome, case, effect (log points fed in), central, p05, p95."""
        effects = self.effects["effect"]
        columns = [
            (f"{o}_{case}", {"outcome": o, "case": case, "effect": float(effects[case])})
            for case in CASES
            for o in OUTCOMES
        ]
        return band_frame(self._countries, columns, self._settings)

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_frame` to Parquet atomically."""
        from jahan._io import write_parquet_atomic

        return write_parquet_atomic(self.to_frame(), Path(path), index=False)

    def summary(self, lang: str = "en") -> str:
        """The specification, the two effects and the members' GE results as a text table."""
        from jahan.analysis.text import summary_text

        return summary_text(self, lang)

    def report(self, path: str | os.PathLike[str], lang: str = "kk") -> Path:
        """Write the self-contained offline HTML report."""
        from jahan.report.ex_post import write_ex_post_report

        return write_ex_post_report(self, Path(path), lang=lang)

    def __repr__(self) -> str:
        return (
            f"BlocEvaluation({self.bloc!r}, effect={self.estimate.effect:.4f} "
            f"(se {self.estimate.se:.4f}), N={self.estimate.nobs}, "
            f"{self._settings.get('draws')} draws)"
        )


def _scenario(
    bloc: str,
    members: Sequence[str],
    case: str,
    effect: float,
    se: float,
    trade_elasticity: float,
    focus: str,
) -> Any:
    from jahan.scenario.scenario import Scenario
    from jahan.scenario.schema import AgreementShock, ModelSettings, ScenarioMeta, ScenarioSpec

    spec = ScenarioSpec(
        scenario=ScenarioMeta(name=f"{bloc} removed ({case} effect)", focus=[focus]),
        model=ModelSettings(
            trade_elasticity=float(trade_elasticity), closure="full", imbalances="fixed"
        ),
        shocks=[
            AgreementShock(
                type="agreement",
                members=list(members),
                kind="custom",
                action="leave",
                effect=float(effect),
                se=float(se),
            )
        ],
    )
    return Scenario(spec, source=f"<{bloc} ex post, {case}>")


def _run_case(scenario: Any, world: Any, draws: int, seed: int, workers: int | None) -> dict:
    run = scenario.run(world, draws=draws, seed=seed, workers=workers)
    frame = run.countries
    out: dict[str, Any] = {"run": run}
    for o in OUTCOMES:
        central = observed_vs_without(frame[o].to_numpy())
        drawn = observed_vs_without(run.draw_outputs(o).to_numpy()) if run.draws else None
        lo, hi = _band(central, drawn)
        out[o] = (central, lo, hi)
    shock = run.shocks.iloc[0]
    # The transform is decreasing, so the band's ends swap.
    out["trade"] = tuple(
        float(observed_vs_without(shock[c]))
        for c in ("trade_pct", "trade_pct_p95", "trade_pct_p05")
    )
    out["index"] = frame.index
    return out


def evaluate_bloc(
    bloc: str = "EAEU",
    *,
    world: Any = None,
    years: Sequence[int] | None = None,
    focus: str = "KAZ",
    draws: int = 500,
    seed: int = 1,
    trade_elasticity: float = 5.0,
    reference_effect: float = round(RTA_EFFECT_YOTOV_2016, 3),
    reference_se: float = round(RTA_SE_YOTOV_2016, 3),
    workers: int | None = 1,
) -> BlocEvaluation:
    """Estimate a bloc's trade effect from the observed panel and evaluate it ex post in GE.

    Parameters
    ----------
    bloc : str
        A group of the world ("EAEU"); an unknown name is a DataError suggesting the nearest.
    world : World, optional
        The observed world (default ``World.builtin()``, 2016). Its panel gives the estimate and
        its baseline flows the GE counterfactual.
    years : sequence of int, optional
        Panel years (default 2000, 2004, 2008, 2012, 2016).
    focus : str
        Country the summary leads with (ISO3).
    draws, seed : int
        Draws of the coefficient from N(estimate, se^2) (and of the reference effect) and seed.
    trade_elasticity : float
        theta of the GE model (the library's default, 5).
    reference_effect, reference_se : float
        The published average RTA effect run side by side (Yotov et al. 2016: 0.557, 0.056).
    workers : int, optional
        Local processes for the draws (1 = this process).

    Returns
    -------
    BlocEvaluation

    Raises
    ------
    DataError
        Unknown bloc or focus country, years outside 2000-2016, a bloc whose membership never
        changes within the years (not identified), fewer than two members in the baseline year.
    """
    if world is None:
        from jahan.world import World

        world = World.builtin()
    if int(draws) < 0:
        raise DataError(Message("draws={draws!r} must be >= 0", draws=draws))
    if not trade_elasticity > 0:
        raise DataError(
            Message("trade_elasticity={theta!r} must be positive (e.g. 5)", theta=trade_elasticity)
        )
    focus = world._code(focus)  # DataError naming the unknown code
    est = estimate_bloc(world, bloc, years=years)
    year = world.baseline_year
    members = tuple(world.group(est.bloc, year=year))
    if len(members) < 2:
        raise DataError(
            Message(
                "bloc {bloc!r} has fewer than two members in the baseline year {year} "
                "({members}); there is nothing to remove",
                bloc=est.bloc,
                year=year,
                members=", ".join(members) or Message("none"),
            )
        )
    if world.flows_kind != "observed":
        warnings.warn(
            "the baseline flows are modelled, not observed: the ex-post evaluation "
            "compares against an invented world",
            ModelledDataWarning,
            stacklevel=2,
        )

    runs = {}
    for case, (b, s) in {
        "estimated": (est.effect, est.se),
        "reference": (float(reference_effect), float(reference_se)),
    }.items():
        sc = _scenario(est.bloc, members, case, b, s, trade_elasticity, focus)
        runs[case] = _run_case(sc, world, int(draws), int(seed), workers)

    index = runs["estimated"]["index"]
    countries = pd.DataFrame(index=pd.Index(index, name="country"))
    for case in CASES:
        for o in OUTCOMES:
            central, lo, hi = runs[case][o]
            countries[f"{o}_{case}"] = central
            countries[f"{o}_{case}_p05"] = lo
            countries[f"{o}_{case}_p95"] = hi
    if not np.isfinite(countries.to_numpy()).all():
        raise DataError(
            Message("the GE results contain non-finite values; check the baseline flows")
        )
    bloc_trade = pd.DataFrame(
        [runs[c]["trade"] for c in CASES],
        columns=["trade_pct", "trade_pct_p05", "trade_pct_p95"],
        index=pd.Index(list(CASES), name="case"),
    )
    central_run = runs["estimated"]["run"]
    names = world.countries[
        [c for c in ("name_en", "name_ru", "name_kk") if c in world.countries.columns]
    ].copy()
    settings = {
        "trade_elasticity": float(trade_elasticity),
        "draws": int(central_run.draws),
        "seed": int(seed),
        "baseline_year": int(year) if year is not None else 0,
        "flows_kind": world.flows_kind,
        "domestic": str(world.meta.get("domestic", "")),
        "domestic_rule": str(world.meta.get("domestic_rule", "") or ""),
        "n_countries": len(index),
        "nobs": est.nobs,
        "years": ", ".join(str(y) for y in est.years),
        "formula": est.formula,
        "clusters": "pair_id",
        "separated": int(est.estimate.dropped.separated),
        "singletons": int(est.estimate.dropped.singletons),
        "ppml_iterations": int(est.estimate.iterations),
        "ppml_converged": bool(est.estimate.converged),
        "central_converged": bool(
            central_run.settings["central_converged"]
            and runs["reference"]["run"].settings["central_converged"]
        ),
        "central_max_residual": max(
            float(runs[c]["run"].settings["central_max_residual"]) for c in CASES
        ),
    }
    return BlocEvaluation(
        bloc=est.bloc,
        focus=focus,
        members=members,
        estimate=est,
        reference_effect=float(reference_effect),
        reference_se=float(reference_se),
        _countries=countries,
        _bloc_trade=bloc_trade,
        _names=names,
        _settings=settings,
    )


__all__ = ["CASES", "OUTCOMES", "BlocEvaluation", "evaluate_bloc", "observed_vs_without"]
