"""Least-squares fit of a language-shift model to a series of shares, with bootstrap intervals.

Parameters are estimated on an unconstrained scale (log for positive parameters, logit for shares
and for parameters in (0, 1)) by :func:`scipy.optimize.least_squares`; the initial state is
estimated with them. Intervals come from a parametric bootstrap: ``draws`` synthetic series are
drawn from the fitted trajectory with Gaussian noise of the residual standard deviation and refitted
(all draws at once, by a batched Levenberg-Marquardt started at the estimate).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from jahan.culture.data import ShareSeries, validate_shares
from jahan.culture.dynamics import batch_params, integrate_batch, shares_frame
from jahan.culture.models import LanguageModel, get_model
from jahan.errors import ConvergenceError, ConvergenceWarning, DataError, JahanWarning

FD_STEP = 1e-6
_LIMITS = {"positive": (np.log(1e-6), np.log(5.0)), "unit": (-15.0, 15.0)}
_A_LIMITS = (np.log(0.05), np.log(20.0))


class IdentificationWarning(JahanWarning):
    """A parameter is not identified by the data (flat profile, singular Jacobian, unbounded interval)."""


@dataclass(frozen=True)
class FitRecord:
    """Diagnostics of the point estimate and of the bootstrap refits."""

    converged: bool
    iterations: int
    max_residual: float  # largest absolute residual (share)
    bootstrap_converged: float  # share of bootstrap refits that converged
    message: str


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log(p) - np.log1p(-p)


def _expit(t: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-t))


class _Problem:
    """Maps an unconstrained vector theta to predictions for one model and one data set."""

    def __init__(self, model: type[LanguageModel], series: ShareSeries, free: list[str], fixed: dict[str, float]):
        self.model = model
        self.series = series
        self.free = free
        self.fixed = fixed
        self.years = series.years
        self.t0 = float(self.years[0])
        f = series.frame
        if len(model.state_names) == 1:
            # Abrams-Strogatz has no bilingual group: bilinguals count as speakers of A.
            self.obs = (f["monolingual_a"] + f["bilingual"]).to_numpy()[:, None]
            self.init_names = ["x0"]
        else:
            self.obs = f[["monolingual_a", "monolingual_b"]].to_numpy()
            self.init_names = ["x0", "y0"]
        self.names = free + self.init_names
        self.q = len(self.names)
        lo, hi = [], []
        for name in free:
            kind = model.info(name).kind
            lim = _A_LIMITS if name == "a" else _LIMITS["positive" if kind != "unit" else "unit"]
            lo.append(lim[0])
            hi.append(lim[1])
        lo += [-15.0] * len(self.init_names)
        hi += [15.0] * len(self.init_names)
        self.lo, self.hi = np.array(lo), np.array(hi)

    # --- scales -------------------------------------------------------------------------------
    def to_theta(self, natural: Mapping[str, float]) -> np.ndarray:
        out = []
        for name in self.free:
            kind = self.model.info(name).kind
            out.append(_logit(natural[name]) if kind == "unit" else np.log(natural[name]))
        if len(self.init_names) == 1:
            out.append(_logit(natural["x0"]))
        else:
            x0, y0 = natural["x0"], natural["y0"]
            z0 = max(1.0 - x0 - y0, 1e-6)
            out += [np.log(max(x0, 1e-9) / z0), np.log(max(y0, 1e-9) / z0)]
        return np.clip(np.array(out, dtype=float), self.lo, self.hi)

    def to_natural(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        theta = np.atleast_2d(theta)
        out: dict[str, np.ndarray] = {}
        for j, name in enumerate(self.free):
            kind = self.model.info(name).kind
            out[name] = _expit(theta[:, j]) if kind == "unit" else np.exp(theta[:, j])
        k = len(self.free)
        if len(self.init_names) == 1:
            out["x0"] = _expit(theta[:, k])
        else:
            ex, ey = np.exp(theta[:, k]), np.exp(theta[:, k + 1])
            out["x0"] = ex / (1.0 + ex + ey)
            out["y0"] = ey / (1.0 + ex + ey)
        return out

    def initial(self, nat: Mapping[str, np.ndarray]) -> np.ndarray:
        if len(self.init_names) == 1:
            return nat["x0"][None, :]
        return np.stack([nat["x0"], nat["y0"]])

    # --- predictions --------------------------------------------------------------------------
    def predict(self, theta: np.ndarray) -> np.ndarray:
        """Predictions, shape (batch, n_years * n_observed)."""
        theta = np.clip(np.atleast_2d(theta), self.lo, self.hi)
        batch = theta.shape[0]
        nat = self.to_natural(theta)
        params = batch_params(self.model, {**self.fixed, **{n: nat[n] for n in self.free}}, batch)
        states, _ = integrate_batch(self.model, params, self.initial(nat), self.t0, self.years)
        # states: (n_years, n_states, batch); observed components are the states themselves.
        return np.transpose(states, (2, 0, 1)).reshape(batch, -1)

    def residuals_and_jacobian(self, theta: np.ndarray, obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Residuals (batch, m) and forward-difference Jacobians (batch, m, q) in one integration."""
        theta = np.atleast_2d(theta)
        batch = theta.shape[0]
        stacked = np.repeat(theta[:, None, :], self.q + 1, axis=1)
        for j in range(self.q):
            stacked[:, j + 1, j] += FD_STEP
        pred = self.predict(stacked.reshape(-1, self.q)).reshape(batch, self.q + 1, -1)
        resid = pred[:, 0, :] - obs
        jac = (pred[:, 1:, :] - pred[:, :1, :]).transpose(0, 2, 1) / FD_STEP
        return resid, jac


