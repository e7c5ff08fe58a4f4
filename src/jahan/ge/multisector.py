"""Multi-sector general equilibrium with input-output links (Caliendo and Parro 2015).

:class:`MultiSectorGEModel` validates long DataFrames, calibrates the baseline and solves
tariff and trade-cost counterfactuals in changes; :class:`MultiSectorGEResult` holds the
answer. Equations, calibration and the welfare decomposition: docs/multisector.md.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from jahan._compat import _MISSING, deprecated, renamed
from jahan._i18n import fmt_pct, tr
from jahan._io import write_parquet_atomic
from jahan._result import FixedParameters, Result
from jahan._text import text_table
from jahan.errors import ConvergenceError, ConvergenceWarning, DataError, Message
from jahan.ge._ms_data import Calibration, calibrate, index_array
from jahan.ge._ms_solver import MultiSectorSolution, solve_multisector
from jahan.ge._ms_welfare import decompose

IMBALANCES = ("balanced", "fixed")
DEFICITS = ("zero", "fixed")
_DEFICITS_TO_IMBALANCES = {"zero": "balanced", "fixed": "fixed"}
_TABLES = ("countries", "sectors", "flows")


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    text = str(value).strip().lower()
    if text not in allowed:
        raise DataError(
            Message(
                "{name}={value!r}: use one of {allowed}.",
                name=name,
                value=value,
                allowed=", ".join(repr(a) for a in allowed),
            )
        )
    return text


def _pct(new: np.ndarray, old: np.ndarray) -> np.ndarray:
    return np.divide(100.0 * (new - old), old, out=np.zeros_like(new, dtype=float), where=old > 0)


@dataclass(frozen=True, eq=False)
class MultiSectorGEResult(Result):
    """Outcome of one multi-sector counterfactual (a sealed record: see :mod:`jahan._result`).

    Attributes
    ----------
    countries : DataFrame
        Indexed by ``country``: ``welfare_pct`` (exact change in real income, income
        including tariff revenue; the same definition as :class:`~jahan.GEModel`), its
        first-order decomposition ``terms_of_trade_pct``, ``volume_of_trade_pct`` (Caliendo
        and Parro; their published welfare is the sum of these two for tariff shocks),
        ``trade_cost_pct`` (direct effect of iceberg trade-cost changes) and
        ``decomposition_remainder_pct`` (welfare minus the three: higher-order terms),
        ``real_wage_pct``, ``price_index_pct``, ``wage_pct``, ``exports_pct``,
        ``imports_pct``, ``tariff_revenue_pct`` (change in revenue, percent of its baseline)
        and ``tariff_revenue_income_pct`` (change in revenue, percent of baseline income).
    sectors : DataFrame
        Indexed by (``country``, ``sector``): ``output_baseline``, ``output``, ``output_pct``,
        ``exports_baseline``, ``exports``, ``exports_pct``, ``imports_baseline``, ``imports``,
        ``imports_pct``, ``price_pct`` (sectoral price index), ``cost_pct`` (input-bundle cost),
        ``terms_of_trade_pct`` and ``volume_of_trade_pct`` (the sector's contribution to the
        country's totals).
    flows : DataFrame
        (exporter, importer, sector, baseline, counterfactual, change_pct), net of tariffs,
        including domestic sales (exporter = importer).
    converged, iterations, max_residual
        Solver diagnostics of the counterfactual.
    imbalances
        ``"balanced"`` (no aggregate deficits) or ``"fixed"`` (observed deficits).
    """

    countries: pd.DataFrame
    sectors: pd.DataFrame
    flows: pd.DataFrame
    converged: bool
    iterations: int
    max_residual: float
    imbalances: str

    @property
    def deficits(self) -> str:
        """Deprecated name of :attr:`imbalances` (``"zero"`` is ``"balanced"``)."""
        deprecated("MultiSectorGEResult.deficits", "use imbalances ('balanced' or 'fixed').")
        return "zero" if self.imbalances == "balanced" else "fixed"

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`countries` with the solver diagnostics as frame attributes."""
        out = self.countries.copy()
        out.attrs.update(
            converged=self.converged,
            iterations=self.iterations,
            max_residual=self.max_residual,
            imbalances=self.imbalances,
        )
        return out

    def summary(self, lang: str = "en", digits: int = 2) -> str:
        """A plain-text table of the country results, sorted by welfare change."""
        columns = {
            "welfare_pct": tr("Welfare", lang),
            "terms_of_trade_pct": tr("Terms of trade", lang),
            "volume_of_trade_pct": tr("Volume of trade", lang),
            "real_wage_pct": tr("Real wage", lang),
            "price_index_pct": tr("Price index", lang),
        }
        frame = self.countries.sort_values("welfare_pct", ascending=False)
        header = [tr("Country", lang), *columns.values()]
        rows = [
            [str(code), *(fmt_pct(frame.at[code, c], lang, digits) for c in columns)]
            for code in frame.index
        ]
        head = [
            tr(
                "Multi-sector counterfactual: {countries} countries, {sectors} sectors, "
                "imbalances {imbalances}",
                lang,
                countries=len(self.countries),
                sectors=self.sectors.index.get_level_values("sector").nunique(),
                imbalances=self.imbalances,
            ),
            tr(
                "Converged: {converged}; iterations: {iterations}; max residual: {residual}",
                lang,
                converged=self.converged,
                iterations=self.iterations,
                residual=f"{self.max_residual:.2e}",
            ),
            "",
        ]
        return "\n".join(head + text_table(header, rows))

    def to_parquet(self, path: str | os.PathLike[str], *, table: str = "countries") -> Path:
        """Write ``countries`` (default), ``sectors`` or ``flows`` to Parquet, atomically."""
        if table not in _TABLES:
            raise DataError(
                Message(
                    "table={table!r}: use one of {allowed}.",
                    table=table,
                    allowed=", ".join(map(repr, _TABLES)),
                )
            )
        frame = getattr(self, table)
        return write_parquet_atomic(frame, path)


@dataclass(frozen=True)
class _Baseline:
    data: Calibration
    record: MultiSectorSolution = field(repr=False)


class MultiSectorGEModel(FixedParameters):
    r"""Caliendo and Parro (2015) multi-sector model with input-output links and tariffs.

    Parameters
    ----------
    flows : DataFrame
        ``exporter, importer, sector, value``: trade net of tariffs. Sectors without
        international flows are non-tradable. Domestic sales (exporter = importer) may be
        given; where absent they are gross output minus exports (output raised to exports
        where it falls short).
    tariffs : DataFrame or None
        ``exporter, importer, sector, rate``: ad valorem rates (0.05 = 5 %); missing cells are 0.
    gross_output : DataFrame
        ``country, sector, value``. Its countries and sectors define the model.
    value_added_share : DataFrame
        ``country, sector, share``: value added over gross output, in (0, 1].
    io_shares : DataFrame
        ``country, input_sector, using_sector, share``: each using sector's column sums to 1
        (it may be empty where the value-added share is 1).
    trade_elasticity : Series
        theta by sector (a single number applies to all sectors).
    imbalances : {"balanced", "fixed"}
        ``"balanced"`` first solves the baseline without aggregate deficits and reports the
        counterfactual relative to it (the Caliendo-Parro headline case; the one-sector
        model's ``imbalances="balanced"``); ``"fixed"`` keeps the observed deficits (in units of
        world value added, the numeraire). ``deficits="zero"`` / ``"fixed"`` is the deprecated
        spelling.
    tol, max_iter, damping
        Solver settings: largest trade-balance gap relative to value added; outer iterations;
        initial wage step.
    on_nonconvergence : {"raise", "warn"}
        Raise :class:`~jahan.errors.ConvergenceError` (default) or warn with
        :class:`~jahan.errors.ConvergenceWarning` and return the last iterate.

    Examples
    --------
    >>> model = MultiSectorGEModel(flows, tariffs, gross_output, va, io, theta)  # doctest: +SKIP
    >>> result = model.simulate(tariffs=new_tariffs)                          # doctest: +SKIP
    >>> result.countries[["welfare_pct", "terms_of_trade_pct"]]               # doctest: +SKIP
    """

    def __init__(
        self,
        flows: pd.DataFrame,
        tariffs: pd.DataFrame | None,
        gross_output: pd.DataFrame,
        value_added_share: pd.DataFrame,
        io_shares: pd.DataFrame,
        trade_elasticity: pd.Series | float,
        imbalances: str = "balanced",
        *,
        tol: float = 1e-10,
        max_iter: int = 1_000,
        damping: float = 0.5,
        on_nonconvergence: str = "raise",
        deficits: str = _MISSING,
    ) -> None:
        if deficits is not _MISSING:
            old = _choice("deficits", deficits, DEFICITS)
            imbalances = renamed(
                "MultiSectorGEModel",
                "deficits",
                "imbalances",
                _DEFICITS_TO_IMBALANCES[old],
                imbalances,
            )
        elif imbalances in DEFICITS and imbalances != "fixed":
            # A positional "zero" (the old third-from-last argument) still means balanced.
            imbalances = renamed(
                "MultiSectorGEModel",
                "deficits",
                "imbalances",
                _DEFICITS_TO_IMBALANCES[imbalances],
                imbalances,
            )
        self.imbalances = _choice("imbalances", imbalances, IMBALANCES)
        self.on_nonconvergence = _choice("on_nonconvergence", on_nonconvergence, ("raise", "warn"))
        if not (np.isfinite(tol) and tol > 0):
            raise DataError(Message("tol must be a positive number, got {value!r}.", value=tol))
        if int(max_iter) < 1:
            raise DataError(Message("max_iter must be at least 1, got {value!r}.", value=max_iter))
        if not (0 < damping <= 1):
            raise DataError(Message("damping must be in (0, 1], got {value!r}.", value=damping))
        self.tol = float(tol)
        self.max_iter = int(max_iter)
        self.damping = float(damping)
        self._observed = calibrate(
            flows, tariffs, gross_output, value_added_share, io_shares, trade_elasticity
        )
        self._seal()  # parameters are fixed from here on (docs/ARCHITECTURE.md, results)

    @property
    def deficits(self) -> str:
        """Deprecated name of :attr:`imbalances` (``"zero"`` is ``"balanced"``)."""
        deprecated("MultiSectorGEModel.deficits", "use imbalances ('balanced' or 'fixed').")
        return "zero" if self.imbalances == "balanced" else "fixed"

    # -- labels --------------------------------------------------------------------------
    @property
    def countries(self) -> tuple[str, ...]:
        """Country codes in model order (sorted)."""
        return self._observed.countries

    @property
    def sectors(self) -> tuple[str, ...]:
        """Sector codes in model order (first appearance in ``gross_output``)."""
        return self._observed.sectors

    @property
    def trade_elasticity(self) -> pd.Series:
        """theta by sector."""
        return pd.Series(self._observed.theta, index=pd.Index(self.sectors, name="sector"))

    @property
    def final_demand_shares(self) -> pd.DataFrame:
        """alpha_n^j computed from the data, (sector x country)."""
        return pd.DataFrame(
            self._observed.alpha,
            index=pd.Index(self.sectors, name="sector"),
            columns=pd.Index(self.countries, name="country"),
        )

    # -- solving -------------------------------------------------------------------------
    def _solve(
        self,
        data: Calibration,
        tariff_new: np.ndarray,
        cost: np.ndarray,
        deficit: np.ndarray,
        what: str,
    ) -> MultiSectorSolution:
        record = solve_multisector(
            data.shares,
            data.tariff,
            tariff_new,
            cost,
            data.theta,
            data.va_share,
            data.io_cost,
            data.alpha,
            data.value_added,
            deficit,
            data.expenditure,
            tol=self.tol,
            max_iter=self.max_iter,
            damping=self.damping,
        )
        if not record.converged:
            stage = (
                Message("the multi-sector baseline did not converge")
                if what == "baseline"
                else Message("the multi-sector counterfactual did not converge")
            )
            text = Message(
                "{stage}: {iterations} iterations, largest trade-balance gap {gap:.3g} of value "
                "added (tol {tol:g}). Raise max_iter, lower damping (now {damping:g}) or check "
                "the shock for extreme values.",
                stage=stage,
                iterations=record.iterations,
                gap=record.max_residual,
                tol=self.tol,
                damping=self.damping,
            )
            if self.on_nonconvergence == "raise" or not np.isfinite(record.max_residual):
                raise ConvergenceError(text, record=record)
            warnings.warn(str(text), ConvergenceWarning, stacklevel=3)
        return record

    @cached_property
    def _baseline(self) -> _Baseline:
        """The baseline the counterfactual is measured from (solved once, then kept)."""
        obs = self._observed
        target = np.zeros_like(obs.deficit) if self.imbalances == "balanced" else obs.deficit
        ones = np.ones_like(obs.shares)
        record = self._solve(obs, obs.tariff, ones, target, "baseline")
        data = replace(
            obs,
            shares=record.shares,
            expenditure=record.expenditure,
            value_added=record.wage_hat * obs.value_added,
            deficit=target,
        )
        return _Baseline(data=data, record=record)

    @property
    def baseline(self) -> Calibration:
        """Baseline arrays after the deficit treatment (zero or observed deficits)."""
        return self._baseline.data

    def simulate(
        self,
        cost_change: pd.Series | pd.DataFrame | None = None,
        tariffs: pd.DataFrame | None = None,
    ) -> MultiSectorGEResult:
        """Solve a counterfactual relative to the baseline.

        Parameters
        ----------
        cost_change : Series or DataFrame, optional
            Multiplicative change in the trade-cost term (d_ni^j)^(-theta^j) (1 = no change),
            indexed by (exporter, importer) or (exporter, importer, sector), or a DataFrame with
            those columns and ``value``; 0 makes the pair prohibitive. The first argument, as
            in :meth:`GEModel.simulate`.
        tariffs : DataFrame, optional
            ``exporter, importer, sector, rate``: new rates for the listed cells (others keep
            their baseline rate). Without a ``sector`` column a row applies to every sector.
            Pass it by keyword.

        Returns
        -------
        MultiSectorGEResult
        """
        if isinstance(cost_change, pd.DataFrame) and "rate" in cost_change.columns:
            # The old order was simulate(tariffs, cost_change): a tariff table first is moved.
            deprecated(
                "MultiSectorGEModel.simulate(tariffs, ...) with tariffs first",
                "cost_change is now the first argument, as in GEModel.simulate; pass "
                "tariffs=... by keyword.",
            )
            cost_change, tariffs = tariffs, cost_change
        base = self._baseline.data
        tariff_new = base.tariff
        if tariffs is not None:
            tariff_new = index_array(
                tariffs, "tariffs", "rate", base.countries, base.sectors, base.tariff, low=-1.0
            )
            idx = np.arange(len(base.countries))
            if np.any(tariff_new[:, idx, idx] != 0):
                raise DataError(
                    Message("tariffs on domestic sales (exporter = importer) must be 0")
                )
        cost = np.ones_like(base.shares)
        if cost_change is not None:
            if isinstance(cost_change, pd.DataFrame):
                cost_change = cost_change.rename(columns={"value": "cost_change"})
            cost = index_array(
                cost_change,
                "cost_change",
                "cost_change",
                base.countries,
                base.sectors,
                cost,
                low=0.0,
                low_ok=True,
            )
        return self.simulate_arrays(tariff_new, cost)

    def simulate_arrays(self, tariffs: np.ndarray, cost_change: np.ndarray) -> MultiSectorGEResult:
        """Solve a counterfactual given as arrays in model order (for repeated solves).

        Parameters
        ----------
        tariffs : ndarray
            New ad valorem rates, shape (sectors, importers, exporters), in the order of
            :attr:`sectors` and :attr:`countries`; domestic cells must be 0.
        cost_change : ndarray
            Change in (d_ni^j)^(-theta^j), same shape, >= 0 (1 = no change, 0 = prohibitive).
        """
        base = self._baseline.data
        shape = base.shares.shape
        tariffs = np.asarray(tariffs, dtype=float)
        cost_change = np.asarray(cost_change, dtype=float)
        if tariffs.shape != shape or cost_change.shape != shape:
            raise DataError(
                Message(
                    "tariffs and cost_change must have shape {shape!r} (sectors, importers, "
                    "exporters); got {tariffs!r} and {cost_change!r}",
                    shape=shape,
                    tariffs=tariffs.shape,
                    cost_change=cost_change.shape,
                )
            )
        if not (np.all(np.isfinite(tariffs)) and np.all(tariffs > -1.0)):
            raise DataError(Message("tariffs must be finite and above -1"))
        if not (np.all(np.isfinite(cost_change)) and np.all(cost_change >= 0)):
            raise DataError(Message("cost_change must be finite and >= 0 (0 = prohibitive)"))
        record = self._solve(base, tariffs, cost_change, base.deficit, "counterfactual")
        return self._result(base, tariffs, cost_change, record)

    def _result(
        self,
        base: Calibration,
        tariff_new: np.ndarray,
        cost_factor: np.ndarray,
        record: MultiSectorSolution,
    ) -> MultiSectorGEResult:
        flows_base = base.net_flows()
        flows_new = record.shares * record.expenditure[:, :, None] / (1.0 + tariff_new)
        welfare = decompose(
            flows_base,
            flows_new,
            base.tariff,
            tariff_new,
            cost_factor,
            base.theta,
            record.cost_hat,
            record.price_hat,
            record.wage_hat,
            base.alpha,
            base.value_added,
            base.deficit,
        )
        n = len(base.countries)
        idx = np.arange(n)

        def trade(flows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            domestic = flows[:, idx, idx]
            exports = flows.sum(axis=1) - domestic  # (J, N) by exporter
            imports = flows.sum(axis=2) - domestic  # (J, N) by importer
            return exports + domestic, exports, imports

        out0, ex0, im0 = trade(flows_base)
        out1, ex1, im1 = trade(flows_new)
        rev0 = np.sum(base.tariff * flows_base, axis=(0, 2))
        rev1 = np.sum(tariff_new * flows_new, axis=(0, 2))
        # Revenue in units of baseline income, so a zero-tariff baseline still gives a number.
        revenue_change = 100.0 * (rev1 - rev0) / welfare.income_base
        countries = pd.DataFrame(
            {
                "welfare_pct": 100.0 * welfare.welfare,
                "terms_of_trade_pct": 100.0 * welfare.terms_of_trade,
                "volume_of_trade_pct": 100.0 * welfare.volume_of_trade,
                "trade_cost_pct": 100.0 * welfare.trade_cost,
                "decomposition_remainder_pct": 100.0 * welfare.remainder,
                "real_wage_pct": 100.0 * welfare.real_wage,
                "price_index_pct": 100.0 * welfare.price_index,
                "wage_pct": 100.0 * (record.wage_hat - 1.0),
                "exports_pct": _pct(ex1.sum(axis=0), ex0.sum(axis=0)),
                "imports_pct": _pct(im1.sum(axis=0), im0.sum(axis=0)),
                "tariff_revenue_pct": _pct(rev1, rev0),
                "tariff_revenue_income_pct": revenue_change,
            },
            index=pd.Index(base.countries, name="country"),
        )
        index = pd.MultiIndex.from_product(
            [base.countries, base.sectors], names=["country", "sector"]
        )

        def by_cs(a: np.ndarray) -> np.ndarray:
            return np.asarray(a).T.ravel()  # (J, N) -> country-major

        sectors = pd.DataFrame(
            {
                "output_baseline": by_cs(out0),
                "output": by_cs(out1),
                "output_pct": by_cs(_pct(out1, out0)),
                "exports_baseline": by_cs(ex0),
                "exports": by_cs(ex1),
                "exports_pct": by_cs(_pct(ex1, ex0)),
                "imports_baseline": by_cs(im0),
                "imports": by_cs(im1),
                "imports_pct": by_cs(_pct(im1, im0)),
                "price_pct": by_cs(100.0 * (record.price_hat - 1.0)),
                "cost_pct": by_cs(100.0 * (record.cost_hat - 1.0)),
                "terms_of_trade_pct": by_cs(100.0 * welfare.terms_of_trade_by_sector),
                "volume_of_trade_pct": by_cs(100.0 * welfare.volume_of_trade_by_sector),
            },
            index=index,
        )
        codes = np.asarray(base.countries, dtype=object)
        names = np.asarray(base.sectors, dtype=object)
        j = len(base.sectors)
        # flows[j, importer, exporter] -> rows (exporter, importer, sector)
        base_t = flows_base.transpose(2, 1, 0).ravel()
        new_t = flows_new.transpose(2, 1, 0).ravel()
        flows = pd.DataFrame(
            {
                "exporter": np.repeat(codes, n * j),
                "importer": np.tile(np.repeat(codes, j), n),
                "sector": np.tile(names, n * n),
                "baseline": base_t,
                "counterfactual": new_t,
                "change_pct": _pct(new_t, base_t),
            }
        )
        return MultiSectorGEResult(
            countries=countries,
            sectors=sectors,
            flows=flows,
            converged=record.converged,
            iterations=record.iterations,
            max_residual=record.max_residual,
            imbalances=self.imbalances,
        )

    def __repr__(self) -> str:
        return (
            f"MultiSectorGEModel({len(self.countries)} countries, {len(self.sectors)} sectors, "
            f"imbalances={self.imbalances!r})"
        )


__all__ = ["DEFICITS", "MultiSectorGEModel", "MultiSectorGEResult"]
