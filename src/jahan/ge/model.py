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
from jahan._text import text_table
from jahan.errors import ConvergenceError, ConvergenceWarning, DataError
from jahan.ge._solver import HatSolution, conditional_hat, solve_hat

CLOSURES = ("full", "conditional")
IMBALANCES = ("fixed", "multiplicative", "balanced")
COUNTRY_COLUMNS = (
    "welfare_pct",
    "real_gdp_pct",
    "factory_price_pct",
    "price_index_pct",
    "terms_of_trade_pct",
    "exports_pct",
    "imports_pct",
    "domestic_trade_pct",
    "output_pct",
    "expenditure_pct",
)
FLOW_COLUMNS = ("exporter", "importer", "baseline", "counterfactual", "change_pct")


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value in allowed:
        return value
    near = difflib.get_close_matches(str(value), allowed, n=1)
    hint = f" Did you mean {near[0]!r}?" if near else ""
    raise DataError(f"{name}={value!r} is not allowed: use one of {', '.join(allowed)}.{hint}")


def _pairs_text(pairs, limit: int = 5) -> str:
    shown = ", ".join(f"{a}->{b}" for a, b in list(pairs)[:limit])
    more = len(pairs) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def _flows_frame(flows: object) -> pd.DataFrame:
    """Bring every accepted input to a long frame (exporter, importer, value)."""
    if hasattr(flows, "flows_frame") and callable(flows.flows_frame):
        flows = flows.flows_frame()
    if isinstance(flows, pd.Series):
        if not isinstance(flows.index, pd.MultiIndex) or flows.index.nlevels != 2:
            raise DataError(
                "flows Series must have a two-level MultiIndex (exporter, importer); got an "
                f"index with {flows.index.nlevels} level(s)."
            )
        frame = pd.DataFrame(
            {
                "exporter": flows.index.get_level_values(0),
                "importer": flows.index.get_level_values(1),
                "value": flows.to_numpy(),
            }
        )
        return frame
    if isinstance(flows, pd.DataFrame):
        missing = [c for c in ("exporter", "importer", "value") if c not in flows.columns]
        if missing:
            raise DataError(
                f"flows frame lacks column(s) {missing}: it needs exporter, importer, value "
                f"(columns found: {list(flows.columns)[:10]})."
            )
        return flows[["exporter", "importer", "value"]].reset_index(drop=True)
    raise DataError(
        "flows must be a DataFrame (exporter, importer, value), a Series indexed by "
        f"(exporter, importer), or a World; got {type(flows).__name__}."
    )


MAX_FLOW = 1e100
"""Largest single flow accepted (any unit); see :func:`_baseline_matrix`."""