@dataclass(frozen=True)
class LanguageFit:
    """Result of :func:`fit_language_model` (immutable).

    Attributes
    ----------
    model
        Model name ("abrams-strogatz" or "minett-wang").
    params
        DataFrame indexed by symbol (a, s, c, mu, eps, tau, x0, y0): meaning, estimate, lower, upper,
        fixed, identified. ``x0``/``y0`` are the fitted initial shares of monolinguals of A and B.
    draws
        Bootstrap estimates (one row per converged draw; columns as the free symbols).
    fitted
        Observed and fitted shares by year, with residuals.
    sigma
        Residual standard deviation (share).
    level
        Confidence level of the intervals.
    record
        :class:`FitRecord` diagnostics.
    """

    model: str
    params: pd.DataFrame
    draws: pd.DataFrame
    fitted: pd.DataFrame
    sigma: float
    level: float
    nobs: int
    record: FitRecord
    series: ShareSeries

    def estimate(self) -> dict[str, float]:
        """Point estimates of all model parameters (fixed ones included), by symbol."""
        return {k: float(v) for k, v in self.params["estimate"].items()}

    def model_class(self) -> type[LanguageModel]:
        """The model class."""
        return get_model(self.model)

    def to_frame(self) -> pd.DataFrame:
        """The parameter table (a copy)."""
        return self.params.copy()

    def to_parquet(self, path: str | Path) -> None:
        """Write the parameter table to Parquet."""
        self.params.reset_index().to_parquet(path)

    def summary(self) -> str:
        """Plain-text table of the estimates and intervals."""
        lines = [
            f"{self.model} fit: {self.nobs} years, residual sd {self.sigma:.4g}, "
            f"{self.level:.0%} parametric-bootstrap intervals ({len(self.draws)} draws)"
        ]
        for sym, row in self.params.iterrows():
            if row["fixed"]:
                lines.append(f"  {sym:>4} = {row['estimate']:.4g} (fixed)")
            else:
                flag = "" if row["identified"] else "  NOT IDENTIFIED"
                lines.append(
                    f"  {sym:>4} = {row['estimate']:.4g}  [{row['lower']:.4g}, {row['upper']:.4g}]{flag}"
                )
        return "\n".join(lines)


