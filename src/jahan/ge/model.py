"""One-sector general-equilibrium model of trade: exact hat algebra with labels.

:class:`GEModel` validates a baseline of bilateral flows once; :meth:`GEModel.simulate` solves a
counterfactual and returns an immutable :class:`GEResult`. Equations and definitions: docs/ge.md.
"""

from __future__ import annotations

import difflib
import os
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from jahan._i18n import fmt_pct, tr
from jahan._io import write_parquet_atomic
from jahan._result import FixedParameters, Result
from jahan._text import text_table
from jahan.errors import ConvergenceError, ConvergenceWarning, DataError, Message
from jahan.ge._labels import (
    baseline_matrix,
    country_vector,
    flows_frame,
    shock_matrix,
)
from jahan.ge._labels import pairs_text as _pairs_text
from jahan.ge._ms_welfare import decompose_one_sector
from jahan.ge._solver import HatSolution, conditional_hat, solve_hat

CLOSURES = ("full", "conditional")
IMBALANCES = ("fixed", "multiplicative", "balanced")
COUNTRY_COLUMNS = (
    "welfare_pct",
    "real_gdp_pct",
    "factory_price_pct",
    "price_index_pct",
    "terms_of_trade_pct",
    "volume_of_trade_pct",
    "trade_cost_pct",
    "decomposition_remainder_pct",
    "tariff_revenue_income_pct",
    "exports_pct",
    "imports_pct",
    "domestic_trade_pct",
    "output_pct",
    "expenditure_pct",
)
FLOW_COLUMNS = ("exporter", "importer", "baseline", "counterfactual", "change_pct")
_COUNTRY_INDEX = pd.Index(COUNTRY_COLUMNS)  # built once: pandas indexes are immutable


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value in allowed:
        return value
    near = difflib.get_close_matches(str(value), allowed, n=1)
    if near:
        raise DataError(
            Message(
                "{name}={value!r} is not allowed: use one of {allowed}. Did you mean {near!r}?",
                name=name,
                value=value,
                allowed=", ".join(allowed),
                near=near[0],
            )
        )
    raise DataError(
        Message(
            "{name}={value!r} is not allowed: use one of {allowed}.",
            name=name,
            value=value,
            allowed=", ".join(allowed),
        )
    )