def _baseline_matrix(frame: pd.DataFrame) -> tuple[tuple[str, ...], np.ndarray]:
    exporter = frame["exporter"].astype(str).str.strip()
    importer = frame["importer"].astype(str).str.strip()
    value = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(value)
    if bad.any():
        rows = np.flatnonzero(bad)
        pairs = list(zip(exporter.iloc[rows], importer.iloc[rows], strict=True))
        raise DataError(
            f"{bad.sum()} flow(s) are missing or not numbers (rows {rows[:5].tolist()}: "
            f"{_pairs_text(pairs)}); every pair needs a finite value >= 0 (use 0 for no trade)."
        )
    neg = value < 0
    if neg.any():
        rows = np.flatnonzero(neg)
        pairs = list(zip(exporter.iloc[rows], importer.iloc[rows], strict=True))
        raise DataError(
            f"{neg.sum()} flow(s) are negative (rows {rows[:5].tolist()}: {_pairs_text(pairs)}); "
            "trade flows must be >= 0."
        )
    big = value > MAX_FLOW
    if big.any():
        # Exact hat algebra uses shares and ratios only, so the unit of the flows is free; sums
        # of flows near 1e308 overflow and would surface as a solver failure blamed on the shock.
        rows = np.flatnonzero(big)
        pairs = list(zip(exporter.iloc[rows], importer.iloc[rows], strict=True))
        raise DataError(
            f"{big.sum()} flow(s) exceed {MAX_FLOW:.0e} (rows {rows[:5].tolist()}: "
            f"{_pairs_text(pairs)}); sums of such values overflow. Rescale the flows (e.g. to "
            "USD millions): the model's results do not depend on their unit."
        )
    e_codes, e_uniques = pd.factorize(exporter)
    i_codes, i_uniques = pd.factorize(importer)
    codes = tuple(sorted({str(c) for c in e_uniques} | {str(c) for c in i_uniques}))
    n = len(codes)
    index = pd.Index(codes)
    i = index.get_indexer(pd.Index(e_uniques, dtype=object))[e_codes]
    j = index.get_indexer(pd.Index(i_uniques, dtype=object))[i_codes]
    flat = i.astype(np.int64) * n + j
    counts = np.bincount(flat, minlength=n * n)
    if (counts > 1).any():
        dup = counts[flat] > 1
        rows = np.flatnonzero(dup)
        pairs = list(zip(exporter.iloc[rows], importer.iloc[rows], strict=True))
        raise DataError(
            f"{int((counts > 1).sum())} pair(s) appear more than once (rows {rows[:5].tolist()}: "
            f"{_pairs_text(pairs)}); give one flow per (exporter, importer)."
        )
    X = np.full((n, n), np.nan)
    X[i, j] = value
    if np.isnan(X).any():
        gi, gj = np.nonzero(np.isnan(X))
        pairs = [(codes[a], codes[b]) for a, b in zip(gi, gj, strict=True)]
        raise DataError(
            f"flows are not square: {len(pairs)} of {n * n} (exporter, importer) pairs are "
            f"missing ({_pairs_text(pairs)}); every country must appear as exporter and importer "
            "with every partner and itself (add missing pairs with value 0)."
        )
    dom = np.diag(X)
    if (dom <= 0).any():
        bad_codes = [codes[k] for k in np.flatnonzero(dom <= 0)]
        raise DataError(
            f"domestic flows X_ii must be positive; zero for {', '.join(bad_codes[:10])}. "
            "Supply domestic sales (gross output minus exports) for these countries or drop them."
        )
    return codes, X