def fit_language_model(
    data: pd.DataFrame | ShareSeries,
    model: str = "abrams-strogatz",
    *,
    fixed: Mapping[str, float] | None = None,
    draws: int = 200,
    seed: int | None = None,
    level: float = 0.95,
    source: str | None = None,
    lines: list[int] | None = None,
    max_nfev: int = 200,
) -> LanguageFit:
    r"""Fit a language-shift model to shares by least squares, with bootstrap intervals.

    The objective is :math:`\sum_t \sum_k (\hat q_{tk}(\theta) - q_{tk})^2`, where the observed
    components are the share speaking A (monolingual_a + bilingual) for Abrams-Strogatz and
    (monolingual_a, monolingual_b) for Minett-Wang.

    Parameters
    ----------
    data
        Table with year, monolingual_a, bilingual, monolingual_b (validated here).
    model
        "abrams-strogatz" (free: a, s, c) or "minett-wang" (free: a, s, c, mu; eps = tau = 0 unless given).
    fixed
        Parameters held at given values, e.g. ``{"a": 1.31}`` (the value Abrams and Strogatz found).
    draws
        Parametric-bootstrap replicates for the intervals (0: no intervals).
    seed
        Seed of the bootstrap noise.
    level
        Confidence level of the intervals.
    source, lines
        File name and line numbers of the rows, for error messages.
    max_nfev
        Most residual evaluations per least-squares start; when reached, a ConvergenceWarning is
        issued (the estimate is returned, marked ``record.converged = False``).

    Returns
    -------
    LanguageFit

    Warns
    -----
    IdentificationWarning
        When a parameter is not identified: its Jacobian column is (nearly) zero or collinear with
        others, or its bootstrap interval spans most of the allowed range.
    """
    cls = get_model(model)
    fixed = dict(fixed or {})
    cls.check_params(fixed)
    free = [p for p in cls.fit_parameters if p not in fixed]
    q = len(free) + len(cls.state_names)
    series = data if isinstance(data, ShareSeries) else validate_shares(data, source=source, lines=lines)
    if len(series) <= q:
        raise DataError(
            f"{len(series)} rows{' in ' + series.source if series.source else ''}, but the "
            f"{cls.name} model has {q} free parameters ({', '.join(free)} and the initial shares): "
            f"give at least {q + 1} years or fix parameters (fixed={{'a': 1.31}})"
        )
    if not 0.0 < level < 1.0:
        raise DataError(f"level = {level} must lie strictly between 0 and 1")
    full_fixed = {k: v for k, v in cls.check_params(fixed).items() if k not in free}
    prob = _Problem(cls, series, free, full_fixed)
    obs = prob.obs.reshape(-1)
    theta_hat, nfev, ls_ok, message = _point_estimate(prob, obs, max_nfev)
    resid = prob.predict(theta_hat)[0] - obs
    m = obs.size
    dof = max(m - q, 1)
    sigma = float(np.sqrt(np.sum(resid**2) / dof))

    # Identification from the Jacobian at the estimate (columns scaled to unit length).
    _, jac = prob.residuals_and_jacobian(theta_hat[None, :], obs[None, :])
    unidentified = _weak_columns(jac[0], prob.names)

    rng = np.random.default_rng(seed)
    boot = np.empty((0, q))
    boot_ok = 1.0
    if draws > 0:
        base = prob.predict(theta_hat)[0]
        ystar = base[None, :] + rng.normal(0.0, max(sigma, 1e-12), size=(draws, m))
        boot, ok = _batched_lm(prob, np.repeat(theta_hat[None, :], draws, axis=0), ystar)
        boot_ok = float(np.mean(ok))
        boot = boot[ok]
    nat_hat = {k: float(v[0]) for k, v in prob.to_natural(theta_hat).items()}
    nat_boot = prob.to_natural(boot) if len(boot) else {k: np.array([]) for k in prob.names}
    alpha = (1.0 - level) / 2.0
    rows = []
    for j, name in enumerate(prob.names):
        if name in cls.symbols():
            meaning = cls.info(name).meaning
        else:
            meaning = "initial share monolingual in A" if name == "x0" else "initial share monolingual in B"
        if len(nat_boot[name]) >= 10:
            lower, upper = np.quantile(nat_boot[name], [alpha, 1.0 - alpha])
            width = np.quantile(boot[:, j], 1 - alpha) - np.quantile(boot[:, j], alpha)
            lim = prob.hi[j] - prob.lo[j]
            if width > 0.5 * lim:
                unidentified.add(name)
        else:
            lower = upper = np.nan
        rows.append(
            {
                "symbol": name,
                "meaning": meaning,
                "estimate": nat_hat[name],
                "lower": float(lower),
                "upper": float(upper),
                "fixed": False,
                "identified": name not in unidentified,
            }
        )
    for name, value in full_fixed.items():
        rows.append(
            {
                "symbol": name,
                "meaning": cls.info(name).meaning,
                "estimate": value,
                "lower": np.nan,
                "upper": np.nan,
                "fixed": True,
                "identified": True,
            }
        )
    order = [*cls.symbols(), *prob.init_names]
    params = pd.DataFrame.from_records(rows).set_index("symbol").loc[[s for s in order if s in {r["symbol"] for r in rows}]]
    bad = [s for s in unidentified if s in params.index]
    if bad:
        hint = "; fix it, e.g. fixed={'a': 1.31} as Abrams and Strogatz did" if "a" in bad else "; fix it or add data"
        warnings.warn(
            f"parameter(s) {', '.join(sorted(bad))} of the {cls.name} model are not identified by "
            f"these {len(series)} years (flat or collinear least-squares surface, or a bootstrap interval "
            f"spanning most of the allowed range){hint}",
            IdentificationWarning,
            stacklevel=2,
        )
    fitted = shares_frame(cls, series.years, prob.predict(theta_hat)[0].reshape(len(series), -1))
    if len(cls.state_names) == 1:
        fitted_obs = {"speakers_a": series.frame["monolingual_a"] + series.frame["bilingual"]}
    else:
        fitted_obs = {
            "monolingual_a": series.frame["monolingual_a"],
            "monolingual_b": series.frame["monolingual_b"],
        }
    for col, values in fitted_obs.items():
        fitted[f"observed_{col}"] = values.to_numpy()
        fitted[f"residual_{col}"] = fitted[col] - values.to_numpy()
    record = FitRecord(ls_ok, nfev, float(np.max(np.abs(resid))), boot_ok, message)
    draws_frame = pd.DataFrame({k: v for k, v in nat_boot.items()})
    return LanguageFit(cls.name, params, draws_frame, fitted, sigma, level, len(series), record, series)