@dataclass(frozen=True, eq=False)
class GEResult(Result):
    """Outcome of one counterfactual (immutable).

    Attributes
    ----------
    countries : DataFrame
        Indexed by ISO3 code (index name ``country``), columns ``welfare_pct`` (real income
        including tariff revenue), ``real_gdp_pct``, ``factory_price_pct``,
        ``price_index_pct``, the welfare decomposition ``terms_of_trade_pct``,
        ``volume_of_trade_pct``, ``trade_cost_pct``, ``decomposition_remainder_pct`` (they
        add up to ``welfare_pct``), ``tariff_revenue_income_pct`` (change in tariff revenue,
        percent of baseline income), ``exports_pct``, ``imports_pct``,
        ``domestic_trade_pct``, ``output_pct``, ``expenditure_pct`` (percent changes;
        definitions in docs/ge.md). Flows are net of tariffs.
    converged, iterations, max_residual
        Solver diagnostics.
    closure, imbalances, trade_elasticity
        The model settings that produced the result.
    flows : DataFrame
        (property) exporter, importer, baseline, counterfactual, change_pct.
    """

    countries: pd.DataFrame
    converged: bool
    iterations: int
    max_residual: float
    closure: str
    imbalances: str
    trade_elasticity: float
    _codes: tuple[str, ...] = field(repr=False, compare=False)
    _baseline: np.ndarray = field(repr=False, compare=False)
    _solution: HatSolution = field(repr=False, compare=False)

    @cached_property
    def _counterfactual(self) -> np.ndarray:
        """Counterfactual flows (N, N), formed on first use from the solver's factors."""
        flows = self._solution.flows
        flows.setflags(write=False)
        return flows

    @cached_property
    def flows(self) -> pd.DataFrame:
        """Bilateral flows: exporter, importer, baseline, counterfactual, change_pct."""
        n = len(self._codes)
        codes = np.asarray(self._codes, dtype=object)
        base = self._baseline.ravel()
        new = self._counterfactual.ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            change = np.where(base > 0, 100.0 * (new / base - 1.0), 0.0)
        return pd.DataFrame(
            {
                "exporter": np.repeat(codes, n),
                "importer": np.tile(codes, n),
                "baseline": base,
                "counterfactual": new,
                "change_pct": change,
            }
        )

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`countries` with the solver diagnostics as frame attributes."""
        out = self.countries.copy()
        out.attrs.update(
            converged=self.converged,
            iterations=self.iterations,
            max_residual=self.max_residual,
            closure=self.closure,
            imbalances=self.imbalances,
            trade_elasticity=self.trade_elasticity,
        )
        return out

    def summary(self, lang: str = "en", digits: int = 3) -> str:
        """A plain-text table of the main country results, sorted by welfare change."""
        columns = {
            "welfare_pct": tr("Welfare", lang),
            "real_gdp_pct": tr("Real GDP", lang),
            "terms_of_trade_pct": tr("Terms of trade", lang),
            "exports_pct": tr("Exports", lang),
            "imports_pct": tr("Imports", lang),
        }
        frame = self.countries.sort_values("welfare_pct", ascending=False)
        header = [tr("Country", lang), *columns.values()]
        rows = [
            [code, *(fmt_pct(frame.at[code, c], lang, digits) for c in columns)]
            for code in frame.index
        ]
        lines = [
            tr(
                "GE counterfactual: closure {closure}, imbalances {imbalances}, trade elasticity "
                "{theta}",
                lang,
                closure=self.closure,
                imbalances=self.imbalances,
                theta=self.trade_elasticity,
            ),
            tr(
                "Converged: {converged}; iterations: {iterations}; max residual: {residual}",
                lang,
                converged=self.converged,
                iterations=self.iterations,
                residual=f"{self.max_residual:.2e}",
            ),
            "",
            *text_table(header, rows),
        ]
        return "\n".join(lines)

    def to_parquet(self, path: str | os.PathLike[str], *, table: str = "countries") -> Path:
        """Write ``countries`` (default) or ``flows`` to a Parquet file, atomically.

        The file is written to a temporary name in the same folder and moved into place, so a
        reader never sees a half-written file.
        """
        if table not in ("countries", "flows"):
            raise DataError(Message("table={table!r}: use 'countries' or 'flows'.", table=table))
        frame = self.countries if table == "countries" else self.flows
        return write_parquet_atomic(frame, path)


class GEModel(FixedParameters):
    """One-sector structural gravity model solved in changes (exact hat algebra).

    Parameters
    ----------
    flows : DataFrame, Series or World
        Baseline bilateral flows, domestic flows included: a long frame with columns
        ``exporter, importer, value``; a Series indexed by (exporter, importer); or any object
        with a ``flows_frame()`` method returning such a frame (a :class:`jahan.World`).
    trade_elasticity : float
        ``theta > 0``, the elasticity of trade to ``t_ij`` (``sigma - 1`` for Armington).
    closure : {"full", "conditional"}
        ``"full"``: factory-gate prices adjust to clear markets. ``"conditional"``: factory-gate
        prices and expenditure stay at baseline; only consumer prices and trade shares adjust.
    imbalances : {"fixed", "multiplicative", "balanced"}
        ``"fixed"``: ``E'_j = w_j Y_j + D_j`` (``ge_gravity``'s default); ``"multiplicative"``:
        ``E'_j = w_j E_j``; ``"balanced"``: first move the baseline to the equilibrium with
        ``D_j = 0`` (Dekle, Eaton and Kortum 2007), then simulate from there.
    tol, max_iter
        Convergence criterion (largest log market-clearing gap) and solver iterations allowed
        (accelerated fixed-point and Newton steps together).
    tariffs : DataFrame or Series, optional
        Baseline ad valorem tariffs (0.05 = 5 %) by (exporter, importer): a long frame
        ``exporter, importer, rate`` or a Series on (exporter, importer); missing pairs are 0.
        ``flows`` are then net of tariffs and tariff revenue is returned to the importer's
        households (docs/ge.md).
    on_nonconvergence : {"raise", "warn"}
        Raise :class:`~jahan.errors.ConvergenceError` or return the result flagged
        ``converged=False`` with a :class:`~jahan.errors.ConvergenceWarning`.

    Examples
    --------
    >>> m = GEModel(flows, trade_elasticity=4.0)                          # doctest: +SKIP
    >>> r = m.simulate(pd.Series({("KAZ", "RUS"): 1.2, ("RUS", "KAZ"): 1.2}))  # doctest: +SKIP
    >>> r.countries.loc["KAZ", "welfare_pct"]                              # doctest: +SKIP
    """

    def __init__(
        self,
        flows: object,
        trade_elasticity: float,
        closure: str = "full",
        imbalances: str = "fixed",
        *,
        tol: float = 1e-12,
        max_iter: int = 100,
        on_nonconvergence: str = "raise",
        tariffs: object = None,
    ) -> None:
        theta = float(trade_elasticity)
        if not np.isfinite(theta) or theta <= 0:
            raise DataError(
                Message(
                    "trade_elasticity must be a positive number, got {value!r}.",
                    value=trade_elasticity,
                )
            )
        self.trade_elasticity = theta
        self.closure = _choice("closure", closure, CLOSURES)
        self.imbalances = _choice("imbalances", imbalances, IMBALANCES)
        self.on_nonconvergence = _choice("on_nonconvergence", on_nonconvergence, ("raise", "warn"))
        if not (tol > 0):
            raise DataError(Message("tol must be positive, got {value!r}.", value=tol))
        if int(max_iter) < 1:
            raise DataError(Message("max_iter must be at least 1, got {value!r}.", value=max_iter))
        self.tol = float(tol)
        self.max_iter = int(max_iter)
        lookup, X = baseline_matrix(flows_frame(flows))
        self._codes = lookup.codes
        self._index = lookup.index
        self._lookup = lookup
        self._observed = X
        zero = np.zeros(X.shape)  # calloc: pages are touched only where written
        self._tariff = zero if tariffs is None else self._tariff_matrix(tariffs, zero, "tariffs")
        # Without baseline tariffs every tariff term is zero: skip their N^2 products.
        self._tariff_given = tariffs is not None and bool(self._tariff.any())
        if self.imbalances == "balanced":
            Y = X.sum(axis=1)
            gross = X * (1.0 + self._tariff)
            purge = solve_hat(
                gross / gross.sum(axis=0),
                Y,
                Y,
                np.ones_like(X),
                theta,
                imbalances="fixed",
                deficit=np.zeros_like(Y),
                tol=self.tol,
                max_iter=self.max_iter,
                net_factor=1.0 / (1.0 + self._tariff),
            )
            X = purge.flows
        self._X = X
        self._Y = X.sum(axis=1)
        purchases = X.sum(axis=0)
        self._D = purchases - self._Y  # net of tariffs: imports minus exports
        # Spending gross of tariffs (X itself when there are none: skip the N^2 products).
        gross = X * (1.0 + self._tariff) if self._tariff_given else X
        self._E = gross.sum(axis=0) if self._tariff_given else purchases  # Y + D + revenue
        # Spending gross of tariffs by (exporter, importer); the shares gross / E are never
        # formed (the kernel scales columns by 1 / E), which spares an N^2 pass per model.
        self._gross = gross
        self._exports = self._Y - np.diagonal(X)
        self._imports = purchases - np.diagonal(X)
        # Countries with no foreign trade at all in the baseline (see simulate's check).
        self._closed = (self._exports <= 0) & (self._imports <= 0)
        self._seal()  # parameters are fixed from here on (docs/ARCHITECTURE.md, results)

    @property
    def countries(self) -> tuple[str, ...]:
        """ISO3 codes in the model's order (sorted); arrays passed to simulate follow it."""
        return self._codes

    @property
    def baseline(self) -> pd.DataFrame:
        """Baseline flows used by the model (after removing imbalances if ``"balanced"``)."""
        n = len(self._codes)
        codes = np.asarray(self._codes, dtype=object)
        return pd.DataFrame(
            {
                "exporter": np.repeat(codes, n),
                "importer": np.tile(codes, n),
                "value": self._X.ravel(),
            }
        )

    def _tariff_matrix(self, table: object, base: np.ndarray, name: str) -> np.ndarray:
        """Ad valorem rates by (exporter, importer) over ``base``; one clear error per problem."""
        if isinstance(table, np.ndarray):
            rates = np.array(table, dtype=float)
            if rates.shape != base.shape:
                raise DataError(
                    Message(
                        "{name} array has shape {shape!r}; expected {expected!r} "
                        "aligned with GEModel.countries (rows exporters, columns importers).",
                        name=name,
                        shape=rates.shape,
                        expected=base.shape,
                    )
                )
            bad = ~np.isfinite(rates) | (rates < 0)
            if bad.any():
                a, b = np.argwhere(bad)[0]
                raise DataError(
                    Message(
                        "{name} must be finite and >= 0; {exporter}->{importer} is {value!r}.",
                        name=name,
                        exporter=self._codes[a],
                        importer=self._codes[b],
                        value=rates[a, b],
                    )
                )
            if np.any(np.diagonal(rates) != 0):
                raise DataError(
                    Message("{name} on domestic sales (the diagonal) must be 0.", name=name)
                )
            return rates
        if isinstance(table, pd.Series):
            if not isinstance(table.index, pd.MultiIndex) or table.index.nlevels != 2:
                raise DataError(
                    Message(
                        "{name} Series must be indexed by (exporter, importer) pairs.", name=name
                    )
                )
            table = pd.DataFrame(
                {
                    "exporter": table.index.get_level_values(0),
                    "importer": table.index.get_level_values(1),
                    "rate": table.to_numpy(),
                }
            )
        if not isinstance(table, pd.DataFrame):
            raise DataError(
                Message(
                    "{name} must be a DataFrame (exporter, importer, rate) or a Series "
                    "on (exporter, importer); got {kind}.",
                    name=name,
                    kind=type(table).__name__,
                )
            )
        missing = [c for c in ("exporter", "importer", "rate") if c not in table.columns]
        if missing:
            raise DataError(
                Message(
                    "{name} lacks column(s) {missing!r}: it needs exporter, importer, "
                    "rate (columns found: {found!r}).",
                    name=name,
                    missing=missing,
                    found=list(table.columns)[:10],
                )
            )
        exp = table["exporter"].astype(str).str.strip().to_numpy()
        imp = table["importer"].astype(str).str.strip().to_numpy()
        rate = pd.to_numeric(table["rate"], errors="coerce").to_numpy(dtype=float)
        i = self._index.get_indexer(exp)
        j = self._index.get_indexer(imp)
        for row in range(len(table)):
            where = Message(
                "{name} row {row} ({exporter}->{importer})",
                name=name,
                row=row,
                exporter=exp[row],
                importer=imp[row],
            )
            if i[row] < 0 or j[row] < 0:
                code = exp[row] if i[row] < 0 else imp[row]
                near = difflib.get_close_matches(code, self._codes, n=1)
                if near:
                    raise DataError(
                        Message(
                            "{where}: country {code!r} is not in the model. Did you mean {near}?",
                            where=where,
                            code=code,
                            near=near[0],
                        )
                    )
                raise DataError(
                    Message(
                        "{where}: country {code!r} is not in the model.", where=where, code=code
                    )
                )
            if not np.isfinite(rate[row]) or rate[row] < 0:
                raise DataError(
                    Message(
                        "{where}: rate {rate!r} must be a finite number >= 0 (0.05 = 5 %).",
                        where=where,
                        rate=table["rate"].tolist()[row],
                    )
                )
            if i[row] == j[row] and rate[row] != 0:
                raise DataError(
                    Message(
                        "{where}: a tariff on domestic sales must be 0; drop the row.", where=where
                    )
                )
        pairs = pd.Series(list(zip(exp, imp, strict=True)))
        dup = pairs.duplicated(keep=False).to_numpy()
        if dup.any():
            rows = np.flatnonzero(dup)
            raise DataError(
                Message(
                    "{name} gives pair(s) more than once (rows {rows!r}: {pairs}); "
                    "keep one row per pair.",
                    name=name,
                    rows=rows[:5].tolist(),
                    pairs=_pairs_text(list(pairs[dup].unique())),
                )
            )
        out = base.copy()
        out[i, j] = rate
        return out

    @property
    def tariffs(self) -> pd.DataFrame:
        """Baseline tariffs by (exporter, importer), long frame with ``rate``."""
        n = len(self._codes)
        codes = np.asarray(self._codes, dtype=object)
        return pd.DataFrame(
            {
                "exporter": np.repeat(codes, n),
                "importer": np.tile(codes, n),
                "rate": self._tariff.ravel(),
            }
        )

    def _productivity(self, productivity_change: object) -> np.ndarray | None:
        A = country_vector(productivity_change, self._lookup, "productivity_change")
        if A is None:
            return None
        bad = ~np.isfinite(A) | (A <= 0)
        if bad.any():
            raise DataError(
                Message(
                    "productivity_change must be finite and > 0 (1 = no change); bad for {codes}.",
                    codes=", ".join(self._codes[k] for k in np.flatnonzero(bad)[:5]),
                )
            )
        return A

    def simulate(
        self,
        cost_change: object = None,
        *,
        productivity_change: object = None,
        tariffs: object = None,
    ) -> GEResult:
        """Solve the counterfactual equilibrium.

        Parameters
        ----------
        cost_change : Series, DataFrame or ndarray, optional
            Multiplicative change in ``t_ij^(-theta)`` per (exporter, importer) pair: a Series
            with a (exporter, importer) MultiIndex (pairs not listed stay at 1), a long frame
            (exporter, importer, value), or an (N, N) array aligned with :attr:`countries`.
            1 = no change, > 1 = cheaper trade, 0 = prohibitive (autarky, embargo).
        productivity_change : Series or array, optional
            ``A_i`` by country (1 = no change): factory-gate costs become ``w_i / A_i``.
        tariffs : DataFrame, Series or ndarray, optional
            New ad valorem rates for the listed (exporter, importer) pairs (long frame
            ``exporter, importer, rate`` or a Series; other pairs keep their baseline rate), or
            the whole (N, N) matrix aligned with :attr:`countries` (rows exporters).

        Returns
        -------
        GEResult
        """
        theta = self.trade_elasticity
        B = shock_matrix(cost_change, self._lookup)
        A = self._productivity(productivity_change)
        if A is not None:
            B = B * (A**theta)[:, None]
        t_new = (
            self._tariff
            if tariffs is None
            else self._tariff_matrix(tariffs, self._tariff, "tariffs")
        )
        # Tariffs enter like iceberg costs on what buyers pay, ((1 + t') / (1 + t))^(-theta),
        # while exporters receive the price net of the tariff.
        taxed = self._tariff_given or (tariffs is not None and bool(np.any(t_new)))
        # Without tariffs the tariff factor is 1: skip the N^2 power.
        K = B * ((1.0 + t_new) / (1.0 + self._tariff)) ** (-theta) if taxed else B
        net = 1.0 / (1.0 + t_new) if taxed else None
        income = self._Y + self._D
        if self.closure == "full" and self.imbalances != "balanced":
            self._refuse_isolated_with_imbalance(K)
        if self.closure == "conditional":
            pi = self._gross / self._E[None, :]
            sol = conditional_hat(pi, self._E, K, theta, net_factor=net, income=income)
        else:
            rule = "fixed" if self.imbalances == "balanced" else self.imbalances
            raise_now = self.on_nonconvergence == "raise"
            sol = solve_hat(
                self._gross,
                self._Y,
                income,
                K,
                theta,
                imbalances=rule,
                tol=self.tol,
                max_iter=self.max_iter,
                raise_on_failure=raise_now,
                deficit=self._D,
                net_factor=net,
                column_scale=1.0 / self._E,
            )
            if not sol.converged:
                warnings.warn(
                    f"GE solver stopped before convergence after {sol.iterations} iterations "
                    f"(max residual {sol.max_residual:.3g}); results are not an equilibrium. "
                    "Raise max_iter or check the shock.",
                    ConvergenceWarning,
                    stacklevel=2,
                )
        return self._result(sol, B, t_new, taxed)

    def _refuse_isolated_with_imbalance(self, B: np.ndarray) -> None:
        # A country cut off from every partner cannot run a trade imbalance: no equilibrium.
        if B.min() > 0:
            # A shock without zeros cuts no pair: only a baseline without trade is isolated.
            isolated = self._closed
        else:
            M = self._gross * B  # zero where the shares pi * B are
            np.fill_diagonal(M, 0.0)
            isolated = (M.sum(axis=0) <= 0) & (M.sum(axis=1) <= 0)
        gap = np.abs(self._D) > 1e-9 * self._Y
        bad = np.flatnonzero(isolated & gap)
        if bad.size:
            names = ", ".join(self._codes[k] for k in bad[:10])
            raise DataError(
                Message(
                    "the shock cuts {names} off from all trade, but with imbalances="
                    "{imbalances!r} an isolated country would still have to run its baseline "
                    "trade deficit or surplus, so no equilibrium exists. Use "
                    "imbalances='balanced' for autarky and embargo scenarios.",
                    names=names,
                    imbalances=self.imbalances,
                )
            )

    def _result(
        self, sol: HatSolution, cost: np.ndarray, t_new: np.ndarray, taxed: bool
    ) -> GEResult:
        theta = self.trade_elasticity
        # Row and column sums and the diagonal of the new flows, from the solver's factors
        # (matrix-vector products): the N^2 flows are formed only when asked for.
        out_new = sol.sales
        diag = sol.domestic
        if taxed or self.closure == "conditional":
            exp_new = sol.purchases
            weighted = None
        else:
            # Without tariffs the new flows' column sums are the expenditure the solver
            # equated them with (X'_ij = K_ij u_i E'_j / sum_k K_kj u_k), and its kernel is
            # X_ij B_ij itself, whose column sums weight the trade-cost term.
            exp_new = sol.expenditure
            weighted = np.ones(out_new.size) @ sol.flow_kernel
        # A NaN or infinite flow makes its row and column sums non-finite: N checks, not N^2.
        if not (np.isfinite(out_new).all() and np.isfinite(exp_new).all()):
            raise ConvergenceError(
                Message("GE solution has non-finite flows; check the shock for extreme values."),
                record=sol,
            )
        w = sol.factory_price
        price = sol.phi ** (-1.0 / theta)
        Xn = sol.flows if taxed else None  # needed for revenue and the volume of trade
        exports_new = out_new - diag
        imports_new = exp_new - diag
        welfare = sol.expenditure / self._E / price
        # The decomposition of the multi-sector model with one sector, no inputs, input cost
        # hat c = hat w, and productivity folded into the cost factor (docs/ge.md).
        if taxed:
            revenue0 = (self._tariff * self._X).sum(axis=0)
            revenue1 = (t_new * Xn).sum(axis=0)
        else:
            revenue0 = revenue1 = np.zeros_like(w)
        tot, vot, trade_cost = decompose_one_sector(
            self._X,
            Xn,
            self._tariff if self._tariff_given else None,
            cost,
            theta,
            w,
            self._Y + revenue0 + self._D,
            self._Y,
            self._E,
            weighted,
        )

        def ratio(new, old):
            return np.divide(new, old, out=np.ones_like(new), where=old > 0)

        pct = {
            "welfare_pct": welfare,
            "real_gdp_pct": w / price,
            "factory_price_pct": w,
            "price_index_pct": price,
            "terms_of_trade_pct": 1.0 + tot,
            "volume_of_trade_pct": 1.0 + vot,
            "trade_cost_pct": 1.0 + trade_cost,
            "decomposition_remainder_pct": welfare - tot - vot - trade_cost,
            "tariff_revenue_income_pct": 1.0 + (revenue1 - revenue0) / self._E,
            "exports_pct": ratio(exports_new, self._exports),
            "imports_pct": ratio(imports_new, self._imports),
            "domestic_trade_pct": diag / np.diagonal(self._X),
            "output_pct": out_new / self._Y,
            "expenditure_pct": exp_new / self._E,
        }
        # One block of N x 14 numbers: a single array for pandas to wrap.
        table = np.column_stack([pct[c] for c in COUNTRY_COLUMNS])
        table -= 1.0
        table *= 100.0
        countries = pd.DataFrame(table, index=self._index, columns=_COUNTRY_INDEX)
        bad = ~np.isfinite(countries.to_numpy())
        if bad.any():
            # e.g. a trade elasticity near zero: welfare is Phi**(1/theta), which overflows.
            rows, cols = np.nonzero(bad)
            raise ConvergenceError(
                Message(
                    "the GE solution gives non-finite {column} for "
                    "{country} (trade_elasticity={theta}); the shock or the elasticity "
                    "is too extreme for the model to represent (keep trade_elasticity between "
                    "0.5 and 50 and effects within +-10 log points)",
                    column=countries.columns[cols[0]],
                    country=self._codes[rows[0]],
                    theta=theta,
                ),
                record=sol,
            )
        return GEResult(
            countries=countries,
            converged=sol.converged,
            iterations=sol.iterations,
            max_residual=sol.max_residual,
            closure=self.closure,
            imbalances=self.imbalances,
            trade_elasticity=theta,
            _codes=self._codes,
            _baseline=self._X,
            _solution=sol,
        )

    def __repr__(self) -> str:
        return (
            f"GEModel({len(self._codes)} countries, trade_elasticity={self.trade_elasticity}, "
            f"closure={self.closure!r}, imbalances={self.imbalances!r})"
        )


__all__ = ["GEModel", "GEResult"]