@dataclass(frozen=True, eq=False)
class GEResult:
    """Outcome of one counterfactual (immutable).

    Attributes
    ----------
    countries : DataFrame
        Indexed by ISO3 code (index name ``country``), columns ``welfare_pct``,
        ``real_gdp_pct``, ``factory_price_pct``, ``price_index_pct``, ``terms_of_trade_pct``,
        ``exports_pct``, ``imports_pct``, ``domestic_trade_pct``, ``output_pct``,
        ``expenditure_pct`` (percent changes; definitions in docs/ge.md).
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
    _counterfactual: np.ndarray = field(repr=False, compare=False)

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
            raise DataError(f"table={table!r}: use 'countries' or 'flows'.")
        frame = self.countries if table == "countries" else self.flows
        return write_parquet_atomic(frame, path)


class GEModel:
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
        Convergence criterion (largest log market-clearing gap) and Newton iterations allowed.
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
    ) -> None:
        theta = float(trade_elasticity)
        if not np.isfinite(theta) or theta <= 0:
            raise DataError(f"trade_elasticity must be a positive number, got {trade_elasticity!r}.")
        self.trade_elasticity = theta
        self.closure = _choice("closure", closure, CLOSURES)
        self.imbalances = _choice("imbalances", imbalances, IMBALANCES)
        self.on_nonconvergence = _choice("on_nonconvergence", on_nonconvergence, ("raise", "warn"))
        if not (tol > 0):
            raise DataError(f"tol must be positive, got {tol!r}.")
        if int(max_iter) < 1:
            raise DataError(f"max_iter must be at least 1, got {max_iter!r}.")
        self.tol = float(tol)
        self.max_iter = int(max_iter)
        codes, X = _baseline_matrix(_flows_frame(flows))
        self._codes = codes
        self._index = pd.Index(codes, name="country")
        self._observed = X
        if self.imbalances == "balanced":
            Y = X.sum(axis=1)
            E = X.sum(axis=0)
            purge = solve_hat(
                X / E, Y, E, np.ones_like(X), theta, imbalances="fixed",
                deficit=np.zeros_like(Y), tol=self.tol, max_iter=self.max_iter,
            )
            X = purge.flows
        self._X = X
        self._Y = X.sum(axis=1)
        self._E = X.sum(axis=0)
        self._pi = X / self._E[None, :]
        off = ~np.eye(len(codes), dtype=bool)
        self._exports = np.where(off, X, 0.0).sum(axis=1)
        self._imports = np.where(off, X, 0.0).sum(axis=0)
        self._import_weights = np.divide(
            np.where(off, X, 0.0), self._imports[None, :],
            out=np.zeros_like(X), where=self._imports[None, :] > 0,
        )

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
            {"exporter": np.repeat(codes, n), "importer": np.tile(codes, n),
             "value": self._X.ravel()}
        )

    def _shock_matrix(self, cost_change: object) -> np.ndarray:
        n = len(self._codes)
        if cost_change is None:
            return np.ones((n, n))
        if isinstance(cost_change, pd.DataFrame) and {"exporter", "importer", "value"} <= set(
            cost_change.columns
        ):
            cost_change = cost_change.set_index(["exporter", "importer"])["value"]
        if isinstance(cost_change, pd.Series):
            if not isinstance(cost_change.index, pd.MultiIndex) or cost_change.index.nlevels != 2:
                raise DataError(
                    "cost_change Series must be indexed by (exporter, importer) pairs."
                )
            exp = cost_change.index.get_level_values(0).astype(str)
            imp = cost_change.index.get_level_values(1).astype(str)
            i = self._index.get_indexer(exp)
            j = self._index.get_indexer(imp)
            unknown = sorted({c for c, k in zip(exp, i, strict=True) if k < 0}
                             | {c for c, k in zip(imp, j, strict=True) if k < 0})
            if unknown:
                hints = []
                for c in unknown[:5]:
                    near = difflib.get_close_matches(c, self._codes, n=1)
                    hints.append(f"{c} (did you mean {near[0]}?)" if near else c)
                raise DataError(
                    f"cost_change names countries not in the model: {', '.join(hints)}. "
                    f"The model has {len(self._codes)} countries (see GEModel.countries)."
                )
            if cost_change.index.duplicated().any():
                dups = cost_change.index[cost_change.index.duplicated()]
                raise DataError(
                    f"cost_change repeats pair(s) {_pairs_text(list(dups))}; give each pair once."
                )
            values = pd.to_numeric(cost_change, errors="coerce").to_numpy(dtype=float)
            B = np.ones((n, n))
            B[i, j] = values
        else:
            B = np.array(cost_change, dtype=float, copy=True)
            if B.shape != (n, n):
                raise DataError(
                    f"cost_change array has shape {B.shape}; expected ({n}, {n}) aligned with "
                    "GEModel.countries (rows exporters, columns importers)."
                )
        bad = ~np.isfinite(B) | (B < 0)
        if bad.any():
            gi, gj = np.nonzero(bad)
            pairs = [(self._codes[a], self._codes[b]) for a, b in zip(gi, gj, strict=True)]
            raise DataError(
                f"cost_change must be finite and >= 0 (1 = no change, 0 = prohibitive); "
                f"{len(pairs)} bad value(s) at {_pairs_text(pairs)}."
            )
        return B

    def _productivity(self, productivity_change: object) -> np.ndarray | None:
        if productivity_change is None:
            return None
        n = len(self._codes)
        if isinstance(productivity_change, pd.Series):
            codes = productivity_change.index.astype(str)
            k = self._index.get_indexer(codes)
            if (k < 0).any():
                unknown = [c for c, q in zip(codes, k, strict=True) if q < 0]
                near = difflib.get_close_matches(unknown[0], self._codes, n=1)
                hint = f" Did you mean {near[0]}?" if near else ""
                raise DataError(
                    f"productivity_change names countries not in the model: "
                    f"{', '.join(unknown[:5])}.{hint}"
                )
            A = np.ones(n)
            A[k] = pd.to_numeric(productivity_change, errors="coerce").to_numpy(dtype=float)
        else:
            A = np.array(productivity_change, dtype=float, copy=True).ravel()
            if A.shape != (n,):
                raise DataError(
                    f"productivity_change has {A.size} values; expected {n} aligned with "
                    "GEModel.countries."
                )
        bad = ~np.isfinite(A) | (A <= 0)
        if bad.any():
            raise DataError(
                "productivity_change must be finite and > 0 (1 = no change); bad for "
                f"{', '.join(self._codes[k] for k in np.flatnonzero(bad)[:5])}."
            )
        return A

    def simulate(
        self, cost_change: object = None, *, productivity_change: object = None
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

        Returns
        -------
        GEResult
        """
        theta = self.trade_elasticity
        B = self._shock_matrix(cost_change)
        A = self._productivity(productivity_change)
        if A is not None:
            B *= (A**theta)[:, None]
        if self.closure == "full" and self.imbalances != "balanced":
            self._refuse_isolated_with_imbalance(B)
        if self.closure == "conditional":
            sol = conditional_hat(self._pi, self._E, B, theta)
        else:
            rule = "fixed" if self.imbalances == "balanced" else self.imbalances
            raise_now = self.on_nonconvergence == "raise"
            sol = solve_hat(
                self._pi, self._Y, self._E, B, theta, imbalances=rule, tol=self.tol,
                max_iter=self.max_iter, raise_on_failure=raise_now,
            )
            if not sol.converged:
                warnings.warn(
                    f"GE solver stopped before convergence after {sol.iterations} iterations "
                    f"(max residual {sol.max_residual:.3g}); results are not an equilibrium. "
                    "Raise max_iter or check the shock.",
                    ConvergenceWarning,
                    stacklevel=2,
                )
        return self._result(sol)

    def _refuse_isolated_with_imbalance(self, B: np.ndarray) -> None:
        # A country cut off from every partner cannot run a trade imbalance: no equilibrium.
        M = self._pi * B
        np.fill_diagonal(M, 0.0)
        isolated = (M.sum(axis=0) <= 0) & (M.sum(axis=1) <= 0)
        gap = np.abs(self._E - self._Y) > 1e-9 * self._Y
        bad = np.flatnonzero(isolated & gap)
        if bad.size:
            names = ", ".join(self._codes[k] for k in bad[:10])
            raise DataError(
                f"the shock cuts {names} off from all trade, but with imbalances="
                f"{self.imbalances!r} an isolated country would still have to run its baseline "
                "trade deficit or surplus, so no equilibrium exists. Use imbalances='balanced' "
                "for autarky and embargo scenarios."
            )

    def _result(self, sol: HatSolution) -> GEResult:
        theta = self.trade_elasticity
        Xn = sol.flows
        if not np.all(np.isfinite(Xn)):
            raise ConvergenceError(
                "GE solution has non-finite flows; check the shock for extreme values.",
                record=sol,
            )
        w = sol.factory_price
        # Overflow here (theta near zero) is reported below as one ConvergenceError.
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            return self._result_frames(sol, theta, Xn, w, sol.phi ** (-1.0 / theta))

    def _result_frames(self, sol: HatSolution, theta: float, Xn: np.ndarray, w: np.ndarray,
                       price: np.ndarray) -> GEResult:
        diag = np.diagonal(Xn)
        out_new = Xn.sum(axis=1)
        exp_new = Xn.sum(axis=0)
        exports_new = out_new - diag
        imports_new = exp_new - diag
        log_w = np.log(w)
        tot = np.exp(log_w - self._import_weights.T @ log_w)

        def ratio(new, old):
            return np.divide(new, old, out=np.ones_like(new), where=old > 0)

        pct = {
            "welfare_pct": sol.expenditure / self._E / price,
            "real_gdp_pct": w / price,
            "factory_price_pct": w,
            "price_index_pct": price,
            "terms_of_trade_pct": tot,
            "exports_pct": ratio(exports_new, self._exports),
            "imports_pct": ratio(imports_new, self._imports),
            "domestic_trade_pct": diag / np.diagonal(self._X),
            "output_pct": out_new / self._Y,
            "expenditure_pct": exp_new / self._E,
        }
        countries = pd.DataFrame(
            {k: 100.0 * (v - 1.0) for k, v in pct.items()}, index=self._index
        )
        bad = ~np.isfinite(countries.to_numpy())
        if bad.any():
            # e.g. a trade elasticity near zero: welfare is Phi**(1/theta), which overflows.
            rows, cols = np.nonzero(bad)
            raise ConvergenceError(
                f"the GE solution gives non-finite {countries.columns[cols[0]]} for "
                f"{self._codes[rows[0]]} (trade_elasticity={theta}); the shock or the elasticity "
                "is too extreme for the model to represent (keep trade_elasticity between 0.5 "
                "and 50 and effects within +-10 log points)",
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
            _counterfactual=Xn,
        )

    def __repr__(self) -> str:
        return (
            f"GEModel({len(self._codes)} countries, trade_elasticity={self.trade_elasticity}, "
            f"closure={self.closure!r}, imbalances={self.imbalances!r})"
        )


__all__ = ["GEModel", "GEResult"]