def _weak_columns(jac: np.ndarray, names: list[str]) -> set[str]:
    norms = np.linalg.norm(jac, axis=0)
    weak = {names[j] for j in np.nonzero(norms < 1e-8 * max(norms.max(), 1e-300))[0]}
    scaled = jac / np.where(norms > 0, norms, 1.0)
    _, sv, vt = np.linalg.svd(scaled, full_matrices=False)
    if sv[-1] < 1e-6 * sv[0]:
        weak |= {names[j] for j in np.nonzero(np.abs(vt[-1]) > 0.3)[0]}
    return weak


def _starts(prob: _Problem) -> np.ndarray:
    grid = {"a": (0.8, 1.3, 2.0), "s": (0.3, 0.5, 0.7), "c": (0.02, 0.2), "mu": (0.2, 0.5, 0.8)}
    first = prob.series.frame.iloc[0]
    init = {"x0": float(first["monolingual_a"] + (first["bilingual"] if len(prob.init_names) == 1 else 0.0)),
            "y0": float(first["monolingual_b"])}
    combos: list[dict[str, float]] = [{}]
    for name in prob.free:
        combos = [{**c, name: v} for c in combos for v in grid[name]]
    return np.array([prob.to_theta({**c, **init}) for c in combos])


def _point_estimate(prob: _Problem, obs: np.ndarray, max_nfev: int) -> tuple[np.ndarray, int, bool, str]:
    starts = _starts(prob)
    sse = np.sum((prob.predict(starts) - obs[None, :]) ** 2, axis=1)
    sse = np.where(np.isfinite(sse), sse, np.inf)

    def fun(theta: np.ndarray) -> np.ndarray:
        return prob.predict(theta)[0] - obs

    def jac(theta: np.ndarray) -> np.ndarray:
        return prob.residuals_and_jacobian(theta[None, :], obs[None, :])[1][0]

    best = None
    total = 0
    for k in np.argsort(sse)[:2]:
        res = least_squares(fun, starts[k], jac=jac, method="lm", xtol=1e-8, ftol=1e-9,
                            gtol=1e-9, max_nfev=max_nfev)
        total += int(res.nfev)
        if best is None or res.cost < best.cost:
            best = res
    assert best is not None
    res = best
    theta, ok, message = res.x, bool(res.status > 0), str(res.message)
    if not ok:
        warnings.warn(
            f"least squares for the {prob.model.name} model stopped before convergence ({message}); "
            "the estimates may be inaccurate: fix a parameter or check the data",
            ConvergenceWarning,
            stacklevel=3,
        )
    if not np.all(np.isfinite(theta)):
        raise ConvergenceError(f"least squares for the {prob.model.name} model returned NaN: {message}")
    return theta, total, ok, message


def _batched_lm(prob: _Problem, theta: np.ndarray, ystar: np.ndarray, max_iter: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Levenberg-Marquardt on every bootstrap series at once; returns (theta, converged mask)."""
    theta = theta.copy()
    batch, q = theta.shape
    lam = np.full(batch, 1e-3)
    resid, jac = prob.residuals_and_jacobian(theta, ystar)
    sse = np.sum(resid**2, axis=1)
    done = np.zeros(batch, dtype=bool)
    for _ in range(max_iter):
        active = ~done
        if not active.any():
            break
        ja, ra = jac[active], resid[active]
        jtj = np.einsum("bmi,bmj->bij", ja, ja)
        g = np.einsum("bmi,bm->bi", ja, ra)
        diag = np.einsum("bii->bi", jtj) + 1e-12
        lhs = jtj + lam[active, None, None] * np.einsum("bi,ij->bij", diag, np.eye(q))
        step = -np.linalg.solve(lhs, g[..., None])[..., 0]
        trial = np.clip(theta[active] + step, prob.lo, prob.hi)
        r_t, j_t = prob.residuals_and_jacobian(trial, ystar[active])
        sse_t = np.sum(r_t**2, axis=1)
        better = sse_t < sse[active]
        idx = np.nonzero(active)[0]
        acc = idx[better]
        rel = (sse[acc] - sse_t[better]) / np.maximum(sse[acc], 1e-300)
        theta[acc], resid[acc], jac[acc], sse[acc] = trial[better], r_t[better], j_t[better], sse_t[better]
        lam[acc] = np.maximum(lam[acc] / 3.0, 1e-9)
        rej = idx[~better]
        lam[rej] *= 4.0
        small_step = np.max(np.abs(step), axis=1) < 1e-6
        done[acc[(rel < 1e-8) | small_step[better]]] = True
        done[rej[(lam[rej] > 1e8) | small_step[~better]]] = True
    # A draw that stopped without meeting the criteria is kept if it is stationary (small gradient
    # relative to the curvature); dropping slow draws along a ridge would narrow the intervals.
    g = np.einsum("bmi,bm->bi", jac, resid)
    jtj_diag = np.einsum("bmi,bmi->bi", jac, jac)
    stationary = np.all(np.abs(g) <= 1e-4 * np.sqrt(jtj_diag * np.maximum(sse, 1e-300)[:, None]) + 1e-14, axis=1)
    ok = (done | stationary) & np.all(np.isfinite(theta), axis=1)
    return theta, ok


__all__ = ["FitRecord", "IdentificationWarning", "LanguageFit", "fit_language_model"]
